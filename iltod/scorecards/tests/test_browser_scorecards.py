"""The score card in a real browser: a facilitator starts a cycle and types a paper score sheet
into the grid, the school director self-evaluates, the coordinator approves and holds the
interface meeting, which produces the joint action plan, and anyone reads the public report with
its charts on a phone, without JavaScript. The public score card pages pass axe-core in both
languages, with the helpers of the portal's accessibility check."""

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
from iltod.core.testing.browser import DESKTOP, PHONE, log_in, log_of, visit
from iltod.engagement import services as engagement
from iltod.engagement.models import ActionPlan
from iltod.scorecards import services
from iltod.scorecards.library import load_library
from iltod.scorecards.models import FocusGroup, ScorecardCycle, Stage

from .helpers import add_group, close, make_cycle, score

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAPER_SHEET = {1: (2, "Багш нар хашгирдаг"), 2: (3, "Хоцордог"), 3: (1, "Сурах бичиг хүрэлцдэггүй")}


@pytest.fixture
def world(settings):
    settings.MAP_TILE_URL = ""
    personas = testing.make_personas()
    load_library()
    return personas


def fill_sheet(page, values):
    for number, (value, reason) in values.items():
        page.fill(f"#id_score_{number}", str(value))
        page.fill(f"#id_reason_{number}", reason)
    page.get_by_role("button", name="Save and send for approval").click()
    page.wait_for_load_state("load")


def test_facilitator_provider_and_coordinator_run_a_cycle_to_a_public_report(new_page, page_logs, world):
    # The facilitator of the CSO starts a cycle from the facility's page.
    facilitator = new_page(DESKTOP, locale="en-GB")
    log_in(facilitator, world.monitor.email)
    visit(facilitator, world.school.get_absolute_url())
    facilitator.get_by_role("link", name="Start a score card here").click()
    facilitator.fill("#id_title", "Spring 2026")
    facilitator.select_option("#id_project", label="School community score card")
    facilitator.get_by_role("button", name="Start the cycle").click()
    facilitator.wait_for_url(re.compile(r"/scorecards/staff/[0-9A-Z]+/$"))
    cycle = ScorecardCycle.objects.get(title="Spring 2026")
    assert cycle.service_unit == world.school and cycle.indicators.count() > 3

    # A focus group of women met; their paper sheet is typed into the grid, on the scoring stage's page.
    facilitator.locator(".stage-nav a[href='?stage=community_scoring']").click()
    facilitator.wait_for_load_state("load")
    assert facilitator.locator("form.plan-form").count() == 0  # one stage at a time
    group_form = facilitator.locator("form.group-form")
    group_form.locator("#id_kind").select_option("women")
    group_form.locator("#id_participants_female").fill("11")
    group_form.get_by_role("button", name="Add the group").click()
    facilitator.wait_for_url(re.compile(r"/groups/[0-9A-Z]+/$"))
    fill_sheet(facilitator, PAPER_SHEET)
    women = cycle.groups.get(kind=FocusGroup.Kind.WOMEN)
    assert women.status == FocusGroup.SheetStatus.SUBMITTED
    assert dict(women.scores.values_list("indicator__number", "value")) == {1: 2, 2: 3, 3: 1}
    assert facilitator.locator(".timeline li").count() == 3  # the edit history

    # The school director evaluates the school on the same indicators: the cycle page opens on the
    # self-evaluation for the facility's staff.
    director = new_page(DESKTOP, locale="en-GB")
    log_in(director, world.provider.email)
    visit(director, cycle.get_staff_url())
    assert director.locator("summary", has_text="Start the provider's self-evaluation").is_visible()
    director.locator("form.group-form #id_participants_male").fill("4")
    director.locator("form.group-form").get_by_role("button", name="Add the group").click()
    director.wait_for_url(re.compile(r"/groups/[0-9A-Z]+/$"))
    fill_sheet(director, {1: (5, ""), 2: (4, ""), 3: (3, "")})

    # The coordinator checks both sheets and holds the interface meeting.
    coordinator = new_page(DESKTOP, locale="en-GB")
    log_in(coordinator, world.coordinator.email)
    for group in cycle.groups.all():
        visit(coordinator, f"{cycle.get_staff_url()}groups/{group.code}/")
        coordinator.get_by_role("button", name="Approve the scores").click()
        coordinator.wait_for_load_state("load")
    assert set(cycle.groups.values_list("status", flat=True)) == {FocusGroup.SheetStatus.APPROVED}
    # The cycle moves stage by stage up to the interface meeting.
    visit(coordinator, cycle.get_staff_url())
    for _stage in range(4):
        coordinator.locator("form.advance-form button").click()
        coordinator.wait_for_load_state("load")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.INTERFACE_MEETING
    meeting = coordinator.locator("form.interface-form")
    meeting.locator("#id_held_on").fill("2026-04-02")
    meeting.locator("#id_venue").fill("School hall")
    meeting.get_by_role("button", name="Hold the interface meeting").click()
    coordinator.wait_for_load_state("load")
    cycle.refresh_from_db()
    plan = cycle.action_plan
    assert plan is not None and cycle.interface_meeting.venue == "School hall"
    titles = list(plan.actions.values_list("title", flat=True))
    assert any("Teachers treat pupils with respect" in t for t in titles)  # lowest and most divergent
    assert plan.title in coordinator.locator("main").inner_text()
    # The group agrees the plan in the engagement app, where it is followed up from now on.
    engagement.change_plan_status(plan, ActionPlan.Status.AGREED, actor=world.coordinator)
    for _stage in range(2):  # action planning, monitoring: then closed
        coordinator.get_by_role("button", name=re.compile("^Finish this stage and move to")).click()
        coordinator.wait_for_load_state("load")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.CLOSED

    # Anyone, on a phone and without JavaScript, reads the report with its charts.
    reader = new_page(PHONE, java_script_enabled=False)
    mark = log_of(page_logs, reader).mark()
    visit(reader, cycle.get_absolute_url())
    transferred, _responses = log_of(page_logs, reader).transferred_since(mark)
    assert transferred < 100_000  # the page, its style sheets and icon: light on a phone
    assert reader.locator("svg.chart").count() == 1
    assert reader.locator("svg.chart g rect.s-community").count() == 3
    assert reader.locator("svg.chart g rect.s-provider").count() == 3
    body = reader.locator("main").inner_text()
    assert "Сурах бичиг хүрэлцдэггүй" in body and plan.title in body
    assert reader.locator("script").count() == 0


