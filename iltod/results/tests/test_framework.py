"""The results framework: the example tree, targets, manual actuals with maker-checker, the
computed actuals and the roll-up."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.feedback.models import Category, Feedback
from iltod.results import services
from iltod.results.example import seed_example_framework
from iltod.results.models import Figure, Framework, Indicator, ManualActual, Period, Result, Revision, Target
from iltod.results.progress import indicator_progress, light, roll_up

UB = ZoneInfo("Asia/Ulaanbaatar")


@pytest.fixture
def framework(db):
    seed_example_framework()
    return Framework.objects.get(code="masam")


def period(framework, year):
    return Period.objects.get(framework=framework, start__year=year)


def indicator(code):
    return Indicator.objects.get(code=code)


def test_the_example_framework_has_the_goal_two_outcomes_and_seven_expected_results(framework):
    assert Result.objects.get(level=Result.Level.GOAL).title_en.startswith("Citizens in poor localities")
    outcomes = Result.objects.filter(level=Result.Level.OUTCOME)
    assert outcomes.count() == 2
    assert Result.objects.filter(level=Result.Level.OUTPUT, parent__in=outcomes).count() == 7
    assert framework.periods.count() == 3
    satisfaction = indicator("0.1")
    assert satisfaction.metric == "feedback.satisfaction"
    assert (satisfaction.reference_vocabulary, satisfaction.reference_code) == ("9", "16.6.2")
    assert indicator("2.1.2").ascending is False
    assert indicator("1.3.1").is_qualitative
    assert seed_example_framework() == 0  # idempotent


def test_titles_follow_the_language(framework):
    goal = Result.objects.get(level=Result.Level.GOAL)
    with translation.override("en"):
        assert goal.title.startswith("Citizens")
    with translation.override("mn"):
        assert goal.title.startswith("Ядуу")


def test_a_target_for_a_period_that_does_not_exist_is_refused(framework, personas):
    other = Framework.objects.create(code="other", title_mn="Өөр")
    foreign = Period.objects.create(framework=other, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))
    for period_id in (foreign.pk, 999999, "abc"):
        with translation.override("mn"), pytest.raises(ValidationError) as error:
            services.set_target(actor=personas.analyst, indicator=indicator("0.1"), period_id=period_id, target=70)
        assert "Энэ хугацаа үр дүнгийн хүрээнд байхгүй" in str(error.value)


def test_a_percentage_over_100_is_refused(framework, personas):
    with translation.override("mn"), pytest.raises(ValidationError) as error:
        services.set_target(
            actor=personas.analyst, indicator=indicator("0.1"), period_id=period(framework, 2025).pk, target="101"
        )
    assert "100-аас их" in str(error.value)
    assert Target.objects.get(indicator=indicator("0.1"), period=period(framework, 2025)).target == 55


def test_a_target_is_set_and_audited(framework, personas):
    row = services.set_target(
        actor=personas.analyst, indicator=indicator("0.1"), period_id=period(framework, 2025).pk, target="62,5"
    )
    assert row.target == Decimal("62.5")
    assert AuditEvent.objects.filter(action=AuditAction.RESULTS_TARGET_SET).count() == 1


def test_only_results_managers_change_the_framework(framework, personas):
    with pytest.raises(PermissionError):
        services.set_target(
            actor=personas.officer, indicator=indicator("0.1"), period_id=period(framework, 2025).pk, target=1
        )


def test_a_manual_actual_needs_evidence_and_another_person_to_approve_it(framework, personas):
    lessons = indicator("2.4.1")
    year = period(framework, 2025)
    with translation.override("mn"), pytest.raises(ValidationError) as error:
        services.submit_manual_actual(actor=personas.analyst, indicator=lessons, period_id=year.pk, value=4)
    assert "нотолгоо" in str(error.value)
    assert not ManualActual.objects.exists()

    entry = services.submit_manual_actual(
        actor=personas.analyst, indicator=lessons, period_id=year.pk, value=4, evidence_url="https://example.mn/report"
    )
    with pytest.raises(ValidationError):
        services.review_manual_actual(actor=personas.analyst, entry=entry, approve=True)  # not their own
    assert Target.objects.get(indicator=lessons, period=year).actual is None

    services.review_manual_actual(actor=personas.admin, entry=entry, approve=True)
    row = Target.objects.get(indicator=lessons, period=year)
    assert (row.actual, row.source) == (Decimal(4), Target.Source.MANUAL)
    # a second entry, returned: the history keeps both, the actual stays the approved one
    second = services.submit_manual_actual(
        actor=personas.analyst, indicator=lessons, period_id=year.pk, value=9, evidence_url="https://example.mn/2"
    )
    with pytest.raises(ValidationError):
        services.review_manual_actual(actor=personas.admin, entry=second, approve=False)  # needs a reason
    services.review_manual_actual(actor=personas.admin, entry=second, approve=False, note="Тайлан дутуу")
    assert Target.objects.get(indicator=lessons, period=year).actual == 4
    assert list(row.manual_actuals.values_list("status", flat=True)) == ["returned", "approved"]


def test_a_qualitative_actual_is_a_narrative_and_a_computed_one_cannot_be_typed(framework, personas):
    year = period(framework, 2025)
    with pytest.raises(ValidationError):
        services.submit_manual_actual(
            actor=personas.analyst, indicator=indicator("1.3.1"), period_id=year.pk, evidence_url="https://e.mn"
        )
    entry = services.submit_manual_actual(
        actor=personas.analyst,
        indicator=indicator("1.3.1"),
        period_id=year.pk,
        narrative="Аймгийн Засаг дарга эмзэг бүлгийг оролцуулсан байгууллагыг шагнах журам баталсан.",
        evidence_url="https://e.mn/decree",
    )
    assert entry.value is None
    with pytest.raises(ValidationError):
        services.submit_manual_actual(
            actor=personas.analyst, indicator=indicator("0.1"), period_id=year.pk, value=50, evidence_url="https://e.mn"
        )


def test_editing_an_indicator_makes_a_new_version(framework, personas):
    version = framework.version
    services.save_indicator(
        actor=personas.analyst, result=indicator("0.1").result, indicator=indicator("0.1"), data={"baseline": "47"}
    )
    framework.refresh_from_db()
    assert framework.version == version + 1
    revision = Revision.objects.get(framework=framework, version=framework.version)
    assert revision.changed_by == personas.analyst
    assert revision.snapshot["baseline"] == "47.00" or revision.snapshot["baseline"] == "47"
    with pytest.raises(ValidationError):
        services.save_indicator(
            actor=personas.analyst,
            result=indicator("0.1").result,
            indicator=indicator("0.1"),
            data={"metric": "no.such"},
        )
    with pytest.raises(ValidationError):
        services.save_indicator(
            actor=personas.analyst, result=indicator("0.1").result, indicator=indicator("0.1"), data={"baseline": "120"}
        )


def _feedback(personas, facility, received, **fields):
    return Feedback.objects.create(
        category=Category.objects.get(code="edu-meals"),
        service_unit=facility,
        admin_unit=facility.admin_unit,
        handling_organization=personas.school_org,
        description="Хоол хүйтэн",
        received_at=received,
        **fields,
    )


def test_recompute_writes_actuals_and_figures_from_counts(framework, personas):
    day = datetime.datetime(2025, 3, 3, 10, tzinfo=UB)
    later = datetime.datetime(2025, 3, 20, 10, tzinfo=UB)
    for facility, on_time in [(personas.school, True), (personas.school, False), (personas.clinic, True)]:
        _feedback(
            personas,
            facility,
            day,
            resolve_due=day + datetime.timedelta(days=10),
            resolved_at=(day + datetime.timedelta(days=2)) if on_time else later,
            status=Feedback.Status.RESOLVED,
        )
    year = period(framework, 2025)
    services.recompute(year)
    row = Target.objects.get(indicator=indicator("0.2"), period=year)
    assert (row.numerator, row.denominator, row.actual) == (2, 3, Decimal("66.67"))
    assert row.source == Target.Source.COMPUTED
    aimags = {
        f.scope_key: (f.numerator, f.denominator)
        for f in Figure.objects.filter(period=year, metric="feedback.resolved_on_time", scope_kind="aimag")
    }
    assert aimags == {"65": (1, 2), "84": (1, 1)}
    # twice: the same rows, not twice as many
    count = Figure.objects.filter(period=year).count()
    services.recompute(year)
    assert Figure.objects.filter(period=year).count() == count


def test_the_recompute_command_runs_a_year(framework, capsys):
    call_command("recompute_results", "--year", "2025")
    assert "masam 2025" in capsys.readouterr().out


def test_progress_is_direction_aware_and_clipped():
    assert indicator_progress(actual=60, target=70, baseline=50, ascending=True) == Decimal("0.5")
    assert indicator_progress(actual=90, target=70, baseline=50, ascending=True) == 1
    assert indicator_progress(actual=40, target=70, baseline=50, ascending=True) == 0
    # lower is better: 25 days → 15 days target, 20 days now: halfway
    assert indicator_progress(actual=20, target=15, baseline=25, ascending=False) == Decimal("0.5")
    assert light(actual=20, target=15, progress=Decimal("0.5"), ascending=False) == "red"
    assert light(actual=14, target=15, progress=Decimal(1), ascending=False) == "green"
    assert light(actual=None, target=15, progress=None, ascending=False) == "grey"


def test_roll_up_uses_the_explicit_weights_and_leaves_out_what_is_not_measured(framework):
    year = period(framework, 2025)
    Target.objects.filter(indicator=indicator("2.2.1"), period=year).update(actual=8)  # target 8: 100 %
    Target.objects.filter(indicator=indicator("2.2.2"), period=year).update(actual=40)  # 20 → 60: 50 %
    Result.objects.filter(code="2.2").update(weight=1)
    Indicator.objects.filter(code="2.2.1").update(weight=3)
    results = list(Result.objects.filter(framework=framework))
    indicators = list(Indicator.objects.filter(result__framework=framework))
    targets = {t.indicator_id: t for t in Target.objects.filter(period=year)}
    [goal] = roll_up(results, indicators, targets)
    outcome = next(node for node in goal.children if node.kind == "result" and node.obj.code == "2")
    output = next(node for node in outcome.children if node.kind == "result" and node.obj.code == "2.2")
    assert output.progress == Decimal("0.875")  # (3 × 1 + 1 × 0.5) / 4; 2.2.c has no actual
    assert outcome.progress == Decimal("0.875")  # the only measured item below outcome 2
    assert goal.progress == Decimal("0.875")
