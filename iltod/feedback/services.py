"""Every state change of feedback: atomic, on the timeline, notifications queued in the outbox."""

import difflib
import os
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.lib.phones import normalize_phone
from iltod.lib.redact import mask_personal_data
from iltod.notifications.models import OutboundMessage
from iltod.notifications.services import queue_templated

from . import routing, stats
from .deadlines import deadlines, due_date, policy_for
from .models import Attachment, Event, Feedback, Follow, Kind, Reporter
from .permissions import (
    OrganizationActor,
    can_extend,
    can_handle,
    can_view_identity,
    excluded_organization_ids,
    handlers_of,
    may_be_assigned,
    may_handle,
    overseeing_organization,
)
from .uploads import CleanedFile, clean_upload

Status = Feedback.Status

# Allowed status changes through change_status(); referral, merging and reopening have their own
# services. Closing is the end.
TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.ACTION_SCHEDULED,
        Status.RESOLVED,
        Status.NO_FURTHER_ACTION,
    },
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.ACTION_SCHEDULED, Status.RESOLVED, Status.NO_FURTHER_ACTION},
    Status.IN_PROGRESS: {Status.ACTION_SCHEDULED, Status.RESOLVED, Status.NO_FURTHER_ACTION},
    Status.ACTION_SCHEDULED: {Status.IN_PROGRESS, Status.RESOLVED, Status.NO_FURTHER_ACTION},
    Status.REFERRED: {
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.ACTION_SCHEDULED,
        Status.RESOLVED,
        Status.NO_FURTHER_ACTION,
    },
    Status.RESOLVED: {Status.CLOSED},
    Status.NO_FURTHER_ACTION: {Status.CLOSED},
    Status.DUPLICATE: set(),
    Status.CLOSED: set(),
}
NEEDS_PUBLIC_TEXT = {Status.RESOLVED, Status.NO_FURTHER_ACTION, Status.ACTION_SCHEDULED}
TELL_THE_CITIZEN = {
    Status.ACKNOWLEDGED,
    Status.ACTION_SCHEDULED,
    Status.RESOLVED,
    Status.NO_FURTHER_ACTION,
    Status.REFERRED,
}


class FeedbackError(ValidationError):
    """A request the rules do not allow; the message is translated and shown to the user."""


@dataclass
class Submission:
    kind: str
    category: object
    description: str
    admin_unit: object = None
    service_unit: object = None
    latitude: float | None = None
    longitude: float | None = None
    location_text: str = ""
    privacy: str = Feedback.Privacy.NAME_HIDDEN
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    notify: bool = True
    language: str = "mn"
    channel: str = Feedback.Channel.WEB
    external_id: str = ""
    received_at: object = None
    files: list = field(default_factory=list)
    quiet: bool = False  # imports: no messages to anyone
    attributes: dict = field(default_factory=dict)  # answers to the category's questions
    # An organisation chosen by the caller instead of the routing rules (procurement: feedback on a
    # contracting process goes to its buyer); the guard still applies.
    route_to: object = None


def _locked(feedback: Feedback) -> Feedback:
    # Lock the feedback row only: PostgreSQL refuses FOR UPDATE on the nullable side of the outer
    # joins that select_related makes for the optional facility and handler.
    return (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("category__sector", "service_unit__operator", "admin_unit", "handling_organization")
        .get(pk=feedback.pk)
    )


def _event(feedback, type_, *, actor=None, organization=None, public=False, text="", old="", new="", **data):
    event = _new_event(
        feedback, type_, actor=actor, organization=organization, public=public, text=text, old=old, new=new, **data
    )
    event.save()
    return event


def _new_event(feedback, type_, *, actor=None, organization=None, public=False, text="", old="", new="", **data):
    """An unsaved timeline event (``_event`` saves one; a caller writing several uses bulk_create)."""
    if getattr(actor, "key_prefix", ""):  # an organisation's system (API key): which key did it
        data = {**data, "api_key": actor.key_prefix}
    return Event(
        feedback=feedback,
        type=type_,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organization=organization,
        is_public=public,
        text=text,
        old_status=old,
        new_status=new,
        data=data,
    )


def _tell_reporter(feedback: Feedback, template: str, **context):
    """Queue an e-mail and/or SMS to the reporter, in the language they wrote in."""
    reporter = getattr(feedback, "reporter", None) if feedback.privacy != Feedback.Privacy.ANONYMOUS else None
    if reporter is None or not reporter.notify:
        return
    context = {"feedback": feedback, "site_url": settings.SITE_URL, **context}
    key = context.pop("dedupe", None)
    new_key = context.pop("new_key", False)
    for channel, recipient in (
        (OutboundMessage.Channel.EMAIL, reporter.email),
        (OutboundMessage.Channel.SMS, reporter.phone),
    ):
        if recipient:
            queue_templated(
                channel=channel,
                recipient=recipient,
                template=f"feedback/messages/{template}",
                context=context,
                language=feedback.language,
                related=feedback,
                dedupe_key=f"{key}:{channel}" if key else None,
                new_key=new_key,
            )


def _tell_handlers(feedback: Feedback, organization, template: str, **context):
    """Queue an e-mail to everyone who handles feedback in ``organization``, each in their language;
    for a guarded item never to those who also work at the facility it names (``handlers_of``)."""
    if organization is None:
        return
    for user in handlers_of(feedback, organization.pk).order_by("pk"):
        if user.email:
            queue_templated(
                channel=OutboundMessage.Channel.EMAIL,
                recipient=user.email,
                template=f"feedback/messages/{template}",
                context={"feedback": feedback, "organization": organization, "site_url": settings.SITE_URL, **context},
                language=user.language,
                related=feedback,
            )


