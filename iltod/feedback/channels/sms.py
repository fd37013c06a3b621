"""Feedback by SMS: a gateway posts each inbound message to ``/webhooks/sms/``.

Two wire formats are read (docs/channels.md has the exact fields):

* generic: JSON or form-encoded ``message_id``, ``from``, ``text``, optional ``to`` and ``received_at``;
* Twilio's inbound-message webhook: form-encoded ``MessageSid``, ``From``, ``To``, ``Body``…

A text is, in order of precedence:

1. a reply to a tracking code (``IL-26-4F7K2``) from the phone that reported the item: an update on
   it, or — when the text is only the code — a status reply by SMS;
2. new feedback, about the facility whose public code starts the text (``P4BYCB65 хоол хүйтэн``),
   or without a facility: the whole country and the "other" category, for the triage desk to refer.

A tracking code from any other phone is treated as new feedback: nothing about the item leaks.
"""

import re

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from iltod.lib.phones import normalize_phone
from iltod.lib.webhooks import json_object
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import queue_templated
from iltod.places.models import CODE_ALPHABET, AdminUnit, ServiceUnit

from .. import services
from ..models import Category, Feedback, InboundMessage, Kind
from . import inbound
from .inbound import Receipt

CHANNEL = InboundMessage.Channel.SMS
MAX_TEXT = 2000
FALLBACK_CATEGORY = "other"

# IL-26-4F7K2, also typed il 26 4f7k2 or IL264F7K2
TRACKING_CODE = re.compile(rf"\bIL[\s-]?(\d{{2}})[\s-]?([{CODE_ALPHABET}]{{5}})\b", re.IGNORECASE)
# a facility's public code as the first word
FACILITY_CODE = re.compile(r"^\W*([A-Za-z0-9]{6,12})(?=\W|$)")

# field names per wire format: id, sender, text, recipient, time
GENERIC = {"id": "message_id", "from": "from", "text": "text", "to": "to", "time": "received_at"}
TWILIO = {"id": "MessageSid", "from": "From", "text": "Body", "to": "To", "time": None}


def _format(payload: dict) -> tuple[str, dict]:
    if "MessageSid" in payload:
        return "twilio", TWILIO
    return "generic", GENERIC


def _value(payload: dict, key: str | None) -> str | None:
    if key is None or key not in payload:
        return None
    value = payload[key]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return str(value)


def _received_at(payload: dict, names: dict):
    """The gateway's receipt time (ISO 8601; without an offset, local time), never in the future."""
    raw = _value(payload, names["time"])
    if not raw:
        return None
    moment = parse_datetime(raw.strip())
    if moment is None:
        raise ValueError(raw)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return min(moment, timezone.now())


def _read_body(content_type: str, body: bytes, form) -> tuple[dict | None, str]:
    looks_like_json = body.lstrip()[:1] in {b"{", b"["} and content_type != "application/x-www-form-urlencoded"
    if content_type == "application/json" or looks_like_json:
        return json_object(body)
    return {key: form.get(key) for key in form}, ""


def receive(content_type: str, body: bytes, form) -> Receipt:
    """Store one delivery, process it once, and say what became of it."""
    payload, error = _read_body(content_type, body, form)
    if payload is None:
        message, _created = inbound.record(
            CHANNEL, inbound.body_id(body), payload={"raw": body.decode("utf-8", "replace")}, error=error
        )
        return Receipt(400, {"status": "error", "error": error, "id": str(message.code)})
    provider, names = _format(payload)
    message_id = (_value(payload, names["id"]) or "").strip()
    sender = (_value(payload, names["from"]) or "").strip()
    text = _value(payload, names["text"])
    error = ""
    if not message_id:
        error = _("“%(field)s” is missing.") % {"field": names["id"]}
    elif not sender:
        error = _("“%(field)s” is missing.") % {"field": names["from"]}
    elif text is None or not text.strip():
        error = _("“%(field)s” is missing or empty.") % {"field": names["text"]}
    elif len(text) > MAX_TEXT:
        error = _("The text is longer than %(max)s characters.") % {"max": MAX_TEXT}
    else:
        try:
            _received_at(payload, names)
        except ValueError:
            error = _("“%(field)s” is not an ISO 8601 date and time.") % {"field": names["time"]}
    message, created = inbound.record(
        CHANNEL, message_id or inbound.body_id(body), payload=payload, sender=sender, text=text or "", error=error
    )
    if error or (not created and message.status == InboundMessage.Status.ERROR and not message.attempts):
        # malformed (now, or when this message id was first delivered): stored, never processed
        return Receipt(400, {"status": "error", "error": message.error, "id": str(message.code)}, provider)
    if message.status == InboundMessage.Status.RECEIVED:
        # new, or a first delivery that was interrupted or is being processed right now (then this waits)
        message = inbound.process(message, handle)
    data = answer(message) if created else {**answer(message), "duplicate": True}
    return Receipt(202 if message.status == InboundMessage.Status.ERROR else 200, data, provider)


