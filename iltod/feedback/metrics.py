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

Feedback records no characteristics of the person (sex, age…): breakdowns are by aimag and sector,
and ``received`` also by ``locality``: whether the place the feedback is about (its area, which is
its facility's area when it names one) is an aimag centre (``iltod.places.locality``). It is the
place of the service, not the home of the person.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Aggregate, Case, CharField, Count, DurationField, ExpressionWrapper, F, FloatField, Q, When
from django.db.models import Value as V
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.core.metrics import (
    Metric,
    Scope,
    Value,
    add_up,
    aimag_codes,
    area_ids,
    batch_memo,
    by_aimag,
    moments,
    register,
)
from iltod.places.locality import localities, locality_of

from .models import Feedback

DIMENSIONS = ("aimag", "sector")
LOCALITY = "locality"  # of ``received`` only: the inclusion view's "outside aimag centres"
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


# Counting a whole period at once ----------------------------------------------------------------
#
# Results recomputes a period inside ``metrics.batch()``: every counter below, its aimag and sector
# breakdowns and its counts per facility and per body then come from ONE pass over the feedback
# table for the period (``GROUPING SETS``), and the medians from one more, instead of a pass per
# metric and breakdown (about twenty). On PostgreSQL only; elsewhere, and for a scope narrower than
# the country, each call counts on its own.

COUNTERS = ("received", "acknowledged", "resolved", "satisfaction")

SUMMARY_SQL = """
SELECT GROUPING(f.admin_unit_id, s.code, f.service_unit_id, f.handling_organization_id) AS grouping_set,
       f.admin_unit_id, s.code, f.service_unit_id, f.handling_organization_id,
       COUNT(*) FILTER (WHERE f.received_at >= %(start)s AND f.received_at < %(end)s),
       NULL,
       COUNT(*) FILTER (WHERE f.acknowledge_due >= %(start)s AND f.acknowledge_due < %(passed)s
                          AND f.acknowledged_at <= f.acknowledge_due),
       COUNT(*) FILTER (WHERE f.acknowledge_due >= %(start)s AND f.acknowledge_due < %(passed)s),
       COUNT(*) FILTER (WHERE f.resolve_due >= %(start)s AND f.resolve_due < %(passed)s
                          AND f.resolved_at <= f.resolve_due),
       COUNT(*) FILTER (WHERE f.resolve_due >= %(start)s AND f.resolve_due < %(passed)s),
       COUNT(*) FILTER (WHERE f.rated_at >= %(start)s AND f.rated_at < %(end)s AND f.rating >= %(satisfied)s),
       COUNT(*) FILTER (WHERE f.rated_at >= %(start)s AND f.rated_at < %(end)s AND f.rating IS NOT NULL)
FROM {feedback} f
LEFT JOIN {category} c ON c.id = f.category_id
LEFT JOIN {sector} s ON s.id = c.sector_id
WHERE f.status <> %(duplicate)s
  AND ((f.received_at >= %(start)s AND f.received_at < %(end)s)
    OR (f.acknowledge_due >= %(start)s AND f.acknowledge_due < %(passed)s)
    OR (f.resolve_due >= %(start)s AND f.resolve_due < %(passed)s)
    OR (f.rated_at >= %(start)s AND f.rated_at < %(end)s))
GROUP BY GROUPING SETS ((f.admin_unit_id, s.code), (f.service_unit_id), (f.handling_organization_id))
"""
AREA_SET, FACILITY_SET, ORGANIZATION_SET = 0b0011, 0b1101, 0b1110  # GROUPING() of each set

MEDIANS_SQL = """
SELECT GROUPING(a.aimag, s.code) AS grouping_set, a.aimag, s.code,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM f.resolved_at - f.received_at))
FROM {feedback} f
LEFT JOIN {category} c ON c.id = f.category_id
LEFT JOIN {sector} s ON s.id = c.sector_id
LEFT JOIN unnest(%(units)s::bigint[], %(aimags)s::text[]) AS a(unit_id, aimag) ON a.unit_id = f.admin_unit_id
WHERE f.status <> %(duplicate)s AND f.resolved_at >= %(start)s AND f.resolved_at < %(end)s
GROUP BY GROUPING SETS ((a.aimag), (s.code), ())
"""
MEDIAN_AIMAG_SET, MEDIAN_SECTOR_SET, MEDIAN_NATIONAL_SET = 0b01, 0b10, 0b11


def _tables() -> dict[str, str]:
    from iltod.places.models import Sector

    from .models import Category

    quote = connection.ops.quote_name
    return {
        "feedback": quote(Feedback._meta.db_table),
        "category": quote(Category._meta.db_table),
        "sector": quote(Sector._meta.db_table),
    }


def _batched(scope: Scope, name: str, count):
    """The memo of the current ``metrics.batch()`` for a national scope on PostgreSQL, else None."""
    memo = batch_memo()
    narrower = scope.admin_unit_id or scope.sector_id or scope.organization_id or scope.facility_id
    if memo is None or narrower or connection.vendor != "postgresql":
        return None
    key = (f"feedback.{name}", scope.start, scope.end)
    if key not in memo:
        memo[key] = count(scope)
    return memo[key]


def _count_summary(scope: Scope) -> dict:
    """Every counter of the period: per area and sector, per facility and per body, in one pass."""
    start, end = moments(scope)
    params = {
        "start": start,
        "end": end,
        "passed": min(end, timezone.now()),
        "satisfied": SATISFIED_FROM,
        "duplicate": Feedback.Status.DUPLICATE.value,
    }
    summary: dict = {"area": [], "facility": {}, "organization": {}}
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY_SQL.format(**_tables()), params)
        for grouping_set, unit_id, sector, facility_id, organization_id, *counts in cursor.fetchall():
            pairs = dict(zip(COUNTERS, zip(counts[0::2], counts[1::2], strict=True), strict=True))
            if grouping_set == AREA_SET:
                summary["area"].append((unit_id, sector, pairs))
            elif grouping_set == FACILITY_SET and facility_id is not None:
                summary["facility"][facility_id] = pairs
            elif grouping_set == ORGANIZATION_SET and organization_id is not None:
                summary["organization"][organization_id] = pairs
    return summary


