"""Engagement's metrics for the results framework and the ranking (see ``iltod/core/metrics.py``).

- ``groups_active``: multi-stakeholder groups that held at least one meeting in the period;
- ``groups_with_plan``: of those groups, the share with a joint action plan agreed (not a draft,
  not cancelled) by the end of the period;
- ``actions_on_time``: of the action points due in the period (due date passed, not cancelled),
  the share done by their due date; a body's share counts the actions it leads;
- ``members``: people who were members of a group during the period, with their sex and age band
  where the group recorded them (``not stated`` otherwise), and by locality: whether the group's
  area is an aimag centre (``iltod.places.locality``), the place of the group, not the members' homes.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.core.metrics import Metric, Scope, Value, add_up, aimag_codes, area_ids, by_aimag, register
from iltod.places.locality import localities, locality_of

from .models import Action, ActionPlan, Group, GroupMember, Meeting


def _groups(scope: Scope, prefix: str = ""):
    """Filters on a group (reached through ``prefix``) for the scope's area, sector, body, facility."""
    conditions = Q()
    if scope.admin_unit_id:
        conditions &= Q(**{f"{prefix}admin_unit_id__in": area_ids(scope.admin_unit_id)})
    if scope.sector_id:
        conditions &= Q(**{f"{prefix}sectors": scope.sector_id})
    if scope.organization_id:
        conditions &= Q(**{f"{prefix}convening_organization_id": scope.organization_id})
    if scope.facility_id:
        conditions &= Q(**{f"{prefix}service_unit_id": scope.facility_id})
    return conditions


def _active_groups(scope: Scope):
    held = Meeting.objects.filter(status=Meeting.Status.HELD, held_on__gte=scope.start, held_on__lt=scope.end).values(
        "group_id"
    )
    return Group.objects.filter(_groups(scope), pk__in=held).distinct()


def _with_plan(scope: Scope):
    agreed = ActionPlan.objects.exclude(status__in=[ActionPlan.Status.DRAFT, ActionPlan.Status.CANCELLED]).filter(
        created_at__date__lt=scope.end
    )
    return _active_groups(scope), Count("pk", filter=Q(pk__in=agreed.values("group_id")), distinct=True)


def _by_group_dimension(groups, dimension: str, numerator, denominator) -> dict[str, Value]:
    extra = {"d": denominator} if denominator is not None else {}
    if dimension == "aimag":
        codes = aimag_codes()
        rows = groups.values("admin_unit_id").annotate(n=numerator, **extra)
        return add_up((codes.get(row["admin_unit_id"]), row["n"], row.get("d")) for row in rows)
    if dimension == "sector":
        rows = groups.values("sectors__code").annotate(n=numerator, **extra)
        return add_up((row["sectors__code"], row["n"], row.get("d")) for row in rows)
    return {}


def groups_active(scope: Scope) -> Value:
    return Value(_active_groups(scope).count())


def groups_active_by(scope: Scope, dimension: str) -> dict[str, Value]:
    return _by_group_dimension(_active_groups(scope), dimension, Count("pk", distinct=True), None)


def groups_with_plan(scope: Scope) -> Value:
    groups, numerator = _with_plan(scope)
    figures = groups.aggregate(n=numerator, d=Count("pk", distinct=True))
    return Value(figures["n"], figures["d"])


def groups_with_plan_by(scope: Scope, dimension: str) -> dict[str, Value]:
    groups, numerator = _with_plan(scope)
    return _by_group_dimension(groups, dimension, numerator, Count("pk", distinct=True))


def _due_actions(scope: Scope):
    until = min(scope.end, timezone.localdate())  # due dates that have passed
    actions = Action.objects.exclude(status=Action.Status.CANCELLED).filter(due_on__gte=scope.start, due_on__lt=until)
    if scope.admin_unit_id:
        actions = actions.filter(plan__group__admin_unit_id__in=area_ids(scope.admin_unit_id))
    if scope.sector_id:
        actions = actions.filter(
            Q(plan__service_unit__sector_id=scope.sector_id) | Q(plan__issue__sector_id=scope.sector_id)
        )
    if scope.organization_id:
        actions = actions.filter(lead_organization_id=scope.organization_id)
    if scope.facility_id:
        actions = actions.filter(plan__service_unit_id=scope.facility_id)
    return actions


ON_TIME = Q(status=Action.Status.DONE, completed_on__lte=F("due_on"))


