import json

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from iltod.accounts.identity_admin import ReporterContactsAdminMixin
from iltod.core.admin_tools import ExportMixin, missing_translation_filter
from iltod.lib.masking import mask_recipient, mask_secret_links

from .models import Attachment, Category, DeadlinePolicy, Event, Feedback, InboundMessage, RoutingRule, Stat


@admin.register(Category)
class CategoryAdmin(ExportMixin, TranslationAdmin):
    list_display = ["code", "name", "sector", "order", "is_active", "is_conduct"]
    list_editable = ["is_conduct"]  # conduct topics go to the oversight body (feedback.permissions)
    list_filter = ["sector", "is_active", "is_conduct", missing_translation_filter("name")]
    search_fields = ["code", "name_mn", "name_en"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(ExportMixin, TranslationAdmin):
    list_display = [
        "name",
        "kind",
        "category",
        "acknowledge_days",
        "acknowledge_day_kind",
        "resolve_days",
        "resolve_day_kind",
        "max_extension_days",
        "reopen_days",
        "escalate_after_days",
    ]
    list_filter = ["kind", "resolve_day_kind", missing_translation_filter("name")]


@admin.register(RoutingRule)
class RoutingRuleAdmin(ExportMixin, admin.ModelAdmin):
    list_display = [
        "priority",
        "target",
        "organization",
        "sector",
        "category",
        "kind",
        "facility_kind",
        "admin_unit",
        "is_active",
    ]
    list_filter = ["target", "sector", "is_active"]
    raw_id_fields = ["organization", "admin_unit"]
    list_select_related = ["organization", "sector", "category", "admin_unit"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["created_at", "type", "actor", "organization", "is_public", "text", "old_status", "new_status"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "is_public", "created_at"]
    readonly_fields = ["original_name", "content_type", "size", "created_at"]


@admin.register(Feedback)
class FeedbackAdmin(ExportMixin, admin.ModelAdmin):
    """Read-mostly: handling happens on the staff pages, through the services."""

    list_display = [
        "tracking_code",
        "received_at",
        "kind",
        "category",
        "service_unit",
        "status",
        "handling_organization",
        "resolve_due",
        "channel",
        "moderation",
    ]
    export_fields = [
        "tracking_code",
        "received_at",
        "kind",
        "category",
        "service_unit",
        "admin_unit",
        "status",
        "handling_organization",
        "resolve_due",
        "resolved_at",
        "channel",
        "rating",
    ]
    list_filter = ["status", "kind", "channel", "moderation", "privacy", "category__sector"]
    search_fields = ["tracking_code", "external_id"]
    list_select_related = ["category", "service_unit", "handling_organization"]
    raw_id_fields = [
        "service_unit",
        "admin_unit",
        "handling_organization",
        "assigned_to",
        "escalated_to",
        "oversight_organization",
        "duplicate_of",
        "category",
    ]
    date_hierarchy = "received_at"
    inlines = [AttachmentInline, EventInline]
    readonly_fields = [
        "tracking_code",
        "description",
        "status",
        "received_at",
        "acknowledge_due",
        "resolve_due",
        "original_resolve_due",
        "resolved_at",
        "closed_at",
        "rating",
        "problem_solved",
        "channel",
        "external_id",
        "privacy",
    ]
    exclude = ["search_key"]


@admin.register(Stat)
class StatAdmin(admin.ModelAdmin):
    list_display = ["scope", "scope_id", "year", "received", "resolved", "resolved_on_time", "rating_count"]
    list_filter = ["scope", "year"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(InboundMessage)
class InboundMessageAdmin(ReporterContactsAdminMixin, admin.ModelAdmin):
    """Read-only record of what the channels delivered; errors are fixed and retried on the staff
    page /staff/feedback/inbound/, which keeps the audit trail. The sender and the payload (which
    names the sender too) are a reporter's contact details: shown to identity holders only, audited
    (``iltod.accounts.identity_admin``); secret links in texts are masked for everyone."""

    list_display = ["created_at", "channel", "external_id", "status", "outcome", "feedback", "attempts"]
    list_filter = ["channel", "status", "outcome"]
    search_fields = ["external_id", "feedback__tracking_code"]
    list_select_related = ["feedback"]
    date_hierarchy = "created_at"
    contact_fields = ("sender", "payload", "text", "transliteration")
    masked_fields = ("masked_sender", "text_without_secret_links")
    unmasked_fields = ("sender", "payload_without_secret_links", "text_without_secret_links")
    audit_where = "inbound"

    @admin.display(description=_("sender"))
    def masked_sender(self, obj):
        return mask_recipient(obj.sender)

    @admin.display(description=_("text"))
    def text_without_secret_links(self, obj):
        return mask_secret_links(obj.text)

    @admin.display(description=_("payload"))
    def payload_without_secret_links(self, obj):
        return mask_secret_links(json.dumps(obj.payload, ensure_ascii=False, indent=1))
