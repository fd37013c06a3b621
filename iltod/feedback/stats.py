"""Pre-aggregated statistics: updated as feedback moves, read by public pages without scans."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Feedback, Stat


def _scopes(feedback: Feedback) -> list[tuple[str, int]]:
    scopes = [(Stat.Scope.NATIONAL, 0)]
    unit = feedback.admin_unit
    while unit is not None:
        if unit.level != "country":
            scopes.append((Stat.Scope.ADMIN_UNIT, unit.pk))
        unit = unit.parent
    if feedback.service_unit_id:
        scopes.append((Stat.Scope.FACILITY, feedback.service_unit_id))
    if feedback.handling_organization_id:
        scopes.append((Stat.Scope.ORGANIZATION, feedback.handling_organization_id))
    return scopes


def _year(feedback: Feedback) -> int:
    return timezone.localtime(feedback.received_at).year


def _bump(feedback: Feedback, scopes=None, **increments) -> None:
    year = _year(feedback)
    for scope, scope_id in scopes or _scopes(feedback):
        stat, _created = Stat.objects.get_or_create(scope=scope, scope_id=scope_id, year=year)
        Stat.objects.filter(pk=stat.pk).update(**{k: F(k) + v for k, v in increments.items()})


def record_received(feedback: Feedback) -> None:
    _bump(feedback, received=1)


def record_resolved(feedback: Feedback) -> None:
    """Count the first resolution of an item (reopened and resolved again counts once)."""
    on_time = bool(feedback.resolve_due and feedback.resolved_at <= feedback.resolve_due)
    days = max((feedback.resolved_at - feedback.received_at).days, 0)
    bucket = min(days, Stat.HISTOGRAM_DAYS - 1)
    year = _year(feedback)
    for scope, scope_id in _scopes(feedback):
        with transaction.atomic():
            stat, _created = Stat.objects.select_for_update().get_or_create(scope=scope, scope_id=scope_id, year=year)
            histogram = list(stat.resolve_days) or [0] * Stat.HISTOGRAM_DAYS
            histogram[bucket] += 1
            stat.resolve_days = histogram
            stat.resolved += 1
            stat.resolved_on_time += on_time
            stat.save(update_fields=["resolve_days", "resolved", "resolved_on_time"])


def record_rating(feedback: Feedback) -> None:
    _bump(feedback, rating_sum=feedback.rating, rating_count=1, solved_yes=int(bool(feedback.problem_solved)))


@dataclass
class Summary:
    received: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    rating_sum: int = 0
    rating_count: int = 0
    solved_yes: int = 0
    histogram: list | None = None

    @property
    def on_time_percent(self) -> float | None:
        return round(100 * self.resolved_on_time / self.resolved, 1) if self.resolved else None

    @property
    def resolved_percent(self) -> float | None:
        return round(100 * self.resolved / self.received, 1) if self.received else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def median_days(self) -> int | None:
        if not self.histogram or not sum(self.histogram):
            return None
        total, seen = sum(self.histogram), 0
        for days, count in enumerate(self.histogram):
            seen += count
            if seen * 2 >= total:
                return days
        return None


def summary(scope: str, scope_id: int = 0, year: int | None = None) -> Summary:
    """Totals for a scope, for one year or all years (one indexed read, no scan of feedback)."""
    rows = Stat.objects.filter(scope=scope, scope_id=scope_id)
    if year:
        rows = rows.filter(year=year)
    result = Summary(histogram=[0] * Stat.HISTOGRAM_DAYS)
    for row in rows:
        for name in ("received", "resolved", "resolved_on_time", "rating_sum", "rating_count", "solved_yes"):
            setattr(result, name, getattr(result, name) + getattr(row, name))
        for i, count in enumerate(row.resolve_days or []):
            result.histogram[i] += count
    return result


@transaction.atomic
def rebuild() -> int:
    """Recompute every statistic from the feedback table (after imports or repairs)."""
    Stat.objects.all().delete()
    count = 0
    for feedback in Feedback.objects.select_related("admin_unit__parent__parent").iterator(chunk_size=2000):
        record_received(feedback)
        if feedback.resolved_at:
            record_resolved(feedback)
        if feedback.rating:
            record_rating(feedback)
        count += 1
    return count
