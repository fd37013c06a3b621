"""Feedback collected in the field with the platform's XLSForm (KoBoToolbox, ODK), pushed to
``/webhooks/kobo/`` by a KoBoToolbox REST Service (JSON, no custom wrapper).

A submission is the JSON KoBo posts: the form's fields by name (with group prefixes,
``group/field``) and KoBo's own keys: ``_uuid``, ``meta/instanceID``, ``_submission_time``,
``_geolocation``, ``_attachments``, ``_submitted_by``… It is idempotent on the submission uuid.

A submission that cannot become feedback (unknown facility or category, empty description, not
JSON) is kept with its error and answered with 202, so KoBo does not retry it for ever: the
triage desk fixes the data and retries it from ``/staff/feedback/inbound/``.
"""

from datetime import UTC

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from iltod.lib.kobo import fields, submission_id
from iltod.lib.kobo import text as _text
from iltod.lib.webhooks import json_object
from iltod.places.models import AdminUnit, ServiceUnit

from .. import services, tasks
from ..models import Category, Feedback, InboundMessage, Kind
from . import inbound, kobo_photos
from .inbound import Receipt

CHANNEL = InboundMessage.Channel.KOBO
MAX_DESCRIPTION = 5000
IDENTITY_FIELDS = {"phone", "name"}  # removed from the stored payload of anonymous feedback


def receive(body: bytes) -> Receipt:
    """Store one submission, process it once, and say what became of it."""
    payload, error = json_object(body)
    if error:
        message, _created = inbound.record(
            CHANNEL, inbound.body_id(body), payload={"raw": body.decode("utf-8", "replace")}, error=error
        )
        return Receipt(202, answer(message))
    uuid = submission_id(payload)
    description = _text(fields(payload).get("description"))
    message, created = inbound.record(
        CHANNEL,
        uuid or inbound.body_id(body),
        payload=payload,
        sender=_text(payload.get("_submitted_by")),
        text=description,
        error="" if uuid else _("The submission has no _uuid or meta/instanceID."),
    )
    if message.status == InboundMessage.Status.RECEIVED:
        # new, or a first delivery that was interrupted or is being processed right now (then this waits)
        message = inbound.process(message, handle)
    if message.status == InboundMessage.Status.ERROR:
        return Receipt(202, {**answer(message), **({} if created else {"duplicate": True})})
    if not created:
        return Receipt(200, {**answer(message), "duplicate": True})
    return Receipt(201 if message.status == InboundMessage.Status.PROCESSED else 200, answer(message))


def answer(message: InboundMessage) -> dict:
    data = {"status": message.status, "id": str(message.code)}
    if message.feedback_id:
        data["tracking_code"] = message.feedback.tracking_code
    if message.error:
        data["error"] = message.error
    return data


# ---------------------------------------------------------------------------------------------
# Processing (also run by staff retries)


def _received_at(payload: dict):
    """KoBo's ``_submission_time`` (UTC, without an offset), never in the future."""
    moment = parse_datetime(_text(payload.get("_submission_time")))
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return min(moment, timezone.now())


def _location(answers: dict, payload: dict) -> tuple[float | None, float | None]:
    """The ``location`` geopoint ("lat lon altitude accuracy"), else KoBo's ``_geolocation``."""
    candidates = [_text(answers.get("location")).split()[:2], payload.get("_geolocation") or []]
    for pair in candidates:
        try:
            lat, lon = (float(v) for v in pair)
        except (TypeError, ValueError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lat, lon
    return None, None


def _photo_notes(answers: dict, payload: dict) -> list[str]:
    """The timeline says where the photo is kept in KoBoToolbox (with KOBO_API_TOKEN set, a task
    also fetches it: ``iltod.feedback.tasks``)."""
    photo = _text(answers.get("photo"))
    if not photo:
        return []
    url = kobo_photos.attachment_url(payload, photo)
    if url:
        return [_("Photo taken in the field, kept in KoBoToolbox: %(url)s") % {"url": url}]
    return [_("Photo %(name)s taken in the field is kept in KoBoToolbox.") % {"name": photo}]


def handle(message: InboundMessage) -> None:
    answers = {**fields(message.payload), **message.corrections}
    errors = []

    kind = _text(answers.get("kind"))
    if kind not in Kind.values:
        errors.append(_("Unknown type “%(value)s”.") % {"value": kind} if kind else _("The type is missing."))
    category_code = _text(answers.get("category"))
    category = Category.objects.filter(code=category_code, is_active=True).select_related("sector").first()
    if category is None:
        errors.append(
            _("Unknown category “%(value)s”.") % {"value": category_code}
            if category_code
            else _("The category is missing.")
        )
    facility_code = _text(answers.get("facility"))
    facility = admin_unit = None
    if facility_code:
        facility = ServiceUnit.objects.active().select_related("admin_unit").filter(code=facility_code.upper()).first()
        if facility is None:
            errors.append(_("Unknown facility “%(value)s”.") % {"value": facility_code})
    else:
        place = _text(answers.get("soum")) or _text(answers.get("aimag"))
        admin_unit = AdminUnit.objects.current().filter(code=place).first() if place else None
        if admin_unit is None:
            errors.append(
                _("Unknown place “%(value)s”.") % {"value": place}
                if place
                else _("Neither a facility nor a place was given.")
            )
    description = _text(answers.get("description"))
    if not description:
        errors.append(_("The description is empty."))
    elif len(description) > MAX_DESCRIPTION:
        errors.append(_("The description is longer than %(max)s characters.") % {"max": MAX_DESCRIPTION})
    privacy = _text(answers.get("privacy")) or Feedback.Privacy.NAME_HIDDEN
    if privacy not in Feedback.Privacy.values:
        errors.append(_("Unknown privacy choice “%(value)s”.") % {"value": privacy})
    if errors:
        raise inbound.InboundError(" ".join(errors))

    message.text = description
    message.transliteration = inbound.transliterate(description)
    anonymous = privacy == Feedback.Privacy.ANONYMOUS
    phone = "" if anonymous else _text(answers.get("phone"))
    latitude, longitude = _location(answers, message.payload)
    feedback, created = services.submit_from_channel(
        services.Submission(
            kind=kind,
            category=category,
            description=description,
            service_unit=facility,
            admin_unit=admin_unit,
            latitude=latitude,
            longitude=longitude,
            privacy=privacy,
            reporter_name="" if anonymous else _text(answers.get("name"))[:150],
            reporter_phone=phone,
            language=settings.LANGUAGE_CODE,
            channel=Feedback.Channel.KOBO,
            external_id=message.external_id,
            received_at=_received_at(message.payload) or message.created_at,
        ),
        transliteration=message.transliteration,
        raw_phone=phone,
        triage_organization=inbound.triage_organization(),
        notes=_photo_notes(answers, message.payload),
    )
    message.feedback, message.outcome = feedback, InboundMessage.Outcome.FEEDBACK
    if not created:
        message.status = InboundMessage.Status.DUPLICATE
    photo = _text(answers.get("photo"))
    photo_url = kobo_photos.attachment_url(message.payload, photo) if photo and created else ""
    if kobo_photos.will_fetch(photo_url):
        tasks.schedule_kobo_photo(feedback.pk, photo_url, photo)  # once the item is committed
    if anonymous:  # anonymous feedback stores nothing about the reporter, here neither
        message.payload = {
            key: value for key, value in message.payload.items() if key.rsplit("/", 1)[-1] not in IDENTITY_FIELDS
        }
        message.corrections = {k: v for k, v in message.corrections.items() if k not in IDENTITY_FIELDS}
