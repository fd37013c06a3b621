"""The outbox in the back office. A message's recipient and text are a reporter's contact details
(``iltod.accounts.identity_admin``): lists and exports show the recipient masked and never the
text; a message's page shows them only to holders of the reporter-identity capability, audited.
The secret of a citizen's private link (``?key=``) is masked for everyone."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from iltod.accounts.identity_admin import ReporterContactsAdminMixin, may_see_reporter_contacts
from iltod.core.admin_tools import ExportMixin
from iltod.lib.masking import mask_recipient, mask_secret_links

from .models import OutboundMessage
from .services import retry_now


@admin.action(description=_("Send again"))
def send_again(modeladmin, request, queryset):
    for message in queryset.filter(status=OutboundMessage.Status.FAILED):
        retry_now(message)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReporterContactsAdminMixin, ExportMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "masked_recipient",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "may_be_duplicate",
    ]
    export_fields = [
        "created_at",
        "channel",
        "masked_recipient",
        "language",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
        "may_be_duplicate",
    ]
    list_filter = ["status", "channel", "language", "may_be_duplicate"]
    actions = [*ExportMixin.actions, send_again]
    date_hierarchy = "created_at"
    contact_fields = ("recipient", "body")
    masked_fields = ("masked_recipient",)
    unmasked_fields = ("recipient", "text_without_secret_links")
    audit_where = "outbox"

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj):
        return mask_recipient(obj.recipient)

    @admin.display(description=_("text"))
    def text_without_secret_links(self, obj):
        return mask_secret_links(obj.body)

    def get_search_fields(self, request):
        # searching by phone number or address would tell who received what: identity holders only
        if may_see_reporter_contacts(request):
            return ["recipient", "subject", "message_id"]
        return ["subject", "message_id"]
