"""The back office of results: M&E staff edit the framework here (each save a new version, through
the services); manual actuals, the ranking and subscriptions are read only (approval happens on
the indicator page, by a second person)."""

from django.contrib import admin

from . import services
from .models import Framework, Indicator, ManualActual, Period, RankingEntry, Result, Revision, Subscription
from .permissions import can_manage_results


class ManagedAdmin(admin.ModelAdmin):
    """Open to results managers only (the one guard of ``permissions``)."""

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


class PeriodInline(admin.TabularInline):
    model = Period
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(ManagedAdmin):
    list_display = ["code", "title_mn", "version", "is_public", "updated_at"]
    readonly_fields = ["version", "updated_at"]
    inlines = [PeriodInline]


@admin.register(Result)
class ResultAdmin(ManagedAdmin):
    list_display = ["code", "level", "title_mn", "weight", "framework"]
    list_filter = ["framework", "level"]

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in form.cleaned_data if field != "framework"}
        services.save_result(
            actor=request.user, framework=form.cleaned_data["framework"], data=data, result=obj, request=request
        )


@admin.register(Indicator)
class IndicatorAdmin(ManagedAdmin):
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
