"""What the dashboards read: the pre-aggregated figures and targets, labelled for people.

Every function reads a fixed number of queries whatever the size of the data: the counting was
done by ``services.recompute``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from iltod.core import metrics

from .models import Figure, Indicator, Period, Result, Target
from .progress import indicator_progress, light, roll_up

DIMENSION_LABELS = {
    "sex": _("sex"),
    "age_group": _("age group"),
    "group": _("group of people"),
    "disability": _("disability"),
    "aimag": _("aimag"),
    "sector": _("sector"),
}

SEX_LABELS = {"female": _("women and girls"), "male": _("men and boys"), "undisclosed": _("not stated")}


def category_labels(dimension: str, keys) -> dict[str, str]:
    """Display names for a breakdown's values (never the raw code)."""
    keys = list(keys)
    if dimension == "aimag":
        from iltod.places.models import AdminUnit

        return {unit.code: str(unit) for unit in AdminUnit.objects.filter(code__in=keys)}
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
    return {key: str(_("other")) for key in keys}


def figure_value(metric_code: str, numerator, denominator):
    try:
        metric = metrics.get(metric_code)
    except KeyError:
        return None
    return metrics.Value(numerator, denominator).figure(metric.factor)


def latest_period(framework) -> Period | None:
    """The latest period that has an actual, else the first one."""
    with_actual = (
        Period.objects.filter(framework=framework, targets__actual__isnull=False).order_by("-start").distinct().first()
    )
    return with_actual or Period.objects.filter(framework=framework).order_by("start").first()


def tree(framework, period):
    results = list(Result.objects.filter(framework=framework))
    indicators = list(Indicator.objects.filter(result__framework=framework).select_related("result__framework"))
    targets = {t.indicator_id: t for t in Target.objects.filter(period=period)} if period else {}
    return roll_up(results, indicators, targets)


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


def breakdowns(indicator, period) -> list[tuple[str, list[tuple[str, float | None, object, object]]]]:
    """For each of the indicator's breakdowns: (dimension label, [(category label, figure, n, d)])."""
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
        out.append(
            (
                DIMENSION_LABELS.get(dimension, dimension),
                sorted(
                    (
                        (
                            labels.get(f.category, "—"),
                            figure_value(indicator.metric, f.numerator, f.denominator),
                            f.numerator,
                            f.denominator,
                        )
                        for f in rows
                    ),
                    key=lambda row: row[0],
                ),
            )
        )
    return out


def scope_table(framework, scope_kind: str, scope_key: str):
    """The figures of one aimag or one sector: per computed indicator, its figure in each period."""
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
            target_value = target.target if target else None
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
                    "light": light(actual=value, target=target_value, progress=progress, ascending=indicator.ascending),
                }
            )
        rows.append((indicator, cells))
    return periods, rows
