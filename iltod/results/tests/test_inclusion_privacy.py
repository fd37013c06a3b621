"""Who is reached: nothing is shown for fewer than 5 people, no share whose people with or without
the characteristic are fewer than 5, and a hidden aimag cannot be worked out by subtracting the
aimags shown from the national figure (complementary suppression); "unknown" where nobody stated a
characteristic."""

import datetime
import itertools
import random

import pytest
from django.urls import reverse

from iltod.results import inclusion
from iltod.results.models import Figure, Framework, Period

METRIC = "engagement.members"


@pytest.fixture
def period(personas):
    framework = Framework.objects.create(code="incl", title_mn="Хамрагдалт", is_public=True)
    return Period.objects.create(framework=framework, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))


def _figures(period, aimags: dict[str, tuple[int, int]], national: tuple[int, int] | None = None):
    """People and women per aimag code; the national row is their sum unless given."""
    Figure.objects.filter(period=period, metric=METRIC).delete()
    if national is None:
        national = (sum(p for p, _w in aimags.values()), sum(w for _p, w in aimags.values()))
    rows = [("national", "", national)] + [("aimag", code, counts) for code, counts in aimags.items()]
    for kind, key, (people, women) in rows:
        for dimension, category, n in (("", "", people), ("sex", "female", women), ("sex", "male", people - women)):
            Figure.objects.create(
                period=period, metric=METRIC, scope_kind=kind, scope_key=key, dimension=dimension,
                category=category, numerator=n,
            )  # fmt: skip
    return _column(period)


def _column(period):
    """The inclusion table's cells of METRIC per aimag code, and its national cell."""
    table = inclusion.table(period)
    column = [code for code, _label, _m in table["sources"]].index(METRIC)
    return {code: cells[column] for code, _name, cells in table["rows"]}, table["national"][column]


def _nothing_small_can_be_derived(cells, national, women):
    """What the page shows lets one work out, at most, the sum of the hidden aimags (the national
    figure minus those shown): that sum must cover two aimags or more and at least 5 people; for the
    share of women, at least 5 women and 5 others. ``women`` are the true counts per aimag."""
    hidden = [cell for cell in cells.values() if cell.suppressed and cell.total]
    for code, cell in cells.items():
        if not cell.suppressed and cell.total is not None:
            assert cell.total >= inclusion.MINIMUM
        if cell.women is not None:  # a share shown tells its count: 5 people or more on each side
            assert women[code] >= inclusion.MINIMUM and cell.total - women[code] >= inclusion.MINIMUM
    if hidden and not national.suppressed:
        assert len(hidden) >= 2
        assert sum(cell.total for cell in hidden) >= inclusion.MINIMUM
    hidden_shares = [code for code, cell in cells.items() if cell.total and cell.women is None]
    if hidden_shares and national.women is not None:
        assert len(hidden_shares) >= 2
        assert sum(women[code] for code in hidden_shares) >= inclusion.MINIMUM
        assert sum(cells[code].total - women[code] for code in hidden_shares) >= inclusion.MINIMUM


def test_a_small_aimag_is_hidden_with_the_next_smallest_so_subtraction_gives_nothing(period):
    cells, national = _figures(period, {"65": (4, 3), "84": (10, 6), "11": (20, 10)})
    assert cells["65"].suppressed and cells["65"].women is None
    assert cells["84"].suppressed and cells["84"].women is None  # else 65 = 34 - 10 - 20
    assert not cells["11"].suppressed and cells["11"].women == 50.0
    assert not national.suppressed and national.women == round(100 * 19 / 34, 1)


def test_two_tiny_aimags_hidden_together_still_need_five_people(period):
    cells, national = _figures(period, {"65": (1, 1), "84": (2, 0), "11": (30, 12)})
    assert cells["65"].suppressed and cells["84"].suppressed
    assert cells["11"].suppressed  # 1 + 2 people would otherwise be derivable as a pair
    assert not national.suppressed


def test_the_national_figure_goes_when_no_other_aimag_can(period):
    # people without an aimag make the national figure larger than the one aimag recorded
    cells, national = _figures(period, {"65": (4, 2)}, national=(9, 5))
    assert cells["65"].suppressed and national.suppressed and national.women is None


