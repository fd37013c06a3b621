"""The photo of a KoBoToolbox submission is fetched by a task, from a fake KoBo server on a real
socket, and attached to the feedback item as a photo of the web form is: cleaned, private until
moderated, once. Without a token, from a server that is not listed, or when KoBo refuses it, the
photo stays in KoBoToolbox and the timeline says where and why."""

import io
import os
import subprocess
import sys

import pytest
from PIL import Image

from iltod.feedback import services
from iltod.feedback.channels import kobo_photos
from iltod.feedback.models import Attachment, Category, Event, Feedback
from iltod.feedback.tasks import fetch_kobo_photo
from iltod.feedback.uploads import MAX_BYTES

from .fake_kobo import GPS_INFO, Answer, FakeKobo, jpeg_with_position
from .test_kobo_channel import SECRET, post, submission

TOKEN = "kobo-api-token-for-tests"
PHOTO = "1714616140123.jpg"
PATH = "/media/original/1714616140123.jpg"


@pytest.fixture
def kobo_server(settings):
    """A fake KoBo server that keeps the submissions' photos, listed, with a token configured."""
    with FakeKobo() as server:
        settings.KOBO_WEBHOOK_SECRET = SECRET
        settings.FEEDBACK_TRIAGE_ORGANIZATION = ""
        settings.KOBO_API_TOKEN = TOKEN
        settings.KOBO_SERVER_URLS = [server.origin]
        yield server


def deliver(client, personas, url, capture, **answers):
    """Post a submission whose photo KoBo serves at ``url``; the tasks queued on commit run (eagerly)."""
    data = submission(personas, **answers)
    data["_attachments"][0]["download_url"] = url
    with capture(execute=True):
        response = post(client, data)
    assert response.status_code in {200, 201}, response.content
    return data, Feedback.objects.get(external_id=data["_uuid"])


def notes(feedback) -> list[str]:
    return list(feedback.events.filter(type=Event.Type.NOTE).order_by("pk").values_list("text", flat=True))


def test_the_photo_is_fetched_with_the_token_and_attached_without_its_position(
    client, personas, kobo_server, django_capture_on_commit_callbacks
):
    url = kobo_server.serve(PATH, Answer(body=jpeg_with_position()))
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    assert kobo_server.requests == [(PATH, f"Token {TOKEN}")]
    attachment = Attachment.objects.get(feedback=feedback)
    assert (attachment.original_name, attachment.content_type) == (PHOTO, "image/jpeg")
    assert not attachment.is_public  # a moderator decides, as for a photo of the web form
    stored = Image.open(attachment.file)
    assert stored.size == (64, 48)
    assert not stored.getexif().get_ifd(GPS_INFO) and 271 not in stored.getexif()
    assert attachment.size == attachment.file.size
    assert [url in text for text in notes(feedback)] == [True]  # where the original is kept


def test_the_fetched_photo_is_private_until_moderated(
    client, personas, kobo_server, django_capture_on_commit_callbacks
):
    url = kobo_server.serve(PATH, Answer(body=jpeg_with_position()))
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    download = Attachment.objects.get(feedback=feedback).get_absolute_url()
    client.logout()
    assert client.get(download).status_code == 404
    client.force_login(personas.other_officer)
    assert client.get(download).status_code == 404
    client.force_login(personas.provider)  # the school handles its feedback
    assert client.get(download).status_code == 200
    services.moderate(feedback, actor=personas.provider, publish=True)
    client.logout()
    assert client.get(download).status_code == 404  # the item is public, the photo not yet
    Attachment.objects.filter(feedback=feedback).update(is_public=True)  # the moderator's choice
    assert client.get(download).status_code == 200


def test_without_a_token_nothing_is_fetched_and_the_note_stays(
    client, personas, kobo_server, settings, django_capture_on_commit_callbacks
):
    settings.KOBO_API_TOKEN = ""
    url = kobo_server.serve(PATH, Answer(body=jpeg_with_position()))
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    assert kobo_server.requests == []
    assert not Attachment.objects.exists()
    assert notes(feedback) == [f"Хээрээс авсан зураг, KoBoToolbox-д хадгалагдаж байна: {url}"]


def test_a_server_that_is_not_listed_is_never_contacted(
    client, personas, kobo_server, django_capture_on_commit_callbacks
):
    with FakeKobo() as elsewhere:
        url = elsewhere.serve(PATH, Answer(body=jpeg_with_position()))
        _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
        assert elsewhere.requests == []
    assert not Attachment.objects.exists()
    assert url in notes(feedback)[0]
    assert "KOBO_SERVER_URLS" in notes(feedback)[1]


def test_a_redirect_to_a_server_that_is_not_listed_is_not_followed(
    client, personas, kobo_server, django_capture_on_commit_callbacks
):
    with FakeKobo() as elsewhere:
        target = elsewhere.serve("/bucket/photo.jpg", Answer(body=jpeg_with_position()))
        url = kobo_server.serve(PATH, Answer(302, headers={"Location": target}))
        _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
        assert elsewhere.requests == []
    assert not Attachment.objects.exists()
    assert "KOBO_SERVER_URLS" in notes(feedback)[-1]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Answer(body=b"\xff" * (MAX_BYTES + 1)), "5 MB"),  # refused from its Content-Length
        (Answer(body=b"\xff" * (MAX_BYTES + 1), headers={"Content-Length": None}), "5 MB"),  # or as it is read
        (Answer(body=b"<html>Sign in to KoBoToolbox</html>"), "JPEG, PNG, WebP"),
        (Answer(body=b"%PDF-1.4\n%%EOF\n"), "JPEG, PNG, WebP"),  # a document is not a photo here
        (Answer(404, b"Not found"), "404"),
        (Answer(403, b"Forbidden"), "403"),  # a token without access: not retried
    ],
)
def test_a_photo_refused_for_good_is_asked_once_and_left_as_a_note(
    client, personas, kobo_server, settings, django_capture_on_commit_callbacks, answer, reason
):
    settings.LANGUAGE_CODE = "en"  # the notes are written in the platform's language
    url = kobo_server.serve(PATH, answer)
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    assert kobo_server.asked(PATH) == 1
    assert not Attachment.objects.exists()
    written = notes(feedback)
    assert len(written) == 2 and url in written[0]
    assert written[1].startswith("The photo could not be fetched from KoBoToolbox: ") and reason in written[1]


