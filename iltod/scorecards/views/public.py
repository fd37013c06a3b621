"""Public score card pages: the list of finished cycles, a cycle's report (also for staff, before
it is public), the comparison across facilities, and the sections other pages show through
``iltod.core.panels`` (facility, aimag or soum, joint action plan)."""

from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from iltod.engagement.models import ActionPlan
from iltod.lib.tabular import tabular_response

from .. import charts, forms, permissions
from ..aggregation import aggregate, build_report
from ..models import ScorecardCycle, Stage

PER_PAGE = 25
EXPORT_LIMIT = 10_000
CYCLE_RELATED = ("service_unit__admin_unit__parent", "service_unit__sector", "owner_organization")


def _in_area(prefix: str, unit) -> Q:
    path = f"{prefix}admin_unit"
    return Q(**{path: unit}) | Q(**{f"{path}__parent": unit}) | Q(**{f"{path}__parent__parent": unit})


# ---------------------------------------------------------------------------------------------
# Public pages


def public_list(request):
    form = forms.PublicFilterForm(request.GET or None)
    cycles = ScorecardCycle.objects.public().select_related(*CYCLE_RELATED).order_by("-closed_at", "-pk")
    if form.is_valid():
        if form.cleaned_data["aimag"]:
            cycles = cycles.filter(_in_area("service_unit__", form.cleaned_data["aimag"]))
        if form.cleaned_data["sector"]:
            cycles = cycles.filter(service_unit__sector=form.cleaned_data["sector"])
    page = Paginator(cycles, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "scorecards/public_list.html", {"form": form, "page": page, "query": query})


def _report_context(request, cycle, *, public: bool) -> dict:
    report = build_report(cycle)
    plan = None
    if cycle.action_plan_id:
        # The public report shows the plan only once the engagement app shows it (agreed, public group).
        plans = ActionPlan.objects.public() if public else ActionPlan.objects.all()
        plan = plans.select_related("meeting").filter(pk=cycle.action_plan_id).first()
    return {
        "cycle": cycle,
        "report": report,
        "chart": charts.comparison_chart(report),
        "plans": list(cycle.plans.all()),
        "inputs": list(cycle.inputs.all()),
        "plan": plan,
        "actions": list(plan.actions.select_related("lead_organization")) if plan else [],
        "public": public,
        "faces": cycle.scale == "five",
    }


def _report_export(cycle, report):
    groups = report.groups
    header = [
        _("Number"),
        _("Indicator"),
        _("Community"),
        _("Provider"),
        _("Difference"),
        _("Last cycle"),
        _("Change"),
        *(g.label for g in groups),
        _("Reasons"),
    ]
    rows = (
        [
            result.indicator.number,
            result.indicator.text,
            result.community,
            result.provider,
            result.divergence,
            result.previous,
            result.change,
            *scores,
            " | ".join(f"{group.label}: {reason}" for group, reason in result.reasons),
        ]
        for result, scores in report.group_rows()
    )
    return tabular_response(f"iltod-scorecard-{cycle.code}", header, rows, "xlsx")


def _render_report(request, cycle, *, public: bool):
    context = _report_context(request, cycle, public=public)
    if request.GET.get("export") == "xlsx":
        return _report_export(cycle, context["report"])
    template = "scorecards/report_print.html" if request.GET.get("print") else "scorecards/report.html"
    return render(request, template, context)


def public_report(request, code):
    return _render_report(request, permissions.get_public_cycle(code), public=True)


def overview(request):
    """Finished cycles compared across facilities: by aimag, sector or indicator, in % of the scale."""
    form = forms.OverviewForm(request.GET or None)
    cycles = ScorecardCycle.objects.public()
    by = "aimag"
    if form.is_valid():
        data = form.cleaned_data
        by = data["by"] or "aimag"
        if data["aimag"]:
            cycles = cycles.filter(_in_area("service_unit__", data["aimag"]))
        if data["sector"]:
            cycles = cycles.filter(service_unit__sector=data["sector"])
        if data["project"]:
            cycles = cycles.filter(project=data["project"])
    rows = aggregate(cycles, by)
    labels = {"aimag": _("By aimag"), "sector": _("By sector"), "indicator": _("By indicator")}
    if request.GET.get("export") in {"csv", "xlsx"}:
        header = [labels[by], _("Cycles"), _("Community %"), _("Provider %"), _("Difference")]
        export = (
            [r.label or r.key, r.cycle_count, r.community_percent, r.provider_percent, r.divergence] for r in rows
        )
        return tabular_response(f"iltod-scorecards-{by}", header, export, request.GET["export"])
    query = urlencode({k: v for k, v in request.GET.items() if k != "export" and v})
    return render(
        request,
        "scorecards/overview.html",
        {
            "form": form,
            "rows": rows,
            "by": by,
            "chart": charts.aggregate_chart(rows, labels[by]),
            "cycle_count": cycles.count(),
            "query": query,
        },
    )


def facility_panel(request, facility):
    """Section of the facility page: the facility's finished score cards, and a start link for runners."""
    cycles = list(ScorecardCycle.objects.public().filter(service_unit=facility).order_by("-closed_at")[:5])
    can_start = permissions.can_start_cycles(request.user)
    if not cycles and not can_start:
        return ""
    return render_to_string(
        "scorecards/panels/facility.html",
        {"cycles": cycles, "facility": facility, "can_start": can_start},
        request=request,
    )


def admin_unit_panel(request, unit):
    """Section of an aimag or soum page: finished score cards in the area, with the area's average."""
    if unit.level == "country":
        return ""
    cycles = ScorecardCycle.objects.public().filter(_in_area("service_unit__", unit))
    count = cycles.count()
    if not count:
        return ""
    rows = aggregate(cycles, "aimag")
    return render_to_string(
        "scorecards/panels/admin_unit.html",
        {"unit": unit, "count": count, "row": rows[0] if len(rows) == 1 else None},
        request=request,
    )


def action_plan_panel(request, plan):
    """Section of a joint action plan's page: the score card cycle whose interface meeting made it.
    Linked to the public report once the cycle is closed, to the cycle page for its staff."""
    if plan.source_type_id != ContentType.objects.get_for_model(ScorecardCycle).pk or not plan.source_id.isdigit():
        return ""
    cycle = ScorecardCycle.objects.select_related("service_unit", "project").filter(pk=int(plan.source_id)).first()
    if cycle is None:
        return ""
    if cycle.stage == Stage.CLOSED:
        url = cycle.get_absolute_url()
    elif permissions.staff_cycles(request.user).filter(pk=cycle.pk).exists():
        url = cycle.get_staff_url()
    else:
        url = ""
    return render_to_string(
        "scorecards/panels/action_plan.html", {"cycle": cycle, "url": url, "plan": plan}, request=request
    )
