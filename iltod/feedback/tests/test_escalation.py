import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from iltod.feedback import routing, services
from iltod.feedback.models import DeadlinePolicy, Event, Feedback
from iltod.feedback.permissions import staff_feedback
from iltod.notifications.models import OutboundMessage

from .helpers import TUESDAY, at, category, reload, submit

S = Feedback.Status
# Received on Tuesday 8 September 2026: due by the end of Thursday 8 October.
JUST_BEFORE_DEADLINE = at(2026, 10, 8, 23, 0)
JUST_AFTER_DEADLINE = at(2026, 10, 9, 0, 1)


@pytest.fixture
def overdue_item(world, time_machine):
    time_machine.move_to(TUESDAY, tick=False)
    return submit(world)


def escalations(feedback):
    return list(feedback.events.filter(type=Event.Type.ESCALATED).values_list("organization", "data"))


def subjects_to(user, feedback):
    return list(
        OutboundMessage.objects.for_object(feedback)
        .filter(recipient=user.email)
        .order_by("pk")
        .values_list("subject", flat=True)
    )


def test_the_chain_for_a_school_is_operator_then_aimag_department_then_ministry(world, overdue_item):
    assert routing.oversight_chain(overdue_item) == [world.school_org, world.education_dept, world.ministry]


def test_nothing_escalates_before_the_deadline(world, overdue_item, time_machine):
    time_machine.move_to(JUST_BEFORE_DEADLINE, tick=False)
    assert services.escalate_overdue() == 0
    assert reload(overdue_item).escalation_level == 0


def test_an_overdue_item_escalates_one_level_at_a_time_once_per_interval(world, overdue_item, time_machine):
    for user in (world.officer, world.provider):
        user.language = "en"
        user.save(update_fields=["language"])
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    assert services.escalate_overdue() == 1
    feedback = reload(overdue_item)
    assert (feedback.escalated_to, feedback.escalation_level, feedback.escalated_at) == (
        world.education_dept,
        1,
        JUST_AFTER_DEADLINE,
    )
    assert feedback.handling_organization == world.school_org  # still the handler
    assert escalations(feedback) == [(world.education_dept.pk, {"level": 1})]
    assert feedback.events.get(type=Event.Type.ESCALATED).is_public
    assert subjects_to(world.officer, feedback) == [f"Overdue feedback escalated to you: {feedback.tracking_code}"]
    assert subjects_to(world.provider, feedback)[-1] == f"Overdue: {feedback.tracking_code}"
    assert staff_feedback(world.officer).filter(pk=feedback.pk).exists()

    time_machine.move_to(JUST_AFTER_DEADLINE + timedelta(days=6, hours=23), tick=False)
    assert services.escalate_overdue() == 0
    assert reload(overdue_item).escalation_level == 1

    time_machine.move_to(JUST_AFTER_DEADLINE + timedelta(days=7), tick=False)
    assert services.escalate_overdue() == 1
    feedback = reload(overdue_item)
    assert (feedback.escalated_to, feedback.escalation_level) == (world.ministry, 2)
    assert len(subjects_to(world.ministry_officer, feedback)) == 1
    assert staff_feedback(world.ministry_officer).filter(pk=feedback.pk).exists()

    time_machine.move_to(JUST_AFTER_DEADLINE + timedelta(days=30), tick=False)
    assert services.escalate_overdue() == 0  # the ministry is the top
    assert len(escalations(feedback)) == 2


def test_running_the_escalation_twice_at_the_same_time_escalates_once(world, overdue_item, time_machine):
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0
    assert len(escalations(overdue_item)) == 1
    assert len(subjects_to(world.officer, overdue_item)) == 1


def test_a_worker_that_loses_the_race_for_an_item_does_not_escalate_it_again(
    world, overdue_item, time_machine, monkeypatch
):
    """Two sweeps read the same overdue item; the second one to claim it must find it taken."""
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    real_next = routing.next_oversight
    other_sweep = []

    def next_oversight_while_another_sweep_runs(feedback):
        if not other_sweep:
            other_sweep.append("running")
            other_sweep.append(services.escalate_overdue())  # runs to the end before we claim
        return real_next(feedback)

    monkeypatch.setattr(routing, "next_oversight", next_oversight_while_another_sweep_runs)
    assert services.escalate_overdue() == 0
    assert other_sweep == ["running", 1]
    assert reload(overdue_item).escalation_level == 1
    assert len(escalations(overdue_item)) == 1


def test_a_confidential_item_handled_by_the_department_escalates_to_the_ministry(world, time_machine):
    time_machine.move_to(TUESDAY, tick=False)
    feedback = submit(world, privacy=Feedback.Privacy.CONFIDENTIAL)
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    assert services.escalate_overdue() == 1
    assert reload(feedback).escalated_to == world.ministry
    assert not staff_feedback(world.provider).filter(pk=feedback.pk).exists()


