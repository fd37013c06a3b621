"""Deadlines by policy, in calendar or working days with Mongolian public holidays.

The public holidays of the law come from the ``holidays`` package for any year (computed once per
year in each process, ``iltod.lib.workdays``); the days the government declares on top (extra days
off, worked weekend days) and the policies are small tables read by every submission: each process
keeps them in memory until a save or delete changes them (``iltod.core.memo``)."""

from datetime import datetime, time

from django.utils import timezone

from iltod.core import memo
from iltod.core.models import holiday_calendar
from iltod.lib.workdays import add_days

from .models import DeadlinePolicy


def _load_policies() -> list[DeadlinePolicy]:
    return list(DeadlinePolicy.objects.all())


memo.register("feedback.deadline_policies", _load_policies, models=[DeadlinePolicy])


def policy_for(kind: str, category) -> DeadlinePolicy:
    """The most specific policy: type+category, then category, then type, then the default.
    The policy returned may be shared with other callers: read it, do not change it."""
    category_id = category.pk if category else None
    best = None
    for policy in memo.get("feedback.deadline_policies"):
        if policy.category_id not in {None, category_id} or policy.kind not in {kind, ""}:
            continue
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
    days_off, worked = holiday_calendar()
    return end_of_day(add_days(start_day, days, working=working, holidays=days_off, worked_weekends=worked))


def deadlines(received_at: datetime, policy: DeadlinePolicy) -> tuple[datetime, datetime]:
    """(acknowledge by, resolve by) for an item received at ``received_at``."""
    return (
        due_date(received_at, policy.acknowledge_days, policy.acknowledge_day_kind),
        due_date(received_at, policy.resolve_days, policy.resolve_day_kind),
    )
