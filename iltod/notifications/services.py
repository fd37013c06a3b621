"""Queue messages in the outbox and deliver them, exactly once where the transport allows."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from iltod.lib.redact import mask_personal_data
from iltod.lib.sms import SmsError, get_gateway

from .models import OutboundMessage

log = logging.getLogger("iltod.outbox")

SMS_MAX_CHARS = 320


def queue_message(
    *, channel, recipient, body, subject="", language="mn", related=None, dedupe_key=None, new_key=False, headers=None
):
    """Add a message to the outbox inside the caller's transaction; delivery starts on commit.

    With ``dedupe_key``, queuing the same key again returns the existing message. ``new_key``: the
    caller knows that no message has the key yet (it names a row created in this transaction), so
    the message is written without looking first; the key still guards any later queuing.
    ``headers``: extra e-mail headers (name → value), e.g. ``List-Unsubscribe``.
    """
    if not recipient:
        return None
    message = OutboundMessage(
        channel=channel,
        recipient=recipient,
        body=body[:SMS_MAX_CHARS] if channel == OutboundMessage.Channel.SMS else body,
        subject=subject[:255],
        language=language,
        dedupe_key=dedupe_key,
        headers=dict(headers or {}) if channel == OutboundMessage.Channel.EMAIL else {},
    )
    if related is not None:
        message.related_type = ContentType.objects.get_for_model(related)
        message.related_id = str(related.pk)
    if dedupe_key and not new_key:
        existing = OutboundMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            return OutboundMessage.objects.get(dedupe_key=dedupe_key)
    else:
        message.save()
    _schedule_once()
    return message


def _schedule_once():
    """One delivery run per transaction, however many messages it queued."""
    connection = transaction.get_connection()
    if not any(callback is schedule_delivery for _sids, callback, *_rest in connection.run_on_commit):
        # robust: the change that queued the message is committed; a failure to start delivery
        # (database or broker gone just after the commit) must not turn it into an error for the
        # user. The rows wait for the next run.
        transaction.on_commit(schedule_delivery, robust=True)


def queue_templated(
    *, channel, recipient, template, context, language="mn", related=None, dedupe_key=None, new_key=False, headers=None
):
    """Render ``notifications/<template>.<channel>.txt`` (first line of e-mails is the subject)
    in the recipient's language and queue it."""
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"{template}.{channel}.txt", context).strip()
    subject = ""
    if channel == OutboundMessage.Channel.EMAIL:
        subject, _sep, text = text.partition("\n")
        text = text.strip()
    return queue_message(
        channel=channel,
        recipient=recipient,
        body=text,
        subject=subject.strip(),
        language=language,
        related=related,
        dedupe_key=dedupe_key,
        new_key=new_key,
        headers=headers,
    )


def schedule_delivery():
    """Hand delivery to a Celery worker, or run it in-process when no broker is configured."""
    from .tasks import deliver_outbox

    if settings.CELERY_TASK_ALWAYS_EAGER:
        deliver_due()
        return
    try:
        deliver_outbox.delay()
    except Exception:  # broker down: the rows wait for the periodic worker
        log.warning("could not reach the task broker; the outbox will be delivered by the periodic worker")


def backoff(attempts: int) -> timedelta:
    """OUTBOX_RETRY_SECONDS (1 minute), then 2, 4, 8 … times as long, at most 6 hours."""
    return timedelta(seconds=min(settings.OUTBOX_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600))


def release_stale_claims(now=None) -> int:
    """Messages claimed by a worker that died are made pending again.

    The worker may have died after the SMTP server or gateway accepted the message but before
    marking it sent, so it may be delivered twice: it keeps its message id (the Message-ID header,
    the gateway's ``message_id`` and ``Idempotency-Key``) for the receiving side to drop the copy,
    and is flagged ``may_be_duplicate`` and logged for staff.
    """
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    stale = OutboundMessage.objects.filter(status=OutboundMessage.Status.SENDING, claimed_at__lt=limit)
    released = 0
    for pk, message_id in stale.values_list("pk", "message_id"):
        released += OutboundMessage.objects.filter(pk=pk, status=OutboundMessage.Status.SENDING).update(
            status=OutboundMessage.Status.PENDING, next_attempt_at=now, claimed_at=None, may_be_duplicate=True
        )
        log.warning(
            "outbox message %s was claimed by a worker that stopped; sending it again with the same id "
            "(the receiver may get it twice)",
            message_id,
        )
    return released


def _send(message: OutboundMessage) -> str:
    if message.channel == OutboundMessage.Channel.EMAIL:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            headers={**(message.headers or {}), "Message-ID": f"<{message.message_id}@iltod>"},
        )
        email.send(fail_silently=False)
        return str(message.message_id)
    return get_gateway().send(message.recipient, message.body, str(message.message_id))


def deliver_due(batch: int = 100, now=None) -> dict[str, int]:
    """Claim due messages one by one, send, and record the outcome. Safe to run concurrently."""
    now = now or timezone.now()
    release_stale_claims(now)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    candidates = list(OutboundMessage.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:batch])
    for pk in candidates:
        # claimed_at is the time of this claim, not of the start of the run: a long run must not
        # look abandoned to another worker while it is still sending
        claimed = OutboundMessage.objects.filter(Q(pk=pk), Q(status=OutboundMessage.Status.PENDING)).update(
            status=OutboundMessage.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
        if not claimed:
            continue  # another worker took it
        message = OutboundMessage.objects.get(pk=pk)
        try:
            provider_id = _send(message)
        except Exception as exc:  # SMTP errors, gateway errors, timeouts: all retried or failed, never lost
            permanent = isinstance(exc, SmsError) and exc.permanent
            give_up = permanent or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
            OutboundMessage.objects.filter(pk=pk, status=OutboundMessage.Status.SENDING).update(
                status=OutboundMessage.Status.FAILED if give_up else OutboundMessage.Status.PENDING,
                next_attempt_at=now + backoff(message.attempts),
                # Shown to every handler of the related object: SMTP errors quote the recipient's
                # address, which only members allowed to see the reporter's identity may read.
                last_error=mask_personal_data(str(exc))[:2000],
                claimed_at=None,
            )
            counts["failed" if give_up else "retry"] += 1
            continue
        OutboundMessage.objects.filter(pk=pk).update(
            status=OutboundMessage.Status.SENT,
            claimed_at=None,
            sent_at=timezone.now(),
            provider_id=str(provider_id)[:128],
            last_error="",
        )
        counts["sent"] += 1
    return counts


def retry_now(message: OutboundMessage) -> None:
    """Staff action: try a failed message again."""
    OutboundMessage.objects.filter(pk=message.pk, status=OutboundMessage.Status.FAILED).update(
        status=OutboundMessage.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
    )
    transaction.on_commit(schedule_delivery, robust=True)
