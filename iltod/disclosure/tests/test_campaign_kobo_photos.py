"""The photo of a validation campaign's KoBoToolbox submission is fetched by a task, from a fake
KoBo server on a real socket, and put on each check the submission became, as the web form's photo:
cleaned, behind the checks' guard, shown once the check is published, once. Without a token, from a
server that is not listed, or when KoBo refuses it, the checks stay without a photo."""

from types import SimpleNamespace

import pytest
from PIL import Image

from iltod.disclosure.models import ValueCheck
from iltod.disclosure.services import facility_data as services
from iltod.disclosure.tasks import fetch_check_photo
from iltod.feedback.channels import kobo_photos
from iltod.feedback.tests.fake_kobo import GPS_INFO, Answer, FakeKobo, jpeg_with_position
from iltod.feedback.uploads import MAX_BYTES

from .test_campaign_kobo import SECRET, campaign, post, submission  # noqa: F401 - campaign is a fixture

pytestmark = pytest.mark.django_db
TOKEN = "kobo-api-token-for-tests"
PHOTO = "1718352000111.jpg"
PATH = "/api/v2/assets/aXyZ/data/42/attachments/7/"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def field(settings, campaign):  # noqa: F811 - the campaign of the other KoBo tests
    """The campaign, and the fake KoBo server that keeps its photos (listed, with a token)."""
    with FakeKobo() as server:
        settings.KOBO_WEBHOOK_SECRET = SECRET
        settings.KOBO_API_TOKEN = TOKEN
        settings.KOBO_SERVER_URLS = [server.origin]
        yield SimpleNamespace(campaign=campaign, server=server)


def deliver(client, field, facility, url, capture, uuid="7f1c2d3e-0101"):
    """Post a submission with two answers and a photo KoBo serves at ``url``; the tasks queued on
    commit run (eagerly)."""
    data = submission(field.campaign, facility, uuid=uuid, teachers_ok="yes", textbooks_ok="no", textbooks_seen="150")
    data["checks/photo"] = PHOTO
    data["_attachments"] = [
        {
            "download_url": url,
            "filename": f"volunteer1/attachments/abc/{uuid}/{PHOTO}",
            "mimetype": "image/jpeg",
        }
    ]
    with capture(execute=True):
        response = post(client, data)
    assert response.status_code in {200, 201}, response.content
    return data


def test_the_photo_is_fetched_with_the_token_and_put_on_each_check(
    client, personas, field, django_capture_on_commit_callbacks
):
    url = field.server.serve(PATH, Answer(body=jpeg_with_position()))
    deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)
    assert field.server.requests == [(PATH, f"Token {TOKEN}")]
    checks = list(ValueCheck.objects.order_by("pk"))
    assert len(checks) == 2 and all(check.photo for check in checks)
    assert checks[0].photo.name != checks[1].photo.name  # each check its own copy, moderated on its own
    for check in checks:
        assert check.photo.name.startswith("disclosure/checks/")
        stored = Image.open(check.photo)
        assert stored.size == (64, 48) and not stored.getexif().get_ifd(GPS_INFO)


def test_the_photo_is_hidden_until_its_check_is_published(client, personas, field, django_capture_on_commit_callbacks):
    url = field.server.serve(PATH, Answer(body=jpeg_with_position()))
    deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)
    check = ValueCheck.objects.get(value__indicator__code="teachers")
    photo_url = check.photo.url
    assert photo_url.startswith("/disclosure/files/disclosure/checks/")
    assert client.get(photo_url).status_code == 404
    client.force_login(personas.provider)  # the facility does not moderate checks of its own figures
    assert client.get(photo_url).status_code == 404
    client.force_login(personas.officer)  # moderates the area's checks
    assert client.get(photo_url).status_code == 200
    services.moderate_check(check, actor=personas.officer, publish=True)
    client.logout()
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    other = ValueCheck.objects.get(value__indicator__code="textbooks")
    assert client.get(other.photo.url).status_code == 404  # still waiting for moderation


