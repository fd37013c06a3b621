"""Calendar and working-day arithmetic for legal deadlines.

Pure functions: the caller passes the holidays (dates off) and any weekend dates that are worked
(Mongolia sometimes moves a working day to a Saturday around Tsagaan Sar and Naadam).
"""

from collections.abc import Collection
from datetime import date, timedelta


def is_working_day(day: date, holidays: Collection[date] = (), worked_weekends: Collection[date] = ()) -> bool:
    if day in worked_weekends:
        return True
    return day.weekday() < 5 and day not in holidays


def add_days(
    start: date,
    days: int,
    *,
    working: bool,
    holidays: Collection[date] = (),
    worked_weekends: Collection[date] = (),
) -> date:
    """The date ``days`` days after ``start``: calendar days, or working days when ``working``.

    For working days the count starts the next working day after ``start`` (the day of receipt
    does not count), as deadlines under the petitions law are read. A calendar deadline that
    falls on a day off is not moved: the law counts calendar days.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if not working:
        return start + timedelta(days=days)
    current, remaining = start, days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays, worked_weekends):
            remaining -= 1
    return current


def days_between(
    start: date, end: date, *, working: bool, holidays: Collection[date] = (), worked_weekends: Collection[date] = ()
) -> int:
    """Days from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    if not working:
        return (end - start).days
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays, worked_weekends):
            count += 1
    return count
