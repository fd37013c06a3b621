"""Services that queue outbox messages run in a transaction of their own (``durable``): no caller can
wrap one in a larger transaction and roll its change back after the messages were queued, and a
change that is rolled back sends nothing."""

import pytest
from django.core import mail
from django.db import transaction

from iltod.feedback import services
from iltod.feedback.channels import inbound
from iltod.feedback.imports import import_feedback
from iltod.feedback.models import Feedback, InboundMessage
from iltod.notifications.models import OutboundMessage

from .helpers import MEALS_TEXT, category, submit

DURABLE_SERVICES = [
    services.submit_feedback,
    services.change_status,
    services.respond,
    services.refer,
    services.take_over,
    services.escalate,
    services.extend_deadline,
    services.mark_duplicate,
    services.reopen,
    import_feedback,
    inbound.process,
]


@pytest.mark.django_db
@pytest.mark.parametrize("service", DURABLE_SERVICES, ids=lambda f: f.__name__)
def test_a_service_that_queues_messages_refuses_to_run_inside_another_transaction(service):
    # The check comes first, before the service reads its arguments.
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        service(None, None)


def _submission(personas, **fields):
    return services.Submission(
        kind="complaint",
        category=category("edu-meals"),
        description=MEALS_TEXT,
        service_unit=personas.school,
        reporter_email="bat@example.mn",
        reporter_phone="99112233",
        **fields,
    )


def test_a_submission_rolled_back_after_its_messages_were_queued_sends_nothing(
    personas, django_capture_on_commit_callbacks
):
    def fail(feedback):
        assert OutboundMessage.objects.filter(related_id=str(feedback.pk)).exists()  # queued…
        raise RuntimeError("the session could not be saved")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        services.submit_feedback(_submission(personas), on_stored=fail)
    assert callbacks == []  # …and no delivery is scheduled
    assert not Feedback.objects.exists()
    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


def test_a_committed_submission_sends_its_receipt(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_feedback(_submission(personas))
    assert OutboundMessage.objects.filter(recipient="bat@example.mn").exists()
    assert [m.to for m in mail.outbox if "bat@example.mn" in m.to]


def test_a_channel_message_whose_handling_fails_sends_nothing(personas, django_capture_on_commit_callbacks):
    feedback = submit(personas, reporter_phone="99112233")
    OutboundMessage.objects.all().delete()
    message, _created = inbound.record(InboundMessage.Channel.SMS, "gw-1", payload={}, sender="99112233", text="x")

    def handler(locked):
        services.add_citizen_update(feedback, text="Одоо ч хүйтэн байна.", channel=Feedback.Channel.SMS)
        assert OutboundMessage.objects.exists()
        raise inbound.InboundError("the facility code is unknown")

    with django_capture_on_commit_callbacks(execute=True):
        locked = inbound.process(message, handler)
    assert locked.status == InboundMessage.Status.ERROR
    assert not OutboundMessage.objects.exists()
    assert not feedback.events.filter(text__contains="хүйтэн").exists()
    assert mail.outbox == []