def _count_medians(scope: Scope) -> dict:
    start, end = moments(scope)
    codes = aimag_codes()
    params = {
        "start": start,
        "end": end,
        "duplicate": Feedback.Status.DUPLICATE.value,
        "units": list(codes),
        "aimags": list(codes.values()),
    }
    medians: dict = {"national": Value(0, 0), "aimag": {}, "sector": {}}
    with connection.cursor() as cursor:
        cursor.execute(MEDIANS_SQL.format(**_tables()), params)
        for grouping_set, aimag, sector, seconds in cursor.fetchall():
            if seconds is None:
                continue
            if grouping_set == MEDIAN_NATIONAL_SET:
                medians["national"] = _days(seconds)
            elif grouping_set == MEDIAN_AIMAG_SET and aimag is not None:
                medians["aimag"][aimag] = _days(seconds)
            elif grouping_set == MEDIAN_SECTOR_SET and sector is not None:
                medians["sector"][sector] = _days(seconds)
    return medians


def _from_summary(pairs: dict, name: str, ratio: bool) -> tuple[int, int | None] | None:
    """A counter's (numerator, denominator) in one summary row; None when the row has no item of it."""
    n, d = pairs[name]
    if ratio:
        return (n, d) if d else None
    return (n, None) if n else None


def _counter(query, name: str):
    ratio = name != "received"

    def compute(scope: Scope) -> Value:
        summary = _batched(scope, "summary", _count_summary)
        if summary is not None:
            total = Value(0, 0 if ratio else None)
            for _unit, _sector, pairs in summary["area"]:
                counted = _from_summary(pairs, name, ratio)
                if counted is not None:
                    total += Value(*counted)
            return total
        items, numerator, denominator = query(scope)
        figures = items.aggregate(n=numerator, **({"d": denominator} if denominator is not None else {}))
        return Value(figures["n"] or 0, figures.get("d", None) if denominator is not None else None)

    def by_place(scope: Scope):
        """(area, its locality, counts) of the scope's items: for the country in a batch on PostgreSQL
        from the period's summary rows (no pass of its own), else one query grouped by area."""
        kinds = localities()
        summary = _batched(scope, "summary", _count_summary)
        if summary is not None:
            for unit_id, _sector, pairs in summary["area"]:
                counted = _from_summary(pairs, name, ratio)
                if counted is not None:
                    yield (unit_id, locality_of(unit_id, kinds), *counted)
            return
        items, numerator, denominator = query(scope)
        extra = {"d": denominator} if denominator is not None else {}
        for row in items.values("admin_unit_id").order_by().annotate(n=numerator, **extra):
            yield (row["admin_unit_id"], locality_of(row["admin_unit_id"], kinds), row["n"], row.get("d"))

    def breakdown(scope: Scope, dimension: str) -> dict[str, Value]:
        if dimension == LOCALITY:
            # in a batch, the country and every aimag are cut from one count of the period
            found = by_aimag(scope, f"feedback.{name}.locality", by_place)
            return found if found is not None else add_up(row[1:] for row in by_place(scope))
        summary = _batched(scope, "summary", _count_summary) if dimension in DIMENSIONS else None
        if summary is not None:
            codes = aimag_codes() if dimension == "aimag" else {}
            rows = []
            for unit_id, sector, pairs in summary["area"]:
                counted = _from_summary(pairs, name, ratio)
                if counted is not None:
                    rows.append((codes.get(unit_id) if dimension == "aimag" else sector, *counted))
            return add_up(rows)
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
        field = {"facility": "service_unit_id", "organization": "handling_organization_id"}.get(kind)
        if field is None:
            return {}
        summary = _batched(scope, "summary", _count_summary)
        if summary is not None:
            found = {}
            for body_id, pairs in summary[kind].items():
                counted = _from_summary(pairs, name, ratio)
                if counted is not None:
                    found[body_id] = Value(*counted)
            return found
        items, numerator, denominator = query(scope)
        extra = {"d": denominator} if denominator is not None else {}
        rows = items.filter(**{f"{field}__isnull": False}).values(field).order_by().annotate(n=numerator, **extra)
        return {row[field]: Value(row["n"], row.get("d")) for row in rows}

    return compute, breakdown, by_body


