"""Alerts for what people follow, as FixMyStreet offers them: subscriptions by e-mail or SMS to a
facility, a soum, district or aimag, a group's plans or a procurement buyer, confirmed before
anything is sent (double opt-in), each message with a one-click unsubscribe link, sent as it
happens or as a weekly digest, through the outbox in the subscriber's language. And Atom feeds of
the public record per area and per facility (only what moderation published).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iltod.core.metrics import area_ids
from iltod.lib.phones import normalize_phone

from .models import Subscription

UNSUBSCRIBE_SALT = "results.unsubscribe"
WEEK = datetime.timedelta(days=7)
FEED_ITEMS = 50


def target_of(kind: str, code: str) -> tuple[str, object]:
    """The followed thing's display name and object, or a translated error."""
    from iltod.engagement.models import Group
    from iltod.organizations.models import Organization
    from iltod.places.models import AdminUnit, ServiceUnit

    found = None
    if kind == Subscription.TargetKind.FACILITY:
        found = ServiceUnit.objects.filter(code=code).first()
    elif kind == Subscription.TargetKind.AREA:
        found = AdminUnit.objects.filter(code=code).exclude(level=AdminUnit.Level.COUNTRY).first()
    elif kind == Subscription.TargetKind.GROUP:
        found = Group.objects.public().filter(code=code).first()
    elif kind == Subscription.TargetKind.BUYER:
        found = Organization.objects.filter(code=code, is_public=True).first()
    if found is None:
        raise ValidationError(_("There is nothing to follow with this code."))
    return str(found), found


def clean_address(channel: str, address: str) -> str:
    address = (address or "").strip()
    if channel == Subscription.Channel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError({"address": _("Enter a valid e-mail address.")}) from None
        return address.lower()
    phone = normalize_phone(address)
    if not phone:
        raise ValidationError({"address": _("Enter a valid Mongolian mobile number.")})
    return phone


