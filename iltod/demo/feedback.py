"""Demo feedback: a few hundred items in every state, so the public record, the inbox and the
statistics have something true to show. Deterministic and idempotent like the rest of the demo:
items are keyed by ``external_id`` (``demo-0001``…) and their tracking codes come from the seed."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from iltod.feedback import services, stats
from iltod.feedback.models import Category, Event, Feedback
from iltod.places.models import CODE_ALPHABET, ServiceUnit

from .data import FEEDBACK_OUTCOMES, REGISTRY_PREFIX, RESPONSES, TEXTS
from .facilities import rng_for

ITEMS_PER_SCALE = 200
EXTERNAL_PREFIX = "demo-"


def _tracking_code(rng, year: int) -> str:
    return f"IL-{year % 100:02d}-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(5))


def _outcome(rng) -> str:
    roll, total = rng.random(), 0.0
    for share, outcome in FEEDBACK_OUTCOMES:
        total += share
        if roll < total:
            return outcome
    return "received"


def seed_feedback(scale: int = 1) -> tuple[int, int]:
    """Create the demo feedback that is missing. Returns (items, created).

    The items are stored in one transaction; each is then moved to its planned state through the
    services, which run in transactions of their own."""
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    categories = {c.code: c for c in Category.objects.filter(code__in=TEXTS).select_related("sector")}
    facilities = list(
        ServiceUnit.objects.filter(registry_code__startswith=REGISTRY_PREFIX, is_active=True)
        .select_related("sector", "admin_unit", "operator")
        .order_by("registry_code")
    )
    if admin is None or not facilities or not categories:
        return 0, 0
    count = ITEMS_PER_SCALE * scale
    existing = set(
        Feedback.objects.filter(external_id__startswith=EXTERNAL_PREFIX).values_list("external_id", flat=True)
    )
    now = timezone.now()
    created = []
    with transaction.atomic():
        for index in range(1, count + 1):
            external_id = f"{EXTERNAL_PREFIX}{index:04d}"
            if external_id in existing:
                continue
            rng = rng_for("feedback", index)
            facility = facilities[rng.randrange(len(facilities))]
            in_sector = [c for c, cat in categories.items() if cat.sector_id == facility.sector_id]
            sector_codes = in_sector or list(categories)
            code = rng.choice(sorted(sector_codes))
            received_at = now - timedelta(days=rng.randint(1, 200), hours=rng.randint(0, 23))
            channel = rng.choice(
                [Feedback.Channel.WEB] * 5 + [Feedback.Channel.PHONE, Feedback.Channel.SMS, Feedback.Channel.WALK_IN]
            )
            privacy = rng.choice(
                [Feedback.Privacy.NAME_HIDDEN] * 4
                + [Feedback.Privacy.PUBLIC, Feedback.Privacy.CONFIDENTIAL, Feedback.Privacy.ANONYMOUS]
            )
            phone = f"+9769{rng.randint(1000000, 9999999)}" if privacy != Feedback.Privacy.ANONYMOUS else ""
            feedback, _new = services.store_feedback(
                services.Submission(
                    kind=rng.choice(["complaint"] * 6 + ["petition", "proposal", "question", "compliment"]),
                    category=categories[code],
                    description=rng.choice(TEXTS[code]),
                    service_unit=facility,
                    privacy=privacy,
                    reporter_name=rng.choice(["Бат", "Сарантуяа", "Дорж", "Оюун", "Ганаа"]),
                    reporter_phone=phone,
                    notify=False,
                    channel=channel,
                    external_id=external_id,
                    received_at=received_at,
                    quiet=True,
                )
            )
            feedback.tracking_code = _tracking_code(rng, received_at.year)
            while Feedback.objects.filter(tracking_code=feedback.tracking_code).exists():
                feedback.tracking_code = _tracking_code(rng, received_at.year)
            feedback.save(update_fields=["tracking_code"])
            Event.objects.filter(feedback=feedback).update(created_at=received_at)
            # public events were published as they were (back-)dated, for the Open311 updates feed
            Event.objects.filter(feedback=feedback, published_at__isnull=False).update(published_at=received_at)
            created.append((feedback, rng))

    for feedback, rng in created:
        _play(feedback, rng, admin, now)
    if created:
        stats.rebuild()  # resolution times follow the back-dated events
    return count, len(created)


def _backdate_acknowledgement(feedback: Feedback, rng, now):
    """Acknowledged as an office would have done it, not at the moment the demo was seeded: most
    items within a working day or two (on time), one in six after the deadline. The status event
    moves with it. Returns the time."""
    late = rng.random() < 1 / 6
    if late and feedback.acknowledge_due is not None:
        moment = feedback.acknowledge_due + timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 8))
    else:
        moment = feedback.received_at + timedelta(hours=rng.randint(2, 40))
        if feedback.acknowledge_due is not None:
            moment = min(moment, feedback.acknowledge_due)
    moment = min(moment, now)
    Feedback.objects.filter(pk=feedback.pk).update(acknowledged_at=moment)
    events = Event.objects.filter(feedback=feedback, new_status=Feedback.Status.ACKNOWLEDGED)
    events.update(created_at=moment)
    events.filter(published_at__isnull=False).update(published_at=moment)
    feedback.acknowledged_at = moment
    return moment


def _play(feedback: Feedback, rng, admin, now) -> None:
    """Move an item to its planned state through the services, then back-date what happened."""
    outcome = _outcome(rng)
    if rng.random() < 0.7:
        services.moderate(feedback, actor=admin, publish=True)
    if outcome == "received":
        return
    if outcome == "duplicate":
        original = (
            Feedback.objects.filter(service_unit=feedback.service_unit, external_id__startswith=EXTERNAL_PREFIX)
            .exclude(pk=feedback.pk)
            .order_by("pk")
            .first()
        )
        if original is not None:
            services.mark_duplicate(feedback, actor=admin, original=original)
        return
    services.change_status(feedback, Feedback.Status.ACKNOWLEDGED, actor=admin)
    acknowledged_at = _backdate_acknowledgement(feedback, rng, now)
    if outcome == "acknowledged":
        return
    if outcome == "referred":
        from iltod.feedback import routing

        target = routing.governors_office(feedback.admin_unit) or routing.ministry(feedback.category.sector.code)
        if target is not None and target.pk != feedback.handling_organization_id:
            services.refer(
                feedback,
                actor=admin,
                organization=target,
                reason="Асуудал нь орон нутгийн төсөвтэй холбоотой тул Засаг даргын Тамгын газарт шилжүүлэв.",
            )
        return
    services.change_status(feedback, Feedback.Status.IN_PROGRESS, actor=admin)
    if outcome == "extended":
        services.extend_deadline(
            feedback, actor=admin, days=30, reason="Төсвийн шийдвэр гарахыг хүлээж байгаа тул хугацааг сунгав."
        )
        return
    if outcome == "in_progress":
        return
    if outcome == "action_scheduled":
        services.change_status(
            feedback, Feedback.Status.ACTION_SCHEDULED, actor=admin, text="Дараа сарын 15-нд засварын ажил эхэлнэ."
        )
        return
    status = Feedback.Status.RESOLVED if outcome == "resolved" else Feedback.Status.NO_FURTHER_ACTION
    text = (
        rng.choice(RESPONSES) if outcome == "resolved" else "Шалгахад зөрчил илрээгүй тул нэмэлт арга хэмжээ авахгүй."
    )
    services.change_status(feedback, status, actor=admin, text=text)
    days = min(rng.randint(3, 45), max((now - feedback.received_at).days, 1))
    resolved_at = max(feedback.received_at + timedelta(days=days), acknowledged_at + timedelta(hours=2))
    resolved_at = min(resolved_at, now)
    Feedback.objects.filter(pk=feedback.pk).update(
        resolved_at=resolved_at, reopen_until=resolved_at + timedelta(days=30)
    )
    Event.objects.filter(feedback=feedback, new_status=status).update(created_at=resolved_at)
    Event.objects.filter(feedback=feedback, new_status=status, published_at__isnull=False).update(
        published_at=resolved_at
    )
    if outcome == "resolved" and rng.random() < 0.6:
        feedback.refresh_from_db()
        if feedback.status == Feedback.Status.RESOLVED:
            services.rate(feedback, rating=rng.choice([2, 3, 4, 4, 5, 5]), problem_solved=rng.random() < 0.7)
