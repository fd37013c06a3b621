"""Who may open which staff page and run which action, persona by persona."""

import uuid

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from iltod.accounts.capabilities import Role
from iltod.accounts.models import AuditEvent
from iltod.accounts.services import grant_membership
from iltod.core.testing import make_user
from iltod.feedback.models import Event, Feedback
from iltod.feedback.permissions import can_extend, can_handle, can_view_identity
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import queue_message

from .helpers import reload, submit

Privacy = Feedback.Privacy
LOGIN = reverse("accounts:login")


def client_for(world, persona: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


def report(world, privacy) -> Feedback:
    """Confidential: handled by the Arkhangai education department. Otherwise: by the school."""
    return submit(
        world, privacy=privacy, reporter_name="Батын Дорж", reporter_phone="99112233", reporter_email="dorj@example.mn"
    )


ITEMS = {"confidential": Privacy.CONFIDENTIAL, "school": Privacy.NAME_HIDDEN}


# --- pages -----------------------------------------------------------------------------------

LIST_PAGES = ["feedback:inbox", "feedback:intake", "feedback:import"]


@pytest.mark.parametrize("page", LIST_PAGES)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", "login"),
        ("citizen", 404),
        ("monitor", 404),  # CSO staff do not handle feedback
        ("analyst", 404),
        ("provider", 200),
        ("officer", 200),
        ("other_officer", 200),
        ("ministry_officer", 200),
        ("admin", 200),
    ],
)
def test_the_staff_pages_are_for_people_who_handle_feedback(world, page, persona, expected):
    response = client_for(world, persona).get(reverse(page))
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("provider", {"school"}),
        ("officer", {"confidential"}),
        ("other_officer", set()),
        ("ministry_officer", set()),
        ("admin", {"school", "confidential"}),
    ],
)
def test_the_inbox_lists_only_what_the_persona_handles(world, persona, sees):
    items = {name: report(world, privacy) for name, privacy in ITEMS.items()}
    response = client_for(world, persona).get(reverse("feedback:inbox"), {"view": "all"})
    listed = {f.tracking_code for f in response.context["page"].object_list}
    assert listed == {items[name].tracking_code for name in sees}


DETAIL_MATRIX = [
    ("anonymous", "confidential", "login"),
    ("citizen", "confidential", 404),
    ("provider", "confidential", 404),  # staff of the facility named in a confidential report
    ("officer", "confidential", 200),
    ("other_officer", "confidential", 404),  # officer of another aimag
    ("ministry_officer", "confidential", 404),  # not escalated
    ("admin", "confidential", 200),
    ("provider", "school", 200),
    ("officer", "school", 200),  # the department oversees the school's items (read only)
    ("citizen", "school", 404),
]
# Sending a message again is the handler's: the overseeing department does not.
SEND_AGAIN_MATRIX = [
    (persona, item, 404 if (persona, item) == ("officer", "school") else expected)
    for persona, item, expected in DETAIL_MATRIX
]


@pytest.mark.parametrize(("persona", "item", "expected"), DETAIL_MATRIX)
def test_the_staff_detail_page_opens_only_for_the_handling_and_overseeing_bodies(world, persona, item, expected):
    feedback = report(world, ITEMS[item])
    response = client_for(world, persona).get(feedback.get_staff_url())
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("persona", "item", "expected"), SEND_AGAIN_MATRIX)
def test_the_send_again_button_works_only_for_the_handling_body(world, persona, item, expected):
    feedback = report(world, ITEMS[item])
    message = OutboundMessage.objects.for_object(feedback).first()
    OutboundMessage.objects.filter(pk=message.pk).update(status=OutboundMessage.Status.FAILED)
    url = reverse("feedback:retry_message", args=[feedback.tracking_code, message.message_id])
    response = client_for(world, persona).post(url)
    message.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert response["Location"] == feedback.get_staff_url()
        assert message.status == OutboundMessage.Status.PENDING
    else:
        assert response.status_code == (302 if expected == "login" else 404)
        assert message.status == OutboundMessage.Status.FAILED