def test_a_server_error_is_retried_and_the_photo_arrives(
    client, personas, kobo_server, django_capture_on_commit_callbacks
):
    url = kobo_server.serve(PATH, Answer(500, b"busy"), Answer(503, b"busy"), Answer(body=jpeg_with_position()))
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    assert kobo_server.asked(PATH) == 3
    assert Attachment.objects.filter(feedback=feedback).count() == 1
    assert len(notes(feedback)) == 1


def test_a_server_that_does_not_answer_in_time_is_retried(
    client, personas, kobo_server, settings, django_capture_on_commit_callbacks
):
    settings.KOBO_FETCH_TIMEOUT = 1
    url = kobo_server.serve(PATH, Answer(body=jpeg_with_position(), delay=1.5), Answer(body=jpeg_with_position()))
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    assert kobo_server.asked(PATH) == 2
    assert Attachment.objects.filter(feedback=feedback).count() == 1


def test_a_redirect_to_another_listed_server_is_followed_without_the_token(
    client, personas, kobo_server, settings, django_capture_on_commit_callbacks
):
    with FakeKobo() as storage:
        settings.KOBO_SERVER_URLS = [kobo_server.origin, storage.origin]
        target = storage.serve("/bucket/photo.jpg", Answer(body=jpeg_with_position()))
        url = kobo_server.serve(PATH, Answer(302, headers={"Location": target}))
        _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
        assert kobo_server.requests == [(PATH, f"Token {TOKEN}")]
        assert storage.requests == [("/bucket/photo.jpg", "")]  # the token stays with its server
    assert Attachment.objects.filter(feedback=feedback).count() == 1


def test_a_server_that_keeps_failing_is_given_up_after_the_retries(
    client, personas, kobo_server, django_capture_on_commit_callbacks
):
    url = kobo_server.serve(PATH, Answer(500, b"down"))
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    assert kobo_server.asked(PATH) == 1 + kobo_photos.RETRIES
    assert not Attachment.objects.exists()
    assert "500" in notes(feedback)[-1]


def test_an_unreachable_server_is_retried_then_left_as_a_note(
    client, personas, kobo_server, settings, django_capture_on_commit_callbacks
):
    with FakeKobo() as gone:
        url = gone.url(PATH)
    settings.KOBO_SERVER_URLS = [gone.origin]  # listed, but nothing listens there any more
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    assert not Attachment.objects.exists()
    assert "KoBoToolbox-д холбогдож чадсангүй" in notes(feedback)[-1]


def test_a_repeated_delivery_or_task_stores_the_photo_once(
    client, personas, kobo_server, django_capture_on_commit_callbacks
):
    url = kobo_server.serve(PATH, Answer(body=jpeg_with_position()))
    data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, data).json()["duplicate"] is True
    fetch_kobo_photo.delay(feedback.pk, url, PHOTO)  # a worker runs it again
    assert Attachment.objects.filter(feedback=feedback).count() == 1
    assert kobo_server.asked(PATH) == 1


def test_the_service_attaches_a_photo_once_even_when_two_runs_fetched_it(personas, kobo_server):
    url = kobo_server.serve(PATH, Answer(body=jpeg_with_position()))
    feedback = services.submit_feedback(
        services.Submission(
            kind="complaint",
            category=Category.objects.get(code="edu-building"),
            description="Цонх хагарсан",
            service_unit=personas.school,
        )
    )[0]
    first, second = kobo_photos.fetch(url, PHOTO), kobo_photos.fetch(url, PHOTO)
    assert services.attach_field_photo(feedback.pk, first, name=PHOTO) is not None
    assert services.attach_field_photo(feedback.pk, second, name=PHOTO) is None
    assert Attachment.objects.filter(feedback=feedback).count() == 1


def test_a_png_keeps_its_format(client, personas, kobo_server, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 128, 0, 128)).save(buffer, format="PNG")
    url = kobo_server.serve(PATH, Answer(body=buffer.getvalue(), headers={"Content-Type": "image/png"}))
    _data, feedback = deliver(client, personas, url, django_capture_on_commit_callbacks)
    attachment = Attachment.objects.get(feedback=feedback)
    assert attachment.content_type == "image/png" and attachment.file.name.endswith(".png")


@pytest.mark.parametrize(
    "value", ["ftp://kf.example.org", "https://kf.example.org/api/", "kf.example.org", "https://kf.example.org:kc"]
)
def test_a_server_list_that_is_not_server_addresses_stops_the_start(value):
    environment = {**os.environ, "DJANGO_ENV": "test", "KOBO_SERVER_URLS": value}
    started = subprocess.run(
        [sys.executable, "-c", "import iltod.settings"], env=environment, capture_output=True, text=True, check=False
    )
    assert started.returncode != 0 and "KOBO_SERVER_URLS" in started.stderr
