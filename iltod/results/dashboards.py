"""What the dashboards read: the pre-aggregated figures and targets, labelled for people.

Every function reads a fixed number of queries whatever the size of the data: the counting was
done by ``services.recompute`` and ``ranking.compute_ranking``. The two busiest pages, the
overview and the ranking, also keep their rendered table in the cache, keyed by what it was drawn
from (the period's targets and actuals; the time the period's ranking was computed), so a page
view reads a few rows and renders nothing per row."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from iltod.core import metrics

from . import charts, inclusion
from .models import Figure, Indicator, Period, RankingEntry, Result, Target
from .progress import indicator_progress, light, roll_up
from .ranking import most_improved

FRAGMENT_SECONDS = 3600  # a cached table lives an hour at most (names of aimags and sectors in it may change)
RANKING_PER_PAGE = 50

DIMENSION_LABELS = {
    "sex": _("sex"),
    "age_group": _("age group"),
    "group": _("group of people"),
    "disability": _("disability"),
    "aimag": _("aimag"),
    "sector": _("sector"),
    "locality": _("aimag centre or outside"),
}

SEX_LABELS = {"female": _("women and girls"), "male": _("men and boys"), "undisclosed": _("not stated")}


def category_labels(dimension: str, keys) -> dict[str, str]:
    """Display names for a breakdown's values (never the raw code)."""
    keys = list(keys)
    if dimension == "aimag":
        from iltod.places.models import AdminUnit

        return {unit.code: str(unit) for unit in AdminUnit.objects.without_shapes().filter(code__in=keys)}
    if dimension == "sector":
        from iltod.places.models import Sector

        return {sector.code: str(sector) for sector in Sector.objects.filter(code__in=keys)}
    if dimension == "sex":
        return {key: str(SEX_LABELS.get(key, _("not stated"))) for key in keys}
    if dimension == "age_group":
        from iltod.engagement.models import AgeBand

        return {key: str(AgeBand(key).label) if key in AgeBand.values else str(_("not stated")) for key in keys}
    if dimension == "group":
        from iltod.scorecards.models import FocusGroup

        return {
            key: str(FocusGroup.Kind(key).label) if key in FocusGroup.Kind.values else str(_("other")) for key in keys
        }
    if dimension == "disability":
        return {key: str(_("people with disabilities")) for key in keys}
    if dimension == "locality":
        from iltod.places.locality import Locality

        return {key: str(Locality(key).label if key in Locality.values else Locality.UNKNOWN.label) for key in keys}
    return {key: str(_("other")) for key in keys}


def figure_value(metric_code: str, numerator, denominator):
    try:
        metric = metrics.get(metric_code)
    except KeyError:
        return None
    return metrics.Value(numerator, denominator).figure(metric.factor)


def is_sum(metric_code: str, denominator) -> bool:
    """A figure that adds up over places (a count): a part of the country's, not comparable with its
    target. A share or a ratio (it has a denominator) and a median (not additive) are comparable."""
    try:
        metric = metrics.get(metric_code)
    except KeyError:
        return False
    return denominator is None and metric.additive


def latest_period(framework) -> Period | None:
    """The latest period that has an actual, else the first one."""
    with_actual = (
        Period.objects.filter(framework=framework, targets__actual__isnull=False).order_by("-start").distinct().first()
    )
    return with_actual or Period.objects.filter(framework=framework).order_by("start").first()


def tree(framework, period, targets: dict | None = None):
    results = list(Result.objects.filter(framework=framework))
    indicators = list(Indicator.objects.filter(result__framework=framework).select_related("result__framework"))
    if targets is None:
        targets = {t.indicator_id: t for t in Target.objects.filter(period=period)} if period else {}
    return roll_up(results, indicators, targets)


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def overview_fragment(framework, period) -> SafeString:
    """The overview's tree, its goal line and its links to the aimags and sectors, as HTML.

    Cached under a key made of the framework's version and what the tree shows of the period's
    targets (target, actual, source, time computed): any new actual, target or edit of the tree
    draws it again. One query when cached (the period's targets); six when drawn."""
    from iltod.places.models import AdminUnit, Sector

    rows = list(Target.objects.filter(period=period).order_by("indicator_id")) if period else []
    key = "results:overview:" + _digest(
        framework.pk,
        framework.version,
        framework.updated_at.isoformat(),
        period.pk if period else None,
        get_language(),
        [(t.indicator_id, t.target, t.actual, t.source, t.computed_at and t.computed_at.isoformat()) for t in rows],
    )
    html = cache.get(key)
    if html is None:
        nodes = tree(framework, period, {t.indicator_id: t for t in rows})
        html = render_to_string(
            "results/_overview_tree.html",
            {
                "framework": framework,
                "period": period,
                "rows": [
                    (depth, node, charts.progress_bar(node.percent, node.light, str(node.obj)))
                    for depth, node in flatten(nodes)
                ],
                "goal": nodes[0] if nodes else None,
                "aimags": list(AdminUnit.objects.top_level().only("code", "name", "name_mn", "name_en")),
                "sectors": list(Sector.objects.all()),
            },
        )
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our template, escaped there


