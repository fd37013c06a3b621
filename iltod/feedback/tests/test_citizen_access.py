"""The tracking code is public; the citizen's own page needs the secret key from their link."""

import pytest
from django.urls import reverse

from iltod.feedback import services
from iltod.feedback.models import Category, Feedback
from iltod.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(personas):
    feedback, _ = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=Category.objects.get(code="edu-meals"),
            service_unit=personas.school,
            description="Миний хүүхэд Бат-Эрдэнэ өлсөж ирдэг, утас 99112233",
            reporter_email="ээж@example.mn",
            privacy=Feedback.Privacy.CONFIDENTIAL,
        )
    )
    services.change_status(feedback, Feedback.Status.RESOLVED, actor=personas.officer, text="Хоолыг сайжруулав.")
    return Feedback.objects.get(pk=feedback.pk)


def test_the_code_alone_shows_only_the_public_page(client, resolved):
    response = client.get(reverse("feedback:track", args=[resolved.tracking_code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:public_detail", args=[resolved.tracking_code])


def test_the_key_opens_the_citizens_page_and_keeps_it_out_of_the_address_bar(client, resolved):
    client.get(resolved.citizen_url)  # the first visit sets the session's cookie (see test_tracking.py)
    response = client.get(resolved.citizen_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:track", args=[resolved.tracking_code])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Бат-Эрдэнэ" in page.content.decode()  # the citizen's own, unmasked text
    assert page.context["rating_form"] is not None


def test_a_wrong_key_opens_nothing(client, resolved):
    response = client.get(reverse("feedback:track", args=[resolved.tracking_code]) + "?key=AAAAAAAAAAAA")
    assert response["Location"] == reverse("feedback:public_detail", args=[resolved.tracking_code])


def test_without_the_key_nobody_can_rate_or_reopen(client, resolved):
    url = reverse("feedback:track", args=[resolved.tracking_code])
    client.post(url, {"action": "rate", "rate-rating": "1", "rate-problem_solved": "no"})
    client.post(url, {"action": "reopen", "reopen-reason": "Худлаа"})
    resolved.refresh_from_db()
    assert resolved.rating is None
    assert resolved.status == Feedback.Status.RESOLVED


def test_with_the_key_the_citizen_rates(client, resolved):
    client.get(resolved.citizen_url)
    url = reverse("feedback:track", args=[resolved.tracking_code])
    client.post(url, {"action": "rate", "rate-rating": "4", "rate-problem_solved": "yes"})
    resolved.refresh_from_db()
    assert resolved.rating == 4


def test_messages_to_the_reporter_carry_the_key(resolved):
    to_reporter = OutboundMessage.objects.for_object(resolved).filter(recipient="ээж@example.mn")
    assert to_reporter.count() == 2  # received, resolved
    assert all(resolved.citizen_url in m.body for m in to_reporter)


def test_public_search_never_matches_the_private_text(client, personas, resolved):
    services.moderate(resolved, actor=personas.officer, publish=True, public_text="Хоол муу байна")
    found = client.get(reverse("feedback:public_list"), {"q": "Бат-Эрдэнэ"})
    assert resolved.tracking_code not in found.content.decode()
    public = client.get(reverse("feedback:public_list"), {"q": "хоол муу"})
    assert resolved.tracking_code in public.content.decode()
