"""Every change to a score card: atomic, audited. Views and imports call these functions."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.accounts.services import log_event
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import queue_templated

from .models import (
    CycleIndicator,
    FocusGroup,
    InputItem,
    Score,
    ScorecardCycle,
    ScoreRevision,
    Stage,
    StagePlan,
)


class ScorecardError(Exception):
    """A change that is not allowed now; the message is translated and shown to the user."""


@transaction.atomic
def create_cycle(
    *,
    actor,
    service_unit,
    owner_organization,
    title,
    scale,
    facilitator=None,
    project=None,
    planned_ends=None,
    request=None,
) -> ScorecardCycle:
    """Start a cycle at a facility. A cycle started under a project pre-loads its indicators."""
    cycle = ScorecardCycle.objects.create(
        title=title,
        service_unit=service_unit,
        owner_organization=owner_organization,
        facilitator=facilitator,
        project=project,
        scale=scale,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    planned_ends = planned_ends or {}
    StagePlan.objects.bulk_create(
        StagePlan(cycle=cycle, stage=stage, planned_end=planned_ends.get(stage)) for stage in Stage.values
    )
    if project is not None:
        library = project.indicators.filter(is_active=True).order_by("sector__order", "order", "code")
        CycleIndicator.objects.bulk_create(
            CycleIndicator(
                cycle=cycle,
                number=number,
                indicator=indicator,
                text_mn=indicator.text_mn or indicator.text,
                text_en=indicator.text_en or "",
            )
            for number, indicator in enumerate(library, start=1)
        )
    log_event(
        actor,
        AuditAction.CYCLE_CREATED,
        cycle,
        request=request,
        facility=service_unit.code,
        organization=owner_organization.code,
        project=project.code if project else "",
    )
    return cycle


@transaction.atomic
def update_plan(*, actor, cycle, planned_ends: dict, request=None) -> None:
    """Set the planned end date of each stage."""
    changed = {}
    for plan in cycle.plans.select_for_update():
        if plan.stage in planned_ends and planned_ends[plan.stage] != plan.planned_end:
            plan.planned_end = planned_ends[plan.stage]
            plan.save(update_fields=["planned_end"])
            changed[plan.stage] = plan.planned_end.isoformat() if plan.planned_end else ""
    if changed:
        log_event(actor, AuditAction.CYCLE_PLAN_CHANGED, cycle, request=request, **changed)


def _next_stage_of(cycle, expected_next) -> str:
    """The stage after the cycle's current one, refusing any other target: stages go in order,
    one at a time. ``expected_next`` is the stage the user saw as the next one, so that a form
    sent twice (or by two people) does not move the cycle two stages."""
    target = cycle.next_stage()
    if target is None:
        raise ScorecardError(_("The cycle is closed."))
    if expected_next is not None and expected_next != target:
        raise ScorecardError(
            _(
                "Stages advance in order: the cycle is at “%(current)s”, so the next stage is “%(next)s”. "
                "A coordinator may skip a stage, with a reason."
            )
            % {"current": cycle.get_stage_display(), "next": Stage(target).label}
        )
    if target == Stage.CLOSED and cycle.groups.filter(status=FocusGroup.SheetStatus.SUBMITTED).exists():
        raise ScorecardError(_("Some score sheets are waiting for approval: approve or return them first."))
    return target


def _move_to(cycle, target, today) -> None:
    cycle.stage = target
    fields = ["stage"]
    if target == Stage.CLOSED:
        # The last stage has nothing to do: closing completes it and publishes the report.
        cycle.plans.filter(stage=Stage.CLOSED, completed_on__isnull=True).update(completed_on=today)
        cycle.closed_at = timezone.now()
        fields.append("closed_at")
    cycle.save(update_fields=fields)


@transaction.atomic
def advance_stage(*, actor, cycle, to_stage=None, request=None) -> ScorecardCycle:
    """Complete the current stage today and move the cycle to the next one. Stages advance in
    order: ``to_stage``, when given, must be the next stage. Closing the cycle publishes its report."""
    cycle = ScorecardCycle.objects.select_for_update().get(pk=cycle.pk)
    target = _next_stage_of(cycle, to_stage)
    today = timezone.localdate()
    before = cycle.stage
    cycle.plans.filter(stage=before, completed_on__isnull=True).update(completed_on=today)
    _move_to(cycle, target, today)
    log_event(actor, AuditAction.STAGE_CHANGED, cycle, request=request, before=before, after=target)
    return cycle


MAX_SKIP_REASON = 1000


@transaction.atomic
def skip_stage(*, actor, cycle, stage, reason: str, request=None) -> ScorecardCycle:
    """Leave the current stage out, with the reason (kept on the stage and in the audit log), and
    move to the next stage. Only a coordinator may skip; the views check who."""
    cycle = ScorecardCycle.objects.select_for_update().get(pk=cycle.pk)
    if stage != cycle.stage:
        raise ScorecardError(
            _("Only the current stage can be skipped: the cycle is at “%(current)s”.")
            % {"current": cycle.get_stage_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ScorecardError(_("Say why the stage is skipped."))
    if len(reason) > MAX_SKIP_REASON:
        raise ScorecardError(_("The reason can have at most %(limit)s characters.") % {"limit": MAX_SKIP_REASON})
    target = _next_stage_of(cycle, None)
    today = timezone.localdate()
    plan = cycle.plans.select_for_update().get(stage=stage)
    plan.skip_reason, plan.skipped_by = reason, actor if getattr(actor, "is_authenticated", False) else None
    plan.completed_on = plan.completed_on or today
    plan.save(update_fields=["skip_reason", "skipped_by", "completed_on"])
    _move_to(cycle, target, today)
    log_event(actor, AuditAction.STAGE_SKIPPED, cycle, request=request, before=stage, after=target, reason=reason)
    return cycle


@transaction.atomic
def add_indicator(*, actor, cycle, text_mn, text_en="", indicator=None, request=None) -> CycleIndicator:
    """Add a library indicator or one the community proposed to a cycle."""
    if cycle.stage == Stage.CLOSED:
        raise ScorecardError(_("The cycle is closed."))
    if indicator is not None and cycle.indicators.filter(indicator=indicator).exists():
        raise ScorecardError(_("This indicator is already in the cycle."))
    if indicator is not None and indicator.sector_id != cycle.service_unit.sector_id:
        raise ScorecardError(_("This indicator of the library is for another sector."))
    ScorecardCycle.objects.select_for_update().filter(pk=cycle.pk).first()  # numbers are given one at a time
    last = cycle.indicators.order_by("-number").values_list("number", flat=True).first() or 0
    item = CycleIndicator.objects.create(
        cycle=cycle,
        number=last + 1,
        indicator=indicator,
        text_mn=(text_mn or "").strip() or (text_en or "").strip(),
        text_en=(text_en or "").strip(),
        is_community_generated=indicator is None,
    )
    log_event(actor, AuditAction.INDICATOR_ADDED, cycle, request=request, number=item.number, text=item.text_mn)
    return item


INPUT_FIELDS = ("name", "unit", "entitled", "actual", "source", "checked_by", "checked_on", "note")


@transaction.atomic
def record_input(*, actor, cycle, data: dict, item: InputItem | None = None, request=None) -> InputItem:
    """Add or correct one line of input tracking."""
    if cycle.stage == Stage.CLOSED:
        raise ScorecardError(_("The cycle is closed."))
    item = item or InputItem(cycle=cycle)
    for name in INPUT_FIELDS:
        if name in data:
            setattr(item, name, data[name])
    item.save()
    log_event(
        actor,
        AuditAction.INPUT_RECORDED,
        cycle,
        request=request,
        input=item.name,
        entitled=str(item.entitled) if item.entitled is not None else "",
        actual=str(item.actual) if item.actual is not None else "",
    )
    return item


GROUP_FIELDS = ("kind", "name", "held_on", "facilitator_name", "participants_female", "participants_male")


@transaction.atomic
def add_group(*, actor, cycle, data: dict, request=None) -> FocusGroup:
    """Register a focus group (or the provider's self-evaluation group) of the cycle."""
    if cycle.stage == Stage.CLOSED:
        raise ScorecardError(_("The cycle is closed."))
    group = FocusGroup(cycle=cycle, **{name: data[name] for name in GROUP_FIELDS if name in data})
    group.save()
    log_event(actor, AuditAction.FOCUS_GROUP_ADDED, cycle, request=request, group=group.code, kind=group.kind)
    return group


MAX_CHECKERS_NOTIFIED = 5


def _notify_checkers(group, maker) -> None:
    """Tell who can approve a submitted sheet: the facilitator, else the owner's other runners."""
    cycle = group.cycle
    maker_id = getattr(maker, "pk", None)
    if cycle.facilitator_id and cycle.facilitator_id != maker_id and cycle.facilitator.is_active:
        checkers = [cycle.facilitator]
    else:
        checkers = [
            m.user
            for m in Membership.objects.with_capability(Capability.RUN_SCORECARDS)
            .filter(organization_id=cycle.owner_organization_id, user__is_active=True)
            .exclude(user_id=maker_id)
            .select_related("user")
            .order_by("pk")[:MAX_CHECKERS_NOTIFIED]
        ]
    for user in checkers:
        queue_templated(
            channel=OutboundMessage.Channel.EMAIL,
            recipient=user.email,
            template="scorecards/messages/sheet_submitted",
            context={"group": group, "cycle": cycle, "maker": maker or "KoBo", "site_url": settings.SITE_URL},
            language=user.language,
            related=cycle,
        )


@dataclass
class Entry:
    value: int | None
    reason: str = ""


def _check_value(cycle, number: int, value) -> None:
    low, high = cycle.bounds
    if value is not None and not (low <= value <= high):
        raise ScorecardError(
            _("Indicator %(number)s: the score must be between %(low)s and %(high)s.")
            % {"number": number, "low": low, "high": high}
        )


@transaction.atomic
def save_scores(
    *, actor, group, entries: dict[int, Entry], source=ScoreRevision.Source.GRID, submit=False, request=None
) -> int:
    """Write a group's scores by indicator number; every change is kept in the score's history.
    ``submit`` hands the sheet to a checker. Returns the number of scores that changed."""
    group = FocusGroup.objects.select_for_update(of=("self",)).select_related("cycle__facilitator").get(pk=group.pk)
    cycle = group.cycle
    if cycle.stage == Stage.CLOSED:
        raise ScorecardError(_("The cycle is closed."))
    if group.is_locked:
        raise ScorecardError(
            _("The scores of %(group)s are %(status)s: they can be changed only after they are returned.")
            % {"group": group.label, "status": group.get_status_display()}
        )
    indicators = {i.number: i for i in cycle.indicators.all()}
    unknown = sorted(set(entries) - set(indicators))
    if unknown:
        raise ScorecardError(
            _("Unknown indicator numbers: %(numbers)s.") % {"numbers": ", ".join(str(n) for n in unknown)}
        )
    for number, entry in entries.items():
        _check_value(cycle, number, entry.value)
    existing = {s.indicator_id: s for s in group.scores.all()}
    actor_or_none = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    changed = 0
    for number, entry in sorted(entries.items()):
        indicator = indicators[number]
        reason = (entry.reason or "").strip()
        score = existing.get(indicator.pk)
        if score is None:
            if entry.value is None and not reason:
                continue
            score = Score(group=group, indicator=indicator)
            previous = None
        elif score.value == entry.value and score.reason == reason:
            continue
        else:
            previous = score.value
        score.value, score.reason, score.updated_at, score.updated_by = entry.value, reason, now, actor_or_none
        score.save()
        ScoreRevision.objects.create(
            score=score,
            value=entry.value,
            reason=reason,
            previous_value=previous,
            source=source,
            changed_by=actor_or_none,
            changed_at=now,
        )
        changed += 1
    fields = []
    if changed or group.entered_by_id is None:
        group.entered_by = actor_or_none
        fields.append("entered_by")
    if submit:
        if not group.scores.filter(value__isnull=False).exists():
            raise ScorecardError(_("Enter at least one score before sending the sheet for approval."))
        group.status = FocusGroup.SheetStatus.SUBMITTED
        fields.append("status")
        _notify_checkers(group, actor_or_none)
    elif group.status == FocusGroup.SheetStatus.RETURNED and changed:
        group.status = FocusGroup.SheetStatus.DRAFT
        fields.append("status")
    if fields:
        group.save(update_fields=fields)
    log_event(
        actor,
        AuditAction.SCORES_SAVED,
        cycle,
        request=request,
        group=group.code,
        changed=changed,
        source=source,
        submitted=submit,
    )
    return changed


@transaction.atomic
def submit_sheet(*, actor, group, request=None) -> FocusGroup:
    group = FocusGroup.objects.select_for_update(of=("self",)).select_related("cycle__facilitator").get(pk=group.pk)
    if group.status not in {FocusGroup.SheetStatus.DRAFT, FocusGroup.SheetStatus.RETURNED}:
        raise ScorecardError(_("Only a sheet being entered can be sent for approval."))
    if not group.scores.filter(value__isnull=False).exists():
        raise ScorecardError(_("Enter at least one score before sending the sheet for approval."))
    group.status = FocusGroup.SheetStatus.SUBMITTED
    group.save(update_fields=["status"])
    _notify_checkers(group, actor if getattr(actor, "is_authenticated", False) else None)
    log_event(actor, AuditAction.SHEET_SUBMITTED, group.cycle, request=request, group=group.code)
    return group


@transaction.atomic
def approve_sheet(*, actor, group, request=None) -> FocusGroup:
    """The checker approves what the maker entered: the scores then count in the report."""
    group = FocusGroup.objects.select_for_update().get(pk=group.pk)
    if group.status != FocusGroup.SheetStatus.SUBMITTED:
        raise ScorecardError(_("Only a sheet waiting for approval can be approved."))
    if group.entered_by_id is not None and group.entered_by_id == getattr(actor, "pk", None):
        raise ScorecardError(_("Someone other than the person who entered the scores must approve them."))
    group.status = FocusGroup.SheetStatus.APPROVED
    group.approved_by = actor
    group.approved_at = timezone.now()
    group.return_reason = ""
    group.save(update_fields=["status", "approved_by", "approved_at", "return_reason"])
    log_event(actor, AuditAction.SHEET_APPROVED, group.cycle, request=request, group=group.code)
    return group


@transaction.atomic
def return_sheet(*, actor, group, reason: str, request=None) -> FocusGroup:
    """Send a sheet back to be corrected (also an approved one, while the cycle is open)."""
    group = FocusGroup.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=group.pk)
    if group.status not in {FocusGroup.SheetStatus.SUBMITTED, FocusGroup.SheetStatus.APPROVED}:
        raise ScorecardError(_("Only a submitted or approved sheet can be returned."))
    if group.cycle.stage == Stage.CLOSED:
        raise ScorecardError(_("The cycle is closed."))
    reason = (reason or "").strip()
    if not reason:
        raise ScorecardError(_("Say what needs correcting."))
    group.status = FocusGroup.SheetStatus.RETURNED
    group.return_reason = reason
    group.approved_by = None
    group.approved_at = None
    group.save(update_fields=["status", "return_reason", "approved_by", "approved_at"])
    log_event(actor, AuditAction.SHEET_RETURNED, group.cycle, request=request, group=group.code, reason=reason)
    return group


