"""Local Development Fund projects: import by external id, progress by the governor's office, and
citizens' reports that are moderated and whose problems become feedback for the governor's office."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from iltod.disclosure.forms.projects import PROJECT_COLUMNS
from iltod.disclosure.models import LdfProject, MonitoringReport
from iltod.disclosure.services import projects as services
from iltod.feedback.models import Feedback
from iltod.lib.tabular import read_rows

from .money_fixtures import money  # noqa: F401

pytestmark = pytest.mark.django_db


def _csv(*rows) -> bytes:
    lines = [",".join(PROJECT_COLUMNS)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _row(personas, **extra):
    row = {
        "external_id": "BTS-1",
        "area": personas.geo.soum.code,
        "fiscal_year": "2025",
        "title_mn": "Гүүр",
        "title_en": "Bridge",
        "category": "roads",
        "latitude": "47.6",
        "longitude": "101.6",
        "amount_approved": "1000000",
        "amount_spent": "100",
        "contractor": "",
        "ocid": "ocds-abc-1",
        "status": "in_progress",
        "progress": "30",
        "started_on": "2025-04-01",
        "due_on": "2025-10-01",
        "completed_on": "",
        "description": "",
    }
    row.update(extra)
    return [row[c] for c in PROJECT_COLUMNS]


def test_the_governors_office_imports_its_projects_and_updates_them_by_external_id(personas, money):  # noqa: F811
    report = services.import_projects(read_rows(_csv(_row(personas)), "p.csv"), actor=money.governor_officer)
    assert report.ok and report.created == 1, report.errors
    again = services.import_projects(
        read_rows(_csv(_row(personas, progress="60", contractor=money.contractor.code)), "p.csv"),
        actor=money.governor_officer,
    )
    assert (again.created, again.updated) == (0, 1)
    project = LdfProject.objects.get(external_id="BTS-1")
    assert (project.progress, project.contractor) == (60, money.contractor)


def test_an_export_imports_back_unchanged(personas, money):  # noqa: F811
    rows = [["" if v is None else v for v in row] for row in services.project_export_rows(LdfProject.objects.all())]
    report = services.import_projects(read_rows(_csv(*rows), "export.csv"))
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 1), report.errors


def test_bad_project_rows_are_refused_with_their_row_numbers(personas, money):  # noqa: F811
    data = _csv(
        _row(personas),
        _row(personas, external_id="B2", area=personas.geo.aimag.code),  # an aimag has no fund of its own here
        _row(personas, external_id="B3", progress="140"),
        _row(personas, external_id="B4", status="completed", progress="50"),
        _row(personas, external_id="B5", latitude="40.0", longitude="90.0"),  # outside Battsengel
        _row(personas, external_id="B6", contractor="NOPE0000"),
        _row(personas, external_id="B7", category="casino"),
        _row(personas, external_id="B8", area=personas.geo.other_soum.code),  # not the officer's area
        _row(personas, external_id="BTS-1"),  # duplicate
    )
    report = services.import_projects(read_rows(data, "p.csv"), actor=money.governor_officer)
    got = {(e.row, e.column) for e in report.errors}
    assert {
        (3, "area"),
        (4, "progress"),
        (5, "progress"),
        (6, "latitude"),
        (7, "contractor"),
        (8, "category"),
        (9, "area"),
        (10, "external_id"),
    } <= got
    assert LdfProject.objects.count() == 1  # the fixture's only


def test_a_report_with_problems_becomes_feedback_for_the_governors_office(personas, money):  # noqa: F811
    report = services.submit_report(
        money.project,
        data={
            "visited_on": date(2025, 6, 1),
            "progress_seen": 10,
            "rating": 2,
            "problems": "Ажил зогссон",
            "comment": "",
            "name": "Бат",
        },
        user=personas.citizen,
    )
    assert report.moderation == MonitoringReport.Moderation.PENDING
    feedback = Feedback.objects.get(pk=report.feedback_id)
    assert feedback.handling_organization == money.governor
    assert feedback.admin_unit == personas.geo.soum
    assert feedback.attributes["ldf_project"] == money.project.code
    assert money.project.get_absolute_url() in feedback.description
    assert list(feedback.ldf_reports.all()) == [report]  # linked both ways


def test_a_report_without_problems_makes_no_feedback(personas, money):  # noqa: F811
    report = services.submit_report(
        money.project,
        data={
            "visited_on": date(2025, 6, 1),
            "progress_seen": 40,
            "rating": 4,
            "problems": "",
            "comment": "OK",
            "name": "",
        },
    )
    assert report.feedback_id is None and not Feedback.objects.exists()


def test_a_document_is_not_a_photo(personas, money):  # noqa: F811
    pdf = SimpleUploadedFile("x.jpg", b"%PDF-1.4\n%%EOF\n", content_type="image/jpeg")
    with pytest.raises((services.ProjectError, ValidationError)):
        services.submit_report(
            money.project,
            data={
                "visited_on": date(2025, 6, 1),
                "progress_seen": 1,
                "rating": 1,
                "problems": "",
                "comment": "",
                "name": "",
            },
            photo=pdf,
        )
    assert not MonitoringReport.objects.exists()


def test_only_the_areas_governors_office_moderates_and_updates(personas, money):  # noqa: F811
    report = MonitoringReport.objects.create(
        project=money.project, visited_on=date(2025, 6, 1), progress_seen=40, rating=4
    )
    for outsider in (personas.officer, personas.provider, personas.citizen, personas.other_officer):
        with pytest.raises(services.ProjectError):
            services.moderate_report(report, actor=outsider, publish=True)
        with pytest.raises(services.ProjectError):
            services.update_progress(money.project, actor=outsider, data={"progress": 99})
    services.moderate_report(report, actor=money.governor_officer, publish=True)
    assert MonitoringReport.objects.public().count() == 1
    project = services.update_progress(
        money.project,
        actor=money.governor_officer,
        data={"status": LdfProject.Status.COMPLETED, "progress": 100, "amount_spent": Decimal(49_000_000)},
    )
    assert project.completed_on is not None and project.progress == 100
