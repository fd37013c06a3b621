"""Holes found in review: odd query parameters and a double opt-in that a stranger could complete."""

import pytest
from django.urls import reverse

from iltod.notifications.models import OutboundMessage
from iltod.results.models import Subscription

from .fixtures import computed  # noqa: F401 - a fixture


@pytest.mark.parametrize("path", ["/results/ranking/", "/results/masam/", "/results/inclusion/"])
def test_a_period_that_only_looks_like_a_number_shows_the_latest(client, computed, path):  # noqa: F811
    assert client.get(path, {"period": "²"}).status_code == 200  # "²".isdigit() is true, int("²") fails


@pytest.mark.parametrize("period", ["99999999999999999999999", "-1", "0"])
def test_the_ranking_api_refuses_a_period_out_of_range(client, computed, period):  # noqa: F811
    response = client.get("/api/v1/results/ranking/", {"period": period})
    assert response.status_code == 400
    assert "period" in response.json()["error"]["fields"]


def test_an_e_mail_subscription_is_confirmed_only_from_the_e_mailed_link(client, personas):
    response = client.post(
        reverse("results:subscribe"),
        {"target_kind": "facility", "target_code": personas.school.code, "channel": "email",
         "address": "victim@example.mn", "frequency": "weekly"},
    )  # fmt: skip
    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert subscription.token not in response["Location"]
    page = client.get(response["Location"])
    assert subscription.token not in page.content.decode()
    assert "<form" not in page.content.decode().split("<main", 1)[-1]
    assert subscription.token in OutboundMessage.objects.get().body
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_an_sms_subscription_still_goes_to_the_page_that_asks_for_its_code(client, personas):
    response = client.post(
        reverse("results:subscribe"),
        {"target_kind": "facility", "target_code": personas.school.code, "channel": "sms",
         "address": "99112233", "frequency": "weekly"},
    )  # fmt: skip
    subscription = Subscription.objects.get()
    assert response["Location"] == reverse("results:confirm", args=[subscription.token])
    client.post(response["Location"])  # no code: not confirmed
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
