"""Score card pages: public reports of finished cycles and aggregated views; staff pages to run a
cycle (plan, inputs, focus groups, score sheets, approval, field forms, interface meeting)."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from iltod.accounts.services import events_for
from iltod.engagement.models import ActionPlan
from iltod.lib import webhooks
from iltod.lib.tabular import XLSX_CONTENT_TYPE, tabular_response
from iltod.organizations.models import Organization

from . import charts, fieldwork, forms, permissions, services
from .aggregation import aggregate, build_report
from .models import FACES, FocusGroup, Indicator, Scale, ScorecardCycle, Stage, StagePlan
from .xlsform import XLSFormError, generate_xlsform

log = logging.getLogger("iltod.scorecards")

PER_PAGE = 25
HISTORY_LIMIT = 50
EVENT_LABELS = {
    "scorecards.cycle_created": gettext_lazy("cycle started"),
    "scorecards.plan_changed": gettext_lazy("stage dates planned"),
    "scorecards.stage_changed": gettext_lazy("moved to the next stage"),
    "scorecards.stage_skipped": gettext_lazy("stage skipped"),
    "scorecards.indicator_added": gettext_lazy("indicator added"),
    "scorecards.input_recorded": gettext_lazy("input recorded"),
    "scorecards.group_added": gettext_lazy("focus group added"),
    "scorecards.scores_saved": gettext_lazy("scores entered"),
    "scorecards.sheet_submitted": gettext_lazy("sheet sent for approval"),
    "scorecards.sheet_approved": gettext_lazy("sheet approved"),
    "scorecards.sheet_returned": gettext_lazy("sheet returned for correction"),
    "scorecards.interface_meeting_held": gettext_lazy("interface meeting and action plan created"),
}
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


# ---------------------------------------------------------------------------------------------
# Staff pages


@login_required
def staff_list(request):
    can_start = permissions.can_start_cycles(request.user)
    visible = permissions.staff_cycles(request.user)
    if not can_start and not visible.exists():
        raise Http404
    form = forms.StaffFilterForm(request.GET or None)
    cycles = (
        visible.select_related(*CYCLE_RELATED, "facilitator")
        .annotate(
            group_count=Count("groups"),
            waiting=Count("groups", filter=Q(groups__status=FocusGroup.SheetStatus.SUBMITTED)),
        )
        .order_by("-created_at", "-pk")
    )
    if form.is_valid():
        if form.cleaned_data["stage"]:
            cycles = cycles.filter(stage=form.cleaned_data["stage"])
        if form.cleaned_data["q"]:
            text = form.cleaned_data["q"]
            cycles = cycles.filter(Q(title__icontains=text) | Q(service_unit__name__icontains=text))
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        header = [_("Code"), _("Title"), _("Facility"), _("Owner organisation"), _("Stage"), _("Focus groups")]
        rows = (
            [c.code, c.title, c.service_unit.name, c.owner_organization.name, c.get_stage_display(), c.group_count]
            for c in cycles[:EXPORT_LIMIT]
        )
        return tabular_response("iltod-scorecard-cycles", header, rows, export)
    page = Paginator(cycles, PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k not in {"page", "export"} and v})
    return render(
        request,
        "scorecards/staff_list.html",
        {"form": form, "page": page, "query": query, "can_start": can_start},
    )


@login_required
def behind_schedule(request):
    """Open cycles whose current stage should have ended by now, the most late first."""
    today = timezone.localdate()
    plans = (
        StagePlan.objects.filter(
            cycle__in=permissions.staff_cycles(request.user).open(),
            stage=F("cycle__stage"),
            completed_on__isnull=True,
            planned_end__lt=today,
        )
        .select_related("cycle__service_unit__admin_unit", "cycle__owner_organization", "cycle__facilitator")
        .order_by("planned_end", "pk")
    )
    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        header = [
            _("Code"),
            _("Title"),
            _("Facility"),
            _("Owner organisation"),
            _("Stage"),
            _("Planned end"),
            _("Days late"),
        ]
        rows = (
            [
                p.cycle.code,
                p.cycle.title,
                p.cycle.service_unit.name,
                p.cycle.owner_organization.name,
                p.get_stage_display(),
                p.planned_end,
                p.days_late,
            ]
            for p in plans[:EXPORT_LIMIT]
        )
        return tabular_response("iltod-scorecards-behind-schedule", header, rows, export)
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "scorecards/behind_schedule.html", {"page": page})


@login_required
def library(request):
    if not (permissions.can_start_cycles(request.user) or permissions.staff_cycles(request.user).exists()):
        raise Http404
    indicators = Indicator.objects.active().select_related("sector").prefetch_related("projects")
    page = Paginator(indicators, 100).get_page(request.GET.get("page"))
    return render(request, "scorecards/library.html", {"page": page})


@login_required
def cycle_create(request):
    if not permissions.can_start_cycles(request.user):
        raise Http404
    if request.user.is_superuser:
        organizations = Organization.objects.filter(is_active=True)
    else:
        organizations = Organization.objects.filter(pk__in=permissions.runner_organization_ids(request.user))
    form = forms.CycleForm(
        request.POST or None,
        organizations=organizations,
        initial={"facility": request.GET.get("facility", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cycle = services.create_cycle(
            actor=request.user,
            service_unit=data["facility"],
            owner_organization=data["owner_organization"],
            title=data["title"],
            scale=data["scale"],
            facilitator=data["facilitator"] or request.user,
            project=data["project"],
            request=request,
        )
        messages.success(request, _("The cycle is started. Plan its stages and add its indicators."))
        return redirect(cycle.get_staff_url())
    return render(request, "scorecards/cycle_form.html", {"form": form})


STAGE_STATES = {
    "done": pgettext_lazy("score card stage", "done"),
    "current": pgettext_lazy("score card stage", "current stage"),
    "skipped": pgettext_lazy("score card stage", "skipped"),
    "upcoming": pgettext_lazy("score card stage", "upcoming"),
}


def _stage_steps(cycle, plans) -> list[dict]:
    """The stage navigator: each stage with its plan and its state (done, current, skipped, upcoming)."""
    steps = []
    for plan in sorted(plans, key=lambda p: Stage.index(p.stage)):
        index = Stage.index(plan.stage)
        if plan.stage == cycle.stage:
            state = "current"
        elif plan.is_skipped:
            state = "skipped"
        elif index < cycle.stage_index:
            state = "done"
        else:
            state = "upcoming"
        steps.append({"plan": plan, "number": index + 1, "state": state, "state_label": STAGE_STATES[state]})
    return steps


def _shown_stage(request, cycle, can_run: bool, is_provider: bool) -> str:
    """The stage whose page is shown: the one asked for (``?stage=``), else the current one; the
    facility's own staff land on their self-evaluation."""
    asked = request.GET.get("stage", "")
    if asked in Stage.values:
        return asked
    if is_provider and not can_run and cycle.stage != Stage.CLOSED:
        return Stage.SELF_EVALUATION
    return cycle.stage


