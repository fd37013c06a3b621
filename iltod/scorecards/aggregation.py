"""The score card's arithmetic, in one place and without side effects.

Each focus group agrees on one score per indicator. For an indicator:

- the **community score** is the mean of the community groups' scores (groups that left the
  indicator unscored do not count);
- the **provider score** is the mean of the provider's self-evaluation groups;
- the **divergence** is community minus provider (negative: the provider rates itself higher);
- the **change** is the community score minus the community score of the same indicator in the
  facility's previous cycle (same library indicator, or the same Mongolian text for a
  community-generated one).

Only approved sheets count. Scores on different scales are compared as percentages of the
scale: 1–5 maps to 0, 25, 50, 75, 100.
"""

from dataclasses import dataclass, field
from statistics import mean

from django.utils.translation import get_language

from .models import CycleIndicator, FocusGroup, Scale, Score, ScorecardCycle


def percent(value: float | None, scale: str) -> float | None:
    """A score as a percentage of its scale."""
    if value is None:
        return None
    low, high = Scale.bounds(scale)
    return round((value - low) / (high - low) * 100, 2)


def from_percent(value: float | None, scale: str) -> float | None:
    if value is None:
        return None
    low, high = Scale.bounds(scale)
    return round(low + value / 100 * (high - low), 2)


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(mean(values), 2) if values else None


@dataclass
class IndicatorResult:
    indicator: CycleIndicator
    scale: str
    community: float | None = None
    provider: float | None = None
    previous: float | None = None
    by_group: dict[int, int | None] = field(default_factory=dict)  # group pk -> score
    reasons: list[tuple[FocusGroup, str]] = field(default_factory=list)

    @property
    def divergence(self) -> float | None:
        if self.community is None or self.provider is None:
            return None
        return round(self.community - self.provider, 2)

    @property
    def change(self) -> float | None:
        if self.community is None or self.previous is None:
            return None
        return round(self.community - self.previous, 2)

    @property
    def community_percent(self) -> float | None:
        return percent(self.community, self.scale)

    @property
    def provider_percent(self) -> float | None:
        return percent(self.provider, self.scale)


@dataclass
class CycleReport:
    cycle: ScorecardCycle
    results: list[IndicatorResult]
    community_groups: list[FocusGroup]
    provider_groups: list[FocusGroup]
    pending_groups: list[FocusGroup]
    previous_cycle: ScorecardCycle | None

    @property
    def groups(self) -> list[FocusGroup]:
        return [*self.community_groups, *self.provider_groups]

    @property
    def community(self) -> float | None:
        return _mean(r.community for r in self.results)

    @property
    def provider(self) -> float | None:
        return _mean(r.provider for r in self.results)

    @property
    def participants(self) -> tuple[int, int]:
        women = sum(g.participants_female for g in self.community_groups)
        men = sum(g.participants_male for g in self.community_groups)
        return women, men

    def group_rows(self):
        """For the table by focus group: (result, [score of each group in ``groups`` order])."""
        groups = self.groups
        return [(r, [r.by_group.get(g.pk) for g in groups]) for r in self.results]

    def lowest(self, count: int) -> list[IndicatorResult]:
        scored = [r for r in self.results if r.community is not None]
        return sorted(scored, key=lambda r: (r.community, r.indicator.number))[:count]

    def most_divergent(self, count: int) -> list[IndicatorResult]:
        scored = [r for r in self.results if r.divergence]
        return sorted(scored, key=lambda r: (-abs(r.divergence), r.indicator.number))[:count]

    def priorities(self, count: int = 3) -> list[IndicatorResult]:
        """The indicators an action plan starts from: the lowest, then the most divergent."""
        chosen: list[IndicatorResult] = []
        for result in [*self.lowest(count), *self.most_divergent(count)]:
            if result not in chosen:
                chosen.append(result)
        return chosen


def _indicator_key(indicator: CycleIndicator):
    return ("lib", indicator.indicator_id) if indicator.indicator_id else ("text", indicator.text_mn.strip().lower())


def community_means(cycle: ScorecardCycle) -> dict:
    """Community score per indicator key of a cycle (approved sheets only): two queries."""
    indicators = {i.pk: i for i in cycle.indicators.all()}
    values: dict = {}
    for indicator_id, value in (
        Score.objects.filter(
            indicator__cycle=cycle,
            group__status=FocusGroup.SheetStatus.APPROVED,
            value__isnull=False,
        )
        .exclude(group__kind=FocusGroup.Kind.PROVIDER)
        .values_list("indicator_id", "value")
    ):
        values.setdefault(_indicator_key(indicators[indicator_id]), []).append(value)
    return {key: _mean(v) for key, v in values.items()}


