"""Who the mechanisms reach: of the feedback givers, score card participants, group members and
trainees, the share who are women, who belong to a poor or marginalised group, or who live outside
aimag centres, by aimag. From the counts the modules record (``Figure`` rows per aimag and
breakdown, written by ``services.recompute``); a module that records no such characteristic is
shown as "not recorded". No share is shown for fewer than ``MINIMUM`` people.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from iltod.core import metrics

from .models import Figure

MINIMUM = 5  # the privacy model: no demographics for fewer than 5 people

# (metric, label, marginalised categories of its "group" breakdown or None when not recorded)
SOURCES = [
    ("feedback.received", _("feedback givers"), None),
    ("scorecards.participants", _("score card participants"), None),
    ("engagement.members", _("members of multi-stakeholder groups"), None),
    ("learning.people_trained", _("people trained"), "not_stated"),
]
DIMENSIONS = ("sex", "group")


@dataclass
class Cell:
    total: int | None = None
    women: float | None = None
    marginalised: float | None = None
    suppressed: bool = False
    women_recorded: bool = False
    marginalised_recorded: bool = False


def sources() -> list[tuple[str, object, str | None]]:
    registered = {metric.code for metric in metrics.metrics()}
    return [source for source in SOURCES if source[0] in registered]


def _cell(figures: dict, metric: str, not_marginalised: str | None) -> Cell:
    total_row = figures.get((metric, "", ""))
    if total_row is None:
        return Cell()
    total = int(total_row)
    cell = Cell(total=total)
    if total < MINIMUM:
        cell.suppressed = True
        return cell
    sex = {category: n for (m, dimension, category), n in figures.items() if m == metric and dimension == "sex"}
    if sex:
        cell.women_recorded = True
        cell.women = round(100 * float(sex.get("female", 0)) / total, 1)
    groups = {category: n for (m, dimension, category), n in figures.items() if m == metric and dimension == "group"}
    if groups and not_marginalised is not None:
        cell.marginalised_recorded = True
        marginalised = sum(float(n) for category, n in groups.items() if category not in {not_marginalised, ""})
        cell.marginalised = round(100 * marginalised / total, 1)
    return cell


def table(period):
    """Rows (aimag code, name, [Cell per source]) and the national row, from the period's figures."""
    from iltod.places.models import AdminUnit

    chosen = sources()
    codes = [code for code, _label, _marginalised in chosen]
    rows = Figure.objects.filter(period=period, metric__in=codes, dimension__in=("", *DIMENSIONS)).exclude(
        scope_kind=Figure.ScopeKind.SECTOR
    )
    by_scope: dict[str, dict] = {}
    for figure in rows.values_list("scope_kind", "scope_key", "metric", "dimension", "category", "numerator"):
        kind, key, metric, dimension, category, numerator = figure
        if kind == Figure.ScopeKind.NATIONAL and dimension not in ("", *DIMENSIONS):
            continue
        scope = "" if kind == Figure.ScopeKind.NATIONAL else key
        by_scope.setdefault(scope, {})[(metric, dimension, category)] = numerator
    units = {unit.code: str(unit) for unit in AdminUnit.objects.top_level()}
    body = []
    for code in sorted(units, key=lambda c: units[c]):
        figures = by_scope.get(code, {})
        body.append((code, units[code], [_cell(figures, m, marginalised) for m, _label, marginalised in chosen]))
    national = [_cell(by_scope.get("", {}), m, marginalised) for m, _label, marginalised in chosen]
    missing = [label for code, label, _m in SOURCES if code not in {c for c, _l, _m2 in chosen}]
    return {"sources": chosen, "rows": body, "national": national, "missing": missing}
