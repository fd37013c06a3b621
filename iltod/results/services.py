"""State changes of the results framework: atomic and audited. Views, the API, the admin, the
periodic job and the demo call these."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.core import metrics
from iltod.lib.numbers import whole_number

from .models import Figure, Framework, Indicator, ManualActual, Period, Result, Revision, Target
from .permissions import can_manage_results, can_review


def _require_manager(actor) -> None:
    if actor is not None and not can_manage_results(actor):
        raise PermissionError("results: the actor may not manage the results framework")


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number


def check_value(indicator: Indicator, value: Decimal | None, field: str) -> None:
    """A figure must fit its indicator's measure: never negative, a percentage at most 100."""
    if value is None:
        return
    if value < 0:
        raise ValidationError({field: _("The value cannot be negative.")})
    if indicator.is_percentage and value > 100:
        raise ValidationError({field: _("A percentage cannot be more than 100.")})
    if abs(value) >= Decimal("1e12"):
        raise ValidationError({field: _("The value is too large.")})


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    return {
        key: (str(value) if not isinstance(value, (int, str, bool, list, dict, type(None))) else value)
        for key, value in data.items()
    }


def _new_version(framework: Framework, actor, summary: str, obj, snapshot: dict | None = None) -> None:
    framework.version += 1
    framework.updated_at = timezone.now()
    framework.save(update_fields=["version", "updated_at"])
    Revision.objects.create(
        framework=framework,
        version=framework.version,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        summary=summary[:255],
        snapshot=snapshot or {"model": obj._meta.model_name, "pk": obj.pk, **_snapshot(obj)},
    )


def _framework_of(obj) -> Framework:
    if isinstance(obj, Framework):
        return obj
    if isinstance(obj, Indicator):
        return obj.result.framework
    return obj.framework  # a result or a period


@transaction.atomic
def save_framework(*, actor, framework: Framework, request=None) -> Framework:
    """Add or change a framework's own fields (a new version)."""
    _require_manager(actor)
    framework.full_clean(validate_constraints=True)
    framework.save()
    _new_version(framework, actor, f"framework {framework.code}", framework)
    log_event(actor, AuditAction.RESULTS_FRAMEWORK_CHANGED, framework, request=request, version=framework.version)
    return framework


@transaction.atomic
def record_change(*, actor, obj, summary: str, request=None) -> None:
    """A new version for a change saved elsewhere (the back office's period rows)."""
    _require_manager(actor)
    framework = Framework.objects.select_for_update().get(pk=_framework_of(obj).pk)
    _new_version(framework, actor, summary, obj)
    log_event(actor, AuditAction.RESULTS_FRAMEWORK_CHANGED, framework, request=request, version=framework.version)


@transaction.atomic
def delete_from_framework(*, actor, obj, request=None) -> None:
    """Delete a result (with its parts), an indicator or a period: a new version recording what went."""
    _require_manager(actor)
    framework = Framework.objects.select_for_update().get(pk=_framework_of(obj).pk)
    snapshot = {"model": obj._meta.model_name, "pk": obj.pk, "deleted": True, **_snapshot(obj)}
    summary = f"deleted {obj._meta.model_name} {getattr(obj, 'code', '') or obj}"
    obj.delete()
    _new_version(framework, actor, summary, obj, snapshot=snapshot)
    log_event(actor, AuditAction.RESULTS_FRAMEWORK_CHANGED, framework, request=request, version=framework.version)


def check_result(result: Result, framework: Framework) -> None:
    """What a result must be beyond its own fields (the service and the back office's form both ask)."""
    if result.parent_id and result.parent.framework_id != framework.pk:
        raise ValidationError({"parent": _("Choose a result of the same framework.")})
    # The tree's shape: goal → outcomes → outputs (a result without a parent is allowed below the
    # goal while the tree is being built).
    level = result.level
    if level == Result.Level.GOAL and result.parent_id:
        raise ValidationError({"parent": _("A goal is the top of the tree: it is part of nothing.")})
    if level == Result.Level.OUTCOME and result.parent_id and result.parent.level != Result.Level.GOAL:
        raise ValidationError({"parent": _("An outcome is part of a goal.")})
    if level == Result.Level.OUTPUT and result.parent_id and result.parent.level != Result.Level.OUTCOME:
        raise ValidationError({"parent": _("An output is part of an outcome.")})
    if result.pk:
        fits = {Result.Level.GOAL: Result.Level.OUTCOME, Result.Level.OUTCOME: Result.Level.OUTPUT}.get(level)
        if Result.objects.filter(parent_id=result.pk).exclude(level=fits or "").exists():
            raise ValidationError({"level": _("This result has parts that would not fit under this level.")})


@transaction.atomic
def save_result(*, actor, framework: Framework, data: dict, result: Result | None = None, request=None) -> Result:
    """Add or change a goal, outcome or output (a new version of the framework)."""
    _require_manager(actor)
    result = result or Result(framework=framework)
    for field in ("parent", "level", "code", "title_mn", "title_en", "weight", "order"):
        if field in data:
            setattr(result, field, data[field])
    check_result(result, framework)
    result.full_clean(validate_constraints=True)
    result.save()
    _new_version(framework, actor, f"result {result.code}", result)
    log_event(actor, AuditAction.RESULTS_FRAMEWORK_CHANGED, result, request=request, version=framework.version)
    return result


