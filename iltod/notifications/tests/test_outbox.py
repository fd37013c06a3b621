import io
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now as timezone_now

from iltod.core.testing import run_at_once
from iltod.notifications import services
from iltod.notifications.models import OutboundMessage

from .fakes import FakeSmsGateway, FakeSmtpServer

Status = OutboundMessage.Status
T0 = datetime(2026, 9, 8, 2, 0, tzinfo=UTC)  # 10:00 in Ulaanbaatar


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def smtp(settings):
    with FakeSmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5
        yield server


@pytest.fixture
def gateway(settings):
    with FakeSmsGateway() as server:
        settings.SMS_GATEWAY = "http"
        settings.SMS_GATEWAY_URL = server.url
        settings.SMS_GATEWAY_TOKEN = "gateway-secret"
        settings.SMS_GATEWAY_TIMEOUT = 5
        yield server


def sms(body="Илтод: таны IL-26-4F7K2 кодтой хүсэлтийг бүртгэлээ.", recipient="+97699112233", **fields):
    return OutboundMessage.objects.create(channel="sms", recipient=recipient, body=body, **fields)


def email_message(subject="Таны санал хүсэлтийг бүртгэлээ: IL-26-4F7K2", **fields):
    return OutboundMessage.objects.create(
        channel="email",
        recipient="bat@example.mn",
        subject=subject,
        body="Баярлалаа. Таны санал хүсэлтийг хүлээн авлаа.",
        **fields,
    )


def reload(message):
    return OutboundMessage.objects.get(pk=message.pk)


# --- SMS through an HTTP gateway -------------------------------------------------------------


def test_an_sms_is_posted_to_the_gateway_with_its_message_id(db, frozen, gateway):
    message = sms()
    assert services.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    request = gateway.requests[0]
    assert request["body"] == {"to": "+97699112233", "text": message.body, "message_id": str(message.message_id)}
    assert request["headers"]["Idempotency-Key"] == str(message.message_id)
    assert request["headers"]["Authorization"] == "Bearer gateway-secret"
    message = reload(message)
    assert (message.status, message.attempts, message.sent_at, message.provider_id) == (Status.SENT, 1, T0, "gw-1")


def test_an_sms_is_retried_with_backoff_while_the_gateway_fails_and_sent_once_when_it_recovers(db, frozen, gateway):
    message = sms()
    gateway.answer_next(503, 502)
    assert services.deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
    message = reload(message)
    assert (message.status, message.attempts, message.next_attempt_at) == (Status.PENDING, 1, T0 + timedelta(minutes=1))
    assert message.last_error == "gateway answered 503"
    assert message.claimed_at is None

    frozen.move_to(T0 + timedelta(seconds=59), tick=False)
    assert services.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    assert len(gateway.requests) == 1

    frozen.move_to(T0 + timedelta(minutes=1), tick=False)
    assert services.deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
    assert reload(message).next_attempt_at == T0 + timedelta(minutes=3)  # then 2 minutes

    frozen.move_to(T0 + timedelta(minutes=3), tick=False)
    assert services.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 3, "")

    frozen.move_to(T0 + timedelta(hours=1), tick=False)
    assert services.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(gateway.requests) == 3
    assert gateway.delivered == {str(message.message_id): 1}


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_a_refusal_from_the_gateway_fails_the_message_without_retrying(db, frozen, gateway, status):
    message = sms()
    gateway.answer_next(status)
    assert services.deliver_due() == {"sent": 0, "retry": 0, "failed": 1}
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == (Status.FAILED, 1, f"gateway answered {status}")
    frozen.move_to(T0 + timedelta(days=1), tick=False)
    assert services.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(gateway.requests) == 1
    assert not gateway.delivered


@pytest.mark.parametrize("status", [429, 408, 500])
def test_throttling_timeouts_and_server_errors_are_retried(db, frozen, gateway, status):
    message = sms()
    gateway.answer_next(status)
    assert services.deliver_due()["retry"] == 1
    assert reload(message).status == Status.PENDING