def unsubscribe_url(subscription: Subscription) -> str:
    token = signing.dumps(subscription.token, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL.rstrip("/") + reverse("results:unsubscribe", args=[token])


def confirm_url(subscription: Subscription) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("results:confirm", args=[subscription.token])


@transaction.atomic(durable=True)
def subscribe(*, kind: str, code: str, channel: str, address: str, frequency: str, language: str) -> Subscription:
    """Record a subscription (not yet confirmed) and send the confirmation link or code."""
    from iltod.notifications.services import queue_templated

    if kind not in Subscription.TargetKind.values or channel not in Subscription.Channel.values:
        raise ValidationError(_("This subscription is not valid."))
    if frequency not in Subscription.Frequency.values:
        raise ValidationError({"frequency": _("Choose how often to be told.")})
    name, _found = target_of(kind, code)
    address = clean_address(channel, address)
    subscription = Subscription.objects.create(
        target_kind=kind,
        target_code=code,
        target_name=name[:255],
        channel=channel,
        address=address,
        frequency=frequency,
        language=language if language in {"mn", "en"} else "mn",
        confirmation_code=f"{secrets.randbelow(10**6):06d}" if channel == Subscription.Channel.SMS else "",
    )
    queue_templated(
        channel=channel,
        recipient=address,
        template="results/messages/confirm",
        context={"subscription": subscription, "confirm_url": confirm_url(subscription)},
        language=subscription.language,
        related=subscription,
    )
    return subscription


def confirm(subscription: Subscription, code: str | None = None) -> bool:
    """Confirm by the e-mailed link (the token) or, for SMS, the code sent with it."""
    if subscription.channel == Subscription.Channel.SMS and not secrets.compare_digest(
        (code or "").strip(), subscription.confirmation_code
    ):
        return False
    if subscription.confirmed_at is None:
        subscription.confirmed_at = subscription.sent_until = timezone.now()
        subscription.save(update_fields=["confirmed_at", "sent_until"])
    return True


def unsubscribe(token: str) -> Subscription | None:
    try:
        raw = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    subscription = Subscription.objects.filter(token=raw).first()
    if subscription is not None and subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


# --- what a subscription is told about


def _public_events(subscription: Subscription, since, until):
    from iltod.feedback.models import Event
    from iltod.places.models import AdminUnit

    events = Event.objects.public().filter(published_at__gt=since, published_at__lte=until)
    if subscription.target_kind == Subscription.TargetKind.FACILITY:
        return events.filter(feedback__service_unit__code=subscription.target_code)
    if subscription.target_kind == Subscription.TargetKind.AREA:
        unit = AdminUnit.objects.filter(code=subscription.target_code).first()
        return events.filter(feedback__admin_unit_id__in=area_ids(unit.pk)) if unit else events.none()
    return events.none()


def _plans(subscription: Subscription, since, until):
    from iltod.engagement.models import ActionPlan

    if subscription.target_kind != Subscription.TargetKind.GROUP:
        return ActionPlan.objects.none()
    return ActionPlan.objects.public().filter(
        group__code=subscription.target_code, created_at__gt=since, created_at__lte=until
    )


def send_due(now=None) -> int:
    """Send every confirmed subscription what happened since its last message: at each run for
    "as it happens", once a week for the digest. Returns the messages queued."""
    from iltod.notifications.services import queue_templated

    now = now or timezone.now()
    sent = 0
    active = Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    for subscription in active.iterator():
        since = subscription.sent_until or subscription.confirmed_at
        if subscription.frequency == Subscription.Frequency.WEEKLY and now - since < WEEK:
            continue
        events = list(_public_events(subscription, since, now).select_related("feedback").order_by("published_at")[:20])
        plans = list(_plans(subscription, since, now)[:20])
        with transaction.atomic():
            claimed = Subscription.objects.filter(pk=subscription.pk, sent_until=subscription.sent_until).update(
                sent_until=now
            )
            if not claimed or not (events or plans):
                continue
            queue_templated(
                channel=subscription.channel,
                recipient=subscription.address,
                template="results/messages/update",
                context={
                    "subscription": subscription,
                    "events": events,
                    "plans": plans,
                    "count": len(events) + len(plans),
                    "site_url": settings.SITE_URL.rstrip("/"),
                    "unsubscribe_url": unsubscribe_url(subscription),
                },
                language=subscription.language,
                related=subscription,
                dedupe_key=f"results-alert-{subscription.pk}-{now.isoformat()}",
            )
            sent += 1
    return sent


# --- Atom feeds


class _PublicRecordFeed(Feed):
    feed_type = Atom1Feed

    def items(self, obj):
        from iltod.feedback.models import Event

        return list(
            self.events(obj, Event.objects.public())
            .select_related("feedback")
            .order_by("-published_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return f"{item.feedback.tracking_code}: {item.get_type_display()}"

    def item_description(self, item):
        if item.type == item.Type.SUBMITTED:
            return item.feedback.public_body
        if item.type == item.Type.STATUS:
            return f"{item.get_old_status_display()} → {item.get_new_status_display()}"
        return item.public_body

    def item_link(self, item):
        return item.feedback.get_absolute_url() + f"#event-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at or item.created_at


class FacilityFeed(_PublicRecordFeed):
    def get_object(self, request, code):
        from iltod.places.models import ServiceUnit

        facility = ServiceUnit.objects.filter(code=code).first()
        if facility is None:
            raise Http404
        return facility

    def title(self, obj):
        return _("Public feedback and updates: %(name)s") % {"name": obj}

    def link(self, obj):
        return obj.get_absolute_url()

    def events(self, obj, events):
        return events.filter(feedback__service_unit=obj)


class AreaFeed(_PublicRecordFeed):
    def get_object(self, request, code):
        from iltod.places.models import AdminUnit

        unit = AdminUnit.objects.filter(code=code).first()
        if unit is None:
            raise Http404
        return unit

    def title(self, obj):
        return _("Public feedback and updates: %(name)s") % {"name": obj}

    def link(self, obj):
        return obj.get_absolute_url()

    def events(self, obj, events):
        return events.filter(feedback__admin_unit_id__in=area_ids(obj.pk))


FEED_DESCRIPTION = gettext_lazy("Feedback published after moderation, and the public answers and status changes.")
