"""Who may see and act on score cards. Views fetch through these helpers: 404 when not allowed.

- Members holding ``can_run_scorecards`` in a cycle's owner organisation (CSO monitors and
  facilitators, coordinators, its administrators) run the cycle: plan, enter, approve, close.
  Those who also hold ``can_coordinate_groups`` there (coordinators) may skip a stage.
- Staff of the facility (its operator, or an organisation covering exactly that facility) see
  the cycle and enter the provider's self-evaluation.
- Members of an organisation covering the facility's area (e.g. the aimag's education
  department) see the cycle, read only.
- Everyone sees the report of a closed cycle.
"""

from django.db.models import Q
from django.http import Http404

from iltod.accounts.capabilities import Capability
from iltod.accounts.models import Membership
from iltod.accounts.permissions import organization_ids_with
from iltod.organizations.permissions import works_at_facility

from .models import FocusGroup, ScorecardCycle, Stage


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _superuser(user) -> bool:
    return _active(user) and user.is_superuser


def runner_organization_ids(user) -> list[int]:
    """Organisations in which the user may run score cards."""
    return organization_ids_with(user, Capability.RUN_SCORECARDS)


def can_start_cycles(user) -> bool:
    return _superuser(user) or bool(runner_organization_ids(user))


def staff_cycles(user):
    """Cycles the user may see as staff."""
    if _superuser(user):
        return ScorecardCycle.objects.all()
    if not _active(user):
        return ScorecardCycle.objects.none()
    memberships = Membership.objects.active().filter(user=user)
    org_ids = list(memberships.values_list("organization_id", flat=True))
    if not org_ids:
        return ScorecardCycle.objects.none()
    from iltod.organizations.models import Organization

    area_ids = list(
        Organization.objects.filter(pk__in=org_ids, covered_admin_units__isnull=False).values_list(
            "covered_admin_units", flat=True
        )
    )
    facility_ids = list(
        Organization.objects.filter(pk__in=org_ids, covered_service_units__isnull=False).values_list(
            "covered_service_units", flat=True
        )
    )
    unit = "service_unit__admin_unit"
    visible = (
        Q(owner_organization_id__in=runner_organization_ids(user))
        | Q(service_unit__operator_id__in=org_ids)
        | Q(service_unit_id__in=facility_ids)
    )
    if area_ids:
        visible |= (
            Q(**{f"{unit}__in": area_ids})
            | Q(**{f"{unit}__parent__in": area_ids})
            | Q(**{f"{unit}__parent__parent__in": area_ids})
            | Q(**{f"{unit}__parent__parent__parent__in": area_ids})
        )
    return ScorecardCycle.objects.filter(visible)


def get_cycle_for_staff(user, code: str) -> ScorecardCycle:
    cycle = (
        staff_cycles(user)
        .select_related(
            "service_unit__admin_unit__parent",
            "service_unit__sector",
            "owner_organization",
            "facilitator",
            "project",
        )
        .filter(code=code)
        .first()
    )
    if cycle is None:
        raise Http404
    return cycle


def get_public_cycle(code: str) -> ScorecardCycle:
    cycle = (
        ScorecardCycle.objects.public()
        .select_related("service_unit__admin_unit__parent", "service_unit__sector", "owner_organization", "project")
        .filter(code=code)
        .first()
    )
    if cycle is None:
        raise Http404
    return cycle


def can_run(user, cycle: ScorecardCycle) -> bool:
    """Plan, enter community scores, approve, hold the interface meeting, close."""
    return _superuser(user) or cycle.owner_organization_id in runner_organization_ids(user)


def can_skip_stages(user, cycle: ScorecardCycle) -> bool:
    """Leave a stage out, with a reason: a coordinator of the owner organisation (a runner who
    also coordinates its groups), not every monitor."""
    if _superuser(user):
        return True
    owner = cycle.owner_organization_id
    return owner in runner_organization_ids(user) and owner in organization_ids_with(user, Capability.COORDINATE_GROUPS)


def get_cycle_to_run(user, code: str) -> ScorecardCycle:
    """The cycle, for one of its runners' changes (plan, advance, indicators, inputs…); else 404."""
    cycle = get_cycle_for_staff(user, code)
    if not can_run(user, cycle):
        raise Http404
    return cycle


def get_cycle_to_skip(user, code: str) -> ScorecardCycle:
    cycle = get_cycle_for_staff(user, code)
    if not can_skip_stages(user, cycle):
        raise Http404
    return cycle


def get_cycle_to_add_group(user, code: str, kind: str) -> ScorecardCycle:
    """Runners add any focus group; the facility's staff only their own self-evaluation group."""
    cycle = get_cycle_for_staff(user, code)
    if can_run(user, cycle) or (kind == FocusGroup.Kind.PROVIDER and is_provider_staff(user, cycle)):
        return cycle
    raise Http404


def is_provider_staff(user, cycle: ScorecardCycle) -> bool:
    return works_at_facility(user, cycle.service_unit)


def can_enter(user, group: FocusGroup) -> bool:
    """Type or correct a group's scores: the cycle's runners, and the provider for its own sheet."""
    cycle = group.cycle
    if cycle.stage == Stage.CLOSED:
        return False
    if can_run(user, cycle):
        return True
    return group.is_provider and is_provider_staff(user, cycle)


def can_approve(user, group: FocusGroup) -> bool:
    """The checker: a runner of the cycle who did not enter the scores (maker ≠ checker)."""
    return can_run(user, group.cycle) and (group.entered_by_id is None or group.entered_by_id != user.pk)


def get_group(cycle: ScorecardCycle, code: str) -> FocusGroup:
    group = cycle.groups.filter(code=code).select_related("entered_by", "approved_by").first()
    if group is None:
        raise Http404
    group.cycle = cycle
    return group
