"""Score arithmetic checked against values computed by hand."""

import pytest

from iltod.scorecards.aggregation import aggregate, build_report, percent
from iltod.scorecards.models import FocusGroup, Scale, ScorecardCycle

from .helpers import add_group, close, make_cycle, score

K = FocusGroup.Kind


@pytest.fixture
def scored(personas, cycle):
    women = score(personas, add_group(personas, cycle, K.WOMEN), {1: 2, 2: 4, 3: 1}, reasons={1: "Багш хашгирдаг"})
    parents = score(personas, add_group(personas, cycle, K.PARENTS), {1: 3, 2: 5, 3: None})
    pupils = score(personas, add_group(personas, cycle, K.PUPILS), {1: 1, 2: 3, 3: 2})
    provider = score(personas, add_group(personas, cycle, K.PROVIDER), {1: 5, 2: 4, 3: 3}, actor=personas.provider)
    return women, parents, pupils, provider


def test_community_score_is_the_mean_of_the_groups_that_scored(cycle, scored):
    report = build_report(cycle)
    one, two, three = report.results[:3]
    assert one.community == 2.0  # (2 + 3 + 1) / 3
    assert two.community == 4.0  # (4 + 5 + 3) / 3
    assert three.community == 1.5  # (1 + 2) / 2: parents left it unscored


def test_provider_score_and_divergence(cycle, scored):
    one, two, three = build_report(cycle).results[:3]
    assert (one.provider, one.divergence) == (5.0, -3.0)
    assert (two.provider, two.divergence) == (4.0, 0.0)
    assert (three.provider, three.divergence) == (3.0, -1.5)


def test_scores_by_group_and_reasons(cycle, scored):
    women, parents, pupils, provider = scored
    report = build_report(cycle)
    one = report.results[0]
    assert one.by_group == {women.pk: 2, parents.pk: 3, pupils.pk: 1, provider.pk: 5}
    assert [(g.pk, text) for g, text in one.reasons] == [(women.pk, "Багш хашгирдаг")]
    assert report.participants == (24, 0)


def test_unapproved_sheets_do_not_count(personas, cycle, scored):
    extra = add_group(personas, cycle, K.MEN)
    score(personas, extra, {1: 5}, approve=False)
    report = build_report(cycle)
    assert report.results[0].community == 2.0
    assert extra in report.pending_groups


def test_priorities_are_the_lowest_then_the_most_divergent(cycle, scored):
    report = build_report(cycle)
    assert [r.indicator.number for r in report.lowest(2)] == [3, 1]  # 1.5, 2.0
    assert [r.indicator.number for r in report.most_divergent(2)] == [1, 3]  # -3, -1.5
    assert [r.indicator.number for r in report.priorities(2)] == [3, 1]


def test_change_since_the_last_cycle(personas, cycle, scored):
    close(personas, cycle)
    second = make_cycle(personas, title="Autumn 2026")
    ScorecardCycle.objects.filter(pk=second.pk).update(
        created_at=cycle.created_at.replace(year=cycle.created_at.year + 1)
    )
    second.refresh_from_db()
    score(personas, add_group(personas, second, K.WOMEN), {1: 4, 2: 4, 3: 3})
    score(personas, add_group(personas, second, K.PUPILS), {1: 3, 2: 2, 3: 3})
    report = build_report(second)
    one, two, three = report.results[:3]
    assert report.previous_cycle == cycle
    assert (one.community, one.previous, one.change) == (3.5, 2.0, 1.5)
    assert (two.community, two.previous, two.change) == (3.0, 4.0, -1.0)
    assert (three.community, three.previous, three.change) == (3.0, 1.5, 1.5)


def test_change_across_scales_goes_through_percentages(personas, cycle, scored):
    second = make_cycle(personas, scale=Scale.HUNDRED, title="On 0-100")
    ScorecardCycle.objects.filter(pk=second.pk).update(
        created_at=cycle.created_at.replace(year=cycle.created_at.year + 1)
    )
    second.refresh_from_db()
    score(personas, add_group(personas, second, K.WOMEN), {1: 40})
    one = build_report(second).results[0]
    assert one.previous == 25.0  # 2.0 on 1-5 is 25 %
    assert one.change == 15.0


def test_percent_maps_one_to_five_onto_zero_to_hundred():
    assert [percent(v, Scale.FIVE) for v in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert percent(37, Scale.HUNDRED) == 37


def test_aggregate_by_aimag_sector_and_indicator(personas, cycle, scored):
    by_aimag = aggregate(ScorecardCycle.objects.all(), "aimag")
    assert [(r.key, r.cycle_count) for r in by_aimag] == [("65", 1)]
    # community: 2,4,1 / 3,5 / 1,3,2 on 1-5 -> 25,75,0,50,100,0,50,25 -> mean 40.62
    assert by_aimag[0].community_percent == 40.62
    # provider: 5,4,3 -> 100,75,50 -> 75
    assert by_aimag[0].provider_percent == 75.0
    assert aggregate(ScorecardCycle.objects.all(), "sector")[0].key == "education"
    by_indicator = {r.key: r for r in aggregate(ScorecardCycle.objects.all(), "indicator")}
    assert by_indicator["edu-respect"].community_percent == 25.0  # 2,3,1 -> 25,50,0
    assert by_indicator["edu-respect"].divergence == -75.0


def test_aggregate_labels_are_in_the_visitors_language(personas, cycle, scored):
    from django.utils import translation

    with translation.override("en"):
        assert aggregate(ScorecardCycle.objects.all(), "aimag")[0].label == "Arkhangai"
        labels = {r.key: r.label for r in aggregate(ScorecardCycle.objects.all(), "indicator")}
        assert labels["edu-respect"] == "Teachers treat pupils with respect"
    with translation.override("mn"):
        assert aggregate(ScorecardCycle.objects.all(), "aimag")[0].label == "Архангай"