@pytest.mark.parametrize("status", [S.RESOLVED, S.NO_FURTHER_ACTION, S.CLOSED, S.DUPLICATE])
def test_finished_items_do_not_escalate(world, overdue_item, time_machine, status):
    Feedback.objects.filter(pk=overdue_item.pk).update(status=status)
    time_machine.move_to(JUST_AFTER_DEADLINE + timedelta(days=10), tick=False)
    assert services.escalate_overdue() == 0
    assert reload(overdue_item).escalation_level == 0


def test_an_item_resolved_in_time_never_escalates(world, overdue_item, time_machine):
    services.change_status(overdue_item, S.RESOLVED, actor=world.provider, text="Шийдвэрлэсэн.")
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    assert services.escalate_overdue() == 0


def test_the_policy_sets_how_soon_an_item_escalates_again(world, time_machine):
    DeadlinePolicy.objects.create(name="fast", category=category("edu-building"), escalate_after_days=2)
    time_machine.move_to(TUESDAY, tick=False)
    feedback = submit(world, category=category("edu-building"))
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    services.escalate_overdue()
    time_machine.move_to(JUST_AFTER_DEADLINE + timedelta(days=2), tick=False)
    assert services.escalate_overdue() == 1
    assert reload(feedback).escalated_to == world.ministry


def test_the_handler_still_resolves_an_escalated_item(world, overdue_item, time_machine):
    time_machine.move_to(JUST_AFTER_DEADLINE, tick=False)
    services.escalate_overdue()
    services.change_status(overdue_item, S.RESOLVED, actor=world.provider, text="Хоцорч шийдвэрлэсэн.")
    feedback = reload(overdue_item)
    assert feedback.status == S.RESOLVED
    time_machine.move_to(JUST_AFTER_DEADLINE + timedelta(days=8), tick=False)
    assert services.escalate_overdue() == 0


# --- closing after the reopen window ---------------------------------------------------------


def test_resolved_items_are_closed_once_the_reopen_window_has_passed(world, overdue_item, time_machine):
    services.change_status(overdue_item, S.RESOLVED, actor=world.provider, text="Шийдвэрлэсэн.")
    without_action = submit(world)
    services.change_status(without_action, S.NO_FURTHER_ACTION, actor=world.provider, text="Үндэслэлгүй.")
    still_open = submit(world)
    time_machine.move_to(TUESDAY + timedelta(days=30), tick=False)
    assert services.close_expired() == 0
    time_machine.move_to(TUESDAY + timedelta(days=30, seconds=1), tick=False)
    assert services.close_expired() == 2
    assert services.close_expired() == 0  # safe to run twice
    for closed, old in [(reload(overdue_item), S.RESOLVED), (reload(without_action), S.NO_FURTHER_ACTION)]:
        assert (closed.status, closed.closed_at) == (S.CLOSED, TUESDAY + timedelta(days=30, seconds=1))
        event = closed.events.filter(type=Event.Type.STATUS).latest("pk")
        assert (event.old_status, event.new_status, event.is_public) == (old, S.CLOSED, True)
    assert reload(still_open).status == S.RECEIVED


def test_the_periodic_command_escalates_closes_and_sends(world, time_machine):
    time_machine.move_to(TUESDAY, tick=False)
    late = submit(world)
    done = submit(world)
    services.change_status(done, S.RESOLVED, actor=world.provider, text="Шийдвэрлэсэн.")
    pending = OutboundMessage.objects.filter(status=OutboundMessage.Status.PENDING).count()
    time_machine.move_to(JUST_AFTER_DEADLINE + timedelta(days=1), tick=False)
    out = io.StringIO()
    call_command("run_periodic", stdout=out)
    lines = out.getvalue().splitlines()
    assert "feedback.escalate_overdue: escalated 1" in lines
    assert "feedback.close_expired: closed 1" in lines
    assert lines[-1] == f"notifications.deliver_due: sent {pending + 2}, to retry 0, failed 0"  # delivery runs last
    assert reload(late).escalated_to == world.education_dept
    assert reload(done).status == S.CLOSED
    assert not OutboundMessage.objects.exclude(status=OutboundMessage.Status.SENT).exists()
    out = io.StringIO()
    call_command("run_periodic", stdout=out)
    lines = out.getvalue().splitlines()
    assert "feedback.escalate_overdue: escalated 0" in lines
    assert "feedback.close_expired: closed 0" in lines
    assert lines[-1] == "notifications.deliver_due: sent 0, to retry 0, failed 0"
