"""Who the mechanisms reach: of the feedback givers, score card participants, group members and
trainees, the share who are women, who belong to a poor or marginalised group, or who live outside
aimag centres, by aimag. From the counts the modules record (``Figure`` rows per aimag and
breakdown, written by ``services.recompute``); a module that records no such characteristic is
shown as "not recorded", and a place where nobody stated it as "unknown". "Outside aimag centres"
is the ``locality`` breakdown (``iltod.places.locality``): for feedback, score cards and groups the
place of the service or the group, for trainees their soum; people whose place is not known count
in the total, as those who do not state their sex do.

**Privacy.** No figure is shown for fewer than ``MINIMUM`` people. Hiding one small aimag is not
enough: its count would be the national total minus the aimags shown (and its women the national
women minus theirs). So the hiding is complementary (``protect``): in each column, when an aimag is
hidden, the next smallest aimags are hidden with it until at least two are hidden and together
they hold at least ``MINIMUM`` people; where no aimag is left to hide, the national figure is
hidden instead. What can still be worked out is then the sum of several hidden aimags, never fewer
than ``MINIMUM`` people, and never which of them is the small one (they all read "hidden").

A share tells a count too: 2 women of 20 people (10 %) says that 2 people are women, 18 of 20 that
2 are not. So a share is hidden when fewer than ``MINIMUM`` people have the characteristic or fewer
than ``MINIMUM`` lack it (``_share``), in the aimags' rows and the national one, and each share
column is protected the same way (``protect_share``): the hidden aimags must be two or more and
hold, together, at least ``MINIMUM`` people with the characteristic and ``MINIMUM`` without it, or
the national share goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from iltod.core import metrics
from iltod.places.locality import Locality

from .models import Figure

MINIMUM = 5  # the privacy model: no demographics for fewer than 5 people

# (metric, label, marginalised categories of its "group" breakdown or None when not recorded)
SOURCES = [
    ("feedback.received", _("feedback givers"), None),
    ("scorecards.participants", _("score card participants"), None),
    ("engagement.members", _("members of multi-stakeholder groups"), None),
    ("learning.people_trained", _("people trained"), "not_stated"),
]
DIMENSIONS = ("sex", "group", "locality")
SHARES = ("women", "marginalised", "outside")  # each share column, protected the same way
NOT_STATED = {"", "not_stated", "undisclosed"}  # a category that says nothing about the person


@dataclass
class Cell:
    total: int | None = None
    women: float | None = None
    marginalised: float | None = None
    outside: float | None = None  # of aimag centres
    suppressed: bool = False  # the whole cell: its number of people and its shares
    women_recorded: bool = False
    marginalised_recorded: bool = False
    outside_recorded: bool = False
    women_hidden: bool = False  # the share only: too few people on one side of it
    marginalised_hidden: bool = False
    outside_hidden: bool = False
    share: float | None = None  # a breakdown's figure, for ``protect_breakdown``
    share_hidden: bool = False
    # people with each characteristic, for the protection only (never shown)
    counts: dict[str, float] = field(default_factory=dict, repr=False)


def sources() -> list[tuple[str, object, str | None]]:
    registered = {metric.code for metric in metrics.metrics()}
    return [source for source in SOURCES if source[0] in registered]


def _cell(figures: dict, metric: str, not_marginalised: str | None) -> Cell:
    total_row = figures.get((metric, "", ""))
    if total_row is None:
        return Cell()
    total = int(total_row)
    cell = Cell(total=total)
    sex = {category: n for (m, dimension, category), n in figures.items() if m == metric and dimension == "sex"}
    if sex:
        cell.women_recorded = True
        # nobody here stated it: "unknown", not 0 %
        if any(n for category, n in sex.items() if category not in NOT_STATED):
            _share(cell, "women", float(sex.get("female", 0)))
    groups = {category: n for (m, dimension, category), n in figures.items() if m == metric and dimension == "group"}
    if groups and not_marginalised is not None:
        cell.marginalised_recorded = True
        # Trainees record "none or not stated" as one answer: the share is of those who said so.
        said = NOT_STATED | {not_marginalised}
        _share(cell, "marginalised", sum(float(n) for category, n in groups.items() if category not in said))
    places = {category: n for (m, dimension, category), n in figures.items() if m == metric and dimension == "locality"}
    if places:
        cell.outside_recorded = True
        # nowhere known (only aimags, or nothing, recorded): "unknown", not 0 %
        if any(n for category, n in places.items() if category != Locality.UNKNOWN):
            _share(cell, "outside", float(places.get(Locality.OUTSIDE, 0)))
    if total < MINIMUM:
        _hide(cell)
    return cell


def _share(cell: Cell, name: str, people: float) -> None:
    """Set a share of the cell's people, hidden when fewer than ``MINIMUM`` people are on either side
    of it (2 of 20 would tell of 2 people; 18 of 20 of the other 2)."""
    cell.counts[name] = people
    if people < MINIMUM or cell.total - people < MINIMUM:
        _hide_share(cell, name)
    else:
        setattr(cell, name, round(100 * people / cell.total, 1))


def _hide(cell: Cell) -> None:
    cell.suppressed = True
    cell.women = cell.marginalised = cell.outside = None


def _hide_share(cell: Cell, name: str) -> None:
    setattr(cell, name, None)
    setattr(cell, f"{name}_hidden", True)


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


def _share_shown(cell: Cell, name: str) -> bool:
    return not cell.suppressed and getattr(cell, name) is not None


def protect_share(column: list[Cell], national: Cell, name: str) -> None:
    """Complementary suppression of one share column (one of ``SHARES``), after ``protect``.
    The national share minus the aimags' shown gives the people with the characteristic in the hidden
    aimags together (and, with the numbers of people, those without it): they must be two aimags or
    more, with at least ``MINIMUM`` people on each side, or the next smallest aimags' shares are hidden
    too, and where none is left the national share. An aimag where nobody stated it ("unknown") adds
    nothing to either side."""
    hidden = [cell for cell in column if cell.total and name in cell.counts and not _share_shown(cell, name)]
    if not hidden or not _share_shown(national, name):
        return
    shown = sorted(
        (cell for cell in column if _share_shown(cell, name)), key=lambda cell: (cell.total, cell.counts[name])
    )

    def enough() -> bool:
        having = sum(cell.counts[name] for cell in hidden)
        lacking = sum(cell.total - cell.counts[name] for cell in hidden)
        return len(hidden) >= 2 and having >= MINIMUM and lacking >= MINIMUM

    while not enough():
        if not shown:
            _hide_share(national, name)
            return
        cell = shown.pop(0)
        _hide_share(cell, name)
        hidden.append(cell)


DEMOGRAPHIC = ("sex", "age_group", "group", "disability", "locality")  # breakdowns that count people


def protect_breakdown(people: dict, having: dict | None = None) -> set:
    """The categories of one demographic breakdown whose figures must be hidden, by the same rule as
    the table: a category of fewer than ``MINIMUM`` people, and complementary ones (``protect``), so
    that the total shown elsewhere minus the categories shown never tells a small one. ``having``,
    for a figure that is a share of the category's people (satisfied, on time…), is hidden when
    fewer than ``MINIMUM`` are on either side of it (``_share``), protected the same way
    (``protect_share``); where even the national share would have to go, every category goes."""
    cells = {}
    for key, total in people.items():
        cell = Cell(total=int(total or 0))
        if having is not None and cell.total:
            _share(cell, "share", float(having.get(key) or 0))
        if cell.total < MINIMUM:
            _hide(cell)
        cells[key] = cell
    national = Cell(total=sum(cell.total for cell in cells.values()))
    if having is not None and national.total:
        _share(national, "share", sum(float(n or 0) for n in having.values()))
    column = list(cells.values())
    protect(column, national)
    if having is not None:
        protect_share(column, national, "share")
        if not _share_shown(national, "share"):
            return set(cells)
    return {key for key, cell in cells.items() if cell.suppressed or (having is not None and cell.share_hidden)}


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
        column = [cells[index] for _code, _name, cells in body]
        protect(column, national[index])
        for name in SHARES:
            protect_share(column, national[index], name)
    missing = [label for code, label, _m in SOURCES if code not in {c for c, _l, _m2 in chosen}]
    return {"sources": chosen, "rows": body, "national": national, "missing": missing}
