"""Uploaded files' URLs lead to the access-checked views, and the response never renders in the
site's origin; with MEDIA_ACCEL_REDIRECT nginx sends the bytes after Django decided."""

from datetime import date

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
    cyrillic = files.send_file(stored("тайлан.pdf", b"%PDF-1.4"), public=False)
    assert cyrillic["X-Accel-Redirect"].endswith("/evidence/%D1%82%D0%B0%D0%B9%D0%BB%D0%B0%D0%BD.pdf")


def test_a_row_whose_file_is_gone_is_not_found():
    with pytest.raises(Http404):
        files.send_file(FieldFile(None, FileField(), "procurement/evidence/gone.pdf"), public=False)


class Anything:
    """Stands for any instance an ``upload_to`` function reads (``instance.feedback.received_at``)."""

    def __getattr__(self, name):
        return self

    def __format__(self, spec):
        return "x"

    def __str__(self):
        return "x"


def test_every_upload_folder_of_every_model_is_protected():
    """A new FileField whose folder nobody protects would be public by its address: fail here."""
    from django.apps import apps

    folders = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                name = field.upload_to(Anything(), "x.pdf") if callable(field.upload_to) else field.upload_to
                folders[f"{model._meta.label}.{field.name}"] = name.split("/", 1)[0].lower()
    assert folders  # the project has uploads
    assert {label: folder for label, folder in folders.items() if folder not in files.PROTECTED_FOLDERS} == {}
    routed = {label for label, folder in folders.items() if folder not in ("feedback", "engagement")}
    for label in routed:  # the modules' own folders have a guarded route; feedback and engagement their views
        model_label, field_name = label.rsplit(".", 1)
        field = apps.get_model(model_label)._meta.get_field(field_name)
        upload_to = field.upload_to
        name = upload_to(Anything(), "x.pdf") if callable(upload_to) else f"{date.today():{upload_to}}x.pdf"
        assert files.route_for(name), label
