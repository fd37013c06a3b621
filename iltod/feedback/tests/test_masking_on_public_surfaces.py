"""Personal numbers typed the way people type them are masked on every public surface and cannot
be found by searching the public record for them."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from iltod.feedback import services
from iltod.feedback.models import Event, Feedback
from iltod.lib.redact import MASK

from .helpers import TUESDAY, reload, submit

pytestmark = pytest.mark.django_db

TEXT = "Багш мөнгө нэхсэн. Утас 99-11-22-33, ээжийн ９９８８７７６６, РД уб 99012345. Хоол муу."


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


@pytest.fixture
def published(world):
    feedback = submit(world, description=TEXT)
    services.moderate(feedback, actor=world.provider, publish=True)
    return reload(feedback)


def public_search(q) -> tuple[str, list[str]]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(reverse("feedback:public_list"), {"q": q}).content.decode()
    api = [row["tracking_code"] for row in client.get("/api/v1/feedback/", {"q": q}).json()["results"]]
    return page, api


def test_the_public_text_is_masked(published):
    assert published.public_description == f"Багш мөнгө нэхсэн. Утас {MASK}, ээжийн {MASK}, РД {MASK}. Хоол муу."


@pytest.mark.parametrize("typed", ["99112233", "99-11-22-33", "9911", "99887766", "９９８８７７６６", "99012345"])
def test_a_masked_number_cannot_be_found_by_a_public_search(published, typed):
    page, api = public_search(typed)
    assert published.tracking_code not in page
    assert published.tracking_code not in api


def test_the_rest_of_the_text_is_still_found(published):
    page, api = public_search("хоол муу")
    assert published.tracking_code in page
    assert api == [published.tracking_code]


def test_a_text_masked_by_an_older_rule_is_masked_again_when_read(published):
    # Rows masked before the masking knew these forms still hold the numbers.
    Feedback.objects.filter(pk=published.pk).update(public_description=TEXT, public_search_key="99112233")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for url in (published.get_absolute_url(), f"/api/v1/feedback/{published.tracking_code}/"):
        body = client.get(url).content.decode()
        assert "99-11-22-33" not in body and "９９８８７７６６" not in body and "99012345" not in body, url
    call_command("remask_public_text", verbosity=0)
    feedback = reload(published)
    assert MASK in feedback.public_description
    assert "99112233" not in feedback.public_search_key
    assert published.tracking_code not in public_search("99112233")[0]


def test_staff_still_read_the_text_as_the_citizen_wrote_it(published, world):
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(world.provider)
    assert "99-11-22-33" in staff.get(published.get_staff_url()).content.decode()


def test_rating_comments_written_before_moderation_go_to_the_queue(world):
    feedback = submit(world)
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=world.provider, text="Засагдсан.")
    services.rate(feedback, rating=1, problem_solved=False, comment="Захирал худлаа ярьсан")
    # as the comment was stored before: public as written, no public text of its own
    Event.objects.filter(type=Event.Type.RATED).update(moderation=Feedback.Moderation.PUBLISHED, public_text="")
    call_command("remask_public_text", verbosity=0)
    call_command("remask_public_text", verbosity=0)  # safe to run twice
    event = Event.objects.get(type=Event.Type.RATED)
    assert (event.moderation, event.public_text) == (Feedback.Moderation.PENDING, "Захирал худлаа ярьсан")
