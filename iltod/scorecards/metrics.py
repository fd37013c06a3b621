"""Score cards' metrics for the results framework and the ranking (see ``iltod/core/metrics.py``).

- ``cycles_completed``: score card cycles closed (report public) in the period;
- ``indicator_change``: for the cycles closed in the period that have a previous cycle at the same
  facility, the mean change of the community score between the two cycles, in percentage points of
  the scale, over every indicator scored in both (the sum of changes and the number of indicators
  compared are kept, so a level above divides its own sums);
- ``participants``: people in the community focus groups of the cycles closed in the period, by sex,
  group, disability and locality: whether the score card's facility is in an aimag centre
  (``iltod.places.locality``), the place of the service, not the participants' homes.
"""

from __future__ import annotations

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from iltod.core.metrics import Metric, Scope, Value, add_up, aimag_codes, area_ids, by_aimag, moments, register
from iltod.places.locality import localities, locality_of

from .aggregation import community_means, percent
from .models import FocusGroup, ScorecardCycle, Stage


def _closed(scope: Scope):
    start, end = moments(scope)
    cycles = ScorecardCycle.objects.filter(stage=Stage.CLOSED, closed_at__gte=start, closed_at__lt=end)
    if scope.admin_unit_id:
        cycles = cycles.filter(service_unit__admin_unit_id__in=area_ids(scope.admin_unit_id))
    if scope.sector_id:
        cycles = cycles.filter(service_unit__sector_id=scope.sector_id)
    if scope.organization_id:
        cycles = cycles.filter(owner_organization_id=scope.organization_id)
    if scope.facility_id:
        cycles = cycles.filter(service_unit_id=scope.facility_id)
    return cycles


def cycles_completed(scope: Scope) -> Value:
    return Value(_closed(scope).count())


def _key_rows(cycles, dimension: str):
    if dimension == "aimag":
        codes = aimag_codes()
        return ((codes.get(unit_id), pk) for pk, unit_id in cycles.values_list("pk", "service_unit__admin_unit_id"))
    if dimension == "sector":
        return cycles.values_list("service_unit__sector__code", "pk")
    return ()


def cycles_completed_by(scope: Scope, dimension: str) -> dict[str, Value]:
    return add_up((key, 1, None) for key, _pk in _key_rows(_closed(scope), dimension))


def _change(cycle: ScorecardCycle) -> Value:
    previous = cycle.previous_cycle()
    if previous is None:
        return Value(0, 0)
    now, before = community_means(cycle), community_means(previous)
    changes = [
        percent(now[key], cycle.scale) - percent(before[key], previous.scale)
        for key in now
        if now[key] is not None and before.get(key) is not None
    ]
    return Value(round(sum(changes), 2), len(changes))


def indicator_change(scope: Scope) -> Value:
    total = Value(0, 0)
    for cycle in _closed(scope).select_related("service_unit"):
        total = total + _change(cycle)
    return total


def indicator_change_by(scope: Scope, dimension: str) -> dict[str, Value]:
    cycles = _closed(scope).select_related("service_unit")
    keys = dict((pk, key) for key, pk in _key_rows(cycles, dimension))
    result: dict[str, Value] = {}
    for cycle in cycles:
        key = keys.get(cycle.pk)
        if key is not None:
            result[key] = result.get(key, Value(0, 0)) + _change(cycle)
    return result


def _community_groups(scope: Scope):
    return FocusGroup.objects.filter(cycle__in=_closed(scope), status=FocusGroup.SheetStatus.APPROVED).exclude(
        kind=FocusGroup.Kind.PROVIDER
    )


def participants(scope: Scope) -> Value:
    figures = _community_groups(scope).aggregate(women=Sum("participants_female"), men=Sum("participants_male"))
    return Value((figures["women"] or 0) + (figures["men"] or 0))


def participants_by(scope: Scope, dimension: str) -> dict[str, Value]:
    if dimension == "locality":
        # in a batch, the country and every aimag are cut from one count of the period
        found = by_aimag(scope, "scorecards.participants.locality", _participants_by_place)
        return found if found is not None else add_up(row[1:] for row in _participants_by_place(scope))
    groups = _community_groups(scope)
    if dimension == "sex":
        figures = groups.aggregate(women=Sum("participants_female"), men=Sum("participants_male"))
        return {"female": Value(figures["women"] or 0), "male": Value(figures["men"] or 0)}
    if dimension == "group":
        rows = groups.values("kind").annotate(n=Sum("participants_female") + Sum("participants_male"))
        return add_up((row["kind"], row["n"] or 0, None) for row in rows)
    if dimension == "disability":
        rows = groups.aggregate(
            n=Sum("participants_female", filter=Q(kind=FocusGroup.Kind.DISABILITY))
            + Sum("participants_male", filter=Q(kind=FocusGroup.Kind.DISABILITY))
        )
        return {"disability": Value(rows["n"] or 0)}
    if dimension in {"aimag", "sector"}:
        codes = aimag_codes() if dimension == "aimag" else {}
        field = "cycle__service_unit__admin_unit_id" if dimension == "aimag" else "cycle__service_unit__sector__code"
        rows = groups.values(field).annotate(n=Sum("participants_female") + Sum("participants_male"))
        return add_up(((codes.get(row[field]) if codes else row[field]), row["n"] or 0, None) for row in rows)
    return {}


def _participants_by_place(scope: Scope) -> list[tuple]:
    """(the facility's area, its locality, participants) of the scope's community focus groups."""
    kinds, field = localities(), "cycle__service_unit__admin_unit_id"
    rows = (
        _community_groups(scope)
        .values(field)
        .order_by()
        .annotate(n=Sum("participants_female") + Sum("participants_male"))
    )
    return [(row[field], locality_of(row[field], kinds), row["n"] or 0, None) for row in rows]


def register_metrics() -> None:
    register(
        Metric(
            code="scorecards.cycles_completed",
            label=_("Score card cycles completed"),
            compute=cycles_completed,
            breakdown=cycles_completed_by,
            dimensions=("aimag", "sector"),
            unit=_("cycles"),
            description=_("Score card cycles closed, with their report public, in the period."),
        )
    )
    register(
        Metric(
            code="scorecards.indicator_change",
            label=_("Change in community scores between cycles"),
            compute=indicator_change,
            breakdown=indicator_change_by,
            dimensions=("aimag", "sector"),
            unit=_("percentage points"),
            additive=False,
            description=_(
                "For cycles closed in the period after an earlier cycle at the same facility, the mean change "
                "of the community score per indicator, in percentage points of the scale."
            ),
        )
    )
    register(
        Metric(
            code="scorecards.participants",
            label=_("Score card participants"),
            compute=participants,
            breakdown=participants_by,
            dimensions=("sex", "group", "disability", "aimag", "sector", "locality"),
            unit=_("people"),
            description=_("People in the community focus groups of the cycles closed in the period."),
        )
    )
