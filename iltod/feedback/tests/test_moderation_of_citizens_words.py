"""A citizen's words (a rating's comment, an update) are public only once a handler of the
handling body published them, masked, on every public surface."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from iltod.accounts.models import AuditEvent
from iltod.feedback import services
from iltod.feedback.models import Event, Feedback
from iltod.lib.redact import MASK

from .helpers import TUESDAY, reload, submit

pytestmark = pytest.mark.django_db

ACCUSATION = "Захирал Дорж худлаа ярьж байна, намайг 99-11-22-33 дугаараар залга"
UPDATE = "Өнөөдөр ч хоол өгөөгүй, утас 9 9 1 1 2 2 3 3"


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


@pytest.fixture
def rated(world):
    """A resolved item, published, rated with a comment that accuses a named director."""
    feedback = submit(world)
    services.moderate(feedback, actor=world.provider, publish=True)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider, text="Хоолыг сайжруулав.")
    services.rate(feedback, rating=1, problem_solved=False, comment=ACCUSATION)
    return reload(feedback)


def comment_event(feedback) -> Event:
    return feedback.events.get(type=Event.Type.RATED)


def public_surfaces(feedback) -> dict[str, str]:
    """Every public place a timeline or an item's text is read from, as an anonymous visitor."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    code = feedback.tracking_code
    window = {"end_date": (timezone.now() + timedelta(hours=1)).isoformat()}  # time is frozen: "now" is not in it
    return {
        "item page": client.get(reverse("feedback:public_detail", args=[code])).content.decode(),
        "public list": client.get(reverse("feedback:public_list")).content.decode(),
        "facility page": client.get(reverse("places:facility", args=[feedback.service_unit.code])).content.decode(),
        "API item": client.get(f"/api/v1/feedback/{code}/").content.decode(),
        "API list": client.get("/api/v1/feedback/").content.decode(),
        "Open311 request": client.get(f"/open311/v2/requests/{code}.json?extensions=true").content.decode(),
        "Open311 updates": client.get("/open311/v2/servicerequestupdates.json", window).content.decode(),
        "Open311 updates XML": client.get("/open311/v2/servicerequestupdates.xml", window).content.decode(),
    }


def test_a_rating_comment_waits_for_moderation_and_is_on_no_public_surface(rated):
    event = comment_event(rated)
    assert event.moderation == Feedback.Moderation.PENDING
    for surface, body in public_surfaces(rated).items():
        assert "худлаа" not in body, surface
        assert "Дорж" not in body, surface


def test_a_citizens_update_waits_for_moderation_and_staff_read_it_at_once(world):
    feedback = submit(world)
    services.moderate(feedback, actor=world.provider, publish=True)
    event = services.add_citizen_update(feedback, text=UPDATE, channel=Feedback.Channel.SMS)
    assert (event.moderation, event.text, event.public_text) == (
        Feedback.Moderation.PENDING,
        UPDATE,
        f"Өнөөдөр ч хоол өгөөгүй, утас {MASK}",
    )
    for surface, body in public_surfaces(feedback).items():
        assert "өгөөгүй" not in body, surface
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(world.provider)
    assert UPDATE in staff.get(feedback.get_staff_url()).content.decode()


def test_once_published_the_comment_is_public_masked_everywhere(rated, world):
    services.moderate_event(comment_event(rated), actor=world.provider, publish=True)
    for surface, body in public_surfaces(rated).items():
        if surface in {"public list", "facility page", "API list"}:
            continue  # lists show no timelines
        assert "худлаа" in body, surface
        assert "99-11-22-33" not in body and "99112233" not in body, surface


def test_edit_and_publish_shows_the_moderators_text_masked(rated, world):
    services.moderate_event(
        comment_event(rated), actor=world.provider, publish=True, public_text="Хариулт хангалтгүй. УБ 99012345"
    )
    page = public_surfaces(rated)["item page"]
    assert f"Хариулт хангалтгүй. {MASK}" in page
    assert "худлаа" not in page


def test_a_hidden_comment_stays_off_the_public_record(rated, world):
    services.moderate_event(comment_event(rated), actor=world.provider, publish=False)
    assert comment_event(rated).moderation == Feedback.Moderation.HIDDEN
    assert "худлаа" not in public_surfaces(rated)["item page"]


def test_the_citizen_sees_their_own_comment_marked_as_waiting(rated):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(rated.citizen_url)
    page = client.get(reverse("feedback:track", args=[rated.tracking_code])).content.decode()
    assert "худлаа" in page
    assert "waiting for moderation" in page


def test_a_rating_without_a_comment_needs_no_moderation(world):
    feedback = submit(world)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider, text="Засагдсан.")
    services.rate(feedback, rating=5, problem_solved=True)
    assert comment_event(feedback).moderation == Feedback.Moderation.PUBLISHED
    assert not Event.objects.awaiting_moderation().exists()


def test_a_reopening_is_public_but_its_reason_never_is(world):
    feedback = submit(world)
    services.moderate(feedback, actor=world.provider, publish=True)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider, text="Засагдсан.")
    services.reopen(feedback, reason="Захирал худлаа ярьсан")
    page = public_surfaces(feedback)["item page"]
    assert "Reopened by the citizen" in page
    assert "худлаа" not in page


# --- the queue ------------------------------------------------------------------------------


def test_the_handlers_queue_lists_waiting_words_and_publishes_them_audited(rated, world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.provider)
    queue = client.get(reverse("feedback:moderation"))
    assert queue.status_code == 200
    assert "Захирал Дорж худлаа" in queue.content.decode()
    event = comment_event(rated)
    response = client.post(
        reverse("feedback:moderate_event", args=[event.pk]),
        {f"{event.pk}-public_text": "Хариулт хангалтгүй.", f"{event.pk}-decision": "publish"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.moderation, event.public_text) == (Feedback.Moderation.PUBLISHED, "Хариулт хангалтгүй.")
    assert AuditEvent.objects.filter(action="feedback.event_moderated", actor=world.provider).exists()
    assert rated.events.filter(type=Event.Type.MODERATED, data__event=event.pk).exists()
    assert "Захирал Дорж худлаа" not in client.get(reverse("feedback:moderation")).content.decode()


@pytest.mark.parametrize("persona", ["other_officer", "monitor", "citizen"])
def test_nobody_outside_the_handling_body_sees_or_moderates_the_queue(rated, world, persona):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(getattr(world, persona))
    queue = client.get(reverse("feedback:moderation"))
    assert queue.status_code == 404 or "худлаа" not in queue.content.decode()
    event = comment_event(rated)
    response = client.post(reverse("feedback:moderate_event", args=[event.pk]), {f"{event.pk}-decision": "publish"})
    assert response.status_code == 404
    assert comment_event(rated).moderation == Feedback.Moderation.PENDING


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("feedback:moderation"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_publishing_an_empty_text_is_refused_with_a_clear_message(rated, world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.provider)
    event = comment_event(rated)
    response = client.post(
        reverse("feedback:moderate_event", args=[event.pk]),
        {f"{event.pk}-public_text": "  ", f"{event.pk}-decision": "publish"},
        follow=True,
    )
    assert "Write the text to publish, or hide it." in response.content.decode()
    assert comment_event(rated).moderation == Feedback.Moderation.PENDING


def test_the_queue_reads_a_page_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(6):
        feedback = submit(world)
        services.add_citizen_update(feedback, text=f"Нэмэлт мэдээлэл {n}")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.provider)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("feedback:moderation"))
    assert all(f"Нэмэлт мэдээлэл {n}" in page.content.decode() for n in range(6))