def _group_form(shown: str, can_run: bool):
    """The focus group form of the stage: community groups while scoring, the provider's own
    group at the self-evaluation (the only one the facility's staff may add)."""
    form = forms.GroupForm()
    kinds = form.fields["kind"].choices
    if shown == Stage.SELF_EVALUATION or not can_run:
        form.fields["kind"].choices = [(FocusGroup.Kind.PROVIDER, FocusGroup.Kind.PROVIDER.label)]
    else:
        form.fields["kind"].choices = [(v, label) for v, label in kinds if v != FocusGroup.Kind.PROVIDER]
    return form


def _stage_context(cycle, shown: str, *, can_run: bool, groups) -> dict:
    """What the shown stage's page needs, and only that: one step at a time."""
    open_cycle = cycle.stage != Stage.CLOSED
    if shown == Stage.PLANNING:
        indicators = list(cycle.indicators.select_related("indicator"))
        in_cycle = {i.indicator_id for i in indicators if i.indicator_id}
        library = Indicator.objects.active().filter(sector=cycle.service_unit.sector).exclude(pk__in=in_cycle)
        return {
            "indicators": indicators,
            "library_choices": list(library) if can_run and open_cycle else [],
            "indicator_form": forms.IndicatorForm(),
        }
    if shown == Stage.INPUT_TRACKING:
        return {
            "inputs": [
                (item, forms.InputForm(instance=item, auto_id=f"id_input{item.pk}_%s") if can_run else None)
                for item in cycle.inputs.all()
            ],
            "input_form": forms.InputForm(),
        }
    if shown in {Stage.COMMUNITY_SCORING, Stage.SELF_EVALUATION}:
        provider = shown == Stage.SELF_EVALUATION
        return {
            "stage_groups": [g for g in groups if g.is_provider == provider],
            "group_form": _group_form(shown, can_run),
            "upload_form": forms.UploadForm(),
            "submissions": list(cycle.submissions.select_related("group")[:10]) if can_run else [],
            "webhook_on": bool(settings.KOBO_WEBHOOK_SECRET),
        }
    if shown == Stage.INTERFACE_MEETING:
        return {"interface_form": forms.InterfaceMeetingForm(initial={"held_on": timezone.localdate()})}
    return {}


