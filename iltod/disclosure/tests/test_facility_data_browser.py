"""Facility data in a real browser, on a 360 px phone in Mongolian: a citizen opens a school's
figures from its page, disputes the number of teachers with what they saw, the aimag officer
publishes the check, and the school's director corrects the figure; the public pages are
light and pass axe-core in both languages."""

import datetime
import gzip
import importlib

import pytest
from django.apps import apps

from iltod.core import testing
from iltod.core.testing.axe import FAILING_IMPACTS, LOCALES, PublicPage, assert_no_serious_violation, axe_violations
from iltod.core.testing.browser import DESKTOP, PHONE, log_in, log_of, visit
from iltod.disclosure.models import FacilityIndicator, FacilityValue, ValueCheck
from iltod.disclosure.services import facility_data as services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
YEAR = str(datetime.date.today().year - 1)


@pytest.fixture
def world(settings, tmp_path):
    settings.MAP_TILE_URL = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    personas = testing.make_personas()
    if not FacilityIndicator.objects.exists():  # a flush after an earlier transactional test removed it
        importlib.import_module("iltod.disclosure.migrations.0003_facility_data").add_catalogue(apps, None)
    for year, teachers in ((str(int(YEAR) - 2), "14"), (str(int(YEAR) - 1), "13"), (YEAR, "12")):
        services.publish_values(
            personas.school, year, {"pupils": "300", "teachers": teachers, "heating": "1"}, actor=personas.provider
        )
    return personas


def test_a_citizen_disputes_a_figure_on_a_phone_and_the_director_corrects_it(new_page, page_logs, world):
    citizen = new_page(PHONE)
    visit(citizen, world.school.get_absolute_url())
    citizen.get_by_role("link", name="Багш").first.click()
    citizen.wait_for_load_state("load")
    assert "Энэ тоог шалгах" in citizen.locator("main").inner_text()
    citizen.get_by_label("Тоо буруу байна").check()
    citizen.fill("#id_observed_value", "5")
    citizen.fill("#id_comment", "Багш таван хүн л байна")
    citizen.get_by_role("button", name="Илгээх").click()
    citizen.wait_for_load_state("load")
    assert "Баярлалаа" in citizen.locator("main").inner_text()
    check = ValueCheck.objects.get()
    assert check.feedback is not None and check.outcome == "open"
    log_of(page_logs, citizen).assert_clean()

    officer = new_page(PHONE)
    log_in(officer, world.officer.email)
    visit(officer, "/disclosure/data/checks/")
    assert "Багш таван хүн л байна" in officer.locator("main").inner_text()
    officer.get_by_role("button", name="Нийтлэх").click()
    officer.wait_for_load_state("load")
    check.refresh_from_db()
    assert check.moderation == "published"

    director = new_page(PHONE)
    log_in(director, world.provider.email)
    value = FacilityValue.objects.get(indicator__code="teachers", period=YEAR)
    visit(director, f"/disclosure/values/{value.code}/")
    assert "Нээлттэй маргаан" in director.locator("main").inner_text()
    director.fill("#id_value", "5")
    director.get_by_role("button", name="Тоог засах").click()
    director.wait_for_load_state("load")
    value.refresh_from_db()
    assert (value.value, value.status) == (5, "corrected")
    visit(citizen, f"/disclosure/values/{value.code}/")
    assert "зассан" in citizen.locator("main").inner_text()
    for page in (officer, director):
        log_of(page_logs, page).assert_clean()


PUBLIC_PAGES = [
    PublicPage("facility page with the panel", "/facilities/{facility}/"),
    PublicPage("figures of a facility", "/disclosure/facilities/{facility}/data/"),
    PublicPage("one figure", "/disclosure/values/{value}/"),
    PublicPage("campaigns", "/disclosure/campaigns/"),
]


def test_the_public_figure_pages_are_light_and_pass_axe_in_both_languages(new_page, page_logs, world, capsys, client):
    value = FacilityValue.objects.get(indicator__code="teachers", period=YEAR)
    codes = {"facility": world.school.code, "value": value.code}
    for public_page in PUBLIC_PAGES:
        body = client.get(public_page.path.format(**codes)).content
        assert len(gzip.compress(body)) < 50_000, public_page.name
    serious, other = [], []
    for language in ("mn", "en"):
        page = new_page(DESKTOP if language == "en" else PHONE, locale=LOCALES[language])
        for public_page in PUBLIC_PAGES:
            for violation in axe_violations(page, public_page, codes, None):
                finding = (language, public_page.name, violation)
                (serious if violation["impact"] in FAILING_IMPACTS else other).append(finding)
        log_of(page_logs, page).assert_clean()
    assert_no_serious_violation(serious, other, capsys)
