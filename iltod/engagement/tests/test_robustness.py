"""Bad input on every form and POST of the engagement app: a clear error or a 404, never a 500 and
never a write. Codes and ids of another group's records are refused like unknown ones."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from iltod.accounts.models import AuditEvent
from iltod.engagement import services
from iltod.engagement.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    Attendance,
    AttendanceCount,
    Document,
    Evidence,
    Group,
    GroupMember,
    LocalIssue,
    Meeting,
    OutcomeStory,
    Prioritisation,
    Project,
    Sex,
    StakeholderType,
)
from iltod.feedback.uploads import clean_upload

from .helpers_groups import client_for, held_meeting, pdf, png


@pytest.fixture
def other(personas):
    """A Khovd group the coordinator has nothing to do with, with a meeting, an issue, a plan and an update."""
    group = services.create_group(
        actor=personas.admin,
        name="Ховд аймгийн олон талт бүлэг",
        admin_unit=personas.geo.other_aimag,
        convening_organization=personas.other_dept,
    )
    member = services.add_member(
        actor=personas.admin,
        group=group,
        person_name="Khovd member",
        stakeholder_type=StakeholderType.CITIZEN,
        sex=Sex.MALE,
    )
    meeting = held_meeting(group, personas.admin)
    services.set_named_attendance(meeting, actor=personas.admin, members=[member])
    issue = services.create_issue(actor=personas.admin, group=group, title="Khovd issue", admin_unit=group.admin_unit)
    plan = services.create_action_plan(actor=personas.admin, group=group, title="Khovd plan")
    action = services.add_action(actor=personas.admin, plan=plan, title="Khovd action")
    services.change_plan_status(plan, ActionPlan.Status.AGREED, actor=personas.admin)
    document = services.add_document(actor=personas.admin, upload=pdf(), meeting=meeting)
    return {
        "group": group,
        "member": member,
        "meeting": meeting,
        "issue": issue,
        "plan": plan,
        "action": action,
        "attendee": meeting.attendees.get(),
        "document": document,
    }


@pytest.fixture
def meeting(group, personas):
    return held_meeting(group, personas.coordinator)


def counts():
    """How many rows every engagement table holds: nothing may change after refused input."""
    models = [
        Group,
        GroupMember,
        Meeting,
        Attendance,
        AttendanceCount,
        Document,
        LocalIssue,
        Evidence,
        Prioritisation,
        ActionPlan,
        Action,
        ActionUpdate,
        OutcomeStory,
        Project,
    ]
    return {model.__name__: model.objects.count() for model in models} | {"events": AuditEvent.objects.count()}


def text_as_pdf():
    return SimpleUploadedFile("minutes.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")


def html_as_png():
    return SimpleUploadedFile("photo.png", b"<svg onload=alert(1)></svg>", "image/png")


# --- meetings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"title": "", "held_on": "2026-03-01", "kind": "regular", "status": "planned"},
        {"title": "x" * 300, "held_on": "2026-03-01", "kind": "regular", "status": "planned"},
        {"title": "Хурал", "held_on": "not a date", "kind": "regular", "status": "planned"},
        {"title": "Хурал", "held_on": "2026-02-30", "kind": "regular", "status": "planned"},
        {"title": "Хурал", "held_on": "2026-03-01", "kind": "party", "status": "planned"},
        {"title": "Хурал", "held_on": "2026-03-01", "kind": "regular", "status": "planned", "starts_at": "25:00"},
        {
            "title": "Хурал",
            "held_on": "2026-03-01",
            "kind": "regular",
            "status": "planned",
            "starts_at": "14:00",
            "ends_at": "10:00",
        },
        {"title": "Хурал", "held_on": "2099-03-01", "kind": "regular", "status": "held"},
        {"title": "Хурал", "held_on": "2026-03-01", "kind": "regular", "status": "planned", "agenda": "x" * 20001},
    ],
)
def test_a_meeting_with_bad_fields_is_refused_with_an_error_and_nothing_is_written(personas, group, data):
    before = counts()
    response = client_for(personas, "coordinator").post(reverse("engagement:meeting_create", args=[group.code]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert counts() == before


def test_named_attendance_refuses_a_member_of_another_group(personas, meeting, other):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_attendance", args=[meeting.code]),
        {"action": "members", "members": [other["member"].pk]},
    )
    assert response.status_code == 400
    assert response.context["attendance_form"].errors["members"]
    assert counts() == before


@pytest.mark.parametrize("value", ["-3", "abc", "1.5", "10001", "99999999999999999999"])
def test_attendance_counts_refuse_negative_huge_or_non_numbers(personas, meeting, value):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_attendance", args=[meeting.code]),
        {"action": "counts", "count-n_citizen_female": value},
    )
    assert response.status_code == 400
    assert response.context["count_form"].errors
    assert counts() == before


@pytest.mark.parametrize("attendee", ["", "abc", "-1", "999999999999999999999"])
def test_removing_an_unknown_participant_is_a_404(personas, meeting, attendee):
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_attendance", args=[meeting.code]), {"action": "remove", "attendee": attendee}
    )
    assert response.status_code == 404


def test_removing_a_participant_of_another_groups_meeting_is_a_404(personas, meeting, other):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_attendance", args=[meeting.code]),
        {"action": "remove", "attendee": other["attendee"].pk},
    )
    assert response.status_code == 404
    assert counts() == before


def test_a_guest_without_a_name_or_with_an_unknown_type_is_refused(personas, meeting):
    before = counts()
    client = client_for(personas, "coordinator")
    target = reverse("engagement:meeting_attendance", args=[meeting.code])
    for data in (
        {"action": "guest", "guest-name": "  ", "guest-stakeholder_type": "citizen", "guest-sex": "female"},
        {"action": "guest", "guest-name": "A", "guest-stakeholder_type": "alien", "guest-sex": "female"},
        {"action": "guest", "guest-name": "x" * 300, "guest-stakeholder_type": "citizen", "guest-sex": "female"},
        {"action": "nothing"},
    ):
        response = client.post(target, data)
        assert response.status_code == 400
    assert counts() == before


def test_votes_for_another_groups_issue_are_ignored_and_negative_votes_refused(personas, group, meeting, other):
    issue = services.create_issue(actor=personas.coordinator, group=group, title="Ус", admin_unit=group.admin_unit)
    client = client_for(personas, "coordinator")
    target = reverse("engagement:meeting_prioritise", args=[meeting.code])
    before = counts()
    response = client.post(target, {f"v_{issue.code}_cso": "-1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert counts() == before
    client.post(target, {f"v_{other['issue'].code}_cso": "5"})
    assert not Prioritisation.objects.filter(issue=other["issue"]).exists()


@pytest.mark.parametrize("upload", [text_as_pdf, html_as_png])
def test_a_file_that_is_not_what_it_claims_is_refused(personas, meeting, upload):
    before = counts()
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:meeting_document_add", args=[meeting.code]), {"file": upload(), "title": "Тэмдэглэл"}
    )
    assert response.status_code == 302
    assert counts() == before
    page = client.get(meeting.get_absolute_url())
    assert "Only photos (JPEG, PNG, WebP) and PDF documents can be attached." in page.content.decode()


def test_a_document_post_without_a_file_is_an_error_not_a_500(personas, meeting):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_document_add", args=[meeting.code]), {"title": "x" * 300}
    )
    assert response.status_code == 302
    assert counts() == before


def test_removing_another_groups_document_is_a_404(personas, group, other):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:document_remove", args=[other["document"].code])
    )
    assert response.status_code == 404
    assert counts() == before


def test_a_member_cannot_add_or_remove_documents_or_record_attendance(personas, meeting):
    document = services.add_document(actor=personas.coordinator, upload=png(), meeting=meeting)
    client = client_for(personas, "monitor")
    before = counts()
    for target, data in [
        (reverse("engagement:meeting_document_add", args=[meeting.code]), {"file": pdf()}),
        (reverse("engagement:document_remove", args=[document.code]), {}),
        (reverse("engagement:meeting_attendance", args=[meeting.code]), {"action": "guest", "guest-name": "X"}),
        (reverse("engagement:meeting_prioritise", args=[meeting.code]), {}),
        (reverse("engagement:meeting_edit", args=[meeting.code]), {"title": "X"}),
    ]:
        assert client.post(target, data).status_code == 404
    assert counts() == before


# --- issues and evidence ----------------------------------------------------------------------


def test_an_issue_raised_at_another_groups_meeting_is_refused(personas, group, other):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:issue_create", args=[group.code]),
        {"title": "Ус", "status": "raised", "raised_at": other["meeting"].pk, "is_public": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["raised_at"]
    assert counts() == before


def test_an_issue_about_a_facility_outside_the_groups_area_is_refused(personas, group):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:issue_create", args=[group.code]),
        {"title": "Ус", "status": "raised", "facility": personas.clinic.code, "is_public": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["facility"]
    assert counts() == before


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "feedback", "feedback_code": "NOPE123"},
        {"kind": "feedback", "feedback_code": ""},
        {"kind": "link", "url": "javascript:alert(1)"},
        {"kind": "link", "url": ""},
        {"kind": "note", "note": "   "},
        {"kind": "bogus"},
        {},
    ],
)
def test_bad_evidence_is_refused_with_an_error(personas, group, data):
    issue = services.create_issue(actor=personas.coordinator, group=group, title="Ус", admin_unit=group.admin_unit)
    before = counts()
    response = client_for(personas, "coordinator").post(reverse("engagement:issue_evidence", args=[issue.code]), data)
    assert response.status_code == 400
    assert response.context["evidence_form"].errors
    assert counts() == before


def test_removing_evidence_of_another_issue_is_a_404(personas, group, other):
    issue = services.create_issue(actor=personas.coordinator, group=group, title="Ус", admin_unit=group.admin_unit)
    theirs = services.add_evidence(actor=personas.admin, issue=other["issue"], kind="note", note="Khovd")
    before = counts()
    for value in (theirs.pk, "abc", ""):
        response = client_for(personas, "coordinator").post(
            reverse("engagement:issue_evidence", args=[issue.code]), {"action": "remove", "evidence": value}
        )
        assert response.status_code == 404
    assert counts() == before


# --- members and groups -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"stakeholder_type": "citizen", "sex": "female", "age_band": "unknown", "role": "member"},
        {"person_name": "A", "stakeholder_type": "alien", "sex": "female", "age_band": "unknown", "role": "member"},
        {"person_name": "A", "stakeholder_type": "citizen", "sex": "x", "age_band": "unknown", "role": "member"},
        {"person_name": "A", "stakeholder_type": "citizen", "sex": "male", "age_band": "unknown", "role": "king"},
        {
            "person_name": "A",
            "stakeholder_type": "citizen",
            "sex": "male",
            "age_band": "unknown",
            "role": "member",
            "joined_on": "2026-05-01",
            "left_on": "2026-01-01",
        },
        {
            "person_name": "A",
            "stakeholder_type": "citizen",
            "sex": "male",
            "age_band": "unknown",
            "role": "member",
            "user_email": "nobody@example.mn",
        },
        {
            "person_name": "A",
            "stakeholder_type": "citizen",
            "sex": "male",
            "age_band": "unknown",
            "role": "member",
            "user_email": "monitor@example.mn",
        },
        {
            "person_name": "x" * 300,
            "stakeholder_type": "citizen",
            "sex": "male",
            "age_band": "unknown",
            "role": "member",
        },
    ],
)
def test_a_member_with_bad_fields_is_refused(personas, group, data):
    before = counts()
    response = client_for(personas, "coordinator").post(reverse("engagement:member_add", args=[group.code]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert counts() == before


def test_editing_a_member_of_another_group_is_a_404(personas, group, other):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:member_edit", args=[other["member"].code]),
        {
            "person_name": "Hacked",
            "stakeholder_type": "citizen",
            "sex": "male",
            "age_band": "unknown",
            "role": "member",
        },
    )
    assert response.status_code == 404
    assert counts() == before


def test_a_group_convened_by_someone_elses_organisation_or_an_unknown_facility_is_refused(personas):
    before = counts()
    client = client_for(personas, "coordinator")
    base = {"name_mn": "Бүлэг", "admin_unit": personas.geo.aimag.code, "convening_organization": personas.cso.pk}
    for data in (
        base | {"convening_organization": personas.other_dept.pk},
        base | {"facility": "NOPE"},
        base | {"facility": personas.clinic.code},
        base | {"admin_unit": "NOPE"},
        base | {"established_on": "yesterday"},
    ):
        response = client.post(reverse("engagement:group_create"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert counts() == before


# --- plans, actions, updates, stories ------------------------------------------------------------


def test_a_plan_for_another_groups_meeting_issue_or_a_facility_elsewhere_is_refused(personas, group, other):
    before = counts()
    client = client_for(personas, "coordinator")
    for data in (
        {"title": "План", "meeting": other["meeting"].pk},
        {"title": "План", "issue": other["issue"].pk},
        {"title": "План", "service_unit": personas.clinic.pk},
        {"title": ""},
        {"title": "x" * 300},
    ):
        response = client.post(reverse("engagement:plan_create", args=[group.code]), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize("status", ["", "completed", "bogus", "draft"])
def test_a_plan_status_not_offered_is_refused(personas, plan, status):
    before = counts()
    response = client_for(personas, "coordinator").post(
        reverse("engagement:plan_status", args=[plan.code]), {"status": status}
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.AGREED
    assert counts() == before


def test_an_action_with_bad_fields_is_refused(personas, plan):
    before = counts()
    client = client_for(personas, "coordinator")
    for data in (
        {"title": ""},
        {"title": "A", "due_on": "2026-13-01"},
        {"title": "A", "responsible_user": personas.other_officer.pk},
        {"title": "A", "lead_organization": personas.cso.pk, "co_responsible": [personas.cso.pk]},
        {"title": "A", "order": "-1"},
        {"title": "A", "lead_organization": "abc"},
    ):
        response = client.post(reverse("engagement:action_create", args=[plan.code]), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize(
    "data",
    [
        {"text": ""},
        {"text": "   "},
        {"text": "Done", "new_progress": "150"},
        {"text": "Done", "new_progress": "-5"},
        {"text": "Done", "new_progress": "abc"},
        {"text": "Done", "new_status": "finished"},
        {"text": "Done", "new_status": "done", "new_progress": "40"},
        {"text": "x" * 5001},
    ],
)
def test_an_update_with_bad_fields_is_refused(personas, action, data):
    before = counts()
    response = client_for(personas, "monitor").post(reverse("engagement:update_create", args=[action.code]), data)
    assert response.status_code == 400
    assert response.context["update_form"].errors
    assert counts() == before


def test_an_update_whose_photo_is_a_pdf_or_whose_document_is_html_is_refused(personas, action):
    before = counts()
    client = client_for(personas, "monitor")
    for files in ({"photo": pdf()}, {"document": text_as_pdf()}, {"photo": html_as_png()}):
        response = client.post(reverse("engagement:update_create", args=[action.code]), {"text": "Done", **files})
        assert response.status_code == 400
    assert counts() == before


def test_updates_on_another_groups_action_are_a_404_for_members_and_outsiders(personas, action, other):
    before = counts()
    for persona in ("monitor", "coordinator", "citizen", "provider"):
        response = client_for(personas, persona).post(
            reverse("engagement:update_create", args=[other["action"].code]), {"text": "Done"}
        )
        assert response.status_code == 404
    assert counts() == before


def test_reviews_by_members_outsiders_or_with_bad_decisions_change_nothing(personas, action):
    update = services.post_update(action, actor=personas.monitor, text="Quotes collected", new_progress=30)
    before = counts()
    for persona in ("monitor", "citizen", "other_officer"):
        response = client_for(personas, persona).post(
            reverse("engagement:update_review", args=[update.code]), {"decision": "approve"}
        )
        assert response.status_code == 404
    client = client_for(personas, "coordinator")
    for data in ({"decision": "maybe"}, {"decision": "reject", "note": "  "}, {}):
        response = client.post(reverse("engagement:update_review", args=[update.code]), data)
        assert response.status_code == 302
    assert ActionUpdate.objects.get(pk=update.pk).review == ActionUpdate.Review.PENDING
    assert counts() == before


def test_an_update_cannot_be_reviewed_twice(personas, action):
    update = services.post_update(action, actor=personas.monitor, text="Quotes collected", new_progress=30)
    client = client_for(personas, "coordinator")
    client.post(reverse("engagement:update_review", args=[update.code]), {"decision": "approve"})
    before = counts()
    response = client.post(
        reverse("engagement:update_review", args=[update.code]), {"decision": "reject", "note": "No"}, follow=True
    )
    assert response.status_code == 200
    assert "This update has already been reviewed." in response.content.decode()
    assert ActionUpdate.objects.get(pk=update.pk).review == ActionUpdate.Review.APPROVED
    assert counts() == before


def test_a_story_about_an_action_of_another_plan_is_refused(personas, plan, other):
    before = counts()
    client = client_for(personas, "coordinator")
    for data in (
        {"title": "Өөрчлөлт", "what_changed": "Ус орсон", "action": other["action"].pk},
        {"title": "", "what_changed": "Ус орсон"},
        {"title": "Өөрчлөлт", "what_changed": ""},
        {"title": "Өөрчлөлт", "what_changed": "Ус орсон", "photo": pdf()},
    ):
        response = client.post(reverse("engagement:story_create", args=[plan.code]), data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert counts() == before


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "provider", "other_officer", "monitor"])
def test_nobody_but_a_coordinator_changes_a_plan(personas, plan, persona):
    before = counts()
    client = client_for(personas, persona)
    for name, data in [
        ("plan_edit", {"title": "Hacked"}),
        ("plan_status", {"status": "in_progress"}),
        ("action_create", {"title": "Hacked"}),
        ("story_create", {"title": "Hacked", "what_changed": "x"}),
    ]:
        response = client.post(reverse(f"engagement:{name}", args=[plan.code]), data)
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert "/accounts/" in response["Location"] or "login" in response["Location"]
    assert counts() == before


# --- projects -----------------------------------------------------------------------------------


def test_a_project_with_dates_out_of_order_a_negative_budget_or_anothers_records_is_refused(personas, group, other):
    before = counts()
    client = client_for(personas, "coordinator")
    base = {
        "title": "Төсөл",
        "organization": personas.cso.pk,
        "tool": "scorecard",
        "status": "planned",
        "currency": "MNT",
    }
    for data in (
        base | {"starts_on": "2026-05-01", "ends_on": "2026-01-01"},
        base | {"budget": "-100"},
        base | {"budget": "abc"},
        base | {"organization": personas.other_dept.pk},
        base | {"groups": [other["group"].pk]},
        base | {"issues": [other["issue"].pk]},
        base | {"facility_codes": "NOPE"},
        base | {"tool": "magic"},
    ):
        response = client.post(reverse("engagement:project_create"), data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert counts() == before


# --- exports and GETs on POST-only pages -----------------------------------------------------------


def test_exports_in_unknown_formats_are_a_404_and_post_only_pages_refuse_get(personas, group, meeting, plan):
    client = client_for(personas, "coordinator")
    for name, code in [
        ("member_export", group.code),
        ("group_attendance_export", group.code),
        ("meeting_attendance_export", meeting.code),
        ("plan_export", plan.code),
    ]:
        assert client.get(reverse(f"engagement:{name}", args=[code, "pdf"])).status_code == 404
    for name, code in [
        ("meeting_document_add", meeting.code),
        ("plan_status", plan.code),
        ("issue_evidence", "NOPE"),
    ]:
        assert client.get(reverse(f"engagement:{name}", args=[code])).status_code == 405


@pytest.mark.parametrize("page", ["abc", "-1", "99999", "1' OR 1=1"])
def test_lists_with_nonsense_page_numbers_still_answer(personas, group, page):
    client = client_for(personas, "coordinator")
    for target in (
        reverse("engagement:group_list"),
        reverse("engagement:my_groups"),
        reverse("engagement:member_list", args=[group.code]),
        reverse("engagement:plan_list", args=[group.code]),
        reverse("engagement:update_queue"),
        reverse("engagement:project_list"),
    ):
        assert client.get(target, {"page": page, "area": "NOPE", "tool": "x"}).status_code == 200


def test_a_meeting_marked_held_in_the_future_is_refused_on_edit_too(personas, meeting):
    future = datetime.date.today() + datetime.timedelta(days=30)
    response = client_for(personas, "coordinator").post(
        reverse("engagement:meeting_edit", args=[meeting.code]),
        {"title": meeting.title, "kind": "regular", "status": "held", "held_on": future.isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"]
    assert Meeting.objects.get(pk=meeting.pk).held_on == meeting.held_on


def test_free_texts_of_plans_actions_groups_and_evidence_have_a_length_limit(personas, group, plan):
    client = client_for(personas, "coordinator")
    huge = "x" * 20001
    issue = services.create_issue(actor=personas.coordinator, group=group, title="Ус", admin_unit=group.admin_unit)
    before = counts()
    for target, data, form in [
        (reverse("engagement:plan_edit", args=[plan.code]), {"title": "План", "description": huge}, "form"),
        (reverse("engagement:action_create", args=[plan.code]), {"title": "A", "resources": huge}, "form"),
        (
            reverse("engagement:group_edit", args=[group.code]),
            {
                "name_mn": "Бүлэг",
                "admin_unit": group.admin_unit.code,
                "convening_organization": personas.cso.pk,
                "description_en": huge,
            },
            "form",
        ),
        (reverse("engagement:issue_evidence", args=[issue.code]), {"kind": "note", "note": huge}, "evidence_form"),
    ]:
        response = client.post(target, data)
        assert response.status_code in (200, 400), target
        assert response.context[form].errors, target
    assert counts() == before


# --- records whose related people or organisations changed since ---------------------------------


def test_a_coordinator_member_edits_a_group_that_has_no_convening_organisation(personas, other):
    group = other["group"]
    Group.objects.filter(pk=group.pk).update(convening_organization=None)
    services.add_member(
        actor=personas.admin,
        group=group,
        user=personas.citizen,
        person_name="Chair",
        stakeholder_type=StakeholderType.CITIZEN,
        role=GroupMember.Role.COORDINATOR,
    )
    response = client_for(personas, "citizen").post(
        reverse("engagement:group_edit", args=[group.code]),
        {"name_mn": "Шинэ нэр", "admin_unit": group.admin_unit.code, "is_active": "on", "is_public": "on"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name_mn, group.convening_organization) == ("Шинэ нэр", None)


def test_an_action_whose_responsible_person_left_the_group_can_still_be_edited(personas, group, action):
    services.edit_action(action, actor=personas.coordinator, responsible_user=personas.monitor)
    member = GroupMember.objects.get(group=group, user=personas.monitor)
    services.update_member(member, actor=personas.coordinator, left_on=datetime.date(2026, 1, 1))
    response = client_for(personas, "coordinator").post(
        reverse("engagement:action_edit", args=[action.code]),
        {"title": "Шинэ нэр", "responsible_user": personas.monitor.pk, "order": action.order},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.responsible_user) == ("Шинэ нэр", personas.monitor)


def test_a_member_whose_organisation_closed_can_still_be_edited(personas, group):
    member = GroupMember.objects.get(group=group, user=personas.monitor)
    type(personas.cso).objects.filter(pk=personas.cso.pk).update(is_active=False)
    response = client_for(personas, "admin").post(
        reverse("engagement:member_edit", args=[member.code]),
        {
            "person_name": "Monitor B.",
            "organization": personas.cso.pk,
            "stakeholder_type": "cso",
            "sex": "female",
            "age_band": "unknown",
            "role": "member",
            "user_email": personas.monitor.email,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.person_name, member.organization) == ("Monitor B.", personas.cso)


def test_a_story_photo_or_document_missing_from_the_storage_is_a_404_not_a_500(personas, plan, meeting):
    story = services.add_story(
        plan, actor=personas.coordinator, title="Дулаан", what_changed="Засагдсан", photo=clean_upload(png())
    )
    document = services.add_document(actor=personas.coordinator, upload=pdf(), meeting=meeting)
    story.photo.storage.delete(story.photo.name)
    document.file.storage.delete(document.file.name)
    client = client_for(personas, "coordinator")
    assert client.get(reverse("engagement:story_photo", args=[story.code])).status_code == 404
    assert client.get(reverse("engagement:document", args=[document.code])).status_code == 404


# --- every address, with unknown codes and with junk posted -------------------------------------


def _addresses(codes: dict):
    """Every engagement address, its code filled from ``codes`` by the kind of record in its path."""
    from iltod.engagement.urls import urlpatterns

    for pattern in urlpatterns:
        route = str(pattern.pattern)
        kwargs = {}
        if "<str:code>" in route:
            kwargs["code"] = codes[route.split("/", maxsplit=1)[0]]
        if "<str:fmt>" in route:
            kwargs["fmt"] = "csv"
        yield route, reverse(f"engagement:{pattern.name}", kwargs=kwargs)


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "monitor", "coordinator"])
def test_no_address_answers_an_unknown_code_with_a_server_error(personas, persona):
    client = client_for(personas, persona)
    unknown = dict.fromkeys(["groups", "meetings", "issues", "projects", "plans", "actions", "updates"], "NOPE")
    unknown |= {"members": "NOPE", "documents": "NOPE", "stories": "NOPE"}
    for route, address in _addresses(unknown):
        for method in (client.get, client.post):
            response = method(address)
            assert response.status_code in (200, 302, 404, 405), (route, method.__name__, response.status_code)
            if "<str:code>" in route and response.status_code == 200:
                pytest.fail(f"{route} answered an unknown code with a page")


@pytest.mark.parametrize("persona", ["citizen", "monitor", "coordinator"])
def test_junk_posted_to_every_address_is_refused_without_a_server_error(personas, group, plan, action, persona):
    meeting = held_meeting(group, personas.coordinator)
    issue = services.create_issue(actor=personas.coordinator, group=group, title="Ус", admin_unit=group.admin_unit)
    update = services.post_update(action, actor=personas.monitor, text="Эхэлсэн", new_progress=10)
    story = services.add_story(plan, actor=personas.coordinator, title="Дулаан", what_changed="Засагдсан")
    document = services.add_document(actor=personas.coordinator, upload=pdf(), meeting=meeting)
    project = services.create_project(
        actor=personas.coordinator, organization=personas.cso, title="Төсөл", tool=Project.Tool.SOCIAL_AUDIT
    )
    codes = {
        "groups": group.code,
        "members": GroupMember.objects.filter(group=group).first().code,
        "meetings": meeting.code,
        "issues": issue.code,
        "projects": project.code,
        "plans": plan.code,
        "actions": action.code,
        "updates": update.code,
        "stories": story.code,
        "documents": document.code,
    }
    junk = {
        "action": "members",
        "members": ["x", "-1"],
        "title": ["a", "b"],
        "status": "\x00",
        "held_on": "0000-00-00",
        "decision": "approve\x00",
        "count-n_citizen_female": "1e9",
        "attendee": "1 OR 1=1",
        "evidence": "[]",
        "kind": "feedback",
        "feedback_code": "x" * 100,
        "page": "-1",
    }
    client = client_for(personas, persona)
    before = counts()
    for route, address in _addresses(codes):
        response = client.post(address, junk)
        assert response.status_code in (200, 302, 400, 404, 405), (route, response.status_code)
    if persona != "coordinator":  # some of the junk is valid for a coordinator (a plan titled "b")
        assert counts() == before
