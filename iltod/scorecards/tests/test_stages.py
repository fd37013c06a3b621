"""A cycle's stages: they advance in order, one at a time, unless a coordinator skips one with a
reason (kept on the stage, shown on the page and in the history, audited); the cycle page shows
one stage at a time under a navigator; every date on the score card pages shows its year."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from iltod.accounts.models import AuditEvent
from iltod.scorecards import services
from iltod.scorecards.models import FocusGroup, Stage, StagePlan

from .helpers import action_url, add_group, advance_to, close, score

REASON = "Энэ сургуульд орц, нөөцийн норм батлагдаагүй"


def page(client, cycle, stage=None, language="en") -> str:
    params = {"stage": stage} if stage else {}
    with translation.override(language):
        response = client.get(cycle.get_staff_url(), params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---------------------------------------------------------------------------------------------
# In order


def test_a_cycle_advances_to_the_next_stage_and_completes_the_one_it_leaves(personas, cycle):
    cycle = services.advance_stage(actor=personas.monitor, cycle=cycle)
    assert cycle.stage == Stage.INPUT_TRACKING
    assert StagePlan.objects.get(cycle=cycle, stage=Stage.PLANNING).completed_on == timezone.localdate()
    assert StagePlan.objects.get(cycle=cycle, stage=Stage.INPUT_TRACKING).completed_on is None
    event = AuditEvent.objects.filter(action="scorecards.stage_changed").get()
    assert (event.data["before"], event.data["after"]) == (Stage.PLANNING, Stage.INPUT_TRACKING)


@pytest.mark.parametrize("target", [Stage.COMMUNITY_SCORING, Stage.INTERFACE_MEETING, Stage.CLOSED])
def test_advancing_past_the_next_stage_is_refused_with_a_clear_message(personas, cycle, target):
    with translation.override("en"), pytest.raises(services.ScorecardError) as refused:
        services.advance_stage(actor=personas.monitor, cycle=cycle, to_stage=target)
    assert "Stages advance in order" in str(refused.value)
    assert "the next stage is “input tracking”" in str(refused.value)
    with translation.override("mn"), pytest.raises(services.ScorecardError) as refused:
        services.advance_stage(actor=personas.monitor, cycle=cycle, to_stage=target)
    assert "дарааллаараа" in str(refused.value)
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLANNING
    assert not cycle.plans.filter(completed_on__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="scorecards.stage_changed").exists()


def test_the_same_advance_sent_twice_moves_the_cycle_once(client, personas, cycle):
    client.force_login(personas.monitor)
    url = action_url(cycle, "advance")
    client.post(url, {"stage": Stage.INPUT_TRACKING})
    response = client.post(url, {"stage": Stage.INPUT_TRACKING}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    cycle.refresh_from_db()
    assert cycle.stage == Stage.INPUT_TRACKING
    assert any("Stages advance in order" in m for m in messages_of(response))


def test_a_closed_cycle_does_not_advance(personas, cycle):
    cycle = close(personas, cycle)
    with translation.override("en"), pytest.raises(services.ScorecardError, match="closed"):
        services.advance_stage(actor=personas.monitor, cycle=cycle)


def test_a_cycle_is_not_closed_while_a_sheet_waits_for_approval(personas, cycle):
    group = add_group(personas, cycle, FocusGroup.Kind.WOMEN)
    services.save_scores(actor=personas.monitor, group=group, entries={1: services.Entry(3)}, submit=True)
    cycle = advance_to(personas.monitor, cycle, Stage.MONITORING)
    with translation.override("en"), pytest.raises(services.ScorecardError, match="waiting for approval"):
        services.advance_stage(actor=personas.monitor, cycle=cycle)
    with pytest.raises(services.ScorecardError):
        services.skip_stage(actor=personas.coordinator, cycle=cycle, stage=Stage.MONITORING, reason="x")


# ---------------------------------------------------------------------------------------------
# Skipping, with a reason


def test_a_coordinator_skips_a_stage_with_a_reason_that_is_kept_shown_and_audited(client, personas, cycle):
    cycle = advance_to(personas.monitor, cycle, Stage.INPUT_TRACKING)
    client.force_login(personas.coordinator)
    response = client.post(
        action_url(cycle, "skip"), {"stage": Stage.INPUT_TRACKING, "reason": f"  {REASON} "}, follow=True
    )
    assert response.status_code == 200
    cycle.refresh_from_db()
    assert cycle.stage == Stage.COMMUNITY_SCORING
    plan = cycle.plans.get(stage=Stage.INPUT_TRACKING)
    assert (plan.skip_reason, plan.skipped_by, plan.completed_on) == (
        REASON,
        personas.coordinator,
        timezone.localdate(),
    )
    event = AuditEvent.objects.get(action="scorecards.stage_skipped")
    assert event.actor == personas.coordinator
    assert event.data == {"before": Stage.INPUT_TRACKING, "after": Stage.COMMUNITY_SCORING, "reason": REASON}
    html = page(client, cycle, Stage.INPUT_TRACKING)
    assert 'class="skip-note"' in html and REASON in html.split('class="skip-note"')[1].split("</p>")[0]
    history = page(client, cycle).split('id="hist-h"')[1]
    assert f"Stage skipped: input tracking — {REASON}" in history


@pytest.mark.parametrize("reason", ["", "   ", "x" * 1001])
def test_a_stage_is_not_skipped_without_a_reason_or_with_an_overlong_one(client, personas, cycle, reason):
    client.force_login(personas.coordinator)
    response = client.post(
        action_url(cycle, "skip"), {"stage": Stage.PLANNING, "reason": reason}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200 and messages_of(response)
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLANNING and not cycle.plans.exclude(skip_reason="").exists()
    with translation.override("en"), pytest.raises(services.ScorecardError, match="Say why"):
        services.skip_stage(actor=personas.coordinator, cycle=cycle, stage=Stage.PLANNING, reason=" ")


def test_only_the_current_stage_is_skipped(client, personas, cycle):
    """A skip form sent from a stale page (the cycle moved on meanwhile) does not skip the new stage."""
    cycle = advance_to(personas.monitor, cycle, Stage.INPUT_TRACKING)
    client.force_login(personas.coordinator)
    response = client.post(
        action_url(cycle, "skip"), {"stage": Stage.PLANNING, "reason": REASON}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert any("Only the current stage can be skipped" in m for m in messages_of(response))
    cycle.refresh_from_db()
    assert cycle.stage == Stage.INPUT_TRACKING and not cycle.plans.exclude(skip_reason="").exists()


@pytest.mark.parametrize(
    ("name", "skips"),
    [
        ("coordinator", True),
        ("admin", True),
        ("monitor", False),  # runs the cycle, may advance it, but does not skip
        ("provider", False),
        ("officer", False),
        ("other_officer", False),
        ("citizen", False),
    ],
)
def test_only_a_coordinator_of_the_owner_may_skip(client, personas, cycle, name, skips):
    client.force_login(getattr(personas, name))
    response = client.post(action_url(cycle, "skip"), {"stage": Stage.PLANNING, "reason": REASON})
    cycle.refresh_from_db()
    assert (cycle.stage == Stage.INPUT_TRACKING) is skips
    if not skips:
        assert response.status_code == 404
        assert 'class="skip-form"' not in client.get(cycle.get_staff_url()).content.decode()


# ---------------------------------------------------------------------------------------------
# One stage at a time


def test_the_cycle_page_shows_the_current_stage_only(client, personas, cycle):
    client.force_login(personas.monitor)
    html = page(client, cycle)
    assert "Stage 1 of 8: planning" in html
    assert 'class="filters plan-form"' in html and "group-form" not in html and "interface-form" not in html
    assert html.count('<li class="current') == 1 and html.count('<li class="upcoming') == 7
    scoring = page(client, cycle, Stage.COMMUNITY_SCORING)
    assert "Stage 3 of 8: community scoring" in scoring
    assert "group-form" in scoring and "plan-form" not in scoring
    assert 'class="advance-form"' not in scoring  # the cycle advances from its current stage's page
    assert "Go to the current stage: planning" in scoring
    assert "Stage 1 of 8" in page(client, cycle, "bogus")


def test_the_navigator_shows_done_current_skipped_and_upcoming_stages(client, personas, cycle):
    cycle = services.advance_stage(actor=personas.monitor, cycle=cycle)
    cycle = services.skip_stage(actor=personas.coordinator, cycle=cycle, stage=Stage.INPUT_TRACKING, reason=REASON)
    client.force_login(personas.monitor)
    nav = page(client, cycle).split('id="stages-h"')[1].split("</nav>")[0]
    states = [item.split('"')[0].split()[0] for item in nav.split('<li class="')[1:]]
    assert states == ["done", "skipped", "current", "upcoming", "upcoming", "upcoming", "upcoming", "upcoming"]
    for label in ("done", "skipped", "current stage", "upcoming"):
        assert label in nav


def test_the_facility_staff_land_on_their_self_evaluation(client, personas, cycle):
    client.force_login(personas.provider)
    html = page(client, cycle)
    assert "Stage 4 of 8: provider self-evaluation" in html
    assert "Start the provider's self-evaluation" in html
    assert 'class="advance-form"' not in html and 'class="skip-form"' not in html


def test_the_cycle_page_in_mongolian_uses_the_one_term_and_translated_states(client, personas, cycle):
    client.force_login(personas.coordinator)
    html = page(client, cycle, language="mn")
    assert "Үе шат 1/8: төлөвлөлт" in html
    assert "одоогийн үе шат" in html and "хүлээгдэж буй" in html and "Энэ үе шатыг алгасах" in html


@pytest.mark.parametrize("stage", Stage.values)
def test_every_stage_page_renders_for_runners_and_readers(client, personas, cycle, stage):
    with translation.override("en"):
        label = str(Stage(stage).label)
    for name in ("monitor", "officer", "provider"):
        client.force_login(getattr(personas, name))
        assert f"of 8: {label}" in page(client, cycle, stage), name


# ---------------------------------------------------------------------------------------------
# Dates show their year


def test_planned_and_completed_dates_show_their_year_on_the_cycle_page(client, personas, cycle):
    services.update_plan(
        actor=personas.monitor,
        cycle=cycle,
        planned_ends={Stage.PLANNING: datetime.date(2027, 1, 15), Stage.INPUT_TRACKING: datetime.date(2027, 2, 20)},
    )
    client.force_login(personas.monitor)
    html = page(client, cycle)
    for day in ("2027-01-15", "2027-02-20"):  # in the navigator
        assert f'planned <time datetime="{day}">{day}</time>' in html
    assert "planned end 2027-01-15" in html  # the shown stage's heading
    cycle = services.advance_stage(actor=personas.monitor, cycle=cycle)
    assert timezone.localdate().isoformat() in page(client, cycle)


def test_the_behind_schedule_report_shows_the_year(client, personas, cycle):
    services.update_plan(actor=personas.monitor, cycle=cycle, planned_ends={Stage.PLANNING: datetime.date(2025, 3, 31)})
    client.force_login(personas.monitor)
    html = client.get(reverse("scorecards:behind_schedule")).content.decode()
    assert "2025-03-31" in html


def test_the_public_pages_show_the_year(client, personas, cycle):
    score(personas, add_group(personas, cycle, FocusGroup.Kind.WOMEN), {1: 2, 2: 4})
    cycle = close(personas, cycle)
    closed_on = timezone.localdate(cycle.closed_at).isoformat()
    for url in (reverse("scorecards:public_list"), cycle.get_absolute_url(), personas.school.get_absolute_url()):
        assert closed_on in client.get(url).content.decode(), url
