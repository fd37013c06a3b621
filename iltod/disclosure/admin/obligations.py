"""Back office of obligations and compliance: requirements are edited here (data, not code);
disclosures are read here and published by the bodies on their own pages."""

from django import forms
from django.contrib import admin
from django.db import transaction
from modeltranslation.admin import TranslationAdmin

from iltod.core.admin_tools import ExportMixin, missing_translation_filter
from iltod.organizations.models import Organization

from ..models import Disclosure, DisclosureRequirement
from ..services import obligations as services


class RequirementForm(forms.ModelForm):
    organization_kinds = forms.MultipleChoiceField(
        label=DisclosureRequirement._meta.get_field("organization_kinds").verbose_name,
        help_text=DisclosureRequirement._meta.get_field("organization_kinds").help_text,
        choices=Organization.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = DisclosureRequirement
        fields = [
            "code", "title_mn", "title_en", "description_mn", "description_en", "organization_kinds", "sectors",
            "admin_units", "frequency", "threshold", "deadline_days", "deadline_day_kind", "legal_basis_mn",
            "legal_basis_en", "form", "dataset_code", "starts_on", "is_example", "is_active",
        ]  # fmt: skip


@admin.register(DisclosureRequirement)
class DisclosureRequirementAdmin(ExportMixin, TranslationAdmin):
    form = RequirementForm
    list_display = [
        "code", "title", "frequency", "deadline_days", "deadline_day_kind", "form", "is_example", "is_active",
    ]  # fmt: skip
    list_filter = ["frequency", "form", "is_example", "is_active", missing_translation_filter("title")]
    search_fields = ["code", "title_mn", "title_en", "legal_basis_mn", "legal_basis_en"]
    filter_horizontal = ["sectors", "admin_units"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        requirement = form.instance
        if requirement.is_active and not requirement.is_per_event:
            # The schedule of every body it applies to, back to its first period (the periodic
            # job only looks at recent periods); the summary is recounted for those bodies.
            bodies = services.generate_schedule(requirement=requirement)
            transaction.on_commit(lambda: services.refresh_summary(bodies))


@admin.register(Disclosure)
class DisclosureAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["code", "requirement", "organization", "period_start", "due_on", "status", "published_at"]
    list_filter = ["status", "requirement", "due_on"]
    search_fields = ["code", "organization__name", "organization__code"]
    list_select_related = ["requirement", "organization"]
    date_hierarchy = "due_on"
    readonly_fields = [
        "code", "requirement", "organization", "aimag", "sector", "period_start", "period_end", "due_on", "status",
        "event_description", "event_amount", "published_at", "published_by", "document", "dataset_code",
        "dataset_period", "note", "explanation", "explained_at", "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # the schedule job creates them; bodies record events on their pages
