"""What every intake channel shares: store the message first, process it once, keep errors.

A delivery is stored as an ``InboundMessage`` before anything else happens, under a unique
(channel, message id): a retried or concurrent delivery of the same message finds the row and
creates nothing new. Processing runs with the row locked, so a concurrent delivery waits and then
sees the result. A message that cannot become feedback keeps its error for staff to fix and retry.
"""

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.lib.translit import has_cyrillic, to_cyrillic
from iltod.organizations.models import Organization
from iltod.places.models import CODE_ALPHABET

from ..models import InboundMessage
from ..permissions import handler_organization_ids

log = logging.getLogger("iltod.channels")

Status = InboundMessage.Status
MAX_STORED_CHARS = 10_000  # longest string kept from a payload (a body is at most Django's upload limit)

# Codes and numbers are kept as typed: IL-26-4F7K2, P4BYCB65, 99112233, 1-р.
# Kept as typed: anything with a digit (tracking codes, numbers, "3-r") and facility codes, which
# are 8 characters of the public-code alphabet and may happen to contain no digit at all.
_KEEP_AS_TYPED = re.compile(r"^\W*(?:(?=[\w-]*\d)[\w-]+|[" + CODE_ALPHABET + r"]{8})\W*$")
_TOKENS = re.compile(r"(\s+)")


@dataclass
class Receipt:
    """What a webhook answers: an HTTP status and a JSON body (Twilio gets empty TwiML instead)."""

    status: int
    data: dict
    provider: str = "generic"


class InboundError(Exception):
    """The message cannot become feedback as it stands; the text is shown to staff."""


def body_id(body: bytes) -> str:
    """An id for a delivery that brings none of its own: the same body gets the same id."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


def storable(text: str) -> str:
    """Without U+0000, which PostgreSQL's text and JSON columns refuse (a hostile body's NUL
    would otherwise turn a stored delivery into a 500)."""
    return text.replace("\x00", "")


def clip(value):
    """The payload as stored: long strings cut to MAX_STORED_CHARS, structure kept."""
    if isinstance(value, str):
        return storable(value[:MAX_STORED_CHARS])
    if isinstance(value, dict):
        return {storable(str(k)[:200]): clip(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clip(v) for v in value]
    return value


def transliterate(text: str) -> str:
    """The Cyrillic reading of Latin-typed Mongolian; empty when the text is Cyrillic already.
    Codes and numbers stay as typed so that staff can still search and quote them."""
    if not text or has_cyrillic(text):
        return ""
    parts = [
        part if part.isspace() or not part or _KEEP_AS_TYPED.match(part) else to_cyrillic(part)
        for part in _TOKENS.split(text)
    ]
    result = "".join(parts)
    return result if result != text else ""


def record(
    channel: str, external_id: str, *, payload, sender: str = "", text: str = "", error: str = ""
) -> tuple[InboundMessage, bool]:
    """Store a delivery. Returns ``(message, created)``; a message id seen before returns the
    first row untouched. With ``error`` the message is stored as not processable."""
    message = InboundMessage(
        channel=channel,
        external_id=storable(external_id)[:128],
        sender=storable(sender or "")[:64],
        payload=clip(payload),
        text=storable(text or "")[:MAX_STORED_CHARS],
        status=Status.ERROR if error else Status.RECEIVED,
        error=error,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        return InboundMessage.objects.get(channel=channel, external_id=message.external_id), False
    if error:
        log.warning("inbound %s message %s kept with an error: %s", channel, message.external_id, error)
    return message, True


def process(
    message: InboundMessage, handler: Callable[[InboundMessage], None], *, retry: bool = False
) -> InboundMessage:
    """Run the channel's ``handler`` on a stored message, once.

    The row is locked while the handler runs, so a concurrent delivery of the same message waits
    and then finds it processed. Messages in error are processed again only on ``retry`` (staff).
    The handler sets ``feedback``/``outcome`` (and may set ``status``); anything it raises becomes
    the message's error, and whatever it wrote to the database is rolled back.
    """
    with transaction.atomic(durable=True):  # the handler's messages leave only if it all commits
        locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status in {Status.PROCESSED, Status.DUPLICATE} or (locked.status == Status.ERROR and not retry):
            return locked
        locked.attempts += 1
        locked.status, locked.error = Status.PROCESSED, ""
        try:
            with transaction.atomic():
                handler(locked)
        except InboundError as exc:
            locked.status, locked.error = Status.ERROR, str(exc)
        except ValidationError as exc:
            locked.status, locked.error = Status.ERROR, " ".join(exc.messages)
        except Exception as exc:  # a bug or an outage: kept with the error, never lost
            log.exception("inbound %s message %s failed", locked.channel, locked.external_id)
            locked.status, locked.error = Status.ERROR, _("Unexpected error: %(error)s") % {"error": exc}
        if locked.status == Status.ERROR:
            locked.feedback, locked.outcome = None, ""
        locked.processed_at = timezone.now()
        locked.save()
    return locked


# ---------------------------------------------------------------------------------------------
# Staff: the triage desk sees messages in error, fixes the data and retries them


def triage_organization():
    """The organisation named by FEEDBACK_TRIAGE_ORGANIZATION, or None."""
    code = settings.FEEDBACK_TRIAGE_ORGANIZATION
    if not code:
        return None
    organization = Organization.objects.filter(code=code, is_active=True).first()
    if organization is None:
        log.warning("FEEDBACK_TRIAGE_ORGANIZATION=%s names no active organisation", code)
    return organization


def can_fix_inbound(user) -> bool:
    """Platform admins, and the triage desk's handlers; without a triage desk, every handler."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    handled = handler_organization_ids(user)
    if not settings.FEEDBACK_TRIAGE_ORGANIZATION:
        return bool(handled)
    triage = triage_organization()
    return triage is not None and triage.pk in handled


def retry(message: InboundMessage, *, actor, corrections: dict, request=None) -> InboundMessage:
    """Process a message in error again, after the data was fixed (a facility added) or with
    values staff corrected; the payload stays as received and the retry is audited."""
    from . import kobo, sms

    handler = {InboundMessage.Channel.SMS: sms.handle, InboundMessage.Channel.KOBO: kobo.handle}[message.channel]
    corrections = {key: value.strip() for key, value in corrections.items() if value and value.strip()}
    with transaction.atomic():
        locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != Status.ERROR:
            return locked
        if corrections:
            locked.corrections = {**locked.corrections, **corrections}
            locked.save(update_fields=["corrections"])
        log_event(actor, AuditAction.FEEDBACK_INBOUND_RETRIED, locked, request=request, corrections=corrections)
    return process(locked, handler, retry=True)
