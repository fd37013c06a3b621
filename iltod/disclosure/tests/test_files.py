"""Disclosure's uploaded files go through their guards: documents public once published, citizens'
photos (value checks, project reports) public once moderated, milestone photos public; the raw
/media/ path is refused for every folder."""

import io

import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from django.urls import reverse
from PIL import Image

from iltod.core.views import media, public_media_path
from iltod.disclosure.models import Disclosure, FacilityValue, Milestone, MonitoringReport, ValueCheck
from iltod.disclosure.services import facility_data as values

from .money_fixtures import money  # noqa: F401
from .obligations_fixtures import scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="JPEG")
    return buffer.getvalue()


def status(client, user, url) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


# --- documents


@pytest.fixture
def document(personas):
    scheduled(personas)
    disclosure = Disclosure.objects.filter(organization=personas.school_org).order_by("due_on").first()
    disclosure.document.save("report.pdf", ContentFile(b"%PDF-1.4 the school's report"), save=False)
    disclosure.document_type = "application/pdf"
    disclosure.status = Disclosure.Status.MISSING  # a document stored, the item not published
    disclosure.save()
    return disclosure


def test_a_document_is_public_once_published_and_its_publishers_only_before(client, personas, document):
    urls = [document.document.url, reverse("disclosure:disclosure_document", args=[document.code])]
    assert urls[0].startswith("/disclosure/files/disclosure/")
    who = {
        None: (404, 200),
        personas.citizen: (404, 200),
        personas.other_officer: (404, 200),  # publishes for another body
        personas.provider: (200, 200),  # publishes for the school
        personas.admin: (200, 200),
    }
    for user, (before, _after) in who.items():
        assert [status(client, user, url) for url in urls] == [before, before], user
    document.status = Disclosure.Status.LATE
    document.save()
    for user, (_before, after) in who.items():
        assert [status(client, user, url) for url in urls] == [after, after], user
    client.logout()
    response = client.get(urls[0])
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_private_bodys_document_stays_with_its_publishers(client, personas, document):
    document.status = Disclosure.Status.ON_TIME
    document.save()
    personas.school_org.is_public = False
    personas.school_org.save()
    assert status(client, None, document.document.url) == 404
    assert status(client, personas.provider, document.document.url) == 200


# --- citizens' checks of facility values


@pytest.fixture
def check(personas):
    values.publish_values(personas.school, "2025", {"pupils": "300", "teachers": "12"}, actor=personas.provider)
    value = FacilityValue.objects.get(facility=personas.school, indicator__code="teachers", period="2025")
    item = ValueCheck(value=value, verdict=ValueCheck.Verdict.DISPUTE, observed_value=9, checked_by=personas.citizen)
    item.photo.save("seen.jpg", ContentFile(jpeg()), save=False)
    item.save()
    return item


def test_a_checks_photo_is_public_once_moderated(client, personas, check):
    url = check.photo.url
    assert url.startswith("/disclosure/files/disclosure/checks/")
    who = {
        None: (404, 200),
        personas.monitor: (404, 200),
        personas.provider: (404, 200),  # the facility does not moderate disputes of its own figures
        personas.other_officer: (404, 200),  # another aimag
        personas.citizen: (200, 200),  # who sent it
        personas.officer: (200, 200),  # handles feedback for the area: moderates
        personas.admin: (200, 200),
    }
    for user, (pending, _published) in who.items():
        assert status(client, user, url) == pending, user
    check.moderation = ValueCheck.Moderation.PUBLISHED
    check.save()
    for user, (_pending, published) in who.items():
        assert status(client, user, url) == published, user
    check.moderation = ValueCheck.Moderation.HIDDEN
    check.save()
    assert status(client, None, url) == 404
    client.logout()


# --- Local Development Fund: milestones and citizens' reports


def test_a_reports_photo_is_public_once_moderated(client, personas, money):  # noqa: F811
    report = MonitoringReport(
        project=money.project, submitted_by=personas.citizen, visited_on="2025-06-01", progress_seen=40, rating=2
    )
    report.photo.save("site.jpg", ContentFile(jpeg()), save=False)
    report.save()
    url = report.photo.url
    assert url.startswith("/disclosure/files/ldf/reports/")
    who = {
        None: (404, 200),
        personas.monitor: (404, 200),
        personas.officer: (404, 200),  # not the soum's governor's office
        personas.citizen: (200, 200),  # who sent it
        money.governor_officer: (200, 200),  # moderates the soum's reports
        personas.admin: (200, 200),
    }
    for user, (pending, _published) in who.items():
        assert status(client, user, url) == pending, user
    report.moderation = MonitoringReport.Moderation.PUBLISHED
    report.save()
    for user, (_pending, published) in who.items():
        assert status(client, user, url) == published, user
    # the project page shows it through the guarded route
    client.logout()
    assert url in client.get(money.project.get_absolute_url()).content.decode()


def test_a_milestones_photo_is_public_through_its_route(client, money):  # noqa: F811
    milestone = Milestone(project=money.project, title="Суурь цутгасан")
    milestone.photo.save("base.jpg", ContentFile(jpeg()), save=False)
    milestone.save()
    assert milestone.photo.url.startswith("/disclosure/files/ldf/milestones/")
    response = client.get(milestone.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" not in response.get("Content-Disposition", "")  # shown in the page's <img>


def test_unknown_and_escaping_names_are_not_found(client, personas):
    client.force_login(personas.admin)
    for name in ["disclosure/checks/none.jpg", "ldf/reports/../../feedback/x.pdf", "disclosure/other.pdf"]:
        assert client.get(reverse("disclosure:file", kwargs={"name": name})).status_code == 404


@pytest.mark.parametrize("folder", ["disclosure/2026/01", "disclosure/checks/2026/01", "ldf/reports", "ldf/milestones"])
def test_the_raw_media_path_is_refused(rf, settings, folder):
    (settings.MEDIA_ROOT / folder).mkdir(parents=True)
    (settings.MEDIA_ROOT / folder / "x.jpg").write_bytes(jpeg())
    assert public_media_path(f"{folder}/x.jpg") is None
    with pytest.raises(Http404):
        media(rf.get(f"/media/{folder}/x.jpg"), f"{folder}/x.jpg")
