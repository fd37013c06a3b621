"""Who may call what: every endpoint × anonymous, read key, write key of the handling
organisation, write key of another organisation, staff session, citizen session."""

import pytest

from iltod.feedback.models import Feedback

from .conftest import bearer

CALLERS = ["anonymous", "read_key", "write_key", "other_write_key", "staff", "citizen"]


def call(client, world, caller, method, url, body=None):
    headers = {}
    if caller in {"read_key", "write_key", "other_write_key"}:
        headers = bearer(getattr(world, caller))
    elif caller == "staff":
        client.force_login(world.personas.officer)  # case manager of the Arkhangai education department
    elif caller == "citizen":
        client.force_login(world.personas.citizen)
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, body or {}, content_type="application/json", **headers)


def public_urls(world):
    p = world.personas
    return [
        "/api/v1/",
        "/api/v1/sectors/",
        "/api/v1/categories/",
        "/api/v1/admin-units/",
        "/api/v1/admin-units/65/",
        "/api/v1/facilities/",
        f"/api/v1/facilities/{p.school.code}/",
        "/api/v1/organizations/",
        f"/api/v1/organizations/{p.education_dept.code}/",
        "/api/v1/feedback/",
        f"/api/v1/feedback/{world.item.tracking_code}/",
        "/api/v1/statistics/",
        "/api/v1/statistics/admin-units/65/",
        f"/api/v1/statistics/facilities/{p.school.code}/",
        f"/api/v1/statistics/organizations/{p.education_dept.code}/",
        "/api/schema/",
    ]


@pytest.mark.parametrize("caller", CALLERS)
def test_everyone_reads_the_public_endpoints(client, world, caller):
    for url in public_urls(world):
        response = call(client, world, caller, "get", url)
        assert response.status_code == 200, (caller, url, response.content[:300])


SUBMIT_EXPECTED = {
    "anonymous": 201,
    "read_key": 403,
    "write_key": 201,
    "other_write_key": 201,
    "staff": 201,
    "citizen": 201,
}


@pytest.mark.parametrize("caller", CALLERS)
def test_anyone_but_a_read_key_submits_feedback(client, world, caller):
    body = {
        "category": "edu-meals",
        "facility": world.personas.school.code,
        "description": "Үдийн цай өгөхгүй байна, хоёр долоо хоног.",
    }
    response = call(client, world, caller, "post", "/api/v1/feedback/", body)
    assert response.status_code == SUBMIT_EXPECTED[caller], response.json()
    if response.status_code == 403:
        assert response.json()["error"]["code"] == "permission_denied"


INBOX_EXPECTED = {
    "anonymous": 401,
    "read_key": 200,
    "write_key": 200,
    "other_write_key": 200,
    "staff": 200,
    "citizen": 403,
}
CASE_READ_EXPECTED = {
    "anonymous": 401,
    "read_key": 200,
    "write_key": 200,
    "other_write_key": 404,
    "staff": 200,
    "citizen": 403,
}
CASE_WRITE_EXPECTED = {
    "anonymous": 401,
    "read_key": 403,
    "write_key": 200,
    "other_write_key": 404,
    "staff": 200,
    "citizen": 403,
}


@pytest.mark.parametrize("caller", CALLERS)
def test_inbox(client, world, caller):
    response = call(client, world, caller, "get", "/api/v1/staff/feedback/")
    assert response.status_code == INBOX_EXPECTED[caller]
    if response.status_code == 200:
        codes = {row["tracking_code"] for row in response.json()["results"]}
        assert (world.item.tracking_code in codes) == (caller != "other_write_key")
        assert world.school_item.tracking_code not in codes  # handled by the school itself
    elif response.status_code == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'
        assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("caller", CALLERS)
def test_case_detail(client, world, caller):
    response = call(client, world, caller, "get", f"/api/v1/staff/feedback/{world.item.tracking_code}/")
    assert response.status_code == CASE_READ_EXPECTED[caller]
    if response.status_code == 200:
        body = response.json()
        assert body["tracking_code"] == world.item.tracking_code
        assert body["can_act"] is (caller != "read_key")


def action_bodies(world):
    p = world.personas
    return {
        "status": {"status": "acknowledged"},
        "respond": {"text": "Бид шалгаж байна.", "public": True},
        "assign": {"assignee": p.officer.email},
        "refer": {"organization": p.ministry.code, "reason": "Яамны хариуцах асуудал."},
    }


@pytest.mark.parametrize("action", ["status", "respond", "assign", "refer"])
@pytest.mark.parametrize("caller", CALLERS)
def test_case_actions(client, world, caller, action):
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/{action}/"
    response = call(client, world, caller, "post", url, action_bodies(world)[action])
    assert response.status_code == CASE_WRITE_EXPECTED[caller], response.json()
    changed = world.item.events.count() > 2  # submitted + routed
    assert changed is (response.status_code == 200)


def test_staff_of_another_aimag_cannot_see_the_case(client, world):
    client.force_login(world.personas.other_officer)
    url = f"/api/v1/staff/feedback/{world.item.tracking_code}/"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}status/", {"status": "acknowledged"}, content_type="application/json").status_code == 404


def test_the_oversight_body_reads_and_notes_but_does_not_act(client, world):
    """An item escalated to the education department (handled by the school) is visible to the
    department's key; it may add an internal note, not change the status."""
    Feedback.objects.filter(pk=world.school_item.pk).update(escalated_to=world.personas.education_dept)
    url = f"/api/v1/staff/feedback/{world.school_item.tracking_code}/"
    headers = bearer(world.write_key)
    detail = client.get(url, **headers)
    assert detail.status_code == 200
    assert detail.json()["can_act"] is False
    status = client.post(f"{url}status/", {"status": "acknowledged"}, content_type="application/json", **headers)
    assert status.status_code == 403
    assert status.json()["error"]["code"] == "permission_denied"
    public = client.post(
        f"{url}respond/", {"text": "Хариу", "public": True}, content_type="application/json", **headers
    )
    assert public.status_code == 403
    note = client.post(
        f"{url}respond/", {"text": "Дотоод тэмдэглэл", "public": False}, content_type="application/json", **headers
    )
    assert note.status_code == 200
    assert note.json()["timeline"][-1]["type"] == "note"


def test_a_platform_superuser_session_sees_every_case(client, world):
    client.force_login(world.personas.admin)
    response = client.get(f"/api/v1/staff/feedback/{world.other_item.tracking_code}/")
    assert response.status_code == 200


def test_session_writes_need_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.personas.officer)
    response = client.post(
        f"/api/v1/staff/feedback/{world.item.tracking_code}/status/",
        {"status": "acknowledged"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
