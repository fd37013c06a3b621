"""Overdue actions are reminded of through the outbox, once a week while they stay overdue."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command

from iltod.accounts.models import AuditEvent
from iltod.core import periodic
from iltod.core.testing import make_user
from iltod.engagement import services
from iltod.engagement.models import Action, ActionPlan, GroupMember, StakeholderType
from iltod.notifications.models import OutboundMessage

UB = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
DUE = datetime.date(2026, 3, 1)  # the ``action`` fixture's due date


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=UB)


def outbox():
    return list(OutboundMessage.objects.order_by("pk").values_list("channel", "recipient", "language"))


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def responsible(personas, action):
    user = make_user("bold@example.mn", "Б. Болд", language="en")
    action.responsible_user = user
    action.save(update_fields=["responsible_user"])
    return user


def test_nothing_is_reminded_on_the_due_date(action, responsible, time_machine):
    time_machine.move_to(at(DUE), tick=False)
    assert services.remind_overdue_actions() == 0
    assert outbox() == []


def test_the_responsible_user_is_reminded_once_per_week_in_their_language(action, responsible, time_machine):
    time_machine.move_to(at(DUE + datetime.timedelta(days=1)), tick=False)
    assert services.remind_overdue_actions() == 1
    assert outbox() == [("email", "bold@example.mn", "en")]
    message = OutboundMessage.objects.get()
    assert message.subject == f"Overdue action: {action.title}"
    assert "was due on 2026-03-01, 1 day ago" in message.body
    assert action.get_absolute_url() in message.body
    assert message.dedupe_key.startswith(f"engagement:overdue:{action.code}:2026-03-02:email:")
    assert (message.related_type.model, message.related_id) == ("action", str(action.pk))
    assert reload(action).reminded_on == DUE + datetime.timedelta(days=1)
    assert AuditEvent.objects.filter(action="engagement.action_reminded", target_id=str(action.pk)).count() == 1

    assert services.remind_overdue_actions() == 0  # the same day again: nothing
    for days in range(2, 8):  # the rest of the week: nothing
        time_machine.move_to(at(DUE + datetime.timedelta(days=days)), tick=False)
        assert services.remind_overdue_actions() == 0
    time_machine.move_to(at(DUE + datetime.timedelta(days=8)), tick=False)
    assert services.remind_overdue_actions() == 1
    assert len(outbox()) == 2
    assert "8 days ago" in OutboundMessage.objects.latest("pk").body


def test_two_runs_at_once_send_one_reminder(action, responsible, time_machine):
    time_machine.move_to(at(DUE + datetime.timedelta(days=3)), tick=False)
    # A second worker that already read the action as due claims nothing after the first.
    assert services.remind_overdue_actions() == 1
    Action.objects.filter(pk=action.pk).update(reminded_on=None)  # as if the second read it before the claim
    assert services.remind_overdue_actions() == 1
    assert len(outbox()) == 1  # the dedupe key kept the second message out


def test_done_cancelled_and_draft_plan_actions_are_not_reminded(personas, group, action, responsible, time_machine):
    services.post_update(action, actor=personas.coordinator, text="Done", new_status=Action.Status.DONE)
    draft = services.create_action_plan(actor=personas.coordinator, group=group, title="Draft")
    services.add_action(
        actor=personas.coordinator, plan=draft, title="Someday", due_on=DUE, responsible_user=responsible
    )
    time_machine.move_to(at(DUE + datetime.timedelta(days=10)), tick=False)
    assert services.remind_overdue_actions() == 0
    assert outbox() == []


def test_without_a_responsible_user_the_coordinators_are_reminded_by_email_or_sms(
    personas, group, action, time_machine
):
    GroupMember.objects.create(
        group=group,
        person_name="Chair by e-mail",
        email="chair@example.mn",
        stakeholder_type=StakeholderType.KHURAL,
        role=GroupMember.Role.COORDINATOR,
    )
    GroupMember.objects.create(
        group=group,
        person_name="Coordinator by phone",
        phone="+97699001122",
        stakeholder_type=StakeholderType.CITIZEN,
        role=GroupMember.Role.COORDINATOR,
    )
    GroupMember.objects.create(
        group=group,
        person_name="Plain member",
        email="member@example.mn",
        stakeholder_type=StakeholderType.CITIZEN,
        role=GroupMember.Role.MEMBER,
    )
    time_machine.move_to(at(DUE + datetime.timedelta(days=2)), tick=False)
    assert services.remind_overdue_actions() == 1
    assert sorted(outbox()) == [
        ("email", "chair@example.mn", "mn"),
        ("email", personas.coordinator.email, personas.coordinator.language),  # the convening CSO's coordinator
        ("sms", "+97699001122", "mn"),
    ]
    sms = OutboundMessage.objects.get(channel="sms")
    assert len(sms.body) <= 320
    assert action.get_absolute_url() in sms.body


def test_a_new_due_date_is_reminded_of_again_once_it_passes(personas, action, responsible, time_machine):
    time_machine.move_to(at(DUE + datetime.timedelta(days=1)), tick=False)
    services.remind_overdue_actions()
    services.edit_action(action, actor=personas.coordinator, due_on=DUE + datetime.timedelta(days=3))
    assert reload(action).reminded_on is None
    assert services.remind_overdue_actions() == 0  # not overdue any more
    time_machine.move_to(at(DUE + datetime.timedelta(days=4)), tick=False)
    assert services.remind_overdue_actions() == 1
    assert len(outbox()) == 2


def test_the_periodic_command_reminds_and_sends(action, responsible, time_machine, mailoutbox):
    assert "engagement.remind_overdue_actions" in [job.name for job in periodic.jobs()]
    time_machine.move_to(at(DUE + datetime.timedelta(days=5)), tick=False)
    out = io.StringIO()
    call_command("run_periodic", stdout=out)
    lines = out.getvalue().splitlines()
    assert "engagement.remind_overdue_actions: overdue actions reminded 1" in lines
    assert lines[-1].startswith("notifications.deliver_due: sent 1,")  # the reminder left in the same run
    assert [m.to for m in mailoutbox] == [["bold@example.mn"]]
    out = io.StringIO()
    call_command("run_periodic", stdout=out)
    assert "engagement.remind_overdue_actions: overdue actions reminded 0" in out.getvalue().splitlines()
    assert len(mailoutbox) == 1
    assert reload(action.plan).status == ActionPlan.Status.AGREED