@login_required
def cycle_detail(request, code):
    """The cycle page, one stage at a time: the stage navigator, the shown stage's work, and the
    controls to finish (or, for a coordinator, skip) the current stage."""
    cycle = permissions.get_cycle_for_staff(request.user, code)
    can_run = permissions.can_run(request.user, cycle)
    is_provider = permissions.is_provider_staff(request.user, cycle)
    shown = _shown_stage(request, cycle, can_run, is_provider)
    plans = list(cycle.plans.select_related("skipped_by"))
    groups = list(cycle.groups.select_related("entered_by", "approved_by").annotate(scored=Count("scores__value")))
    for group in groups:
        group.cycle = cycle
    steps = _stage_steps(cycle, plans)
    shown_step = next(step for step in steps if step["plan"].stage == shown)
    next_stage = cycle.next_stage()
    at_current = shown == cycle.stage and next_stage is not None
    context = {
        "cycle": cycle,
        "can_run": can_run,
        "is_provider": is_provider,
        "steps": steps,
        "shown": shown,
        "shown_step": shown_step,
        "stage_template": f"scorecards/stages/{shown}.html",
        "plan_form": forms.PlanForm(plans=plans) if can_run and shown == Stage.PLANNING else None,
        "next_stage": Stage(next_stage) if next_stage else None,
        "can_advance": can_run and at_current,
        "can_skip": at_current and permissions.can_skip_stages(request.user, cycle),
        "skip_form": forms.SkipForm(initial={"stage": cycle.stage}),
        "history": _history(cycle, groups),
        **_stage_context(cycle, shown, can_run=can_run, groups=groups),
    }
    return render(request, "scorecards/cycle_detail.html", context)


def _history(cycle, groups) -> list[tuple]:
    """The cycle's audit events as (event, what happened, detail) for its timeline."""
    labels = {g.code: g.label for g in groups}
    rows = []
    for event in events_for(cycle).order_by("-created_at", "-pk")[:HISTORY_LIMIT]:
        data = event.data or {}
        detail = ""
        if event.action == "scorecards.stage_skipped" and data.get("before") in Stage.values:
            detail = f"{Stage(data['before']).label} — {data.get('reason', '')}"
        elif data.get("after") in Stage.values:
            detail = Stage(data["after"]).label
        elif data.get("group"):
            detail = labels.get(data["group"], data["group"])
        elif data.get("input") or data.get("text"):
            detail = data.get("input") or data.get("text")
        rows.append((event, EVENT_LABELS.get(event.action, event.action), detail))
    return rows


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _back_to(cycle, stage=None):
    """Back to the cycle page, at the stage the change was made from."""
    url = cycle.get_staff_url()
    return redirect(f"{url}?{urlencode({'stage': stage})}" if stage else url)


# One small view per change made from the cycle page: each is POST only, fetches the cycle
# through the access helper that says who may make that change (404 otherwise), lets the
# service decide whether the change is allowed now, and goes back to the stage it came from.


@login_required
@require_POST
def cycle_plan(request, code):
    cycle = permissions.get_cycle_to_run(request.user, code)
    form = forms.PlanForm(request.POST, plans=list(cycle.plans.all()))
    if form.is_valid():
        services.update_plan(actor=request.user, cycle=cycle, planned_ends=form.cleaned_data, request=request)
        messages.success(request, _("The plan is saved."))
    else:
        _form_errors(request, form)
    return _back_to(cycle, Stage.PLANNING)


@login_required
@require_POST
def cycle_advance(request, code):
    cycle = permissions.get_cycle_to_run(request.user, code)
    form = forms.AdvanceForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to(cycle)
    try:
        cycle = services.advance_stage(
            actor=request.user, cycle=cycle, to_stage=form.cleaned_data["stage"], request=request
        )
    except services.ScorecardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The cycle is now at: %(stage)s.") % {"stage": cycle.get_stage_display()})
    return _back_to(cycle)


@login_required
@require_POST
def cycle_skip(request, code):
    cycle = permissions.get_cycle_to_skip(request.user, code)
    form = forms.SkipForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to(cycle)
    skipped = form.cleaned_data["stage"]
    try:
        cycle = services.skip_stage(
            actor=request.user, cycle=cycle, stage=skipped, reason=form.cleaned_data["reason"], request=request
        )
    except services.ScorecardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("“%(skipped)s” is skipped. The cycle is now at: %(stage)s.")
            % {"skipped": Stage(skipped).label, "stage": cycle.get_stage_display()},
        )
    return _back_to(cycle)