def _tell_followers(feedback: Feedback, template: str, *, actor=None, **context):
    """Queue an e-mail to each user who follows the item, in their language. Only for what the
    public reads (a public status change, a public answer), with the item's public page: never the
    citizen's private link. The reporter (told by ``_tell_reporter``) and the actor are skipped."""
    reporter = getattr(feedback, "reporter", None) if feedback.privacy != Feedback.Privacy.ANONYMOUS else None
    told = {reporter.email.lower()} if reporter is not None and reporter.notify and reporter.email else set()
    follows = Follow.objects.filter(feedback=feedback, user__is_active=True).select_related("user")
    if getattr(actor, "is_authenticated", False):
        follows = follows.exclude(user=actor)
    for follow in follows:
        user = follow.user
        if not user.email or user.email.lower() in told:
            continue
        queue_templated(
            channel=OutboundMessage.Channel.EMAIL,
            recipient=user.email,
            template=f"feedback/messages/{template}",
            context={"feedback": feedback, "site_url": settings.SITE_URL, **context},
            language=user.language,
            related=feedback,
        )


@transaction.atomic
def follow(feedback: Feedback, *, user) -> Follow:
    """``user`` follows the item (again: nothing changes). Views offer it on public items only."""
    follow, _created = Follow.objects.get_or_create(user=user, feedback=feedback)
    return follow


@transaction.atomic
def unfollow(feedback: Feedback, *, user) -> bool:
    """``user`` stops following the item; False when they did not follow it."""
    deleted, _per_model = Follow.objects.filter(user=user, feedback=feedback).delete()
    return bool(deleted)


# ---------------------------------------------------------------------------------------------
# Intake


@transaction.atomic(durable=True)
def submit_feedback(
    data: Submission, *, actor=None, submitted_by=None, request=None, on_stored=None
) -> tuple[Feedback, bool]:
    """``store_feedback`` in a transaction of its own (durable: never inside another), so the
    messages it queues leave only for an item that is committed. It runs ``store_feedback``'s body
    without its own atomic block: a savepoint around the whole submission would cost two
    statements and recover nothing, since any failure rolls this transaction back."""
    return store_feedback.__wrapped__(
        data, actor=actor, submitted_by=submitted_by, request=request, on_stored=on_stored
    )


@transaction.atomic
def store_feedback(
    data: Submission, *, actor=None, submitted_by=None, request=None, on_stored=None
) -> tuple[Feedback, bool]:
    """Record feedback from any channel, route it, set its deadlines and confirm to the reporter,
    inside the caller's transaction (a channel's message, an import's rows); elsewhere call
    ``submit_feedback``.

    ``actor`` records it (staff taking a call or importing rows, an organisation's system): it is
    written as ``recorded_by`` and never gives the citizen's access. ``submitted_by`` is the citizen
    logged in on the public form, the one account that finds the item again as its own
    (``Event.objects.submitted_by``).

    Returns ``(feedback, created)``; a channel message id seen before returns the first item.
    ``on_stored(feedback)`` runs in the same transaction once the item, its timeline and its
    messages are written (the web form saves the citizen's session there, so that it is committed
    with the item or not at all).

    The statistics are bumped last, just before the commit: every submission updates the national
    row, and its row lock is held from that update until the commit.
    """
    if data.external_id:
        existing = Feedback.objects.filter(channel=data.channel, external_id=data.external_id).first()
        if existing:
            return existing, False
    if data.kind not in Kind.values:
        raise FeedbackError(_("Unknown feedback type."))
    admin_unit = data.admin_unit or (data.service_unit.admin_unit if data.service_unit else None)
    if admin_unit is None:
        raise FeedbackError(_("Choose a facility or a place."))
    if data.service_unit is not None and data.service_unit.admin_unit_id != admin_unit.pk:
        admin_unit = data.service_unit.admin_unit
    description = (data.description or "").strip()
    if not description:
        raise FeedbackError(_("Describe the problem."))
    phone = normalize_phone(data.reporter_phone) if data.reporter_phone else ""
    anonymous = data.privacy == Feedback.Privacy.ANONYMOUS

    received_at = data.received_at or timezone.now()
    policy = policy_for(data.kind, data.category)
    acknowledge_due, resolve_due = deadlines(received_at, policy)
    # The guard (permissions.excluded_organization_ids): a conduct complaint or a confidential
    # report never goes to the facility it names; it goes to the oversight body of the area.
    excluded = excluded_organization_ids(
        Feedback(category=data.category, privacy=data.privacy, service_unit=data.service_unit)
    )
    if data.route_to is not None and data.route_to.is_active and data.route_to.pk not in excluded:
        handler, rule = data.route_to, None
    else:
        handler, rule = routing.route(
            category=data.category,
            kind=data.kind,
            service_unit=data.service_unit,
            admin_unit=admin_unit,
            excluded=excluded,
        )
    oversight = routing.oversight_for(handler=handler, category=data.category, admin_unit=admin_unit, excluded=excluded)

    feedback = Feedback(
        kind=data.kind,
        category=data.category,
        service_unit=data.service_unit,
        admin_unit=admin_unit,
        latitude=data.latitude,
        longitude=data.longitude,
        location_text=data.location_text.strip(),
        description=description,
        public_description=mask_personal_data(description),
        language=data.language,
        privacy=data.privacy,
        channel=data.channel,
        external_id=data.external_id,
        received_at=received_at,
        acknowledge_due=acknowledge_due,
        resolve_due=resolve_due,
        original_resolve_due=resolve_due,
        handling_organization=handler,
        oversight_organization=oversight,
        attributes=data.attributes or {},
    )
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:
        if data.external_id:  # a concurrent delivery of the same message won the race
            return Feedback.objects.get(channel=data.channel, external_id=data.external_id), False
        feedback.tracking_code = Feedback._meta.get_field("tracking_code").default()
        feedback.save()
    if not anonymous and (data.reporter_name or phone or data.reporter_email):
        Reporter.objects.create(
            feedback=feedback,
            name=data.reporter_name.strip(),
            phone=phone,
            email=(data.reporter_email or "").strip().lower(),
            notify=data.notify,
        )
    for upload in data.files:
        add_attachment(feedback, upload)
    who = {}
    if getattr(submitted_by, "is_authenticated", False):
        who["submitted_by"] = submitted_by.pk
    if getattr(actor, "is_authenticated", False):
        who["recorded_by"] = actor.pk
    if isinstance(actor, OrganizationActor):  # an organisation's system (API key, Open311 client)
        who["api_organization"] = actor.organization_id
    events = [
        _new_event(
            feedback,
            Event.Type.SUBMITTED,
            actor=submitted_by if "submitted_by" in who else actor,
            public=True,
            new=Status.RECEIVED,
            channel=data.channel,
            **who,
        ),
        _new_event(feedback, Event.Type.ROUTED, organization=handler, public=True, rule=rule.pk if rule else None),
    ]
    for event in events:  # bulk_create skips Event.save, which publishes public events
        event.published_at = event.created_at
    Event.objects.bulk_create(events)  # one insert for both
    if not data.quiet:
        # the item is new in this transaction: no message can have its key yet
        _tell_reporter(feedback, "received", dedupe=f"received:{feedback.pk}", new_key=True)
        _tell_handlers(feedback, handler, "new_item")
    if on_stored is not None:
        on_stored(feedback)
    stats.record_received(feedback)  # last: see above
    return feedback, True


