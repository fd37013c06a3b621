import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from iltod.feedback import stats
from iltod.feedback.imports import import_feedback
from iltod.feedback.models import Event, Feedback, Reporter, Stat
from iltod.lib.tabular import read_rows
from iltod.notifications.models import OutboundMessage

from .helpers import TUESDAY, UB

S = Feedback.Status
HEADER = [
    "external_id",
    "received_at",
    "kind",
    "category",
    "facility",
    "admin_unit_code",
    "description",
    "privacy",
    "name",
    "phone",
    "email",
    "status",
    "response",
    "resolved_at",
    "handled_by",
]


@pytest.fixture(autouse=True)
def _tuesday(time_machine):
    time_machine.move_to(TUESDAY, tick=False)


def register(world):
    """Three rows of an aimag's paper register, typed into a spreadsheet."""
    return [
        [
            "AR-2026-001",
            "2026-03-02",
            "complaint",
            "edu-meals",
            world.school.code,
            "",
            "Үдийн цай өгөхгүй байна.",
            "",
            "Дорж",
            "9911 2233",
            "",
            "",
            "",
            "",
            "",
        ],
        [
            "AR-2026-002",
            "2026-03-05 14:30",
            "petition",
            "edu-building",
            world.school.code.lower(),
            "",
            "Ангийн цонх хагарсан.",
            "name_hidden",
            "",
            "",
            "",
            "resolved",
            "Цонхыг сольсон.",
            "2026-03-20",
            world.education_dept.code,
        ],
        [
            "AR-2026-003",
            "05.03.2026",
            "proposal",
            "edu-enrolment",
            "",
            "6504",
            "Цэцэрлэгийн орон тоо нэмэх.",
            "public",
            "Сараа",
            "",
            "saraa@example.mn",
            "closed",
            "Төсөвт тусгасан.",
            "2026-04-30",
            "",
        ],
    ]


def csv_bytes(rows, header=HEADER) -> bytes:
    lines = [",".join(header)] + [",".join(f'"{cell}"' for cell in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(data: bytes, **options):
    return import_feedback(read_rows(data), **options)


def test_a_good_csv_register_is_imported(world):
    report = run(csv_bytes(register(world)))
    assert (report.ok, report.created, report.unchanged) == (True, 3, 0)
    first, second, third = (Feedback.objects.get(external_id=f"AR-2026-00{i}") for i in (1, 2, 3))
    assert {f.channel for f in (first, second, third)} == {Feedback.Channel.IMPORT}
    assert (first.status, first.received_at, first.handling_organization) == (
        S.RECEIVED,
        datetime(2026, 3, 2, tzinfo=UB),
        world.school_org,
    )
    assert first.resolve_due == datetime(2026, 4, 1, 23, 59, 59, tzinfo=UB)
    assert Reporter.objects.get(feedback=first).phone == "+97699112233"
    assert Reporter.objects.get(feedback=first).notify is False
    assert (second.status, second.handling_organization, second.public_response, second.resolved_at) == (
        S.RESOLVED,
        world.education_dept,
        "Цонхыг сольсон.",
        datetime(2026, 3, 20, tzinfo=UB),
    )
    assert second.received_at == datetime(2026, 3, 5, 14, 30, tzinfo=UB)
    assert (third.service_unit, third.admin_unit, third.status, third.closed_at) == (
        None,
        world.geo.soum,
        S.CLOSED,
        datetime(2026, 4, 30, tzinfo=UB),
    )
    assert third.received_at == datetime(2026, 3, 5, tzinfo=UB)
    event = second.events.get(type=Event.Type.STATUS)
    assert (event.old_status, event.new_status, event.data) == (S.RECEIVED, S.RESOLVED, {"imported": True})
    assert not OutboundMessage.objects.exists()  # nobody is told about old records


def test_a_good_xlsx_register_with_real_dates_is_imported(world):
    rows = register(world)
    rows[0][1] = datetime(2026, 3, 2)
    rows[1][1] = datetime(2026, 3, 5, 14, 30)
    rows[1][13] = datetime(2026, 3, 20)
    rows[2][1] = datetime(2026, 3, 5)
    rows[2][13] = datetime(2026, 4, 30)
    report = run(xlsx_bytes(rows))
    assert (report.ok, report.created) == (True, 3)
    assert Feedback.objects.get(external_id="AR-2026-002").received_at == datetime(2026, 3, 5, 14, 30, tzinfo=UB)
    assert Feedback.objects.get(external_id="AR-2026-003").resolved_at == datetime(2026, 4, 30, tzinfo=UB)


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_saved(world):
    good = register(world)[0]

    def row(external_id, **changes):
        values = dict(zip(HEADER, good, strict=True)) | {"external_id": external_id} | changes
        return [values[column] for column in HEADER]

    rows = [
        good,  # row 2
        row("AR-3", category="edu-unknown"),  # row 3
        row("AR-4", phone="12345"),  # row 4
        row("AR-5", facility="NOSUCHCODE"),  # row 5
        row("AR-6", status="resolved", response="", resolved_at=""),  # row 6
        row("AR-2026-001"),  # row 7: the same register number as row 2
        row("AR-8", received_at="2026-12-31"),  # row 8: in the future
        row("AR-9", facility="", admin_unit_code=""),  # row 9
        row("AR-10", status="resolved", response="Шийдсэн.", resolved_at="2026-03-01"),  # row 10: before receipt
        row("AR-11", handled_by="NOSUCHORG"),  # row 11
        row("AR-12", kind="rumour", email="not-an-email"),  # row 12
        row("AR-13", facility="", admin_unit_code="9999"),  # row 13
    ]
    with translation.override("en"):
        report = run(csv_bytes(rows))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "category"),
        (4, "phone"),
        (5, "facility"),
        (6, "response"),
        (6, "resolved_at"),
        (7, "external_id"),
        (8, "received_at"),
        (9, "facility"),
        (10, "resolved_at"),
        (11, "handled_by"),
        (12, "kind"),
        (12, "email"),
        (13, "admin_unit_code"),
    ]
    duplicate = next(e for e in report.errors if e.row == 7)
    assert duplicate.message == "duplicate of row 2"
    assert not Feedback.objects.exists()
    assert not Reporter.objects.exists()
    assert not Stat.objects.exists()


