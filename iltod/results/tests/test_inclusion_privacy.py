"""Who is reached: nothing is shown for fewer than 5 people, and a hidden aimag cannot be worked out
by subtracting the aimags shown from the national figure (complementary suppression); "unknown"
where nobody stated a characteristic."""

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
    table = inclusion.table(period)
    column = [code for code, _label, _m in table["sources"]].index(METRIC)
    return {code: cells[column] for code, _name, cells in table["rows"]}, table["national"][column]


def _nothing_small_can_be_derived(cells, national):
    """What the page shows lets one work out, at most, the sum of the hidden aimags (the national
    figure minus those shown): that sum must cover two aimags or more and at least 5 people."""
    hidden = [cell for cell in cells.values() if cell.suppressed and cell.total]
    for cell in cells.values():
        if not cell.suppressed and cell.total is not None:
            assert cell.total >= inclusion.MINIMUM
    if not hidden or national.suppressed:
        return
    assert len(hidden) >= 2
    assert sum(cell.total for cell in hidden) >= inclusion.MINIMUM


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


def test_nothing_is_hidden_when_every_aimag_has_five_people(period):
    cells, national = _figures(period, {"65": (5, 2), "84": (7, 7), "11": (30, 12)})
    assert not any(cell.suppressed for cell in cells.values()) and not national.suppressed
    assert cells["84"].women == 100.0


def test_no_hidden_value_is_derivable_whatever_the_counts(period):
    randomly = random.Random(17)
    sizes = [0, 1, 2, 3, 4, 5, 6, 9, 40]
    for people in itertools.islice(itertools.product(sizes, repeat=3), 0, None, 7):
        aimags = {code: (n, randomly.randint(0, n)) for code, n in zip(("65", "84", "11"), people, strict=True)}
        cells, national = _figures(period, aimags)
        _nothing_small_can_be_derived(cells, national)


def test_the_page_hides_the_pair_and_says_unknown_where_nobody_stated_their_sex(client, period):
    _figures(period, {"65": (4, 3), "84": (10, 6), "11": (20, 10)})
    Figure.objects.filter(period=period, metric=METRIC, scope_key="11", dimension="sex").delete()
    Figure.objects.create(
        period=period, metric=METRIC, scope_kind="aimag", scope_key="11", dimension="sex", category="undisclosed",
        numerator=20,
    )  # fmt: skip
    for language, hidden, unknown in (("en", "hidden", "unknown"), ("mn", "нуусан", "тодорхойгүй")):
        page = client.get(reverse("results:inclusion"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert page.count(f'colspan="3">{hidden}<') == 2
        assert unknown in page
        assert ">4<" not in page and ">10<" not in page and ">20<" in page


def test_the_methodology_explains_the_complementary_hiding_in_both_languages(client, personas):
    english = client.get(reverse("results:methodology"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the next smallest aimags are hidden with it" in english
    mongolian = client.get(reverse("results:methodology"), HTTP_ACCEPT_LANGUAGE="mn").content.decode()
    assert "дараагийн хамгийн бага аймгуудыг" in mongolian