def test_the_send_again_button_only_accepts_a_message_of_this_item(world):
    feedback = report(world, Privacy.CONFIDENTIAL)
    other = report(world, Privacy.CONFIDENTIAL)
    foreign = OutboundMessage.objects.for_object(other).first()
    client = client_for(world, "officer")
    url = reverse("feedback:retry_message", args=[feedback.tracking_code, foreign.message_id])
    assert client.post(url).status_code == 404
    assert (
        client.post(reverse("feedback:retry_message", args=[feedback.tracking_code, uuid.uuid4()])).status_code == 404
    )
    assert (
        client.get(reverse("feedback:retry_message", args=[feedback.tracking_code, foreign.message_id])).status_code
        == 405
    )


# --- actions on the staff detail page --------------------------------------------------------


def _handler_of(world, feedback):
    return world.officer if feedback.handling_organization == world.education_dept else world.provider


def _referral_target(world, feedback):
    return world.ministry if feedback.handling_organization == world.education_dept else world.education_dept


ACTIONS = {
    "status": (
        "staff_status",
        lambda world, f: {"status": "acknowledged"},
        lambda world, f: reload(f).status == Feedback.Status.ACKNOWLEDGED,
    ),
    "respond in public": (
        "staff_respond",
        lambda world, f: {"text": "Бид шалгаж байна.", "public": "on"},
        lambda world, f: f.events.filter(type=Event.Type.RESPONSE).exists(),
    ),
    "note": (
        "staff_respond",
        lambda world, f: {"text": "Дотоод тэмдэглэл."},
        lambda world, f: f.events.filter(type=Event.Type.NOTE).exists(),
    ),
    "assign": (
        "staff_assign",
        lambda world, f: {"assignee": str(_handler_of(world, f).pk)},
        lambda world, f: reload(f).assigned_to == _handler_of(world, f),
    ),
    "refer": (
        "staff_refer",
        lambda world, f: {
            "organization": str(_referral_target(world, f).pk),
            "reason": "Энэ асуудал тэдний эрх хэмжээнд хамаарна.",
        },
        lambda world, f: reload(f).handling_organization == _referral_target(world, f),
    ),
    "extend": (
        "staff_extend",
        lambda world, f: {"days": "10", "reason": "Шалгалт хийх шаардлагатай."},
        lambda world, f: reload(f).was_extended,
    ),
    "duplicate": (
        "staff_duplicate",
        lambda world, f: {"original": report(world, f.privacy).tracking_code.lower()},
        lambda world, f: reload(f).status == Feedback.Status.DUPLICATE,
    ),
    "moderate": (
        "staff_moderate",
        lambda world, f: {"publish": "yes", "public_text": "Хоолны асуудал."},
        lambda world, f: reload(f).moderation == Feedback.Moderation.PUBLISHED,
    ),
    "identity": (
        "staff_identity",
        lambda world, f: {},
        lambda world, f: AuditEvent.objects.filter(action="feedback.identity_viewed", target_id=str(f.pk)).exists(),
    ),
}

# Handlers may do everything, except: only the head of the body (its admin role) extends a
# deadline, and only members holding the identity capability see who reported.
REFUSED = {
    ("officer", "extend"),  # a case manager, not the head
    ("provider", "extend"),
    ("provider", "identity"),  # provider_staff lacks the capability
    ("admin", "identity"),  # a platform superuser is not a member of the handling body
}
ACTION_MATRIX = [
    ("anonymous", "confidential", "login"),
    ("citizen", "confidential", 404),
    ("provider", "confidential", 404),
    ("other_officer", "confidential", 404),
    ("ministry_officer", "confidential", 404),
    ("officer", "confidential", "allowed"),
    ("admin", "confidential", "allowed"),
    ("provider", "school", "allowed"),
    # the department oversees the school's items: it reads them and writes internal notes, and
    # acts on them only once it has taken them over
    ("officer", "school", "overseer"),
]


