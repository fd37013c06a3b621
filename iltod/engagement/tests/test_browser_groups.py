"""Group pages in a real browser: the public pages pass axe-core, and the sign-in sheet and the
agenda print on A4 without the menu, footer or forms."""

import re

import pytest

from iltod.core import testing
from iltod.core.testing.axe import AXE_SOURCE, FAILING_IMPACTS, RUN_AXE
from iltod.core.testing.browser import log_in, visit
from iltod.engagement import services
from iltod.engagement.models import Evidence, GroupMember, Project, Sex, StakeholderType

from .helpers_groups import SOME_MEMBERS, add_members, held_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world(settings, tmp_path):
    settings.MAP_TILE_URL = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    personas = testing.make_personas()
    group = services.create_group(
        actor=personas.coordinator,
        name="Архангай аймгийн олон талт бүлэг",
        admin_unit=personas.geo.aimag,
        convening_organization=personas.cso,
    )
    services.add_member(
        actor=personas.coordinator,
        group=group,
        user=personas.monitor,
        person_name="Monitor",
        organization=personas.cso,
        stakeholder_type=StakeholderType.CSO,
        sex=Sex.FEMALE,
        role=GroupMember.Role.SECRETARY,
    )
    members = add_members(group, personas.coordinator, SOME_MEMBERS * 3)
    meeting = held_meeting(group, personas.coordinator)
    services.set_named_attendance(meeting, actor=personas.coordinator, members=members[:6])
    services.set_attendance_counts(meeting, actor=personas.coordinator, counts={("citizen", "female"): 8})
    issue = services.create_issue(
        actor=personas.coordinator, group=group, title="Сургуулийн үдийн хоол", service_unit=personas.school
    )
    services.add_evidence(actor=personas.coordinator, issue=issue, kind=Evidence.Kind.NOTE, note="Шалгасан.")
    services.record_prioritisation(meeting, actor=personas.coordinator, votes={(issue, "citizen"): 5})
    project = services.create_project(
        actor=personas.coordinator,
        organization=personas.cso,
        title="Иргэний оноон хуудас",
        tool=Project.Tool.SCORECARD,
        groups=[group],
        issues=[issue],
    )
    return personas, group, meeting, issue, project


def test_the_public_group_pages_pass_axe_core(world, page):
    personas, group, meeting, issue, project = world
    for path in [
        "/engagement/groups/",
        group.get_absolute_url(),
        meeting.get_absolute_url(),
        f"/engagement/meetings/{meeting.code}/agenda/",
        issue.get_absolute_url(),
        "/engagement/projects/",
        project.get_absolute_url(),
        personas.geo.aimag.get_absolute_url(),
    ]:
        visit(page, path)
        serious = [v for v in page.evaluate(RUN_AXE, [AXE_SOURCE, None]) if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"{path}: {[(v['id'], v['targets'][:3]) for v in serious]}"
    assert group.name in page.locator("main").inner_text()  # the aimag page lists the group


def test_the_sign_in_sheet_prints_on_a4_without_menu_or_forms(world, page):
    personas, _group, meeting, _issue, _project = world
    log_in(page, personas.monitor.email)
    visit(page, f"/engagement/meetings/{meeting.code}/sign-in/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.locator("main .no-print").first.is_visible()
    rows = page.locator("table.sign-in tbody tr")
    assert rows.count() == 13 + 15  # the monitor, twelve members, fifteen blank lines
    signature = page.locator("table.sign-in th.signature").bounding_box()
    table = page.locator("table.sign-in").bounding_box()
    assert signature["width"] > table["width"] * 0.25
    pdf = page.pdf(format="A4", print_background=False)
    # 28 lines of at least 8 mm with room to sign: two A4 pages (the table's header repeats on each).
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2
    assert re.search(rb"/MediaBox\s*\[0 0 59[45]\.\d+ 84[12]\.\d+\]", pdf)
    assert rows.first.bounding_box()["height"] >= 30  # 8 mm at 96 dpi

    visit(page, f"/engagement/meetings/{meeting.code}/agenda/")
    page.emulate_media(media="print")
    text = page.locator("main").inner_text()
    assert "Өмнөх шийдвэрийн биелэлт" in text
    assert not page.locator("nav[aria-label]").first.is_visible()
    assert len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4"))) == 1


def test_the_members_tick_boxes_read_as_normal_text_under_a_bold_legend(world, page):
    personas, _group, meeting, _issue, _project = world
    log_in(page, personas.coordinator.email)
    visit(page, f"/engagement/meetings/{meeting.code}/attendance/")
    weight = "el => getComputedStyle(el).fontWeight"
    tick = page.locator("fieldset.ticks label").first
    assert tick.locator("input[type=checkbox]").count() == 1
    assert int(tick.evaluate(weight)) == 400
    assert int(page.locator("fieldset.ticks legend").evaluate(weight)) >= 600
    visit(page, "/engagement/groups/new/")
    assert int(page.locator("label:has(> input[type=checkbox][name=sectors])").first.evaluate(weight)) == 400