PUBLIC_PAGES = [
    PublicPage("score card list", "/scorecards/"),
    PublicPage("score card list of an aimag", "/scorecards/?aimag={aimag}"),
    PublicPage("aggregated view", "/scorecards/overview/"),
    PublicPage("aggregated view by indicator", "/scorecards/overview/?by=indicator"),
    PublicPage("public report", "/scorecards/{cycle}/"),
    PublicPage("public report, printable", "/scorecards/{cycle}/?print=1"),
]


def test_the_public_score_card_pages_have_no_serious_accessibility_violation(new_page, page_logs, world, capsys):
    """Two cycles of the same school, so that the report shows the change since the last one."""
    codes = {"aimag": world.geo.aimag.code}
    for title, values in (("Autumn 2025", {1: 2, 2: 2, 3: 3}), ("Spring 2026", {1: 4, 2: 3, 3: 2})):
        cycle = make_cycle(world, title=title)
        score(world, add_group(world, cycle, FocusGroup.Kind.WOMEN), values, reasons={1: "Багш нар эелдэг"})
        score(world, add_group(world, cycle, FocusGroup.Kind.PROVIDER), {1: 5, 2: 4, 3: 4}, actor=world.provider)
        close(world, cycle)
        codes["cycle"] = cycle.code
    serious, other, wrong_language = [], [], []
    for language in ("mn", "en"):
        page = new_page(DESKTOP, locale=LOCALES[language])
        for public_page in PUBLIC_PAGES:
            for violation in axe_violations(page, public_page, codes, None):
                finding = (language, public_page.name, violation)
                (serious if violation["impact"] in FAILING_IMPACTS else other).append(finding)
            if page.locator("html").get_attribute("lang") != language:
                wrong_language.append(f"[{language}] {public_page.name}")
        log_of(page_logs, page).assert_clean()
    assert_no_serious_violation(serious, other, capsys)
    assert not wrong_language, "pages not in the browser's language:\n" + "\n".join(wrong_language)