@login_required
@require_POST
def indicator_add(request, code):
    """An indicator the community proposed."""
    cycle = permissions.get_cycle_to_run(request.user, code)
    form = forms.IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.add_indicator(actor=request.user, cycle=cycle, request=request, **form.cleaned_data)
        except services.ScorecardError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The indicator is added."))
    else:
        _form_errors(request, form)
    return _back_to(cycle, Stage.PLANNING)


@login_required
@require_POST
def indicator_from_library(request, code):
    cycle = permissions.get_cycle_to_run(request.user, code)
    indicator = Indicator.objects.active().filter(code=request.POST.get("indicator", "")).first()
    if indicator is None:
        messages.error(request, _("Choose an indicator of the library."))
        return _back_to(cycle, Stage.PLANNING)
    try:
        services.add_indicator(
            actor=request.user,
            cycle=cycle,
            text_mn=indicator.text_mn or indicator.text,
            text_en=indicator.text_en or "",
            indicator=indicator,
            request=request,
        )
    except services.ScorecardError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The indicator is added."))
    return _back_to(cycle, Stage.PLANNING)


@login_required
@require_POST
def input_record(request, code):
    """Add a line of input tracking, or correct one (``item``)."""
    cycle = permissions.get_cycle_to_run(request.user, code)
    item = None
    if request.POST.get("item"):
        raw = request.POST["item"]
        item = cycle.inputs.filter(pk=raw).first() if raw.isdigit() and len(raw) < 10 else None
        if item is None:
            raise Http404
    form = forms.InputForm(request.POST, instance=item)
    if form.is_valid():
        try:
            services.record_input(actor=request.user, cycle=cycle, data=form.cleaned_data, item=item, request=request)
        except services.ScorecardError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The input is recorded."))
    else:
        _form_errors(request, form)
    return _back_to(cycle, Stage.INPUT_TRACKING)


@login_required
@require_POST
def group_add(request, code):
    cycle = permissions.get_cycle_to_add_group(request.user, code, request.POST.get("kind", ""))
    form = forms.GroupForm(request.POST)
    stage = Stage.SELF_EVALUATION if request.POST.get("kind") == FocusGroup.Kind.PROVIDER else Stage.COMMUNITY_SCORING
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to(cycle, stage)
    try:
        group = services.add_group(actor=request.user, cycle=cycle, data=form.cleaned_data, request=request)
    except services.ScorecardError as exc:
        messages.error(request, str(exc))
        return _back_to(cycle, stage)
    messages.success(request, _("The group is added. Enter its scores."))
    return redirect("scorecards:sheet", cycle.code, group.code)


@login_required
@require_POST
def interface_meeting(request, code):
    cycle = permissions.get_cycle_to_run(request.user, code)
    form = forms.InterfaceMeetingForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to(cycle, Stage.INTERFACE_MEETING)
    try:
        cycle = services.hold_interface_meeting(actor=request.user, cycle=cycle, request=request, **form.cleaned_data)
    except services.ScorecardError as exc:
        messages.error(request, str(exc))
        return _back_to(cycle, Stage.INTERFACE_MEETING)
    messages.success(request, _("The interface meeting and its joint action plan are created."))
    return _back_to(cycle)


@login_required
@require_POST
def field_upload(request, code):
    """Submissions exported from KoBoToolbox / ODK, when the webhook cannot reach the platform."""
    cycle = permissions.get_cycle_to_run(request.user, code)
    form = forms.UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _back_to(cycle, Stage.COMMUNITY_SCORING)
    try:
        report = fieldwork.import_file(request.FILES["file"], actor=request.user, cycle=cycle)
    except (services.ScorecardError, fieldwork.FieldworkError) as exc:
        messages.error(request, str(exc))
        return _back_to(cycle, Stage.COMMUNITY_SCORING)
    messages.success(
        request,
        _("Imported: %(imported)s, already imported: %(duplicates)s, with errors: %(errors)s.")
        % {"imported": report.imported, "duplicates": report.duplicates, "errors": len(report.errors)},
    )
    for error in report.errors[:20]:
        messages.error(request, error)
    return _back_to(cycle, Stage.COMMUNITY_SCORING)


