"""One URL and one small view per change made from the cycle page, instead of one view that
dispatched on ``POST action=``: each accepts only a POST with its CSRF token, from someone the
access helper lets make that change (404 otherwise, see test_robustness.py), and does only its
own change. Who may do what is in test_permissions.py and test_stages.py."""

import pytest
from django.test import Client
from django.urls import reverse

from iltod.scorecards import services
from iltod.scorecards.models import FocusGroup, Stage

from .helpers import ACTION_URLS, action_url, add_group


@pytest.mark.parametrize("action", ACTION_URLS)
def test_each_change_has_its_own_url_that_accepts_only_a_post(client, personas, cycle, action):
    client.force_login(personas.monitor)
    url = action_url(cycle, action)
    assert url.startswith(cycle.get_staff_url()) and url != cycle.get_staff_url()
    assert client.get(url).status_code == 405
    assert client.put(url).status_code == 405


@pytest.mark.parametrize("action", ACTION_URLS)
def test_an_anonymous_post_goes_to_the_login_page_and_changes_nothing(client, cycle, action):
    response = client.post(action_url(cycle, action), {"stage": Stage.INPUT_TRACKING, "reason": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLANNING


@pytest.mark.parametrize("action", ACTION_URLS)
def test_a_post_without_the_csrf_token_is_refused(personas, cycle, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.coordinator)
    assert client.post(action_url(cycle, action), {"stage": Stage.INPUT_TRACKING}).status_code == 403


def test_the_old_dispatcher_is_gone(client, personas, cycle):
    client.force_login(personas.monitor)
    response = client.post(f"{cycle.get_staff_url()}do/", {"action": "advance", "stage": Stage.INPUT_TRACKING})
    assert response.status_code == 404
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLANNING


@pytest.mark.parametrize("action", [a for a in ACTION_URLS if a not in {"advance", "skip"}])
def test_a_view_does_only_its_own_change(client, personas, cycle, action):
    """An ``action`` field naming another change is just an unknown field now."""
    client.force_login(personas.coordinator)
    client.post(action_url(cycle, action), {"action": "advance", "stage": Stage.INPUT_TRACKING, "reason": "x"})
    cycle.refresh_from_db()
    assert cycle.stage == Stage.PLANNING and not cycle.plans.exclude(skip_reason="").exists()


def test_a_change_goes_back_to_the_stage_it_was_made_from(client, personas, cycle):
    client.force_login(personas.monitor)
    response = client.post(action_url(cycle, "input"), {"name": "Багш", "entitled": "12", "actual": "9"})
    assert response["Location"] == f"{cycle.get_staff_url()}?stage={Stage.INPUT_TRACKING}"
    response = client.post(action_url(cycle, "plan"), {Stage.PLANNING: "2026-05-01"})
    assert response["Location"] == f"{cycle.get_staff_url()}?stage={Stage.PLANNING}"
    response = client.post(action_url(cycle, "advance"), {"stage": Stage.INPUT_TRACKING})
    assert response["Location"] == cycle.get_staff_url()  # the new current stage


@pytest.mark.parametrize("name", ["sheet_approve", "sheet_return"])
def test_approving_and_returning_a_sheet_have_their_own_post_only_urls(client, personas, cycle, name):
    group = add_group(personas, cycle)
    services.save_scores(actor=personas.monitor, group=group, entries={1: services.Entry(3)}, submit=True)
    url = reverse(f"scorecards:{name}", args=[cycle.code, group.code])
    assert client.post(url, {"reason": "x"}).status_code == 302  # anonymous: to the login page
    client.force_login(personas.coordinator)
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(personas.coordinator)
    assert strict.post(url, {"reason": "x"}).status_code == 403
    group.refresh_from_db()
    assert group.status == FocusGroup.SheetStatus.SUBMITTED
    client.post(url, {"reason": "Line 2 was misread"})
    group.refresh_from_db()
    expected = {"sheet_approve": FocusGroup.SheetStatus.APPROVED, "sheet_return": FocusGroup.SheetStatus.RETURNED}
    assert group.status == expected[name]
