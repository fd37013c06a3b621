"""The results dashboards, the ranking, the inclusion view, the exports, the feeds and the read
only API are served from a read replica when one answers: with a replica that does not answer,
each page tries it (and marks it down), then comes from the primary. Forms never try it."""

from django.urls import reverse

from iltod.core import replicas
from iltod.core.tests.test_replicas import dead_replica  # noqa: F401 - a fixture
from iltod.results.models import Indicator


def replica_urls(framework, period, personas):
    indicator = Indicator.objects.get(code="0.2")
    return [
        reverse("results:overview", args=[framework.code]) + f"?period={period.pk}",
        reverse("results:indicator", args=[framework.code, indicator.pk]),
        reverse("results:scope", args=[framework.code, "aimag", "65"]),
        reverse("results:scope", args=[framework.code, "sector", "education"]),
        reverse("results:ranking"),
        reverse("results:ranking_body", args=[personas.school.code]),
        reverse("results:inclusion"),
        reverse("results:facility_feed", args=[personas.school.code]),
        reverse("results:area_feed", args=["65"]),
        reverse("results:export", args=[framework.code, "csv"]),
        reverse("results:export", args=[framework.code, "xlsx"]),
        reverse("results:iati", args=[framework.code]),
        "/api/v1/results/frameworks/",
        f"/api/v1/results/frameworks/{framework.code}/",
        "/api/v1/results/indicators/",
        "/api/v1/results/ranking/",
    ]


def test_every_results_read_tries_the_replica_and_falls_back_to_the_primary(client, personas, computed, dead_replica):  # noqa: F811
    framework, period = computed
    for url in replica_urls(framework, period, personas):
        replicas._down_until.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        assert not replicas.is_up(dead_replica), f"{url} did not read from the replica"


def test_the_subscription_form_never_goes_to_the_replica(client, personas, computed, dead_replica):  # noqa: F811
    response = client.post(
        reverse("results:subscribe"),
        {"target_kind": "facility", "target_code": personas.school.code, "channel": "email",
         "address": "a@example.org", "frequency": "instant"},
    )  # fmt: skip
    assert response.status_code in {200, 302, 400}
    assert replicas.is_up(dead_replica)  # not even tried
