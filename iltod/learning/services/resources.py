"""The network's resources and the value it creates.

The yearly summary adds amounts received (fees, paid services, in-kind) and grants won, by the
year a resource starts; the share of own income is own income (fees and paid services) over own
income and grants won, computed from the sums of the year, never averaged. The value page reads
the platform's own figures through the metrics registry (iltod.core.metrics), so it names
procurement's or score cards' figures without importing them."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.core import metrics

from ..models.strategy import Resource

__all__ = ["YearSummary", "record_resource", "value_figures", "yearly_summary"]

VALUE_METRICS = (
    "learning.people_trained",
    "learning.participations",
    "learning.changed_practice",
    "scorecards.cycles_completed",
    "engagement.actions_on_time",
    "procurement.cases_fixed",
)


@transaction.atomic
def record_resource(*, actor, resource=None, request=None, **fields) -> Resource:
    resource = resource or Resource()
    for name, value in fields.items():
        setattr(resource, name, value)
    is_grant = resource.kind == Resource.Kind.GRANT
    if is_grant and resource.status not in Resource.GRANT_STATUSES:
        raise ValidationError(_("A grant is an idea, submitted, won or lost."))
    if not is_grant and resource.status != Resource.Status.RECEIVED:
        raise ValidationError(_("Only a grant has a status other than received."))
    if resource.amount is None or resource.amount < 0:
        raise ValidationError(_("The amount cannot be negative."))
    if resource.ends_on and resource.ends_on < resource.starts_on:
        raise ValidationError(_("The period cannot end before it starts."))
    resource.save()
    log_event(
        actor,
        AuditAction.RESOURCE_SAVED,
        resource,
        request=request,
        kind=resource.kind,
        status=resource.status,
        amount=str(resource.amount),
    )
    return resource


@dataclass
class YearSummary:
    year: int
    amounts: dict = field(default_factory=dict)  # kind → amount received or won
    grants_pending: Decimal = Decimal(0)

    @property
    def own(self) -> Decimal:
        return sum((self.amounts.get(kind, Decimal(0)) for kind in Resource.OWN_INCOME), Decimal(0))

    @property
    def grants(self) -> Decimal:
        return self.amounts.get(Resource.Kind.GRANT, Decimal(0))

    @property
    def in_kind(self) -> Decimal:
        return self.amounts.get(Resource.Kind.IN_KIND, Decimal(0))

    @property
    def own_share(self) -> float | None:
        """Own income over own income and grants won, in %; in-kind support is left out."""
        cash = self.own + self.grants
        return float(self.own / cash * 100) if cash else None


def yearly_summary(network) -> list[YearSummary]:
    counted = Resource.objects.filter(network=network).exclude(status__in=[Resource.Status.IDEA, Resource.Status.LOST])
    rows = (
        counted.annotate(year=ExtractYear("starts_on"))
        .values("year", "kind", "status")
        .annotate(total=Sum("amount"))
        .order_by("-year")
    )
    years: dict[int, YearSummary] = {}
    for row in rows:
        summary = years.setdefault(row["year"], YearSummary(row["year"]))
        if row["status"] == Resource.Status.SUBMITTED:
            summary.grants_pending += row["total"]
        else:
            summary.amounts[row["kind"]] = summary.amounts.get(row["kind"], Decimal(0)) + row["total"]
    return sorted(years.values(), key=lambda s: -s.year)


def value_figures(year: int) -> list[tuple[object, object, float | None]]:
    """(label, unit, figure) of the platform's figures for one year, those that are registered."""
    scope = metrics.Scope(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
    figures = []
    for code in VALUE_METRICS:
        try:
            metric = metrics.get(code)
        except KeyError:
            continue
        figures.append((metric.label, metric.unit, metric.compute(scope).figure(metric.factor)))
    return figures
