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
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iltod.core.metrics import area_ids
from iltod.lib.phones import normalize_phone

from .models import BuyerNotice, Subscription

UNSUBSCRIBE_SALT = "results.unsubscribe"
WEEK = datetime.timedelta(days=7)
FEED_ITEMS = 50
# An SMS code has a million values: whoever holds the confirmation page could try them all. So a
# code is void after a few wrong tries or half an hour, and one address gets only a few
# confirmation messages a day (which also keeps the form from being used to flood a phone).
MAX_CODE_ATTEMPTS = 5
CODE_VALID = datetime.timedelta(minutes=30)
MAX_PENDING_PER_ADDRESS = 3  # unconfirmed subscriptions of one address in a day
PENDING_WINDOW = datetime.timedelta(days=1)
MESSAGE_ITEMS = 20  # of each kind in one message (the rest are counted, with a link to them all)


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


def target_url(subscription: Subscription) -> str:
    """The followed thing's own page (where everything about it is listed), or the site's home."""
    try:
        _name, found = target_of(subscription.target_kind, subscription.target_code)
    except ValidationError:  # gone since the subscription
        return "/"
    return found.get_absolute_url()


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


def one_click_url(subscription: Subscription) -> str:
    """Where a mail client POSTs ``List-Unsubscribe=One-Click`` (RFC 8058): no page, no button."""
    token = signing.dumps(subscription.token, salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL.rstrip("/") + reverse("results:one_click_unsubscribe", args=[token])


def list_unsubscribe_headers(subscription: Subscription) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{one_click_url(subscription)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


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
    pending = Subscription.objects.filter(
        address=address, confirmed_at__isnull=True, created_at__gte=timezone.now() - PENDING_WINDOW
    )
    if pending.count() >= MAX_PENDING_PER_ADDRESS:
        raise ValidationError(
            _("Several confirmation messages went to this address today. Use one of them, or try again tomorrow.")
        )
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
        context={
            "subscription": subscription,
            "confirm_url": confirm_url(subscription),
            "valid_minutes": int(CODE_VALID.total_seconds() // 60),
        },
        language=subscription.language,
        related=subscription,
    )
    return subscription


def code_state(subscription: Subscription, now=None) -> str:
    """ "ok", "expired" or "locked" (too many wrong codes): whether an SMS code may still be tried."""
    if subscription.confirmation_attempts >= MAX_CODE_ATTEMPTS or not subscription.confirmation_code:
        return "locked"
    if (now or timezone.now()) - subscription.created_at > CODE_VALID:
        return "expired"
    return "ok"


CODE_ERRORS = {
    "wrong": gettext_lazy("The code is not right. Check the SMS and try again."),
    "expired": gettext_lazy("This code has expired. Subscribe again to get a new code."),
    "locked": gettext_lazy("Too many wrong codes. Subscribe again to get a new code."),
}


def confirm(subscription: Subscription, code: str | None = None) -> None:
    """Confirm by the e-mailed link (the token) or, for SMS, the code sent with it. A wrong,
    expired or spent code raises a ``ValidationError`` whose ``code`` is a key of ``CODE_ERRORS``."""
    if subscription.confirmed_at is not None:
        return
    if subscription.channel == Subscription.Channel.SMS:
        state = code_state(subscription)
        if state != "ok":
            raise ValidationError(CODE_ERRORS[state], code=state)
        # Count the try before comparing, in one conditional UPDATE, so parallel requests cannot
        # try more codes than the limit between a read and a write.
        counted = Subscription.objects.filter(
            pk=subscription.pk, confirmation_attempts__lt=MAX_CODE_ATTEMPTS, confirmed_at__isnull=True
        ).update(confirmation_attempts=F("confirmation_attempts") + 1)
        if not counted:
            raise ValidationError(CODE_ERRORS["locked"], code="locked")
        # Compared as bytes in constant time: a non-ASCII str would make compare_digest raise.
        given = (code or "").strip().encode()
        if not secrets.compare_digest(given, subscription.confirmation_code.encode()):
            subscription.refresh_from_db(fields=["confirmation_attempts"])
            if subscription.confirmation_attempts >= MAX_CODE_ATTEMPTS:
                raise ValidationError(CODE_ERRORS["locked"], code="locked")
            raise ValidationError(CODE_ERRORS["wrong"], code="wrong")
    now = timezone.now()
    if buyer_followed(subscription):
        observe_buyer(subscription.target_code, now)  # what exists now is not news to this follower
    Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(confirmed_at=now, sent_until=now)
    subscription.refresh_from_db(fields=["confirmed_at", "sent_until"])


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


def buyer_followed(subscription: Subscription) -> bool:
    return subscription.target_kind == Subscription.TargetKind.BUYER


def observe_buyer(buyer_code: str, now=None) -> int:
    """Record, as seen ``now``, what is new about a buyer (an organisation's public code): its
    contracting processes, the red flags on them, and the published results of monitoring cases
    on them. Safe to run twice (one row per thing). Returns the rows added."""
    try:
        from iltod.procurement.models import CaseStep, ContractingProcess, Flag
    except ImportError:  # procurement not installed: a buyer has nothing to tell
        return 0
    now = now or timezone.now()
    processes = ContractingProcess.objects.filter(buyer__organization__code=buyer_code)
    found = {
        (BuyerNotice.Kind.PROCESS, ocid): (code, "")
        for ocid, code in processes.values_list("ocid", "code").iterator(chunk_size=2000)
    }
    flags = Flag.objects.filter(scope=Flag.Scope.PROCESS, process__in=processes)
    for ocid, code, flag in flags.values_list("process__ocid", "process__code", "code").iterator(chunk_size=2000):
        found[(BuyerNotice.Kind.FLAG, f"{ocid} {flag}")] = (code, flag[:12])
    steps = CaseStep.objects.filter(
        case__process__in=processes,
        kind__in=(CaseStep.Kind.RESULT, CaseStep.Kind.CLOSED),
        moderation=CaseStep.Moderation.PUBLISHED,
    )
    for step, process, case in steps.values_list("code", "case__process__code", "case__code"):
        found[(BuyerNotice.Kind.RESULT, step)] = (process, case)
    known = set(BuyerNotice.objects.filter(buyer_code=buyer_code).values_list("kind", "key").iterator())
    new = [
        BuyerNotice(buyer_code=buyer_code, kind=kind, key=key[:200], process_code=process, detail=detail, seen_at=now)
        for (kind, key), (process, detail) in found.items()
        if (kind, key[:200]) not in known
    ]
    BuyerNotice.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return len(new)


def _buyer_notice_rows(subscription: Subscription, since, until):
    return BuyerNotice.objects.filter(buyer_code=subscription.target_code, seen_at__gt=since, seen_at__lte=until)


def _buyer_notices(subscription: Subscription, since, until) -> list[dict]:
    """What is new about a followed buyer, each with the process it is about, for the message."""
    if not buyer_followed(subscription):
        return []
    from iltod.procurement.models import ContractingProcess, MonitoringCase

    notices = list(_buyer_notice_rows(subscription, since, until).order_by("seen_at", "kind", "key")[:MESSAGE_ITEMS])
    processes = {
        p.code: p
        for p in ContractingProcess.objects.filter(code__in={n.process_code for n in notices}).only(
            "code", "title", "ocid"
        )
    }
    cases = {
        c.code: c
        for c in MonitoringCase.objects.filter(
            code__in={n.detail for n in notices if n.kind == BuyerNotice.Kind.RESULT}
        ).only("code", "title", "state", "outcome")
    }
    found = []
    for notice in notices:
        process = processes.get(notice.process_code)
        if process is None:  # gone since it was seen
            continue
        item = {"kind": notice.get_kind_display(), "process": process, "url": process.get_absolute_url()}
        if notice.kind == BuyerNotice.Kind.FLAG:
            item["about"] = _flag_title(notice.detail)
        elif notice.kind == BuyerNotice.Kind.RESULT:
            case = cases.get(notice.detail)
            if case is None:
                continue
            item["about"], item["url"] = case.title, case.get_absolute_url()
        found.append(item)
    return found


def _flag_title(code: str) -> str:
    try:
        from iltod.procurement.flags.explain import title
    except ImportError:
        return code
    try:
        return f"{code} {title(code)}"
    except KeyError:  # an indicator the engine does not know: shown by its code alone
        return code


def send_due(now=None) -> int:
    """Send every confirmed subscription what happened since its last message: at each run for
    "as it happens", once a week for the digest. Returns the messages queued."""
    from iltod.notifications.services import queue_templated

    now = now or timezone.now()
    sent = 0
    active = Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
    buyers = active.filter(target_kind=Subscription.TargetKind.BUYER).values_list("target_code", flat=True)
    for buyer_code in sorted(set(buyers)):
        observe_buyer(buyer_code, now)
    for subscription in active.iterator():
        since = subscription.sent_until or subscription.confirmed_at
        if subscription.frequency == Subscription.Frequency.WEEKLY and now - since < WEEK:
            continue
        events_all = _public_events(subscription, since, now)
        events = list(events_all.select_related("feedback").order_by("published_at")[:MESSAGE_ITEMS])
        plans_all = _plans(subscription, since, now)
        plans = list(plans_all[:MESSAGE_ITEMS])
        with translation.override(subscription.language):  # the notices' labels, in the subscriber's language
            procurement = _buyer_notices(subscription, since, now)
        # The message lists at most MESSAGE_ITEMS of each kind but counts them all, and links to the
        # followed thing's page for the rest: everything up to now is marked sent below.
        total = (
            (events_all.count() if len(events) == MESSAGE_ITEMS else len(events))
            + (plans_all.count() if len(plans) == MESSAGE_ITEMS else len(plans))
            + (_buyer_notice_rows(subscription, since, now).count() if buyer_followed(subscription) else 0)
        )
        shown = len(events) + len(plans) + len(procurement)
        with transaction.atomic():
            claimed = Subscription.objects.filter(pk=subscription.pk, sent_until=subscription.sent_until).update(
                sent_until=now
            )
            if not claimed or not (events or plans or procurement):
                continue
            queue_templated(
                channel=subscription.channel,
                recipient=subscription.address,
                template="results/messages/update",
                context={
                    "subscription": subscription,
                    "events": events,
                    "plans": plans,
                    "procurement": procurement,
                    "count": total,
                    "more": total - shown,
                    "more_url": settings.SITE_URL.rstrip("/") + target_url(subscription) if total > shown else "",
                    "site_url": settings.SITE_URL.rstrip("/"),
                    "unsubscribe_url": unsubscribe_url(subscription),
                },
                language=subscription.language,
                related=subscription,
                dedupe_key=f"results-alert-{subscription.pk}-{now.isoformat()}",
                headers=list_unsubscribe_headers(subscription),
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
