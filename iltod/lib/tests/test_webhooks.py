import pytest
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.utils import translation

from iltod.lib.webhooks import json_object, read_body, refuse, too_big


def test_a_webhook_without_a_secret_is_not_there():
    with pytest.raises(Http404):
        refuse(RequestFactory().post("/hook/"), "")


def test_a_missing_or_wrong_secret_is_forbidden():
    assert refuse(RequestFactory().post("/hook/"), "s3cret").status_code == 403
    assert refuse(RequestFactory().post("/hook/", HTTP_X_ILTOD_SECRET="nope"), "s3cret").status_code == 403


def test_the_right_secret_lets_a_post_through_and_other_methods_are_not_allowed():
    assert refuse(RequestFactory().post("/hook/", HTTP_X_ILTOD_SECRET="s3cret"), "s3cret") is None
    assert refuse(RequestFactory().post("/hook/?secret=s3cret"), "s3cret") is None
    assert refuse(RequestFactory().get("/hook/?secret=s3cret"), "s3cret").status_code == 405


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10)
def test_a_body_larger_than_allowed_is_read_as_none():
    request = RequestFactory().post("/hook/", data=b"x" * 100, content_type="application/json")
    assert read_body(request) is None
    assert too_big().status_code == 400
    small = RequestFactory().post("/hook/", data=b"{}", content_type="application/json")
    assert read_body(small) == b"{}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "The body is not valid JSON."),
        (b"\xff", "The body is not valid JSON."),
        (b"[1]", "The body must be a JSON object."),
    ],
)
def test_a_body_that_is_not_a_json_object_gives_a_reason(body, message):
    with translation.override("en"):
        assert json_object(body) == (None, message)


def test_a_json_object_is_returned_as_is():
    assert json_object(b'{"a": 1}') == ({"a": 1}, "")