def test_an_unreachable_gateway_is_retried(db, frozen, settings):
    with FakeSmsGateway() as closed:
        url = closed.url
    settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TIMEOUT = "http", url, 2
    message = sms()
    assert services.deliver_due()["retry"] == 1
    assert reload(message).last_error.startswith("gateway unreachable")


def test_a_message_is_given_up_after_the_maximum_number_of_attempts(db, frozen, gateway, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = sms()
    gateway.answer_next(503, 503, 503, 503)
    for minutes in (0, 1, 3):
        frozen.move_to(T0 + timedelta(minutes=minutes), tick=False)
        services.deliver_due()
    message = reload(message)
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    frozen.move_to(T0 + timedelta(days=1), tick=False)
    services.deliver_due()
    assert len(gateway.requests) == 3


def test_the_first_retry_waits_outbox_retry_seconds_and_doubles_from_there(settings):
    settings.OUTBOX_RETRY_SECONDS = 1
    assert [services.backoff(n) for n in (1, 2, 3, 4)] == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    assert services.backoff(40) == timedelta(hours=6)


def test_the_backoff_doubles_up_to_six_hours():
    assert [services.backoff(n) for n in (1, 2, 3, 4, 9, 10, 30)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
        timedelta(minutes=256),
        timedelta(hours=6),
        timedelta(hours=6),
    ]


# --- e-mail through an SMTP server -----------------------------------------------------------


def test_an_email_is_retried_while_the_smtp_server_refuses_and_delivered_once(db, frozen, smtp):
    message = email_message()
    smtp.refuse = 2
    assert services.deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
    assert "451" in reload(message).last_error
    frozen.move_to(T0 + timedelta(minutes=1), tick=False)
    assert services.deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
    frozen.move_to(T0 + timedelta(minutes=3), tick=False)
    assert services.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    frozen.move_to(T0 + timedelta(hours=2), tick=False)
    assert services.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    message_id = f"<{message.message_id}@iltod>"
    assert smtp.received == {message_id: 1}
    delivered = smtp.messages[0]
    assert delivered["To"] == "bat@example.mn"
    assert str(make_header(decode_header(delivered["Subject"]))) == "Таны санал хүсэлтийг бүртгэлээ: IL-26-4F7K2"
    assert delivered.get_payload(decode=True).decode(delivered.get_content_charset()).strip() == message.body
    message = reload(message)
    assert (message.status, message.attempts, message.provider_id) == (Status.SENT, 3, str(message.message_id))


def test_a_refused_recipient_is_not_quoted_in_the_error_shown_to_staff(db, frozen, smtp):
    message = email_message()
    smtp.unknown_mailboxes = {"bat@example.mn"}
    assert services.deliver_due() == {"sent": 0, "retry": 1, "failed": 0}
    error = reload(message).last_error
    assert "550" in error
    assert "Recipient address rejected" in error
    assert "bat@example.mn" not in error
    assert not smtp.messages


def test_an_unreachable_smtp_server_is_retried(db, frozen, settings):
    with FakeSmtpServer() as closed:
        port = closed.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    message = email_message()
    assert services.deliver_due()["retry"] == 1
    assert reload(message).status == Status.PENDING


# --- workers ---------------------------------------------------------------------------------


def test_a_message_claimed_by_a_dead_worker_is_released_and_delivered(db, frozen, gateway, settings):
    settings.OUTBOX_CLAIM_SECONDS = 300
    abandoned = sms(status=Status.SENDING, attempts=1, claimed_at=T0 - timedelta(seconds=301))
    busy = sms(recipient="+97688112233", status=Status.SENDING, attempts=1, claimed_at=T0 - timedelta(seconds=299))
    assert services.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}
    abandoned, busy = reload(abandoned), reload(busy)
    assert (abandoned.status, abandoned.attempts) == (Status.SENT, 2)
    assert busy.status == Status.SENDING  # its worker may still be sending it
    assert gateway.delivered == {str(abandoned.message_id): 1}
    assert (abandoned.may_be_duplicate, busy.may_be_duplicate) == (True, False)


