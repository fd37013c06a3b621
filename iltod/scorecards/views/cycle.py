"""The cycle page, one stage at a time, and one small view per change made from it (each with
its own URL, POST only, and its own access helper), instead of one view dispatching on
``POST action=``."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from iltod.accounts.services import events_for
from iltod.lib.numbers import whole_number

from .. import fieldwork, forms, permissions, services
from ..models import FocusGroup, Indicator, Stage

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


def form_errors(request, form) -> None:
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
        form_errors(request, form)
    return _back_to(cycle, Stage.PLANNING)


@login_required
@require_POST
def cycle_advance(request, code):
    cycle = permissions.get_cycle_to_run(request.user, code)
    form = forms.AdvanceForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
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
        form_errors(request, form)
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
        form_errors(request, form)
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
        number = whole_number(raw, max_digits=9)
        item = cycle.inputs.filter(pk=number).first() if number is not None else None
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
        form_errors(request, form)
    return _back_to(cycle, Stage.INPUT_TRACKING)


@login_required
@require_POST
def group_add(request, code):
    cycle = permissions.get_cycle_to_add_group(request.user, code, request.POST.get("kind", ""))
    form = forms.GroupForm(request.POST)
    stage = Stage.SELF_EVALUATION if request.POST.get("kind") == FocusGroup.Kind.PROVIDER else Stage.COMMUNITY_SCORING
    if not form.is_valid():
        form_errors(request, form)
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
        form_errors(request, form)
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
        form_errors(request, form)
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