def ranking_filters(form, period, periods) -> SafeString:
    """The ranking's filter form as HTML. Drawing its lists of aimags and sectors through Django's
    widget templates costs more than the rest of the page, so a valid choice's form is cached (the
    periods' ranking times, the choice and the language make the key); a form with errors is drawn
    each time."""
    key = None
    if not form.errors:
        choice = {name: str(form.data.get(name, ""))[:40] for name in ("kind", "aimag", "sector")}
        key = "results:ranking-filters:" + _digest(
            [(p.pk, p.ranked_at and p.ranked_at.isoformat()) for p in periods],
            period.pk if period else None,
            choice,
            get_language(),
        )
        html = cache.get(key)
        if html is not None:
            return mark_safe(html)  # noqa: S308 - rendered by our template, escaped there
    html = render_to_string("results/_ranking_filters.html", {"form": form, "period": period, "periods": periods})
    if key is not None:
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our template, escaped there


class CountedPaginator(Paginator):
    """A paginator told its count (read together with another count in one query)."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def ranking_fragment(period, kind: str, *, aimag="", sector="", page=None, components=(), query="") -> SafeString:
    """A page of the league table of one kind of body (optionally of one aimag or sector), the
    number of bodies with too few items, and the most improved, as HTML, from ``RankingEntry``.

    Cached under a key made of the time the period's ranking was computed and the choice; when
    drawn: three indexed queries (the counts, the page's rows in rank order, the rises)."""
    number = int(page) if str(page or "").isascii() and str(page or "").isdigit() else 1
    key = "results:ranking:" + _digest(
        period.pk,
        period.ranked_at and period.ranked_at.isoformat(),
        kind,
        aimag,
        sector,
        number,
        query,
        get_language(),
        [c.metric for c in components],
    )
    html = cache.get(key)
    if html is not None:
        return mark_safe(html)  # noqa: S308 - rendered by our template, escaped there
    entries = RankingEntry.objects.filter(period=period, body_kind=kind)
    if aimag:
        entries = entries.filter(aimag=aimag)
    if sector:
        entries = entries.filter(sector=sector)
    counts = entries.aggregate(
        ranked=Count("pk", filter=Q(rank__isnull=False)), unranked=Count("pk", filter=Q(rank__isnull=True))
    )
    ranked = (
        entries.filter(rank__isnull=False)
        .only("body_code", "name", "name_en", "rank", "score", "items", "components")
        .order_by("rank", "-items", "name")
    )
    current = CountedPaginator(ranked, RANKING_PER_PAGE, counts["ranked"]).get_page(number)
    html = render_to_string(
        "results/_ranking_table.html",
        {
            "period": period,
            "kind_label": RankingEntry.BodyKind(kind).label,
            "components": components,
            "page": current,
            "rows": [(entry, [entry.components.get(c.metric, {}) for c in components]) for entry in current],
            "unranked": counts["unranked"],
            "improved": most_improved(period, kind, aimag=aimag, sector=sector),
            "query": query,
        },
    )
    if current.number == number:  # a page beyond the last is drawn as the last, and not kept
        cache.set(key, html, FRAGMENT_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our template, escaped there


def flatten(nodes, depth=0):
    """The tree as rows for a table: (depth, node)."""
    for node in nodes:
        yield depth, node
        yield from flatten([child for child in node.children if child.kind == "indicator"], depth + 1)
        yield from flatten([child for child in node.children if child.kind == "result"], depth + 1)


@dataclass
class Row:
    period: Period
    target: object
    actual: object
    light: str
    progress: object


def indicator_rows(indicator, periods, targets) -> list[Row]:
    rows = []
    for period in periods:
        row = targets.get(period.pk)
        actual = row.actual if row else None
        target = row.target if row else None
        progress = (
            None
            if indicator.is_qualitative
            else indicator_progress(
                actual=actual, target=target, baseline=indicator.baseline, ascending=indicator.ascending
            )
        )
        rows.append(
            Row(
                period,
                target,
                actual,
                light(actual=actual, target=target, progress=progress, ascending=indicator.ascending),
                progress,
            )
        )
    return rows


def breakdowns(indicator, period) -> list[tuple[str, list[tuple[str, float | None, object, object, bool]]]]:
    """For each of the indicator's breakdowns: (dimension label, [(category label, figure, n, d, hidden)]),
    the figures of a category of too few people hidden (``_private``)."""
    if not indicator.metric or period is None:
        return []
    figures = list(
        Figure.objects.filter(
            period=period,
            metric=indicator.metric,
            scope_kind=Figure.ScopeKind.NATIONAL,
            dimension__in=indicator.disaggregations,
        ).order_by("dimension", "category")
    )
    out = []
    for dimension in indicator.disaggregations:
        rows = [f for f in figures if f.dimension == dimension]
        if not rows:
            continue
        labels = category_labels(dimension, [f.category for f in rows])
        hidden = _private(dimension, rows)
        out.append(
            (
                DIMENSION_LABELS.get(dimension, dimension),
                sorted(
                    (
                        (labels.get(f.category, "—"), None, None, None, True)
                        if f.category in hidden
                        else (
                            labels.get(f.category, "—"),
                            figure_value(indicator.metric, f.numerator, f.denominator),
                            f.numerator,
                            f.denominator,
                            False,
                        )
                        for f in rows
                    ),
                    key=lambda row: row[0],
                ),
            )
        )
    return out


def _private(dimension: str, rows) -> set[str]:
    """The categories of a breakdown of people that the privacy rule of the inclusion view hides
    (``inclusion.protect_breakdown``). Aimags and sectors are places, not people: always shown."""
    if dimension not in inclusion.DEMOGRAPHIC:
        return set()
    if any(f.denominator is not None for f in rows):  # a share of the category's people
        return inclusion.protect_breakdown(
            {f.category: f.denominator or 0 for f in rows}, {f.category: f.numerator for f in rows}
        )
    return inclusion.protect_breakdown({f.category: f.numerator for f in rows})


def scope_table(framework, scope_kind: str, scope_key: str):
    """The figures of one aimag or one sector: per computed indicator, its figure in each period.

    The targets are the programme's national ones, so the traffic light and the target are shown
    only where an aimag's figure is comparable with them: a share, a ratio or a median, never a sum
    (10 participants in an aimag against a national 180 says nothing). A sum is shown as it is, with
    ``no_target`` set."""
    periods = list(Period.objects.filter(framework=framework).order_by("start"))
    indicators = list(
        Indicator.objects.filter(result__framework=framework).exclude(metric="").select_related("result__framework")
    )
    figures = {
        (f.period_id, f.metric): f
        for f in Figure.objects.filter(
            period__framework=framework, scope_kind=scope_kind, scope_key=scope_key, dimension=""
        )
    }
    targets = {(t.indicator_id, t.period_id): t for t in Target.objects.filter(period__framework=framework)}
    rows = []
    for indicator in indicators:
        cells = []
        for period in periods:
            figure = figures.get((period.pk, indicator.metric))
            value = figure_value(indicator.metric, figure.numerator, figure.denominator) if figure else None
            target = targets.get((indicator.pk, period.pk))
            no_target = figure is not None and is_sum(indicator.metric, figure.denominator)
            target_value = target.target if target and not no_target else None
            progress = (
                indicator_progress(
                    actual=value, target=target_value, baseline=indicator.baseline, ascending=indicator.ascending
                )
                if value is not None
                else None
            )
            cells.append(
                {
                    "value": value,
                    "n": figure.numerator if figure else None,
                    "d": figure.denominator if figure else None,
                    "target": target_value,
                    "no_target": no_target,
                    "light": light(actual=value, target=target_value, progress=progress, ascending=indicator.ascending),
                }
            )
        rows.append((indicator, cells))
    return periods, rows