def build_report(cycle: ScorecardCycle, *, compare=True) -> CycleReport:
    """The whole score card of a cycle, in a fixed number of queries."""
    indicators = list(cycle.indicators.select_related("indicator"))
    groups = list(cycle.groups.order_by("kind", "pk"))
    approved = [g for g in groups if g.status == FocusGroup.SheetStatus.APPROVED]
    community_groups = [g for g in approved if not g.is_provider]
    provider_groups = [g for g in approved if g.is_provider]
    by_pk = {g.pk: g for g in approved}
    results = {i.pk: IndicatorResult(indicator=i, scale=cycle.scale) for i in indicators}
    for score in Score.objects.filter(group__in=approved).order_by("group_id"):
        result = results.get(score.indicator_id)
        if result is None:
            continue
        result.by_group[score.group_id] = score.value
        if score.reason.strip():
            result.reasons.append((by_pk[score.group_id], score.reason.strip()))
    for result in results.values():
        result.community = _mean(result.by_group.get(g.pk) for g in community_groups)
        result.provider = _mean(result.by_group.get(g.pk) for g in provider_groups)
    previous = cycle.previous_cycle() if compare else None
    if previous is not None:
        before = community_means(previous)
        for result in results.values():
            value = before.get(_indicator_key(result.indicator))
            if previous.scale != cycle.scale:
                value = from_percent(percent(value, previous.scale), cycle.scale)
            result.previous = value
    return CycleReport(
        cycle=cycle,
        results=[results[i.pk] for i in indicators],
        community_groups=community_groups,
        provider_groups=provider_groups,
        pending_groups=[g for g in groups if g.status != FocusGroup.SheetStatus.APPROVED],
        previous_cycle=previous,
    )


@dataclass
class AggregateRow:
    key: str
    label: str
    cycles: set = field(default_factory=set)
    community: list = field(default_factory=list)
    provider: list = field(default_factory=list)

    @property
    def cycle_count(self) -> int:
        return len(self.cycles)

    @property
    def community_percent(self) -> float | None:
        return _mean(self.community)

    @property
    def provider_percent(self) -> float | None:
        return _mean(self.provider)

    @property
    def divergence(self) -> float | None:
        if self.community_percent is None or self.provider_percent is None:
            return None
        return round(self.community_percent - self.provider_percent, 2)


def aggregate(cycles, by: str) -> list[AggregateRow]:
    """Approved scores of ``cycles`` as percentages, averaged by ``aimag``, ``sector`` or
    ``indicator``: each group's score of each indicator counts once. One query."""
    unit = "group__cycle__service_unit__admin_unit"
    sector = "group__cycle__service_unit__sector"
    # values_list reads columns, not modeltranslation's fields: take both languages, show the visitor's.
    english = (get_language() or "").startswith("en")

    def pick(mn, en):
        return (en or mn or "") if english else (mn or en or "")

    rows = Score.objects.filter(
        group__cycle__in=cycles, group__status=FocusGroup.SheetStatus.APPROVED, value__isnull=False
    ).values_list(
        "value",
        "group__kind",
        "group__cycle_id",
        "group__cycle__scale",
        f"{sector}__code",
        f"{sector}__name_mn",
        f"{sector}__name_en",
        "indicator__indicator__code",
        "indicator__indicator__text_mn",
        "indicator__indicator__text_en",
        *(
            f"{unit}{'__parent' * depth}__{part}"
            for depth in range(3)
            for part in ("code", "level", "name_mn", "name_en")
        ),
    )
    out: dict[str, AggregateRow] = {}
    for row in rows:
        value, kind, cycle_id, scale, sector_code, sector_mn, sector_en, ind_code, ind_mn, ind_en, *chain = row
        if by == "sector":
            key, label = sector_code or "", pick(sector_mn, sector_en)
        elif by == "indicator":
            key, label = (ind_code, pick(ind_mn, ind_en)) if ind_code else ("community", "")
        else:
            key = label = ""
            for depth in range(3):
                code, level, name_mn, name_en = chain[depth * 4 : depth * 4 + 4]
                if level in {"aimag", "capital"}:
                    key, label = code, pick(name_mn, name_en)
                    break
        entry = out.setdefault(key, AggregateRow(key=key, label=label))
        entry.cycles.add(cycle_id)
        target = entry.provider if kind == FocusGroup.Kind.PROVIDER else entry.community
        target.append(percent(value, scale))
    return sorted(out.values(), key=lambda r: (r.community_percent is None, r.community_percent or 0, r.label))