def _number(value) -> str:
    return "—" if value is None else f"{value:g}"


# The meeting is held at its own stage; at action planning too, when the interface meeting stage
# was skipped and the group still wants the plan seeded from the scores.
INTERFACE_MEETING_STAGES = (Stage.INTERFACE_MEETING, Stage.ACTION_PLANNING)


@transaction.atomic
def hold_interface_meeting(*, actor, cycle, held_on, venue="", count=3, due_on=None, request=None) -> ScorecardCycle:
    """One click: the interface meeting in the facility's group, and a joint action plan seeded
    with the indicators that scored lowest or diverged most between community and provider."""
    from iltod.engagement import services as engagement
    from iltod.engagement.models import Meeting

    from .aggregation import build_report

    cycle = ScorecardCycle.objects.select_for_update(of=("self",)).select_related("service_unit").get(pk=cycle.pk)
    if cycle.action_plan_id:
        raise ScorecardError(_("This cycle already has its interface meeting and action plan."))
    if cycle.stage not in INTERFACE_MEETING_STAGES:
        raise ScorecardError(
            _("The interface meeting is held at its stage, after the scoring: the cycle is at “%(current)s”.")
            % {"current": cycle.get_stage_display()}
        )
    report = build_report(cycle, compare=False)
    priorities = report.priorities(count)
    if not priorities:
        raise ScorecardError(_("There are no approved community scores yet: approve the score sheets first."))
    facility = cycle.service_unit
    group = engagement.ensure_facility_group(
        actor=actor, service_unit=facility, convening_organization=cycle.owner_organization, request=request
    )
    agenda = "\n".join(
        [_("Results of the community score card"), _("Provider self-evaluation")]
        + [
            _("Indicator %(number)s: %(text)s") % {"number": r.indicator.number, "text": r.indicator.text}
            for r in priorities
        ]
        + [_("Joint action plan")]
    )
    meeting = engagement.create_meeting(
        actor=actor,
        group=group,
        title=_("Interface meeting: %(facility)s") % {"facility": facility.name},
        held_on=held_on,
        kind=Meeting.Kind.INTERFACE,
        venue=venue,
        agenda=agenda,
        request=request,
    )
    plan = engagement.create_action_plan(
        actor=actor,
        group=group,
        title=_("Score card action plan: %(facility)s") % {"facility": facility.name},
        description=_("Agreed at the interface meeting of the score card “%(title)s”.") % {"title": cycle.title},
        meeting=meeting,
        service_unit=facility,
        source=cycle,
        request=request,
    )
    for result in priorities:
        description = _(
            "Community score %(community)s, provider self-evaluation %(provider)s, difference %(divergence)s."
        ) % {
            "community": _number(result.community),
            "provider": _number(result.provider),
            "divergence": _number(result.divergence),
        }
        reasons = "; ".join(reason for _group, reason in result.reasons[:5])
        if reasons:
            description += "\n" + _("Reasons given: %(reasons)s") % {"reasons": reasons}
        engagement.add_action(
            actor=actor,
            plan=plan,
            title=(_("Improve: %(indicator)s") % {"indicator": result.indicator.text})[:255],
            description=description,
            lead_organization=facility.operator,
            due_on=due_on,
            request=request,
        )
    cycle.interface_meeting, cycle.action_plan = meeting, plan
    cycle.save(update_fields=["interface_meeting", "action_plan"])
    log_event(actor, AuditAction.INTERFACE_MEETING_HELD, cycle, request=request, meeting=meeting.code, plan=plan.code)
    if cycle.stage == Stage.INTERFACE_MEETING:  # the meeting is the stage's work: the plan is next
        cycle = advance_stage(actor=actor, cycle=cycle, to_stage=Stage.ACTION_PLANNING, request=request)
    return cycle