SKIP_REASON = "Энэ сургуульд орц, нөөцийн норм батлагдаагүй"


def test_a_coordinator_advances_a_cycle_stage_by_stage_on_a_phone_and_skips_one_with_a_reason(
    new_page, page_logs, world
):
    """On a 360 px phone without JavaScript, in Mongolian: one stage's page at a time, the
    navigator showing where the cycle is, and a skipped stage's reason on the page and in the history."""
    cycle = make_cycle(world, title="Хавар 2026")
    phone = new_page(PHONE, locale=LOCALES["mn"], java_script_enabled=False)
    log_in(phone, world.coordinator.email)
    visit(phone, cycle.get_staff_url())
    steps = phone.locator(".stage-nav li")
    assert steps.count() == len(Stage.values)
    assert phone.locator(".stage-nav li.current").count() == 1
    assert phone.locator("form.plan-form").count() == 1 and phone.locator("form.group-form").count() == 0
    assert phone.locator("form.advance-form button").is_visible()

    # Planning is finished; input tracking is skipped, with the reason.
    phone.locator("form.advance-form button").click()
    phone.wait_for_load_state("load")
    assert "Үе шат 2/8" in phone.locator("#stage-h").inner_text()
    phone.locator("details.skip-form summary").click()
    phone.fill("details.skip-form textarea", SKIP_REASON)
    phone.locator("details.skip-form button[type=submit]").click()
    phone.wait_for_load_state("load")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.COMMUNITY_SCORING
    skipped = cycle.plans.get(stage=Stage.INPUT_TRACKING)
    assert skipped.skip_reason == SKIP_REASON and skipped.skipped_by == world.coordinator
    assert "алгассан" in phone.locator(".stage-nav li.skipped").inner_text()
    assert SKIP_REASON in phone.locator(".timeline").inner_text()  # the history
    phone.locator(".stage-nav li.skipped a").click()
    phone.wait_for_load_state("load")
    assert SKIP_REASON in phone.locator(".skip-note").inner_text()
    phone.locator(".stage-page a[href='?stage=community_scoring']").click()  # back to the current stage
    phone.wait_for_load_state("load")

    # The other stages, one at a time, to the end; each page fits the phone's width.
    for expected in Stage.values[Stage.index(Stage.COMMUNITY_SCORING) + 1 :]:
        width = phone.locator("main").bounding_box()["width"]
        assert width <= PHONE["width"], f"wider than the phone at {cycle.stage}"
        phone.locator("form.advance-form button").click()
        phone.wait_for_load_state("load")
        cycle.refresh_from_db()
        assert cycle.stage == expected
        assert phone.locator(".stage-nav li.current a").get_attribute("href") == f"?stage={expected}"
    assert phone.locator("form.advance-form").count() == 0 and phone.locator("details.skip-form").count() == 0
    assert set(cycle.plans.values_list("completed_on", flat=True)) != {None}
    assert not cycle.plans.filter(completed_on__isnull=True).exists()
    log_of(page_logs, phone).assert_clean()


def test_the_cycle_page_has_no_serious_accessibility_violation(new_page, page_logs, world, capsys):
    """The staff's cycle page, at a done, a skipped and the current stage, in both languages."""
    cycle = make_cycle(world, title="Хавар 2026")
    cycle = services.advance_stage(actor=world.monitor, cycle=cycle)
    cycle = services.skip_stage(actor=world.coordinator, cycle=cycle, stage=Stage.INPUT_TRACKING, reason=SKIP_REASON)
    pages = [
        PublicPage(f"cycle page, {stage}", f"{cycle.get_staff_url()}?stage={stage}")
        for stage in (Stage.PLANNING, Stage.INPUT_TRACKING, Stage.COMMUNITY_SCORING)
    ]
    serious, other = [], []
    for language in ("mn", "en"):
        page = new_page(PHONE, locale=LOCALES[language])
        log_in(page, world.coordinator.email)
        for cycle_page in pages:
            for violation in axe_violations(page, cycle_page, {}, None):
                finding = (language, cycle_page.name, violation)
                (serious if violation["impact"] in FAILING_IMPACTS else other).append(finding)
        log_of(page_logs, page).assert_clean()
    assert_no_serious_violation(serious, other, capsys)
