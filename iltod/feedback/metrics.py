"""Feedback's metrics for the results framework and the ranking (see ``iltod/core/metrics.py``).

Each is counted in SQL from the feedback rows of the scope (duplicates merged into another item are
left out everywhere):

- ``received``: items received in the period;
- ``acknowledged_on_time``: of the items whose acknowledgement deadline fell in the period (and has
  passed), those acknowledged by it;
- ``resolved_on_time``: of the items whose resolution deadline (with any lawful extension) fell in
  the period and has passed, those resolved or closed with a reason by it; an item still open after
  its deadline counts against the body;
- ``median_days``: the median of whole days from receipt to resolution of the items resolved in the
  period (not additive: recomputed at each level);
- ``satisfaction``: of the answers citizens rated in the period, those rated 4 or 5 of 5.

Feedback records no characteristics of the person (sex, age…): breakdowns are by aimag and sector.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.core.metrics import Metric, Scope, Value, add_up, aimag_codes, area_ids, moments, register

from .models import Feedback

DIMENSIONS = ("aimag", "sector")
SATISFIED_FROM = 4  # a rating of 4 or 5 out of 5 counts as satisfied


def _items(scope: Scope):
    items = Feedback.objects.exclude(status=Feedback.Status.DUPLICATE)
    if scope.admin_unit_id:
        items = items.filter(admin_unit_id__in=area_ids(scope.admin_unit_id))
    if scope.sector_id:
        items = items.filter(category__sector_id=scope.sector_id)
    if scope.organization_id:
        items = items.filter(handling_organization_id=scope.organization_id)
    if scope.facility_id:
        items = items.filter(service_unit_id=scope.facility_id)
    return items


def _passed(scope: Scope):
    start, end = moments(scope)
    return start, min(end, timezone.now())


def _received(scope):
    start, end = moments(scope)
    return _items(scope).filter(received_at__gte=start, received_at__lt=end), Count("pk"), None


def _acknowledged(scope):
    start, end = _passed(scope)
    items = _items(scope).filter(acknowledge_due__gte=start, acknowledge_due__lt=end)
    return items, Count("pk", filter=Q(acknowledged_at__lte=F("acknowledge_due"))), Count("pk")


def _resolved(scope):
    start, end = _passed(scope)
    items = _items(scope).filter(resolve_due__gte=start, resolve_due__lt=end)
    return items, Count("pk", filter=Q(resolved_at__lte=F("resolve_due"))), Count("pk")


def _satisfaction(scope):
    start, end = moments(scope)
    items = _items(scope).filter(rated_at__gte=start, rated_at__lt=end, rating__isnull=False)
    return items, Count("pk", filter=Q(rating__gte=SATISFIED_FROM)), Count("pk")


def _counter(query):
    def compute(scope: Scope) -> Value:
        items, numerator, denominator = query(scope)
        figures = items.aggregate(n=numerator, **({"d": denominator} if denominator is not None else {}))
        return Value(figures["n"] or 0, figures.get("d", None) if denominator is not None else None)

    def breakdown(scope: Scope, dimension: str) -> dict[str, Value]:
        items, numerator, denominator = query(scope)
        extra = {"d": denominator} if denominator is not None else {}
        if dimension == "sector":
            rows = items.values("category__sector__code").annotate(n=numerator, **extra)
            return add_up((row["category__sector__code"], row["n"], row.get("d")) for row in rows)
        if dimension == "aimag":
            codes = aimag_codes()
            rows = items.values("admin_unit_id").annotate(n=numerator, **extra)
            return add_up((codes.get(row["admin_unit_id"]), row["n"], row.get("d")) for row in rows)
        return {}

    def by_body(scope: Scope, kind: str) -> dict[int, Value]:
        items, numerator, denominator = query(scope)
        field = {"facility": "service_unit_id", "organization": "handling_organization_id"}.get(kind)
        if field is None:
            return {}
        extra = {"d": denominator} if denominator is not None else {}
        rows = items.filter(**{f"{field}__isnull": False}).values(field).order_by().annotate(n=numerator, **extra)
        return {row[field]: Value(row["n"], row.get("d")) for row in rows}

    return compute, breakdown, by_body


def _median_days(scope: Scope) -> Value:
    start, end = moments(scope)
    durations = (
        _items(scope)
        .filter(resolved_at__gte=start, resolved_at__lt=end)
        .annotate(took=F("resolved_at") - F("received_at"))
        .order_by("took")
        .values_list("took", flat=True)
    )
    count = durations.count()
    if not count:
        return Value(0, 0)  # no figure: nothing was resolved
    middle = list(durations[(count - 1) // 2 : count // 2 + 1])
    days = [took.total_seconds() / 86400 for took in middle]
    return Value(round(sum(days) / len(days), 1))


def _median_breakdown(scope: Scope, dimension: str) -> dict[str, Value]:
    result = {}
    if dimension == "aimag":
        from iltod.places.models import AdminUnit

        for unit in AdminUnit.objects.top_level().only("pk", "code"):
            if scope.admin_unit_id and unit.pk not in area_ids(scope.admin_unit_id):
                continue
            value = _median_days(Scope(**{**scope.__dict__, "admin_unit_id": unit.pk}))
            if value.denominator is None:
                result[unit.code] = value
    elif dimension == "sector":
        from iltod.places.models import Sector

        for sector in Sector.objects.only("pk", "code"):
            value = _median_days(Scope(**{**scope.__dict__, "sector_id": sector.pk}))
            if value.denominator is None:
                result[sector.code] = value
    return result


def register_metrics() -> None:
    received, received_by, received_bodies = _counter(_received)
    register(
        Metric(
            code="feedback.received",
            label=_("Feedback received"),
            compute=received,
            breakdown=received_by,
            by_body=received_bodies,
            dimensions=DIMENSIONS,
            unit=_("items"),
            description=_("Complaints, suggestions, questions and praise received in the period."),
        )
    )
    acknowledged, acknowledged_by, acknowledged_bodies = _counter(_acknowledged)
    register(
        Metric(
            code="feedback.acknowledged_on_time",
            label=_("Feedback acknowledged on time"),
            compute=acknowledged,
            breakdown=acknowledged_by,
            by_body=acknowledged_bodies,
            dimensions=DIMENSIONS,
            factor=100,
            unit="%",
            description=_(
                "Of the items whose deadline to acknowledge fell in the period, the share acknowledged by it."
            ),
        )
    )
    resolved, resolved_by, resolved_bodies = _counter(_resolved)
    register(
        Metric(
            code="feedback.resolved_on_time",
            label=_("Feedback resolved on time"),
            compute=resolved,
            breakdown=resolved_by,
            by_body=resolved_bodies,
            dimensions=DIMENSIONS,
            factor=100,
            unit="%",
            description=_(
                "Of the items whose deadline to resolve fell in the period, the share resolved by it; "
                "an item still open after its deadline counts as late."
            ),
        )
    )
    register(
        Metric(
            code="feedback.median_days",
            label=_("Median days to resolve feedback"),
            compute=_median_days,
            breakdown=_median_breakdown,
            dimensions=DIMENSIONS,
            unit=_("days"),
            higher_is_better=False,
            additive=False,
            description=_("The median number of days from receipt to resolution of the items resolved in the period."),
        )
    )
    satisfied, satisfied_by, satisfied_bodies = _counter(_satisfaction)
    register(
        Metric(
            code="feedback.satisfaction",
            label=_("Citizens satisfied with the answer"),
            compute=satisfied,
            breakdown=satisfied_by,
            by_body=satisfied_bodies,
            dimensions=DIMENSIONS,
            factor=100,
            unit="%",
            description=_("Of the answers citizens rated in the period, the share rated 4 or 5 out of 5."),
        )
    )
