"""Milestones in the Local Development Fund import: a second sheet of the workbook (or a CSV file
of their own), upserted by the project's external id and the milestone's title, with row-numbered
errors and nothing saved unless every row of both sheets is valid; the export reads back."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from iltod.disclosure.forms.projects import MILESTONE_COLUMNS, PROJECT_COLUMNS
from iltod.disclosure.models import LdfProject, Milestone
from iltod.disclosure.services import projects as services
from iltod.lib.tabular import TabularError, read_workbook

from .money_fixtures import money  # noqa: F401

pytestmark = pytest.mark.django_db


def _project(personas, **extra):
    row = {
        "external_id": "BTS-9",
        "area": personas.geo.soum.code,
        "fiscal_year": "2025",
        "title_mn": "Цэцэрлэг",
        "title_en": "Kindergarten",
        "category": "education",
        "latitude": "",
        "longitude": "",
        "amount_approved": "5000000",
        "amount_spent": "0",
        "contractor": "",
        "ocid": "",
        "status": "in_progress",
        "progress": "20",
        "started_on": "2025-04-01",
        "due_on": "",
        "completed_on": "",
        "description": "",
    }
    row.update(extra)
    return [row[c] for c in PROJECT_COLUMNS]


def _workbook(projects, milestones, milestone_header=MILESTONE_COLUMNS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "projects"
    sheet.append(PROJECT_COLUMNS)
    for row in projects:
        sheet.append(row)
    second = book.create_sheet("milestones")
    second.append(milestone_header)
    for row in milestones:
        second.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(data: bytes, name="p.xlsx", actor=None, dry_run=False):
    projects, milestones = services.split_workbook(read_workbook(data, name))
    return services.import_projects(projects, milestones=milestones, actor=actor, dry_run=dry_run)


def test_projects_and_their_milestones_import_together_and_update_by_title(personas, money):  # noqa: F811
    data = _workbook(
        [_project(personas)],
        [
            ["BTS-9", "Суурь цутгах", "2025-05-01", "2025-05-20"],
            ["BTS-9", "Хана босгох", "2025-07-01", ""],
            ["BTS-2025-01", "Гүүрийн тулгуур", "2025-06-01", ""],  # a project already published
        ],
    )
    report = _import(data, actor=money.governor_officer)
    assert report.ok, report.errors
    assert (report.created, report.milestones_created) == (1, 3)
    walls = Milestone.objects.get(project__external_id="BTS-9", title="Хана босгох")
    assert walls.done_on is None and walls.planned_on == date(2025, 7, 1)
    # the office's spreadsheet again, with one milestone done: updated, nothing doubled
    again = _workbook(
        [_project(personas, progress="60")],
        [
            ["BTS-9", "Суурь цутгах", "2025-05-01", "2025-05-20"],
            ["BTS-9", "Хана босгох", "2025-07-01", "2025-08-02"],
        ],
    )
    report = _import(again, actor=money.governor_officer)
    assert report.ok, report.errors
    assert (report.updated, report.milestones_updated, report.milestones_unchanged) == (1, 1, 1)
    walls.refresh_from_db()
    assert walls.done_on == date(2025, 8, 2)
    assert Milestone.objects.filter(project__external_id="BTS-9").count() == 2
    assert Milestone.objects.filter(project=money.project).count() == 1  # not in the file: kept


def test_bad_milestones_are_refused_with_their_rows_and_nothing_is_saved(personas, money):  # noqa: F811
    other = LdfProject.objects.create(
        external_id="OTHER-1",
        admin_unit=personas.geo.other_soum,
        fiscal_year=2025,
        title_mn="Зам",
        amount_approved=1,
    )
    data = _workbook(
        [_project(personas)],
        [
            ["BTS-9", "Суурь", "2025-05-01", ""],
            ["NOPE-1", "Суурь", "", ""],  # no such project
            ["BTS-9", "", "", ""],  # no title
            ["BTS-9", "Дээвэр", "2025-13-01", ""],  # not a date
            ["BTS-9", "Цонх", "", "2099-01-01"],  # done in the future
            ["BTS-9", "Суурь", "", ""],  # the same milestone twice
            [other.external_id, "Суурь", "", ""],  # another soum's project
            ["bad id!", "Суурь", "", ""],
        ],
    )
    report = _import(data, actor=money.governor_officer)
    assert not report.ok
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "milestones.project"),
        (4, "milestones.title"),
        (5, "milestones.planned_on"),
        (6, "milestones.done_on"),
        (7, "milestones.title"),
        (8, "milestones.project"),
        (9, "milestones.project"),
    }
    assert "7" in str(next(e for e in report.errors if e.row == 7))  # "Row 7, column milestones.title: … row 2"
    assert not LdfProject.objects.filter(external_id="BTS-9").exists()  # the valid project was not saved either
    assert not Milestone.objects.exists()


def test_a_bad_project_row_saves_no_milestone(personas, money):  # noqa: F811
    data = _workbook([_project(personas, progress="140")], [["BTS-2025-01", "Гүүр", "", ""]])
    report = _import(data, actor=money.governor_officer)
    assert [(e.row, e.column) for e in report.errors] == [(2, "progress")]
    assert not Milestone.objects.filter(title="Гүүр").exists()


def test_a_dry_run_saves_nothing(personas, money):  # noqa: F811
    data = _workbook([_project(personas)], [["BTS-9", "Суурь", "", ""]])
    report = _import(data, actor=money.governor_officer, dry_run=True)
    assert report.ok and report.milestones_created == 1
    assert not Milestone.objects.filter(title="Суурь").exists()


def test_a_milestones_csv_imports_on_its_own(personas, money):  # noqa: F811
    data = "project,title,planned_on,done_on\nBTS-2025-01,Гүүрийн хашлага,2025-09-01,\n".encode()
    projects, milestones = services.split_workbook(read_workbook(data, "m.csv"))
    assert projects == [] and len(milestones) == 1
    report = services.import_projects(projects, milestones=milestones, actor=money.governor_officer)
    assert report.ok and report.milestones_created == 1


def test_the_export_imports_back_unchanged(client, personas, money):  # noqa: F811
    client.force_login(money.governor_officer)
    Milestone.objects.create(project=money.project, title="Тулгуур", planned_on=date(2025, 6, 1))
    response = client.get(reverse("disclosure:project_list") + "?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["projects", "milestones"]
    assert [c.value for c in book["milestones"][1]] == MILESTONE_COLUMNS
    before = Milestone.objects.count()
    upload = SimpleUploadedFile("ldf.xlsx", response.content)
    page = client.post(reverse("disclosure:project_import"), {"file": upload})
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Milestone.objects.count() == before
    milestones_csv = client.get(reverse("disclosure:project_list") + "?format=csv&part=milestones")
    text = milestones_csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(MILESTONE_COLUMNS) and "Тулгуур" in text
    projects, milestones = services.split_workbook(read_workbook(text.encode(), "m.csv"))
    report = services.import_projects(projects, milestones=milestones)
    assert report.ok and report.milestones_unchanged == Milestone.objects.count()


def test_a_workbook_whose_milestone_sheet_names_no_columns_is_refused(personas, money):  # noqa: F811
    book = Workbook()
    book.active.append(PROJECT_COLUMNS)
    book.create_sheet("milestones").append([None, None])
    book["milestones"].append(["BTS-9", "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TabularError):
        read_workbook(buffer.getvalue(), "p.xlsx")


def test_a_milestone_of_a_bad_project_row_is_not_reported_again(personas, money):  # noqa: F811
    data = _workbook([_project(personas, progress="140")], [["BTS-9", "Суурь", "", ""]])
    report = _import(data, actor=money.governor_officer)
    assert [(e.row, e.column) for e in report.errors] == [(2, "progress")]
    assert not LdfProject.objects.filter(external_id="BTS-9").exists()
