"""The evidence files of manual actuals go through their guard: results managers only, never the
raw /media/ path."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from iltod.core.views import media, public_media_path
from iltod.results import services
from iltod.results.example import seed_example_framework
from iltod.results.models import Indicator, Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_example_framework()
    year = Period.objects.get(framework__code="masam", start__year=2025)
    return services.submit_manual_actual(
        actor=personas.analyst,
        indicator=Indicator.objects.get(code="2.4.1"),
        period_id=year.pk,
        value=4,
        evidence_file=SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf"),
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 404),
        ("citizen", 404),
        ("monitor", 404),
        ("officer", 404),
        ("analyst", 200),  # manages results (entered it)
        ("admin", 200),
    ],
)
def test_the_evidence_is_for_results_managers(client, personas, entry, who, expected):
    url = entry.evidence_file.url
    assert url.startswith("/results/files/results/evidence/")
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"
        assert response["Cache-Control"] == "private, no-store"


def test_approval_does_not_make_the_evidence_public(client, personas, entry):
    services.review_manual_actual(actor=personas.admin, entry=entry, approve=True)
    assert client.get(entry.evidence_file.url).status_code == 404


def test_unknown_names_are_not_found(client, personas):
    client.force_login(personas.admin)
    for name in ["results/evidence/2025/none.pdf", "results/other/x.pdf", "results/evidence/../../x"]:
        assert client.get(reverse("results:file", kwargs={"name": name})).status_code == 404


def test_the_raw_media_path_is_refused(rf, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "results" / "evidence" / "2025").mkdir(parents=True)
    (tmp_path / "results" / "evidence" / "2025" / "x.pdf").write_bytes(b"%PDF")
    assert public_media_path("results/evidence/2025/x.pdf") is None
    with pytest.raises(Http404):
        media(rf.get("/media/results/evidence/2025/x.pdf"), "results/evidence/2025/x.pdf")
