"""Local Development Fund pages for every persona: the public list and project page, the citizen's
report (bad input refused, nothing saved), the governor's office's progress, milestones and
moderation (404 for everyone else), imports, and bounded queries on the list."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from iltod.disclosure.models import LdfProject, Milestone, MonitoringReport
from iltod.feedback.models import Feedback

from .money_fixtures import money  # noqa: F401

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "citizen",
    "monitor",
    "provider",
    "officer",
    "other_officer",
    "ministry_officer",
    "coordinator",
    "network_admin",
    "analyst",
    "admin",
    "governor_officer",
]
MANAGERS = {"admin", "governor_officer"}  # the soum's governor's office, and platform admins


def login(client, personas, money, name):  # noqa: F811
    if name == "governor_officer":
        client.force_login(money.governor_officer)
    elif name != "anonymous":
        client.force_login(getattr(personas, name))
    return client


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="JPEG")
    return SimpleUploadedFile("well.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("name", PERSONAS)
def test_every_persona_follows_the_matrix(client, personas, money, name):  # noqa: F811
    client = login(client, personas, money, name)
    project = money.project
    assert client.get(reverse("disclosure:project_list")).status_code == 200
    assert client.get(reverse("disclosure:project_list"), {"area": personas.geo.soum.code}).status_code == 200
    detail = client.get(project.get_absolute_url())
    assert detail.status_code == 200
    assert ("progress/" in detail.content.decode()) is (name in MANAGERS)
    assert client.get(reverse("disclosure:project_report", args=[project.code])).status_code == 200

    response = client.post(
        reverse("disclosure:project_progress", args=[project.code]),
        {"status": "in_progress", "progress": "70", "amount_spent": "30000000", "completed_on": ""},
    )
    project.refresh_from_db()
    assert (project.progress == 70) is (name in MANAGERS), name
    if name == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif name not in MANAGERS:
        assert response.status_code == 404

    response = client.post(reverse("disclosure:project_milestone", args=[project.code]), {"title": "Суурь цутгасан"})
    assert Milestone.objects.filter(project=project).exists() is (name in MANAGERS)

    report = MonitoringReport.objects.create(project=project, visited_on="2025-06-01", progress_seen=40, rating=4)
    response = client.post(reverse("disclosure:report_moderate", args=[report.code]), {"publish": "1"})
    report.refresh_from_db()
    assert (report.moderation == MonitoringReport.Moderation.PUBLISHED) is (name in MANAGERS)
    queue = client.get(reverse("disclosure:report_queue"))
    assert queue.status_code == (302 if name == "anonymous" else 200 if name in MANAGERS else 404)
    imports = client.get(reverse("disclosure:project_import"))
    assert imports.status_code == (302 if name == "anonymous" else 200 if name in MANAGERS else 404)


def test_a_citizen_reports_a_problem_and_it_is_public_only_after_moderation(client, personas, money):  # noqa: F811
    url = reverse("disclosure:project_report", args=[money.project.code])
    response = client.post(
        url,
        {
            "visited_on": "2025-06-01",
            "progress_seen": "10",
            "rating": "2",
            "problems": "Ажил 2 сар зогссон",
            "comment": "",
            "name": "Дулмаа",
            "photo": _photo(),
        },
    )
    assert response.status_code == 302
    report = MonitoringReport.objects.get()
    assert report.photo and report.feedback.handling_organization == money.governor
    page = client.get(money.project.get_absolute_url()).content.decode()
    assert "Ажил 2 сар зогссон" not in page  # awaiting moderation
    client.force_login(money.governor_officer)
    assert "Ажил 2 сар зогссон" in client.get(reverse("disclosure:report_queue")).content.decode()
    client.post(reverse("disclosure:report_moderate", args=[report.code]), {"publish": "1"})
    client.logout()
    page = client.get(money.project.get_absolute_url()).content.decode()
    assert "Ажил 2 сар зогссон" in page and report.feedback.tracking_code in page


@pytest.mark.parametrize(
    "data",
    [
        {"visited_on": "2999-01-01", "progress_seen": "10", "rating": "3"},  # in the future
        {"visited_on": "2025-06-01", "progress_seen": "150", "rating": "3"},  # over 100 %
        {"visited_on": "2025-06-01", "progress_seen": "-1", "rating": "3"},
        {"visited_on": "2025-06-01", "progress_seen": "ten", "rating": "3"},
        {"visited_on": "2025-06-01", "progress_seen": "10", "rating": "9"},
        {"visited_on": "", "progress_seen": "10", "rating": "3"},
    ],
)
def test_bad_reports_are_refused_and_nothing_is_saved(client, personas, money, data):  # noqa: F811
    response = client.post(reverse("disclosure:project_report", args=[money.project.code]), data)
    assert response.status_code == 200  # the form again, with its errors
    assert 'class="errorlist' in response.content.decode()
    assert not MonitoringReport.objects.exists() and not Feedback.objects.exists()


def test_a_report_with_the_honeypot_filled_in_is_refused(client, personas, money):  # noqa: F811
    url = reverse("disclosure:project_report", args=[money.project.code])
    page = client.get(url).content.decode()
    assert '<p class="hp" aria-hidden="true">' in page and 'name="website"' in page
    data = {"visited_on": "2025-06-01", "progress_seen": "10", "rating": "2", "problems": "Зогссон"}
    response = client.post(url, {**data, "website": "https://spam.example"})
    assert response.status_code == 200 and not MonitoringReport.objects.exists()
    assert not Feedback.objects.exists()
    assert client.post(url, data).status_code == 302  # the same report from a person is taken


def test_a_document_named_as_a_photo_is_refused(client, personas, money):  # noqa: F811
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")
    data = {"visited_on": "2025-06-01", "progress_seen": "10", "rating": "3", "problems": "x", "photo": fake}
    response = client.post(reverse("disclosure:project_report", args=[money.project.code]), data)
    assert response.status_code == 200  # the form again, with its errors
    assert 'class="errorlist' in response.content.decode()
    assert not MonitoringReport.objects.exists() and not Feedback.objects.exists()


def test_an_impossible_progress_update_is_refused(client, personas, money):  # noqa: F811
    client.force_login(money.governor_officer)
    client.post(
        reverse("disclosure:project_progress", args=[money.project.code]),
        {"status": "completed", "progress": "50", "amount_spent": "1"},
    )
    money.project.refresh_from_db()
    assert money.project.status == LdfProject.Status.IN_PROGRESS


def test_an_unknown_project_or_area_is_a_404(client, personas, money):  # noqa: F811
    assert client.get(reverse("disclosure:project_detail", args=["NOPE0000"])).status_code == 404
    assert client.get(reverse("disclosure:project_list"), {"area": "99999"}).status_code == 404


def test_the_list_reads_a_bounded_number_of_rows(client, personas, money, django_assert_max_num_queries):  # noqa: F811
    for index in range(30):
        LdfProject.objects.create(
            external_id=f"X-{index}",
            admin_unit=personas.geo.soum,
            fiscal_year=2025,
            title_mn=f"Төсөл {index}",
            amount_approved=1000,
            contractor=money.contractor,
        )
    with django_assert_max_num_queries(10):
        response = client.get(reverse("disclosure:project_list"), {"area": personas.geo.soum.code})
    assert response.status_code == 200 and "<progress" in response.content.decode()
    with django_assert_max_num_queries(10):
        assert client.get(reverse("disclosure:project_list")).status_code == 200


def test_the_soum_page_lists_its_projects(client, personas, money):  # noqa: F811
    html = client.get(personas.geo.soum.get_absolute_url()).content.decode()
    assert 'id="ldf-area-h"' in html and money.project.title_mn in html


def test_the_back_office_does_not_name_who_submitted_a_report(client, personas, money):  # noqa: F811
    """A platform administrator holds no membership that lets them see reporters."""
    report = MonitoringReport.objects.create(
        project=money.project, submitted_by=personas.citizen, visited_on="2025-06-01", progress_seen=40, rating=4
    )
    client.force_login(personas.admin)
    url = reverse("admin:disclosure_monitoringreport_change", args=[report.pk])
    page = client.get(url).content.decode()
    assert report.code in page
    assert personas.citizen.email not in page and personas.citizen.full_name not in page
    assert 'name="submitted_by"' not in page
    listing = client.get(reverse("admin:disclosure_monitoringreport_changelist")).content.decode()
    assert personas.citizen.email not in listing and personas.citizen.full_name not in listing
    # Saving the page keeps the identity, which staff can neither see nor change.
    client.post(url, {"project": money.project.pk, "visited_on": "2025-06-02", "progress_seen": 50, "rating": 3})
    report.refresh_from_db()
    assert report.submitted_by == personas.citizen


def test_a_projects_reports_are_paginated_and_rated_over_all_of_them(client, personas, money):  # noqa: F811
    import datetime

    MonitoringReport.objects.bulk_create(
        MonitoringReport(
            project=money.project,
            visited_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
            progress_seen=10,
            rating=5 if i < 5 else 3,  # the five oldest rated 5, the fifty newer 3
            comment=f"report-{i:02}",
            moderation=MonitoringReport.Moderation.PUBLISHED,
        )
        for i in range(55)
    )
    url = money.project.get_absolute_url()
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "report-54" in first and "report-04" not in first and "?page=2" in first
    assert "3.2 of 5, from 55 reports" in first  # (5*5 + 50*3) / 55
    second = client.get(url, {"page": "2"}).content.decode()
    assert "report-04" in second and "report-54" not in second
