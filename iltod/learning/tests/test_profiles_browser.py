"""In a real browser: on a phone, in Mongolian and without JavaScript, a member fills in and
submits its profile and the network administrator validates it; the network's pages pass axe-core
in both languages."""

import pytest

from iltod.accounts.capabilities import Role
from iltod.accounts.services import grant_membership
from iltod.core import testing
from iltod.core.testing.axe import FAILING_IMPACTS, LOCALES, PublicPage, assert_no_serious_violation, axe_violations
from iltod.core.testing.browser import PHONE, log_in, log_of, visit
from iltod.learning.models import OrganizationProfile
from iltod.learning.services import assessments
from iltod.learning.services.framework import seed_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world(settings):
    settings.MAP_TILE_URL = ""
    personas = testing.make_personas()
    member = testing.make_user("cso-admin@example.mn", full_name="Бат Дорж")
    grant_membership(actor=None, user=member, organization=personas.cso, role=Role.ADMIN)
    return personas, member


def no_wider_than_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_a_member_submits_its_profile_and_the_network_admin_validates_it_on_a_phone(new_page, page_logs, world):
    personas, member = world
    phone = new_page(PHONE, locale=LOCALES["mn"], java_script_enabled=False)
    log_in(phone, member.email)
    visit(phone, personas.cso.get_absolute_url())
    phone.locator(f"a[href='/learning/profiles/{personas.cso.code}/edit/']").first.click()
    phone.wait_for_load_state("load")
    no_wider_than_the_phone(phone)
    phone.fill("#id_mission", "Иргэдийн оролцоог нэмэгдүүлэх")
    phone.fill("#id_staff", "3")
    phone.fill("#id_volunteers", "12")
    phone.check("#id_tool_scorecard")
    phone.fill("#id_example_scorecard", "2025 онд гурван сургуульд")
    phone.locator("button[name=submit]").click()
    phone.wait_for_load_state("load")
    profile = OrganizationProfile.objects.get()
    assert profile.status == OrganizationProfile.Status.SUBMITTED
    log_of(page_logs, phone).assert_clean()

    checker = new_page(PHONE, locale=LOCALES["mn"], java_script_enabled=False)
    log_in(checker, personas.network_admin.email)
    visit(checker, "/learning/profiles/review/")
    checker.get_by_role("link", name=personas.cso.name).click()
    checker.wait_for_load_state("load")
    no_wider_than_the_phone(checker)
    checker.locator("button[value=validate]").click()
    checker.wait_for_load_state("load")
    profile.refresh_from_db()
    assert profile.status == OrganizationProfile.Status.VALIDATED and profile.is_current
    log_of(page_logs, checker).assert_clean()

    reader = new_page(PHONE, locale=LOCALES["mn"], java_script_enabled=False)
    visit(reader, f"/learning/profiles/{personas.cso.code}/")
    assert "Иргэдийн оролцоог нэмэгдүүлэх" in reader.content()
    assert "баталгаажуулсан" in reader.content()
    visit(reader, f"/learning/network/{personas.network.code}/members/")
    assert personas.cso.name in reader.content()
    no_wider_than_the_phone(reader)


def test_the_network_pages_have_no_serious_accessibility_violation(new_page, page_logs, world, capsys):
    personas, member = world
    framework = seed_proposal(personas.network)
    import datetime

    today = datetime.date.today()
    round_ = assessments.create_round(
        actor=personas.network_admin,
        network=personas.network,
        framework=framework,
        name="Суралцахуйн хэрэгцээ 2026",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=1),
        organizations=[personas.cso],
    )
    competencies = assessments.competencies_of(round_)
    for i, role in enumerate(("monitor", "leader", "volunteer")):
        assessments.submit_assessment(
            round_=round_,
            organization=personas.cso,
            full_name=f"Хүн {i}",
            role=role,
            answers={c.pk: (1 + (i + c.pk) % 4, 3) for c in competencies},
        )
    public = [
        PublicPage("directory", f"/learning/network/{personas.network.code}/members/"),
        PublicPage("framework", f"/learning/frameworks/{framework.pk}/"),
    ]
    staff = [
        PublicPage("manage members", f"/learning/network/{personas.network.code}/members/manage/"),
        PublicPage("round heat map", f"/learning/rounds/{round_.code}/"),
        PublicPage("round heat map by organisation", f"/learning/rounds/{round_.code}/?scope=organization"),
        PublicPage("rounds", f"/learning/network/{personas.network.code}/rounds/"),
        PublicPage("paper form", f"/learning/rounds/{round_.code}/print/"),
    ]
    members = [
        PublicPage("profile form", f"/learning/profiles/{personas.cso.code}/edit/"),
        PublicPage("answer", f"/learning/rounds/{round_.code}/answer/"),
    ]
    serious, other = [], []
    for language in ("mn", "en"):
        for user, pages in ((None, public), (personas.network_admin, staff), (member, members)):
            page = new_page(PHONE, locale=LOCALES[language])
            if user is not None:
                log_in(page, user.email)
            for checked in pages:
                for violation in axe_violations(page, checked, {}, None):
                    finding = (language, checked.name, violation)
                    (serious if violation["impact"] in FAILING_IMPACTS else other).append(finding)
            log_of(page_logs, page).assert_clean()
    assert_no_serious_violation(serious, other, capsys)