def test_nothing_is_hidden_when_every_aimag_has_five_people_on_each_side(period):
    cells, national = _figures(period, {"65": (10, 5), "84": (12, 7), "11": (30, 12)})
    assert not any(cell.suppressed or cell.women_hidden for cell in cells.values())
    assert not national.suppressed and not national.women_hidden
    assert cells["84"].women == round(100 * 7 / 12, 1)


def test_no_hidden_value_is_derivable_whatever_the_counts(period):
    randomly = random.Random(17)
    sizes = [0, 1, 2, 3, 4, 5, 6, 9, 12, 20, 40]
    for people in itertools.islice(itertools.product(sizes, repeat=3), 0, None, 7):
        aimags = {code: (n, randomly.randint(0, n)) for code, n in zip(("65", "84", "11"), people, strict=True)}
        cells, national = _figures(period, aimags)
        _nothing_small_can_be_derived(cells, national, {code: w for code, (_n, w) in aimags.items()})


def test_the_page_hides_the_pair_and_says_unknown_where_nobody_stated_their_sex(client, period):
    _figures(period, {"65": (4, 3), "84": (10, 6), "11": (20, 10)})
    Figure.objects.filter(period=period, metric=METRIC, scope_key="11", dimension="sex").delete()
    Figure.objects.create(
        period=period, metric=METRIC, scope_kind="aimag", scope_key="11", dimension="sex", category="undisclosed",
        numerator=20,
    )  # fmt: skip
    for language, hidden, unknown in (("en", "hidden", "unknown"), ("mn", "нуусан", "тодорхойгүй")):
        page = client.get(reverse("results:inclusion"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert page.count(f'colspan="4">{hidden}<') == 2
        assert unknown in page
        assert ">4<" not in page and ">10<" not in page and ">20<" in page


def test_the_methodology_explains_the_complementary_hiding_in_both_languages(client, personas):
    english = client.get(reverse("results:methodology"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the next smallest aimags are hidden with it" in english
    mongolian = client.get(reverse("results:methodology"), HTTP_ACCEPT_LANGUAGE="mn").content.decode()
    assert "дараагийн хамгийн бага аймгуудыг" in mongolian


def test_a_share_of_two_people_in_twenty_is_hidden_but_the_people_are_counted(period):
    cells, _national = _figures(period, {"65": (20, 2), "84": (30, 15), "11": (40, 20)})
    assert cells["65"].total == 20 and not cells["65"].suppressed
    assert cells["65"].women is None and cells["65"].women_hidden  # 10 % would tell of 2 women


def test_a_share_of_eighteen_in_twenty_is_hidden_as_it_tells_of_the_other_two(period):
    cells, _national = _figures(period, {"65": (20, 18), "84": (30, 15), "11": (40, 20)})
    assert cells["65"].women is None and cells["65"].women_hidden  # 90 % would tell of 2 men


def test_the_national_share_cannot_reveal_an_aimags_hidden_share(period):
    aimags = {"65": (20, 2), "84": (30, 15), "11": (40, 20)}
    cells, national = _figures(period, aimags)
    # else 65's women = 37 - 15 - 20: the next smallest aimag's share goes with it
    assert cells["84"].women is None and cells["84"].women_hidden and cells["84"].total == 30
    assert cells["11"].women == 50.0
    assert national.women == round(100 * 37 / 90, 1)
    _nothing_small_can_be_derived(cells, national, {code: w for code, (_n, w) in aimags.items()})


def test_the_national_share_goes_when_no_other_aimags_share_can(period):
    cells, national = _figures(period, {"65": (20, 2), "84": (3, 1)}, national=(30, 8))
    assert cells["65"].women_hidden and cells["84"].suppressed
    assert national.women is None and national.women_hidden and national.total == 30


def test_the_national_share_is_hidden_when_it_concerns_fewer_than_five_people(period):
    cells, national = _figures(period, {"65": (20, 1), "84": (30, 2)})
    assert national.total == 50 and national.women is None and national.women_hidden
    assert cells["65"].women_hidden and cells["84"].women_hidden


def test_the_marginalised_share_follows_the_same_rule(period):
    Figure.objects.filter(period=period, metric="learning.people_trained").delete()
    rows = [("national", "", 45, 8), ("aimag", "65", 20, 2), ("aimag", "84", 25, 6)]
    for kind, key, people, poor in rows:
        groups = (("", "", people), ("group", "poor", poor), ("group", "not_stated", people - poor))
        for dimension, category, n in groups:
            Figure.objects.create(
                period=period, metric="learning.people_trained", scope_kind=kind, scope_key=key,
                dimension=dimension, category=category, numerator=n,
            )  # fmt: skip
    table = inclusion.table(period)
    column = [code for code, _label, _m in table["sources"]].index("learning.people_trained")
    cells = {code: cells[column] for code, _name, cells in table["rows"]}
    assert cells["65"].marginalised_hidden  # 2 of 20
    assert cells["84"].marginalised_hidden  # else 8 - 6 gives 65's 2
    assert table["national"][column].marginalised == round(100 * 8 / 45, 1)


def test_the_page_says_hidden_for_a_share_and_still_shows_the_people(client, period):
    _figures(period, {"65": (20, 2), "84": (30, 15), "11": (40, 20)})
    for language, hidden in (("en", "hidden"), ("mn", "нуусан")):
        page = client.get(reverse("results:inclusion"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert page.count(f'<td class="num">{hidden}</td>') == 2
        assert ">20<" in page and ">30<" in page  # the people are still counted
    english = client.get(reverse("results:inclusion"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">10.0<" not in english and ">50.0<" in english and ">41.1<" in english


def test_the_methodology_and_the_page_state_the_rule_for_shares_in_both_languages(client, personas):
    for language, phrase in (("en", "fewer than 5 people are on either side"), ("mn", "аль нэг талд 5-аас цөөн")):
        for name in ("results:methodology", "results:inclusion"):
            page = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert phrase in page, (language, name)


def _localities(period, rows):
    """People, and those outside aimag centres (the rest in centres), per scope of engagement.members."""
    Figure.objects.filter(period=period, metric=METRIC).delete()
    for kind, key, people, outside, unknown in rows:
        categories = (("", "", people), ("locality", "outside", outside), ("locality", "unknown", unknown))
        for dimension, category, n in (*categories, ("locality", "centre", people - outside - unknown)):
            Figure.objects.create(
                period=period, metric=METRIC, scope_kind=kind, scope_key=key, dimension=dimension,
                category=category, numerator=n,
            )  # fmt: skip
    return _column(period)


def test_the_share_outside_aimag_centres_follows_the_same_rule(period):
    cells, national = _localities(period, [("national", "", 75, 28, 0), ("aimag", "65", 20, 2, 0),
                                           ("aimag", "84", 25, 6, 0), ("aimag", "11", 30, 20, 0)])  # fmt: skip
    assert cells["65"].outside is None and cells["65"].outside_hidden  # 2 of 20 tells of 2 people
    assert cells["84"].outside_hidden and cells["84"].total == 25  # else 28 - 20 - 6 gives 65's 2
    assert cells["11"].outside == round(100 * 20 / 30, 1)
    assert national.outside == round(100 * 28 / 75, 1)
    assert not cells["84"].women_recorded  # a source that records no sex still shows its places


def test_the_national_share_outside_goes_when_no_aimags_share_can(period):
    cells, national = _localities(period, [("national", "", 30, 8, 0), ("aimag", "65", 20, 2, 0)])
    assert cells["65"].outside_hidden
    assert national.outside is None and national.outside_hidden and national.total == 30


def test_the_page_shows_the_share_outside_and_unknown_where_no_place_is_known(client, period):
    _localities(period, [("national", "", 65, 20, 20), ("aimag", "65", 25, 10, 0),
                         ("aimag", "84", 20, 10, 0), ("aimag", "11", 20, 0, 20)])  # fmt: skip
    for language, unknown, hidden in (("en", "unknown", "hidden"), ("mn", "тодорхойгүй", "нуусан")):
        page = client.get(reverse("results:inclusion"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert ">40.0<" in page and ">50.0<" in page and ">30.8<" in page  # 10 of 25, 10 of 20, 20 of 65
        assert f'<span class="muted">{unknown}</span>' in page  # the capital: nobody's place known
        assert f'<td class="num">{hidden}</td>' not in page
