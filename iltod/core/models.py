from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from iltod.lib import workdays

from . import memo


class HolidayQuerySet(memo.QuerySet):
    memo_name = "core.holidays"  # see holiday_calendar()

    def between(self, start, end):
        return self.filter(date__gte=start, date__lte=end)


class Holiday(models.Model):
    """A day the government declares on top of the law: an extra day off, or a weekend day that is
    worked. The public holidays of the law, lunar ones included, are computed for any year by
    ``iltod.lib.workdays.public_holidays`` and are not kept here."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("extra day off")  # no work: not counted as a working day
        WORKED_WEEKEND = "worked_weekend", _("weekend working day")  # a Saturday/Sunday that is worked

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(
        _("name"), max_length=150, help_text=_("What the day is, or the decision that declared it.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DAY_OFF)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("declared day off or working day")
        verbose_name_plural = _("declared days off and working days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def clean(self):
        super().clean()
        if self.date is None:
            return
        if self.kind == self.Kind.WORKED_WEEKEND and self.date.weekday() < 5:
            raise ValidationError({"date": _("A weekend working day must be a Saturday or a Sunday.")})
        if self.kind == self.Kind.DAY_OFF:
            by_law = workdays.public_holidays(self.date.year, get_language() or "mn").get(self.date)
            if by_law:
                raise ValidationError(
                    {"date": _("This day is already a public holiday by law: %(name)s.") % {"name": by_law}}
                )


def _load_calendar() -> tuple[workdays.DaysOff, frozenset]:
    rows = list(Holiday.objects.values_list("date", "kind"))
    return (
        workdays.DaysOff(d for d, kind in rows if kind == Holiday.Kind.DAY_OFF),
        frozenset(d for d, kind in rows if kind == Holiday.Kind.WORKED_WEEKEND),
    )


memo.register("core.holidays", _load_calendar, models=[Holiday])


def holiday_calendar() -> tuple[workdays.DaysOff, frozenset]:
    """(days off, weekend days that are worked) for deadline arithmetic: the law's public holidays
    of every year (computed per year, kept in this process) with the declared extra days off, and
    the declared worked weekend days. The declared rows come from this process's memory: the
    deadline arithmetic of every submission needs them and they change a few times a year."""
    return memo.get("core.holidays")


@dataclass(frozen=True)
class CalendarDay:
    """One line of a year's calendar in the back office."""

    date: date
    name: str
    declared: bool  # declared by the government (a row here), else a public holiday by law
    worked: bool  # a weekend day declared a working day

    @property
    def source(self) -> str:
        return str(_("declared by the government") if self.declared else _("law (public holiday)"))


def year_calendar(year: int, language: str) -> tuple[list[CalendarDay], list[CalendarDay], int]:
    """(days off, weekend days that are worked, number of working days) of ``year``: the law's
    public holidays named in ``language`` with the declared rows, as deadlines count them."""
    law = workdays.public_holidays(year, language)
    declared = list(Holiday.objects.between(date(year, 1, 1), date(year, 12, 31)))
    worked = [CalendarDay(h.date, h.name, True, True) for h in declared if h.kind == Holiday.Kind.WORKED_WEEKEND]
    days_off = [CalendarDay(d, name, False, False) for d, name in law.items()]
    days_off += [CalendarDay(h.date, h.name, True, False) for h in declared if h.kind == Holiday.Kind.DAY_OFF]
    days_off.sort(key=lambda day: (day.date, day.declared))
    holidays = workdays.DaysOff(day.date for day in days_off if day.declared)
    worked_dates = {day.date for day in worked}
    count = workdays.days_between(
        date(year - 1, 12, 31), date(year, 12, 31), working=True, holidays=holidays, worked_weekends=worked_dates
    )
    return days_off, worked, count
