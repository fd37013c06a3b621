"""Maker-checker: whoever entered the scores cannot approve them; approved sheets are locked and
counted; every change is kept in the edit history."""

import pytest
from django.urls import reverse

from iltod.accounts.models import AuditEvent
from iltod.scorecards import services
from iltod.scorecards.aggregation import build_report
from iltod.scorecards.models import FocusGroup, ScoreRevision

from .helpers import add_group

S = FocusGroup.SheetStatus


def entries(values):
    return {n: services.Entry(v, "") for n, v in values.items()}


def test_the_maker_cannot_approve_their_own_sheet(personas, cycle):
    group = add_group(personas, cycle)
    services.save_scores(actor=personas.monitor, group=group, entries=entries({1: 2}), submit=True)
    with pytest.raises(services.ScorecardError):
        services.approve_sheet(actor=personas.monitor, group=group)
    services.approve_sheet(actor=personas.coordinator, group=group)
    group.refresh_from_db()
    assert (group.status, group.approved_by, group.entered_by) == (S.APPROVED, personas.coordinator, personas.monitor)


def test_an_approved_sheet_is_locked_until_it_is_returned(personas, cycle):
    group = add_group(personas, cycle)
    services.save_scores(actor=personas.monitor, group=group, entries=entries({1: 2}), submit=True)
    services.approve_sheet(actor=personas.coordinator, group=group)
    with pytest.raises(services.ScorecardError):
        services.save_scores(actor=personas.monitor, group=group, entries=entries({1: 4}))
    with pytest.raises(services.ScorecardError):
        services.return_sheet(actor=personas.coordinator, group=group, reason="  ")
    services.return_sheet(actor=personas.coordinator, group=group, reason="Line 1 was misread")
    assert build_report(cycle).results[0].community is None  # no longer counted
    services.save_scores(actor=personas.monitor, group=group, entries=entries({1: 4}))
    group.refresh_from_db()
    assert group.status == S.DRAFT


def test_every_change_is_in_the_history(personas, cycle):
    group = add_group(personas, cycle)
    services.save_scores(actor=personas.monitor, group=group, entries=entries({1: 2, 2: 3}))
    services.save_scores(actor=personas.monitor, group=group, entries=entries({1: 2, 2: 4}))  # only 2 changed
    history = list(
        ScoreRevision.objects.filter(score__group=group)
        .order_by("pk")
        .values_list("score__indicator__number", "previous_value", "value")
    )
    assert history == [(1, None, 2), (2, None, 3), (2, 3, 4)]
    assert AuditEvent.objects.filter(action="scorecards.scores_saved").count() == 2


def test_scores_off_the_scale_are_refused(personas, cycle):
    group = add_group(personas, cycle)
    with pytest.raises(services.ScorecardError, match="1"):
        services.save_scores(actor=personas.monitor, group=group, entries=entries({1: 6}))
    assert not group.scores.exists()


def test_an_empty_sheet_cannot_be_sent_for_approval(personas, cycle):
    group = add_group(personas, cycle)
    with pytest.raises(services.ScorecardError):
        services.save_scores(actor=personas.monitor, group=group, entries=entries({1: None}), submit=True)


def test_the_grid_saves_submits_and_the_checker_approves(client, personas, cycle):
    group = add_group(personas, cycle)
    url = reverse("scorecards:sheet", args=[cycle.code, group.code])
    client.force_login(personas.monitor)
    response = client.post(url, {"action": "submit", "score_1": "9", "reason_1": "x"})
    assert response.status_code == 200  # the form says what is wrong
    assert "score_1" in response.context["form"].errors
    response = client.post(url, {"action": "submit", "score_1": "2", "reason_1": "Хашгирдаг", "score_2": "4"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.status == S.SUBMITTED
    approve = reverse("scorecards:sheet_approve", args=[cycle.code, group.code])
    assert client.get(approve).status_code == 405  # one small view per action, POST only
    response = client.post(approve, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert any("Someone other than" in str(m) for m in response.context["messages"])
    group.refresh_from_db()
    assert group.status == S.SUBMITTED  # the maker may not approve
    client.logout()
    client.force_login(personas.coordinator)
    page = client.get(url)
    assert page.context["can_approve"]
    assert client.post(approve)["Location"] == url
    group.refresh_from_db()
    assert group.status == S.APPROVED
    assert build_report(cycle).results[0].community == 2.0


def test_a_submitted_sheet_is_announced_to_someone_who_can_approve_it(personas, cycle):
    from iltod.notifications.models import OutboundMessage

    group = add_group(personas, cycle)
    # The facilitator entered it: the owner's other runner (the coordinator) is told.
    services.save_scores(actor=personas.monitor, group=group, entries=entries({1: 2}), submit=True)
    message = OutboundMessage.objects.get()
    assert message.recipient == personas.coordinator.email
    assert group.code in message.body
    services.return_sheet(actor=personas.coordinator, group=group, reason="again")
    # The director entered it: the facilitator is told.
    provider_group = add_group(personas, cycle, FocusGroup.Kind.PROVIDER)
    services.save_scores(actor=personas.provider, group=provider_group, entries=entries({1: 5}), submit=True)
    assert OutboundMessage.objects.order_by("-pk").first().recipient == personas.monitor.email
