"""The back office of results: M&E staff edit the framework here (each save a new version, through
the services); manual actuals, the ranking and subscriptions are read only (approval happens on
the indicator page, by a second person)."""

import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import services
from .models import Framework, Indicator, ManualActual, Period, RankingEntry, Result, Revision, Subscription
from .permissions import can_manage_results


class ManagedAdmin(admin.ModelAdmin):
    """Open to results managers only (the one guard of ``permissions``). Every delete goes through
    the services: a new version of the framework, so nothing cached under the old one is shown."""

    def delete_model(self, request, obj):
        services.delete_from_framework(actor=request.user, obj=obj, request=request)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete_from_framework(actor=request.user, obj=obj, request=request)

    def has_module_permission(self, request):
        return can_manage_results(request.user)

    def has_view_permission(self, request, obj=None):
        return can_manage_results(request.user)

    def has_add_permission(self, request):
        return can_manage_results(request.user)

    def has_change_permission(self, request, obj=None):
        return can_manage_results(request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ReadOnlyAdmin(ManagedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceCheckedForm(forms.ModelForm):
    """Runs the service's own checks in ``clean()``, so a refusal shows on the form, not as a 500."""

    def candidate(self):
        """The row as it would be saved (a copy: the form's instance is only changed on save)."""
        row = copy.copy(self.instance)
        for field, value in self.cleaned_data.items():
            setattr(row, field, value)
        return row

    def check(self, row) -> None:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                self.check(self.candidate())
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class ResultAdminForm(ServiceCheckedForm):
    def check(self, row) -> None:
        services.check_result(row, row.framework)


class IndicatorAdminForm(ServiceCheckedForm):
    def check(self, row) -> None:
        services.check_indicator(row)


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(ManagedAdmin):
    list_display = ["code", "title_mn", "version", "is_public", "updated_at"]
    readonly_fields = ["version", "updated_at"]
    inlines = [PeriodInline]

    def save_model(self, request, obj, form, change):
        services.save_framework(actor=request.user, framework=obj, request=request)

    def save_formset(self, request, form, formset, change):
        formset.save()
        if formset.new_objects or formset.changed_objects or formset.deleted_objects:
            services.record_change(actor=request.user, obj=form.instance, summary="periods", request=request)

    def delete_model(self, request, obj):
        admin.ModelAdmin.delete_model(self, request, obj)  # its versions go with it

    def delete_queryset(self, request, queryset):
        admin.ModelAdmin.delete_queryset(self, request, queryset)


@admin.register(Result)
class ResultAdmin(ManagedAdmin):
    form = ResultAdminForm
    list_display = ["code", "level", "title_mn", "weight", "framework"]
    list_filter = ["framework", "level"]

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in form.cleaned_data if field != "framework"}
        services.save_result(
            actor=request.user, framework=form.cleaned_data["framework"], data=data, result=obj, request=request
        )


@admin.register(Indicator)
class IndicatorAdmin(ManagedAdmin):
    form = IndicatorAdminForm
    list_display = ["code", "title_mn", "measure", "ascending", "metric", "weight", "result"]
    list_filter = ["result__framework", "measure"]
    search_fields = ["code", "title_mn", "title_en"]

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in form.cleaned_data if field != "result"}
        services.save_indicator(
            actor=request.user, result=form.cleaned_data["result"], data=data, indicator=obj, request=request
        )


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["framework", "version", "summary", "changed_by", "changed_at"]


@admin.register(ManualActual)
class ManualActualAdmin(ReadOnlyAdmin):
    list_display = ["target", "value", "status", "entered_by", "reviewed_by", "entered_at"]
    list_filter = ["status"]


@admin.register(RankingEntry)
class RankingEntryAdmin(ReadOnlyAdmin):
    list_display = ["period", "body_kind", "name", "rank", "score", "items"]
    list_filter = ["period", "body_kind"]
    search_fields = ["name", "body_code"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["target_kind", "target_name", "channel", "frequency", "confirmed_at", "unsubscribed_at"]
    list_filter = ["target_kind", "channel", "frequency"]
    exclude = ["address", "token", "confirmation_code"]  # contact details stay out of the back office lists
