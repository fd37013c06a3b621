"""The results API: public frameworks, indicators with their targets and actuals, the ranking."""

from iltod.results.models import Framework
from iltod.results.tests import fixtures

computed = fixtures.computed  # the fixture, shared with the results tests


def test_the_api_lists_frameworks_indicators_and_the_ranking(client, personas, computed):
    frameworks = client.get("/api/v1/results/frameworks/").json()
    assert [f["code"] for f in frameworks["results"]] == ["masam"]
    framework = client.get("/api/v1/results/frameworks/masam/").json()
    assert {r["level"] for r in framework["results"]} == {"goal", "outcome", "output"}
    indicators = client.get("/api/v1/results/indicators/?framework=masam&page_size=100").json()
    resolved = next(i for i in indicators["results"] if i["code"] == "0.2")
    year = next(t for t in resolved["targets"] if t["period"]["start"] == "2025-01-01")
    assert (year["actual"], year["numerator"], year["denominator"]) == ("80.00", "12.00", 15)
    ranking = client.get(f"/api/v1/results/ranking/?kind=facility&body={personas.school.code}").json()
    assert ranking["results"][0]["rank"] == 1
    assert client.get("/api/v1/results/ranking/?kind=planet").status_code == 400


def test_a_hidden_framework_is_not_in_the_api_for_the_public(client, personas, computed):
    Framework.objects.filter(code="masam").update(is_public=False)
    assert client.get("/api/v1/results/frameworks/masam/").status_code == 404
    assert client.get("/api/v1/results/indicators/").json()["results"] == []
    client.force_login(personas.analyst)
    assert client.get("/api/v1/results/frameworks/masam/").status_code == 200


def test_the_results_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/results/indicators/" in schema and "/api/v1/results/ranking/" in schema
