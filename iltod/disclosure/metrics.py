"""Disclosure's figures for the results framework and the ranking (``iltod.core.metrics``), one
section per part of the module. Counted in SQL from the disclosures themselves, so any period
works, not only whole months."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from iltod.core.metrics import Metric, Scope, Value, add_up, aimag_codes, area_ids, register

# --- obligations and compliance

DIMENSIONS = ("aimag", "sector")


def _counted(scope: Scope):
    """Items whose deadline falls in the period and has passed (or that are published): the
    items due in the scope."""
    from .models import Disclosure

    items = Disclosure.objects.counted().filter(due_on__gte=scope.start, due_on__lt=scope.end)
    if scope.admin_unit_id:
        items = items.filter(organization__home_unit_id__in=area_ids(scope.admin_unit_id))
    if scope.sector_id:
        items = items.filter(sector_id=scope.sector_id)
    if scope.organization_id:
        items = items.filter(organization_id=scope.organization_id)
    if scope.facility_id:
        items = items.filter(organization__operated_units=scope.facility_id)
    return items


def _on_time():
    from .models import Disclosure

    return Count("pk", filter=Q(status=Disclosure.Status.ON_TIME))


def _compute(numerator, with_denominator: bool):
    def compute(scope: Scope) -> Value:
        figures = _counted(scope).aggregate(n=numerator(), d=Count("pk"))
        return Value(figures["n"] or 0, (figures["d"] or 0) if with_denominator else None)

    def breakdown(scope: Scope, dimension: str) -> dict[str, Value]:
        items = _counted(scope)
        if dimension == "sector":
            rows = items.values("sector__code").annotate(n=numerator(), d=Count("pk"))
            return add_up((r["sector__code"], r["n"], r["d"] if with_denominator else None) for r in rows)
        if dimension == "aimag":
            codes = aimag_codes()
            rows = items.values("aimag_id").annotate(n=numerator(), d=Count("pk"))
            return add_up((codes.get(r["aimag_id"]), r["n"], r["d"] if with_denominator else None) for r in rows)
        return {}

    def by_body(scope: Scope, kind: str) -> dict[int, Value]:
        """Every body's counts in one query: an organisation's own items; a facility's are those of
        the organisation that runs it (its operator), as ``compute`` counts them for one facility."""
        field = {"facility": "organization__operated_units", "organization": "organization_id"}.get(kind)
        if field is None:
            return {}
        rows = _counted(scope).values(field).order_by().annotate(n=numerator(), d=Count("pk"))
        return {
            row[field]: Value(row["n"] or 0, (row["d"] or 0) if with_denominator else None)
            for row in rows
            if row[field] is not None
        }

    return compute, breakdown, by_body


def register_obligation_metrics() -> None:
    on_time, on_time_by, on_time_bodies = _compute(_on_time, True)
    due, due_by, due_bodies = _compute(lambda: Count("pk"), False)
    register(
        Metric(
            code="disclosure.on_time",
            label=_("Disclosures published on time"),
            compute=on_time,
            factor=100,
            unit=_("%"),
            description=_(
                "Items published by their deadline, out of the items whose deadline fell in the period and has passed."
            ),
            breakdown=on_time_by,
            dimensions=DIMENSIONS,
            by_body=on_time_bodies,
        )
    )
    register(
        Metric(
            code="disclosure.due",
            label=_("Disclosures due"),
            compute=due,
            unit=_("disclosures"),
            description=_("Items whose deadline fell in the period and has passed, published or not."),
            breakdown=due_by,
            dimensions=DIMENSIONS,
            by_body=due_bodies,
        )
    )


# --- facility data that citizens check


def _checks(scope: Scope):
    """Published checks of facility values made in the scope's period."""
    from iltod.core.metrics import moments

    from .models import ValueCheck

    start, end = moments(scope)
    checks = ValueCheck.objects.filter(
        moderation=ValueCheck.Moderation.PUBLISHED, created_at__gte=start, created_at__lt=end
    )
    if scope.admin_unit_id:
        checks = checks.filter(value__facility__admin_unit_id__in=area_ids(scope.admin_unit_id))
    if scope.sector_id:
        checks = checks.filter(value__facility__sector_id=scope.sector_id)
    if scope.organization_id:
        checks = checks.filter(value__publisher_id=scope.organization_id)
    if scope.facility_id:
        checks = checks.filter(value__facility_id=scope.facility_id)
    return checks


