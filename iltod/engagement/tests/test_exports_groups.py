"""Exports a coordinator takes to a meeting: membership and attendance (named, and disaggregated by
sex and stakeholder type), as CSV and XLSX, opened back and checked cell by cell."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from iltod.engagement import services
from iltod.engagement.models import GroupMember, Meeting, Sex, StakeholderType

from .helpers_groups import SOME_MEMBERS, add_members, client_for, held_meeting


def sheet_rows(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_membership_export_has_every_member_with_contacts_and_dates(personas, group):
    services.add_member(
        actor=personas.coordinator, group=group, person_name="Дулмаа Баяр", organization=personas.education_dept,
        position="Мэргэжилтэн", stakeholder_type=StakeholderType.EDUCATION_DEPARTMENT, sex=Sex.FEMALE,
        age_band="35_59", role=GroupMember.Role.SECRETARY, phone="+97699887766", email="dulmaa@example.mn",
        joined_on=datetime.date(2025, 1, 10), left_on=datetime.date(2025, 12, 31),
    )  # fmt: skip
    client = client_for(personas, "coordinator")
    rows = sheet_rows(client.get(reverse("engagement:member_export", args=[group.code, "xlsx"])))
    assert rows[0] == (
        "Name", "Organisation", "Position", "Stakeholder type", "Sex", "Age", "Role in the group", "Phone", "E-mail",
        "Joined on", "Left on", "Current member",
    )  # fmt: skip
    assert len(rows) == 3
    dulmaa = next(r for r in rows if r[0] == "Дулмаа Баяр")
    assert dulmaa[1] == "Arkhangai Education Department"
    assert dulmaa[3:7] == ("education department", "female", "35–59", "secretary")
    assert dulmaa[7:9] == ("+97699887766", "dulmaa@example.mn")
    assert dulmaa[9].date() == datetime.date(2025, 1, 10) and dulmaa[10].date() == datetime.date(2025, 12, 31)
    assert dulmaa[11] == "no"
    monitor = next(r for r in rows if r[0] == "Monitor")
    assert monitor[8] == personas.monitor.email and monitor[11] == "yes"
    text = csv_rows(client.get(reverse("engagement:member_export", args=[group.code, "csv"])))
    assert text[0][0] == "Name" and {r[0] for r in text[1:]} == {"Monitor", "Дулмаа Баяр"}


def test_the_group_attendance_export_adds_named_and_counted_participants_by_sex_and_type(personas, group):
    members = add_members(group, personas.coordinator, SOME_MEMBERS)
    first = held_meeting(group, personas.coordinator, held_on=datetime.date(2026, 2, 1), title="Эхний хурал")
    services.set_named_attendance(first, actor=personas.coordinator, members=members)
    services.add_guest(first, actor=personas.coordinator, name="Зочин", stakeholder_type="citizen", sex=Sex.MALE)
    services.set_attendance_counts(
        first, actor=personas.coordinator, counts={("citizen", "female"): 10, ("khural", "undisclosed"): 3}
    )
    second = held_meeting(group, personas.coordinator, held_on=datetime.date(2026, 5, 1), title="Хоёр дахь хурал")
    services.set_attendance_counts(second, actor=personas.coordinator, counts={("media", "male"): 4})
    planned = held_meeting(group, personas.coordinator, status=Meeting.Status.PLANNED, title="Төлөвлөсөн")
    services.set_attendance_counts(planned, actor=personas.coordinator, counts={("media", "male"): 99})

    rows = sheet_rows(
        client_for(personas, "monitor").get(reverse("engagement:group_attendance_export", args=[group.code, "xlsx"]))
    )
    assert rows[0] == ("Date", "Meeting", "Stakeholder type", "female", "male", "not stated", "Total")
    body = [(r[0].date(), r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows[1:]]
    assert body == [
        (datetime.date(2026, 2, 1), "Эхний хурал", "governor's office", 0, 1, 0, 1),
        (datetime.date(2026, 2, 1), "Эхний хурал", "citizens' representative khural", 0, 0, 3, 3),
        (datetime.date(2026, 2, 1), "Эхний хурал", "media", 0, 1, 0, 1),
        (datetime.date(2026, 2, 1), "Эхний хурал", "citizen", 12, 1, 0, 13),
        (datetime.date(2026, 5, 1), "Хоёр дахь хурал", "media", 0, 4, 0, 4),
    ]
    # The group page shows the same totals (the planned meeting is not counted).
    page = client_for(personas, "anonymous").get(group.get_absolute_url())
    assert page.context["dashboard"].attendance.total == 22
    assert page.context["dashboard"].meetings_held == 2


def test_the_meeting_attendance_export_lists_names_then_counts(personas, group):
    members = add_members(group, personas.coordinator, SOME_MEMBERS[:2])
    meeting = held_meeting(group, personas.coordinator)
    services.set_named_attendance(meeting, actor=personas.coordinator, members=members)
    services.add_guest(
        meeting, actor=personas.coordinator, name="Зочин Ганаа", organization_name="Сургууль",
        stakeholder_type=StakeholderType.SERVICE_PROVIDER, sex=Sex.FEMALE, age_band="18_34",
    )  # fmt: skip
    services.set_attendance_counts(meeting, actor=personas.coordinator, counts={("citizen", "female"): 6})
    client = client_for(personas, "coordinator")
    rows = sheet_rows(client.get(reverse("engagement:meeting_attendance_export", args=[meeting.code, "xlsx"])))
    assert rows[0] == ("Name", "Organisation", "Stakeholder type", "Sex", "Age", "Member or guest", "Number")
    assert rows[1:] == [
        ("Бат Болд", None, "governor's office", "male", "not stated", "member", 1),
        ("Зочин Ганаа", "Сургууль", "service provider", "female", "18–34", "guest", 1),
        ("Сарнай Дорж", None, "citizen", "female", "not stated", "member", 1),
        ("(counted)", None, "citizen", "female", None, None, 6),
    ]
    text = csv_rows(client.get(reverse("engagement:meeting_attendance_export", args=[meeting.code, "csv"])))
    assert text[-1] == ["(counted)", "", "citizen", "female", "", "", "6"]


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "provider", "other_officer", "monitor"])
def test_exports_with_names_are_for_coordinators(personas, group, persona):
    meeting = held_meeting(group, personas.coordinator)
    client = client_for(personas, persona)
    for url in (
        reverse("engagement:member_export", args=[group.code, "xlsx"]),
        reverse("engagement:meeting_attendance_export", args=[meeting.code, "csv"]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404)
        assert response.status_code == (302 if persona == "anonymous" else 404)


def test_an_unknown_export_format_is_not_found(personas, group):
    client = client_for(personas, "coordinator")
    assert client.get(reverse("engagement:member_export", args=[group.code, "pdf"])).status_code == 404
    assert client.get(reverse("engagement:group_attendance_export", args=[group.code, "ods"])).status_code == 404
