"""Holes a review found in the guard and in the citizen's privacy, and requests that ended in a 500.

Staff who record a call are not the citizen; the moderation queue, Open311 updates, reopening and
the handlers' e-mails all keep a guarded item away from the people who work at the facility it
names; odd parameters get a clear 400 or 404.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from iltod.accounts.capabilities import Role
from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key, grant_membership
from iltod.feedback import services
from iltod.feedback.models import Event, Feedback
from iltod.notifications.models import OutboundMessage

from .helpers import TUESDAY, category, form_data, reload, submit

PAYMENTS = "Багш нар хичээлийн дараа төлбөртэй давтлага заавал авахыг шаардаж, мөнгө нэхэж байна."
UPDATE = "Өнөөдөр дахиад мөнгө нэхсэн."


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def opens_the_citizens_page(client, feedback) -> bool:
    """Without the citizen's access the tracking page sends the visitor to the public page."""
    response = client.get(reverse("feedback:track", args=[feedback.tracking_code]))
    assert response.status_code in {200, 302}
    return response.status_code == 200


def conduct(world, **fields) -> Feedback:
    return submit(world, category=category("edu-payments"), description=PAYMENTS, **fields)


def director_also_handles_for_the_department(world):
    """The school director is also a case handler of the aimag education department."""
    grant_membership(actor=world.admin, user=world.provider, organization=world.education_dept, role=Role.OFFICER)


def mailed_to(template_text: str = "") -> set[str]:
    messages = OutboundMessage.objects.filter(channel=OutboundMessage.Channel.EMAIL)
    if template_text:
        messages = messages.filter(body__contains=template_text)
    return set(messages.values_list("recipient", flat=True))


# --- 1. staff who record a call are not the citizen -------------------------------------------------


def test_a_director_who_records_a_walk_in_complaint_does_not_get_the_citizens_page(world):
    data = {**form_data(world, category=str(category("edu-meals").pk)), "channel": "walk_in"}
    director = logged_in(world.provider)
    assert director.post(f"{reverse('feedback:intake')}?facility={world.school.code}", data).status_code == 302
    feedback = Feedback.objects.get()
    submitted = feedback.events.get(type=Event.Type.SUBMITTED)
    assert submitted.data["recorded_by"] == world.provider.pk and "submitted_by" not in submitted.data
    services.add_citizen_update(feedback, text=UPDATE)

    assert not opens_the_citizens_page(director, feedback)
    assert (
        UPDATE
        not in director.get(reverse("feedback:track", args=[feedback.tracking_code]), follow=True).content.decode()
    )
    mine = director.get(reverse("feedback:my_feedback"))
    assert feedback.tracking_code not in mine.content.decode()
    posted = director.post(
        reverse("feedback:track", args=[feedback.tracking_code]), {"action": "update", "update-text": "Худлаа."}
    )
    assert posted.status_code == 302
    assert feedback.events.filter(type=Event.Type.CITIZEN_UPDATE).count() == 1


def test_an_officer_who_imports_a_register_does_not_get_the_citizens_page(world):
    feedback, _created = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=category("edu-meals"),
            description="Хоол хүйтэн.",
            service_unit=world.school,
            channel=Feedback.Channel.IMPORT,
        ),
        actor=world.officer,
    )
    assert not Event.objects.submitted_by(world.officer).exists()
    assert not opens_the_citizens_page(logged_in(world.officer), feedback)


def test_a_citizen_logged_in_on_the_web_form_still_finds_their_feedback(world):
    citizen = logged_in(world.citizen)
    assert citizen.post(reverse("feedback:submit"), form_data(world)).status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.events.get(type=Event.Type.SUBMITTED).data["submitted_by"] == world.citizen.pk
    fresh = logged_in(world.citizen)  # another browser: only the account links them
    assert opens_the_citizens_page(fresh, feedback)
    assert feedback.tracking_code in fresh.get(reverse("feedback:my_feedback")).content.decode()


# --- 2. the moderation queue -------------------------------------------------------------------------


def test_the_moderation_queue_never_shows_a_guarded_items_words_to_facility_staff(world):
    director_also_handles_for_the_department(world)
    feedback = conduct(world)
    assert reload(feedback).handling_organization == world.education_dept
    event = services.add_citizen_update(feedback, text=UPDATE)

    director = logged_in(world.provider)
    assert UPDATE not in director.get(reverse("feedback:moderation")).content.decode()
    decision = {f"{event.pk}-decision": "publish", f"{event.pk}-public_text": UPDATE}
    assert director.post(reverse("feedback:moderate_event", args=[event.pk]), decision).status_code == 404
    assert UPDATE in logged_in(world.officer).get(reverse("feedback:moderation")).content.decode()


# --- 3. Open311 updates -----------------------------------------------------------------------------


@pytest.fixture
def keys(world):
    _key, cso = create_api_key(actor=world.admin, organization=world.cso, name="fms", scope=ApiKey.Scope.WRITE)
    _key, school = create_api_key(
        actor=world.admin, organization=world.school_org, name="school app", scope=ApiKey.Scope.WRITE
    )
    _key, network = create_api_key(
        actor=world.admin, organization=world.network, name="other app", scope=ApiKey.Scope.WRITE
    )
    return {"cso": cso, "school": school, "network": network}


