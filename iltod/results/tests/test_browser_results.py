"""Results in a real browser: on a 360 px phone in Mongolian, without JavaScript, a citizen opens
the ranking, reads the methodology, subscribes to the school's alerts from its page and confirms
by the e-mailed link. The public results pages pass axe-core in both languages."""

import re

import pytest

from iltod.core import testing
from iltod.core.testing.axe import (
    FAILING_IMPACTS,
    LOCALES,
    PublicPage,
    assert_no_serious_violation,
    axe_violations,
)
from iltod.core.testing.browser import PHONE, log_of, visit
from iltod.notifications.models import OutboundMessage
from iltod.results.models import Indicator, Subscription

from .fixtures import fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world(settings):
    settings.MAP_TILE_URL = ""
    personas = testing.make_personas()
    framework, period = fill(personas)
    return personas, framework, period


def test_a_citizen_reads_the_ranking_and_subscribes_to_a_school_on_a_phone(new_page, page_logs, world):
    personas, _framework, _period = world
    phone = new_page(PHONE, locale=LOCALES["mn"], java_script_enabled=False)
    visit(phone, "/results/ranking/")
    assert phone.locator("h1").inner_text() == "Хариу үйлдлийн эрэмбэ"
    school_row = phone.locator("tbody tr").first
    assert personas.school.name_mn in school_row.inner_text()

    phone.get_by_role("link", name="Аргачлалыг унших").first.click()
    phone.wait_for_url(re.compile(r"/results/methodology/"))
    assert "10" in phone.locator("#ranking ~ p").first.inner_text()  # K is written out

    visit(phone, personas.school.get_absolute_url())
    phone.get_by_role("link", name="И-мэйл эсвэл SMS-ээр мэдэгдэл авах").click()
    phone.wait_for_url(re.compile(r"/results/alerts/"))
    phone.get_by_label("И-мэйл хаяг эсвэл гар утасны дугаар").fill("bat@example.mn")
    phone.get_by_label("долоо хоногийн тойм").check()
    phone.get_by_role("button", name="Захиалах").click()
    phone.wait_for_url(re.compile(r"/results/alerts/sent/"))
    subscription = Subscription.objects.get(address="bat@example.mn")
    assert subscription.confirmed_at is None and subscription.frequency == "weekly"

    message = OutboundMessage.objects.get(recipient="bat@example.mn")
    link = re.search(r"https?://\S+/results/alerts/confirm/\S+", message.body).group(0)
    visit(phone, "/" + link.split("/", 3)[3])
    phone.get_by_role("button", name="Баталгаажуулах").click()
    phone.wait_for_load_state("load")
    assert "Таны захиалга баталгаажлаа" in phone.locator("main").inner_text()
    subscription.refresh_from_db()
    assert subscription.is_active
    log_of(page_logs, phone).assert_clean()


def test_the_public_results_pages_have_no_serious_accessibility_violation(new_page, page_logs, world, capsys):
    personas, framework, period = world
    indicator = Indicator.objects.get(code="0.2")
    pages = [
        PublicPage("overview", f"/results/{framework.code}/?period={period.pk}"),
        PublicPage("indicator", indicator.get_absolute_url() + f"?period={period.pk}"),
        PublicPage("aimag", f"/results/{framework.code}/aimag/65/"),
        PublicPage("ranking", "/results/ranking/"),
        PublicPage("body", f"/results/ranking/{personas.school.code}/"),
        PublicPage("inclusion", "/results/inclusion/"),
        PublicPage("methodology", "/results/methodology/"),
        PublicPage("subscribe", f"/results/alerts/?kind=facility&code={personas.school.code}"),
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
