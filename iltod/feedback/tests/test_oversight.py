"""Oversight: the department over a handler sees its items read-only, with their deadlines, may take
one over or escalate it, and keeps sight of it after escalation."""

import pytest
from django.test import Client
from django.urls import reverse

from iltod.accounts.capabilities import Role
from iltod.accounts.models import ApiKey, AuditEvent
from iltod.accounts.services import create_api_key, grant_membership
from iltod.core.testing import make_org, make_user
from iltod.feedback import services
from iltod.feedback.models import Event, Feedback
from iltod.feedback.permissions import can_handle, can_oversee, staff_feedback
from iltod.organizations.models import Organization

from .helpers import TUESDAY, at, category, reload, submit

INBOX = reverse("feedback:inbox")
JUST_AFTER_DEADLINE = at(2026, 10, 9, 12)


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


def staff(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def listed(client, view) -> list[str]:
    return [f.tracking_code for f in client.get(INBOX, {"view": view}).context["page"].object_list]


def test_a_school_item_is_overseen_by_the_aimag_department(world):
    feedback = submit(world)
    assert feedback.handling_organization == world.school_org
    assert feedback.oversight_organization == world.education_dept


def test_the_soum_department_oversees_the_school_and_the_aimag_department_oversees_the_soum(world):
    soum_dept = make_org(
        Organization.Kind.EDUCATION_DEPARTMENT, "Батцэнгэл сумын боловсролын алба", covers=[world.geo.soum]
    )
    assert submit(world).oversight_organization == soum_dept
    about_the_soum = submit(world, service_unit=None, admin_unit=world.geo.soum, category=category("edu-building"))
    assert about_the_soum.handling_organization == soum_dept
    assert about_the_soum.oversight_organization == world.education_dept


def test_the_department_reads_overseen_items_with_their_deadlines_but_does_not_handle_them(world, time_machine):
    overdue = submit(world)
    time_machine.move_to(at(2026, 9, 20), tick=False)
    later = submit(world)
    own = submit(world, privacy=Feedback.Privacy.CONFIDENTIAL)  # the department handles this one
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    officer = staff(world.officer)
    response = officer.get(INBOX, {"view": "overseen"})
    assert [f.tracking_code for f in response.context["page"].object_list] == [
        overdue.tracking_code,
        later.tracking_code,
    ]
    page = response.content.decode()
    assert "Overseen by us" in page
    assert page.count('class="tag overdue"') == 1
    assert listed(officer, "open") == [own.tracking_code]  # the work list stays the department's own
    case = officer.get(overdue.get_staff_url())
    assert case.status_code == 200
    assert case.context["can_handle"] is False
    assert case.context["can_oversee"] is True
    assert "Take over" in case.content.decode()
    assert not can_handle(world.officer, overdue)
    with pytest.raises(services.FeedbackError):
        services.change_status(overdue, Feedback.Status.ACKNOWLEDGED, actor=world.officer)


def test_the_overseen_view_needs_the_same_queries_for_5_and_30_items(world, django_assert_max_num_queries):
    officer = staff(world.officer)

    def add(n):
        for _ in range(n):
            submit(world)

    add(5)
    officer.get(INBOX, {"view": "overseen"})
    with django_assert_max_num_queries(20) as few:
        assert officer.get(INBOX, {"view": "overseen"}).status_code == 200
    add(25)
    with django_assert_max_num_queries(20) as many:
        response = officer.get(INBOX, {"view": "overseen"})
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_department_takes_an_item_over(world):
    feedback = submit(world)
    services.assign(feedback, actor=world.provider, assignee=world.provider)
    response = staff(world.officer).post(reverse("feedback:staff_take_over", args=[feedback.tracking_code]))
    assert response.status_code == 302
    feedback = reload(feedback)
    assert feedback.handling_organization == world.education_dept
    assert feedback.assigned_to is None
    event = feedback.events.get(type=Event.Type.TAKEN_OVER)
    assert (event.actor, event.organization, event.is_public) == (world.officer, world.education_dept, True)
    assert event.data == {"from_org": world.school_org.pk, "to_org": world.education_dept.pk}
    audit = AuditEvent.objects.get(action="feedback.taken_over")
    assert (audit.actor, audit.target_id) == (world.officer, str(feedback.pk))
    assert can_handle(world.officer, feedback)
    assert not staff_feedback(world.provider).filter(pk=feedback.pk).exists()
    services.change_status(feedback, Feedback.Status.ACKNOWLEDGED, actor=world.officer)


@pytest.mark.parametrize("persona", ["provider", "other_officer", "ministry_officer", "citizen"])
def test_only_the_oversight_body_may_take_over(world, persona):
    feedback = submit(world)
    user = getattr(world, persona)
    assert not can_oversee(user, feedback)
    response = staff(user).post(reverse("feedback:staff_take_over", args=[feedback.tracking_code]))
    assert response.status_code == (302 if persona == "provider" else 404)
    assert reload(feedback).handling_organization == world.school_org


def test_the_department_escalates_an_item_above_itself_and_keeps_sight_of_it(world):
    feedback = submit(world)
    response = staff(world.officer).post(reverse("feedback:staff_escalate", args=[feedback.tracking_code]))
    assert response.status_code == 302
    feedback = reload(feedback)
    assert (feedback.escalated_to, feedback.escalation_level) == (world.ministry, 1)
    assert feedback.oversight_organization == world.education_dept
    assert feedback.events.get(type=Event.Type.ESCALATED).actor == world.officer
    assert AuditEvent.objects.filter(action="feedback.escalated", target_id=str(feedback.pk)).exists()
    ministry = staff(world.ministry_officer)
    assert listed(ministry, "escalated") == [feedback.tracking_code]
    assert listed(staff(world.officer), "overseen") == [feedback.tracking_code]
    assert listed(staff(world.provider), "open") == [feedback.tracking_code]


def test_no_level_loses_sight_when_an_overdue_item_climbs(world, time_machine):
    feedback = submit(world)
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    assert services.escalate_overdue() == 1
    assert reload(feedback).escalated_to == world.education_dept
    time_machine.move_to(at(2026, 10, 30, 12), tick=False)
    assert services.escalate_overdue() == 1
    feedback = reload(feedback)
    assert (feedback.escalated_to, feedback.oversight_organization) == (world.ministry, world.education_dept)
    for user in (world.provider, world.officer, world.ministry_officer):
        assert staff_feedback(user).filter(pk=feedback.pk).exists(), user


def test_the_oversight_follows_a_referral(world):
    feedback = submit(world)
    services.refer(feedback, actor=world.provider, organization=world.ministry, reason="Яамны асуудал.")
    assert reload(feedback).oversight_organization == world.education_dept  # nothing over a ministry: kept
    about_the_soum = submit(world, service_unit=None, admin_unit=world.geo.soum, category=category("edu-building"))
    assert about_the_soum.oversight_organization is None  # the aimag department handles it: nobody over it
    services.refer(about_the_soum, actor=world.officer, organization=world.school_org, reason="Сургуулийн асуудал.")
    assert reload(about_the_soum).oversight_organization == world.education_dept


def test_the_staff_see_the_reporters_privacy_choice_in_the_third_person(world):
    feedback = submit(world, privacy=Feedback.Privacy.NAME_HIDDEN)
    page = staff(world.provider).get(feedback.get_staff_url()).content.decode()
    assert "the reporter asked that their name be hidden" in page
    assert "my name" not in page


def test_resolving_uses_the_public_response_just_posted(world):
    feedback = submit(world, reporter_email="bat@example.mn")
    services.respond(feedback, actor=world.provider, text="Хоолыг халуунаар түгээдэг болсон.", public=True)
    page = staff(world.provider).get(feedback.get_staff_url())
    assert page.context["latest_response"] == "Хоолыг халуунаар түгээдэг болсон."
    response = staff(world.provider).post(
        reverse("feedback:staff_status", args=[feedback.tracking_code]), {"status": "resolved", "text": ""}
    )
    assert response.status_code == 302
    feedback = reload(feedback)
    assert (feedback.status, feedback.public_response) == (
        Feedback.Status.RESOLVED,
        "Хоолыг халуунаар түгээдэг болсон.",
    )
    assert feedback.events.get(type=Event.Type.STATUS, new_status="resolved").text == ""  # not shown twice


def test_resolving_without_any_public_response_still_asks_for_one(world):
    feedback = submit(world)
    services.respond(feedback, actor=world.provider, text="Дотоод тэмдэглэл.", public=False)
    services.change_status(feedback, Feedback.Status.ACKNOWLEDGED, actor=world.provider)
    with pytest.raises(services.FeedbackError):
        services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider)
    services.respond(feedback, actor=world.provider, text="Өмнөх хариу.", public=True)
    services.change_status(feedback, Feedback.Status.IN_PROGRESS, actor=world.provider)
    with pytest.raises(services.FeedbackError):  # a response before the last change does not count
        services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider)


