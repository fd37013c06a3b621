"""Attachments are downloads behind an access check, never public files by URL alone."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from iltod.feedback import services
from iltod.feedback.models import Attachment, Category, Feedback

pytestmark = pytest.mark.django_db


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile("class.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def item(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    feedback, _ = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=Category.objects.get(code="edu-building"),
            description="Цонх хагарсан",
            service_unit=personas.school,
            privacy=Feedback.Privacy.CONFIDENTIAL,
            files=[photo()],
        )
    )
    return feedback


def test_a_private_attachment_is_not_found_for_the_public_or_other_staff(client, personas, item):
    attachment = Attachment.objects.get(feedback=item)
    url = attachment.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(personas.other_officer)
    assert client.get(url).status_code == 404
    client.force_login(personas.provider)  # the school named in a confidential report
    assert client.get(url).status_code == 404


def test_the_handling_body_downloads_it_as_an_attachment_that_is_never_rendered(client, personas, item):
    attachment = Attachment.objects.get(feedback=item)
    client.force_login(personas.officer)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_a_public_attachment_of_a_published_item_is_downloadable_by_anyone(client, personas, item):
    attachment = Attachment.objects.get(feedback=item)
    url = attachment.get_absolute_url()
    Attachment.objects.filter(pk=attachment.pk).update(is_public=True)
    assert client.get(url).status_code == 404  # text not yet published
    services.moderate(item, actor=personas.officer, publish=True)
    assert client.get(url).status_code == 200


def test_the_media_folder_does_not_serve_feedback_files(client, item, settings):
    attachment = Attachment.objects.get(feedback=item)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_malformed_tokens_are_not_found(client, db):
    assert client.get("/feedback/attachments/not-a-token/").status_code == 404
    assert client.get("/feedback/attachments/" + "0" * 32 + "/").status_code == 404
