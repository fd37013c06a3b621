from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from iltod.core.admin_tools import ExportMixin, missing_translation_filter

from .models import (
    CycleIndicator,
    FieldSubmission,
    FocusGroup,
    Indicator,
    InputItem,
    Project,
    Score,
    ScorecardCycle,
    ScoreRevision,
    StagePlan,
)


@admin.register(Indicator)
class IndicatorAdmin(ExportMixin, TranslationAdmin):
    list_display = ["code", "text", "sector", "order", "is_active"]
    list_filter = ["sector", "is_active", missing_translation_filter("text")]
    search_fields = ["code", "text_mn", "text_en"]


@admin.register(Project)
class ProjectAdmin(ExportMixin, TranslationAdmin):
    list_display = ["name", "code", "sector", "organization", "is_active"]
    list_filter = ["sector", "is_active", missing_translation_filter("name")]
    search_fields = ["name_mn", "name_en", "code"]
    filter_horizontal = ["indicators"]
    autocomplete_fields = ["organization"]


class StagePlanInline(admin.TabularInline):
    model = StagePlan
    extra = 0
    can_delete = False
    fields = ["stage", "planned_end", "completed_on"]
    readonly_fields = ["stage"]


class CycleIndicatorInline(admin.TabularInline):
    model = CycleIndicator
    extra = 0
    fields = ["number", "text_mn", "text_en", "indicator", "is_community_generated"]
    raw_id_fields = ["indicator"]


class InputInline(admin.TabularInline):
    model = InputItem
    extra = 0


class GroupInline(admin.TabularInline):
    model = FocusGroup
    extra = 0
    fields = ["code", "kind", "name", "held_on", "participants_female", "participants_male", "status"]
    readonly_fields = ["code", "status"]


@admin.register(ScorecardCycle)
class ScorecardCycleAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["title", "code", "service_unit", "owner_organization", "stage", "created_at"]
    list_filter = ["stage", "scale"]
    search_fields = ["title", "code", "service_unit__name"]
    list_select_related = ["service_unit", "owner_organization"]
    raw_id_fields = [
        "service_unit",
        "owner_organization",
        "facilitator",
        "created_by",
        "interface_meeting",
        "action_plan",
    ]
    readonly_fields = ["code", "stage", "closed_at"]
    inlines = [StagePlanInline, CycleIndicatorInline, InputInline, GroupInline]


class RevisionInline(admin.TabularInline):
    model = ScoreRevision
    extra = 0
    can_delete = False
    readonly_fields = ["value", "previous_value", "reason", "source", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    """Read only: scores change through the score sheet, which keeps the history and approval."""

    list_display = ["group", "indicator", "value", "updated_at"]
    list_select_related = ["group", "indicator"]
    search_fields = ["group__cycle__code", "group__code"]
    readonly_fields = ["group", "indicator", "value", "reason", "updated_at", "updated_by"]
    inlines = [RevisionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FieldSubmission)
class FieldSubmissionAdmin(admin.ModelAdmin):
    list_display = ["external_id", "cycle", "group", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["cycle", "group"]
    search_fields = ["external_id", "cycle__code"]
    readonly_fields = ["external_id", "cycle", "group", "payload", "status", "error", "created_at"]
