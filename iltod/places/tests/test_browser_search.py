"""A citizen on a 360-pixel phone finds a facility from the home page, in Mongolian and in English,
and reaches the feedback form; "facilities near me" where the browser gives its position."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from iltod.core.testing import make_facility
from iltod.core.testing.browser import PHONE, log_of, visit
from iltod.places.models import AdminUnit, ServiceUnit
from iltod.places.services import load_reference_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def schools(settings):
    """School No. 1 of both Erdenebulgan soums (Arkhangai and Khövsgöl) and a kindergarten."""
    settings.MAP_TILE_URL = ""  # every request stays on the live server
    load_reference_data()
    names = ("Эрдэнэбулган сумын 1-р сургууль", "Erdenebulgan soum School No. 1")
    arkhangai = make_facility(AdminUnit.objects.get(code="6501"), *names, latitude=47.4867, longitude=101.4606)
    khovsgol = make_facility(AdminUnit.objects.get(code="6767"), *names, latitude=50.2105, longitude=101.8445)
    make_facility(
        AdminUnit.objects.get(code="6501"),
        "Эрдэнэбулган сумын 1-р цэцэрлэг",
        "Erdenebulgan soum Kindergarten No. 1",
        kind=ServiceUnit.Kind.KINDERGARTEN,
        latitude=47.4902,
        longitude=101.4588,
    )
    return arkhangai, khovsgol


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


@pytest.mark.parametrize(
    ("locale", "language", "query", "aimag"),
    [
        ("mn-MN", "mn", "erdenebulgan 1-r surguuli", "Архангай"),
        ("en-GB", "en", "Erdenebulgan School No. 1", "Arkhangai"),
    ],
)
def test_a_phone_visitor_searches_from_the_home_page_and_reaches_the_feedback_form(
    new_page, page_logs, schools, locale, language, query, aimag
):
    arkhangai, _khovsgol = schools
    page = new_page(PHONE, locale=locale)
    visit(page, "/")
    assert page.locator("html").get_attribute("lang") == language
    page.fill("#home-q", query)
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()

    # Both schools share a name: each result shows its aimag; the two schools come first.
    results = page.locator("main ul.list > li")
    assert results.count() >= 2
    first_two = [results.nth(i).inner_text() for i in range(2)]
    assert all(("Erdenebulgan" in t or "Эрдэнэбулган" in t) for t in first_two), first_two
    assert any(aimag in t for t in first_two), first_two
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the results scroll sideways by {overflow}px"

    with page.expect_navigation():
        results.filter(has_text=aimag).first.locator("a.title").click()
    assert page.url.endswith(arkhangai.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("link", name=translated("Give feedback about this facility", language)).click()
    assert f"facility={arkhangai.code}" in page.url
    assert page.locator("form textarea").count() >= 1  # the feedback form itself
    log_of(page_logs, page).assert_clean()


def test_facilities_near_me_lists_the_nearest_first_where_the_browser_allows_it(new_page, page_logs, schools):
    arkhangai, _khovsgol = schools
    page = new_page(PHONE, geolocation={"latitude": 47.4868, "longitude": 101.4607}, permissions=["geolocation"])
    visit(page, "/facilities/")
    button = page.get_by_role("button", name=translated("Facilities near me", "mn"))
    assert button.is_visible()  # shown by the script: without JavaScript it stays hidden
    with page.expect_navigation():
        button.click()
    assert "near=47.48680%2C101.46070" in page.url or "near=47.4868" in page.url
    titles = page.locator("main ul.list a.title")
    assert titles.count() == 2  # the Khövsgöl school is 300 km away
    assert titles.first.get_attribute("href") == arkhangai.get_absolute_url()
    log_of(page_logs, page).assert_clean()
