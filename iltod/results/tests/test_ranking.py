"""The responsiveness ranking: components from counts, shrinkage toward peers, the minimum to be
ranked, most improved; and the inclusion view's privacy rule."""

import datetime
from decimal import Decimal

from iltod.feedback.models import Feedback
from iltod.results import inclusion, ranking
from iltod.results.models import Figure, Period, RankingEntry
from iltod.results.tests.fixtures import UB, make_feedback


def test_components_are_counted_and_shrunk_toward_the_peer_share(computed, personas):
    _framework, period = computed
    school = RankingEntry.objects.get(period=period, body_code=personas.school.code)
    clinic = RankingEntry.objects.get(period=period, body_code=personas.clinic.code)
    resolved = school.components["feedback.resolved_on_time"]
    assert (resolved["n"], resolved["d"], resolved["raw"]) == (9, 12, 75.0)
    # the peers (the two facilities) resolved 12 of 15 on time: 80 %
    assert resolved["peer"] == 80.0
    expected = (9 + ranking.K * 0.8) / (12 + ranking.K) * 100
    assert resolved["adjusted"] == round(expected, 1)
    # the clinic has 100 % on 3 items, but is pulled most of the way to its peers
    assert clinic.components["feedback.resolved_on_time"]["adjusted"] < 90
    assert school.items >= ranking.MIN_ITEMS and school.rank == 1
    assert clinic.items < ranking.MIN_ITEMS and clinic.rank is None


def test_shrinkage_pulls_small_bodies_more_than_large_ones():
    peer = 0.5
    small = ranking.shrink(3, 3, peer)  # 100 % on 3 items
    large = ranking.shrink(300, 300, peer)  # 100 % on 300 items
    assert small < large
    assert round(ranking.shrink(10, 10, peer), 3) == 0.75  # K items: pulled halfway
    assert ranking.shrink(0, 0, peer) == peer


def test_components_without_a_registered_metric_are_left_out_and_named():
    missing = {component.metric for component in ranking.missing()}
    assert "procurement.cases_fixed" in missing or "procurement.cases_fixed" in {c.metric for c in ranking.available()}
    assert {c.metric for c in ranking.available()} & {"feedback.resolved_on_time", "feedback.satisfaction"}


def test_most_improved_compares_with_the_previous_period(computed, personas):
    framework, period = computed
    before = Period.objects.get(framework=framework, start__year=2024)
    RankingEntry.objects.create(
        period=before, body_kind="facility", body_code=personas.school.code, name="Сургууль", items=20, score=40, rank=1
    )
    assert ranking.most_improved(period, "facility") == []  # stored when the ranking is computed
    ranking.compute_ranking(period)
    [(entry, change)] = ranking.most_improved(period, "facility")
    assert entry.body_code == personas.school.code
    assert change == entry.score - Decimal(40)
    assert ranking.most_improved(period, "facility", aimag="11") == []  # the school is in aimag 65


def test_ranking_an_earlier_period_updates_the_later_periods_improvement(computed, personas):
    framework, period = computed
    school = RankingEntry.objects.get(period=period, body_code=personas.school.code)
    assert school.improvement is None  # 2024 has no ranking yet
    day = datetime.datetime(2024, 4, 8, 10, tzinfo=UB)
    for _index in range(12):  # every item of 2024 late: a lower score than 2025's
        make_feedback(
            personas,
            personas.school,
            day,
            acknowledge_due=day + datetime.timedelta(days=3),
            acknowledged_at=day + datetime.timedelta(days=9),
            resolve_due=day + datetime.timedelta(days=20),
            resolved_at=day + datetime.timedelta(days=40),
            status=Feedback.Status.RESOLVED,
        )
    before = Period.objects.get(framework=framework, start__year=2024)
    ranking.compute_ranking(before)
    earlier = RankingEntry.objects.get(period=before, body_code=personas.school.code)
    school.refresh_from_db()
    assert earlier.rank == 1 and school.rank == 1
    assert school.improvement == school.score - earlier.score > 0
    assert ranking.most_improved(period, "facility") == [(school, school.improvement)]
    before.refresh_from_db()
    assert before.ranked_at is not None


def test_the_ranking_is_replaced_not_added_to(computed):
    _framework, period = computed
    count = RankingEntry.objects.filter(period=period).count()
    ranking.compute_ranking(period)
    assert RankingEntry.objects.filter(period=period).count() == count


def test_inclusion_hides_shares_for_fewer_than_five_people(computed):
    _framework, period = computed
    metric = "engagement.members"
    Figure.objects.filter(period=period, metric=metric).delete()
    rows = [
        ("aimag", "65", "", "", 4),
        ("aimag", "65", "sex", "female", 3),
        ("aimag", "84", "", "", 10),
        ("aimag", "84", "sex", "female", 6),
        ("national", "", "", "", 14),
        ("national", "", "sex", "female", 9),
    ]
    for kind, key, dimension, category, n in rows:
        Figure.objects.create(
            period=period,
            metric=metric,
            scope_kind=kind,
            scope_key=key,
            dimension=dimension,
            category=category,
            numerator=n,
        )
    table = inclusion.table(period)
    column = [code for code, _label, _m in table["sources"]].index(metric)
    cells = {code: cells[column] for code, _name, cells in table["rows"]}
    assert cells["65"].suppressed and cells["65"].women is None
    assert cells["84"].suppressed and cells["84"].women is None  # else 65 = national - 84 (complementary)
    assert table["national"][column].women == round(100 * 9 / 14, 1)


def test_a_period_without_data_ranks_nobody_and_breaks_nothing(personas):
    from iltod.results.models import Framework

    framework = Framework.objects.create(code="empty", title_mn="Хоосон")
    period = Period.objects.create(
        framework=framework, start=datetime.date(2030, 1, 1), end=datetime.date(2030, 12, 31)
    )
    ranking.compute_ranking(period)
    assert not RankingEntry.objects.filter(period=period, rank__isnull=False).exists()
