"""A citizen with an account finds what they submitted and what they follow under "My feedback"."""

import pytest
from django.test import Client
from django.urls import reverse

from iltod.feedback.models import Event, Feedback

from .helpers import TUESDAY, form_data, submit

pytestmark = pytest.mark.django_db
MINE = reverse("feedback:my_feedback")


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