def add_attachment(feedback: Feedback, upload) -> Attachment:
    return _store_attachment(feedback, clean_upload(upload), os.path.basename(upload.name))


def _store_attachment(feedback: Feedback, cleaned: CleanedFile, original_name: str) -> Attachment:
    attachment = Attachment(
        feedback=feedback,
        original_name=original_name[:255],
        content_type=cleaned.content_type,
        size=cleaned.size,
    )
    attachment.file.save(cleaned.name, cleaned.file, save=False)
    attachment.save()
    return attachment


@transaction.atomic(durable=True)
def attach_field_photo(feedback_id: int, photo: CleanedFile, *, name: str) -> Attachment | None:
    """A photo fetched from the channel that collected the item (KoBoToolbox), attached as a photo
    of the web form is: the same checks, private until a moderator makes it public. Once per file
    name, so a task that runs twice stores it once (the item's row lock orders concurrent runs)."""
    feedback = Feedback.objects.select_for_update().filter(pk=feedback_id).first()
    if feedback is None or feedback.attachments.filter(original_name=name[:255]).exists():
        return None
    return _store_attachment(feedback, photo, name)


@transaction.atomic(durable=True)
def note_field_photo_not_fetched(feedback_id: int, reason: str) -> None:
    """An internal note saying why the field photo stays in KoBoToolbox (the note of the intake
    says where it is), written once."""
    feedback = Feedback.objects.select_for_update().filter(pk=feedback_id).first()
    if feedback is None:
        return
    text = _("The photo could not be fetched from KoBoToolbox: %(reason)s") % {"reason": reason}
    if not feedback.events.filter(type=Event.Type.NOTE, text=text).exists():
        _event(feedback, Event.Type.NOTE, text=text, channel=feedback.channel)


# ---------------------------------------------------------------------------------------------
# Handling


def _require(allowed: bool):
    if not allowed:
        raise FeedbackError(_("You cannot do this for this item."))


