"""One click: the interface meeting and the joint action plan in the engagement app."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from iltod.engagement.models import Meeting
from iltod.scorecards import services
from iltod.scorecards.models import FocusGroup, Stage

from .helpers import action_url, add_group, advance_to, close, score

K = FocusGroup.Kind


@pytest.fixture
def scored(personas, cycle):
    score(personas, add_group(personas, cycle, K.WOMEN), {1: 2, 2: 4, 3: 1, 4: 4})
    score(personas, add_group(personas, cycle, K.PUPILS), {1: 2, 2: 4, 3: 2, 4: 4})
    score(personas, add_group(personas, cycle, K.PROVIDER), {1: 5, 2: 4, 3: 2, 4: 1}, actor=personas.provider)
    advance_to(personas.monitor, cycle, Stage.INTERFACE_MEETING)
    cycle.refresh_from_db()


def test_the_plan_is_seeded_with_the_lowest_and_most_divergent_indicators(personas, cycle, scored):
    cycle = services.hold_interface_meeting(
        actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 2), venue="Сургуулийн заал", count=2
    )
    meeting, plan = cycle.interface_meeting, cycle.action_plan
    assert meeting.kind == Meeting.Kind.INTERFACE and meeting.venue == "Сургуулийн заал"
    assert meeting.group.service_unit == personas.school
    assert plan.meeting == meeting and plan.source == cycle and plan.service_unit == personas.school
    # lowest community: 3 (1.5), 1 (2.0); most divergent: 1 (-3), 4 (+3)
    texts = [a.title for a in plan.actions.order_by("order")]
    numbers = [cycle.indicators.get(number=n).text for n in (3, 1, 4)]
    assert [t.split(": ", 1)[1] for t in texts] == numbers
    assert all(a.lead_organization == personas.school_org for a in plan.actions.all())
    assert cycle.stage == Stage.ACTION_PLANNING


def test_it_happens_once(personas, cycle, scored):
    services.hold_interface_meeting(actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 2))
    with pytest.raises(services.ScorecardError):
        services.hold_interface_meeting(actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 3))
    assert Meeting.objects.count() == 1


def test_without_approved_scores_there_is_nothing_to_plan(personas, cycle):
    advance_to(personas.monitor, cycle, Stage.INTERFACE_MEETING)
    with translation.override("en"), pytest.raises(services.ScorecardError, match="no approved community scores"):
        services.hold_interface_meeting(actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 2))


def test_the_button_on_the_cycle_page(client, personas, cycle, scored):
    client.force_login(personas.monitor)
    url = action_url(cycle, "interface")
    client.post(url, {"held_on": "", "count": "3"})
    cycle.refresh_from_db()
    assert cycle.action_plan is None  # the date is required: the form says so
    client.post(url, {"held_on": "2026-04-02", "count": "3"})
    cycle.refresh_from_db()
    assert cycle.action_plan is not None
    page = client.get(reverse("scorecards:cycle", args=[cycle.code]), {"stage": Stage.INTERFACE_MEETING})
    html = page.content.decode()
    assert cycle.action_plan.title in html
    assert f'href="{cycle.action_plan.get_absolute_url()}"' in html  # followed up in the engagement app
    assert f'href="{cycle.interface_meeting.get_absolute_url()}"' in html


def test_the_plan_page_names_the_score_card_it_came_from(client, personas, cycle, scored):
    cycle = services.hold_interface_meeting(actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 2))
    client.force_login(personas.coordinator)
    page = client.get(cycle.action_plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "From a community score card" in page
    assert f'href="{cycle.get_staff_url()}"' in page
    close(personas, cycle)
    page = client.get(cycle.action_plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{cycle.get_absolute_url()}"' in page


def test_the_plan_panel_links_an_open_cycle_only_for_those_who_see_it(rf, personas, cycle, scored):
    from django.contrib.auth.models import AnonymousUser

    from iltod.scorecards.views.public import action_plan_panel

    cycle = services.hold_interface_meeting(actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 2))
    request = rf.get("/")
    request.user = AnonymousUser()
    html = action_plan_panel(request, cycle.action_plan)
    assert cycle.title in html and "href" not in html


def test_a_plan_made_elsewhere_has_no_score_card_panel(rf, personas, cycle, scored):
    from iltod.scorecards.views.public import action_plan_panel

    plan = services.hold_interface_meeting(
        actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 2)
    ).action_plan
    plan.source_type, plan.source_id = None, ""
    request = rf.get("/")
    request.user = personas.monitor
    assert action_plan_panel(request, plan) == ""
    plan.source_id = "not-a-number"
    assert action_plan_panel(request, plan) == ""


def test_the_meeting_is_held_at_its_stage_not_before(personas, cycle):
    score(personas, add_group(personas, cycle, K.WOMEN), {1: 2, 2: 4})
    advance_to(personas.monitor, cycle, Stage.SELF_EVALUATION)
    with translation.override("en"), pytest.raises(services.ScorecardError, match="held at its stage"):
        services.hold_interface_meeting(actor=personas.coordinator, cycle=cycle, held_on=datetime.date(2026, 4, 2))
    assert not Meeting.objects.exists()
