"""Bad input is a 4xx with the one error body, never a 500; messages follow Accept-Language."""

import pytest

from iltod.accounts.services import revoke_api_key
from iltod.organizations.models import Organization

from .conftest import bearer


def error(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=abc", "page_size=0", "page_size=x", "page=1.5"])
def test_malformed_page_numbers_are_400(client, geo, query):
    fields = error(client.get(f"/api/v1/admin-units/?{query}"), 400)["fields"]
    assert set(fields) & {"page", "page_size"}


def test_a_page_past_the_end_is_404_and_a_big_page_size_is_capped(client, geo):
    past_the_end = error(client.get("/api/v1/admin-units/?page=99", HTTP_ACCEPT_LANGUAGE="en"), 404)
    assert (past_the_end["code"], past_the_end["message"]) == ("not_found", "This page does not exist.")
    assert error(client.get("/api/v1/admin-units/?page=99999999999999999999999"), 404)["code"] == "not_found"
    page = client.get("/api/v1/admin-units/?page_size=100000").json()
    assert page["count"] == 7
    assert len(page["results"]) == 7


def test_pagination_pages_through_every_row_once(client, geo):
    seen = []
    url = "/api/v1/admin-units/?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [u["code"] for u in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(set(seen))
    assert len(seen) == 7
    assert client.get("/api/v1/admin-units/?page_size=3&page=3").json()["previous"]


@pytest.mark.parametrize(
    "query",
    [
        "level=planet",
        "parent=NOPE",
        "parent=%00",
        "ordering=password",
        "current=maybe",
    ],
)
def test_bad_filter_values_are_400_with_the_parameter_named(client, geo, query):
    name = query.split("=")[0]
    assert name in error(client.get(f"/api/v1/admin-units/?{query}"), 400)["fields"]


@pytest.mark.parametrize(
    "query",
    [
        "sector=nope",
        "kind=castle",
        "area=" + "9" * 200,
        "operator=X",
        "q=" + "a" * 101,
        "q=%00",
    ],
)
def test_bad_facility_filters(client, geo, query):
    error(client.get(f"/api/v1/facilities/?{query}"), 400)


@pytest.mark.parametrize(
    "query",
    [
        "received_after=yesterday",
        "received_before=2026-02-31",
        "received_after=99999-01-01",
        "status=lost",
        "facility=%F0%9F%98%80",
        "category=edu meals",
    ],
)
def test_bad_feedback_filters(client, db, query):
    error(client.get(f"/api/v1/feedback/?{query}"), 400)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/facilities/NOSUCH99/",
        "/api/v1/admin-units/0000/",
        "/api/v1/organizations/ZZZZZZZZ/",
        "/api/v1/feedback/IL-26-XXXXX/",
        "/api/v1/feedback/IL%0026/",
        "/api/v1/facilities/%00/",
        "/api/v1/statistics/facilities/NOSUCH99/",
        "/api/v1/statistics/admin-units/%00/",
        "/api/v1/statistics/organizations/" + "Z" * 300 + "/",
        "/api/v1/no-such-endpoint/",
        "/api/v1/facilities",
    ],
)
def test_unknown_codes_and_paths_are_404(client, db, url):
    assert error(client.get(url), 404)["code"] == "not_found"


def test_unknown_tracking_code_on_staff_endpoints(client, world):
    key = bearer(world.write_key)
    assert error(client.get("/api/v1/staff/feedback/IL-00-AAAAA/", **key), 404)["code"] == "not_found"
    response = client.post(
        "/api/v1/staff/feedback/IL-00-AAAAA/status/", {"status": "acknowledged"}, content_type="application/json", **key
    )
    error(response, 404)


@pytest.mark.parametrize("payload", ["{", "[1, 2", "null", "[]", '"text"', "\x00", '{"description": 5'])
def test_malformed_json_is_400(client, world, payload):
    response = client.post("/api/v1/feedback/", payload, content_type="application/json")
    assert error(response, 400)["code"] in {"parse_error", "invalid"}
    key = bearer(world.write_key)
    response = client.post(
        f"/api/v1/staff/feedback/{world.item.tracking_code}/status/", payload, content_type="application/json", **key
    )
    assert error(response, 400)["code"] in {"parse_error", "invalid"}


