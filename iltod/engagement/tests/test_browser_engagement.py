"""The engagement journey in a real browser: a coordinator records a meeting with attendance, adds a
local issue and an action plan; a member reports progress from a phone with a photo; the coordinator
approves it; the public plan page and the facility page show the progress."""

import io

import pytest
from PIL import Image

from iltod.core import testing
from iltod.core.testing.axe import AXE_SOURCE, FAILING_IMPACTS, RUN_AXE
from iltod.core.testing.browser import DESKTOP, PHONE, log_in, visit
from iltod.engagement import services
from iltod.engagement.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    AttendanceCount,
    GroupMember,
    LocalIssue,
    Meeting,
    Sex,
    StakeholderType,
)

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
    GroupMember.objects.create(
        group=group,
        user=personas.monitor,
        person_name="Monitor",
        organization=personas.cso,
        stakeholder_type=StakeholderType.CSO,
        sex=Sex.FEMALE,
    )
    return personas, group


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="JPEG")
    return buffer.getvalue()


def submit(page, form):
    """Click the form's submit button and wait for the page the server answers with."""
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def test_coordinator_plans_member_reports_coordinator_approves_public_sees_progress(new_page, world):
    personas, group = world

    # The coordinator, on a desktop, in English: a meeting with its attendance.
    coordinator = new_page(DESKTOP, locale="en-GB")
    log_in(coordinator, personas.coordinator.email)
    visit(coordinator, group.get_absolute_url())
    coordinator.get_by_role("link", name="New meeting").click()
    coordinator.fill("#id_title", "Quarterly meeting on school sanitation")
    coordinator.select_option("#id_status", Meeting.Status.HELD)
    submit(coordinator, coordinator.locator("main form"))
    meeting = Meeting.objects.get(group=group)
    assert coordinator.url.endswith(meeting.get_absolute_url())
    coordinator.get_by_role("link", name="Record attendance").click()
    members = coordinator.locator("form:has(input[name=action][value=members])")
    members.locator("input[name=members]").first.check()
    submit(coordinator, members)
    counts = coordinator.locator("form:has(input[name=action][value=counts])")
    counts.locator("input[name=count-n_citizen_female]").fill("12")
    counts.locator("input[name=count-n_citizen_male]").fill("9")
    submit(coordinator, counts)
    assert list(meeting.attendees.values_list("member__user", flat=True)) == [personas.monitor.pk]
    assert sorted(AttendanceCount.objects.filter(meeting=meeting).values_list("count", flat=True)) == [9, 12]

    # A local issue about the school, and an action plan for it agreed at the meeting.
    visit(coordinator, group.get_absolute_url())
    coordinator.get_by_role("link", name="Add a local issue").click()
    coordinator.fill("#id_title", "The school's toilets are outside and freeze in winter")
    coordinator.fill("#id_facility", personas.school.code)
    submit(coordinator, coordinator.locator("main form"))
    issue = LocalIssue.objects.get(group=group)
    coordinator.get_by_role("link", name="Start an action plan for this issue").click()
    coordinator.select_option("#id_meeting", str(meeting.pk))
    coordinator.fill("#id_title", "Warm toilets inside the school")
    submit(coordinator, coordinator.locator("main form"))
    plan = ActionPlan.objects.get(group=group)
    assert (plan.issue, plan.meeting, plan.service_unit, plan.status) == (
        issue,
        meeting,
        personas.school,
        ActionPlan.Status.DRAFT,
    )
    coordinator.get_by_role("link", name="Add an action").click()
    coordinator.fill("#id_title", "Repair the indoor toilets")
    coordinator.select_option("#id_lead_organization", str(personas.education_dept.pk))
    coordinator.fill("#id_responsible_person", "B. Bold")
    coordinator.fill("#id_due_on", "2030-09-01")
    submit(coordinator, coordinator.locator("main form"))
    coordinator.locator("summary", has_text="Change the plan's status").click()
    status = coordinator.locator(f"form[action='/engagement/plans/{plan.code}/status/']")
    status.locator("select[name=status]").select_option(ActionPlan.Status.AGREED)
    submit(coordinator, status)
    assert "The plan is now “agreed”." in coordinator.locator(".messages").inner_text()
    action = Action.objects.get(plan=plan)

    # The member, on a phone: progress with a photo, waiting for approval.
    member = new_page(PHONE, locale="en-GB")
    log_in(member, personas.monitor.email)
    visit(member, plan.get_absolute_url())
    member.get_by_role("link", name="Repair the indoor toilets").click()
    report = member.locator(f"form[action='/engagement/actions/{action.code}/updates/new/']")
    report.locator("textarea[name=text]").fill("The builder started; the pipes are laid.")
    report.locator("select[name=new_status]").select_option(Action.Status.IN_PROGRESS)
    report.locator("input[name=new_progress]").fill("50")
    report.locator("input[name=photo]").set_input_files(
        files=[{"name": "pipes.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    submit(member, report)
    assert "sent to the group's coordinator for approval" in member.locator(".messages").inner_text()
    update = ActionUpdate.objects.get(action=action)
    assert (update.review, update.documents.count()) == (ActionUpdate.Review.PENDING, 1)
    public = new_page(PHONE)
    visit(public, plan.get_absolute_url())
    assert "The builder started" not in public.locator("main").inner_text()

    # The coordinator approves it from the queue.
    visit(coordinator, "/engagement/updates/")
    item = coordinator.locator(f"#update-{update.code}")
    assert "The builder started" in item.inner_text()
    item.locator("input[name=decision][value=approve]").check()
    submit(coordinator, item.locator("form"))
    assert "Nothing is waiting for approval." in coordinator.locator("main").inner_text()
    action.refresh_from_db()
    assert (action.status, action.progress) == (Action.Status.IN_PROGRESS, 50)

    # Anyone sees the progress: on the plan page, with the photo, and on the facility page.
    visit(public, plan.get_absolute_url())
    main = public.locator("main")
    assert "The builder started; the pipes are laid." in main.inner_text()
    assert public.locator("main progress").first.get_attribute("value") == "50"
    document = update.documents.get()
    download = public.request.get(document.get_absolute_url())
    assert (download.status, download.headers["content-type"]) == (200, "image/jpeg")
    visit(public, personas.school.get_absolute_url())
    assert "Warm toilets inside the school" in public.locator("main").inner_text()

    # The public pages of the plan pass axe-core with no serious or critical violation.
    for path in [
        plan.get_absolute_url(),
        action.get_absolute_url(),
        f"/engagement/groups/{group.code}/plans/",
        f"/engagement/plans/{plan.code}/print/",
    ]:
        visit(public, path)
        serious = [v for v in public.evaluate(RUN_AXE, [AXE_SOURCE, None]) if v["impact"] in FAILING_IMPACTS]
        assert not serious, f"{path}: {[(v['id'], v['targets'][:3]) for v in serious]}"
