"""Back office for engagement records. The daily work happens on the group pages, through the
services (audited); here administrators look things up, correct reference data and export lists.
Records whose history matters (attendance, votes, updates) are shown read-only."""

from django.contrib import admin
from django.db import models
from modeltranslation.admin import TranslationAdmin

from iltod.core.admin_tools import ExportMixin, missing_translation_filter

from .models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Attendance,
    AttendanceCount,
    Document,
    Evidence,
    Group,
    GroupMember,
    LocalIssue,
    Meeting,
    OutcomeStory,
    Prioritisation,
    Project,
)

LINKS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GroupMemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    fields = ["person_name", "user", "organization", "stakeholder_type", "sex", "role", "joined_on", "left_on"]
    raw_id_fields = ["user", "organization"]
    show_change_link = True


@admin.register(Group)
class GroupAdmin(ExportMixin, TranslationAdmin):
    list_display = ["name", "code", "admin_unit", "service_unit", "convening_organization", "is_active", "is_public"]
    list_filter = ["is_active", "is_public", "sectors", missing_translation_filter("name")]
    search_fields = ["code", "name_mn", "name_en"]
    list_select_related = ["admin_unit", "service_unit", "convening_organization"]
    raw_id_fields = ["admin_unit", "service_unit", "convening_organization"]
    readonly_fields = ["code", "created_at"]
    filter_horizontal = ["sectors"]
    inlines = [GroupMemberInline]


@admin.register(GroupMember)
class GroupMemberAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["display_name", "group", "stakeholder_type", "sex", "age_band", "role", "joined_on", "left_on"]
    list_filter = ["stakeholder_type", "sex", "age_band", "role"]
    search_fields = ["code", "person_name", "email", "phone", "user__email", "organization__name", "group__code"]
    list_select_related = ["group", "user", "organization"]
    raw_id_fields = ["group", "user", "organization"]
    readonly_fields = ["code"]


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["name", "organization_name", "member", "stakeholder_type", "sex", "age_band"]


class AttendanceCountInline(ReadOnlyInline):
    model = AttendanceCount
    fields = ["stakeholder_type", "sex", "count"]


class PrioritisationInline(ReadOnlyInline):
    model = Prioritisation
    fields = ["issue", "stakeholder_type", "votes"]


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ["code", "kind", "title", "content_type", "size", "is_public", "uploaded_by", "uploaded_at"]
    readonly_fields = ["code", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Meeting)
class MeetingAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["title", "code", "group", "held_on", "kind", "status", "is_public"]
    list_filter = ["kind", "status", "is_public"]
    search_fields = ["code", "title", "group__code", "group__name_mn", "group__name_en"]
    list_select_related = ["group"]
    raw_id_fields = ["group", "created_by"]
    readonly_fields = ["code", "created_at", "updated_at"]
    date_hierarchy = "held_on"
    inlines = [AttendanceInline, AttendanceCountInline, PrioritisationInline, DocumentInline]


@admin.register(Attendance)
class AttendanceAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["name", "meeting", "organization_name", "stakeholder_type", "sex", "age_band"]
    list_filter = ["stakeholder_type", "sex", "age_band"]
    search_fields = ["name", "organization_name", "meeting__code"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting", "member"]


@admin.register(AttendanceCount)
class AttendanceCountAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["meeting", "stakeholder_type", "sex", "count"]
    list_filter = ["stakeholder_type", "sex"]
    search_fields = ["meeting__code", "meeting__title"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "code", "kind", "content_type", "size", "is_public", "uploaded_at"]
    list_filter = ["kind", "is_public"]
    search_fields = ["code", "title"]
    raw_id_fields = ["meeting", "issue", "update", "uploaded_by"]
    readonly_fields = ["code", "content_type", "size", "uploaded_at"]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    fields = ["kind", "feedback", "url", "note", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    raw_id_fields = ["feedback"]
    formfield_overrides = LINKS


@admin.register(LocalIssue)
class LocalIssueAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["title", "code", "group", "sector", "service_unit", "status", "priority", "is_public"]
    list_filter = ["status", "sector", "is_public"]
    search_fields = ["code", "title", "group__code"]
    list_select_related = ["group", "sector", "service_unit"]
    raw_id_fields = ["group", "service_unit", "admin_unit", "raised_at", "created_by"]
    readonly_fields = ["code", "created_at"]
    inlines = [EvidenceInline, DocumentInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "issue", "kind", "added_at"]
    list_filter = ["kind"]
    search_fields = ["issue__code", "issue__title", "note", "url", "feedback__tracking_code"]
    list_select_related = ["issue", "feedback"]
    raw_id_fields = ["issue", "feedback", "added_by"]
    formfield_overrides = LINKS


@admin.register(Prioritisation)
class PrioritisationAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["issue", "meeting", "stakeholder_type", "votes"]
    list_filter = ["stakeholder_type"]
    search_fields = ["issue__code", "issue__title", "meeting__code"]
    list_select_related = ["issue", "meeting"]
    raw_id_fields = ["issue", "meeting"]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["order", "title", "lead_organization", "due_on", "status", "progress"]
    raw_id_fields = ["lead_organization"]
    show_change_link = True


@admin.register(ActionPlan)
class ActionPlanAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["title", "code", "group", "status", "service_unit", "is_public", "created_at"]
    list_filter = ["status", "is_public"]
    search_fields = ["code", "title", "group__code"]
    list_select_related = ["group", "service_unit"]
    raw_id_fields = ["group", "meeting", "issue", "service_unit", "created_by"]
    readonly_fields = ["code", "created_at", "source_type", "source_id"]
    inlines = [ActionInline]


class ActionUpdateInline(ReadOnlyInline):
    model = ActionUpdate
    fields = ["created_at", "author", "text", "new_status", "new_progress", "review", "reviewed_by", "reviewed_at"]


@admin.register(Action)
class ActionAdmin(ExportMixin, admin.ModelAdmin):
    """Status and progress change through approved updates; edit them here only to correct mistakes."""

    list_display = ["title", "code", "plan", "lead_organization", "due_on", "status", "progress"]
    list_filter = ["status"]
    search_fields = ["code", "title", "plan__code", "responsible_person"]
    list_select_related = ["plan", "lead_organization"]
    raw_id_fields = ["plan", "lead_organization", "responsible_user"]
    filter_horizontal = ["co_responsible"]
    readonly_fields = ["code", "reminded_on", "created_at", "updated_at"]
    inlines = [ActionUpdateInline]


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    """Read-only: approval happens on the coordinator's queue, through the services."""

    list_display = ["code", "action", "author", "review", "created_at", "reviewed_by"]
    list_filter = ["review"]
    search_fields = ["code", "action__code", "text"]
    list_select_related = ["action", "author", "reviewed_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutcomeStory)
class OutcomeStoryAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "plan", "is_public", "created_at"]
    list_filter = ["is_public"]
    search_fields = ["code", "title", "plan__code"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "action", "author"]
    readonly_fields = ["code", "created_at"]


@admin.register(Project)
class ProjectAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["title", "code", "organization", "tool", "status", "starts_on", "ends_on", "is_public"]
    list_filter = ["tool", "status", "is_public"]
    search_fields = ["code", "title", "organization__name"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "created_by", "facilities", "issues"]
    filter_horizontal = ["partners", "groups"]
    readonly_fields = ["code", "created_at"]
