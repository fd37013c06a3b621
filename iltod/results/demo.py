"""Demo data for results and ranking (called by ``seed_demo``): deterministic and idempotent.

The example framework with three yearly periods and their targets; the computed actuals, the
figures of every dashboard and the ranking of every demo body, computed from the demo's own
feedback, groups, score cards, disclosures and trainings; the manual actuals (lessons
disseminated; the incentives, described) entered by the M&E officer and approved by the platform
administrator; and two confirmed alert subscriptions.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from iltod.accounts.models import User

from .example import seed_example_framework
from .models import Framework, ManualActual, Period, Subscription, Target
from .ranking import compute_ranking
from .services import recompute

LESSONS = {2024: 3, 2025: 7, 2026: 4}
INCENTIVES = {
    2024: "Аймгийн Засаг даргын Тамгын газар иргэдэд хариу өгсөн байдлыг байгууллагын гүйцэтгэлийн "
    "үнэлгээнд тусгах журмын төслийг хэлэлцсэн.",
    2025: "Эрэмбийн эхний аравт орсон сумын эрүүл мэндийн төвүүдийг аймгийн Засаг дарга шагнаж, ядуу өрхөөс "
    "ирсэн санал хүсэлтийг тусад нь хянадаг болсон.",
}


def _demo_user(local: str):
    from iltod.demo.data import demo_email

    return User.objects.filter(email=demo_email(local)).first()


def _manual(framework, code, year, *, value=None, narrative="", maker, checker) -> int:
    period = Period.objects.filter(framework=framework, start__year=year).first()
    target = Target.objects.filter(indicator__result__framework=framework, indicator__code=code, period=period).first()
    if period is None or target is None or target.manual_actuals.exists():
        return 0
    reviewed = timezone.make_aware(datetime.datetime(year, 12, 20, 10))
    ManualActual.objects.create(
        target=target,
        value=None if value is None else Decimal(value),
        narrative=narrative,
        evidence_url=f"https://example.mn/reports/{year}/{code}",
        evidence_note="Хөтөлбөрийн жилийн тайлан",
        status=ManualActual.Status.APPROVED,
        entered_by=maker,
        entered_at=reviewed - datetime.timedelta(days=3),
        reviewed_by=checker,
        reviewed_at=reviewed,
    )
    target.actual = None if value is None else Decimal(value)
    target.numerator, target.narrative = target.actual, narrative
    target.source, target.computed_at = Target.Source.MANUAL, reviewed
    target.save(update_fields=["actual", "numerator", "narrative", "source", "computed_at"])
    return 1


def _demo_buyer():
    """The public organisation that bought most in the demo's procurement, if any."""
    try:
        from iltod.procurement.models import ContractingProcess
    except ImportError:
        return None
    from django.db.models import Count

    from iltod.organizations.models import Organization

    top = (
        ContractingProcess.objects.filter(buyer__organization__is_public=True)
        .values("buyer__organization")
        .annotate(n=Count("pk"))
        .order_by("-n", "buyer__organization")
        .first()
    )
    return Organization.objects.filter(pk=top["buyer__organization"]).first() if top else None


def _subscriptions() -> int:
    from iltod.places.models import AdminUnit, ServiceUnit

    from . import alerts

    created = 0
    facility = ServiceUnit.objects.order_by("pk").first()
    aimag = AdminUnit.objects.top_level().order_by("code").first()
    buyer = _demo_buyer()
    now = timezone.now()
    for kind, obj, address, channel in [
        (Subscription.TargetKind.FACILITY, facility, "citizen@demo.iltod.mn", Subscription.Channel.EMAIL),
        (Subscription.TargetKind.AREA, aimag, "+97699112233", Subscription.Channel.SMS),
        (Subscription.TargetKind.BUYER, buyer, "monitor@demo.iltod.mn", Subscription.Channel.EMAIL),
    ]:
        if obj is None:
            continue
        if kind == Subscription.TargetKind.BUYER:
            alerts.observe_buyer(obj.code, now)  # confirmed now: what exists is not news
        _row, new = Subscription.objects.get_or_create(
            target_kind=kind,
            target_code=obj.code,
            address=address,
            defaults={
                "target_name": str(obj)[:255],
                "channel": channel,
                "frequency": Subscription.Frequency.WEEKLY,
                "confirmed_at": now,
                "sent_until": now,
            },
        )
        created += new
    return created


def seed_results_demo() -> int:
    """Write the demo rows; returns how many were created."""
    created = seed_example_framework()
    framework = Framework.objects.get(code="masam")
    maker, checker = _demo_user("analyst"), _demo_user("admin")
    with transaction.atomic():
        for year, value in LESSONS.items():
            created += _manual(framework, "2.4.1", year, value=value, maker=maker, checker=checker)
        for year, text in INCENTIVES.items():
            created += _manual(framework, "1.3.1", year, narrative=text, maker=maker, checker=checker)
    for period in framework.periods.all():
        if period.figures.exists():
            continue  # computed by an earlier run: the periodic job keeps it current
        recompute(period)
        compute_ranking(period)
    created += _subscriptions()
    return created
