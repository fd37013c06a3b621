"""The indicator page hides a breakdown of people (sex, age, group, disability, locality) by the
inclusion view's rule: no figure for fewer than 5 people, the next smallest category hidden with
it, and a share hidden when fewer than 5 are on either side of it. Aimags are places: shown."""

from decimal import Decimal

from django.urls import reverse

from iltod.results.models import Figure, Indicator, Period


def figures(period, metric, dimension, rows):
    for category, numerator, denominator in rows:
        Figure.objects.update_or_create(
            period=period,
            metric=metric,
            scope_kind=Figure.ScopeKind.NATIONAL,
            scope_key="",
            dimension=dimension,
            category=category,
            defaults={"numerator": Decimal(numerator), "denominator": denominator},
        )


def page(client, framework, indicator, period):
    url = reverse("results:indicator", args=[framework.code, indicator.pk]) + f"?period={period.pk}"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def rows_of(response, label):
    return dict(
        (name, (value, n, d, hidden))
        for dimension, items in response.context["breakdowns"]
        if dimension.lower() == label
        for name, value, n, d, hidden in items
    )


def test_a_small_category_and_its_complement_are_hidden_and_the_page_says_why(client, personas, computed):
    framework, _period = computed
    period = Period.objects.get(framework=framework, start__year=2025)
    indicator = Indicator.objects.get(code="0.2")  # a share: feedback resolved on time
    indicator.disaggregations = ["disability", "sex", "aimag"]
    indicator.save(update_fields=["disaggregations"])
    # 3 people with a disability: hidden; the others with them, or 3 = total − others.
    figures(period, indicator.metric, "disability", [("yes", 2, 3), ("no", 30, 40)])
    # women 20 (15 on time), men 30 (29 on time: 1 not, too few on that side), unknown 12 (6).
    figures(period, indicator.metric, "sex", [("female", 15, 20), ("male", 29, 30), ("not_stated", 6, 12)])
    figures(period, indicator.metric, "aimag", [("65", 1, 2)])
    response = page(client, framework, indicator, period)
    disability = rows_of(response, "disability")
    assert all(hidden for *_values, hidden in disability.values())
    assert all(value is None and n is None and d is None for value, n, d, _hidden in disability.values())
    sex = rows_of(response, "sex")
    hidden = {name for name, (*_values, flag) in sex.items() if flag}
    assert len(hidden) >= 2  # men's share, and the smallest other with it
    assert any(not flag for *_values, flag in sex.values())  # not everything: the rule, not a blanket
    aimag = next(items for dimension, items in response.context["breakdowns"] if "aimag" in dimension.lower())
    assert not any(row[4] for row in aimag)  # places are shown as they are
    assert "hidden: fewer than 5 people" in response.content.decode()
    assert "Counted" in response.content.decode()


def test_the_reason_is_in_mongolian_too(client, personas, computed):
    framework, _period = computed
    period = Period.objects.get(framework=framework, start__year=2025)
    indicator = Indicator.objects.get(code="0.2")
    indicator.disaggregations = ["disability"]
    indicator.save(update_fields=["disaggregations"])
    figures(period, indicator.metric, "disability", [("yes", 2, 3), ("no", 30, 40)])
    url = reverse("results:indicator", args=[framework.code, indicator.pk]) + f"?period={period.pk}"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="mn")
    assert "нуусан: 5-аас цөөн хүн" in response.content.decode()
