"""Procurement's metrics for the results framework and the ranking (see ``iltod/core/metrics.py``).

- ``processes_monitored``: contracting processes that received citizens' structured feedback or a
  CSO's monitoring case in the period;
- ``cases_fixed``: monitoring cases closed in the period (denominator) and those closed with the
  violation fixed (numerator). The organisation of the scope is the buyer's, for the ranking.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from iltod.core.metrics import Metric, Scope, Value, add_up, aimag_codes, area_ids, moments

from .models import ContractingProcess, MonitoringCase, ProcessFeedback


def _processes(queryset, scope: Scope, prefix: str = ""):
    if scope.admin_unit_id:
        queryset = queryset.filter(**{f"{prefix}admin_unit_id__in": area_ids(scope.admin_unit_id)})
    if scope.sector_id:
        queryset = queryset.filter(**{f"{prefix}sector_id": scope.sector_id})
    if scope.organization_id:
        queryset = queryset.filter(**{f"{prefix}buyer__organization_id": scope.organization_id})
    if scope.facility_id:
        queryset = queryset.filter(**{f"{prefix}buyer__facility_id": scope.facility_id})
    return queryset


def _monitored(scope: Scope):
    start, end = moments(scope)
    feedback = ProcessFeedback.objects.filter(process=OuterRef("pk"), created_at__gte=start, created_at__lt=end)
    # a case counts once the public sees it (a published step)
    cases = MonitoringCase.objects.public().filter(process=OuterRef("pk"), opened_at__gte=start, opened_at__lt=end)
    return _processes(ContractingProcess.objects.filter(Exists(feedback) | Exists(cases)), scope)


def processes_monitored(scope: Scope) -> Value:
    return Value(_monitored(scope).count())


def _rows(queryset, dimension: str, prefix: str = ""):
    if dimension == "aimag":
        codes = aimag_codes()
        return ((codes.get(unit_id), pk) for pk, unit_id in queryset.values_list("pk", f"{prefix}admin_unit_id"))
    if dimension == "sector":
        return ((code, pk) for pk, code in queryset.values_list("pk", f"{prefix}sector__code"))
    return ()


def processes_monitored_by(scope: Scope, dimension: str) -> dict[str, Value]:
    return add_up((key, 1, None) for key, _pk in _rows(_monitored(scope), dimension))


def _closed(scope: Scope):
    start, end = moments(scope)
    cases = MonitoringCase.objects.filter(state=MonitoringCase.State.CLOSED, closed_at__gte=start, closed_at__lt=end)
    return _processes(cases, scope, "process__")


def cases_fixed(scope: Scope) -> Value:
    closed = _closed(scope)
    return Value(closed.filter(outcome=MonitoringCase.Outcome.SUCCESS).count(), closed.count())


def cases_fixed_by(scope: Scope, dimension: str) -> dict[str, Value]:
    closed = _closed(scope)
    fixed = set(closed.filter(outcome=MonitoringCase.Outcome.SUCCESS).values_list("pk", flat=True))
    return add_up((key, int(pk in fixed), 1) for key, pk in _rows(closed, dimension, "process__"))


METRICS = [
    Metric(
        code="procurement.processes_monitored",
        label=_("Contracting processes monitored"),
        compute=processes_monitored,
        breakdown=processes_monitored_by,
        dimensions=("aimag", "sector"),
        unit=_("processes"),
        description=_(
            "Contracting processes that received citizens' feedback or a CSO's monitoring case in the period."
        ),
    ),
    Metric(
        code="procurement.cases_fixed",
        label=_("Monitoring cases fixed"),
        compute=cases_fixed,
        breakdown=cases_fixed_by,
        dimensions=("aimag", "sector"),
        factor=100,
        unit="%",
        description=_("Of the monitoring cases closed in the period, the share closed with the violation fixed."),
    ),
]
