"""An aimag's or sector's page compares with the national targets only what is comparable: a share
keeps its target and traffic light; a count (a part of the country's) is shown without them."""

from decimal import Decimal

from django.urls import reverse

from iltod.results.models import Figure, Indicator, Period


def aimag_figure(period, metric, numerator, denominator, kind=Figure.ScopeKind.AIMAG, key="65"):
    Figure.objects.update_or_create(
        period=period,
        metric=metric,
        scope_kind=kind,
        scope_key=key,
        dimension="",
        category="",
        defaults={"numerator": Decimal(numerator), "denominator": denominator},
    )


def cell(response, code, period):
    periods = response.context["periods"]
    for indicator, cells in response.context["rows"]:
        if indicator.code == code:
            return cells[periods.index(period)]
    raise AssertionError(code)


def test_a_count_has_no_target_on_an_aimag_page_and_a_share_keeps_it(client, personas, computed):
    framework, _period = computed
    period = Period.objects.get(framework=framework, start__year=2025)
    count = Indicator.objects.get(code="1.0.1")  # people taking part in score cards: a sum
    share = Indicator.objects.get(code="0.2")  # feedback resolved on time: a share
    assert count.targets.get(period=period).target  # the national target exists
    aimag_figure(period, count.metric, 10, None)
    aimag_figure(period, share.metric, 9, 10)
    response = client.get(reverse("results:scope", args=[framework.code, "aimag", "65"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    counted = cell(response, "1.0.1", period)
    assert counted["value"] == 10
    assert counted["no_target"] and counted["target"] is None and counted["light"] == "grey"
    shared = cell(response, "0.2", period)
    assert not shared["no_target"] and shared["target"] is not None and shared["light"] == "green"
    assert "no target for this aimag" in response.content.decode()


def test_a_sector_page_says_it_in_mongolian_too(client, personas, computed):
    framework, _period = computed
    period = Period.objects.get(framework=framework, start__year=2025)
    count = Indicator.objects.get(code="1.0.1")
    aimag_figure(period, count.metric, 10, None, kind=Figure.ScopeKind.SECTOR, key="education")
    url = reverse("results:scope", args=[framework.code, "sector", "education"])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="mn")
    assert response.status_code == 200
    assert cell(response, "1.0.1", period)["no_target"]
    assert "энэ салбарт зорилт тогтоогоогүй" in response.content.decode()