def test_importing_the_same_register_again_changes_nothing(world):
    run(csv_bytes(register(world)))
    before = sorted(Stat.objects.values_list("scope", "scope_id", "received", "resolved"))
    again = run(csv_bytes(register(world)))
    assert (again.ok, again.created, again.unchanged) == (True, 0, 3)
    assert Feedback.objects.count() == 3
    assert Event.objects.filter(type=Event.Type.STATUS).count() == 2
    assert sorted(Stat.objects.values_list("scope", "scope_id", "received", "resolved")) == before


def test_a_dry_run_checks_everything_and_saves_nothing(world):
    report = run(csv_bytes(register(world)), dry_run=True)
    assert (report.ok, report.created, report.dry_run) == (True, 3, True)
    assert not Feedback.objects.exists()
    assert not Stat.objects.exists()


def test_legacy_resolved_rows_count_in_the_statistics(world):
    run(csv_bytes(register(world)))
    national = stats.summary(Stat.Scope.NATIONAL, 0, 2026)
    assert (national.received, national.resolved, national.resolved_on_time) == (3, 2, 1)
    # Resolved after 14 days (on time) and after 56 days (late).
    assert {days: n for days, n in enumerate(national.histogram) if n} == {14: 1, 56: 1}
    # The department that handled row 2 counts it; the school keeps row 1.
    department = stats.summary(Stat.Scope.ORGANIZATION, world.education_dept.pk)
    assert (department.received, department.resolved) == (2, 2)  # row 2, and row 3 routed by area
    school = stats.summary(Stat.Scope.ORGANIZATION, world.school_org.pk)
    assert (school.received, school.resolved) == (1, 0)
    before = sorted(
        row
        for row in Stat.objects.values_list(
            "scope", "scope_id", "year", "received", "resolved", "resolved_on_time", "resolve_days"
        )
        if any(row[3:6])
    )
    stats.rebuild()
    after = sorted(
        row
        for row in Stat.objects.values_list(
            "scope", "scope_id", "year", "received", "resolved", "resolved_on_time", "resolve_days"
        )
        if any(row[3:6])
    )
    assert after == before


def test_a_row_still_in_progress_is_not_counted_as_resolved(world):
    rows = register(world)[:1]
    rows[0][11:14] = ["in_progress", "Шалгаж байна.", "2026-03-10"]
    assert run(csv_bytes(rows)).created == 1
    feedback = Feedback.objects.get()
    assert (feedback.status, feedback.resolved_at) == (S.IN_PROGRESS, None)
    assert stats.summary(Stat.Scope.NATIONAL).resolved == 0


# --- the staff page and the command ----------------------------------------------------------


def _upload(world, data, name="register.csv", **extra):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.officer)
    return client.post(reverse("feedback:import"), {"file": SimpleUploadedFile(name, data), **extra}, follow=True)


def test_the_staff_import_page_imports_and_goes_to_the_inbox(world):
    response = _upload(world, csv_bytes(register(world)))
    assert response.redirect_chain == [(reverse("feedback:inbox"), 302)]
    assert [m.message for m in response.context["messages"]] == ["Imported: 3 created, 0 already there."]
    assert Feedback.objects.count() == 3
    assert set(Event.objects.filter(type=Event.Type.SUBMITTED).values_list("actor", flat=True)) == {world.officer.pk}


def test_the_staff_import_page_lists_the_errors_and_saves_nothing(world):
    rows = register(world)
    rows[1][3] = "edu-unknown"
    response = _upload(world, xlsx_bytes(rows), name="register.xlsx")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 error: nothing was saved." in page
    assert "<td>3</td><td>category</td>" in page
    assert not Feedback.objects.exists()


def test_the_staff_import_page_checks_without_saving(world):
    response = _upload(world, csv_bytes(register(world)), dry_run="on")
    assert "Check passed: 3 would be created, 0 are already there. Nothing was saved." in response.content.decode()
    assert not Feedback.objects.exists()


def test_the_staff_import_page_refuses_other_file_types(world):
    response = _upload(world, b"%PDF-1.4", name="register.pdf")
    assert response.context["form"].errors["file"] == ["Upload a .csv or .xlsx file."]


def test_the_import_command_imports_a_file(world, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(register(world)))
    out = io.StringIO()
    call_command("import_feedback", str(path), stdout=out)
    assert out.getvalue().strip() == "3 created, 0 updated, 0 unchanged (were saved)."
    out = io.StringIO()
    call_command("import_feedback", str(path), stdout=out)
    assert out.getvalue().strip() == "0 created, 0 updated, 3 unchanged (were saved)."
    assert Feedback.objects.count() == 3


def test_the_import_command_fails_on_a_bad_row_and_saves_nothing(world, tmp_path):
    rows = register(world)
    rows[2][5] = "9999"
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match=r"1 errors: nothing was saved\."):
        call_command("import_feedback", str(path), stderr=err)
    assert "Row 4, column admin_unit_code: no administrative unit with code 9999" in err.getvalue()
    assert not Feedback.objects.exists()