@login_required
def sheet(request, code, group_code):
    """A group's score sheet: the grid to type a paper sheet in, approval, and the edit history."""
    cycle = permissions.get_cycle_for_staff(request.user, code)
    group = permissions.get_group(cycle, group_code)
    can_enter = permissions.can_enter(request.user, group)
    can_approve = permissions.can_approve(request.user, group)
    indicators = list(cycle.indicators.all())
    scores = {s.indicator_id: s for s in group.scores.all()}
    initial = {}
    for indicator in indicators:
        score = scores.get(indicator.pk)
        if score is not None:
            initial[f"score_{indicator.number}"] = score.value
            initial[f"reason_{indicator.number}"] = score.reason
    form = forms.SheetForm(initial=initial, indicators=indicators, scale=cycle.scale)
    return_form = forms.ReturnForm()
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action in {"save", "submit"}:
                if not can_enter:
                    raise Http404
                form = forms.SheetForm(request.POST, indicators=indicators, scale=cycle.scale)
                if form.is_valid():
                    changed = services.save_scores(
                        actor=request.user,
                        group=group,
                        entries=form.entries(),
                        submit=action == "submit",
                        request=request,
                    )
                    if action == "submit":
                        messages.success(request, _("The scores are saved and sent for approval."))
                    else:
                        messages.success(request, _("%(count)s scores saved.") % {"count": changed})
                    return redirect("scorecards:sheet", cycle.code, group.code)
                messages.error(request, _("Some scores are not valid: see the marked lines."))
            elif action == "approve":
                if not permissions.can_run(request.user, cycle):
                    raise Http404
                services.approve_sheet(actor=request.user, group=group, request=request)
                messages.success(request, _("The scores are approved."))
                return redirect("scorecards:sheet", cycle.code, group.code)
            elif action == "return":
                if not permissions.can_run(request.user, cycle):
                    raise Http404
                return_form = forms.ReturnForm(request.POST)
                if return_form.is_valid():
                    services.return_sheet(
                        actor=request.user, group=group, reason=return_form.cleaned_data["reason"], request=request
                    )
                    messages.success(request, _("The sheet is returned for correction."))
                    return redirect("scorecards:sheet", cycle.code, group.code)
            else:
                messages.error(request, _("Unknown action."))
        except services.ScorecardError as exc:
            messages.error(request, str(exc))
            group.refresh_from_db()
    from .models import ScoreRevision

    history = (
        ScoreRevision.objects.filter(score__group=group)
        .select_related("score__indicator", "changed_by")
        .order_by("-changed_at", "-pk")[:200]
    )
    return render(
        request,
        "scorecards/sheet.html",
        {
            "cycle": cycle,
            "group": group,
            "form": form,
            "return_form": return_form,
            "can_enter": can_enter and not group.is_locked,
            "can_approve": can_approve and group.status == FocusGroup.SheetStatus.SUBMITTED,
            "can_return": permissions.can_run(request.user, cycle)
            and group.status in {FocusGroup.SheetStatus.SUBMITTED, FocusGroup.SheetStatus.APPROVED}
            and cycle.stage != Stage.CLOSED,
            "history": history,
            "low": cycle.bounds[0],
            "high": cycle.bounds[1],
            "faces": sorted(FACES.items()) if cycle.scale == Scale.FIVE else [],
        },
    )


@login_required
def staff_report(request, code):
    cycle = permissions.get_cycle_for_staff(request.user, code)
    return _render_report(request, cycle, public=False)


@login_required
def xlsform_download(request, code):
    cycle = permissions.get_cycle_for_staff(request.user, code)
    if not permissions.can_run(request.user, cycle):
        raise Http404
    if not cycle.groups.exists() or not cycle.indicators.exists():
        messages.error(request, _("Add the indicators and the focus groups before making the field form."))
        return redirect(cycle.get_staff_url())
    try:
        form = generate_xlsform(cycle)
    except XLSFormError as exc:
        log.error("the score card XLSForm of %s does not convert: %s", cycle.code, exc)
        messages.error(request, _("The field form could not be made: %(error)s") % {"error": exc})
        return redirect(cycle.get_staff_url())
    response = HttpResponse(form.content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{form.form_id}-{form.version}.xlsx"'
    return response


@csrf_exempt
def kobo_webhook(request):
    """KoBoToolbox REST Service: one JSON submission per POST, same secret as the feedback form's."""
    refused = webhooks.refuse(request, settings.KOBO_WEBHOOK_SECRET)
    if refused is not None:
        return refused
    body = webhooks.read_body(request)
    if body is None:
        return webhooks.too_big()
    with translation.override(settings.LANGUAGE_CODE):
        outcome = fieldwork.receive(body)
    if outcome.submission is None:
        status = 400
    elif outcome.error:
        status = 202  # kept with its error; KoBo need not retry
    elif outcome.duplicate:
        status = 200
    else:
        status = 201
    return JsonResponse(outcome.as_json(), status=status, json_dumps_params={"ensure_ascii": False})