def test_without_a_token_nothing_is_fetched(client, personas, field, settings, django_capture_on_commit_callbacks):
    settings.KOBO_API_TOKEN = ""
    url = field.server.serve(PATH, Answer(body=jpeg_with_position()))
    deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)
    assert field.server.requests == []
    assert ValueCheck.objects.count() == 2 and not ValueCheck.objects.exclude(photo="").exists()


def test_a_server_that_is_not_listed_is_never_contacted(client, personas, field, django_capture_on_commit_callbacks):
    with FakeKobo() as elsewhere:
        url = elsewhere.serve(PATH, Answer(body=jpeg_with_position()))
        deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)
        assert elsewhere.requests == []
    assert ValueCheck.objects.count() == 2 and not ValueCheck.objects.exclude(photo="").exists()


@pytest.mark.parametrize(
    "answer",
    [
        Answer(body=b"\xff" * (MAX_BYTES + 1)),
        Answer(body=b"\xff" * (MAX_BYTES + 1), headers={"Content-Length": None}),
        Answer(body=b"<html>Sign in to KoBoToolbox</html>"),
        Answer(404, b"Not found"),
    ],
)
def test_a_photo_refused_for_good_is_asked_once_and_the_checks_stay(
    client, personas, field, django_capture_on_commit_callbacks, answer
):
    url = field.server.serve(PATH, answer)
    deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)
    assert field.server.asked(PATH) == 1
    assert ValueCheck.objects.count() == 2 and not ValueCheck.objects.exclude(photo="").exists()


def test_a_server_error_is_retried_and_the_photo_arrives(client, personas, field, django_capture_on_commit_callbacks):
    url = field.server.serve(PATH, Answer(500, b"busy"), Answer(body=jpeg_with_position()))
    deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)
    assert field.server.asked(PATH) == 2
    assert ValueCheck.objects.exclude(photo="").count() == 2


def test_a_server_that_keeps_failing_is_given_up_after_the_retries(
    client, personas, field, django_capture_on_commit_callbacks
):
    url = field.server.serve(PATH, Answer(502, b"bad gateway"))
    deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)
    assert field.server.asked(PATH) == 1 + kobo_photos.RETRIES
    assert not ValueCheck.objects.exclude(photo="").exists()


def test_a_repeated_delivery_or_task_stores_the_photo_once(client, personas, field, django_capture_on_commit_callbacks):
    url = field.server.serve(PATH, Answer(body=jpeg_with_position()))
    deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)
    names = sorted(ValueCheck.objects.values_list("photo", flat=True))
    deliver(client, field, personas.school, url, django_capture_on_commit_callbacks)  # KoBo sends it again
    fetch_check_photo.delay(list(ValueCheck.objects.values_list("pk", flat=True)), url, PHOTO)  # a worker again
    assert field.server.asked(PATH) == 1
    assert ValueCheck.objects.count() == 2
    assert sorted(ValueCheck.objects.values_list("photo", flat=True)) == names


def test_two_runs_that_both_fetched_the_photo_store_it_once(
    client, personas, field, settings, django_capture_on_commit_callbacks
):
    settings.KOBO_API_TOKEN = ""  # the submission is recorded without fetching
    deliver(client, field, personas.school, field.server.url(PATH), django_capture_on_commit_callbacks)
    settings.KOBO_API_TOKEN = TOKEN
    url = field.server.serve(PATH, Answer(body=jpeg_with_position()))
    ids = list(ValueCheck.objects.values_list("pk", flat=True))
    first, second = kobo_photos.fetch(url, PHOTO), kobo_photos.fetch(url, PHOTO)
    assert len(services.attach_check_photo(ids, first)) == 2
    assert services.attach_check_photo(ids, second) == []
    assert ValueCheck.objects.exclude(photo="").count() == 2


def test_the_campaign_form_asks_for_a_photo(field):
    import io

    from openpyxl import load_workbook

    from iltod.lib.xlsform import convert

    content = services.campaign_xlsform(field.campaign)
    convert(content)  # pyxform accepts it
    sheet = load_workbook(io.BytesIO(content))["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    photo = next(row for row in rows if row[1] == "photo")
    assert photo[0] == "image" and photo[rows[0].index("parameters")] == "max-pixels=1280"
