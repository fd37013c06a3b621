"""Metrics: how each module offers the figures the results framework and the ranking compute.

A module registers its metrics in its ``AppConfig.ready`` (``register(Metric(...))``), the way panels
and periodic jobs register, so no lower module imports ``results``. A metric is counts, never a
ready-made percentage: ``compute(scope)`` returns a numerator and an optional denominator, and
the figure shown is ``numerator / denominator × factor``. Percentages at every level of
aggregation (a soum, an aimag, the country, a disaggregation) are recomputed from the counts of
that level, never averaged from the levels below (``Value.__add__`` adds counts).

``Scope`` says what to count: a period (``start`` inclusive, ``end`` exclusive, dates), and
optionally an administrative unit (its descendants included), a sector, an organisation (the
body answerable: for the ranking) and a facility. ``breakdown(scope, dimension)`` returns the
counts per value of a disaggregation (``sex``, ``age_group``, ``group``, ``disability``,
``aimag``, ``sector``, ``locality``); a metric lists the dimensions it supports in ``dimensions``.
``locality`` says whether the people live (or are served) in an aimag centre: ``centre``,
``outside`` or ``unknown``, by the one rule of ``iltod.places.locality``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

DIMENSIONS = ("sex", "age_group", "group", "disability", "aimag", "sector", "locality")


@dataclass(frozen=True)
class Scope:
    start: datetime.date
    end: datetime.date  # exclusive
    admin_unit_id: int | None = None  # this unit and every unit below it
    sector_id: int | None = None
    organization_id: int | None = None
    facility_id: int | None = None


@dataclass(frozen=True)
class Value:
    numerator: Decimal | int | float = 0
    denominator: int | None = None

    def __add__(self, other: Value) -> Value:
        if self.denominator is None and other.denominator is None:
            return Value(self.numerator + other.numerator)
        return Value(self.numerator + other.numerator, (self.denominator or 0) + (other.denominator or 0))

    def figure(self, factor: int | float = 1) -> float | None:
        """The figure shown: ``None`` where there is nothing to divide by."""
        if self.denominator is None:
            return float(self.numerator) * factor
        if not self.denominator:
            return None
        return float(self.numerator) / self.denominator * factor


@dataclass(frozen=True)
class Metric:
    code: str  # "<module>.<name>", e.g. "feedback.resolved_on_time"
    label: object  # a lazy translation
    compute: Callable[[Scope], Value]
    factor: int | float = 1  # 100 for a percentage
    unit: object = ""  # a lazy translation: "%", "days", "people"
    description: object = ""  # a lazy translation: what is counted, in one or two sentences
    higher_is_better: bool = True
    breakdown: Callable[[Scope, str], dict[str, Value]] | None = None
    dimensions: tuple[str, ...] = field(default_factory=tuple)
    additive: bool = True  # False for a median or a change between cycles: recompute, never add
    # Optional: the counts of every facility ("facility") or every body ("organization") of the scope
    # in one query, keyed by their id. The ranking uses it instead of one ``compute`` per body.
    by_body: Callable[[Scope, str], dict[int, Value]] | None = None

    @property
    def module(self) -> str:
        return self.code.split(".", 1)[0]


_METRICS: dict[str, Metric] = {}


_BATCH: ContextVar[dict | None] = ContextVar("metrics_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Count many metrics of the same periods together. Inside this block a module may count several
    of its metrics in one pass over its table and keep the counts until the block ends
    (``batch_memo``): results' recompute and ranking run in one, so a national table is read once
    per period instead of once per metric and breakdown. Outside a block every call counts afresh.
    A block inside another shares the outer one's counts."""
    if _BATCH.get() is not None:
        yield
        return
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


def batch_memo() -> dict | None:
    """The current batch's store (a dict a module keys by its own names), or None outside a batch."""
    return _BATCH.get()


def register(metric: Metric) -> None:
    """Add a metric (registering the same code again replaces it, so ``ready`` may run twice)."""
    if "." not in metric.code:
        raise ValueError(f"A metric's code is '<module>.<name>', not {metric.code!r}")
    unknown = set(metric.dimensions) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"Unknown dimensions {sorted(unknown)} for {metric.code}")
    _METRICS[metric.code] = metric


