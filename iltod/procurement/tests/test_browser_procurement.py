"""Procurement in a real browser, on a phone, in Mongolian: a citizen finds a hospital's tender,
reads its red flag explained, and leaves structured feedback that goes to the hospital. The public
procurement pages pass axe-core in both languages."""

import re

import pytest

from iltod.core import testing
from iltod.core.testing.axe import FAILING_IMPACTS, LOCALES, PublicPage, assert_no_serious_violation, axe_violations
from iltod.core.testing.browser import PHONE, log_of, visit
from iltod.organizations.models import Organization
from iltod.places.models import ServiceUnit
from iltod.procurement import services
from iltod.procurement.models import ContractingProcess, Flag, ProcessFeedback

from .helpers import award, package, release, supplier_party, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world(settings, tmp_path):
    settings.MAP_TILE_URL = ""
    personas = testing.make_personas()
    hospital = testing.make_facility(
        personas.geo.aimag,
        "Архангай аймгийн нэгдсэн эмнэлэг",
        "Arkhangai General Hospital",
        kind=ServiceUnit.Kind.AIMAG_HOSPITAL,
    )
    org = testing.make_org(
        Organization.Kind.SERVICE_PROVIDER,
        hospital.name_mn,
        hospital.name_en,
        home_unit=personas.geo.aimag,
        registration_number="4455667",
    )
    hospital.operator = org
    hospital.save()
    buyer = ("H1", "MN-REG", "4455667", hospital.name_mn)
    tender = release("ocds-hosp-1", "1", buyer=buyer)
    tender["tender"]["title"] = "Рентген аппарат"
    awarded = release(
        "ocds-hosp-1",
        "2",
        buyer=buyer,
        date="2025-04-01T00:00:00Z",
        tag=["award"],
        awards=[award()],
        bids=[
            {
                "id": "b1",
                "status": "valid",
                "tenderers": [{"id": "S1", "name": "Эм хангамж ХХК"}],
                "value": {"amount": 11_000_000, "currency": "MNT"},
            }
        ],
    )
    awarded["parties"] = [supplier_party()]
    awarded["tender"] = {"id": "ocds-hosp-1-t", "numberOfTenderers": 1}
    _job, report = services.import_path(write(tmp_path, package([tender, awarded])))
    assert report.ok, report.errors
    process = ContractingProcess.objects.get(ocid="ocds-hosp-1")
    assert process.flags.filter(code="R018", scope=Flag.Scope.PROCESS).exists()  # a single bid in an open tender
    assert (process.buyer.organization, process.buyer.facility) == (org, hospital)
    return personas, hospital, org, process


def test_a_citizen_finds_a_hospitals_tender_sees_its_flag_and_gives_feedback(new_page, page_logs, world):
    _personas, hospital, org, _process = world
    page = new_page(PHONE)  # Mongolian
    visit(page, "/procurement/")
    page.fill("#id_q", "Рентген")
    page.get_by_role("button", name="Хайх").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Рентген аппарат").click()
    page.wait_for_url(re.compile(r"/procurement/processes/[0-9A-Z]+/$"))
    # the tender's own flag; a party flagged in it (R025, its single bidder) is listed beside it
    flags = page.locator(".flag", has_text="R018").inner_text()
    assert "Яагаад гэм буруугүй байж болох вэ" in flags  # why it may be innocent, in Mongolian
    page.get_by_role("link", name="Энэ худалдан авалтад санал хүсэлт өгөх").click()
    page.wait_for_url(re.compile(r"/feedback/$"))
    page.get_by_label("2", exact=True).check()
    page.select_option("#id_specification_fair", "no")
    page.fill("#id_specification_fair_comment", "Нэг брэндийн аппарат шаардсан")
    page.fill("#id_text", "Ганц оролцогчтой тендер болсон.")
    page.get_by_role("button", name="Захиалагчид илгээх").click()
    page.wait_for_url(re.compile(r"/procurement/processes/[0-9A-Z]+/$"))
    assert "Баярлалаа" in page.locator(".messages").inner_text()
    item = ProcessFeedback.objects.get()
    assert item.feedback.handling_organization == org
    assert item.feedback.service_unit == hospital
    # the hospital's page shows what it buys
    visit(page, hospital.get_absolute_url())
    assert "Рентген аппарат" in page.content()
    log_of(page_logs, page).assert_clean()


def test_the_public_procurement_pages_have_no_serious_accessibility_violation(new_page, page_logs, world, capsys):
    _personas, _hospital, _org, process = world
    pages = [
        PublicPage("search", "/procurement/"),
        PublicPage("process", process.get_absolute_url()),
        PublicPage("buyer", process.buyer.get_absolute_url()),
        PublicPage("feedback form", f"{process.get_absolute_url()}feedback/"),
        PublicPage("monitoring", "/procurement/monitoring/"),
    ]
    serious, other = [], []
    for language in ("mn", "en"):
        page = new_page(PHONE, locale=LOCALES[language])
        for public_page in pages:
            for violation in axe_violations(page, public_page, {}, None):
                finding = (language, public_page.name, violation)
                (serious if violation["impact"] in FAILING_IMPACTS else other).append(finding)
        log_of(page_logs, page).assert_clean()
    assert_no_serious_violation(serious, other, capsys)
