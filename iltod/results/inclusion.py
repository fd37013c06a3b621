"""Who the mechanisms reach: of the feedback givers, score card participants, group members and
trainees, the share who are women, who belong to a poor or marginalised group, or who live outside
aimag centres, by aimag. From the counts the modules record (``Figure`` rows per aimag and
breakdown, written by ``services.recompute``); a module that records no such characteristic is
shown as "not recorded", and a place where nobody stated it as "unknown".

**Privacy.** No figure is shown for fewer than ``MINIMUM`` people. Hiding one small aimag is not
enough: its count would be the national total minus the aimags shown (and its women the national
women minus theirs). So the hiding is complementary (``protect``): in each column, when an aimag is
hidden, the next smallest aimags are hidden with it until at least two are hidden and together
they hold at least ``MINIMUM`` people; where no aimag is left to hide, the national figure is
hidden instead. What can still be worked out is then the sum of several hidden aimags, never fewer
than ``MINIMUM`` people, and never which of them is the small one (they all read "hidden").
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
NOT_STATED = {"", "not_stated", "undisclosed"}  # a category that says nothing about the person


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
        _hide(cell)
        return cell
    sex = {category: n for (m, dimension, category), n in figures.items() if m == metric and dimension == "sex"}
    if sex:
        cell.women_recorded = True
        # nobody here stated it: "unknown", not 0 %
        if any(n for category, n in sex.items() if category not in NOT_STATED):
            cell.women = round(100 * float(sex.get("female", 0)) / total, 1)
    groups = {category: n for (m, dimension, category), n in figures.items() if m == metric and dimension == "group"}
    if groups and not_marginalised is not None:
        cell.marginalised_recorded = True
        # Trainees record "none or not stated" as one answer: the share is of those who said so.
        said = NOT_STATED | {not_marginalised}
        marginalised = sum(float(n) for category, n in groups.items() if category not in said)
        cell.marginalised = round(100 * marginalised / total, 1)
    return cell


def _hide(cell: Cell) -> None:
    cell.suppressed = True
    cell.women = cell.marginalised = None


def protect(column: list[Cell], national: Cell) -> None:
    """Complementary suppression of one column (one population): the aimags' cells and the national
    cell they add up to. Cells of fewer than ``MINIMUM`` people are already hidden by ``_cell``."""
    hidden = [cell for cell in column if cell.suppressed and cell.total]  # a zero says nothing of anyone
    if not hidden or national.suppressed:
        return
    shown = sorted((cell for cell in column if not cell.suppressed and cell.total), key=lambda cell: cell.total)
    while len(hidden) < 2 or sum(cell.total for cell in hidden) < MINIMUM:
        if not shown:
            _hide(national)  # nothing left to hide beside it: the total goes instead
            return
        cell = shown.pop(0)
        _hide(cell)
        hidden.append(cell)


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
    for index in range(len(chosen)):
        protect([cells[index] for _code, _name, cells in body], national[index])
    missing = [label for code, label, _m in SOURCES if code not in {c for c, _l, _m2 in chosen}]
    return {"sources": chosen, "rows": body, "national": national, "missing": missing}