def get(code: str) -> Metric:
    return _METRICS[code]


def metrics() -> list[Metric]:
    return sorted(_METRICS.values(), key=lambda metric: metric.code)


# Helpers for the modules' metrics: the areas a scope covers and the aimag of every area. They read
# ``places`` through the app registry (core imports no app), once per call: the hierarchy is small
# (a few thousand units) and a metric is computed by periodic jobs, not per request.


def area_ids(admin_unit_id: int) -> list[int]:
    """The unit and every unit below it."""
    from django.apps import apps

    unit_model = apps.get_model("places", "AdminUnit")
    ids, frontier = [admin_unit_id], [admin_unit_id]
    while frontier:
        frontier = list(
            unit_model.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def aimag_codes() -> dict[int, str]:
    """Every unit's id → the code of its aimag (or the capital): the ``aimag`` breakdown's keys."""
    from django.apps import apps

    unit_model = apps.get_model("places", "AdminUnit")
    rows = {
        pk: (parent_id, level, code)
        for pk, parent_id, level, code in unit_model.objects.values_list("pk", "parent_id", "level", "code")
    }
    top: dict[int, str] = {}
    for pk in rows:
        node, seen = pk, set()
        while node is not None and node not in seen:
            seen.add(node)
            parent_id, level, code = rows[node]
            if level in {"aimag", "capital"}:
                top[pk] = code
                break
            node = parent_id
    return top


def by_aimag(scope: Scope, name: str, count: Callable[[Scope], Iterable[tuple]]) -> dict[str, Value] | None:
    """Inside a ``batch()``, the breakdown of the country or of one aimag (or the capital) cut from one
    count of the whole country. ``count(country)`` gives rows ``(unit_id, key, numerator,
    denominator)``, ``unit_id`` being the place that puts the row in an aimag. The recompute asks for
    every aimag's breakdown in turn: this reads the table once per period, not once per aimag (with
    the walk down its units). None outside a batch or for a narrower scope: count it as usual."""
    memo = batch_memo()
    if memo is None or scope.sector_id or scope.organization_id or scope.facility_id:
        return None
    if "metrics.areas" not in memo:
        from django.apps import apps

        top_level = apps.get_model("places", "AdminUnit").objects.filter(level__in=("aimag", "capital"))
        memo["metrics.areas"] = (aimag_codes(), dict(top_level.values_list("pk", "code")))
    codes, top_level_codes = memo["metrics.areas"]
    key = ("metrics.by_aimag", name, scope.start, scope.end)
    if key not in memo:
        rows: dict[str | None, list] = {None: []}
        for unit_id, category, numerator, denominator in count(Scope(scope.start, scope.end)):
            rows[None].append((category, numerator, denominator))
            aimag = codes.get(unit_id)
            if aimag is not None:
                rows.setdefault(aimag, []).append((category, numerator, denominator))
        memo[key] = {area: add_up(found) for area, found in rows.items()}
    if scope.admin_unit_id is None:
        return dict(memo[key][None])
    if scope.admin_unit_id not in top_level_codes:
        return None  # a soum or a district: below what the cut knows
    return dict(memo[key].get(top_level_codes[scope.admin_unit_id], {}))


def add_up(values) -> dict[str, Value]:
    """``(key, numerator, denominator)`` rows → ``{key: Value}``, counts added per key."""
    result: dict[str, Value] = {}
    for key, numerator, denominator in values:
        if key is None:
            continue
        result[key] = result.get(key, Value(0, None if denominator is None else 0)) + Value(numerator, denominator)
    return result


def moments(scope: Scope) -> tuple[datetime.datetime, datetime.datetime]:
    """The scope's period as aware datetimes: midnight of ``start`` and of ``end`` in local time."""
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    return (
        datetime.datetime.combine(scope.start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(scope.end, datetime.time.min, tzinfo=zone),
    )