def test_a_message_released_from_a_dead_worker_is_reported_as_a_possible_duplicate(db, frozen, gateway, caplog):
    abandoned = sms(status=Status.SENDING, attempts=1, claimed_at=T0 - timedelta(hours=1))
    with caplog.at_level("WARNING", logger="iltod.outbox"):
        assert services.release_stale_claims() == 1
    abandoned = reload(abandoned)
    assert (abandoned.status, abandoned.claimed_at, abandoned.may_be_duplicate) == (Status.PENDING, None, True)
    assert str(abandoned.message_id) in caplog.text
    assert "may get it twice" in caplog.text
    services.deliver_due()
    # sent again under the same id, so the gateway can drop the copy it may already have
    assert gateway.requests[0]["headers"]["Idempotency-Key"] == str(abandoned.message_id)
    assert reload(abandoned).may_be_duplicate is True


def test_a_message_claimed_late_in_a_long_run_carries_the_time_of_its_claim(db, frozen, gateway, monkeypatch):
    """A run that started long ago must not make its latest claim look abandoned to other workers."""
    first, second = sms(), sms(recipient="+97688112233", next_attempt_at=T0 + timedelta(seconds=1))
    frozen.move_to(T0 + timedelta(seconds=1), tick=False)
    real_send = services._send
    claims = {}

    def slow_send(message):
        claims[message.pk] = reload(message).claimed_at
        frozen.move_to(timezone_now() + timedelta(minutes=10), tick=False)  # a slow gateway
        return real_send(message)

    monkeypatch.setattr(services, "_send", slow_send)
    services.deliver_due()
    assert claims == {first.pk: T0 + timedelta(seconds=1), second.pk: T0 + timedelta(minutes=10, seconds=1)}
    assert reload(second).claimed_at is None  # cleared once sent


def test_a_worker_never_sends_a_message_that_another_worker_claimed(db, frozen, gateway, monkeypatch):
    """Worker A reads the due messages, then worker B runs to the end before A claims any."""
    messages = [sms(recipient=f"+9769911{i:04d}") for i in range(5)]
    real_send = services._send
    worker_b = []

    def send_while_worker_b_runs(message):
        if not worker_b:
            worker_b.append("running")
            worker_b.append(services.deliver_due())
        return real_send(message)

    monkeypatch.setattr(services, "_send", send_while_worker_b_runs)
    worker_a = services.deliver_due()
    assert worker_b[1] == {"sent": 4, "retry": 0, "failed": 0}
    assert worker_a == {"sent": 1, "retry": 0, "failed": 0}
    assert gateway.delivered == {str(m.message_id): 1 for m in messages}
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_delivery_runs_send_every_message_exactly_once(settings):
    messages = [
        OutboundMessage.objects.create(channel="sms", recipient=f"+9769911{i:04d}", body=f"Мессеж {i}")
        for i in range(12)
    ]
    with FakeSmsGateway(delay=0.05) as gateway:
        settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL = "http", gateway.url
        if connection.vendor == "postgresql":
            results = run_at_once(2, services.deliver_due)
        else:
            # SQLite serialises writers, so run the two workers one after the other: the second
            # finds every message claimed or sent and sends nothing again.
            results = [services.deliver_due(), services.deliver_due()]
        assert sum(r["sent"] for r in results) == 12
        assert gateway.delivered == {str(m.message_id): 1 for m in messages}
        assert len(gateway.requests) == 12
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert set(OutboundMessage.objects.values_list("attempts", flat=True)) == {1}


def test_the_deliver_outbox_command_sends_what_is_due(db, frozen, gateway):
    sms()
    sms(recipient="+97688112233", next_attempt_at=T0 + timedelta(minutes=5))
    out = io.StringIO()
    call_command("deliver_outbox", stdout=out)
    assert out.getvalue().strip() == "sent 1, to retry 0, failed 0"


