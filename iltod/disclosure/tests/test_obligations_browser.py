"""Obligations in a real browser, on a phone, in Mongolian: the school director publishes an item
that is late, with a PDF, and explains the delay; a citizen then finds the school's compliance and
reads the explanation. The public pages pass axe-core in both languages."""

from datetime import date

import pytest

from iltod.core import testing
from iltod.core.testing.axe import FAILING_IMPACTS, LOCALES, PublicPage, assert_no_serious_violation, axe_violations
from iltod.core.testing.browser import DESKTOP, PHONE, log_in, log_of, visit
from iltod.core.testing.files import pdf_bytes

from ..models import Disclosure
from ..services import obligations as services
from .obligations_fixtures import make_requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
EXPLANATION = "Нягтлан бодогч өвчтэй байсан тул тайлан хоцорлоо."


@pytest.fixture
def world(settings, tmp_path):
    settings.MAP_TILE_URL = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    personas = testing.make_personas()
    make_requirement(starts_on=date(2026, 1, 1))
    services.generate_schedule()
    services.refresh_summary()
    return personas


def test_a_director_publishes_a_late_item_with_an_explanation_and_a_citizen_sees_it(
    new_page, page_logs, world, tmp_path
):
    item = Disclosure.objects.filter(organization=world.school_org, status=Disclosure.Status.MISSING).order_by(
        "-due_on"
    )[0]
    director = new_page(PHONE)
    log_in(director, world.provider.email)
    visit(director, "/disclosure/publish/")
    director.locator(f"a[href='{item.get_publish_url()}']").click()
    director.wait_for_load_state("load")
    document = tmp_path / "тайлан.pdf"
    document.write_bytes(pdf_bytes())
    director.set_input_files("#id_document", str(document))
    director.get_by_role("button", name="Нийтлэх", exact=True).click()
    director.wait_for_load_state("load")
    assert "Хоцорч нийтэллээ" in director.locator(".messages").inner_text()
    director.fill("#id_explanation", EXPLANATION)
    director.get_by_role("button", name="Тайлбарыг нийтлэх").click()
    director.wait_for_load_state("load")
    item.refresh_from_db()
    assert item.status == Disclosure.Status.LATE and item.explanation == EXPLANATION and item.document
    log_of(page_logs, director).assert_clean()

    citizen = new_page(PHONE)
    visit(citizen, "/disclosure/compliance/")
    citizen.get_by_role("link", name=world.geo.aimag.name_mn).first.click()
    citizen.wait_for_load_state("load")
    citizen.get_by_role("link", name=world.school_org.name_mn).click()
    citizen.wait_for_load_state("load")
    assert citizen.locator("svg.chart").count() == 1
    citizen.locator(f"a[href='{item.get_absolute_url()}']").click()
    citizen.wait_for_load_state("load")
    assert EXPLANATION in citizen.locator("main").inner_text()
    assert citizen.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
    log_of(page_logs, citizen).assert_clean()


PUBLIC_PAGES = [
    PublicPage("requirements", "/disclosure/requirements/"),
    PublicPage("national compliance", "/disclosure/compliance/"),
    PublicPage("aimag compliance", "/disclosure/compliance/areas/{aimag}/"),
    PublicPage("sector compliance", "/disclosure/compliance/sectors/education/"),
    PublicPage("body compliance", "/disclosure/compliance/bodies/{body}/"),
    PublicPage("disclosure", "/disclosure/items/{item}/"),
    PublicPage("open data", "/disclosure/open-data/"),
]


def test_the_public_obligation_pages_have_no_serious_accessibility_violation(new_page, page_logs, world, capsys):
    item = Disclosure.objects.filter(organization=world.school_org, status=Disclosure.Status.MISSING).first()
    services.explain(item, actor=world.provider, text=EXPLANATION)
    codes = {"aimag": world.geo.aimag.code, "body": world.school_org.code, "item": item.code}
    serious, other = [], []
    for language in ("mn", "en"):
        page = new_page(DESKTOP, locale=LOCALES[language])
        for public_page in PUBLIC_PAGES:
            for violation in axe_violations(page, public_page, codes, None):
                finding = (language, public_page.name, violation)
                (serious if violation["impact"] in FAILING_IMPACTS else other).append(finding)
        log_of(page_logs, page).assert_clean()
    assert_no_serious_violation(serious, other, capsys)
