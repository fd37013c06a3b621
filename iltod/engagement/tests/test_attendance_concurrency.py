"""Two saves of the same attendance list at once (a double click, two coordinators) both succeed."""

import datetime as dt

import pytest
from django.db import connection

from iltod.core.testing import run_at_once
from iltod.engagement import services
from iltod.engagement.models import Attendance, GroupMember, StakeholderType


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_of_the_same_attendance_add_each_member_once(personas, group):
    members = [
        GroupMember.objects.create(group=group, person_name=f"Гишүүн {n}", stakeholder_type=StakeholderType.CITIZEN)
        for n in range(5)
    ]
    meeting = services.create_meeting(
        actor=personas.coordinator, group=group, title="Хурал", held_on=dt.date(2026, 3, 2)
    )
    # Either save failing raises here.
    run_at_once(2, lambda: services.set_named_attendance(meeting, actor=personas.coordinator, members=members))
    assert Attendance.objects.filter(meeting=meeting).count() == 5
