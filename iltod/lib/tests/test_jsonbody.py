"""One JSON reader with a size and a depth limit, for every body the platform reads."""

import io

import pytest
from django.test import RequestFactory, override_settings
from django.utils import translation

from iltod.lib.jsonbody import MAX_DEPTH, JsonBodyError, depth, read_json

DEEP = b"[" * 5000 + b"]" * 5000


def test_it_reads_ordinary_json_from_bytes_a_stream_or_a_request():
    assert read_json(b'{"a": [1, {"b": 2}]}') == {"a": [1, {"b": 2}]}
    assert read_json(io.BytesIO(b"[1, 2]")) == [1, 2]
    request = RequestFactory().post(
        "/x/", data=b'{"text": "\xd1\x81\xd0\xb0\xd0\xb9\xd0\xbd"}', content_type="application/json"
    )
    assert read_json(request) == {"text": "сайн"}


def test_json_nested_five_thousand_levels_deep_is_refused_as_too_deep():
    with pytest.raises(JsonBodyError) as refused:
        read_json(DEEP)
    assert refused.value.code == "too_deep"
    with pytest.raises(JsonBodyError):
        read_json(b'{"a":' * 5000 + b"1" + b"}" * 5000)


def test_nesting_the_parser_accepts_but_beyond_the_limit_is_refused_too():
    just_over = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    with pytest.raises(JsonBodyError) as refused:
        read_json(just_over)
    assert refused.value.code == "too_deep"
    at_the_limit = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert depth(read_json(at_the_limit)) == MAX_DEPTH


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_a_body_over_the_size_limit_is_refused_without_reading_all_of_it():
    stream = io.BytesIO(b"[" + b"1," * 10_000 + b"1]")
    with pytest.raises(JsonBodyError) as refused:
        read_json(stream)
    assert refused.value.code == "too_large"
    assert stream.tell() == 101  # one byte past the limit, not the 20 kB
    request = RequestFactory().post("/x/", data=b"[" + b"1," * 100 + b"1]", content_type="application/json")
    with pytest.raises(JsonBodyError):
        read_json(request)
    assert read_json(b"[" + b"1," * 100 + b"1]", max_bytes=None)[-1] == 1


@pytest.mark.parametrize("body", [b"{", b"\xff\xfe", b"", b"NaN-ish"])
def test_what_is_not_json_is_refused_as_invalid(body):
    with translation.override("en"), pytest.raises(JsonBodyError) as refused:
        read_json(body)
    assert refused.value.code == "invalid"
    assert refused.value.message == "The body is not valid JSON."
