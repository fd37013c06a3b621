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
``aimag``, ``sector``); a metric lists the dimensions it supports in ``dimensions``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

DIMENSIONS = ("sex", "age_group", "group", "disability", "aimag", "sector")


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

    @property
    def module(self) -> str:
        return self.code.split(".", 1)[0]


_METRICS: dict[str, Metric] = {}


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
