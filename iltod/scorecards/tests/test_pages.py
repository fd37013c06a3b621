"""Every page renders, lists stay within a fixed number of queries, and the staff's forms work."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from iltod.core.testing import make_facility
from iltod.places.models import ServiceUnit
from iltod.scorecards import services
from iltod.scorecards.models import FocusGroup, ScorecardCycle, Stage, StagePlan

from .helpers import action_url, add_group, advance_to, close, make_cycle, score

K = FocusGroup.Kind


@pytest.fixture
def closed(personas, cycle):
    score(personas, add_group(personas, cycle, K.WOMEN), {1: 2, 2: 4}, reasons={1: "Багш хашгирдаг"})
    score(personas, add_group(personas, cycle, K.PROVIDER), {1: 5, 2: 4}, actor=personas.provider)
    services.record_input(
        actor=personas.monitor, cycle=cycle, data={"name": "Сурах бичиг", "unit": "ш", "entitled": 300, "actual": 210}
    )
    return close(personas, cycle)


def test_a_cycle_under_a_project_starts_with_its_indicators(personas, cycle):
    texts = list(cycle.indicators.values_list("number", "text_mn"))
    assert texts[0] == (1, "Багш нар сурагчдыг хүндэтгэлтэй харьцдаг")
    assert [n for n, _t in texts] == list(range(1, len(texts) + 1))
    assert cycle.plans.count() == len(Stage.values)


def test_the_community_adds_its_own_indicator(client, personas, cycle):
    client.force_login(personas.monitor)
    count = cycle.indicators.count()
    client.post(
        action_url(cycle, "indicator"),
        {"text_mn": "Сургуулийн автобус цагтаа ирдэг", "text_en": "The school bus is on time"},
    )
    added = cycle.indicators.get(number=count + 1)
    assert added.is_community_generated and added.indicator is None
    with pytest.raises(services.ScorecardError):
        services.add_indicator(
            actor=personas.monitor, cycle=cycle, text_mn="x", indicator=cycle.indicators.first().indicator
        )


def test_the_public_report_shows_the_charts_and_the_reasons(client, closed):
    response = client.get(reverse("scorecards:public_report", args=[closed.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') == 1 and "s-community" in html and "s-provider" in html
    assert "Багш хашгирдаг" in html and "Сурах бичиг" in html and "<script" not in html


def test_the_report_prints_on_a4_and_downloads_as_xlsx(client, closed):
    url = reverse("scorecards:public_report", args=[closed.code])
    printable = client.get(url, {"print": "1"}).content.decode()
    assert "<svg" in printable and 'class="site-header"' not in printable
    download = client.get(url, {"export": "xlsx"})
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[1][:5] == (1, "Багш нар сурагчдыг хүндэтгэлтэй харьцдаг", 2, 5, -3)


def test_public_list_and_overview_use_a_fixed_number_of_queries(
    client, personas, library, django_assert_max_num_queries
):
    for index in range(4):
        facility = make_facility(personas.geo.soum, f"Сургууль {index}", f"School {index}")
        other = make_cycle(personas, title=f"Cycle {index}", service_unit=facility)
        score(personas, add_group(personas, other, K.PARENTS), {1: 3})
        close(personas, other)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("scorecards:public_list"), {"aimag": "65"})
    assert len(response.context["page"].object_list) == 4
    for by in ("aimag", "sector", "indicator"):
        with django_assert_max_num_queries(8):
            response = client.get(reverse("scorecards:overview"), {"by": by})
        assert response.status_code == 200 and "<svg" in response.content.decode()
    assert client.get(reverse("scorecards:overview"), {"export": "csv"}).status_code == 200
    assert client.get(reverse("scorecards:public_list"), {"aimag": "nowhere"}).status_code == 200


def test_staff_pages_render(client, personas, cycle, django_assert_max_num_queries):
    group = add_group(personas, cycle)
    client.force_login(personas.monitor)
    for index in range(3):
        make_cycle(personas, title=f"Other {index}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("scorecards:staff_list"))
    assert response.status_code == 200 and len(response.context["page"].object_list) == 4
    for name, args in (
        ("staff_list", []),
        ("behind_schedule", []),
        ("library", []),
        ("cycle_create", []),
        ("cycle", [cycle.code]),
        ("staff_report", [cycle.code]),
        ("sheet", [cycle.code, group.code]),
    ):
        assert client.get(reverse(f"scorecards:{name}", args=args)).status_code == 200, name
    export = client.get(reverse("scorecards:staff_list"), {"export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_facilitator_starts_a_cycle_from_a_facility_code(client, personas, library):
    client.force_login(personas.monitor)
    url = reverse("scorecards:cycle_create")
    bad = client.post(url, {"facility": "NOSUCH", "title": "x", "owner_organization": personas.cso.pk, "scale": "five"})
    assert bad.status_code == 200 and "facility" in bad.context["form"].errors
    response = client.post(
        url,
        {
            "facility": personas.school.code.lower(),
            "title": "Хавар",
            "owner_organization": personas.cso.pk,
            "scale": "five",
        },
    )
    cycle = ScorecardCycle.objects.get(title="Хавар")
    assert response.status_code == 302 and cycle.facilitator == personas.monitor and not cycle.indicators.exists()


def test_behind_schedule_lists_cycles_whose_current_stage_is_late(client, personas, cycle):
    on_time = make_cycle(personas, title="On time")
    today = datetime.date.today()
    services.update_plan(
        actor=personas.monitor, cycle=cycle, planned_ends={Stage.PLANNING: today - datetime.timedelta(days=5)}
    )
    services.update_plan(
        actor=personas.monitor, cycle=on_time, planned_ends={Stage.PLANNING: today + datetime.timedelta(days=5)}
    )
    client.force_login(personas.monitor)
    page = client.get(reverse("scorecards:behind_schedule")).context["page"]
    assert [(p.cycle, p.days_late) for p in page] == [(cycle, 5)]
    services.advance_stage(actor=personas.monitor, cycle=cycle)  # planning done: no longer late
    assert StagePlan.objects.get(cycle=cycle, stage=Stage.PLANNING).completed_on == today
    assert not list(client.get(reverse("scorecards:behind_schedule")).context["page"])


def test_a_plan_with_stages_out_of_order_is_refused(client, personas, cycle):
    client.force_login(personas.monitor)
    client.post(action_url(cycle, "plan"), {"planning": "2026-05-01", "input_tracking": "2026-04-01"})
    assert not cycle.plans.exclude(planned_end=None).exists()


def test_a_cycle_never_moves_back(personas, cycle):
    cycle = advance_to(personas.monitor, cycle, Stage.COMMUNITY_SCORING)
    with pytest.raises(services.ScorecardError):
        services.advance_stage(actor=personas.monitor, cycle=cycle, to_stage=Stage.PLANNING)


def test_the_facility_page_shows_finished_score_cards(client, closed):
    response = client.get(reverse("places:facility", args=[closed.service_unit.code]))
    assert closed.title in response.content.decode()


def test_the_facility_page_of_a_facility_without_score_cards_shows_nothing(client, personas):
    facility = ServiceUnit.objects.get(pk=personas.clinic.pk)
    response = client.get(reverse("places:facility", args=[facility.code]))
    assert 'id="sc-h"' not in response.content.decode()


def test_the_aimag_page_counts_finished_score_cards_with_their_average(client, personas, closed):
    html = client.get(reverse("places:admin_unit", args=[personas.geo.aimag.code])).content.decode()
    assert 'id="sc-area-h"' in html and "50 %" in html  # community 2 and 4 on 1-5: 25 % and 75 %
    other = client.get(reverse("places:admin_unit", args=[personas.geo.other_aimag.code])).content.decode()
    assert 'id="sc-area-h"' not in other


def test_the_facilitator_must_run_score_cards_in_the_owner_organisation(client, personas, library):
    client.force_login(personas.monitor)
    url = reverse("scorecards:cycle_create")
    data = {"facility": personas.school.code, "title": "Намар", "owner_organization": personas.cso.pk, "scale": "five"}
    response = client.post(url, {**data, "facilitator": personas.provider.pk})
    assert response.status_code == 200 and "facilitator" in response.context["form"].errors
    client.post(url, {**data, "facilitator": personas.coordinator.pk})
    assert ScorecardCycle.objects.get(title="Намар").facilitator == personas.coordinator


def test_an_input_line_is_recorded_and_corrected(client, personas, cycle):
    client.force_login(personas.monitor)
    url = action_url(cycle, "input")
    client.post(url, {"name": "Багш", "entitled": "12", "actual": "9", "checked_by": "Б. Сараа"})
    item = cycle.inputs.get()
    assert (item.gap, item.percent) == (-3, 75)
    client.post(url, {"item": str(item.pk), "name": "Багш", "entitled": "12", "actual": "10"})
    item.refresh_from_db()
    assert item.actual == 10 and cycle.inputs.count() == 1
    assert client.post(url, {"item": "99999", "name": "x"}).status_code == 404
    response = client.post(url, {"name": "Ном", "entitled": "много"}, follow=True)
    assert response.status_code == 200 and cycle.inputs.count() == 1


def test_the_public_report_shows_the_action_plan_once_it_is_agreed(client, personas, cycle):
    from iltod.engagement import services as engagement
    from iltod.engagement.models import ActionPlan

    score(personas, add_group(personas, cycle, K.WOMEN), {1: 2, 2: 4})
    cycle = advance_to(personas.monitor, cycle, Stage.INTERFACE_MEETING)
    cycle = services.hold_interface_meeting(actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 2))
    cycle = close(personas, cycle, actor=personas.coordinator)
    url = reverse("scorecards:public_report", args=[cycle.code])
    assert cycle.action_plan.title not in client.get(url).content.decode()  # a draft is not public
    engagement.change_plan_status(cycle.action_plan, ActionPlan.Status.AGREED, actor=personas.coordinator)
    assert cycle.action_plan.title in client.get(url).content.decode()


def test_the_cycle_page_shows_its_history(client, personas, cycle):
    add_group(personas, cycle, K.PARENTS)
    services.advance_stage(actor=personas.monitor, cycle=cycle)
    client.force_login(personas.monitor)
    with translation.override("en"):
        html = client.get(reverse("scorecards:cycle", args=[cycle.code]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Moved to the next stage: input tracking" in html
    assert "Focus group added: Parents" in html
