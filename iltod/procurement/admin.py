"""The back office of procurement: OCDS imports (upload, progress, report), the review queue of
parties that matched no organisation, red flag settings (INI in and out), oversight bodies, and the
monitoring cases with the moderation of their public summaries."""

from django import forms as django_forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from . import permissions, services
from .forms import FlagSettingsImportForm, ImportForm
from .models import (
    CaseEvidence,
    CaseStep,
    ContractingProcess,
    FlagSettings,
    ImportJob,
    MonitoringCase,
    MonitoringNetwork,
    OversightBody,
    Party,
)


class LinkedFilter(admin.SimpleListFilter):
    title = gettext_lazy("linked to an organisation")
    parameter_name = "linked"

    def lookups(self, request, model_admin):
        return [("no", _("no: waiting for review")), ("yes", _("yes"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(organization__isnull=True)
        if self.value() == "yes":
            return queryset.filter(organization__isnull=False)
        return queryset


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    """The review queue: ``?linked=no`` lists the names that matched nothing."""

    list_display = ["name", "scheme", "identifier", "organization", "facility", "reviewed"]
    list_filter = [LinkedFilter, "reviewed"]
    search_fields = ["name", "identifier"]
    autocomplete_fields = ["organization", "facility"]
    readonly_fields = ["code", "scheme", "identifier", "name", "created_at"]
    fields = ["code", "name", "scheme", "identifier", "organization", "facility", "created_at"]

    def has_add_permission(self, request):
        return False  # parties come from imports

    def save_model(self, request, obj, form, change):
        try:
            services.link_party(
                obj,
                organization=form.cleaned_data.get("organization"),
                facility=form.cleaned_data.get("facility"),
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))


@admin.register(ContractingProcess)
class ContractingProcessAdmin(admin.ModelAdmin):
    list_display = ["ocid", "title", "buyer", "method", "status", "tender_value", "currency", "year"]
    list_filter = ["method", "status", "year", "aimag"]
    search_fields = ["ocid", "title"]
    list_select_related = ["buyer"]
    readonly_fields = [f.name for f in ContractingProcess._meta.fields]
    exclude = ["suppliers"]

    def has_add_permission(self, request):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "status", "releases_new", "releases_seen", "processes", "created_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]
    change_form_template = "admin/procurement/importjob/change_form.html"

    def get_urls(self):
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="procurement_importjob_upload"),
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="procurement_importjob_progress",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        """Only the imports the person uploaded or publishes for (``permissions.import_jobs_for``):
        another staff member's upload, its report and its file stay theirs."""
        return permissions.import_jobs_for(request.user)

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:procurement_importjob_upload")

    def has_change_permission(self, request, obj=None):
        return False

    def upload_view(self, request):
        if not permissions.can_import_in_back_office(request.user) or not self.has_view_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = services.create_import(form.cleaned_data["file"], actor=request.user, request=request)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect(reverse("admin:procurement_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import OCDS"),
            "opts": self.model._meta,
        }
        return render(request, "admin/procurement/importjob/upload.html", context)

    def progress_view(self, request, object_id):
        job = get_object_or_404(permissions.import_jobs_for(request.user), pk=object_id)
        return JsonResponse(services.job_progress(job))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(permissions.import_jobs_for(request.user), pk=object_id)
        extra = {**(extra_context or {}), "job": job, "progress": services.job_progress(job)}
        return super().change_view(request, object_id, form_url, extra)


class FlagSettingsForm(django_forms.ModelForm):
    class Meta:
        model = FlagSettings
        fields = ["name", "ini", "is_active"]

    def clean_ini(self):
        text = self.cleaned_data["ini"]
        services.check_ini(text)
        return text


@admin.register(FlagSettings)
class FlagSettingsAdmin(admin.ModelAdmin):
    form = FlagSettingsForm
    list_display = ["name", "is_active", "updated_at", "recompute_state"]
    readonly_fields = ["recompute_queued_at"]
    change_list_template = "admin/procurement/flagsettings/change_list.html"

    @admin.display(description=gettext_lazy("red flags"))
    def recompute_state(self, obj):
        if obj.recompute_queued_at is None:
            return "" if not obj.is_active else _("computed")
        since = date_format(localtime(obj.recompute_queued_at), "DATETIME_FORMAT")
        return _("recomputing (since %(time)s)") % {"time": since}

    def changelist_view(self, request, extra_context=None):
        recomputing = FlagSettings.objects.filter(recompute_queued_at__isnull=False).exists()
        return super().changelist_view(request, {**(extra_context or {}), "recomputing": recomputing})

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="procurement_flagsettings_import"),
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="procurement_flagsettings_export",
            ),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        services.save_flag_settings(obj, actor=request.user, activate=obj.is_active)

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FlagSettingsImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8")
                settings_obj = FlagSettings(name=form.cleaned_data["name"], ini=text)
                services.save_flag_settings(settings_obj, actor=request.user, activate=form.cleaned_data["activate"])
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("Settings imported."))
                return redirect("admin:procurement_flagsettings_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import red flag settings"),
            "opts": self.model._meta,
        }
        return render(request, "admin/procurement/flagsettings/import.html", context)

    def export_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        settings_obj = get_object_or_404(FlagSettings, pk=object_id)
        response = HttpResponse(settings_obj.ini, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="settings.ini"'
        return response


@admin.register(OversightBody)
class OversightBodyAdmin(TranslationAdmin):
    list_display = ["name", "organization", "order", "is_active"]
    autocomplete_fields = ["organization"]


@admin.register(MonitoringNetwork)
class MonitoringNetworkAdmin(admin.ModelAdmin):
    """Which networks monitor procurement: only their member organisations' monitors open cases,
    and only their administrators moderate the cases' steps."""

    list_display = ["network", "created_at"]
    autocomplete_fields = ["network"]
    readonly_fields = ["created_at"]


class CaseStepInline(admin.TabularInline):
    model = CaseStep
    extra = 0
    fields = ["kind", "oversight_body", "public_summary", "outcome", "moderation", "created_at"]
    readonly_fields = fields  # moderation goes through the guard and the service: the step list's actions
    can_delete = False


@admin.register(MonitoringCase)
class MonitoringCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "process", "state", "outcome", "opened_at"]
    list_filter = ["state", "outcome"]
    search_fields = ["title", "process__ocid"]
    readonly_fields = [
        "code",
        "process",
        "organization",
        "title",
        "state",
        "outcome",
        "opened_by",
        "opened_at",
        "closed_at",
    ]
    inlines = [CaseStepInline]

    def get_queryset(self, request):
        """The cases the person monitors or moderates: other networks' pending steps stay theirs."""
        return permissions.cases_in_back_office(request.user)

    def has_add_permission(self, request):
        return False


