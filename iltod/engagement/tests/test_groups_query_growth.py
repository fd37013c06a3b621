"""Pages and exports cost the same number of queries with one record as with many (no N+1)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iltod.engagement import services
from iltod.engagement.models import ActionPlan, Evidence, Project, Sex, StakeholderType

from .helpers_groups import client_for, held_meeting


def cost(client, target) -> int:
    client.get(target)  # warm the content type and translation caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(target)
    assert response.status_code == 200, target
    return len(captured.captured_queries)


def grow_members(group, actor, n, start=0):
    return [
        services.add_member(
            actor=actor,
            group=group,
            person_name=f"Гишүүн {start + i}",
            organization=None,
            stakeholder_type=StakeholderType.values[i % len(StakeholderType.values)],
            sex=Sex.FEMALE if i % 2 else Sex.MALE,
        )
        for i in range(n)
    ]


def test_meeting_pages_and_exports_do_not_grow_with_attendance(personas, group):
    coordinator = personas.coordinator
    meeting = held_meeting(group, coordinator)
    first = grow_members(group, coordinator, 2)
    services.set_named_attendance(meeting, actor=coordinator, members=first)
    services.add_guest(meeting, actor=coordinator, name="Зочин", stakeholder_type="media", sex="male")
    issue = services.create_issue(actor=coordinator, group=group, title="Асуудал 0")
    services.record_prioritisation(meeting, actor=coordinator, votes={(issue, "citizen"): 3})
    client = client_for(personas, "coordinator")
    pages = [
        meeting.get_absolute_url(),
        reverse("engagement:meeting_attendance", args=[meeting.code]),
        reverse("engagement:meeting_prioritise", args=[meeting.code]),
        reverse("engagement:meeting_sign_in", args=[meeting.code]),
        reverse("engagement:meeting_sign_in", args=[meeting.code]) + "?format=xlsx",
        reverse("engagement:meeting_attendance_export", args=[meeting.code, "csv"]),
        reverse("engagement:group_attendance_export", args=[group.code, "csv"]),
        reverse("engagement:member_export", args=[group.code, "csv"]),
        reverse("engagement:member_list", args=[group.code]),
    ]
    small = {target: cost(client, target) for target in pages}
    more = grow_members(group, coordinator, 12, start=10)
    services.set_named_attendance(meeting, actor=coordinator, members=first + more)
    for n in range(5):
        services.add_guest(meeting, actor=coordinator, name=f"Зочин {n}", stakeholder_type="cso", sex="female")
        other = services.create_issue(actor=coordinator, group=group, title=f"Асуудал {n + 1}")
        services.record_prioritisation(
            meeting, actor=coordinator, votes={(issue, "citizen"): 3, (other, "media"): n + 1}
        )
    held_meeting(group, coordinator, title="Дараагийн хурал", held_on=datetime.date(2026, 6, 1))
    for target in pages:
        assert cost(client, target) <= small[target], target


def test_the_issue_page_does_not_grow_with_its_evidence(personas, group):
    coordinator = personas.coordinator
    issue = services.create_issue(actor=coordinator, group=group, title="Ус", is_public=True)
    linked = services.create_issue(actor=coordinator, group=group, title="Холбоотой")

    def cite(n):
        services.add_evidence(actor=coordinator, issue=issue, kind=Evidence.Kind.NOTE, note=f"Тэмдэглэл {n}")
        services.add_evidence(actor=coordinator, issue=issue, kind=Evidence.Kind.LINK, url=f"https://example.mn/{n}")
        services.add_evidence(
            actor=coordinator, issue=issue, kind=Evidence.Kind.SCORECARD, target=linked, note="", url=""
        )

    cite(0)
    anonymous, member = client_for(personas, "anonymous"), client_for(personas, "monitor")
    small = (cost(anonymous, issue.get_absolute_url()), cost(member, issue.get_absolute_url()))
    for n in range(1, 6):
        cite(n)
    assert cost(anonymous, issue.get_absolute_url()) <= small[0]
    assert cost(member, issue.get_absolute_url()) <= small[1]


def test_plan_lists_prints_and_exports_do_not_grow_with_plans_actions_or_updates(personas, group, plan, action):
    coordinator = personas.coordinator
    services.post_update(action, actor=personas.monitor, text="Эхэлсэн", new_progress=10)
    client = client_for(personas, "coordinator")
    pages = [
        reverse("engagement:plan_list", args=[group.code]),
        reverse("engagement:plan_print", args=[plan.code]),
        reverse("engagement:plan_export", args=[plan.code, "csv"]),
        reverse("engagement:update_queue"),
        reverse("engagement:my_groups"),
        group.get_absolute_url(),
        personas.school.get_absolute_url(),
    ]
    small = {target: cost(client, target) for target in pages}
    for n in range(6):
        more = services.create_action_plan(
            actor=coordinator, group=group, title=f"Төлөвлөгөө {n}", service_unit=personas.school
        )
        added = services.add_action(
            actor=coordinator,
            plan=more,
            title=f"Ажил {n}",
            lead_organization=personas.education_dept,
            co_responsible=[personas.school_org, personas.cso],
            responsible_user=personas.monitor,
        )
        services.change_plan_status(more, ActionPlan.Status.AGREED, actor=coordinator)
        services.post_update(added, actor=personas.monitor, text=f"Явц {n}", new_progress=20)
        extra = services.add_action(
            actor=coordinator, plan=plan, title=f"Нэмэлт {n}", co_responsible=[personas.cso], due_on=None
        )
        services.post_update(extra, actor=personas.monitor, text=f"Нэмэлт явц {n}", new_progress=5)
    for target in pages:
        assert cost(client, target) <= small[target], target


@pytest.mark.parametrize("persona", ["anonymous", "coordinator"])
def test_project_pages_do_not_grow_with_projects_facilities_groups_or_issues(personas, group, persona):
    coordinator = personas.coordinator

    def project(n):
        issue = services.create_issue(actor=coordinator, group=group, title=f"Асуудал {n}", is_public=True)
        return services.create_project(
            actor=coordinator,
            organization=personas.cso,
            title=f"Төсөл {n}",
            tool=Project.Tool.SOCIAL_AUDIT,
            partners=[personas.network],
            facilities=[personas.school],
            groups=[group],
            issues=[issue],
        )

    first = project(0)
    client = client_for(personas, persona)
    pages = [reverse("engagement:project_list"), first.get_absolute_url()]
    small = {target: cost(client, target) for target in pages}
    for n in range(1, 6):
        project(n)
        first.issues.add(services.create_issue(actor=coordinator, group=group, title=f"Бас {n}", is_public=True))
        first.partners.add(personas.school_org, personas.education_dept)
        first.facilities.add(personas.clinic)
    for target in pages:
        assert cost(client, target) <= small[target], target