@pytest.mark.parametrize(("persona", "item", "expected"), ACTION_MATRIX)
def test_every_action_of_the_staff_page_is_allowed_or_refused_by_persona(world, persona, item, expected):
    client = client_for(world, persona)
    for action, (url_name, data_for, happened) in ACTIONS.items():
        feedback = report(world, ITEMS[item])
        response = client.post(
            reverse(f"feedback:{url_name}", args=[feedback.tracking_code]), data_for(world, feedback)
        )
        outcome = expected
        if expected == "allowed" and (persona, action) in REFUSED:
            outcome = "refused"
        elif expected == "overseer":
            outcome = "allowed" if action == "note" else "refused"
        if outcome == "login":
            assert response.status_code == 302, action
            assert response["Location"].startswith(f"{LOGIN}?next="), action
        elif outcome == 404:
            assert response.status_code == 404, action
        elif outcome == "refused":
            assert response.status_code == 302, action
            assert response["Location"] == feedback.get_staff_url(), action
            errors = [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
            assert errors[-1:] == ["You cannot do this for this item."], action
        else:
            assert response.status_code in {200, 302}, action
            if response.status_code == 200:  # only the identity view renders in place
                assert action == "identity"
                assert "Батын Дорж" in response.content.decode()
        assert happened(world, feedback) is (outcome == "allowed"), action


@pytest.mark.parametrize("url_name", sorted({url_name for url_name, _data, _happened in ACTIONS.values()}))
def test_every_action_answers_only_a_post(world, url_name):
    feedback = report(world, Privacy.CONFIDENTIAL)
    response = client_for(world, "officer").get(reverse(f"feedback:{url_name}", args=[feedback.tracking_code]))
    assert response.status_code == 405


def test_the_case_page_itself_takes_no_post(world):
    feedback = report(world, Privacy.CONFIDENTIAL)
    response = client_for(world, "officer").post(
        feedback.get_staff_url(), {"action": "status", "status": "acknowledged"}
    )
    assert response.status_code == 405
    assert reload(feedback).status == Feedback.Status.RECEIVED


def test_an_invalid_form_shows_the_case_page_with_its_errors(world):
    feedback = report(world, Privacy.CONFIDENTIAL)
    url = reverse("feedback:staff_refer", args=[feedback.tracking_code])
    response = client_for(world, "officer").post(url, {"organization": str(world.ministry.pk), "reason": ""})
    assert response.status_code == 200
    assert response.context["forms"]["refer"].errors["reason"]
    assert reload(feedback).handling_organization == world.education_dept


def test_the_head_of_the_department_may_extend_a_deadline(world):
    head = make_user("head@example.mn", "Department Head")
    grant_membership(actor=world.admin, user=head, organization=world.education_dept, role=Role.ADMIN)
    feedback = report(world, Privacy.CONFIDENTIAL)
    assert can_extend(head, feedback)
    assert not can_extend(world.officer, feedback)
    response = client_for(world, "officer").get(feedback.get_staff_url())
    assert response.context["can_extend"] is False
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(head)
    assert client.get(feedback.get_staff_url()).context["can_extend"] is True
    response = client.post(
        reverse("feedback:staff_extend", args=[feedback.tracking_code]), {"days": "10", "reason": "Шалгалт."}
    )
    assert response.status_code == 302
    assert reload(feedback).was_extended


def test_the_officer_who_tries_to_extend_is_told_why_not(world):
    feedback = report(world, Privacy.CONFIDENTIAL)
    response = client_for(world, "officer").post(
        reverse("feedback:staff_extend", args=[feedback.tracking_code]),
        {"days": "10", "reason": "Шалгалт."},
        follow=True,
    )
    assert [m.message for m in response.context["messages"]] == ["You cannot do this for this item."]
    assert not reload(feedback).was_extended


def test_the_facility_staff_handle_a_non_confidential_report_but_cannot_see_who_sent_it(world):
    feedback = report(world, Privacy.NAME_HIDDEN)
    assert feedback.handling_organization == world.school_org
    assert can_handle(world.provider, feedback)
    assert not can_view_identity(world.provider, feedback)
    response = client_for(world, "provider").get(feedback.get_staff_url())
    assert response.context["can_handle"] is True
    assert response.context["can_view_identity"] is False
    page = response.content.decode()
    assert "You cannot see who reported this." in page
    assert 'value="identity"' not in page
    assert "Батын Дорж" not in page
    assert "99112233" not in page


def test_the_facility_staff_never_see_the_identity_of_a_confidential_report_even_if_it_was_given_to_them(world):
    feedback = report(world, Privacy.CONFIDENTIAL)
    grant_membership(actor=world.admin, user=world.provider, organization=world.school_org, role=Role.CASE_MANAGER)
    # Data from before the guard: the school handles a confidential report about itself.
    Feedback.objects.filter(pk=feedback.pk).update(handling_organization=world.school_org)
    feedback = reload(feedback)
    assert not can_handle(world.provider, feedback)
    assert not can_view_identity(world.provider, feedback)
    assert client_for(world, "provider").get(feedback.get_staff_url()).status_code == 404
    non_confidential = report(world, Privacy.NAME_HIDDEN)
    assert can_view_identity(world.provider, non_confidential)


def test_nobody_can_see_the_identity_of_an_anonymous_report(world):
    feedback = report(world, Privacy.ANONYMOUS)
    grant_membership(actor=world.admin, user=world.provider, organization=world.school_org, role=Role.CASE_MANAGER)
    assert not can_view_identity(world.provider, feedback)


def test_reading_the_identity_is_audited_and_on_the_timeline(world):
    feedback = report(world, Privacy.CONFIDENTIAL)
    client = client_for(world, "officer")
    response = client.post(reverse("feedback:staff_identity", args=[feedback.tracking_code]), REMOTE_ADDR="10.0.0.7")
    page = response.content.decode()
    for shown in ("Батын Дорж", "+97699112233", "dorj@example.mn"):
        assert shown in page
    audit = AuditEvent.objects.get(action="feedback.identity_viewed")
    assert audit.actor == world.officer
    assert audit.is_sensitive_read is True
    assert audit.target_id == str(feedback.pk)
    assert audit.target_repr == feedback.tracking_code
    assert audit.ip_address == "10.0.0.7"
    event = feedback.events.get(type=Event.Type.IDENTITY_VIEWED)
    assert event.actor == world.officer
    assert event.is_public is False
    # Opening the page without asking shows nothing and records nothing.
    page = client.get(feedback.get_staff_url()).content.decode()
    assert "dorj@example.mn" not in page
    assert AuditEvent.objects.filter(action="feedback.identity_viewed").count() == 1


def test_the_ministry_sees_an_item_once_it_is_escalated_to_it_but_does_not_handle_it(world):
    feedback = report(world, Privacy.CONFIDENTIAL)
    client = client_for(world, "ministry_officer")
    assert client.get(feedback.get_staff_url()).status_code == 404
    Feedback.objects.filter(pk=feedback.pk).update(escalated_to=world.ministry, escalation_level=1)
    response = client.get(feedback.get_staff_url())
    assert response.status_code == 200
    assert response.context["can_handle"] is False
    escalated = client.get(reverse("feedback:inbox"), {"view": "escalated"})
    assert [f.tracking_code for f in escalated.context["page"].object_list] == [feedback.tracking_code]
    code = feedback.tracking_code
    client.post(reverse("feedback:staff_status", args=[code]), {"status": "acknowledged"})
    assert reload(feedback).status == Feedback.Status.RECEIVED
    client.post(reverse("feedback:staff_respond", args=[code]), {"text": "Яам хяналтад авлаа."})
    assert feedback.events.filter(type=Event.Type.NOTE, actor=world.ministry_officer).exists()
    client.post(reverse("feedback:staff_respond", args=[code]), {"text": "Нийтэд.", "public": "on"})
    assert not feedback.events.filter(type=Event.Type.RESPONSE).exists()


def test_queued_messages_of_other_objects_are_not_listed_on_the_page(world):
    feedback = report(world, Privacy.CONFIDENTIAL)
    queue_message(channel="email", recipient="someone@example.mn", body="unrelated", related=world.school)
    response = client_for(world, "officer").get(feedback.get_staff_url())
    assert {m.recipient for m in response.context["outbox"]} == {"dorj@example.mn", "+97699112233", world.officer.email}


def test_similar_items_suggested_to_the_facility_staff_never_include_a_confidential_report_about_them(world):
    about_the_director = submit(
        world, privacy=Privacy.CONFIDENTIAL, description="Захирал үдийн цайны мөнгийг хувьдаа авч байна."
    )
    school_item = submit(
        world, privacy=Privacy.NAME_HIDDEN, description="Захирал үдийн цайны мөнгийг хувьдаа авч байна гэж сонссон."
    )
    provider_page = client_for(world, "provider").get(school_item.get_staff_url())
    suggested = [other.tracking_code for other, _score in provider_page.context["similar"]]
    assert about_the_director.tracking_code not in suggested
    assert about_the_director.tracking_code not in provider_page.content.decode()
    # The department that handles both sees the suggestion.
    Feedback.objects.filter(pk=school_item.pk).update(handling_organization=world.education_dept)
    department_page = client_for(world, "officer").get(school_item.get_staff_url())
    assert [other.tracking_code for other, _score in department_page.context["similar"]] == [
        about_the_director.tracking_code
    ]
