"""The back office lists and opens every engagement record."""

import pytest
from django.urls import reverse

from iltod.engagement import services
from iltod.engagement.models import Project

from .helpers_groups import SOME_MEMBERS, add_members, client_for, held_meeting, pdf

MODELS = [
    "group",
    "groupmember",
    "meeting",
    "attendance",
    "attendancecount",
    "document",
    "localissue",
    "evidence",
    "prioritisation",
    "actionplan",
    "action",
    "actionupdate",
    "outcomestory",
    "project",
]


@pytest.fixture
def filled(personas, group):
    members = add_members(group, personas.coordinator, SOME_MEMBERS)
    meeting = held_meeting(group, personas.coordinator)
    services.set_named_attendance(meeting, actor=personas.coordinator, members=members)
    services.set_attendance_counts(meeting, actor=personas.coordinator, counts={("citizen", "male"): 3})
    issue = services.create_issue(actor=personas.coordinator, group=group, title="Хоол")
    services.add_evidence(actor=personas.coordinator, issue=issue, kind="note", note="Тэмдэглэл")
    services.record_prioritisation(meeting, actor=personas.coordinator, votes={(issue, "citizen"): 4})
    services.add_document(actor=personas.coordinator, upload=pdf(), meeting=meeting)
    plan = services.create_action_plan(actor=personas.coordinator, group=group, title="Төлөвлөгөө", issue=issue)
    services.add_action(actor=personas.coordinator, plan=plan, title="Шалгах")
    services.create_project(
        actor=personas.coordinator, organization=personas.cso, title="Төсөл", tool=Project.Tool.SOCIAL_AUDIT
    )
    return {"group": group, "meeting": meeting, "issue": issue, "plan": plan}


@pytest.mark.parametrize("model", MODELS)
def test_the_back_office_lists_and_opens_every_engagement_record(personas, filled, model):
    client = client_for(personas, "admin")
    listing = client.get(reverse(f"admin:engagement_{model}_changelist"))
    assert listing.status_code == 200
    found = listing.context["cl"].result_list
    if found:
        assert client.get(reverse(f"admin:engagement_{model}_change", args=[found[0].pk])).status_code == 200
    assert client.get(reverse(f"admin:engagement_{model}_changelist"), {"q": "x"}).status_code == 200
