"""Two saves of the same attendance list at once (a double click, two coordinators) both succeed."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

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
    barrier = threading.Barrier(2)
    errors = []

    def save():
        try:
            barrier.wait()
            services.set_named_attendance(meeting, actor=personas.coordinator, members=members)
        except Exception as exc:  # the test reports any failure of either save
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Attendance.objects.filter(meeting=meeting).count() == 5
