"""Who may open which page of groups, meetings, issues and projects, persona by persona:
coordinators manage, members see the group's non-public records, everyone sees public records,
and anything else is "not found"."""

import pytest
from django.test import Client
from django.urls import reverse

from iltod.engagement import services
from iltod.engagement.models import Project

from .helpers_groups import PERSONAS, SOME_MEMBERS, add_members, client_for, held_meeting, pdf

LOGIN = reverse("accounts:login")


@pytest.fixture
def records(personas, group):
    member = add_members(group, personas.coordinator, SOME_MEMBERS[:1])[0]
    meeting = held_meeting(group, personas.coordinator)
    issue = services.create_issue(actor=personas.coordinator, group=group, title="Хоол")
    project = services.create_project(
        actor=personas.coordinator, organization=personas.cso, title="Төсөл", tool=Project.Tool.SCORECARD
    )
    document = services.add_document(actor=personas.coordinator, upload=pdf(), meeting=meeting)
    return {
        "group": group.code,
        "member": member.code,
        "meeting": meeting.code,
        "issue": issue.code,
        "project": project.code,
        "document": document.code,
    }


def url_of(records, name, kind, *extra):
    return reverse(f"engagement:{name}", args=[records[kind], *extra])


PUBLIC = (
    ("group_detail", "group"),
    ("meeting_detail", "meeting"),
    ("meeting_agenda", "meeting"),
    (
        "issue_detail",
        "issue",
    ),
    ("project_detail", "project"),
    ("document", "document"),
)
MEMBERS = ("member_list", "group"), ("meeting_sign_in", "meeting")
COORDINATORS = (
    ("group_edit", "group"),
    ("member_add", "group"),
    ("meeting_create", "group"),
    ("issue_create", "group"),
    ("member_edit", "member"),
    ("meeting_edit", "meeting"),
    ("meeting_attendance", "meeting"),
    ("meeting_prioritise", "meeting"),
    ("issue_edit", "issue"),
    ("project_edit", "project"),
)
ROLE_OF = {
    "anonymous": None,
    "citizen": None,
    "provider": None,
    "other_officer": None,
    "monitor": "member",
    "coordinator": "coordinator",
    "admin": "coordinator",
}


def expected(persona, needs):
    role = ROLE_OF[persona]
    if needs == "public":
        return 200
    if persona == "anonymous":
        return 302
    if needs == "member":
        return 200 if role else 404
    return 200 if role == "coordinator" else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_each_persona_as_their_role_allows(personas, records, persona):
    client = client_for(personas, persona)
    for needs, pages in (("public", PUBLIC), ("member", MEMBERS), ("coordinator", COORDINATORS)):
        for name, kind in pages:
            response = client.get(url_of(records, name, kind))
            assert response.status_code == expected(persona, needs), (name, persona)
            if response.status_code == 302:
                assert response["Location"].startswith(LOGIN)
    exports = [
        (reverse("engagement:group_attendance_export", args=[records["group"], "csv"]), "member"),
        (reverse("engagement:member_export", args=[records["group"], "csv"]), "coordinator"),
        (reverse("engagement:meeting_attendance_export", args=[records["meeting"], "xlsx"]), "coordinator"),
    ]
    for url, needs in exports:
        assert client.get(url).status_code == expected(persona, needs), (url, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_new_groups_and_projects_are_started_by_those_who_coordinate_groups(personas, persona):
    client = client_for(personas, persona)
    for name in ("group_create", "project_create"):
        status = client.get(reverse(f"engagement:{name}")).status_code
        assert status == {"anonymous": 302, "coordinator": 200, "admin": 200}.get(persona, 404), (name, persona)


@pytest.mark.parametrize("persona", ["citizen", "provider", "other_officer", "monitor"])
def test_changes_posted_by_anyone_but_a_coordinator_are_not_found_and_change_nothing(personas, records, persona):
    client = client_for(personas, persona)
    posts = [
        (url_of(records, "meeting_edit", "meeting"), {"title": "X", "kind": "regular", "status": "held",
                                                        "held_on": "2026-01-01"}),
        (url_of(records, "meeting_attendance", "meeting"), {"action": "guest", "guest-name": "X",
                                                              "guest-stakeholder_type": "citizen"}),
        (url_of(records, "meeting_document_add", "meeting"), {}),
        (url_of(records, "issue_evidence", "issue"), {"kind": "note", "note": "X"}),
        (url_of(records, "issue_document_add", "issue"), {}),
        (url_of(records, "document_remove", "document"), {}),
        (url_of(records, "meeting_prioritise", "meeting"), {}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    from iltod.engagement.models import Attendance, Document, Evidence, Meeting

    assert not Attendance.objects.exists() and not Evidence.objects.exists()
    assert Document.objects.count() == 1 and Meeting.objects.get().title != "X"


def test_actions_that_change_things_accept_only_post(personas, records):
    client = client_for(personas, "coordinator")
    for name, kind in (
        ("meeting_document_add", "meeting"),
        ("issue_evidence", "issue"),
        ("issue_document_add", "issue"),
        ("document_remove", "document"),
    ):
        assert client.get(url_of(records, name, kind)).status_code == 405


def test_a_post_without_the_csrf_token_is_refused(personas, records):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.coordinator)
    response = client.post(url_of(records, "issue_evidence", "issue"), {"kind": "note", "note": "X"})
    assert response.status_code == 403


def test_members_pages_of_a_group_that_is_not_public_stay_hidden_from_outsiders(personas, group, records):
    services.update_group(group, actor=personas.coordinator, is_public=False)
    for persona in ("anonymous", "citizen", "other_officer"):
        client = client_for(personas, persona)
        for name, kind in PUBLIC[:4]:
            assert client.get(url_of(records, name, kind)).status_code == 404, (name, persona)
    assert client_for(personas, "monitor").get(url_of(records, "issue_detail", "issue")).status_code == 200


def test_unknown_codes_are_not_found(personas):
    client = client_for(personas, "admin")
    for name in ("group_detail", "meeting_detail", "issue_detail", "project_detail", "document", "member_edit"):
        assert client.get(reverse(f"engagement:{name}", args=["NOSUCHCODE"])).status_code == 404