def actions_on_time(scope: Scope) -> Value:
    figures = _due_actions(scope).aggregate(n=Count("pk", filter=ON_TIME), d=Count("pk"))
    return Value(figures["n"], figures["d"])


def actions_on_time_by(scope: Scope, dimension: str) -> dict[str, Value]:
    actions = _due_actions(scope)
    if dimension == "aimag":
        codes = aimag_codes()
        rows = actions.values("plan__group__admin_unit_id").annotate(n=Count("pk", filter=ON_TIME), d=Count("pk"))
        return add_up((codes.get(row["plan__group__admin_unit_id"]), row["n"], row["d"]) for row in rows)
    if dimension == "sector":
        rows = actions.values("plan__service_unit__sector__code").annotate(n=Count("pk", filter=ON_TIME), d=Count("pk"))
        return add_up((row["plan__service_unit__sector__code"], row["n"], row["d"]) for row in rows)
    return {}


def actions_on_time_by_body(scope: Scope, kind: str) -> dict[int, Value]:
    field = {"facility": "plan__service_unit_id", "organization": "lead_organization_id"}.get(kind)
    if field is None:
        return {}
    rows = (
        _due_actions(scope)
        .filter(**{f"{field}__isnull": False})
        .values(field)
        .order_by()
        .annotate(n=Count("pk", filter=ON_TIME), d=Count("pk"))
    )
    return {row[field]: Value(row["n"], row["d"]) for row in rows}


def _members(scope: Scope):
    return GroupMember.objects.filter(
        _groups(scope, "group__"),
        Q(joined_on__isnull=True) | Q(joined_on__lt=scope.end),
        Q(left_on__isnull=True) | Q(left_on__gte=scope.start),
    )


def members(scope: Scope) -> Value:
    return Value(_members(scope).count())


def members_by(scope: Scope, dimension: str) -> dict[str, Value]:
    if dimension == "locality":
        # in a batch, the country and every aimag are cut from one count of the period
        found = by_aimag(scope, "engagement.members.locality", _members_by_place)
        return found if found is not None else add_up(row[1:] for row in _members_by_place(scope))
    people = _members(scope)
    field = {"sex": "sex", "age_group": "age_band", "aimag": "group__admin_unit_id", "sector": "group__sectors__code"}
    if dimension not in field:
        return {}
    rows = people.values(field[dimension]).annotate(n=Count("pk"))
    if dimension == "aimag":
        codes = aimag_codes()
        return add_up((codes.get(row[field[dimension]]), row["n"], None) for row in rows)
    return add_up((row[field[dimension]], row["n"], None) for row in rows)


def _members_by_place(scope: Scope) -> list[tuple]:
    """(the group's area, its locality, members) of the scope's members."""
    kinds = localities()
    area = "group__admin_unit_id"
    rows = _members(scope).values(area).order_by().annotate(n=Count("pk"))
    return [(row[area], locality_of(row[area], kinds), row["n"], None) for row in rows]


def register_metrics() -> None:
    register(
        Metric(
            code="engagement.groups_active",
            label=_("Multi-stakeholder groups active"),
            compute=groups_active,
            breakdown=groups_active_by,
            dimensions=("aimag", "sector"),
            unit=_("groups"),
            description=_("Groups that held at least one meeting in the period."),
        )
    )
    register(
        Metric(
            code="engagement.groups_with_plan",
            label=_("Active groups with a joint action plan"),
            compute=groups_with_plan,
            breakdown=groups_with_plan_by,
            dimensions=("aimag", "sector"),
            factor=100,
            unit="%",
            description=_("Of the groups active in the period, the share with an agreed joint action plan."),
        )
    )
    register(
        Metric(
            code="engagement.actions_on_time",
            label=_("Action points completed on time"),
            compute=actions_on_time,
            breakdown=actions_on_time_by,
            by_body=actions_on_time_by_body,
            dimensions=("aimag", "sector"),
            factor=100,
            unit="%",
            description=_("Of the action points due in the period, the share done by their due date."),
        )
    )
    register(
        Metric(
            code="engagement.members",
            label=_("Members of multi-stakeholder groups"),
            compute=members,
            breakdown=members_by,
            dimensions=("sex", "age_group", "aimag", "sector", "locality"),
            unit=_("people"),
            description=_("People who were members of a group during the period."),
        )
    )