def answer(message: InboundMessage) -> dict:
    data = {"status": message.status, "id": str(message.code)}
    if message.outcome:
        data["outcome"] = message.outcome
    if message.feedback_id:
        data["tracking_code"] = message.feedback.tracking_code
    if message.error:
        data["error"] = message.error
    return data


# ---------------------------------------------------------------------------------------------
# Processing (also run by staff retries)


def tracking_codes(text: str) -> list[str]:
    return list(dict.fromkeys(f"IL-{year}-{code.upper()}" for year, code in TRACKING_CODE.findall(text or "")))


def _reported_by(feedback: Feedback, sender: str, phone: str) -> bool:
    """Did this phone report the item? Anonymous items have no reporter and never match."""
    reporter = getattr(feedback, "reporter", None)
    if reporter is None or not reporter.phone:
        return False
    return reporter.phone in {phone, sender} - {""}


def _reply(message: InboundMessage, feedback: Feedback, template: str):
    """An SMS back to the reporter, through the outbox, once per inbound message."""
    reporter = feedback.reporter
    if not reporter.notify:
        return
    queue_templated(
        channel=OutboundMessage.Channel.SMS,
        recipient=reporter.phone,
        template=f"feedback/channels/{template}",
        context={"feedback": feedback, "site_url": settings.SITE_URL},
        language=feedback.language,
        related=feedback,
        dedupe_key=f"inbound:{message.code}:reply",
    )


def _strip_codes(text: str, *codes: str) -> str:
    text = TRACKING_CODE.sub(" ", text)
    for code in codes:
        text = re.sub(rf"\b{re.escape(code)}\b", " ", text, flags=re.IGNORECASE)
    return text.strip(" \t\r\n.,;:!?-—")


def _facility(message: InboundMessage, text: str) -> ServiceUnit | None:
    active = ServiceUnit.objects.active().select_related("admin_unit")
    corrected = message.corrections.get("facility")
    if corrected:
        facility = active.filter(code=corrected.upper()).first()
        if facility is None:
            raise inbound.InboundError(_("No facility has the code %(code)s.") % {"code": corrected})
        return facility
    match = FACILITY_CODE.match(text)
    return active.filter(code=match.group(1).upper()).first() if match else None


def handle(message: InboundMessage) -> None:
    text = message.text.strip()
    message.transliteration = inbound.transliterate(text)
    phone = normalize_phone(message.sender)
    codes = tracking_codes(text)
    for feedback in Feedback.objects.filter(tracking_code__in=codes).select_related("reporter"):
        if _reported_by(feedback, message.sender, phone):
            _update(message, feedback, text)
            return

    facility = _facility(message, text)
    if not _strip_codes(text, *([facility.code] if facility else [])):
        raise inbound.InboundError(_("The message has no text besides codes."))
    if (
        message.attempts == 1
        and phone
        and services.recent_submissions_by_phone(phone) >= settings.FEEDBACK_PER_PHONE_PER_DAY
    ):
        raise inbound.InboundError(_("Too many messages from this number today. Retry to accept this one."))
    category_code = message.corrections.get("category") or FALLBACK_CATEGORY
    category = Category.objects.filter(code=category_code, is_active=True).select_related("sector").first()
    if category is None:
        raise inbound.InboundError(_("No active category has the code “%(code)s”.") % {"code": category_code})
    admin_unit = None
    if facility is None:
        admin_unit = AdminUnit.objects.filter(level=AdminUnit.Level.COUNTRY, parent__isnull=True).order_by("pk").first()
        if admin_unit is None:
            raise inbound.InboundError(_("The country is missing from the administrative units."))
    names = _format(message.payload)[1]
    try:
        received_at = _received_at(message.payload, names)
    except ValueError:
        received_at = None
    feedback, created = services.submit_from_channel(
        services.Submission(
            kind=Kind.COMPLAINT,
            category=category,
            description=text,
            service_unit=facility,
            admin_unit=admin_unit,
            privacy=Feedback.Privacy.NAME_HIDDEN,
            reporter_phone=message.sender,
            language=settings.LANGUAGE_CODE,
            channel=Feedback.Channel.SMS,
            external_id=message.external_id,
            received_at=received_at or message.created_at,
        ),
        transliteration=message.transliteration,
        raw_phone=message.sender,
        triage_organization=inbound.triage_organization(),
    )
    message.feedback, message.outcome = feedback, InboundMessage.Outcome.FEEDBACK
    if not created:
        message.status = InboundMessage.Status.DUPLICATE


def _update(message: InboundMessage, feedback: Feedback, text: str) -> None:
    message.feedback = feedback
    if not _strip_codes(text):
        # Only the code: the reporter asks where the item stands.
        message.outcome = InboundMessage.Outcome.STATUS
        _reply(message, feedback, "status")
        return
    update = f"{text}\n\n→ {message.transliteration}" if message.transliteration else text
    services.add_citizen_update(feedback, text=update, channel=Feedback.Channel.SMS)
    message.outcome = InboundMessage.Outcome.UPDATE
    _reply(message, feedback, "update_received")
