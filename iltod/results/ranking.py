"""The public ranking of how responsive each body is, computed per period by the periodic job.

**Components** (each a share, from counts a module registers as a metric; a component whose
module is not installed or registers no such metric is left out and the page says so):

============================================  ======
feedback acknowledged within the deadline       20 %
feedback resolved within the deadline           30 %
citizens satisfied with the answer              15 %
action points completed on time                 15 %
disclosures made on time                        10 %
validated discrepancies corrected                5 %
procurement monitoring cases fixed               5 %
============================================  ======

**Fair to small and large bodies.** A body with few items would swing from 0 % to 100 % by
chance, so each component's share is pulled toward the mean of the body's peers (bodies of the
same kind) in proportion to how few items it has (empirical-Bayes shrinkage):
``adjusted = (done + K × peer share) / (items + K)`` with ``K = 10``. The peer share is computed from
the peers' counts added together (never an average of their percentages). A component without
items for a body counts as the peer share; one without items for any body of a kind is left out of
that kind's scores. Facilities are counted only by metrics that count every facility in one query
(``Metric.by_body``): for them, another component has no items (a facility's disclosures are
those of the organisation that runs it, as the disclosure metric counts them for one facility).
The **score** is the weighted mean of the adjusted components (0–100). A body is **ranked** only
with at least ``MIN_ITEMS`` items over all components; the others are listed as "too few items to
rank".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Case, F, OuterRef, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.core import metrics

from .models import Period, RankingEntry

K = 10  # shrinkage strength: a body with 10 items is pulled halfway to its peers
MIN_ITEMS = 10  # items (over every component) a body needs to be ranked


@dataclass(frozen=True)
class Component:
    metric: str
    weight: int  # percent
    label: object


COMPONENTS = [
    Component("feedback.acknowledged_on_time", 20, _("feedback acknowledged within the deadline")),
    Component("feedback.resolved_on_time", 30, _("feedback resolved within the deadline")),
    Component("feedback.satisfaction", 15, _("citizens satisfied with the answer")),
    Component("engagement.actions_on_time", 15, _("action points completed on time")),
    Component("disclosure.on_time", 10, _("disclosures made on time")),
    Component("disclosure.discrepancies_corrected", 5, _("validated discrepancies corrected")),
    Component("procurement.cases_fixed", 5, _("procurement monitoring cases fixed")),
]

ORGANIZATION_KINDS = {
    "health_department": RankingEntry.BodyKind.DEPARTMENT,
    "education_department": RankingEntry.BodyKind.DEPARTMENT,
    "governors_office": RankingEntry.BodyKind.GOVERNORS_OFFICE,
    "ministry": RankingEntry.BodyKind.MINISTRY,
    "agency": RankingEntry.BodyKind.MINISTRY,
}


def available() -> list[Component]:
    registered = {metric.code for metric in metrics.metrics()}
    return [component for component in COMPONENTS if component.metric in registered]


def missing() -> list[Component]:
    registered = {metric.code for metric in metrics.metrics()}
    return [component for component in COMPONENTS if component.metric not in registered]


def shrink(done, items, peer: float) -> float:
    return (float(done) + K * peer) / (float(items) + K)


@dataclass
class Body:
    kind: str
    code: str
    name: str
    name_en: str
    aimag: str
    sector: str
    scope: dict


def bodies(period: Period) -> list[Body]:
    """The facilities with feedback in the period, and the government bodies (departments,
    governors' offices, ministries and agencies) that are active."""
    from iltod.feedback.models import Feedback
    from iltod.organizations.models import Organization
    from iltod.places.models import ServiceUnit

    from .services import scope_of

    codes = metrics.aimag_codes()
    start, end = metrics.moments(scope_of(period))
    try:  # counted with the other metrics of the period when they are counted together
        facility_ids = list(metrics.get("feedback.received").by_body(scope_of(period), "facility"))
    except KeyError:
        facility_ids = (
            Feedback.objects.filter(received_at__gte=start, received_at__lt=end, service_unit__isnull=False)
            .values("service_unit_id")
            .distinct()
        )
    found: list[Body] = []
    for facility in (
        ServiceUnit.objects.filter(pk__in=facility_ids)
        .select_related("sector")
        .only("pk", "code", "name_mn", "name_en", "admin_unit_id", "sector__code")
    ):
        found.append(
            Body(
                RankingEntry.BodyKind.FACILITY,
                facility.code,
                facility.name_mn or facility.name_en,
                facility.name_en or "",
                codes.get(facility.admin_unit_id, ""),
                facility.sector.code,
                {"facility_id": facility.pk},
            )
        )
    organizations = (
        Organization.objects.filter(kind__in=ORGANIZATION_KINDS, is_active=True)
        .prefetch_related("sectors")
        .only("pk", "code", "kind", "name_mn", "name_en", "home_unit_id")
    )
    for organization in organizations:
        sectors = [sector.code for sector in organization.sectors.all()]
        found.append(
            Body(
                ORGANIZATION_KINDS[organization.kind],
                organization.code,
                organization.name_mn or organization.name_en,
                organization.name_en or "",
                codes.get(organization.home_unit_id, "") if organization.home_unit_id else "",
                sectors[0] if len(sectors) == 1 else "",
                {"organization_id": organization.pk},
            )
        )
    return found


@transaction.atomic
def compute_ranking(period: Period) -> int:
    """Replace the period's ranking; returns the number of bodies listed."""
    with metrics.batch():  # the modules count each metric of the period for every body in one pass
        return _compute_ranking(period)


def _compute_ranking(period: Period) -> int:
    from .services import scope_of

    components = available()
    found = bodies(period)
    # A metric that counts every body in one query (``by_body``) is read once per kind of body;
    # the others are computed body by body.
    whole = scope_of(period)
    at_once: dict[tuple[str, str], dict[int, metrics.Value]] = {}
    for c in components:
        metric = metrics.get(c.metric)
        if metric.by_body is not None:
            for key in ("facility", "organization"):
                at_once[(c.metric, key)] = metric.by_body(whole, key)
    counted: list[tuple[Body, dict]] = []
    for body in found:
        key, pk = next(iter(body.scope.items()))
        kind = key.removesuffix("_id")
        values = {}
        for c in components:
            if (c.metric, kind) in at_once:
                values[c.metric] = at_once[(c.metric, kind)].get(pk, metrics.Value(0, 0))
            elif kind == "facility":
                # Counted per facility only in one query (thousands of facilities): a module that
                # cannot count its metric that way (procurement's cases, for example) has no items
                # for facilities, so the component counts as the peer share.
                values[c.metric] = metrics.Value(0, 0)
            else:
                values[c.metric] = metrics.get(c.metric).compute(scope_of(period, **body.scope))
        counted.append((body, values))
    peers: dict[tuple[str, str], float] = {}
    for kind in {body.kind for body, _values in counted}:
        for c in components:
            done = sum(float(v[c.metric].numerator) for b, v in counted if b.kind == kind)
            items = sum(v[c.metric].denominator or 0 for b, v in counted if b.kind == kind)
            peers[(kind, c.metric)] = done / items if items else None  # None: no peer has items
    entries = []
    for body, values in counted:
        parts, score, raw, raw_weight, items = {}, 0.0, 0.0, 0, 0
        total_weight = 0
        for c in components:
            value = values[c.metric]
            n, d = float(value.numerator), value.denominator or 0
            peer = peers[(body.kind, c.metric)]
            if peer is None:
                continue  # no body of this kind has items: the component is left out of their scores
            total_weight += c.weight
            adjusted = shrink(n, d, peer)
            parts[c.metric] = {"n": n, "d": d, "peer": round(peer * 100, 1), "adjusted": round(adjusted * 100, 1)}
            if d:
                parts[c.metric]["raw"] = round(n / d * 100, 1)
                raw += c.weight * n / d
                raw_weight += c.weight
            score += c.weight * adjusted
            items += d
        entries.append(
            RankingEntry(
                period=period,
                body_kind=body.kind,
                body_code=body.code,
                name=body.name[:255],
                name_en=body.name_en[:255],
                aimag=body.aimag,
                sector=body.sector,
                items=items,
                score=Decimal(str(round(score / total_weight * 100, 1))) if total_weight else None,
                raw_score=Decimal(str(round(raw / raw_weight * 100, 1))) if raw_weight else None,
                components=parts,
            )
        )
    for kind in {entry.body_kind for entry in entries}:
        ranked = sorted(
            (e for e in entries if e.body_kind == kind and e.items >= MIN_ITEMS and e.score is not None),
            key=lambda e: (-e.score, -e.items, e.name),
        )
        for position, entry in enumerate(ranked, start=1):
            entry.rank = position
    RankingEntry.objects.filter(period=period).delete()
    RankingEntry.objects.bulk_create(entries, batch_size=500)
    # "Most improved" is stored: this period's change, and the next period's, whose base just changed.
    _store_improvement(period)
    following = _neighbour(period, later=True)
    if following is not None:
        _store_improvement(following)
    period.ranked_at = timezone.now()
    period.save(update_fields=["ranked_at"])
    return len(entries)


def _neighbour(period: Period, *, later: bool) -> Period | None:
    periods = Period.objects.filter(framework_id=period.framework_id)
    if later:
        return periods.filter(start__gt=period.start).order_by("start").first()
    return periods.filter(start__lt=period.start).order_by("-start").first()


def _store_improvement(period: Period) -> None:
    """Each ranked body's change of score since the framework's previous period (where it was ranked
    too), in one ``UPDATE``; null otherwise."""
    previous = _neighbour(period, later=False)
    if previous is None:
        RankingEntry.objects.filter(period=period).update(improvement=None)
        return
    before = RankingEntry.objects.filter(
        period=previous, body_kind=OuterRef("body_kind"), body_code=OuterRef("body_code"), rank__isnull=False
    ).values("score")[:1]
    RankingEntry.objects.filter(period=period).update(
        improvement=Case(When(rank__isnull=False, then=F("score") - Subquery(before)), default=None)
    )


def most_improved(
    period: Period, kind: str, count: int = 5, *, aimag: str = "", sector: str = ""
) -> list[tuple[RankingEntry, Decimal]]:
    """Ranked bodies of a kind whose score rose most since the framework's previous period, read
    from the stored change (an index of the rises); optionally of one aimag or sector."""
    entries = RankingEntry.objects.filter(period=period, body_kind=kind, improvement__gt=0)
    if aimag:
        entries = entries.filter(aimag=aimag)
    if sector:
        entries = entries.filter(sector=sector)
    entries = entries.only("body_code", "name", "name_en", "improvement").order_by("-improvement", "name")[:count]
    return [(entry, entry.improvement) for entry in entries]
