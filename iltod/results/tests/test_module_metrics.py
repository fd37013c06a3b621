"""The metrics feedback, engagement and score cards register, counted from real rows."""

import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from iltod.core import metrics
from iltod.core.metrics import Scope, Value
from iltod.engagement.models import Action, ActionPlan, Group, GroupMember, Meeting
from iltod.feedback.models import Category, Feedback
from iltod.scorecards.models import CycleIndicator, FocusGroup, Score, ScorecardCycle, Stage

UB = ZoneInfo("Asia/Ulaanbaatar")
YEAR = Scope(datetime.date(2025, 1, 1), datetime.date(2026, 1, 1))


def at(month, day, hour=10):
    return datetime.datetime(2025, month, day, hour, tzinfo=UB)


def feedback(personas, received, *, facility=None, org=None, area=None, **fields):
    facility = facility or personas.school
    return Feedback.objects.create(
        category=Category.objects.get(code="edu-meals"),
        service_unit=facility,
        admin_unit=area or facility.admin_unit,
        handling_organization=org or personas.school_org,
        description="Үдийн цай хүйтэн байна.",
        received_at=received,
        **fields,
    )


@pytest.fixture
def items(personas):
    """Four items at the school in 2025 and one at the Khovd clinic; one in 2024."""
    acknowledged_late = feedback(
        personas, at(3, 2), acknowledge_due=at(3, 5), acknowledged_at=at(3, 9), resolve_due=at(4, 1)
    )
    on_time = feedback(
        personas,
        at(3, 2),
        acknowledge_due=at(3, 5),
        acknowledged_at=at(3, 3),
        resolve_due=at(4, 1),
        resolved_at=at(3, 12),
        status=Feedback.Status.RESOLVED,
        rating=5,
        rated_at=at(3, 13),
    )
    late = feedback(
        personas,
        at(5, 1),
        acknowledge_due=at(5, 4),
        acknowledged_at=at(5, 2),
        resolve_due=at(6, 1),
        resolved_at=at(6, 11),
        status=Feedback.Status.RESOLVED,
        rating=2,
        rated_at=at(6, 12),
    )
    feedback(personas, at(6, 1), acknowledge_due=at(6, 4), status=Feedback.Status.DUPLICATE)
    clinic = feedback(
        personas,
        at(7, 1),
        facility=personas.clinic,
        org=personas.other_dept,
        acknowledge_due=at(7, 4),
        acknowledged_at=at(7, 1),
        resolve_due=at(8, 1),
        resolved_at=at(7, 5),
        status=Feedback.Status.RESOLVED,
        rating=4,
        rated_at=at(7, 6),
    )
    feedback(personas, datetime.datetime(2024, 12, 1, tzinfo=UB))
    return acknowledged_late, on_time, late, clinic


def value(code, scope=YEAR):
    return metrics.get(code).compute(scope)


def test_every_existing_module_registers_its_metrics():
    codes = {metric.code for metric in metrics.metrics()}
    assert {
        "feedback.received",
        "feedback.acknowledged_on_time",
        "feedback.resolved_on_time",
        "feedback.median_days",
        "feedback.satisfaction",
        "engagement.groups_active",
        "engagement.groups_with_plan",
        "engagement.actions_on_time",
        "engagement.members",
        "scorecards.cycles_completed",
        "scorecards.indicator_change",
        "scorecards.participants",
    } <= codes
    assert metrics.get("feedback.median_days").additive is False
    assert metrics.get("feedback.median_days").higher_is_better is False


def test_feedback_counts_in_the_period_leave_out_duplicates(items, personas):
    assert value("feedback.received") == Value(4)
    # acknowledged by the deadline: 3 of 4 (the late one on 9 March does not count)
    assert value("feedback.acknowledged_on_time") == Value(3, 4)
    # resolve deadlines in 2025: 1 April (x2: one never resolved, one on time), 1 June (late), 1 August
    assert value("feedback.resolved_on_time") == Value(2, 4)
    assert value("feedback.resolved_on_time").figure(100) == 50.0
    # rated 5, 2 and 4: two of three satisfied
    assert value("feedback.satisfaction") == Value(2, 3)