@admin.register(CaseStep)
class CaseStepAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "moderation", "created_at"]
    list_filter = ["moderation", "kind"]
    readonly_fields = [
        "code",
        "case",
        "kind",
        "oversight_body",
        "public_summary",
        "outcome",
        "moderation",
        "created_by",
        "created_at",
    ]
    actions = ["publish", "reject"]

    def get_queryset(self, request):
        return CaseStep.objects.filter(case__in=permissions.cases_in_back_office(request.user))

    def has_add_permission(self, request):
        return False

    def _moderate(self, request, queryset, publish: bool) -> None:
        """Only the steps of cases the person may moderate (the pages' guard); the others are left."""
        refused = 0
        for step in queryset.select_related("case"):
            if permissions.can_moderate_case(request.user, step.case):
                services.moderate_step(step, actor=request.user, publish=publish, request=request)
            else:
                refused += 1
        if refused:
            self.message_user(
                request,
                _("%(count)s steps were left as they were: their cases belong to no network you administer.")
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=gettext_lazy("Publish the summaries"))
    def publish(self, request, queryset):
        self._moderate(request, queryset, publish=True)

    @admin.action(description=gettext_lazy("Do not publish the summaries"))
    def reject(self, request, queryset):
        self._moderate(request, queryset, publish=False)


@admin.register(CaseEvidence)
class CaseEvidenceAdmin(admin.ModelAdmin):
    """Evidence comes with its step (``services.add_step``); its file opens through the evidence
    guard (``procurement:file``), like on the case's page."""

    list_display = ["code", "step", "content_type", "size"]
    readonly_fields = ["code", "step", "file", "content_type", "size"]

    def get_queryset(self, request):
        return CaseEvidence.objects.filter(step__case__in=permissions.cases_in_back_office(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
