"""The staff lists and the pages that list a cycle's parts stay within a fixed number of queries,
however many cycles, groups, inputs or revisions there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iltod.core.testing import make_facility
from iltod.scorecards import services
from iltod.scorecards.models import FocusGroup, Stage

from .helpers import add_group, close, make_cycle, score

K = FocusGroup.Kind


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def late_cycles(personas, count):
    for index in range(count):
        cycle = make_cycle(personas, title=f"Late {index}")
        services.update_plan(
            actor=personas.monitor, cycle=cycle, planned_ends={Stage.PLANNING: datetime.date(2020, 1, 1)}
        )


def fill_cycle(personas, cycle, count):
    for index in range(count):
        group = add_group(personas, cycle, K.PARENTS, name=f"Parents {index}")
        score(personas, group, {1: 3, 2: 4}, reasons={1: f"Reason {index}"})
        services.record_input(actor=personas.monitor, cycle=cycle, data={"name": f"Input {index}", "entitled": 10})
        services.add_indicator(actor=personas.monitor, cycle=cycle, text_mn=f"Шалгуур {index}")


def test_the_behind_schedule_report_does_not_grow_with_the_cycles(client, personas, library):
    client.force_login(personas.monitor)
    url = reverse("scorecards:behind_schedule")
    late_cycles(personas, 2)
    few = queries(client, url)
    late_cycles(personas, 5)
    assert queries(client, url) == few
    assert few <= 10


def test_the_library_does_not_grow_with_the_indicators(client, personas, library, django_assert_max_num_queries):
    client.force_login(personas.monitor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("scorecards:library"))
    assert len(response.context["page"].object_list) > 10


def test_no_stage_of_the_cycle_page_grows_with_its_groups_inputs_and_indicators(client, personas, cycle):
    client.force_login(personas.monitor)
    url = reverse("scorecards:cycle", args=[cycle.code])
    fill_cycle(personas, cycle, 2)
    few = {stage: queries(client, url, {"stage": stage}) for stage in Stage.values}
    fill_cycle(personas, cycle, 5)
    assert {stage: queries(client, url, {"stage": stage}) for stage in Stage.values} == few
    assert max(few.values()) <= 25


def test_the_score_sheet_does_not_grow_with_its_history(client, personas, cycle):
    group = add_group(personas, cycle, K.WOMEN)
    client.force_login(personas.monitor)
    url = reverse("scorecards:sheet", args=[cycle.code, group.code])
    services.save_scores(actor=personas.monitor, group=group, entries={1: services.Entry(2, "a")})
    few = queries(client, url)
    for value in (3, 4, 5, 1):
        services.save_scores(
            actor=personas.monitor, group=group, entries={n: services.Entry(value, str(value)) for n in (1, 2, 3)}
        )
    assert queries(client, url) == few


@pytest.mark.parametrize("name", ["staff_report", "public_report"])
def test_the_report_does_not_grow_with_the_groups(client, personas, library, name):
    client.force_login(personas.monitor)
    counts = []
    for size in (2, 6):
        school = make_facility(personas.geo.soum, f"Сургууль {size}", f"School {size}")
        cycle = make_cycle(personas, title=f"{size} groups", service_unit=school)
        fill_cycle(personas, cycle, size)
        close(personas, cycle)
        counts.append(queries(client, reverse(f"scorecards:{name}", args=[cycle.code])))
    assert counts[0] == counts[1] <= 25