def check_indicator(indicator: Indicator) -> None:
    """What an indicator must be beyond its own fields (the service and the back office's form both
    ask): a baseline that fits its measure, a registered metric, known breakdowns."""
    indicator.baseline = _decimal(indicator.baseline, "baseline")
    check_value(indicator, indicator.baseline, "baseline")
    if indicator.metric:
        known = {metric.code for metric in metrics.metrics()}
        if indicator.metric not in known:
            raise ValidationError({"metric": _("No metric with this code is registered.")})
        if indicator.is_qualitative:
            raise ValidationError({"metric": _("A qualitative indicator is described, not computed.")})
    unknown = set(indicator.disaggregations or []) - set(metrics.DIMENSIONS)
    if unknown:
        raise ValidationError({"disaggregations": _("Unknown breakdown.")})


@transaction.atomic
def save_indicator(*, actor, result: Result, data: dict, indicator: Indicator | None = None, request=None) -> Indicator:
    """Add or change an indicator (a new version of the framework)."""
    _require_manager(actor)
    indicator = indicator or Indicator(result=result)
    for field in (
        "code",
        "title_mn",
        "title_en",
        "measure",
        "ascending",
        "baseline",
        "baseline_year",
        "baseline_comment",
        "metric",
        "reference_vocabulary",
        "reference_code",
        "disaggregations",
        "weight",
        "order",
    ):
        if field in data:
            setattr(indicator, field, data[field])
    check_indicator(indicator)
    indicator.full_clean(validate_constraints=True)
    indicator.save()
    _new_version(result.framework, actor, f"indicator {indicator.code}", indicator)
    log_event(
        actor, AuditAction.RESULTS_FRAMEWORK_CHANGED, indicator, request=request, version=result.framework.version
    )
    return indicator


def find_period(framework: Framework, period_id) -> Period:
    """The framework's period with this id, or a translated error: targets are only for its periods."""
    number = whole_number(period_id)
    period = Period.objects.filter(framework=framework, pk=number).first() if number is not None else None
    if period is None:
        raise ValidationError({"period": _("This period does not exist in the framework.")})
    return period


@transaction.atomic
def set_target(*, actor, indicator: Indicator, period_id, target, comment: str = "", request=None) -> Target:
    _require_manager(actor)
    period = find_period(indicator.result.framework, period_id)
    value = _decimal(target, "target")
    if indicator.is_qualitative and value is not None:
        raise ValidationError({"target": _("A qualitative indicator has a described target, not a number.")})
    check_value(indicator, value, "target")
    row, _created = Target.objects.get_or_create(indicator=indicator, period=period)
    row.target, row.target_comment = value, comment[:500]
    row.save(update_fields=["target", "target_comment"])
    log_event(actor, AuditAction.RESULTS_TARGET_SET, indicator, request=request, period=str(period), value=str(value))
    return row


@transaction.atomic
def submit_manual_actual(
    *,
    actor,
    indicator: Indicator,
    period_id,
    value=None,
    narrative="",
    evidence_url="",
    evidence_file=None,
    evidence_note="",
    request=None,
) -> ManualActual:
    """The maker's entry of an actual the platform cannot compute: it needs evidence (a link or a
    file) and waits for another results manager's approval."""
    _require_manager(actor)
    period = find_period(indicator.result.framework, period_id)
    if indicator.is_computed:
        raise ValidationError(_("This indicator is computed by the platform; its actual cannot be entered by hand."))
    number = _decimal(value, "value")
    if indicator.is_qualitative:
        if not narrative.strip():
            raise ValidationError({"narrative": _("Describe what was achieved.")})
        number = None
    elif number is None:
        raise ValidationError({"value": _("Enter the actual.")})
    check_value(indicator, number, "value")
    if not (evidence_url or evidence_file):
        raise ValidationError({"evidence_url": _("A manual actual needs evidence: a link or a file.")})
    row, _created = Target.objects.get_or_create(indicator=indicator, period=period)
    entry = ManualActual.objects.create(
        target=row,
        value=number,
        narrative=narrative.strip(),
        evidence_url=evidence_url,
        evidence_file=evidence_file or "",
        evidence_note=evidence_note[:500],
        entered_by=actor,
    )
    log_event(actor, AuditAction.RESULTS_ACTUAL_SUBMITTED, indicator, request=request, period=str(period))
    return entry


