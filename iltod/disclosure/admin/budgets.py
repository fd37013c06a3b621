"""Back office: budget lines and transfer steps. Publishers import them (pages, API); the back
office corrects a line and finds where a chain breaks."""

from django.contrib import admin

from iltod.core.admin_tools import ExportMixin

from ..models import BudgetLine, Transfer


@admin.register(BudgetLine)
class BudgetLineAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["fiscal_year", "organization", "service_unit", "code", "approved", "adjusted", "executed"]
    list_filter = ["fiscal_year"]
    search_fields = ["code", "organization__name", "service_unit__name", "functional_label", "economic_label"]
    raw_id_fields = ["organization", "service_unit"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]
    list_select_related = ["organization", "service_unit"]


@admin.register(Transfer)
class TransferAdmin(ExportMixin, admin.ModelAdmin):
    list_display = [
        "fiscal_year",
        "code",
        "from_organization",
        "to_organization",
        "to_service_unit",
        "allocated",
        "received",
    ]
    list_filter = ["fiscal_year"]
    search_fields = ["code", "purpose", "from_organization__name", "to_organization__name", "to_service_unit__name"]
    raw_id_fields = ["parent", "from_organization", "to_organization", "to_service_unit", "admin_unit"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]
    list_select_related = ["from_organization", "to_organization", "to_service_unit"]