def test_feedback_scope_filters_by_area_with_its_descendants_body_and_facility(items, personas):
    in_arkhangai = Scope(YEAR.start, YEAR.end, admin_unit_id=personas.geo.aimag.pk)
    assert value("feedback.received", in_arkhangai) == Value(3)
    khovd_dept = Scope(YEAR.start, YEAR.end, organization_id=personas.other_dept.pk)
    assert value("feedback.resolved_on_time", khovd_dept) == Value(1, 1)
    school = Scope(YEAR.start, YEAR.end, facility_id=personas.school.pk)
    assert value("feedback.satisfaction", school) == Value(1, 2)
    first_quarter = Scope(datetime.date(2025, 1, 1), datetime.date(2025, 4, 1))
    assert value("feedback.received", first_quarter) == Value(2)


def test_feedback_breakdown_by_aimag_adds_counts_and_recomputes_the_share(items, personas):
    by_aimag = metrics.get("feedback.resolved_on_time").breakdown(YEAR, "aimag")
    assert by_aimag == {"65": Value(1, 3), "84": Value(1, 1)}
    total = by_aimag["65"] + by_aimag["84"]
    assert total == value("feedback.resolved_on_time")
    assert total.figure(100) == 50.0  # not the mean of 33.3 and 100
    assert metrics.get("feedback.received").breakdown(YEAR, "sector") == {"education": Value(4)}


def test_median_days_to_resolve_is_the_middle_item(items):
    # resolved in 2025 after 10, 41 and 4 days: the median is 10
    assert value("feedback.median_days") == Value(10.0)
    nothing = Scope(datetime.date(2020, 1, 1), datetime.date(2021, 1, 1))
    assert value("feedback.median_days", nothing).figure() is None
    assert metrics.get("feedback.median_days").breakdown(YEAR, "aimag")["84"] == Value(4.0)


@pytest.fixture
def engagement_rows(personas):
    group = Group.objects.create(
        name="Архангайн ОТАБ", admin_unit=personas.geo.aimag, convening_organization=personas.cso
    )
    idle = Group.objects.create(name="Ховдын ОТАБ", admin_unit=personas.geo.other_aimag)
    Meeting.objects.create(group=group, title="Хурал", status=Meeting.Status.HELD, held_on=datetime.date(2025, 3, 1))
    Meeting.objects.create(group=idle, title="Хурал", status=Meeting.Status.PLANNED, held_on=datetime.date(2025, 3, 1))
    plan = ActionPlan.objects.create(
        group=group,
        title="Төлөвлөгөө",
        status=ActionPlan.Status.AGREED,
        service_unit=personas.school,
        created_at=at(3, 2),
    )
    Action.objects.create(
        plan=plan,
        title="Засах",
        due_on=datetime.date(2025, 5, 1),
        status=Action.Status.DONE,
        completed_on=datetime.date(2025, 4, 20),
        lead_organization=personas.school_org,
    )
    Action.objects.create(
        plan=plan,
        title="Сургах",
        due_on=datetime.date(2025, 6, 1),
        status=Action.Status.DONE,
        completed_on=datetime.date(2025, 6, 20),
        lead_organization=personas.school_org,
    )
    Action.objects.create(plan=plan, title="Цуцалсан", due_on=datetime.date(2025, 6, 1), status=Action.Status.CANCELLED)
    for sex, age in [("female", "18_34"), ("female", "35_59"), ("male", "35_59")]:
        GroupMember.objects.create(group=group, person_name="Гишүүн", stakeholder_type="citizen", sex=sex, age_band=age)
    GroupMember.objects.create(
        group=group, person_name="Гарсан", stakeholder_type="citizen", sex="male", left_on=datetime.date(2024, 6, 1)
    )
    return group


