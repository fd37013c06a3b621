"""The panel on a feedback item's pages that links back to what it came from: a citizen's dispute
of a published figure, or a citizen's report on a Local Development Fund project (slots
``feedback`` on the public and tracking pages, ``feedback_staff`` on the case page).

The item keeps the codes in its attributes (``value_check``, ``ldf_report``), so an item that came
from elsewhere costs no query. On public pages the dispute's own words (the value seen, the comment)
and the link to the report show only once the check or the report is published, as on the
figure's and the project's pages."""

from django.template.loader import render_to_string

from ..models import MonitoringReport, ValueCheck


def _panel(request, feedback, *, staff: bool) -> str:
    attributes = feedback.attributes if isinstance(feedback.attributes, dict) else {}
    check_code, report_code = attributes.get("value_check"), attributes.get("ldf_report")
    if not (isinstance(check_code, str) and check_code) and not (isinstance(report_code, str) and report_code):
        return ""
    check = report = None
    if check_code:
        check = (
            ValueCheck.objects.select_related("value__indicator", "value__facility")
            .filter(code=check_code, feedback=feedback)
            .first()
        )
    if report_code:
        report = (
            MonitoringReport.objects.select_related("project__admin_unit")
            .filter(code=report_code, feedback=feedback)
            .first()
        )
    if check is None and report is None:
        return ""
    return render_to_string(
        "disclosure/feedback/panel.html",
        {
            "check": check,
            "check_public": check is not None and (staff or check.moderation == ValueCheck.Moderation.PUBLISHED),
            "report": report,
            "report_public": report is not None
            and (staff or report.moderation == MonitoringReport.Moderation.PUBLISHED),
            "published": check.value.indicator.display(check.value.value) if check else "",
            "observed": check.value.indicator.display(check.observed_value)
            if check and check.observed_value is not None
            else "",
        },
        request=request,
    )


def public_panel(request, feedback) -> str:
    return _panel(request, feedback, staff=False)


def staff_panel(request, feedback) -> str:
    return _panel(request, feedback, staff=True)
