"""Uploaded files' URLs lead to the access-checked views, and the response never renders in the
site's origin; with MEDIA_ACCEL_REDIRECT nginx sends the bytes after Django decided."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import FileField
from django.db.models.fields.files import FieldFile
from django.http import Http404

from iltod.core import files


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("procurement/evidence/a.png", "/procurement/files/procurement/evidence/a.png"),
        ("procurement/imports/A.upload", "/procurement/files/procurement/imports/A.upload"),
        ("results/evidence/2025/a.pdf", "/results/files/results/evidence/2025/a.pdf"),
        ("disclosure/2026/01/r.pdf", "/disclosure/files/disclosure/2026/01/r.pdf"),
        ("disclosure/checks/2026/01/a.jpg", "/disclosure/files/disclosure/checks/2026/01/a.jpg"),
        ("ldf/reports/2026/01/a.jpg", "/disclosure/files/ldf/reports/2026/01/a.jpg"),
        ("ldf/milestones/2026/01/a.jpg", "/disclosure/files/ldf/milestones/2026/01/a.jpg"),
        ("learning/library/2026/01/x-a b.pdf", "/learning/files/learning/library/2026/01/x-a%20b.pdf"),
        ("photos/a.png", "/media/photos/a.png"),  # no guard: an ordinary media URL
    ],
)
def test_the_storage_gives_the_guarded_route(name, url):
    assert default_storage.url(name) == url


def test_every_guarded_folder_is_refused_by_the_media_route():
    for prefix in files.ROUTES:
        assert prefix.split("/", 1)[0] in files.PROTECTED_FOLDERS


@pytest.mark.parametrize("name", ["a/../b.pdf", "../b.pdf", "/b.pdf", "a//b.pdf", "a\\b.pdf", ""])
def test_names_that_are_not_stored_names_are_refused(name):
    assert files.normalised_name(name) is None


def stored(name: str, content: bytes) -> FieldFile:
    """A stored file as a model's file field holds it."""
    field = FileField()
    return FieldFile(None, field, default_storage.save(f"procurement/evidence/{name}", ContentFile(content)))


def test_a_document_is_a_sandboxed_download_and_a_photo_shows_in_a_page():
    response = files.send_file(stored("e.pdf", b"%PDF-1.4"), public=False)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    response = files.send_file(stored("p.png", b"\x89PNG"), public=True)
    assert response["Content-Type"] == "image/png"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["Cache-Control"] == "public, max-age=600"
    svg = stored("x.svg", b"<svg onload=alert(1)>")
    assert files.send_file(svg, public=True)["Content-Disposition"].startswith("attachment")


def test_with_x_accel_redirect_nginx_sends_the_bytes(settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    evidence = stored("e.pdf", b"%PDF-1.4")
    response = files.send_file(evidence, public=False, filename="evidence.pdf")
    assert response["X-Accel-Redirect"] == f"/protected-media/{evidence.name}"
    assert response.content == b""
    assert response["Content-Disposition"] == 'attachment; filename="evidence.pdf"'


def test_a_row_whose_file_is_gone_is_not_found():
    with pytest.raises(Http404):
        files.send_file(FieldFile(None, FileField(), "procurement/evidence/gone.pdf"), public=False)
