"""While the database is down, every answer is a 503 with Retry-After, never a 500."""

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.urls("iltod.core.tests.unavailable_urls")


@pytest.fixture
def anonymous():
    # Answer like a real server: do not re-raise the view's exception into the test.
    return Client(raise_request_exception=False)


def test_a_page_answers_503_with_retry_after_in_mongolian_by_default(anonymous):
    response = anonymous.get("/page/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert '<html lang="mn">' in page
    assert "Үйлчилгээ түр ажиллахгүй байна" in page
    assert "Internal" not in page and "Traceback" not in page


def test_a_page_answers_in_english_when_asked(anonymous):
    response = anonymous.get("/page/", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "The service is temporarily unavailable. Please try again in a few minutes." in page


def test_a_closed_connection_is_an_outage_too(anonymous):
    assert anonymous.get("/closed/").status_code == 503


@pytest.mark.parametrize("path", ["/api/v1/thing/", "/open311/v2/requests.json", "/webhooks/sms/"])
def test_programs_get_a_json_error_they_can_retry(anonymous, path):
    response = anonymous.post(path, headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json() == {
        "error": {
            "code": "unavailable",
            "message": "The service is temporarily unavailable. Please try again in a few minutes.",
            "fields": {},
        }
    }


def refuse(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_an_outage_met_after_the_view_while_creating_the_session_answers_503(anonymous, db, monkeypatch):
    monkeypatch.setattr(Session, "save", refuse)
    response = anonymous.get("/session/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"


def test_an_outage_met_while_saving_an_existing_session_answers_503_and_not_400(anonymous, db, monkeypatch):
    assert anonymous.get("/session/").status_code == 200  # the session now exists
    monkeypatch.setattr(Session, "save", refuse)
    response = anonymous.get("/session/")  # Django would say "session interrupted", 400
    assert response.status_code == 503
    assert response["Retry-After"] == "10"


def test_a_session_deleted_by_a_concurrent_request_is_still_a_bad_request(anonymous, db):
    assert anonymous.get("/session/").status_code == 200
    assert anonymous.get("/session/deleted/").status_code == 400


def test_a_bug_is_still_a_server_error_and_not_hidden_as_an_outage(anonymous):
    response = anonymous.get("/broken/")
    assert response.status_code == 500
    assert "Retry-After" not in response
