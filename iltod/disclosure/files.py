"""Disclosure's uploaded files, each behind its guard in ``permissions.py``: disclosure documents,
citizens' photos with their checks of facility values and with their reports on Local Development
Fund projects (both public only once moderated), and project milestones' photos."""

from django.http import Http404

from iltod.core.files import find, send_file

from . import permissions
from .models import Disclosure, Milestone, MonitoringReport, ValueCheck


def document_name(disclosure: Disclosure) -> str:
    extension = disclosure.document.name.rsplit(".", 1)[-1]
    return f"{disclosure.requirement.code}-{disclosure.organization.code}-{disclosure.period_label}.{extension}"


def send_document(request, disclosure: Disclosure):
    """A disclosure's document, if the person may read it (its page's link and the file route)."""
    if not disclosure.document or not permissions.can_read_disclosure_document(request.user, disclosure):
        raise Http404
    return send_file(
        disclosure.document,
        public=permissions.disclosure_document_is_public(disclosure),
        filename=document_name(disclosure),
        content_type=disclosure.document_type or "application/octet-stream",
    )


def file(request, name):
    if name.startswith("disclosure/checks/"):
        check = find(ValueCheck.objects.select_related("value__facility"), "photo", name)
        if not permissions.can_read_check_photo(request.user, check):
            raise Http404
        return send_file(check.photo, public=check.moderation == ValueCheck.Moderation.PUBLISHED)
    if name.startswith("ldf/milestones/"):
        milestone = find(Milestone.objects.all(), "photo", name)
        if not permissions.can_read_milestone_photo(request.user, milestone):
            raise Http404
        return send_file(milestone.photo, public=True)
    if name.startswith("ldf/reports/"):
        report = find(MonitoringReport.objects.select_related("project__admin_unit"), "photo", name)
        if not permissions.can_read_report_photo(request.user, report):
            raise Http404
        return send_file(report.photo, public=report.moderation == MonitoringReport.Moderation.PUBLISHED)
    if name.startswith("disclosure/"):
        return send_document(
            request, find(Disclosure.objects.select_related("requirement", "organization"), "document", name)
        )
    raise Http404
