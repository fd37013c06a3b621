"""Calendar and working-day arithmetic for legal deadlines.

Pure functions: the caller passes the holidays (dates off) and any weekend dates that are worked
(Mongolia sometimes moves a working day to a Saturday around Tsagaan Sar and Naadam).

Mongolia's public holidays by law come from the ``holidays`` package, for any year: the fixed
days and the lunar ones (Tsagaan Sar, Buddha's birthday, Chinggis Khaan's birthday), which move
every year. Only what the government declares on top of the law (an extra day off, a weekend day
that is worked) is kept as data by the caller. ``DaysOff`` joins the two for the functions below.

Naadam: the Labour Law (revised 2 July 2021), in its article on public holidays, gives 11–15
July. An amendment of the Law on Public Holidays and Days of Observance made 10 July a Naadam day
off too, 10–15 July in all (the Ministry of Justice dates it 28 June 2022; the package counts it
from 2023, its Mongolia module citing both laws). We follow the package, 10–15 July, as the
later and more specific law; the one difference, 10 July 2022, is a year no deadline here reaches.
"""

import functools
from collections.abc import Container, Iterable, Mapping
from datetime import date, timedelta
from types import MappingProxyType

import holidays as holidays_package

LANGUAGES = {"mn": "mn", "en": "en_US"}  # our language code → the package's


@functools.lru_cache(maxsize=256)
def public_holidays(year: int, language: str = "mn") -> Mapping[date, str]:
    """Mongolia's public holidays (days off by law) in ``year``, named in ``language`` ("mn" or
    "en"). Computed once per year and language, then kept in this process's memory."""
    package_language = LANGUAGES.get(language.partition("-")[0], "mn")
    days = holidays_package.country_holidays("MN", years=year, language=package_language)
    return MappingProxyType(dict(sorted(days.items())))


@functools.lru_cache(maxsize=256)
def _public_days(year: int) -> frozenset[date]:
    return frozenset(public_holidays(year))


class DaysOff(Container):
    """The days off of any year: the law's public holidays (computed per year) and the days off
    declared on top of them. A day ``in`` it is not worked unless declared a worked weekend day."""

    def __init__(self, declared: Iterable[date] = ()):
        self.declared = frozenset(declared)

    def __contains__(self, day) -> bool:
        return day in self.declared or day in _public_days(day.year)

    def __repr__(self) -> str:
        return f"DaysOff(declared={sorted(self.declared)!r})"


def is_working_day(day: date, holidays: Container[date] = (), worked_weekends: Container[date] = ()) -> bool:
    if day in worked_weekends:
        return True
    return day.weekday() < 5 and day not in holidays


def add_days(
    start: date,
    days: int,
    *,
    working: bool,
    holidays: Container[date] = (),
    worked_weekends: Container[date] = (),
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
    start: date, end: date, *, working: bool, holidays: Container[date] = (), worked_weekends: Container[date] = ()
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
