"""A password reset link goes out through the outbox, like every other message: a row is queued
(retried if the mail server is down, visible in the back office), then delivered."""

import pytest
from django.core import mail
from django.urls import reverse

from iltod.core.testing import make_user
from iltod.notifications.models import OutboundMessage

RESET = reverse("accounts:password_reset")


@pytest.fixture
def citizen(db):
    return make_user("citizen@example.mn", "Бат Дорж", phone="+97699112233")


def test_the_reset_mail_is_queued_in_the_outbox_and_delivered_from_it(
    client, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "citizen@example.mn"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    message = OutboundMessage.objects.get()
    assert (message.channel, message.recipient, message.language) == ("email", "citizen@example.mn", "en")
    assert message.subject == "Reset your Iltod password"
    assert "/account/password-reset/" in message.body
    assert message.status == OutboundMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [["citizen@example.mn"]]
    assert mail.outbox[0].body.strip() == message.body.strip()


def test_a_reset_while_the_mail_server_is_down_is_kept_for_a_retry(
    client, citizen, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "iltod.accounts.tests.test_password_reset_outbox.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESET, {"email": "citizen@example.mn"}, HTTP_ACCEPT_LANGUAGE="mn")
    assert response.status_code == 302  # the citizen is not shown an error page
    message = OutboundMessage.objects.get()
    assert message.status != OutboundMessage.Status.SENT
    assert message.attempts == 1 and message.language == "mn"


def test_an_unknown_address_queues_nothing(client, citizen):
    client.post(RESET, {"email": "stranger@example.mn"})
    assert not OutboundMessage.objects.exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")
