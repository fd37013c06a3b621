"""Pre-aggregated statistics: updated as feedback moves, read by public pages without scans."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from iltod.places.models import AdminUnit

from .models import Event, Feedback, Stat

RESOLUTIONS = [Feedback.Status.RESOLVED, Feedback.Status.NO_FURTHER_ACTION]

ANCESTOR_CACHE_SECONDS = 600


def _area_ids(admin_unit_id: int) -> list[int]:
    """The unit and its ancestors except the country. Cached for a few minutes: the hierarchy
    changes only when units are imported, and a stale parent for that long is harmless."""
    key = f"feedback:stats:areas:{admin_unit_id}"
    ids = cache.get(key)
    if ids is None:
        ids, current, seen = [], admin_unit_id, set()
        while current is not None and current not in seen:
            seen.add(current)
            row = AdminUnit.objects.filter(pk=current).values_list("parent_id", "level").first()
            if row is None:
                break
            parent_id, level = row
            if level != AdminUnit.Level.COUNTRY:
                ids.append(current)
            current = parent_id
        cache.set(key, ids, ANCESTOR_CACHE_SECONDS)
    return ids


def _scopes(feedback: Feedback) -> list[tuple[str, int]]:
    scopes = [(Stat.Scope.NATIONAL, 0)]
    scopes += [(Stat.Scope.ADMIN_UNIT, pk) for pk in _area_ids(feedback.admin_unit_id)]
    if feedback.service_unit_id:
        scopes.append((Stat.Scope.FACILITY, feedback.service_unit_id))
    if feedback.handling_organization_id:
        scopes.append((Stat.Scope.ORGANIZATION, feedback.handling_organization_id))
    return scopes


def _year(feedback: Feedback) -> int:
    return timezone.localtime(feedback.received_at).year


def _rows(scopes, year):
    """Make sure the rows exist (one INSERT … ON CONFLICT DO NOTHING) and return their filter."""
    Stat.objects.bulk_create(
        [Stat(scope=scope, scope_id=scope_id, year=year, resolve_days=[]) for scope, scope_id in scopes],
        ignore_conflicts=True,
    )
    match = Q()
    for scope, scope_id in scopes:
        match |= Q(scope=scope, scope_id=scope_id)
    return Stat.objects.filter(match, year=year)


def _bump(feedback: Feedback, scopes=None, **increments) -> None:
    """Two queries whatever the number of scopes: ensure the rows, then one UPDATE."""
    rows = _rows(scopes or _scopes(feedback), _year(feedback))
    rows.update(**{k: F(k) + v for k, v in increments.items()})


def record_received(feedback: Feedback) -> None:
    _bump(feedback, received=1)


def record_referred(feedback: Feedback, from_organization_id: int | None) -> None:
    """An item counts for the organisation that handles it (as ``rebuild`` counts it): a referral
    moves its "received" from the old organisation to the new one."""
    if from_organization_id:
        Stat.objects.filter(
            scope=Stat.Scope.ORGANIZATION, scope_id=from_organization_id, year=_year(feedback), received__gt=0
        ).update(received=F("received") - 1)
    if feedback.handling_organization_id:
        _bump(feedback, scopes=[(Stat.Scope.ORGANIZATION, feedback.handling_organization_id)], received=1)


def record_resolved(feedback: Feedback) -> None:
    """Count the first resolution of an item (reopened and resolved again counts once)."""
    on_time = bool(feedback.resolve_due and feedback.resolved_at <= feedback.resolve_due)
    days = max((feedback.resolved_at - feedback.received_at).days, 0)
    bucket = min(days, Stat.HISTOGRAM_DAYS - 1)
    with transaction.atomic():
        rows = list(_rows(_scopes(feedback), _year(feedback)).select_for_update().order_by("pk"))
        for stat in rows:
            histogram = list(stat.resolve_days) or [0] * Stat.HISTOGRAM_DAYS
            histogram[bucket] += 1
            stat.resolve_days = histogram
            stat.resolved += 1
            stat.resolved_on_time += on_time
        Stat.objects.bulk_update(rows, ["resolve_days", "resolved", "resolved_on_time"])


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
    # The live counters count an item's first resolution (reopened and resolved again counts
    # once) while ``resolved_at`` holds the latest: take the first one from the timeline.
    first_resolved = dict(
        Event.objects.filter(type=Event.Type.STATUS, new_status__in=RESOLUTIONS)
        .order_by()
        .values("feedback")
        .annotate(first=Min("created_at"))
        .values_list("feedback", "first")
    )
    count = 0
    for feedback in Feedback.objects.iterator(chunk_size=2000):
        record_received(feedback)
        if feedback.resolved_at:
            first = first_resolved.get(feedback.pk)
            if first is not None and first < feedback.resolved_at:
                feedback.resolved_at = first  # in memory only
            record_resolved(feedback)
        if feedback.rating:
            record_rating(feedback)
        count += 1
    return count
