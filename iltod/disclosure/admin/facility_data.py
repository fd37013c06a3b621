"""Back office of facility data: the indicator catalogue (configurable), campaigns with their
volunteers, and read-only views of values, their history and citizens' checks (values change only
through the publishing services, so that every change keeps its history)."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from iltod.core.admin_tools import ExportMixin, missing_translation_filter

from ..models.facility_data import (
    CampaignAssignment,
    FacilityIndicator,
    FacilityValue,
    FacilityValueChange,
    ValidationCampaign,
    ValueCheck,
)


@admin.register(FacilityIndicator)
class FacilityIndicatorAdmin(ExportMixin, TranslationAdmin):
    list_display = ["code", "name", "unit", "value_type", "tolerance_percent", "order", "is_active"]
    list_filter = ["value_type", "is_active", missing_translation_filter("name")]
    search_fields = ["code", "name_mn", "name_en"]
    raw_id_fields = ["numerator", "denominator"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ChangeInline(admin.TabularInline):
    model = FacilityValueChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "old_value", "new_value", "source", "changed_by", "organization", "api_key"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FacilityValue)
class FacilityValueAdmin(ReadOnlyAdmin):
    list_display = ["facility", "indicator", "period", "value", "status", "confirmations", "publisher"]
    list_filter = ["status", "indicator"]
    search_fields = ["facility__code", "facility__name", "code"]
    list_select_related = ["facility", "indicator", "publisher"]
    inlines = [ChangeInline]


@admin.register(ValueCheck)
class ValueCheckAdmin(ReadOnlyAdmin):
    list_display = ["code", "value", "verdict", "observed_value", "moderation", "outcome", "created_at"]
    list_filter = ["verdict", "moderation", "outcome"]
    search_fields = ["code", "value__facility__code", "=external_id"]  # a KoBo submission's uuid
    list_select_related = ["value__indicator"]
    # Who checked is a citizen's identity: the back office never shows it, not even to superusers,
    # who see reporters only through a membership that lets them (feedback's rule).
    exclude = ["checked_by"]


class AssignmentInline(admin.TabularInline):
    model = CampaignAssignment
    extra = 1
    raw_id_fields = ["facility", "volunteer"]
    fields = ["facility", "volunteer", "checked_at"]
    readonly_fields = ["checked_at"]


@admin.register(ValidationCampaign)
class ValidationCampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "organization", "admin_unit", "period"]
    search_fields = ["title", "code"]
    raw_id_fields = ["organization", "admin_unit"]
    filter_horizontal = ["indicators"]
    inlines = [AssignmentInline]