def test_wrong_types_and_nul_characters_in_json_are_400(client, world):
    for body in [
        {"category": ["edu-meals"], "facility": {"code": 1}, "description": 5},
        {"category": "edu\x00meals", "facility": "\x00", "description": "Үдийн цай\x00 хүйтэн байна."},
        {"category": None, "facility": None, "description": None, "kind": None, "notify": "perhaps"},
    ]:
        assert error(client.post("/api/v1/feedback/", body, content_type="application/json"), 400)["fields"]
    key = bearer(world.write_key)
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/"
    for action, body in [
        ("assign", {"assignee": "not an email"}),
        ("refer", {"organization": "\x00", "reason": "x"}),
        ("respond", {"text": "", "public": "sometimes"}),
        ("status", {"status": ["resolved"]}),
    ]:
        assert error(client.post(f"{url}{action}/", body, content_type="application/json", **key), 400)["fields"]


def test_other_media_types_and_methods(client, world):
    response = client.post("/api/v1/feedback/", "description=x", content_type="application/x-www-form-urlencoded")
    assert error(response, 415)["code"] == "unsupported_media_type"
    assert error(client.delete("/api/v1/feedback/"), 405)["code"] == "method_not_allowed"
    assert error(client.put(f"/api/v1/facilities/{world.personas.school.code}/"), 405)["code"] == "method_not_allowed"
    assert client.options("/api/v1/facilities/").status_code == 405


def test_bad_or_revoked_keys_are_401(client, world):
    for headers in [
        {"HTTP_AUTHORIZATION": "Bearer il_nope_nope"},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": "bearer garbage\x00"},
        {"HTTP_X_API_KEY": "il_"},
        {"HTTP_X_API_KEY": world.write_key + "x"},
    ]:
        assert error(client.get("/api/v1/facilities/", **headers), 401)["code"] == "authentication_failed"
    revoke_api_key(actor=world.personas.admin, api_key=world.write_api_key)
    response = client.get("/api/v1/staff/feedback/", **bearer(world.write_key))
    assert error(response, 401)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_key_records_when_it_was_last_used(client, world):
    assert world.write_api_key.last_used_at is None
    client.get("/api/v1/sectors/", **bearer(world.write_key))
    world.write_api_key.refresh_from_db()
    assert world.write_api_key.last_used_at is not None


def test_a_key_of_an_inactive_organisation_is_refused(client, world):
    Organization.objects.filter(pk=world.personas.education_dept.pk).update(is_active=False)
    assert error(client.get("/api/v1/staff/feedback/", **bearer(world.read_key)), 401)


def test_the_x_api_key_header_works_too(client, world):
    assert client.get("/api/v1/staff/feedback/", HTTP_X_API_KEY=world.read_key).status_code == 200


def test_other_authorization_schemes_are_not_keys(client, db):
    assert client.get("/api/v1/facilities/", HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz").status_code == 200


def test_throttling_per_address_and_per_key(client, world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "2/min"}}
    for _ in range(3):
        assert client.get("/api/v1/sectors/").status_code == 200
    limited = client.get("/api/v1/sectors/")
    assert error(limited, 429)["code"] == "throttled"
    assert int(limited["Retry-After"]) > 0
    # a key has its own counter, at its own rate
    key = bearer(world.read_key)
    assert client.get("/api/v1/sectors/", **key).status_code == 200
    assert client.get("/api/v1/sectors/", **key).status_code == 200
    assert client.get("/api/v1/sectors/", **key).status_code == 429
    assert client.get("/api/v1/sectors/", **bearer(world.write_key)).status_code == 200


def test_messages_follow_accept_language(client, db):
    english = error(
        client.post("/api/v1/feedback/", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"), 400
    )
    mongolian = error(
        client.post("/api/v1/feedback/", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="mn"), 400
    )
    assert english["fields"]["description"] == ["This field is required."]
    assert mongolian["fields"]["description"] != english["fields"]["description"]
    assert english["code"] == mongolian["code"] == "invalid"
