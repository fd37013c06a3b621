"""The feedback journey in a real browser: a citizen on a phone submits and tracks by code, an
officer triages, responds and resolves, the citizen rates the answer."""

import re

import pytest

from iltod.core import testing
from iltod.core.testing.browser import DESKTOP, PHONE, log_in, visit
from iltod.feedback.models import Category, Feedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE = re.compile(r"IL-\d{2}-[0-9A-Z]{5}")


@pytest.fixture
def world(settings):
    settings.MAP_TILE_URL = ""
    return testing.make_personas()


def test_citizen_submits_officer_resolves_citizen_rates(new_page, world):
    meals = Category.objects.get(code="edu-meals")

    # The citizen, on a cheap phone, in Mongolian.
    citizen = new_page(PHONE)
    visit(citizen, "/feedback/new/")
    citizen.fill("#id_q", "battsengel")
    citizen.locator("form[role=search] button").click()
    citizen.get_by_role("link", name=world.school.name_mn).click()
    citizen.check("input[name=kind][value=complaint]")
    citizen.select_option("#id_category", str(meals.pk))
    citizen.fill("#id_description", "Хүүхдүүдийн үдийн хоол хүйтэн, хангалтгүй байна. Утас 99112233.")
    citizen.check("input[name=privacy][value=confidential]")
    citizen.fill("#id_phone", "9911 2233")
    citizen.locator("form.feedback-form button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/feedback/thanks/"))
    code = CODE.search(citizen.locator(".code-big").inner_text()).group(0)
    feedback = Feedback.objects.get(tracking_code=code)
    assert feedback.handling_organization == world.education_dept  # confidential: not the school itself
    assert "99112233" not in feedback.public_description

    # Tracking by code from the front page's track form.
    visit(citizen, "/feedback/track/")
    citizen.fill("#id_code", code.lower())
    citizen.locator("main form button[type=submit]").click()
    citizen.wait_for_url(re.compile(rf"/feedback/track/{code}/"))
    assert feedback.get_status_display() in citizen.locator("h1").inner_text()

    # The officer of the aimag education department, on a desktop, in English.
    officer = new_page(DESKTOP, locale="en-GB")
    log_in(officer, world.officer.email)
    visit(officer, "/staff/feedback/")
    officer.get_by_role("link", name=code).click()
    officer.wait_for_url(re.compile(rf"/staff/feedback/{code}/"))
    status_form = officer.locator("form[action$='/status/']")
    status_form.locator("select[name=status]").select_option("acknowledged")
    status_form.locator("button[type=submit]").click()
    officer.wait_for_load_state("load")
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.ACKNOWLEDGED

    officer.locator("summary", has_text="Respond or add a note").click()
    respond = officer.locator("form[action$='/respond/']").first
    respond.locator("textarea[name=text]").fill("Хоолыг халуунаар түгээдэг болсон, порцыг нэмэв.")
    respond.locator("input[name=public]").check()
    respond.locator("button[type=submit]").click()
    officer.wait_for_load_state("load")

    # Resolving reuses the public response just posted: the answer is not typed a second time.
    status_form = officer.locator("form[action$='/status/']")
    assert "Хоолыг халуунаар" in status_form.inner_text()
    status_form.locator("select[name=status]").select_option("resolved")
    status_form.locator("button[type=submit]").click()
    officer.wait_for_load_state("load")
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.RESOLVED
    assert feedback.public_response.startswith("Хоолыг халуунаар")

    # The citizen sees the answer and rates it.
    visit(citizen, f"/feedback/track/{code}/")
    assert "Хоолыг халуунаар" in citizen.locator(".answer").inner_text()
    citizen.check("input[name='rate-rating'][value='5']")
    citizen.check("input[name='rate-problem_solved'][value='yes']")
    citizen.locator("form:has(input[name=action][value=rate]) button[type=submit]").click()
    citizen.wait_for_load_state("load")
    feedback.refresh_from_db()
    assert feedback.rating == 5
    assert feedback.problem_solved is True
    assert citizen.locator("form:has(input[name=action][value=rate])").count() == 0
