"""Tracking as a citizen does it: a code typed any way, a private link that survives redirects
and browsers without cookies, a thanks page that tells the truth about messages, a rating that
says what its numbers mean, and a late acknowledgement shown as late."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from iltod.core.testing.visible_text import english_words, raw_codes, visible_text
from iltod.feedback import services
from iltod.feedback.models import Feedback, normalize_tracking_code
from iltod.notifications.models import OutboundMessage

from .helpers import TUESDAY, form_data, reload, submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("typed", ["il26abcde", "IL26ABCDE", "il-26-abcde", " IL 26 ABCDE ", "26abcde", "ил26abcde"])
def test_a_code_typed_without_dashes_or_in_small_letters_is_understood(typed):
    assert normalize_tracking_code(typed) == "IL-26-ABCDE"


def test_the_lookup_finds_an_item_by_its_code_in_small_letters_without_dashes(client, world):
    feedback = submit(world)
    typed = feedback.tracking_code.replace("-", "").lower()
    response = client.get(reverse("feedback:track_lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:track", args=[feedback.tracking_code])


def test_an_unknown_code_gets_a_clear_error(client, world):
    response = client.get(reverse("feedback:track_lookup"), {"code": "il26zzzzz"})
    assert response.status_code == 200
    assert "No feedback has this code." in response.content.decode()


def test_a_link_with_the_code_in_small_letters_keeps_its_key_through_the_redirect(client, world):
    feedback = submit(world)
    sloppy = reverse("feedback:track", args=[feedback.tracking_code.replace("-", "").lower()])
    response = client.get(f"{sloppy}?key={feedback.citizen_key.lower()}")
    assert response.status_code == 302
    assert response["Location"] == feedback.citizen_url.replace(feedback.citizen_key, feedback.citizen_key.lower())
    assert client.get(response["Location"], follow=True).context["update_form"] is not None


def test_a_link_without_its_trailing_slash_keeps_its_key(client, world):
    feedback = submit(world)
    url = reverse("feedback:track", args=[feedback.tracking_code]).rstrip("/") + f"?key={feedback.citizen_key}"
    page = client.get(url, follow=True)
    assert page.status_code == 200
    assert page.context["update_form"] is not None  # the citizen's page, not the public one


def test_a_browser_that_keeps_no_cookies_still_reaches_the_citizens_page_and_acts(world):
    feedback = submit(world)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider, text="Засагдсан.")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    first = browser.get(feedback.citizen_url)
    assert first.status_code == 302  # once round, to see whether the cookie comes back
    browser.cookies.clear()  # it does not
    page = browser.get(first["Location"])
    assert page.status_code == 200  # not redirected away from the key it cannot keep
    assert page.context["rating_form"] is not None
    assert f'name="key" value="{feedback.citizen_key}"' in page.content.decode()
    browser.cookies.clear()
    url = reverse("feedback:track", args=[feedback.tracking_code])
    done = browser.post(
        url, {"action": "rate", "rate-rating": "4", "rate-problem_solved": "yes", "key": feedback.citizen_key}
    )
    assert done.status_code == 302
    assert done["Location"] == feedback.citizen_url  # back to the page, still with its key
    assert reload(feedback).rating == 4


def test_a_first_visit_gets_the_key_out_of_the_address_bar_once_the_cookie_comes_back(client, world):
    feedback = submit(world)
    first = client.get(feedback.citizen_url)
    assert first["Location"] == feedback.citizen_url + "&checked=1"
    second = client.get(first["Location"])  # the session cookie came back
    assert second["Location"] == reverse("feedback:track", args=[feedback.tracking_code])
    assert client.get(second["Location"]).context["update_form"] is not None


# --- the thanks page ----------------------------------------------------------------------------


def test_the_thanks_page_says_an_sms_is_on_its_way_only_when_one_was_queued(client, world):
    response = client.post(reverse("feedback:submit"), form_data(world, phone="9911 2233"), follow=True)
    page = response.content.decode()
    assert "We are sending this link to your phone by SMS." in page
    assert "e-mail" not in page.split("Your tracking code")[1].split("Follow my feedback")[0]


def test_the_thanks_page_says_nothing_was_sent_without_a_phone_or_e_mail(client, world):
    response = client.post(reverse("feedback:submit"), form_data(world, phone="", name=""), follow=True)
    page = response.content.decode()
    assert "We did not send you this link" in page
    assert "by SMS" not in page


def test_the_thanks_page_says_sent_once_the_gateway_took_it_and_failed_when_it_gave_up(client, world):
    response = client.post(reverse("feedback:submit"), form_data(world, phone="", email="eej@example.mn"), follow=True)
    assert "We are sending this link to your e-mail." in response.content.decode()
    message = OutboundMessage.objects.get(recipient="eej@example.mn")
    message.status = OutboundMessage.Status.SENT
    message.save(update_fields=["status"])
    assert "We sent this link to your e-mail." in client.get(response.request["PATH_INFO"]).content.decode()
    message.status = OutboundMessage.Status.FAILED
    message.save(update_fields=["status"])
    assert "We could not send you this link." in client.get(response.request["PATH_INFO"]).content.decode()


def test_the_thanks_page_says_nothing_was_sent_to_an_anonymous_reporter_who_typed_a_phone(client, world):
    data = form_data(world, phone="9911 2233", privacy=Feedback.Privacy.ANONYMOUS)
    response = client.post(reverse("feedback:submit"), data, follow=True)
    assert "We did not send you this link" in response.content.decode()
    assert "by SMS" not in response.content.decode()


# --- the rating ---------------------------------------------------------------------------------


def test_the_rating_says_what_each_number_means(client, world):
    feedback = submit(world)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider, text="Засагдсан.")
    page = client.get(feedback.citizen_url, follow=True).content.decode()
    for label in ["5 — very good", "4 — good", "3 — neither good nor bad", "2 — bad", "1 — very bad"]:
        assert label in page
    assert "From 1 (very bad) to 5 (very good)." in page


def test_the_rating_meanings_are_translated(world):
    feedback = submit(world)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider, text="Засагдсан.")
    page = Client(HTTP_ACCEPT_LANGUAGE="mn").get(feedback.citizen_url, follow=True).content.decode()
    assert "1 — маш муу" in page
    assert "5 — маш сайн" in page


# --- the acknowledgement ------------------------------------------------------------------------


def test_a_late_acknowledgement_is_shown_as_late_not_with_a_tick(client, world, time_machine):
    feedback = submit(world)
    time_machine.move_to(reload(feedback).acknowledge_due + timedelta(days=2), tick=False)
    services.change_status(feedback, Feedback.Status.ACKNOWLEDGED, actor=world.provider)
    feedback = reload(feedback)
    assert feedback.acknowledged_late
    for page in (client.get(feedback.citizen_url, follow=True), client.get(feedback.get_absolute_url())):
        body = page.content.decode()
        assert "late: due by" in body
        assert "✓" not in body


def test_an_acknowledgement_on_time_is_shown_with_a_tick(client, world):
    feedback = submit(world)
    services.change_status(feedback, Feedback.Status.ACKNOWLEDGED, actor=world.provider)
    body = client.get(feedback.get_absolute_url()).content.decode()
    assert "on time" in body
    assert "late: due by" not in body


def test_an_acknowledgement_still_missing_after_its_deadline_is_shown_overdue(client, world, time_machine):
    feedback = submit(world)
    time_machine.move_to(reload(feedback).acknowledge_due + timedelta(hours=1), tick=False)
    assert reload(feedback).acknowledgement_overdue
    body = client.get(feedback.get_absolute_url()).content.decode()
    assert "Acknowledge by" in body
    assert timezone.now() > reload(feedback).acknowledge_due


def test_the_staff_page_shows_a_late_acknowledgement_as_late_too(world, time_machine):
    feedback = submit(world)
    time_machine.move_to(reload(feedback).acknowledge_due + timedelta(days=2), tick=False)
    services.change_status(feedback, Feedback.Status.ACKNOWLEDGED, actor=world.provider)
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(world.provider)
    body = staff.get(feedback.get_staff_url()).content.decode()
    assert "acknowledged late, on" in body
    assert "✓" not in body


def test_the_citizens_pages_speak_mongolian_without_raw_codes(world, time_machine):
    feedback = submit(world)
    time_machine.move_to(reload(feedback).acknowledge_due + timedelta(days=1), tick=False)
    services.change_status(feedback, Feedback.Status.ACKNOWLEDGED, actor=world.provider)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider, text="Засагдсан.")
    services.rate(feedback, rating=2, problem_solved=False, comment="Муу")
    citizen = Client(HTTP_ACCEPT_LANGUAGE="mn")
    citizen.force_login(world.citizen)
    citizen.post(reverse("feedback:follow", args=[feedback.tracking_code]))
    handler = Client(HTTP_ACCEPT_LANGUAGE="mn")
    handler.force_login(world.provider)
    pages = {
        "track": citizen.get(feedback.citizen_url, follow=True),
        "public item": citizen.get(feedback.get_absolute_url()),
        "my feedback": citizen.get(reverse("feedback:my_feedback")),
        "moderation": handler.get(reverse("feedback:moderation")),
    }
    for name, response in pages.items():
        parts = visible_text(response.content.decode())
        assert english_words(parts) == [], name
        assert raw_codes(parts) == [], name