class _MedianSeconds(Aggregate):
    """PostgreSQL's median of the seconds from receipt to resolution (the mean of the two middle
    items for an even count, as the portable path below), counted in one pass per group."""

    name = "MedianSeconds"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()

    def __init__(self, **extra):
        super().__init__(ExpressionWrapper(F("resolved_at") - F("received_at"), output_field=DurationField()), **extra)


def _resolved_in(scope: Scope):
    start, end = moments(scope)
    return _items(scope).filter(resolved_at__gte=start, resolved_at__lt=end)


def _days(seconds) -> Value:
    return Value(round(seconds / 86400, 1))


def _median_days(scope: Scope) -> Value:
    medians = _batched(scope, "medians", _count_medians)
    if medians is not None:
        return medians["national"]
    if connection.vendor == "postgresql":
        seconds = _resolved_in(scope).aggregate(median=_MedianSeconds())["median"]
        return Value(0, 0) if seconds is None else _days(seconds)  # None: nothing was resolved
    durations = (
        _resolved_in(scope)
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
    medians = _batched(scope, "medians", _count_medians) if dimension in DIMENSIONS else None
    if medians is not None:
        return dict(medians[dimension])
    if connection.vendor == "postgresql":
        return _median_breakdown_grouped(scope, dimension)
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


def _median_breakdown_grouped(scope: Scope, dimension: str) -> dict[str, Value]:
    """Every aimag's or sector's median in one grouped query (a median is not additive: each group
    is its own median). An item's aimag comes from its area, mapped in the query."""
    items = _resolved_in(scope)
    if dimension == "aimag":
        units_of: dict[str, list[int]] = {}
        for unit_id, code in aimag_codes().items():
            units_of.setdefault(code, []).append(unit_id)
        if not units_of:
            return {}
        key = Case(
            *(When(admin_unit_id__in=ids, then=V(code)) for code, ids in sorted(units_of.items())),
            default=V(None),
            output_field=CharField(),
        )
    elif dimension == "sector":
        key = F("category__sector__code")
    else:
        return {}
    rows = items.annotate(bucket=key).values("bucket").order_by().annotate(median=_MedianSeconds())
    return {
        row["bucket"]: _days(row["median"]) for row in rows if row["bucket"] is not None and row["median"] is not None
    }


def register_metrics() -> None:
    received, received_by, received_bodies = _counter(_received, "received")
    register(
        Metric(
            code="feedback.received",
            label=_("Feedback received"),
            compute=received,
            breakdown=received_by,
            by_body=received_bodies,
            dimensions=(*DIMENSIONS, LOCALITY),
            unit=_("items"),
            description=_("Complaints, suggestions, questions and praise received in the period."),
        )
    )
    acknowledged, acknowledged_by, acknowledged_bodies = _counter(_acknowledged, "acknowledged")
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
    resolved, resolved_by, resolved_bodies = _counter(_resolved, "resolved")
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
    satisfied, satisfied_by, satisfied_bodies = _counter(_satisfaction, "satisfaction")
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
