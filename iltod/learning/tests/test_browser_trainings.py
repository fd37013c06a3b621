"""Trainings in a real browser: on a phone, in Mongolian and without JavaScript, the network
administrator prints a session's sign-in sheet, types the signed rows into the grid (one of them a
person already known by phone, written another way), issues a certificate, and a participant's
certificate verifies on its public page. The public training pages pass axe-core in both
languages."""

import pytest

from iltod.core import testing
from iltod.core.testing.axe import (
    FAILING_IMPACTS,
    LOCALES,
    PublicPage,
    assert_no_serious_violation,
    axe_violations,
)
from iltod.core.testing.browser import DESKTOP, PHONE, log_in, log_of, visit
from iltod.learning.models import Participation, Person

from .helpers_trainings import attend, make_training, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world():
    personas = testing.make_personas()
    training = make_training(personas, days_ago=3, title="Нийгмийн хариуцлагын үндэс")
    earlier = make_training(personas, days_ago=60, title="Иргэдийн үнэлгээний карт")
    attend(personas, earlier, row("Бат Дорж", phone="99112233", sex="male"))
    return personas, training


def test_network_admin_enters_a_sign_in_sheet_on_a_phone_and_a_certificate_verifies(new_page, page_logs, world):
    personas, training = world
    phone = new_page(PHONE, locale=LOCALES["mn"], java_script_enabled=False)
    log_in(phone, personas.network_admin.email)
    visit(phone, training.get_absolute_url())
    phone.get_by_role("link", name="Ирцийн хуудас").first.click()
    assert phone.locator("table.sign-in tbody tr").count() >= 15  # blank rows to sign
    phone.get_by_role("link", name="Гарын үсэг зурсан хуудсыг оруулах").click()

    phone.fill("#id_row-0-full_name", "Bat Dorj")
    phone.fill("#id_row-0-phone", "9911-2233")  # known from an earlier training
    phone.fill("#id_row-1-full_name", "Сараа Болд")
    phone.fill("#id_row-1-organization_name", personas.cso.name)
    phone.select_option("#id_row-1-sex", "female")
    phone.fill("#id_row-2-full_name", "Ганаа")
    phone.fill("#id_row-2-phone", "12")  # not a phone number: the page says so, nothing is saved
    phone.get_by_role("button", name="Мөрүүдийг хадгалах").click()
    assert phone.locator(".errorlist").count() >= 1
    assert Participation.objects.filter(training=training).count() == 0
    page_logs[phone].console_errors.clear()  # the 400 of the bad row is what this step expects
    phone.fill("#id_row-2-phone", "8811 4455")
    phone.get_by_role("button", name="Мөрүүдийг хадгалах").click()
    assert "3 хүнийг ирсэн гэж тэмдэглэлээ" in phone.locator(".messages").inner_text()
    assert Person.objects.filter(phone="+97699112233").count() == 1
    assert Participation.objects.filter(training=training, sessions_attended=1).count() == 3

    visit(phone, training.get_absolute_url())
    sara = Person.objects.get(full_name="Сараа Болд")
    phone.locator(f"form[action$='/people/{sara.code}/certificate/issue/'] button").click()
    assert "Гэрчилгээ" in phone.locator("h1").inner_text()
    code = Participation.objects.get(training=training, person=sara).certificate_code
    assert code and code in phone.content()

    checker = new_page(PHONE, locale=LOCALES["mn"], java_script_enabled=False)
    visit(checker, f"/learning/certificates/{code}/")
    assert "Энэ гэрчилгээ жинхэнэ." in checker.content()
    assert "Сараа Болд" in checker.content()
    visit(checker, "/learning/certificates/NOTACODE22/", expect_status=404)
    page_logs[checker].console_errors.clear()  # the 404 of an unknown code is what this step expects
    log_of(page_logs, phone).assert_clean()


PUBLIC_PAGES = [
    PublicPage("trainings", "/learning/trainings/"),
    PublicPage("training", "/learning/trainings/{training}/"),
    PublicPage("people trained", "/learning/people/figures/"),
    PublicPage("certificate check", "/learning/certificates/{certificate}/"),
    PublicPage("library", "/learning/library/"),
    PublicPage("value", "/learning/value/"),
]


def test_public_training_pages_have_no_serious_accessibility_violation(new_page, page_logs, world, capsys):
    personas, training = world
    attend(personas, training, row("Сараа", phone="88112233"))
    from iltod.learning import services

    participation = services.issue_certificate(Participation.objects.get(training=training), actor=personas.admin)
    codes = {"training": training.code, "certificate": participation.certificate_code}
    serious, other = [], []
    for language in ("mn", "en"):
        page = new_page(DESKTOP, locale=LOCALES[language])
        for public_page in PUBLIC_PAGES:
            for violation in axe_violations(page, public_page, codes, None):
                finding = (language, public_page.name, violation)
                (serious if violation["impact"] in FAILING_IMPACTS else other).append(finding)
        log_of(page_logs, page).assert_clean()
    assert_no_serious_violation(serious, other, capsys)
