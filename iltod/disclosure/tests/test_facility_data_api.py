"""The facility data API: public reads with filters and pages, publishing with a session or an
organisation's key (a read-only key refused), bad bodies refused with nothing saved."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from iltod.accounts.models import ApiKey
from iltod.accounts.services import create_api_key
from iltod.disclosure.models import FacilityValue
from iltod.disclosure.services import facility_data as services

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
PUBLISH = "/api/v1/facility-values/publish/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def key_for(personas, organization, *, write: bool) -> dict:
    scope = ApiKey.Scope.WRITE if write else ApiKey.Scope.READ
    _key, raw = create_api_key(actor=personas.admin, organization=organization, name="Систем", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_anyone_reads_the_catalogue_and_the_values_with_filters(client, personas, django_assert_max_num_queries):
    services.publish_values(personas.school, "2025", {"pupils": "300", "teachers": "12"}, actor=personas.provider)
    services.publish_values(personas.school, "2024", {"pupils": "280"}, actor=personas.provider)
    catalogue = client.get("/api/v1/facility-indicators/").json()
    codes = {row["code"] for row in catalogue["results"]}
    assert "pupils_per_teacher" in codes or catalogue["count"] > len(catalogue["results"])
    with django_assert_max_num_queries(4):
        listed = client.get("/api/v1/facility-values/", {"facility": personas.school.code, "period": "2025"}).json()
    assert {row["indicator"] for row in listed["results"]} == {"pupils", "teachers", "pupils_per_teacher"}
    one = listed["results"][0]
    assert client.get(f"/api/v1/facility-values/{one['code']}/").json()["facility"] == personas.school.code
    assert client.get("/api/v1/facility-values/", {"status": "nonsense"}).status_code == 400


def test_a_provider_publishes_through_the_api_with_a_session(client, personas):
    client.force_login(personas.provider)
    body = {"facility": personas.school.code, "period": "2025", "values": {"pupils": "300", "teachers": "10"}}
    response = client.post(PUBLISH, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0, "unchanged": 0}
    value = FacilityValue.objects.get(indicator__code="pupils")
    assert value.changes.get().source == "api"


def test_an_organisations_write_key_publishes_and_a_read_key_cannot(client, personas):
    body = {"facility": personas.school.code, "period": "2025", "values": {"pupils": "300"}}
    write = key_for(personas, personas.education_dept, write=True)
    read = key_for(personas, personas.education_dept, write=False)
    other = key_for(personas, personas.other_dept, write=True)
    assert client.post(PUBLISH, body, content_type="application/json", **read).status_code == 403
    assert client.post(PUBLISH, body, content_type="application/json", **other).status_code == 404
    assert not FacilityValue.objects.exists()
    response = client.post(PUBLISH, body, content_type="application/json", **write)
    assert response.status_code == 200
    change = FacilityValue.objects.get().changes.get()
    assert change.organization == personas.education_dept and change.changed_by is None and change.api_key


@pytest.mark.parametrize(
    "body",
    [
        {"facility": "X", "period": "2025", "values": {"pupils": "1"}},
        {"period": "2025", "values": {"pupils": "1"}},
        {"facility": "CODE", "period": "2025", "values": {}},
        {"facility": "CODE", "period": "2025", "values": {"pupils": "-1"}},
        {"facility": "CODE", "period": "2031", "values": {"pupils": "1"}},
        {"facility": "CODE", "period": "2025", "values": {"pupils": "300", "teachers": "0"}},
        {"facility": "CODE", "period": "2025", "values": {"pupils_per_teacher": "5"}},
        {"facility": "CODE", "period": "2025", "values": ["pupils", 1]},
    ],
)
def test_bad_bodies_are_a_400_and_save_nothing(client, personas, body):
    client.force_login(personas.provider)
    if body.get("facility") == "CODE":
        body = {**body, "facility": personas.school.code}
    response = client.post(PUBLISH, body, content_type="application/json")
    assert response.status_code in (400, 404), response.content
    assert response.status_code == 400 or body.get("facility") == "X"
    assert not FacilityValue.objects.exists()


def test_anonymous_and_other_personas_cannot_publish(client, personas):
    body = {"facility": personas.school.code, "period": "2025", "values": {"pupils": "1"}}
    assert client.post(PUBLISH, body, content_type="application/json").status_code in (401, 403)
    for persona in ("citizen", "monitor", "officer", "other_officer", "analyst"):
        client.force_login(getattr(personas, persona))
        assert client.post(PUBLISH, body, content_type="application/json").status_code == 404, persona
    assert not FacilityValue.objects.exists()


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get(reverse("api:schema")).content.decode()
    assert "/api/v1/facility-values/publish/" in schema and "/api/v1/facility-indicators/" in schema


def test_a_period_filter_that_is_not_a_period_is_a_translated_400(client, personas):
    response = client.get("/api/v1/facility-values/", {"period": "zzz"}, HTTP_ACCEPT_LANGUAGE="mn")
    assert response.status_code == 400
    assert "хугацаа биш байна" in str(response.json()["error"]["fields"]["period"])
    assert client.get("/api/v1/facility-values/", {"period": "2025-q3"}).status_code == 200


def _disputed(personas):
    services.publish_values(personas.school, "2025", {"pupils": "300"}, actor=personas.provider)
    value = FacilityValue.objects.get(indicator__code="pupils")
    services.check_value(value, verdict="dispute", observed_value=250, user=personas.citizen)
    return value


def test_a_publishers_write_key_corrects_a_disputed_value_and_others_cannot(client, personas):
    value = _disputed(personas)
    url = f"/api/v1/facility-values/{value.code}/correct/"
    read = key_for(personas, personas.school_org, write=False)
    other = key_for(personas, personas.other_dept, write=True)
    assert client.post(url, {"value": "250"}, content_type="application/json").status_code in (401, 403)
    assert client.post(url, {"value": "250"}, content_type="application/json", **read).status_code == 403
    assert client.post(url, {"value": "250"}, content_type="application/json", **other).status_code == 404
    write = key_for(personas, personas.school_org, write=True)
    bad = client.post(url, {"value": "-3"}, content_type="application/json", **write)
    assert bad.status_code == 400 and "value" in bad.json()["error"]["fields"]
    assert FacilityValue.objects.get(pk=value.pk).value == 300
    response = client.post(url, {"value": "250"}, content_type="application/json", **write)
    assert response.status_code == 200, response.content
    assert response.json()["value"].startswith("250") and response.json()["open_disputes"] == 0
    value.refresh_from_db()
    assert value.value == 250 and value.checks.get().outcome == "corrected"
    assert value.changes.order_by("-changed_at", "-id").first().source == "correction"


def test_anyone_reads_a_values_history_and_published_checks_without_identities(client, personas):
    value = _disputed(personas)
    services.correct_value(value, "250", actor=personas.provider)
    history = client.get(f"/api/v1/facility-values/{value.code}/history/").json()
    assert [row["new_value"][:3] for row in history["results"]] == ["250", "300"]
    assert history["results"][0]["source"] == "correction"
    assert client.get(f"/api/v1/facility-values/{value.code}/checks/").json()["count"] == 0  # not moderated yet
    value.checks.update(moderation="published")
    checks = client.get(f"/api/v1/facility-values/{value.code}/checks/").json()
    assert checks["count"] == 1 and checks["results"][0]["verdict"] == "dispute"
    text = str(checks) + str(history)
    assert personas.citizen.email not in text and "checked_by" not in text and "changed_by" not in text
    assert client.get("/api/v1/facility-values/NOPE1234/history/").status_code == 404