@transaction.atomic(durable=True)
def change_status(feedback: Feedback, new_status: str, *, actor, text: str = "", request=None) -> Feedback:
    feedback = _locked(feedback)
    _require(can_handle(actor, feedback))
    old = feedback.status
    if new_status not in TRANSITIONS.get(old, set()):
        raise FeedbackError(
            _("An item that is “%(old)s” cannot become “%(new)s”.")
            % {"old": Status(old).label, "new": Status(new_status).label}
        )
    text = (text or "").strip()
    answered = ""
    if new_status in NEEDS_PUBLIC_TEXT and not text:
        # The public response just posted is the answer: nobody types it a second time.
        answered = text = latest_public_response(feedback)
    if new_status in NEEDS_PUBLIC_TEXT and not text:
        raise FeedbackError(_("Write a public response that explains this to the citizen."))
    now = timezone.now()
    feedback.status = new_status
    fields = ["status", "updated_at"]
    if new_status == Status.ACKNOWLEDGED or (old == Status.RECEIVED and not feedback.acknowledged_at):
        feedback.acknowledged_at = feedback.acknowledged_at or now
        fields.append("acknowledged_at")
    first_resolution = False
    if new_status in {Status.RESOLVED, Status.NO_FURTHER_ACTION}:
        first_resolution = feedback.resolved_at is None
        feedback.resolved_at = now
        feedback.public_response = text
        policy = policy_for(feedback.kind, feedback.category)
        feedback.reopen_until = now + timedelta(days=policy.reopen_days)
        fields += ["resolved_at", "public_response", "reopen_until"]
    if new_status == Status.CLOSED:
        feedback.closed_at = now
        fields.append("closed_at")
    feedback.save(update_fields=fields)
    _event(
        feedback,
        Event.Type.STATUS,
        actor=actor,
        organization=feedback.handling_organization,
        public=True,
        text="" if answered else text,  # the response is on the timeline already
        old=old,
        new=new_status,
    )
    if first_resolution:
        stats.record_resolved(feedback)
    if new_status in TELL_THE_CITIZEN:
        _tell_reporter(feedback, "status_changed", response=text)
    _tell_followers(feedback, "follow_status_changed", actor=actor, response=text)
    return feedback


def latest_public_response(feedback: Feedback) -> str:
    """The public response posted since the item's last change of status or handler ("" if none)."""
    events = list(
        feedback.events.filter(
            type__in=[Event.Type.RESPONSE, Event.Type.STATUS, Event.Type.REFERRED, Event.Type.TAKEN_OVER]
        )
        .order_by("-created_at", "-pk")
        .values_list("type", "text")[:1]
    )
    return events[0][1] if events and events[0][0] == Event.Type.RESPONSE else ""


@transaction.atomic(durable=True)
def respond(feedback: Feedback, *, actor, text: str, public: bool) -> Event:
    """A public response to the citizen, or an internal note only staff see."""
    feedback = _locked(feedback)
    from .permissions import staff_feedback

    _require(staff_feedback(actor).filter(pk=feedback.pk).exists())
    text = (text or "").strip()
    if not text:
        raise FeedbackError(_("Write something first."))
    if public:
        _require(can_handle(actor, feedback))
    event = _event(
        feedback,
        Event.Type.RESPONSE if public else Event.Type.NOTE,
        actor=actor,
        organization=feedback.handling_organization,
        public=public,
        text=text,
    )
    if public:
        _tell_reporter(feedback, "response", response=text)
        _tell_followers(feedback, "follow_response", actor=actor, response=text)
    return event


@transaction.atomic
def assign(feedback: Feedback, *, actor, assignee) -> Feedback:
    feedback = _locked(feedback)
    _require(can_handle(actor, feedback))
    if assignee is not None and not may_be_assigned(assignee, feedback):
        raise FeedbackError(_("This person does not handle feedback for the handling organisation."))
    previous = feedback.assigned_to
    feedback.assigned_to = assignee
    feedback.save(update_fields=["assigned_to", "updated_at"])
    _event(
        feedback,
        Event.Type.ASSIGNED,
        actor=actor,
        text=str(assignee or ""),
        previous=previous.pk if previous else None,
        assignee=assignee.pk if assignee else None,
    )
    return feedback


@transaction.atomic(durable=True)
def refer(feedback: Feedback, *, actor, organization, reason: str) -> Feedback:
    """Send the item to another body. It must say where and why: never a dead end."""
    feedback = _locked(feedback)
    _require(can_handle(actor, feedback))
    reason = (reason or "").strip()
    if organization is None or not organization.is_active:
        raise FeedbackError(_("Choose the organisation that should handle it."))
    if organization.pk == feedback.handling_organization_id:
        raise FeedbackError(_("The item is already handled by this organisation."))
    if not may_handle(organization, feedback):
        raise FeedbackError(_("This item is about this organisation's own facility or staff: it cannot handle it."))
    if not reason:
        raise FeedbackError(_("Explain why it goes to this organisation."))
    if not feedback.is_open:
        raise FeedbackError(_("Only open items can be referred."))
    old_org, old_status = feedback.handling_organization, feedback.status
    feedback.handling_organization = organization
    feedback.oversight_organization = _oversight_after_move(feedback, organization)
    feedback.status = Status.REFERRED
    feedback.assigned_to = None
    feedback.save(
        update_fields=["handling_organization", "oversight_organization", "status", "assigned_to", "updated_at"]
    )
    stats.record_referred(feedback, old_org.pk if old_org else None)
    _event(
        feedback,
        Event.Type.REFERRED,
        actor=actor,
        organization=organization,
        public=True,
        text=reason,
        old=old_status,
        new=Status.REFERRED,
        from_org=old_org.pk if old_org else None,
        to_org=organization.pk,
    )
    _tell_reporter(feedback, "status_changed", response=reason)
    _tell_followers(feedback, "follow_status_changed", actor=actor, response=reason)
    _tell_handlers(feedback, organization, "new_item")
    return feedback


def _oversight_after_move(feedback: Feedback, handler):
    """The oversight body once ``handler`` handles the item: the department over it; the one the
    item had when there is none above (so no level loses sight)."""
    above = routing.oversight_for(
        handler=handler,
        category=feedback.category,
        admin_unit=feedback.admin_unit,
        excluded=excluded_organization_ids(feedback),
    )
    return above or feedback.oversight_organization


