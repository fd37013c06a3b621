"""Deadlines by policy, in calendar or working days with Mongolian public holidays."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from iltod.core.models import Holiday
from iltod.lib.workdays import add_days

from .models import DeadlinePolicy


def policy_for(kind: str, category) -> DeadlinePolicy:
    """The most specific policy: type+category, then category, then type, then the default."""
    scope = Q(category__isnull=True) | Q(category=category) if category else Q(category__isnull=True)
    candidates = DeadlinePolicy.objects.filter(scope, kind__in=[kind, ""])
    best = None
    for policy in candidates:
        score = (policy.category_id is not None) * 2 + (policy.kind == kind)
        if best is None or score > best[0]:
            best = (score, policy)
    if best is None:
        return DeadlinePolicy(name="default")  # unsaved, with the model's defaults (the law's)
    return best[1]


def end_of_day(day) -> datetime:
    """23:59:59 local time on ``day``, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def due_date(start: datetime, days: int, day_kind: str) -> datetime:
    start_day = timezone.localtime(start).date()
    working = day_kind == DeadlinePolicy.DayKind.WORKING
    # Enough calendar room for the working days, holidays and weekends in between.
    days_off, worked = Holiday.objects.calendar(start_day, start_day + timedelta(days=days * 3 + 30))
    return end_of_day(add_days(start_day, days, working=working, holidays=days_off, worked_weekends=worked))


def deadlines(received_at: datetime, policy: DeadlinePolicy) -> tuple[datetime, datetime]:
    """(acknowledge by, resolve by) for an item received at ``received_at``."""
    return (
        due_date(received_at, policy.acknowledge_days, policy.acknowledge_day_kind),
        due_date(received_at, policy.resolve_days, policy.resolve_day_kind),
    )