def open311_request(key: str, world, service_code="edu-meals") -> str:
    response = Client().post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": service_code, "address_id": world.school.code, "description": PAYMENTS},
    )
    assert response.status_code == 200, response.content
    return json.loads(response.content)[0]["service_request_id"]


def open311_update(key: str, code: str):
    return Client().post(
        "/open311/v2/servicerequestupdates.json",
        {"api_key": key, "service_request_id": code, "update_id": "1", "description": UPDATE},
    )


def test_an_open311_client_posts_updates_only_to_requests_its_organisation_submitted(world, keys):
    code = open311_request(keys["cso"], world)
    feedback = Feedback.objects.get(tracking_code=code)
    submitted = feedback.events.get(type=Event.Type.SUBMITTED)
    assert submitted.data["api_organization"] == world.cso.pk

    refused = open311_update(keys["network"], code)
    assert refused.status_code == 404
    [error] = json.loads(refused.content)  # the spec's error body
    assert error["code"] == 404 and error["description"]
    web = submit(world)
    assert open311_update(keys["cso"], web.tracking_code).status_code == 404
    assert not Event.objects.filter(type=Event.Type.CITIZEN_UPDATE).exists()

    accepted = open311_update(keys["cso"], code)
    assert accepted.status_code == 200
    update = feedback.events.get(type=Event.Type.CITIZEN_UPDATE)
    assert update.data["api_key"] == ApiKey.objects.get(organization=world.cso).prefix


def test_an_open311_client_of_the_school_posts_no_update_to_a_complaint_about_the_school(world, keys):
    code = open311_request(keys["school"], world, service_code="edu-payments")
    assert reload(Feedback.objects.get(tracking_code=code)).handling_organization == world.education_dept
    assert open311_update(keys["school"], code).status_code == 404
    assert not Event.objects.filter(type=Event.Type.CITIZEN_UPDATE).exists()


# --- 4. reopening an item resolved before the guard --------------------------------------------------


def resolved_by_the_school_before_the_guard(world) -> Feedback:
    feedback = conduct(world)
    Feedback.objects.filter(pk=feedback.pk).update(
        handling_organization=world.school_org,
        oversight_organization=None,
        status=Feedback.Status.RESOLVED,
        reopen_until=timezone.now() + timedelta(days=10),
    )
    return reload(feedback)


def test_the_guard_job_moves_a_resolved_item_that_may_still_be_reopened(world):
    feedback = resolved_by_the_school_before_the_guard(world)
    assert services.apply_guard_to_open_items() == (1, 0)
    feedback = reload(feedback)
    assert feedback.handling_organization == world.education_dept
    assert feedback.status == Feedback.Status.RESOLVED


def test_reopening_an_item_the_school_still_handles_sends_the_reason_to_the_department(world, mailoutbox):
    feedback = resolved_by_the_school_before_the_guard(world)
    OutboundMessage.objects.all().delete()
    services.reopen(feedback, reason="Дахиад мөнгө нэхсэн, асуудал шийдэгдээгүй.")
    feedback = reload(feedback)
    assert feedback.handling_organization == world.education_dept
    assert feedback.status == Feedback.Status.IN_PROGRESS
    recipients = mailed_to()
    assert world.provider.email not in recipients
    assert world.officer.email in recipients


# --- 5. e-mails to handlers -------------------------------------------------------------------------


def test_handler_emails_about_a_guarded_item_skip_people_who_work_at_the_facility(world):
    director_also_handles_for_the_department(world)
    feedback = conduct(world)
    services.add_citizen_update(feedback, text=UPDATE)
    recipients = mailed_to()
    assert world.officer.email in recipients
    assert world.provider.email not in recipients


def test_handler_emails_about_an_unguarded_item_still_reach_every_handler(world):
    director_also_handles_for_the_department(world)
    feedback = submit(world, service_unit=None, admin_unit=world.geo.soum)  # about a place: not guarded
    Feedback.objects.filter(pk=feedback.pk).update(handling_organization=world.education_dept)
    services.add_citizen_update(reload(feedback), text=UPDATE)
    assert {world.officer.email, world.provider.email} <= mailed_to()


# --- 6. no 500s --------------------------------------------------------------------------------------


def test_a_key_beyond_ascii_on_the_tracking_page_is_refused_not_a_500(world):
    feedback = submit(world)
    response = Client().get(reverse("feedback:track", args=[feedback.tracking_code]), {"key": "é"})
    assert response.status_code == 302  # to the public page, as for any wrong key
    assert response["Location"] == reverse("feedback:public_detail", args=[feedback.tracking_code])


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00+99:00"},
        {"end_date": "2026-01-01T00:00:00+99:00"},
        {"start_date": "9999-12-31T00:00:00Z"},
        {"end_date": "0001-01-02T00:00:00Z"},
        {"start_date": "0001-01-01T00:00:00+14:00"},
    ],
)
def test_impossible_or_far_off_dates_are_an_open311_400(world, params):
    response = Client().get("/open311/v2/requests.json", params)
    assert response.status_code == 400
    [error] = json.loads(response.content)
    assert error["code"] == 400 and ("start_date" in error["description"] or "end_date" in error["description"])


def test_impossible_dates_in_the_updates_feed_are_an_open311_400_too(world):
    params = {"start_date": "2026-01-01T00:00:00+99:00", "end_date": "2026-01-02T00:00:00Z"}
    response = Client().get("/open311/v2/servicerequestupdates.json", params)
    assert response.status_code == 400