# --- queuing ---------------------------------------------------------------------------------


def test_queuing_the_same_dedupe_key_twice_keeps_one_message(db):
    first = services.queue_message(channel="sms", recipient="+97699112233", body="Нэг", dedupe_key="received:1:sms")
    second = services.queue_message(channel="sms", recipient="+97699112233", body="Хоёр", dedupe_key="received:1:sms")
    assert second.pk == first.pk
    assert OutboundMessage.objects.get().body == "Нэг"
    services.queue_message(channel="sms", recipient="+97699112233", body="Гурав", dedupe_key="received:2:sms")
    assert OutboundMessage.objects.count() == 2


def test_queuing_without_a_recipient_queues_nothing(db):
    assert services.queue_message(channel="email", recipient="", body="Hello") is None
    assert not OutboundMessage.objects.exists()


def test_an_sms_is_cut_to_two_parts_and_an_email_is_not(db):
    long_text = "я" * 500
    assert len(services.queue_message(channel="sms", recipient="+97699112233", body=long_text).body) == 320
    assert len(services.queue_message(channel="email", recipient="a@example.mn", body=long_text).body) == 500


def test_one_delivery_run_is_scheduled_per_transaction_and_it_sends_on_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for i in range(3):
            services.queue_message(channel="email", recipient=f"person{i}@example.mn", subject="Мэдэгдэл", body="Текст")
        assert not mail.outbox  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["person0@example.mn", "person1@example.mn", "person2@example.mn"]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_failure_to_start_delivery_after_the_commit_does_not_undo_or_break_the_change(
    db, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The database or the broker may vanish just after the commit: the message waits in the outbox."""
    from django.db import OperationalError

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "deliver_due", database_gone)
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_message(channel="sms", recipient="+97699112233", body="Таны код: IL-26-4F7K2")
    assert OutboundMessage.objects.get().status == Status.PENDING
    assert "server closed the connection unexpectedly" in caplog.text


def test_retry_now_sends_a_failed_message_again(db, frozen, gateway, django_capture_on_commit_callbacks):
    message = sms(
        status=Status.FAILED, attempts=8, last_error="gateway answered 503", next_attempt_at=T0 + timedelta(hours=6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_now(message)
    message = reload(message)
    assert (message.status, message.attempts) == (Status.SENT, 1)
    assert gateway.delivered == {str(message.message_id): 1}


def test_retry_now_leaves_a_sent_message_alone(db, frozen, gateway, django_capture_on_commit_callbacks):
    message = sms(status=Status.SENT, attempts=1, sent_at=T0)
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_now(message)
    assert reload(message).status == Status.SENT
    assert not gateway.requests


def test_the_staff_send_again_button_delivers_a_failed_message(personas, django_capture_on_commit_callbacks):
    from iltod.feedback.tests.helpers import submit

    feedback = submit(personas, privacy="confidential", reporter_email="bat@example.mn", language="en")
    message = OutboundMessage.objects.for_object(feedback).get(recipient="bat@example.mn")
    OutboundMessage.objects.exclude(pk=message.pk).update(status=Status.SENT)  # the handlers' e-mails went out
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED, attempts=8, last_error="SMTP 550 mailbox unavailable"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(personas.officer)
    page = client.get(feedback.get_staff_url()).content.decode()
    retry_url = reverse("feedback:retry_message", args=[feedback.tracking_code, message.message_id])
    assert f'action="{retry_url}"' in page
    assert "SMTP 550 mailbox unavailable" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url, follow=True)
    assert [m.message for m in response.context["messages"]] == ["The message will be sent again."]
    assert reload(message).status == Status.SENT
    assert [m.to for m in mail.outbox] == [["bat@example.mn"]]
    assert mail.outbox[0].subject == f"We received your feedback {feedback.tracking_code}"
