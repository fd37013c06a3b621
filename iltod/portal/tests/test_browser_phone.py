"""On a 360×740 phone, in Mongolian and in English, with scripts switched off: the navigation is a
menu that opens and closes, and the home page's search box and button show without scrolling.
On a desktop the links are in the bar without opening anything."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from iltod.core import testing
from iltod.core.testing.browser import DESKTOP, PHONE, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LOCALES = {"mn": "mn-MN", "en": "en-GB"}


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return gettext(text)


def within_viewport(box, viewport) -> bool:
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


@pytest.fixture
def geo(db):
    return testing.make_geo()


@pytest.mark.parametrize("language", ["mn", "en"])
def test_on_a_phone_the_navigation_is_a_menu_that_works_without_scripts(new_page, geo, language):
    page = new_page(PHONE, locale=LOCALES[language], java_script_enabled=False)
    visit(page, "/")
    assert page.locator("html").get_attribute("lang") == language
    facilities = page.locator("header nav a", has_text=translated("Facilities", language))
    assert not facilities.is_visible(), "the links should wait behind the menu on a phone"

    menu = page.locator("header details.menu > summary")
    assert menu.inner_text().strip().endswith(translated("Menu", language))
    menu.click()
    assert facilities.is_visible()
    box = facilities.bounding_box()
    assert within_viewport(box, PHONE), f"the opened menu's link is off the screen: {box}"
    with page.expect_navigation():
        facilities.click()
    assert page.url.endswith("/facilities/")

    visit(page, "/")
    page.locator("header details.menu > summary").click()
    page.locator("header details.menu > summary").click()
    assert not page.locator("header nav a").first.is_visible(), "the menu should close again"


@pytest.mark.parametrize("language", ["mn", "en"])
def test_on_a_phone_the_home_search_shows_without_scrolling(new_page, geo, language):
    page = new_page(PHONE, locale=LOCALES[language])
    visit(page, "/")
    assert page.locator("html").get_attribute("lang") == language
    for selector in ("#home-q", "form[role=search] button[type=submit]"):
        box = page.locator(selector).bounding_box()
        assert within_viewport(box, PHONE), f"{selector} is not on the first screen ({language}): {box}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the home page scrolls sideways by {overflow}px"


def test_on_a_desktop_the_links_are_in_the_bar(new_page, geo):
    page = new_page(DESKTOP, java_script_enabled=False)
    visit(page, "/")
    assert not page.locator("header details.menu > summary").is_visible()
    assert page.locator("header nav a", has_text=translated("Facilities", "mn")).is_visible()