def _check_counts(condition):
    def compute(scope: Scope) -> Value:
        return Value(_checks(scope).filter(condition).count())

    def breakdown(scope: Scope, dimension: str) -> dict[str, Value]:
        checks = _checks(scope).filter(condition)
        if dimension == "sector":
            rows = checks.values("value__facility__sector__code").annotate(n=Count("pk"))
            return add_up((r["value__facility__sector__code"], r["n"], None) for r in rows)
        if dimension == "aimag":
            codes = aimag_codes()
            rows = checks.values("value__facility__admin_unit_id").annotate(n=Count("pk"))
            return add_up((codes.get(r["value__facility__admin_unit_id"]), r["n"], None) for r in rows)
        return {}

    return compute, breakdown


def _disputes_corrected():
    """Of the disputes beyond the tolerance (those sent to the publisher: open, answered or corrected;
    a dispute within the tolerance asks nothing of anyone), those the publisher corrected: both
    counts in one query per scope, a row, an aimag, a sector or a body."""
    from .models import ValueCheck

    beyond = Q(outcome__in=[ValueCheck.Outcome.OPEN, ValueCheck.Outcome.ANSWERED, ValueCheck.Outcome.CORRECTED])
    counts = {
        "n": Count("pk", filter=Q(outcome=ValueCheck.Outcome.CORRECTED)),
        "d": Count("pk", filter=beyond),
    }

    def compute(scope: Scope) -> Value:
        figures = _checks(scope).aggregate(**counts)
        return Value(figures["n"] or 0, figures["d"] or 0)

    def breakdown(scope: Scope, dimension: str) -> dict[str, Value]:
        field = {"sector": "value__facility__sector__code", "aimag": "value__facility__admin_unit_id"}.get(dimension)
        if field is None:
            return {}
        rows = _checks(scope).filter(beyond).values(field).order_by().annotate(**counts)
        codes = aimag_codes() if dimension == "aimag" else None
        return add_up(((codes.get(r[field]) if codes is not None else r[field]), r["n"], r["d"]) for r in rows)

    def by_body(scope: Scope, kind: str) -> dict[int, Value]:
        """Every publisher's counts in one query, as ``compute`` counts them for one organisation. A
        facility gets none: it does not publish its figures, its operator does and is ranked on them."""
        if kind != "organization":
            return {}
        rows = _checks(scope).filter(beyond).values("value__publisher_id").order_by().annotate(**counts)
        return {row["value__publisher_id"]: Value(row["n"], row["d"]) for row in rows if row["value__publisher_id"]}

    return compute, breakdown, by_body


def register_facility_data_metrics() -> None:
    validated, validated_by = _check_counts(Q())
    corrected, corrected_by, corrected_bodies = _disputes_corrected()
    register(
        Metric(
            code="disclosure.values_validated",
            label=_("Facility figures checked by citizens"),
            compute=validated,
            unit=_("checks"),
            description=_("Published checks (confirmations and disputes) of facility figures made in the period."),
            breakdown=validated_by,
            dimensions=DIMENSIONS,
        )
    )
    register(
        Metric(
            code="disclosure.discrepancies_corrected",
            label=_("Disputed facility figures corrected"),
            compute=corrected,
            factor=100,
            unit=_("%"),
            description=_(
                "Of the citizens' disputes beyond the tolerance made in the period, the share the publisher "
                "answered by correcting the figure."
            ),
            breakdown=corrected_by,
            dimensions=DIMENSIONS,
            by_body=corrected_bodies,
        )
    )
