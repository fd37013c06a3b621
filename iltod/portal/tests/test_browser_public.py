"""Public journeys in a real browser: search on a phone, switch language, the aimag map, logging in."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from iltod.core import testing
from iltod.core.testing.browser import PHONE, log_of, visit
from iltod.places.services import load_reference_data

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized rollback restores the migrated rows
    # (sectors…) that each transactional test's flush removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CYRILLIC = re.compile("[А-Яа-яЁёӨөҮү]")
TITLE = "Public services, in the open"
HEADLINE = "See, ask and follow up on your school and health centre"
INVALID_LOGIN = "The e-mail/phone number or the password is not correct."
NOT_TRANSLATED = (
    "not translated into Mongolian in iltod/locale/mn/LC_MESSAGES/django.po (or the catalogue was not compiled)"
)


def mongolian(text: str) -> str:
    """The Mongolian catalogue's translation of ``text``; fails when there is none."""
    with translation.override("mn"):
        translated = gettext(text)
    assert translated != text and CYRILLIC.search(translated), f"{text!r} is {NOT_TRANSLATED}"
    return translated


@pytest.fixture
def public_data(settings):
    """Mongolia's units and boundaries, the personas, and the school placed on the map."""
    settings.MAP_TILE_URL = ""  # no third-party tile server: every request stays on the live server
    load_reference_data()
    personas = testing.make_personas()
    school = personas.school
    if not school.has_location:
        school.latitude, school.longitude = 47.8745, 101.8765  # Battsengel soum centre
        school.save()
    return personas


def test_phone_visitor_finds_a_facility_by_its_latin_spelling(new_page, page_logs, public_data, capsys):
    page = new_page(PHONE)
    log = log_of(page_logs, page)

    start = log.mark()
    visit(page, "/")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "mn"
    assert page.title().startswith(mongolian(TITLE))
    assert page.locator("h1").inner_text().strip() == mongolian(HEADLINE)
    body_bytes = log.body_bytes_since(start)
    total_bytes, responses = log.transferred_since(start)
    with capsys.disabled():
        print(
            f"\n[home page, phone 360x740] {responses} responses, {body_bytes:,} bytes of response bodies "
            f"({total_bytes:,} with headers)"
        )
    assert body_bytes < 300_000, f"home page weighs {body_bytes:,} bytes: too heavy for a phone on 3G"

    # Nothing overflows sideways on a narrow screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the home page scrolls sideways by {overflow}px at 360px wide"

    page.fill("#home-q", "battsengel")
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    assert page.url.startswith(f"{log.origin}/facilities/?")
    assert "q=battsengel" in page.url
    result = page.locator("ul.list a.title", has_text=public_data.school.name_mn)
    assert result.count() == 1, page.locator("main").inner_text()

    with page.expect_navigation():
        result.click()
    assert page.url == f"{log.origin}{public_data.school.get_absolute_url()}"
    assert page.locator("h1").inner_text().strip() == public_data.school.name_mn
    assert page.title().startswith(public_data.school.name_mn)
    facility_map = page.locator("figure.map svg")
    assert facility_map.is_visible()
    assert facility_map.locator("circle.pt").count() == 1, "the facility's dot is missing from the map"
    log.assert_clean()


def test_visitor_switches_the_language_to_english(page, page_logs, public_data):
    log = log_of(page_logs, page)
    visit(page, "/")
    assert page.locator("html").get_attribute("lang") == "mn"
    mongolian_title = page.title()

    with page.expect_navigation():
        page.locator("header form.lang button[value=en]").click()
    assert page.url == f"{log.origin}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.title().startswith(TITLE)
    assert page.title() != mongolian_title
    assert page.locator("h1").inner_text().strip() == HEADLINE
    assert page.get_by_role("link", name="Facilities", exact=True).first.is_visible()

    # The choice sticks: the next page is in English too, and the button now offers Mongolian.
    visit(page, public_data.school.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().strip() == public_data.school.name_en
    assert page.locator("header form.lang button[value=mn]").is_visible()
    log.assert_clean()


def test_home_page_map_leads_to_an_aimag(page, page_logs, public_data):
    log = log_of(page_logs, page)
    visit(page, "/")
    shapes = page.locator("figure.map svg a")
    assert shapes.count() >= 22, "the national map should show Ulaanbaatar and the 21 aimags"
    arkhangai = page.locator("figure.map svg a[href='/places/65/']")
    assert arkhangai.count() == 1
    assert arkhangai.locator("title").text_content() == public_data.geo.aimag.name_mn

    with page.expect_navigation():
        arkhangai.locator("path").click()
    assert page.url == f"{log.origin}/places/65/"
    assert public_data.geo.aimag.name_mn in page.locator("h1").inner_text()
    assert page.locator("figure.map svg path").count() > 1, "the aimag's soums should be drawn"
    log.assert_clean()


def test_persona_logs_in_by_email_and_by_phone(page, page_logs, public_data, password):
    log = log_of(page_logs, page)
    officer = public_data.officer

    # A wrong password: the form comes back with the error in Mongolian.
    visit(page, "/account/login/")
    page.fill("input[name=identifier]", officer.email)
    page.fill("input[name=password]", "not-the-password")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.startswith(f"{log.origin}/account/login/")
    assert mongolian(INVALID_LOGIN) in page.locator("main").inner_text()

    # The right password: an officer lands on the inbox; "My account" shows the membership.
    page.fill("input[name=identifier]", officer.email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url == f"{log.origin}/staff/feedback/"
    visit(page, "/account/")
    with translation.override("mn"):
        my_account = gettext("My account")
    assert page.locator("h1").inner_text().strip() == my_account
    memberships = page.locator("main table").inner_text()
    assert public_data.education_dept.name_mn in memberships
    assert officer.email in page.locator("main").inner_text()

    # Log out, then in again with the citizen's phone number typed the local way.
    with page.expect_navigation():
        page.locator("main form[action='/account/logout/'] button").click()
    visit(page, "/account/login/")
    page.fill("input[name=identifier]", "9911 2233")
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url == f"{log.origin}/account/"
    assert public_data.citizen.full_name in page.locator("main").inner_text()
    log.assert_clean()