# --- the REST API -----------------------------------------------------------------------------------


def test_the_department_key_lists_overseen_items_read_only(world):
    _key, raw = create_api_key(
        actor=world.admin, organization=world.education_dept, name="dashboard", scope=ApiKey.Scope.WRITE
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    feedback = submit(world)
    client = Client()
    rows = client.get("/api/v1/staff/feedback/?view=overseen", **headers).json()["results"]
    assert [row["tracking_code"] for row in rows] == [feedback.tracking_code]
    assert client.get("/api/v1/staff/feedback/", **headers).json()["results"] == []
    detail = client.get(f"/api/v1/staff/feedback/{feedback.tracking_code}/", **headers).json()
    assert detail["can_act"] is False
    response = client.post(
        f"/api/v1/staff/feedback/{feedback.tracking_code}/status/",
        {"status": "acknowledged"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert reload(feedback).status == Feedback.Status.RECEIVED


def test_a_department_member_who_also_works_at_the_school_is_an_ordinary_overseer_of_its_meals(world):
    both = make_user("both@example.mn", "Хоёр газар")
    grant_membership(actor=world.admin, user=both, organization=world.education_dept, role=Role.OFFICER)
    grant_membership(actor=world.admin, user=both, organization=world.school_org, role=Role.MEMBER)
    meals = submit(world)
    assert staff_feedback(both).filter(pk=meals.pk).exists()  # not guarded: the rule does not hide it


def test_the_department_key_takes_over_or_escalates_through_the_api_and_the_school_key_cannot(world):
    department, raw = create_api_key(
        actor=world.admin, organization=world.education_dept, name="crm", scope=ApiKey.Scope.WRITE
    )
    _school, school_raw = create_api_key(
        actor=world.admin, organization=world.school_org, name="school", scope=ApiKey.Scope.WRITE
    )
    client = Client()
    escalated, taken = submit(world), submit(world)

    def post(feedback, action, key):
        return client.post(
            f"/api/v1/staff/feedback/{feedback.tracking_code}/{action}/",
            {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    assert post(taken, "take-over", school_raw).status_code == 403  # the handler does not oversee itself
    response = post(escalated, "escalate", raw)
    assert response.status_code == 200, response.content
    assert response.json()["escalated_to"] == world.ministry.code
    response = post(taken, "take-over", raw)
    assert response.status_code == 200, response.content
    assert response.json()["handled_by"] == world.education_dept.code
    event = reload(taken).events.get(type=Event.Type.TAKEN_OVER)
    assert (event.actor, event.data["api_key"]) == (None, department.prefix)
