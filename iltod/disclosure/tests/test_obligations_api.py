from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import ApiKey, AuditEvent
from iltod.accounts.services import create_api_key
from iltod.core.testing.files import pdf_bytes

from ..models import Disclosure
from ..services import obligations as services
from .obligations_fixtures import make_requirement

pytestmark = pytest.mark.django_db
Status = Disclosure.Status


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(personas):
    make_requirement(starts_on=date(2026, 1, 1))
    services.generate_schedule()
    services.refresh_summary()
    keys = {}
    for name, org, scope in [
        ("school_write", personas.school_org, ApiKey.Scope.WRITE),
        ("school_read", personas.school_org, ApiKey.Scope.READ),
        ("dept_write", personas.education_dept, ApiKey.Scope.WRITE),
    ]:
        _key, raw = create_api_key(actor=personas.admin, organization=org, name=name, scope=scope)
        keys[name] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    personas.keys = keys
    personas.missing = Disclosure.objects.filter(organization=personas.school_org, status=Status.MISSING).first()
    return personas


def test_public_lists_with_filters_and_pages(client, world):
    response = client.get("/api/v1/disclosure-requirements/")
    assert response.status_code == 200 and response.json()["results"][0]["code"] == "monthly-report"
    response = client.get("/api/v1/disclosures/", {"organization": world.school_org.code, "status": "missing"})
    rows = response.json()["results"]
    assert rows and {r["organization"] for r in rows} == {world.school_org.code}
    assert {r["status"] for r in rows} == {"missing"}
    response = client.get("/api/v1/disclosures/", {"page_size": 1})
    assert len(response.json()["results"]) == 1 and response.json()["next"]
    response = client.get("/api/v1/disclosure-compliance/", {"aimag": world.geo.aimag.code})
    rows = response.json()["results"]
    assert rows and all(r["due"] == r["on_time"] + r["late"] + r["missing"] for r in rows)
    assert client.get(f"/api/v1/disclosures/{world.missing.code}/").json()["status"] == "missing"


def test_bad_filters_are_a_400_not_a_500(client, world):
    assert client.get("/api/v1/disclosures/", {"status": "nonsense"}).status_code == 400
    assert client.get("/api/v1/disclosures/", {"due_from": "yesterday"}).status_code == 400
    assert client.get("/api/v1/disclosure-compliance/", {"month_from": "2026-13-01"}).status_code == 400
    assert client.get("/api/v1/disclosures/NOPE/").status_code == 404


def test_a_body_s_write_key_publishes_a_dataset_link_and_explains(client, world):
    url = f"/api/v1/disclosures/{world.missing.code}/"
    response = client.post(
        url + "publish/",
        {"dataset_code": "compliance", "dataset_period": "2026-01"},
        content_type="application/json",
        **world.keys["school_write"],
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "late"
    response = client.post(
        url + "explain/",
        {"explanation": "Сүлжээ тасарсан."},
        content_type="application/json",
        **world.keys["school_write"],
    )
    assert response.status_code == 200 and response.json()["explanation"] == "Сүлжээ тасарсан."
    event = AuditEvent.objects.get(action="disclosure.published")
    assert event.actor is None and event.data["api_key"]


def test_a_write_key_uploads_a_document(client, world):
    response = client.post(
        f"/api/v1/disclosures/{world.missing.code}/publish/",
        {"document": SimpleUploadedFile("report.pdf", pdf_bytes())},
        **world.keys["school_write"],
    )
    assert response.status_code == 200, response.content
    world.missing.refresh_from_db()
    assert world.missing.document and world.missing.status == Status.LATE


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("school_read", 403), ("dept_write", 404), ("citizen", 404), ("provider", 200)],
)
def test_who_may_publish(client, world, who, expected):
    headers = world.keys.get(who, {})
    if who in {"citizen", "provider"}:
        client.force_login(getattr(world, who))
    response = client.post(
        f"/api/v1/disclosures/{world.missing.code}/publish/",
        {"dataset_code": "compliance", "dataset_period": "2026-01"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == expected
    world.missing.refresh_from_db()
    assert (world.missing.published_at is not None) == (expected == 200)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"dataset_code": "no-such-dataset", "dataset_period": "2026"},
        {"dataset_code": "compliance"},
        {"dataset_code": "compliance", "dataset_period": "2026", "note": "x" * 501},
    ],
)
def test_bad_bodies_are_refused_and_save_nothing(client, world, body):
    response = client.post(
        f"/api/v1/disclosures/{world.missing.code}/publish/", body, content_type="application/json",
        **world.keys["school_write"],
    )  # fmt: skip
    assert response.status_code == 400
    world.missing.refresh_from_db()
    assert world.missing.published_at is None