def test_engagement_groups_plans_actions_and_members(engagement_rows, personas):
    assert value("engagement.groups_active") == Value(1)
    assert value("engagement.groups_with_plan") == Value(1, 1)
    assert value("engagement.actions_on_time") == Value(1, 2)
    school_org = Scope(YEAR.start, YEAR.end, organization_id=personas.school_org.pk)
    assert value("engagement.actions_on_time", school_org) == Value(1, 2)
    assert value("engagement.actions_on_time", Scope(YEAR.start, YEAR.end, organization_id=personas.cso.pk)) == Value(
        0, 0
    )
    assert value("engagement.members") == Value(3)
    by_sex = metrics.get("engagement.members").breakdown(YEAR, "sex")
    assert by_sex == {"female": Value(2), "male": Value(1)}
    assert metrics.get("engagement.members").breakdown(YEAR, "aimag") == {"65": Value(3)}
    in_khovd = Scope(YEAR.start, YEAR.end, admin_unit_id=personas.geo.other_aimag.pk)
    assert value("engagement.groups_active", in_khovd) == Value(0)


def _cycle(personas, closed, scores, previous=None):
    cycle = ScorecardCycle.objects.create(
        title="Сургуулийн карт",
        service_unit=personas.school,
        owner_organization=personas.cso,
        stage=Stage.CLOSED,
        closed_at=closed,
        created_at=closed - timedelta(days=30),
    )
    group = FocusGroup.objects.create(
        cycle=cycle,
        kind=FocusGroup.Kind.WOMEN,
        participants_female=9,
        participants_male=0,
        status=FocusGroup.SheetStatus.APPROVED,
    )
    for number, score in enumerate(scores, start=1):
        indicator = CycleIndicator.objects.create(cycle=cycle, number=number, text_mn=f"Үзүүлэлт {number}")
        Score.objects.create(group=group, indicator=indicator, value=score)
    return cycle


def test_score_card_cycles_change_and_participants(personas):
    _cycle(personas, datetime.datetime(2024, 5, 1, tzinfo=UB), [2, 3])
    _cycle(personas, at(5, 1), [4, 3])
    assert value("scorecards.cycles_completed") == Value(1)
    # indicator 1: 25 % → 75 % (+50 points); indicator 2 unchanged: mean +25 points
    change = value("scorecards.indicator_change")
    assert change == Value(50.0, 2)
    assert change.figure() == 25.0
    assert value("scorecards.participants") == Value(9)
    assert metrics.get("scorecards.participants").breakdown(YEAR, "sex") == {"female": Value(9), "male": Value(0)}


def test_dates_are_counted_in_ulaanbaatar_time(personas):
    # 31 December 2024 at 23:30 in Ulaanbaatar is 15:30 UTC: it belongs to 2024, not 2025
    feedback(personas, datetime.datetime(2024, 12, 31, 23, 30, tzinfo=UB))
    feedback(personas, datetime.datetime(2025, 1, 1, 0, 30, tzinfo=UB).astimezone(datetime.UTC))
    assert value("feedback.received") == Value(1)


def test_counts_per_body_in_one_query_match_the_counts_body_by_body(items, personas, engagement_rows):
    for code in ("feedback.acknowledged_on_time", "feedback.resolved_on_time", "feedback.satisfaction"):
        metric = metrics.get(code)
        facilities = metric.by_body(YEAR, "facility")
        for facility in (personas.school, personas.clinic):
            assert facilities[facility.pk] == metric.compute(Scope(YEAR.start, YEAR.end, facility_id=facility.pk))
        bodies = metric.by_body(YEAR, "organization")
        assert bodies[personas.other_dept.pk] == metric.compute(
            Scope(YEAR.start, YEAR.end, organization_id=personas.other_dept.pk)
        )
    actions = metrics.get("engagement.actions_on_time")
    assert actions.by_body(YEAR, "organization") == {personas.school_org.pk: Value(1, 2)}
    assert actions.by_body(YEAR, "facility") == {personas.school.pk: Value(1, 2)}