@transaction.atomic(durable=True)
def take_over(feedback: Feedback, *, actor, request=None) -> Feedback:
    """The oversight body (or the body the item was escalated to) becomes its handler."""
    feedback = _locked(feedback)
    organization = overseeing_organization(actor, feedback)
    _require(organization is not None)
    if not feedback.is_open:
        raise FeedbackError(_("Only open items can be taken over."))
    old_org = feedback.handling_organization
    feedback.handling_organization = organization
    feedback.oversight_organization = _oversight_after_move(feedback, organization)
    if feedback.escalated_to_id == organization.pk:
        feedback.escalated_to = None
    feedback.assigned_to = None
    feedback.save(
        update_fields=["handling_organization", "oversight_organization", "escalated_to", "assigned_to", "updated_at"]
    )
    stats.record_referred(feedback, old_org.pk if old_org else None)
    _event(
        feedback,
        Event.Type.TAKEN_OVER,
        actor=actor,
        organization=organization,
        public=True,
        from_org=old_org.pk if old_org else None,
        to_org=organization.pk,
    )
    log_event(
        actor,
        AuditAction.FEEDBACK_TAKEN_OVER,
        feedback,
        request=request,
        from_org=old_org.pk if old_org else None,
        to_org=organization.pk,
    )
    _tell_handlers(feedback, organization, "new_item")
    return feedback


@transaction.atomic(durable=True)
def escalate(feedback: Feedback, *, actor, request=None) -> Feedback:
    """The oversight body sends the item one level up now, without waiting for the deadline."""
    feedback = _locked(feedback)
    overseer = overseeing_organization(actor, feedback)
    _require(overseer is not None)
    if not feedback.is_open:
        raise FeedbackError(_("Only open items can be escalated."))
    target = routing.next_oversight(feedback, above=overseer)
    if target is None or target.pk in {feedback.escalated_to_id, feedback.handling_organization_id}:
        raise FeedbackError(_("There is no level above to escalate this item to."))
    feedback.escalated_to = target
    feedback.escalation_level += 1
    feedback.escalated_at = timezone.now()
    feedback.save(update_fields=["escalated_to", "escalation_level", "escalated_at", "updated_at"])
    _event(
        feedback, Event.Type.ESCALATED, actor=actor, organization=target, public=True, level=feedback.escalation_level
    )
    log_event(
        actor,
        AuditAction.FEEDBACK_ESCALATED,
        feedback,
        request=request,
        to_org=target.pk,
        level=feedback.escalation_level,
    )
    _tell_handlers(feedback, target, "escalated")
    return feedback


@transaction.atomic(durable=True)
def extend_deadline(feedback: Feedback, *, actor, days: int, reason: str) -> Feedback:
    """The head of the body extends once, by up to the policy's maximum, and the citizen is told."""
    feedback = _locked(feedback)
    _require(can_extend(actor, feedback))
    policy = policy_for(feedback.kind, feedback.category)
    reason = (reason or "").strip()
    if feedback.was_extended:
        raise FeedbackError(_("The deadline has already been extended once."))
    if not feedback.is_open:
        raise FeedbackError(_("Only open items can be extended."))
    if not 1 <= days <= policy.max_extension_days:
        raise FeedbackError(_("An extension is from 1 to %(max)s days.") % {"max": policy.max_extension_days})
    if not reason:
        raise FeedbackError(_("Explain the extension to the citizen."))
    old_due = feedback.resolve_due
    feedback.resolve_due = due_date(old_due, days, policy.resolve_day_kind)
    feedback.extension_reason = reason
    feedback.save(update_fields=["resolve_due", "extension_reason", "updated_at"])
    _event(
        feedback,
        Event.Type.EXTENDED,
        actor=actor,
        public=True,
        text=reason,
        days=days,
        old_due=old_due.isoformat(),
        new_due=feedback.resolve_due.isoformat(),
    )
    _tell_reporter(feedback, "extended", reason=reason)
    return feedback


