"""The development media route never serves the protected folders, however the path is written."""

import pytest
from django.urls import re_path

from iltod.core.views import media, public_media_path

# the route as iltod/urls.py adds it with DEBUG on (the suite runs with DEBUG off)
urlpatterns = [re_path(r"^media/(?P<path>.*)$", media)]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("photos/a.png", "photos/a.png"),
        ("photos//a.png", "photos/a.png"),
        ("photos/./a.png", "photos/a.png"),
        ("feedback/T0KEN.pdf", None),
        ("/feedback/T0KEN.pdf", None),
        ("./feedback/T0KEN.pdf", None),
        ("photos/../feedback/T0KEN.pdf", None),
        ("../feedback/T0KEN.pdf", None),
        ("Feedback/T0KEN.pdf", None),
        ("engagement/minutes.pdf", None),
        ("//engagement/minutes.pdf", None),
        ("feedback\\T0KEN.pdf", None),
        ("procurement/evidence/a.png", None),
        ("procurement/imports/A.upload", None),
        ("results/evidence/2025/a.pdf", None),
        ("disclosure/2026/01/report.pdf", None),
        ("disclosure/checks/2026/01/a.jpg", None),
        ("ldf/reports/2026/01/a.jpg", None),
        ("ldf/milestones/2026/01/a.jpg", None),
        ("Learning/library/2026/01/draft.pdf", None),
        ("photos/../ldf/reports/a.jpg", None),
        ("", None),
        (".", None),
    ],
)
def test_the_path_is_normalised_before_the_protected_folders_are_refused(path, expected):
    assert public_media_path(path) == expected


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "feedback").mkdir()
    (tmp_path / "feedback" / "T0KEN.pdf").write_bytes(b"%PDF- a citizen's letter")
    (tmp_path / "engagement").mkdir()
    (tmp_path / "engagement" / "minutes.pdf").write_bytes(b"%PDF- minutes")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.png").write_bytes(b"png")
    return tmp_path


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    "url",
    [
        "/media/feedback/T0KEN.pdf",
        "/media//feedback/T0KEN.pdf",
        "/media/%2e/feedback/T0KEN.pdf",
        "/media/%2E/feedback/T0KEN.pdf",
        "/media/photos/%2e%2e/feedback/T0KEN.pdf",
        "/media/./feedback/T0KEN.pdf",
        "/media/%2Ffeedback/T0KEN.pdf",
        "/media//engagement/minutes.pdf",
        "/media/%2e/engagement/minutes.pdf",
    ],
)
def test_protected_files_are_not_served_by_any_spelling_of_their_path(client, media_root, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"citizen" not in b"".join(getattr(response, "streaming_content", [response.content]))


@pytest.mark.urls(__name__)
def test_public_media_is_still_served(client, media_root):
    response = client.get("/media/photos//a.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"png"
