"""A citizen with an account finds what they submitted and what they follow under "My feedback"."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from iltod.feedback import services
from iltod.feedback.models import Event, Feedback, Follow
from iltod.notifications.models import OutboundMessage

from .helpers import TUESDAY, form_data, submit

pytestmark = pytest.mark.django_db
MINE = reverse("feedback:my_feedback")
Status = Feedback.Status


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


@pytest.fixture
def citizen(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.citizen)
    return client


def test_feedback_given_while_logged_in_is_listed_and_opens_the_citizens_page(citizen, world):
    citizen.post(reverse("feedback:submit"), form_data(world))
    feedback = Feedback.objects.get()
    assert Event.objects.submitted_by(world.citizen).filter(feedback=feedback).exists()
    page = citizen.get(MINE)
    assert feedback.tracking_code in page.content.decode()
    other_browser = Client(HTTP_ACCEPT_LANGUAGE="en")  # the same account, another phone: no key needed
    other_browser.force_login(world.citizen)
    own = other_browser.get(reverse("feedback:track", args=[feedback.tracking_code]))
    assert own.status_code == 200
    assert own.context["update_form"] is not None


def test_others_feedback_is_not_listed_nor_opened(citizen, world):
    someone_elses = submit(world)
    assert someone_elses.tracking_code not in citizen.get(MINE).content.decode()
    response = citizen.get(reverse("feedback:track", args=[someone_elses.tracking_code]))
    assert response["Location"] == someone_elses.get_absolute_url()


def test_feedback_opened_with_its_private_link_is_listed(citizen, world):
    feedback = submit(world)
    citizen.get(feedback.citizen_url)
    assert feedback.tracking_code in citizen.get(MINE).content.decode()


def test_the_citizen_follows_and_unfollows_an_item_from_its_public_page(citizen, world):
    feedback = submit(world)
    page = citizen.get(feedback.get_absolute_url()).content.decode()
    assert "Follow this feedback" in page
    citizen.post(reverse("feedback:follow", args=[feedback.tracking_code]))
    listed = citizen.get(MINE)
    assert [f.tracking_code for f in listed.context["followed"]] == [feedback.tracking_code]
    assert "Stop following" in citizen.get(feedback.get_absolute_url()).content.decode()
    citizen.post(reverse("feedback:follow", args=[feedback.tracking_code]), {"follow": "no"})
    assert citizen.get(MINE).context["followed"] == []


def test_following_needs_an_account_and_a_post(world):
    feedback = submit(world)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Follow this feedback" not in visitor.get(feedback.get_absolute_url()).content.decode()
    assert "login" in visitor.post(reverse("feedback:follow", args=[feedback.tracking_code]))["Location"]
    assert "login" in visitor.get(MINE)["Location"]
    member = Client()
    member.force_login(world.citizen)
    assert member.get(reverse("feedback:follow", args=[feedback.tracking_code])).status_code == 405
    assert member.post(reverse("feedback:follow", args=["IL-26-ZZZZZ"])).status_code == 404


def test_the_account_menu_links_to_my_feedback(citizen):
    assert f'href="{MINE}"' in citizen.get(reverse("portal:home")).content.decode()


def test_my_feedback_reads_in_a_fixed_number_of_queries(citizen, world, django_assert_max_num_queries):
    for _ in range(5):
        citizen.post(reverse("feedback:submit"), form_data(world))
    for feedback in Feedback.objects.all()[:3]:
        citizen.post(reverse("feedback:follow", args=[feedback.tracking_code]))
    with django_assert_max_num_queries(8):
        page = citizen.get(MINE)
    assert len(page.context["mine"]) == 5


# ---------------------------------------------------------------------------------------------
# Following is kept with the account, and followers are told of the item's public progress


def _follow(user, feedback):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.post(reverse("feedback:follow", args=[feedback.tracking_code]))
    return client


def _mail_to(user):
    return list(OutboundMessage.objects.filter(recipient=user.email, channel="email").order_by("pk"))


def test_what_the_citizen_follows_is_kept_with_the_account_not_the_browser(citizen, world):
    feedback = submit(world)
    citizen.post(reverse("feedback:follow", args=[feedback.tracking_code]))
    citizen.post(reverse("feedback:follow", args=[feedback.tracking_code]))  # twice: still one follow
    assert Follow.objects.filter(user=world.citizen, feedback=feedback).count() == 1
    phone = Client(HTTP_ACCEPT_LANGUAGE="en")  # another browser, a new session
    phone.force_login(world.citizen)
    assert [f.tracking_code for f in phone.get(MINE).context["followed"]] == [feedback.tracking_code]
    assert "Stop following" in phone.get(feedback.get_absolute_url()).content.decode()
    phone.post(reverse("feedback:follow", args=[feedback.tracking_code]), {"follow": "no"})
    phone.post(reverse("feedback:follow", args=[feedback.tracking_code]), {"follow": "no"})  # twice: no error
    assert citizen.get(MINE).context["followed"] == []


def test_follow_and_unfollow_are_idempotent_services(world):
    feedback = submit(world)
    first = services.follow(feedback, user=world.citizen)
    assert services.follow(feedback, user=world.citizen) == first
    assert services.unfollow(feedback, user=world.citizen) is True
    assert services.unfollow(feedback, user=world.citizen) is False
    assert not Follow.objects.exists()


def test_a_duplicate_cannot_be_followed(citizen, world):
    original, copy = submit(world), submit(world)
    services.mark_duplicate(copy, actor=world.provider, original=original)
    assert citizen.post(reverse("feedback:follow", args=[copy.tracking_code])).status_code == 404
    assert not Follow.objects.exists()


def test_followers_are_told_of_a_public_status_change_in_their_language_with_the_public_page(world):
    feedback = submit(world)
    world.citizen.language = "en"
    world.citizen.save(update_fields=["language"])
    _follow(world.citizen, feedback)
    _follow(world.coordinator, feedback)  # Mongolian, the default language
    services.change_status(feedback, Status.RESOLVED, actor=world.provider, text="The heater was replaced.")

    (english,) = _mail_to(world.citizen)
    assert english.subject == f"Feedback you follow, {feedback.tracking_code}, is now “resolved”"
    assert "The heater was replaced." in english.body
    assert f"{settings.SITE_URL}{feedback.get_absolute_url()}" in english.body
    assert feedback.citizen_key not in english.body  # never the reporter's private link
    (mongolian,) = _mail_to(world.coordinator)
    assert mongolian.language == "mn"
    assert feedback.tracking_code in mongolian.subject and "шийдвэрлэсэн" in mongolian.subject
    assert "Stop following" not in mongolian.body and "Дагахаа болих" in mongolian.body


def test_followers_are_told_of_a_public_answer_but_not_of_internal_notes_or_assignments(world):
    feedback = submit(world)
    _follow(world.citizen, feedback)
    services.respond(feedback, actor=world.provider, text="Internal: call the cook.", public=False)
    services.assign(feedback, actor=world.provider, assignee=world.provider)
    assert _mail_to(world.citizen) == []
    services.respond(feedback, actor=world.provider, text="We are checking the kitchen.", public=True)
    (message,) = _mail_to(world.citizen)
    assert "We are checking the kitchen." in message.body
    assert "call the cook" not in message.body


def test_who_made_the_change_and_who_unfollowed_are_not_told(world):
    feedback = submit(world)
    _follow(world.provider, feedback)
    client = _follow(world.citizen, feedback)
    client.post(reverse("feedback:follow", args=[feedback.tracking_code]), {"follow": "no"})
    before = OutboundMessage.objects.count()  # the director was told of the new item as its handler
    services.change_status(feedback, Status.ACKNOWLEDGED, actor=world.provider)
    assert OutboundMessage.objects.count() == before