def similar_open_items(
    feedback: Feedback, limit: int = 5, threshold: float = 0.45, within=None
) -> list[tuple[Feedback, float]]:
    """Open items at the same facility (or in the same soum) that read alike. Search keys fold
    Cyrillic and Latin-typed Mongolian, so "surguuli" and "сургууль" match.

    ``within`` limits the candidates to what the viewer may see (``staff_feedback(user)``): a
    confidential report about a facility must never be suggested to that facility's staff."""
    candidates = (Feedback.objects.all() if within is None else within).open()
    candidates = candidates.exclude(pk=feedback.pk).select_related("category")
    if feedback.service_unit_id:
        candidates = candidates.filter(service_unit_id=feedback.service_unit_id)
    else:
        candidates = candidates.filter(admin_unit_id=feedback.admin_unit_id, service_unit__isnull=True)
    scored = []
    for other in candidates.order_by("-received_at")[:200]:
        ratio = difflib.SequenceMatcher(None, feedback.search_key[:600], other.search_key[:600]).ratio()
        if other.category_id == feedback.category_id:
            ratio = min(1.0, ratio + 0.1)
        if ratio >= threshold:
            scored.append((other, round(ratio, 2)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


@transaction.atomic(durable=True)
def mark_duplicate(feedback: Feedback, *, actor, original: Feedback) -> Feedback:
    feedback = _locked(feedback)
    _require(can_handle(actor, feedback))
    # Merge into the root of a chain of duplicates, read fresh: merging A into B when B was
    # already merged into A would close both and leave the problem with nobody.
    original = Feedback.objects.get(pk=original.pk)
    seen = {original.pk}
    while original.duplicate_of_id and original.duplicate_of_id not in seen:
        original = Feedback.objects.get(pk=original.duplicate_of_id)
        seen.add(original.pk)
    if feedback.pk in seen:
        raise FeedbackError(_("An item cannot be a duplicate of itself."))
    if not feedback.is_open:
        raise FeedbackError(_("Only open items can be merged."))
    old = feedback.status
    feedback.duplicate_of = original
    feedback.status = Status.DUPLICATE
    feedback.closed_at = timezone.now()
    feedback.save(update_fields=["duplicate_of", "status", "closed_at", "updated_at"])
    _event(
        feedback,
        Event.Type.MERGED,
        actor=actor,
        public=True,
        text=original.tracking_code,
        old=old,
        new=Status.DUPLICATE,
        original=original.pk,
    )
    _tell_reporter(feedback, "duplicate", original=original)
    _tell_followers(feedback, "follow_status_changed", actor=actor, original=original)
    return feedback


@transaction.atomic
def moderate(feedback: Feedback, *, actor, publish: bool, public_text: str | None = None, request=None) -> Feedback:
    feedback = _locked(feedback)
    _require(can_handle(actor, feedback))
    if public_text is not None:
        feedback.public_description = mask_personal_data(public_text.strip())
    feedback.moderation = Feedback.Moderation.PUBLISHED if publish else Feedback.Moderation.HIDDEN
    feedback.save(update_fields=["moderation", "public_description", "updated_at"])
    _event(feedback, Event.Type.MODERATED, actor=actor, moderation=feedback.moderation)
    log_event(actor, AuditAction.FEEDBACK_MODERATED, feedback, request=request, moderation=feedback.moderation)
    return feedback


@transaction.atomic
def moderate_event(event: Event, *, actor, publish: bool, public_text: str | None = None, request=None) -> Event:
    """Publish (as written, or as edited) or hide the citizen's words on the timeline: a rating's
    comment, an update. The handling body's handlers moderate them, as they moderate the item's text."""
    feedback = _locked(event.feedback)
    _require(can_handle(actor, feedback))
    event = Event.objects.select_for_update().get(pk=event.pk, feedback=feedback)
    if event.type not in Event.CITIZEN_TYPES or event.type == Event.Type.REOPENED:
        raise FeedbackError(_("Only citizens' comments and updates are moderated."))
    if public_text is not None:
        event.public_text = mask_personal_data(public_text.strip())
    if publish and not event.public_text:
        raise FeedbackError(_("Write the text to publish, or hide it."))
    was_published = event.moderation == Feedback.Moderation.PUBLISHED
    event.moderation = Feedback.Moderation.PUBLISHED if publish else Feedback.Moderation.HIDDEN
    # Published now (an edit of a published text keeps its time): Open311 clients polling forward
    # in time read it in their next window.
    if not publish:
        event.published_at = None
    elif not (was_published and event.published_at):
        event.published_at = timezone.now()
    event.save(update_fields=["moderation", "public_text", "published_at"])
    _event(feedback, Event.Type.MODERATED, actor=actor, moderation=event.moderation, event=event.pk)
    log_event(
        actor,
        AuditAction.FEEDBACK_EVENT_MODERATED,
        feedback,
        request=request,
        event=event.pk,
        moderation=event.moderation,
    )
    return event


def reporter_for(feedback: Feedback, *, actor, request=None) -> Reporter | None:
    """Read the reporter's identity: allowed by capability only, and every read is audited."""
    if not can_view_identity(actor, feedback):
        raise FeedbackError(_("You cannot see who reported this."))
    reporter = Reporter.objects.filter(feedback=feedback).first()
    with transaction.atomic():
        log_event(actor, AuditAction.FEEDBACK_IDENTITY_VIEWED, feedback, request=request, sensitive_read=True)
        _event(feedback, Event.Type.IDENTITY_VIEWED, actor=actor)
    return reporter


# ---------------------------------------------------------------------------------------------
# The citizen (holding the tracking code)


@transaction.atomic(durable=True)
def reopen(feedback: Feedback, *, reason: str) -> Feedback:
    feedback = _locked(feedback)
    reason = (reason or "").strip()
    if not feedback.can_be_reopened:
        raise FeedbackError(_("This item can no longer be reopened."))
    if not reason:
        raise FeedbackError(_("Say why the problem is not solved."))
    excluded = excluded_organization_ids(feedback)
    if excluded & {feedback.handling_organization_id, feedback.escalated_to_id, feedback.oversight_organization_id}:
        # resolved by the facility before the guard: the reason must not reach the people it accuses
        _route_away_from_facility(feedback, excluded)
    old = feedback.status
    feedback.status = Status.IN_PROGRESS
    feedback.reopen_until = None
    feedback.save(update_fields=["status", "reopen_until", "updated_at"])
    # The reopening is public; its reason, the citizen's own words, is for the handling body only
    # (Event.public_body never shows it).
    _event(feedback, Event.Type.REOPENED, public=True, text=mask_personal_data(reason), old=old, new=Status.IN_PROGRESS)
    _tell_handlers(feedback, feedback.handling_organization, "reopened", reason=reason)
    _tell_followers(feedback, "follow_status_changed")  # the reason is for the handling body only
    return feedback


@transaction.atomic
def rate(feedback: Feedback, *, rating: int, problem_solved: bool | None, comment: str = "") -> Feedback:
    feedback = _locked(feedback)
    if feedback.status not in {Status.RESOLVED, Status.NO_FURTHER_ACTION, Status.CLOSED}:
        raise FeedbackError(_("You can rate the answer once the item is resolved."))
    if feedback.rating is not None:
        raise FeedbackError(_("This answer has already been rated."))
    if not 1 <= int(rating) <= 5:
        raise FeedbackError(_("Choose from 1 to 5."))
    feedback.rating = int(rating)
    feedback.problem_solved = problem_solved
    feedback.rated_at = timezone.now()
    feedback.save(update_fields=["rating", "problem_solved", "rated_at", "updated_at"])
    comment = mask_personal_data((comment or "").strip())
    event = _new_event(
        feedback, Event.Type.RATED, public=True, text=comment, rating=feedback.rating, problem_solved=problem_solved
    )
    if comment:  # the citizen's words wait for a moderator, like the item's own text
        event.public_text, event.moderation = comment, Feedback.Moderation.PENDING
    event.save()
    stats.record_rating(feedback)
    return feedback


@transaction.atomic
def add_citizen_update(
    feedback: Feedback, *, text: str, channel: str = Feedback.Channel.WEB, external_id: str = "", actor=None
) -> Event:
    """More information from the citizen, by every channel (the tracking page, an SMS reply, an
    Open311 update): the handling body reads it at once; the public reads it, masked, once a
    moderator published it. ``external_id`` is the sender's id for the update: a resend with the
    same id returns the update already stored (inbound channels are idempotent). ``actor`` is the
    organisation's system that passed it on (an Open311 client's key, written as ``api_key``)."""
    feedback = _locked(feedback)
    if external_id:  # checked under the item's lock: two resends at once store one update
        stored = feedback.events.filter(
            type=Event.Type.CITIZEN_UPDATE, data__channel=channel, data__external_id=external_id
        ).first()
        if stored is not None:
            return stored
    text = (text or "").strip()
    if not text:
        raise FeedbackError(_("Write something first."))
    extra = {"external_id": external_id} if external_id else {}
    event = _new_event(
        feedback, Event.Type.CITIZEN_UPDATE, actor=actor, public=True, text=text, channel=channel, **extra
    )
    event.public_text, event.moderation = mask_personal_data(text), Feedback.Moderation.PENDING
    event.save()
    _tell_handlers(feedback, feedback.handling_organization, "citizen_update", text=text)
    return event


# ---------------------------------------------------------------------------------------------
# Periodic work (safe to run twice)


def escalate_overdue(now=None) -> int:
    """Move overdue open items one level up the oversight chain, and again after the policy's
    interval while they stay overdue. Each item is claimed with a conditional update."""
    now = now or timezone.now()
    count = 0
    overdue = Feedback.objects.overdue(now).select_related(
        "category__sector", "service_unit__operator", "admin_unit", "handling_organization", "escalated_to"
    )
    for feedback in overdue.iterator(chunk_size=500):
        policy = policy_for(feedback.kind, feedback.category)
        if feedback.escalated_at and feedback.escalated_at > now - timedelta(days=policy.escalate_after_days):
            continue
        target = routing.next_oversight(feedback)
        if target is None or target.pk in {feedback.escalated_to_id, feedback.handling_organization_id}:
            continue
        with transaction.atomic(durable=True):
            claimed = Feedback.objects.filter(
                pk=feedback.pk, escalation_level=feedback.escalation_level, status__in=Feedback.OPEN_STATUSES
            ).update(escalated_to=target, escalation_level=feedback.escalation_level + 1, escalated_at=now)
            if not claimed:
                continue
            feedback.escalated_to, feedback.escalation_level = target, feedback.escalation_level + 1
            _event(feedback, Event.Type.ESCALATED, organization=target, public=True, level=feedback.escalation_level)
            _tell_handlers(feedback, target, "escalated")
            _tell_handlers(feedback, feedback.handling_organization, "overdue")
        count += 1
    return count


def _route_away_from_facility(feedback: Feedback, excluded) -> bool:
    """Route a guarded item (locked) that the facility it names handles, was escalated to or oversees
    again as a new one would be: an internal "routed" event says why and the new handler is told;
    an assignee who works there is dropped, the oversight body is set again. True when its handler
    changed."""
    old_handler = feedback.handling_organization
    if feedback.handling_organization_id in excluded:
        feedback.handling_organization, _rule = routing.route(
            category=feedback.category,
            kind=feedback.kind,
            service_unit=feedback.service_unit,
            admin_unit=feedback.admin_unit,
            excluded=excluded,
        )
    if feedback.escalated_to_id in excluded:
        feedback.escalated_to = None
    if feedback.assigned_to_id and not may_be_assigned(feedback.assigned_to, feedback):
        feedback.assigned_to = None
    feedback.oversight_organization = routing.oversight_for(
        handler=feedback.handling_organization,
        category=feedback.category,
        admin_unit=feedback.admin_unit,
        excluded=excluded,
    )
    feedback.save(
        update_fields=["handling_organization", "escalated_to", "assigned_to", "oversight_organization", "updated_at"]
    )
    if feedback.handling_organization_id == getattr(old_handler, "pk", None):
        return False
    stats.record_referred(feedback, old_handler.pk if old_handler else None)
    _event(
        feedback,
        Event.Type.ROUTED,
        organization=feedback.handling_organization,
        guard=True,
        from_org=old_handler.pk if old_handler else None,
    )
    _tell_handlers(feedback, feedback.handling_organization, "new_item")
    return True


def apply_guard_to_open_items(*, dry_run: bool = False) -> tuple[int, int]:
    """Bring open items recorded before the guard and oversight into line (safe to run twice).

    A guarded item that the facility it names handles, was escalated to or oversees is routed
    again as a new one would be (``_route_away_from_facility``). That holds too for a resolved item
    the citizen may still reopen (``reopen_until`` ahead): a reopening must not reach the facility.
    An open item without an oversight body gets the one routing gives it now. Returns (items moved
    away from their facility, oversight bodies set).
    """
    moved = overseen = 0
    reopenable = Q(status__in=[Status.RESOLVED, Status.NO_FURTHER_ACTION], reopen_until__gt=timezone.now())
    candidates = (
        Feedback.objects.filter(Q(status__in=Feedback.OPEN_STATUSES) | reopenable)
        .select_related("category__sector", "service_unit__operator", "admin_unit", "handling_organization")
        .order_by("pk")
    )
    for candidate in candidates.iterator(chunk_size=500):
        excluded = excluded_organization_ids(candidate)
        wrong = excluded & {
            candidate.handling_organization_id,
            candidate.escalated_to_id,
            candidate.oversight_organization_id,
        }
        if not wrong and (candidate.oversight_organization_id or not candidate.is_open):
            continue
        if not wrong:  # only the oversight body is missing: nothing to lock when there is none
            oversight = routing.oversight_for(
                handler=candidate.handling_organization,
                category=candidate.category,
                admin_unit=candidate.admin_unit,
                excluded=excluded,
            )
            if oversight is None:
                continue
        if dry_run:
            moved, overseen = moved + bool(wrong), overseen + (not wrong)
            continue
        with transaction.atomic():
            if _route_away_from_facility(_locked(candidate), excluded):
                moved += 1
            elif not wrong:
                overseen += 1
    return moved, overseen


def close_expired(now=None) -> int:
    """Resolved items whose reopen window has passed become closed."""
    now = now or timezone.now()
    count = 0
    expired = Feedback.objects.filter(status__in=[Status.RESOLVED, Status.NO_FURTHER_ACTION], reopen_until__lt=now)
    for feedback in expired.iterator(chunk_size=500):
        with transaction.atomic():
            if Feedback.objects.filter(pk=feedback.pk, status=feedback.status).update(
                status=Status.CLOSED, closed_at=now
            ):
                _event(feedback, Event.Type.STATUS, public=True, old=feedback.status, new=Status.CLOSED)
                feedback.status = Status.CLOSED
                _tell_followers(feedback, "follow_status_changed")
                count += 1
    return count


def recent_submissions_by_phone(phone: str, hours: int = 24) -> int:
    """How many items this phone number reported recently (for the per-number rate limit)."""
    since = timezone.now() - timedelta(hours=hours)
    return Reporter.objects.filter(phone=phone, feedback__received_at__gte=since).count()


# ---------------------------------------------------------------------------------------------
# Machine intake channels (SMS, KoBoToolbox): see feedback/channels/ and docs/channels.md


@transaction.atomic
def submit_from_channel(
    data: Submission, *, transliteration: str = "", raw_phone: str = "", triage_organization=None, notes=()
) -> tuple[Feedback, bool]:
    """``store_feedback`` for a machine channel, plus what such channels need.

    * ``transliteration``: the Cyrillic reading of Latin-typed Mongolian (for staff and search);
    * ``raw_phone``: a sender that does not parse as a phone number is kept as written, without
      messages to it (``submit_feedback`` keeps only numbers that parse, and sends the receipt);
    * ``triage_organization``: handles the item when routing finds nobody (an SMS that names no
      facility), with a second "routed" event on the timeline;
    * ``notes``: internal notes for the timeline (e.g. where a field photo is kept).

    A message id seen before returns ``(first item, False)`` and changes nothing.
    """
    feedback, created = store_feedback(data)
    if not created:
        return feedback, False
    if transliteration:
        feedback.transliteration = transliteration
        feedback.save(update_fields=["transliteration", "updated_at"])
    anonymous = data.privacy == Feedback.Privacy.ANONYMOUS
    if raw_phone and not anonymous and not normalize_phone(raw_phone):
        reporter = Reporter.objects.filter(feedback=feedback).first()
        if reporter is None:
            Reporter.objects.create(feedback=feedback, phone=raw_phone.strip()[:20], notify=False)
        elif not reporter.phone:
            reporter.phone = raw_phone.strip()[:20]
            reporter.save(update_fields=["phone"])
    if (
        feedback.handling_organization_id is None
        and triage_organization is not None
        and may_handle(triage_organization, feedback)
    ):
        feedback.handling_organization = triage_organization
        feedback.save(update_fields=["handling_organization", "updated_at"])
        _event(feedback, Event.Type.ROUTED, organization=triage_organization, public=True, triage=True)
        stats.record_referred(feedback, None)
        if not data.quiet:
            _tell_handlers(feedback, triage_organization, "new_item")
    for note in notes:
        _event(feedback, Event.Type.NOTE, text=note, channel=data.channel)
    return feedback, True
