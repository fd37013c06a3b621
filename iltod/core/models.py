from django.db import models
from django.utils.translation import gettext_lazy as _

from . import memo


class HolidayQuerySet(memo.QuerySet):
    memo_name = "core.holidays"  # see holiday_calendar()

    def between(self, start, end):
        return self.filter(date__gte=start, date__lte=end)

    def calendar(self, start, end) -> tuple[set, set]:
        """(days off, weekend days that are worked) between two dates, for deadline arithmetic."""
        rows = list(self.between(start, end).values_list("date", "kind"))
        days_off = {d for d, kind in rows if kind == Holiday.Kind.DAY_OFF}
        worked = {d for d, kind in rows if kind == Holiday.Kind.WORKED_WEEKEND}
        return days_off, worked


class Holiday(models.Model):
    """A public holiday, or a weekend day declared a working day. Kept as data: the lunar
    holidays (Tsagaan Sar, Chinggis Khaan's birthday) move every year."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("public holiday")  # no work: not counted as a working day
        WORKED_WEEKEND = "worked_weekend", _("weekend working day")  # a Saturday/Sunday that is worked

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DAY_OFF)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


def _load_calendar() -> tuple[frozenset, frozenset]:
    rows = list(Holiday.objects.values_list("date", "kind"))
    return (
        frozenset(d for d, kind in rows if kind == Holiday.Kind.DAY_OFF),
        frozenset(d for d, kind in rows if kind == Holiday.Kind.WORKED_WEEKEND),
    )


memo.register("core.holidays", _load_calendar, models=[Holiday])


def holiday_calendar() -> tuple[frozenset, frozenset]:
    """(days off, weekend days that are worked), all of them, from this process's memory: the
    deadline arithmetic of every submission needs them and they change a few times a year."""
    return memo.get("core.holidays")
