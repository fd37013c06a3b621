from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iltod.core.admin_tools import ExportMixin

from .models import OutboundMessage
from .services import retry_now


@admin.action(description=_("Send again"))
def send_again(modeladmin, request, queryset):
    for message in queryset.filter(status=OutboundMessage.Status.FAILED):
        retry_now(message)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ExportMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "may_be_duplicate",
    ]
    export_fields = [
        "created_at",
        "channel",
        "recipient",
        "language",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
        "may_be_duplicate",
    ]
    list_filter = ["status", "channel", "language", "may_be_duplicate"]
    search_fields = ["recipient", "subject", "message_id"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]
    actions = [*ExportMixin.actions, send_again]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False
