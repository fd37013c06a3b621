"""Pre-aggregated statistics: updated as feedback moves, read by public pages without scans."""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit

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


def summary_of(row: Stat) -> Summary:
    """The summary of one statistics row."""
    result = Summary(histogram=list(row.resolve_days or []))
    for name in ("received", "resolved", "resolved_on_time", "rating_sum", "rating_count", "solved_yes"):
        setattr(result, name, getattr(row, name))
    return result


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


# --- Exports for those who may see the statistics (Capability.VIEW_STATISTICS) -----------------
# One row per area, facility or handling organisation that received feedback in the year, read
# from the counters (no scan of feedback), the names fetched in chunks: a fixed number of queries
# per 2,000 rows whatever the size of the country.

EXPORTS = {
    "areas": Stat.Scope.ADMIN_UNIT,
    "facilities": Stat.Scope.FACILITY,
    "organizations": Stat.Scope.ORGANIZATION,
}
EXPORT_CHUNK = 2000


def _figures(row: Stat) -> list:
    s = summary_of(row)
    return [
        s.received,
        s.resolved,
        s.resolved_on_time,
        s.on_time_percent,
        s.median_days,
        s.rating_count,
        s.satisfaction,
        s.solved_yes,
    ]


def _figure_header() -> list[str]:
    return [
        _("Received"),
        _("Resolved"),
        _("Resolved within the deadline"),
        _("Resolved on time (%)"),
        _("Median days to resolve"),
        _("Ratings"),
        _("Average rating (1–5)"),
        _("Ratings saying the problem was solved"),
    ]


def _describe_areas(ids):
    units = AdminUnit.objects.without_shapes().select_related("parent").defer("parent__boundary").in_bulk(ids)
    for pk in ids:
        unit = units.get(pk)
        if unit is not None:
            parent = unit.parent.name if unit.parent and unit.parent.level != AdminUnit.Level.COUNTRY else ""
            yield pk, [unit.code, unit.name, unit.get_level_display(), parent]


def _describe_facilities(ids):
    facilities = (
        ServiceUnit.objects.select_related("admin_unit__parent")
        .defer("admin_unit__boundary", "admin_unit__parent__boundary")
        .in_bulk(ids)
    )
    for pk in ids:
        facility = facilities.get(pk)
        if facility is not None:
            area = facility.admin_unit
            aimag = area.parent.name if area.parent and area.parent.level != AdminUnit.Level.COUNTRY else ""
            yield pk, [facility.code, facility.name, facility.get_kind_display(), area.name, aimag]


def _describe_organizations(ids):
    organizations = Organization.objects.in_bulk(ids)
    for pk in ids:
        organization = organizations.get(pk)
        if organization is not None:
            yield pk, [organization.code, organization.name, organization.get_kind_display()]


def export_table(name: str, year: int) -> tuple[list[str], object]:
    """(header, rows) of the ``name`` export (a key of ``EXPORTS``) for ``year``."""
    header, describe = {
        "areas": ([_("Code"), _("Area"), _("Level"), _("Aimag or capital")], _describe_areas),
        "facilities": ([_("Code"), _("Facility"), _("Type"), _("Soum or district"), _("Aimag or capital")],
                       _describe_facilities),
        "organizations": ([_("Code"), _("Organisation"), _("Type")], _describe_organizations),
    }[name]  # fmt: skip

    def rows():
        stats = Stat.objects.filter(scope=EXPORTS[name], year=year).order_by("scope_id")
        chunk = []
        for row in stats.iterator(chunk_size=EXPORT_CHUNK):
            chunk.append(row)
            if len(chunk) == EXPORT_CHUNK:
                yield from _described(chunk, describe)
                chunk = []
        yield from _described(chunk, describe)

    return header + _figure_header(), rows()


def _described(chunk, describe):
    by_id = {row.scope_id: row for row in chunk}
    for pk, columns in describe([row.scope_id for row in chunk]):
        yield columns + _figures(by_id[pk])


@transaction.atomic
def rebuild() -> int:
    """Recompute every statistic from the feedback table (after imports or repairs)."""
    Stat.objects.all().delete()
    if connection.vendor == "postgresql":
        return _rebuild_in_sql()
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