@transaction.atomic
def review_manual_actual(*, actor, entry: ManualActual, approve: bool, note: str = "", request=None) -> ManualActual:
    """The checker approves (the entry becomes the period's actual) or returns it with a reason."""
    entry = ManualActual.objects.select_for_update().select_related("target").get(pk=entry.pk)
    if not can_review(actor, entry):
        raise ValidationError(_("Someone other than the person who entered it must approve this actual."))
    if not approve and not note.strip():
        raise ValidationError({"review_note": _("Say why it is returned.")})
    entry.status = ManualActual.Status.APPROVED if approve else ManualActual.Status.RETURNED
    entry.reviewed_by, entry.reviewed_at, entry.review_note = actor, timezone.now(), note.strip()[:500]
    entry.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    if approve:
        target = entry.target
        target.actual, target.narrative = entry.value, entry.narrative
        target.numerator, target.denominator = entry.value, None
        target.source, target.computed_at = Target.Source.MANUAL, entry.reviewed_at
        target.save(update_fields=["actual", "narrative", "numerator", "denominator", "source", "computed_at"])
    log_event(actor, AuditAction.RESULTS_ACTUAL_REVIEWED, entry.target.indicator, request=request, approved=approve)
    return entry


# Recomputing ------------------------------------------------------------------------------------


def scope_of(period: Period, **filters) -> metrics.Scope:
    return metrics.Scope(period.start, period.end + datetime.timedelta(days=1), **filters)


def _figure_rows(period: Period, metric: metrics.Metric) -> list[Figure]:
    scope = scope_of(period)
    rows: list[Figure] = []

    def add(kind, key, dimension, category, value: metrics.Value):
        rows.append(
            Figure(
                period=period,
                metric=metric.code,
                scope_kind=kind,
                scope_key=key or "",
                dimension=dimension,
                category=category or "",
                numerator=Decimal(str(round(float(value.numerator), 2))),
                denominator=value.denominator,
            )
        )

    add(Figure.ScopeKind.NATIONAL, "", "", "", metric.compute(scope))
    if metric.breakdown is None:
        return rows
    # an aimag's own breakdowns (sex, group…) for the inclusion view and the aimag pages
    local = [dimension for dimension in metric.dimensions if dimension not in {"aimag", "sector"}]
    if local:
        for unit_id, code in _top_level_units():
            area = scope_of(period, admin_unit_id=unit_id)
            for dimension in local:
                for category, value in metric.breakdown(area, dimension).items():
                    add(Figure.ScopeKind.AIMAG, code, dimension, str(category)[:40], value)
    for dimension in metric.dimensions:
        for category, value in metric.breakdown(scope, dimension).items():
            add(Figure.ScopeKind.NATIONAL, "", dimension, str(category)[:40], value)
            if dimension == "aimag":  # an aimag page's total is the national figure's aimag breakdown
                add(Figure.ScopeKind.AIMAG, str(category), "", "", value)
            elif dimension == "sector":
                add(Figure.ScopeKind.SECTOR, str(category), "", "", value)
    return rows


def _top_level_units() -> list[tuple[int, str]]:
    from iltod.places.models import AdminUnit

    return list(AdminUnit.objects.top_level().values_list("pk", "code"))


INCLUSION_METRICS = ("feedback.received", "scorecards.participants", "engagement.members", "learning.people_trained")


def _actual(indicator: Indicator, value: metrics.Value) -> Decimal | None:
    metric = metrics.get(indicator.metric)
    figure = value.figure(metric.factor)
    if figure is None:
        return None
    return Decimal(str(round(figure, 2)))


@transaction.atomic
def recompute(period: Period, *, actor=None, now=None) -> int:
    """Compute every computed actual of a period, and the figures of every metric the framework's
    indicators name (the country, each aimag, each sector, each breakdown). Safe to run twice:
    the period's rows are replaced. Returns the number of figures written."""
    now = now or timezone.now()
    indicators = list(
        Indicator.objects.filter(result__framework_id=period.framework_id).exclude(metric="").order_by("pk")
    )
    known = {metric.code for metric in metrics.metrics()}
    codes = sorted(({indicator.metric for indicator in indicators} | set(INCLUSION_METRICS)) & known)
    Figure.objects.filter(period=period).delete()
    figures: list[Figure] = []
    national: dict[str, metrics.Value] = {}
    with metrics.batch():  # a module may count all its metrics of the period in one pass
        for code in codes:
            rows = _figure_rows(period, metrics.get(code))
            national[code] = metrics.Value(rows[0].numerator, rows[0].denominator)
            figures.extend(rows)
    Figure.objects.bulk_create(figures, batch_size=1000)
    for indicator in indicators:
        if indicator.metric not in national:
            continue
        value = national[indicator.metric]
        row, _created = Target.objects.get_or_create(indicator=indicator, period=period)
        row.actual, row.numerator, row.denominator = _actual(indicator, value), value.numerator, value.denominator
        row.source, row.computed_at = Target.Source.COMPUTED, now
        row.save(update_fields=["actual", "numerator", "denominator", "source", "computed_at"])
    log_event(actor, AuditAction.RESULTS_RECOMPUTED, None, period=str(period), figures=len(figures))
    return len(figures)


def current_periods(now=None) -> list[Period]:
    """The periods a periodic run recomputes: those that contain today or ended in the last 60 days."""
    today = timezone.localdate(now)
    return list(
        Period.objects.filter(start__lte=today, end__gte=today - datetime.timedelta(days=60)).select_related(
            "framework"
        )
    )
