"""Hostile bodies under /api/v1/ get a 4xx in the API's error format, never a 500 nor an HTML page."""

import io

import pytest
from django.test import Client

from iltod.api.parsers import JSONParser, RequestTooLarge
from iltod.feedback.models import Event, Feedback

from .conftest import bearer
from .test_errors import error

DEEP = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"description":' * 5000 + "1" + "}" * 5000


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT])
def test_json_nested_five_thousand_levels_deep_is_a_400_on_the_public_submission(client, world, body):
    response = client.post("/api/v1/feedback/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    refused = error(response, 400)
    assert refused["code"] == "too_deep"
    assert "nested too deeply" in refused["message"]
    assert not Feedback.objects.exclude(pk__in=[world.item.pk, world.school_item.pk, world.other_item.pk]).exists()


def test_json_nested_too_deeply_is_a_400_on_the_staff_api_and_changes_nothing(client, world):
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/status/"
    events = Event.objects.filter(feedback=world.item).count()
    response = client.post(url, DEEP, content_type="application/json", **bearer(world.write_key))
    assert error(response, 400)["code"] == "too_deep"
    assert Event.objects.filter(feedback=world.item).count() == events


def test_a_body_over_the_upload_limit_is_a_413_in_the_api_format(client, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"category": "edu-meals", "area": "6504", "description": "' + "x" * 2000 + '"}'
    response = client.post("/api/v1/feedback/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert error(response, 413)["code"] == "too_large"
    # a form body is refused the same way, before Django's CSRF check reads it
    response = client.post("/api/v1/feedback/", {"description": "x" * 2000})
    assert error(response, 413)["code"] == "too_large"


def test_the_parser_reads_no_more_than_the_limit_of_a_streamed_body(settings):
    # DRF reads the request as a stream, past Django's own check of the body's size
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    stream = io.BytesIO(b'{"description": "' + b"x" * 100_000 + b'"}')
    with pytest.raises(RequestTooLarge):
        JSONParser().parse(stream, "application/json", {})
    assert stream.tell() == 1001


def test_a_failed_csrf_check_under_the_api_is_json_and_the_sites_stays_html(world):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/api/v1/no-such-thing/", {"a": "b"}, HTTP_ACCEPT_LANGUAGE="en")
    refused = error(response, 403)
    assert refused["code"] == "csrf_failed"
    assert "X-CSRFToken" in refused["message"]
    site = browser.post("/account/login/", {"username": "x"})
    assert site.status_code == 403
    assert site["Content-Type"].startswith("text/html")


def test_a_bad_request_under_the_api_is_json_even_with_the_debug_page_on(client, world, settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["testserver"]
    # DisallowedHost is Django's 400, answered with the debug page in development
    response = client.get("/api/v1/sectors/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert error(response, 400)["code"] == "bad_request"
    site = client.get("/", HTTP_HOST="evil.example")
    assert site.status_code == 400
    assert site["Content-Type"].startswith("text/html")