# On PostgreSQL the rebuild is set-based: one scan of feedback groups the items by area, facility,
# handler, year and resolution day (a few hundred thousand groups for ten million items), and the
# groups are rolled up into every scope. The item-by-item loop above takes hours at national scale;
# this takes about a minute (docs/benchmarks.md). Both count exactly the same things.
_PARTS_SQL = """
CREATE TEMPORARY TABLE iltod_stat_parts ON COMMIT DROP AS
SELECT f.admin_unit_id, f.service_unit_id, f.handling_organization_id,
       EXTRACT(YEAR FROM f.received_at AT TIME ZONE %(tz)s)::int AS year,
       CASE WHEN r.resolved_at IS NOT NULL
            THEN LEAST(GREATEST(FLOOR(EXTRACT(EPOCH FROM r.resolved_at - f.received_at) / 86400), 0), %(last)s)::int
       END AS bucket,
       COUNT(*) AS received,
       COUNT(r.resolved_at) AS resolved,
       COUNT(*) FILTER (WHERE r.resolved_at <= f.resolve_due) AS on_time,
       COALESCE(SUM(f.rating) FILTER (WHERE f.rating > 0), 0) AS rating_sum,
       COUNT(*) FILTER (WHERE f.rating > 0) AS rating_count,
       COUNT(*) FILTER (WHERE f.rating > 0 AND f.problem_solved) AS solved_yes
FROM {feedback} f
LEFT JOIN (
    SELECT feedback_id, MIN(created_at) AS first_resolved FROM {event}
    WHERE type = %(status_type)s AND new_status = ANY(%(resolutions)s) GROUP BY feedback_id
) e ON e.feedback_id = f.id
CROSS JOIN LATERAL (
    SELECT CASE WHEN e.first_resolved < f.resolved_at THEN e.first_resolved ELSE f.resolved_at END AS resolved_at
) r
GROUP BY 1, 2, 3, 4, 5
"""
_ROLLUP_SQL = """
INSERT INTO {stat} (scope, scope_id, year, received, resolved, resolved_on_time, rating_sum, rating_count,
                    solved_yes, resolve_days)
SELECT scope, scope_id, year, received, resolved, on_time, rating_sum, rating_count, solved_yes,
       CASE WHEN resolved > 0
            THEN (SELECT jsonb_agg(COALESCE((histogram ->> d::text)::bigint, 0) ORDER BY d)
                  FROM generate_series(0, %(last)s) d)
            ELSE '[]'::jsonb
       END
FROM (
    SELECT scope, scope_id, year, SUM(received) AS received, SUM(resolved) AS resolved, SUM(on_time) AS on_time,
           SUM(rating_sum) AS rating_sum, SUM(rating_count) AS rating_count, SUM(solved_yes) AS solved_yes,
           jsonb_object_agg(bucket::text, resolved) FILTER (WHERE bucket IS NOT NULL) AS histogram
    FROM (
        SELECT scope, scope_id, year, bucket, SUM(received) AS received, SUM(resolved) AS resolved,
               SUM(on_time) AS on_time, SUM(rating_sum) AS rating_sum, SUM(rating_count) AS rating_count,
               SUM(solved_yes) AS solved_yes
        FROM (
            SELECT %(national)s AS scope, 0::bigint AS scope_id, p.* FROM iltod_stat_parts p
            UNION ALL
            SELECT %(area)s, a.area_id, p.* FROM iltod_stat_parts p JOIN iltod_stat_areas a USING (admin_unit_id)
            UNION ALL
            SELECT %(facility)s, p.service_unit_id, p.* FROM iltod_stat_parts p WHERE p.service_unit_id IS NOT NULL
            UNION ALL
            SELECT %(organization)s, p.handling_organization_id, p.* FROM iltod_stat_parts p
            WHERE p.handling_organization_id IS NOT NULL
        ) expanded
        GROUP BY scope, scope_id, year, bucket
    ) by_day
    GROUP BY scope, scope_id, year
) totals
"""


def _all_area_ids() -> list[tuple[int, int]]:
    """(unit, area it counts for): the unit itself and its ancestors except the country."""
    units = {
        pk: (parent_id, level) for pk, parent_id, level in AdminUnit.objects.values_list("pk", "parent_id", "level")
    }
    pairs = []
    for pk in units:
        current, seen = pk, set()
        while current is not None and current in units and current not in seen:
            seen.add(current)
            parent_id, level = units[current]
            if level != AdminUnit.Level.COUNTRY:
                pairs.append((pk, current))
            current = parent_id
    return pairs


def _rebuild_in_sql() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")  # the grouping fits in memory: no spill to disk
        cursor.execute("CREATE TEMPORARY TABLE iltod_stat_areas (admin_unit_id bigint, area_id bigint) ON COMMIT DROP")
        cursor.executemany("INSERT INTO iltod_stat_areas VALUES (%s, %s)", _all_area_ids())
        cursor.execute(
            _PARTS_SQL.format(feedback=Feedback._meta.db_table, event=Event._meta.db_table),
            {
                "tz": settings.TIME_ZONE,
                "last": Stat.HISTOGRAM_DAYS - 1,
                "status_type": Event.Type.STATUS,
                "resolutions": [str(s) for s in RESOLUTIONS],
            },
        )
        cursor.execute(
            _ROLLUP_SQL.format(stat=Stat._meta.db_table),
            {
                "last": Stat.HISTOGRAM_DAYS - 1,
                "national": Stat.Scope.NATIONAL.value,
                "area": Stat.Scope.ADMIN_UNIT.value,
                "facility": Stat.Scope.FACILITY.value,
                "organization": Stat.Scope.ORGANIZATION.value,
            },
        )
        cursor.execute("DROP TABLE iltod_stat_parts, iltod_stat_areas")
    national = Stat.objects.filter(scope=Stat.Scope.NATIONAL).values_list("received", flat=True)
    return sum(national)
