"""Back office: Local Development Fund projects with their milestones, and the citizens' reports
(moderated through the same service and guard as the project page)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from iltod.core.admin_tools import ExportMixin

from ..models import LdfProject, Milestone, MonitoringReport
from ..services import projects as services


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "planned_on", "done_on", "photo"]


@admin.register(LdfProject)
class LdfProjectAdmin(ExportMixin, admin.ModelAdmin):
    list_display = ["title_mn", "admin_unit", "fiscal_year", "category", "status", "progress", "amount_approved"]
    list_filter = ["fiscal_year", "status", "category"]
    search_fields = ["title_mn", "title_en", "external_id", "code", "ocid", "admin_unit__name"]
    raw_id_fields = ["admin_unit", "contractor"]
    readonly_fields = ["code", "updated_by", "created_at", "updated_at"]
    list_select_related = ["admin_unit"]
    inlines = [MilestoneInline]


def _moderate(modeladmin, request, queryset, publish: bool):
    done = 0
    for report in queryset.select_related("project__admin_unit"):
        try:
            services.moderate_report(report, actor=request.user, publish=publish, request=request)
        except services.ProjectError as exc:
            modeladmin.message_user(request, str(exc), messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("%(count)s reports moderated.") % {"count": done}, messages.SUCCESS)


@admin.action(description=_("Publish the chosen reports"))
def publish_reports(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, True)


@admin.action(description=_("Do not publish the chosen reports"))
def reject_reports(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, False)


@admin.register(MonitoringReport)
class MonitoringReportAdmin(admin.ModelAdmin):
    list_display = ["project", "visited_on", "rating", "progress_seen", "moderation", "feedback", "created_at"]
    list_filter = ["moderation", "rating"]
    search_fields = ["code", "project__title_mn", "problems", "comment"]
    raw_id_fields = ["project", "moderated_by", "feedback"]
    readonly_fields = ["code", "moderation", "moderated_by", "moderated_at", "feedback", "created_at"]
    list_select_related = ["project", "feedback"]
    # Who submitted is a citizen's identity: the back office never shows or edits it, not even for
    # superusers (the rule of the value checks' admin and of feedback's reporters). The report's
    # "name" is what the citizen chose to have shown with it.
    exclude = ["submitted_by"]
    actions = [publish_reports, reject_reports]