def test_a_file_that_is_not_what_its_name_says_is_refused(client, world):
    response = client.post(
        f"/api/v1/disclosures/{world.missing.code}/publish/",
        {"document": SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>")},
        **world.keys["school_write"],
    )
    assert response.status_code == 400 and "document" in response.json()["error"]["fields"]
    world.missing.refresh_from_db()
    assert world.missing.published_at is None


def test_explaining_an_item_not_late_is_a_400(client, world):
    due = Disclosure.objects.filter(organization=world.school_org, status=Status.DUE).first()
    response = client.post(
        f"/api/v1/disclosures/{due.code}/explain/", {"explanation": "x"}, content_type="application/json",
        **world.keys["school_write"],
    )  # fmt: skip
    assert response.status_code == 400


def test_the_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/disclosures/", "/api/v1/disclosure-requirements/", "/api/v1/disclosure-compliance/"):
        assert path in schema
    assert "/api/v1/disclosures/{code}/publish/" in schema


def test_lists_keep_their_query_count(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/api/v1/disclosures/")
    with django_assert_max_num_queries(6):
        client.get("/api/v1/disclosure-compliance/")
    with django_assert_max_num_queries(6):
        client.get("/api/v1/disclosure-requirements/")


def test_a_bodys_write_key_records_an_event_and_others_cannot(client, world):
    make_requirement(
        code="large-transactions",
        frequency="per_event",
        threshold=5_000_000,
        deadline_days=7,
        title_en="Large transactions",
    )
    url = "/api/v1/disclosures/events/"
    body = {
        "requirement": "large-transactions",
        "organization": world.school_org.code,
        "event_date": "2026-02-02",
        "description": "Халаалтын зуух худалдан авсан",
        "amount": "12000000",
    }
    assert client.post(url, body, content_type="application/json").status_code in (401, 403)
    assert client.post(url, body, content_type="application/json", **world.keys["school_read"]).status_code == 403
    assert client.post(url, body, content_type="application/json", **world.keys["dept_write"]).status_code == 404
    client.force_login(world.citizen)
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.logout()
    assert not Disclosure.objects.filter(requirement__code="large-transactions").exists()
    response = client.post(url, body, content_type="application/json", **world.keys["school_write"])
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["requirement"] == "large-transactions" and item["due_on"] == "2026-02-09"
    assert item["event_description"] == body["description"] and item["organization"] == world.school_org.code
    disclosure = Disclosure.objects.get(code=item["code"])
    assert AuditEvent.objects.filter(target_id=disclosure.pk, action=AuditAction.DISCLOSURE_EVENT_RECORDED).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "100"}, "amount"),  # below the threshold
        ({"event_date": "2999-01-01"}, "event_date"),
        ({"requirement": "monthly-report"}, "requirement"),  # not a requirement per event
        ({"event_date": "yesterday"}, "event_date"),
        ({"description": ""}, "description"),
    ],
)
def test_bad_events_are_a_translated_400_and_record_nothing(client, world, change, field):
    make_requirement(code="large-transactions", frequency="per_event", threshold=5_000_000, deadline_days=7)
    body = {
        "requirement": "large-transactions",
        "organization": world.school_org.code,
        "event_date": "2026-02-02",
        "description": "Зуух",
        "amount": "12000000",
        **change,
    }
    response = client.post(
        "/api/v1/disclosures/events/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="mn",
        **world.keys["school_write"],
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not Disclosure.objects.filter(requirement__code="large-transactions").exists()
