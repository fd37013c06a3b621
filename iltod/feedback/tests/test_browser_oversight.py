"""Officer oversight of a misconduct complaint, in a real browser on a 360-pixel phone, in both
languages: the complaint reaches the aimag education officer and never the school's director; the
officer takes over an item the school handles."""

import re

import pytest

from iltod.core import testing
from iltod.core.testing.browser import PHONE, log_in, visit
from iltod.feedback import services
from iltod.feedback.models import Category, Feedback

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE = re.compile(r"IL-\d{2}-[0-9A-Z]{5}")
LOCALES = {"mn": "mn-MN", "en": "en-GB"}


@pytest.fixture
def world(settings):
    settings.MAP_TILE_URL = ""
    return testing.make_personas()


@pytest.mark.parametrize("language", ["mn", "en"])
def test_the_officer_oversees_a_misconduct_complaint_the_director_never_sees(new_page, page_logs, world, language):
    payments = Category.objects.get(code="edu-payments")

    # A parent reports unofficial payments at the school, on a phone.
    citizen = new_page(PHONE)
    visit(citizen, f"/feedback/new/?facility={world.school.code}")
    citizen.check("input[name=kind][value=complaint]")
    citizen.select_option("#id_category", str(payments.pk))
    citizen.fill("#id_description", "Багш нар хичээлийн дараах давтлагад мөнгө нэхэж байна.")
    citizen.check("input[name=privacy][value=name_hidden]")
    citizen.locator("form.feedback-form button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/feedback/thanks/"))
    code = CODE.search(citizen.locator(".code-big").inner_text()).group(0)
    complaint = Feedback.objects.get(tracking_code=code)
    assert complaint.handling_organization == world.education_dept

    # The director does not find it, and cannot open it.
    director = new_page(PHONE, locale=LOCALES[language])
    log_in(director, world.provider.email)
    visit(director, "/staff/feedback/?view=all")
    assert code not in director.locator("main").inner_text()
    visit(director, f"/staff/feedback/{code}/", expect_status=404)
    director.wait_for_load_state("networkidle")  # the error page's favicon too
    page_logs[director].console_errors.clear()  # the 404 is what this step expects

    # The aimag education officer handles it on a phone.
    officer = new_page(PHONE, locale=LOCALES[language])
    log_in(officer, world.officer.email)
    visit(officer, "/staff/feedback/")
    officer.get_by_role("link", name=code).click()
    officer.wait_for_url(re.compile(rf"/staff/feedback/{code}/"))
    status_form = officer.locator("form[action$='/status/']")
    status_form.locator("select[name=status]").select_option("acknowledged")
    status_form.locator("button[type=submit]").click()
    officer.wait_for_load_state("load")
    complaint.refresh_from_db()
    assert complaint.status == Feedback.Status.ACKNOWLEDGED

    # An item the school handles is in the officer's "overseen by us" list, read only; the officer
    # takes it over.
    meals, _created = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=Category.objects.get(code="edu-meals"),
            description="Үдийн цай хүйтэн байна.",
            service_unit=world.school,
        )
    )
    visit(officer, "/staff/feedback/?view=overseen")
    officer.get_by_role("link", name=meals.tracking_code).click()
    officer.wait_for_url(re.compile(rf"/staff/feedback/{meals.tracking_code}/"))
    assert officer.locator("form[action$='/status/']").count() == 0
    officer.locator("form[action$='/take-over/'] button[type=submit]").click()
    officer.wait_for_load_state("load")
    meals.refresh_from_db()
    assert meals.handling_organization == world.education_dept
    assert officer.locator("form[action$='/status/']").count() == 1
