"""Progress against targets and its roll-up, by one documented rule (see the methodology page).

**An indicator's progress** in a period is how far its actual has come from the baseline to the
target: ``(actual − baseline) / (target − baseline)``, kept between 0 and 1 (0 %–100 %). The sign
of ``target − baseline`` carries the direction, so "lower is better" indicators need no special
case. Without a baseline, 0 is the baseline of a "higher is better" indicator. When target and
baseline are equal, progress is 1 if the actual meets the target in the indicator's direction,
else 0. Qualitative indicators, and indicators without a target or an actual, have no progress:
they are listed as "not measured" and left out of the roll-up.

**The traffic light** compares the actual with the target in the indicator's direction: green
when the target is met, amber when progress is at least 75 %, red below, grey without data.

**The roll-up**: a result's progress is the weighted mean of the progress of its indicators and
of the results below it, with the weights written in the framework (``weight``; 0 leaves an
item out). Items without progress are left out of both sums. The goal's progress is thus built
from outcomes, outputs and indicators, each with its own explicit weight, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

AMBER_FROM = Decimal("0.75")

LIGHTS = {
    "green": _("target met"),
    "amber": _("close to the target"),
    "red": _("behind the target"),
    "grey": _("no data"),
}


def indicator_progress(*, actual, target, baseline, ascending: bool) -> Decimal | None:
    if actual is None or target is None:
        return None
    actual, target = Decimal(actual), Decimal(target)
    if baseline is None:
        if not ascending:
            return None
        baseline = Decimal(0)
    baseline = Decimal(baseline)
    if target == baseline:
        met = actual >= target if ascending else actual <= target
        return Decimal(1) if met else Decimal(0)
    share = (actual - baseline) / (target - baseline)
    return max(Decimal(0), min(Decimal(1), share))


def light(*, actual, target, progress, ascending: bool) -> str:
    if actual is None or target is None or progress is None:
        return "grey"
    met = Decimal(actual) >= Decimal(target) if ascending else Decimal(actual) <= Decimal(target)
    if met:
        return "green"
    return "amber" if progress >= AMBER_FROM else "red"


@dataclass
class Node:
    """A result or an indicator in the roll-up of one period."""

    kind: str  # "result" or "indicator"
    obj: object
    weight: Decimal
    progress: Decimal | None = None
    light: str = "grey"
    children: list[Node] = field(default_factory=list)
    target: object = None  # the indicator's Target row of the period, if any

    @property
    def percent(self) -> int | None:
        return None if self.progress is None else int((self.progress * 100).quantize(Decimal(1)))

    @property
    def light_label(self):
        return LIGHTS[self.light]


def weighted(children: list[Node]) -> Decimal | None:
    counted = [(child.weight, child.progress) for child in children if child.progress is not None and child.weight > 0]
    total = sum((weight for weight, _progress in counted), Decimal(0))
    if not total:
        return None
    return sum((weight * progress for weight, progress in counted), Decimal(0)) / total


def roll_up(results, indicators, targets) -> list[Node]:
    """The tree of one period: ``results`` and ``indicators`` of the framework, ``targets`` a dict
    indicator id → Target of the period. Returns the top nodes (the goal), progress filled."""
    by_parent: dict = {}
    for result in results:
        by_parent.setdefault(result.parent_id, []).append(result)
    by_result: dict = {}
    for indicator in indicators:
        by_result.setdefault(indicator.result_id, []).append(indicator)

    def build(result) -> Node:
        node = Node("result", result, result.weight)
        for indicator in by_result.get(result.pk, []):
            row = targets.get(indicator.pk)
            actual = row.actual if row else None
            target = row.target if row else None
            progress = (
                None
                if indicator.is_qualitative
                else indicator_progress(
                    actual=actual, target=target, baseline=indicator.baseline, ascending=indicator.ascending
                )
            )
            node.children.append(
                Node(
                    "indicator",
                    indicator,
                    indicator.weight,
                    progress,
                    light(actual=actual, target=target, progress=progress, ascending=indicator.ascending),
                    target=row,
                )
            )
        node.children.extend(build(child) for child in by_parent.get(result.pk, []))
        node.progress = weighted(node.children)
        if node.progress is not None:
            node.light = "green" if node.progress >= 1 else ("amber" if node.progress >= AMBER_FROM else "red")
        return node

    return [build(result) for result in by_parent.get(None, [])]
