import io

import pytest
from django.core.management import call_command
from django.test import Client

from iltod.feedback import services, stats
from iltod.feedback.models import Feedback, Stat

from .helpers import TUESDAY, at, category, submit

S = Feedback.Status


@pytest.fixture
def history(world, time_machine):
    """Five items received on Tuesday 8 September 2026 (due 8 October), handled like this:

    ====  =========  ===============================================  ========  =======
    item  facility   what happened                                    days      rating
    ====  =========  ===============================================  ========  =======
    A     school     resolved 10 Sep; reopened 12 Sep; resolved 20 Sep  2 (first)  5, solved
    B     school     resolved 18 Oct (late)                           40        2, not solved
    C     school     closed without action 13 Sep                     5         —
    D     school     still open                                       —         —
    E     clinic     resolved 9 Sep                                   1         4, unsure
    ====  =========  ===============================================  ========  =======
    """
    time_machine.move_to(TUESDAY, tick=False)
    a, b, c, d = (submit(world) for _ in range(4))
    e = submit(world, service_unit=world.clinic, category=category("health-waiting"))
    clinic_handler = e.handling_organization

    def resolve(item, day, month=9, status=S.RESOLVED):
        time_machine.move_to(at(2026, month, day), tick=False)
        services.change_status(item, status, actor=world.admin, text="Шийдвэрлэсэн.")

    resolve(e, 9)
    resolve(a, 10)
    time_machine.move_to(at(2026, 9, 12), tick=False)
    services.reopen(a, reason="Дахиад хүйтэн хоол өгсөн.")
    resolve(c, 13, status=S.NO_FURTHER_ACTION)
    resolve(a, 20)
    resolve(b, 18, month=10)
    services.rate(a, rating=5, problem_solved=True)
    services.rate(b, rating=2, problem_solved=False)
    services.rate(e, rating=4, problem_solved=None)
    return {"A": a, "B": b, "C": c, "D": d, "E": e, "clinic_handler": clinic_handler}


def numbers(summary):
    return {
        "received": summary.received,
        "resolved": summary.resolved,
        "on_time": summary.resolved_on_time,
        "on_time_percent": summary.on_time_percent,
        "resolved_percent": summary.resolved_percent,
        "median_days": summary.median_days,
        "satisfaction": summary.satisfaction,
        "solved_yes": summary.solved_yes,
    }


ARKHANGAI = {  # A, B, C, D
    "received": 4,
    "resolved": 3,
    "on_time": 2,
    "on_time_percent": 66.7,
    "resolved_percent": 75.0,
    "median_days": 5,
    "satisfaction": 3.5,
    "solved_yes": 1,
}


def test_the_national_numbers_equal_the_hand_computed_ones(history):
    assert numbers(stats.summary(Stat.Scope.NATIONAL)) == {
        "received": 5,
        "resolved": 4,
        "on_time": 3,
        "on_time_percent": 75.0,
        "resolved_percent": 80.0,
        "median_days": 2,  # 1, 2, 5, 40 days
        "satisfaction": 3.7,  # (5 + 2 + 4) / 3
        "solved_yes": 1,
    }
    histogram = stats.summary(Stat.Scope.NATIONAL).histogram
    assert {days: n for days, n in enumerate(histogram) if n} == {1: 1, 2: 1, 5: 1, 40: 1}


def test_the_numbers_per_aimag_soum_facility_and_organisation(world, history):
    assert numbers(stats.summary(Stat.Scope.ADMIN_UNIT, world.geo.aimag.pk)) == ARKHANGAI
    assert numbers(stats.summary(Stat.Scope.ADMIN_UNIT, world.geo.soum.pk)) == ARKHANGAI
    assert numbers(stats.summary(Stat.Scope.FACILITY, world.school.pk)) == ARKHANGAI
    assert numbers(stats.summary(Stat.Scope.ORGANIZATION, world.school_org.pk)) == ARKHANGAI
    assert numbers(stats.summary(Stat.Scope.FACILITY, world.clinic.pk)) == {
        "received": 1,
        "resolved": 1,
        "on_time": 1,
        "on_time_percent": 100.0,
        "resolved_percent": 100.0,
        "median_days": 1,
        "satisfaction": 4.0,
        "solved_yes": 0,
    }
    assert stats.summary(Stat.Scope.ADMIN_UNIT, world.geo.capital.pk).received == 0


def test_a_year_can_be_asked_for_alone(history):
    assert stats.summary(Stat.Scope.NATIONAL, 0, 2026).received == 5
    empty = stats.summary(Stat.Scope.NATIONAL, 0, 2025)
    assert numbers(empty) == {
        "received": 0,
        "resolved": 0,
        "on_time": 0,
        "on_time_percent": None,
        "resolved_percent": None,
        "median_days": None,
        "satisfaction": None,
        "solved_yes": 0,
    }


def _all_stats():
    """Every statistic row that counts something (a row of zeros says the same as no row)."""
    rows = Stat.objects.values_list(
        "scope",
        "scope_id",
        "year",
        "received",
        "resolved",
        "resolved_on_time",
        "rating_sum",
        "rating_count",
        "solved_yes",
        "resolve_days",
    )
    return sorted(row for row in rows if any(row[3:9]))


def test_rebuilding_reproduces_the_same_numbers(history, time_machine):
    before = _all_stats()
    assert len(before) == 9  # national; 2 aimags, 2 soums, 2 facilities, 2 handling organisations
    assert stats.rebuild() == 5
    assert _all_stats() == before


def test_the_rebuild_command_reports_what_it_did(history):
    Stat.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_feedback_stats", stdout=out)
    assert out.getvalue().strip() == "rebuilt statistics from 5 items"
    assert stats.summary(Stat.Scope.NATIONAL).received == 5


def test_the_facility_page_shows_the_feedback_panel(world, history):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(world.school.get_absolute_url()).content.decode()
    for shown in (
        "<strong>4</strong> received",
        "<strong>3</strong> resolved",
        "<strong>66.7%</strong> resolved on time",
        "<strong>5</strong> median days to resolve",
        "<strong>3.5/5</strong> satisfaction",
    ):
        assert shown in page
    assert f"?facility={world.school.code}" in page  # the button to give feedback about it


def test_the_aimag_page_shows_the_feedback_panel(world, history):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(world.geo.aimag.get_absolute_url()).content.decode()
    assert "Feedback in this area" in page
    for shown in (
        "<strong>4</strong> received",
        "<strong>3</strong> resolved",
        "<strong>66.7%</strong> resolved on time",
    ):
        assert shown in page
    khovd = Client(HTTP_ACCEPT_LANGUAGE="en").get(world.geo.other_aimag.get_absolute_url()).content.decode()
    assert "<strong>1</strong> received" in khovd


def test_a_referred_item_counts_for_the_organisation_that_handles_it(world, time_machine):
    time_machine.move_to(TUESDAY, tick=False)
    feedback = submit(world)
    services.refer(feedback, actor=world.provider, organization=world.education_dept, reason="Аймгийн асуудал.")
    services.change_status(feedback, S.RESOLVED, actor=world.officer, text="Шийдвэрлэсэн.")
    school, department = (
        numbers(stats.summary(Stat.Scope.ORGANIZATION, org.pk)) for org in (world.school_org, world.education_dept)
    )
    assert (school["received"], school["resolved"]) == (0, 0)
    assert (department["received"], department["resolved"], department["resolved_percent"]) == (1, 1, 100.0)
    before = _all_stats()
    stats.rebuild()
    assert _all_stats() == before
