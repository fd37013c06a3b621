"""A citizen on a phone, in Mongolian, finds a Local Development Fund project of her soum, reports
what she saw with a photo and a problem, and finds the project's page again once the governor's
office has published her report, with the feedback item her problem became. The budget and
project pages pass axe-core in both languages."""

import io
import re

import pytest
from PIL import Image

from iltod.core.testing.axe import FAILING_IMPACTS, LOCALES, PublicPage, assert_no_serious_violation, axe_violations
from iltod.core.testing.browser import PHONE, log_in, log_of, visit
from iltod.disclosure.models import MonitoringReport

from .money_fixtures import money  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "hudag.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "sienna").save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_citizen_reports_on_a_project_from_her_phone(new_page, page_logs, personas, money, photo, settings):  # noqa: F811
    settings.MAP_TILE_URL = ""
    phone = new_page(PHONE, locale=LOCALES["mn"], java_script_enabled=False)
    visit(phone, f"/disclosure/projects/?area={personas.geo.soum.code}")
    assert phone.locator("progress").count() == 1
    assert phone.locator("main").bounding_box()["width"] <= PHONE["width"]
    phone.get_by_role("link", name=money.project.title_mn).click()
    phone.wait_for_load_state("load")
    phone.get_by_role("link", name="Харсан зүйлээ мэдээлэх").click()
    phone.wait_for_load_state("load")
    phone.fill("#id_visited_on", "2025-06-01")
    phone.fill("#id_progress_seen", "10")
    phone.locator("input[name=rating][value='2']").check()
    phone.fill("#id_problems", "Худгийн ажил хоёр сар зогссон")
    phone.fill("#id_name", "Дулмаа")
    phone.set_input_files("#id_photo", str(photo))
    phone.get_by_role("button", name="Тайланг илгээх").click()
    phone.wait_for_url(re.compile(rf"/disclosure/projects/{money.project.code}/$"))
    report = MonitoringReport.objects.get()
    assert report.feedback.tracking_code in phone.locator("[role=status]").inner_text()
    assert "Худгийн ажил хоёр сар зогссон" not in phone.locator("main").inner_text()  # not public yet

    office = new_page(PHONE, locale=LOCALES["mn"])
    log_in(office, money.governor_officer.email)
    visit(office, "/disclosure/projects/reports/")
    office.get_by_role("button", name="Нийтлэх", exact=True).click()
    office.wait_for_load_state("load")
    report.refresh_from_db()
    assert report.moderation == MonitoringReport.Moderation.PUBLISHED

    phone.reload()
    timeline = phone.locator(".timeline-ldf").inner_text()
    assert "Худгийн ажил хоёр сар зогссон" in timeline and report.feedback.tracking_code in timeline
    assert phone.locator(".timeline-ldf img").count() == 1
    log_of(page_logs, phone).assert_clean()
    log_of(page_logs, office).assert_clean()


def test_the_money_pages_have_no_serious_accessibility_violation(new_page, page_logs, personas, money, capsys):  # noqa: F811
    pages = [
        PublicPage("budgets", "/disclosure/budgets/"),
        PublicPage("transfers", "/disclosure/transfers/"),
        PublicPage("projects of a soum", f"/disclosure/projects/?area={personas.geo.soum.code}"),
        PublicPage("project", money.project.get_absolute_url()),
        PublicPage("report form with errors", f"{money.project.get_absolute_url()}report/", submit="main form button"),
        PublicPage("facility with its money", personas.school.get_absolute_url()),
        PublicPage("aimag with its money", personas.geo.aimag.get_absolute_url()),
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
