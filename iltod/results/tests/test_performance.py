"""The overview and the ranking read only stored rows, in a number of queries that does not grow
with the data, and keep their drawn table in the cache until what it shows changes."""

import datetime
import re
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iltod.results import ranking, services
from iltod.results.models import Indicator, RankingEntry, Target


def _facilities(period, count, *, start=0, aimag="65"):
    RankingEntry.objects.bulk_create(
        RankingEntry(
            period=period,
            body_kind="facility",
            body_code=f"test-{index:05d}",  # lowercase: never a public code
            name=f"Сургууль {index:05d}",
            aimag=aimag,
            sector="education",
            items=20,
            score=Decimal(90) - Decimal(index) / 100,
            rank=10 + index,
        )
        for index in range(start, start + count)
    )


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # the page without the form's CSRF token, which changes at each response
    return len(captured), re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_the_ranking_page_reads_the_same_few_queries_for_30_or_300_bodies(client, computed):
    _framework, period = computed
    url = reverse("results:ranking") + f"?period={period.pk}"
    _facilities(period, 30)
    few, _page = _queries(client, url)
    cache.clear()
    _facilities(period, 270, start=30)
    many, page = _queries(client, url)
    assert many == few <= 8
    # one page of 50: the school ranked first by the fixture, then the first 49 of these
    assert page.count('href="/results/ranking/test-') == 49
    assert "Сургууль 00048" in page and "Сургууль 00049" not in page
    _count, third = _queries(client, url + "&page=3")
    assert "Сургууль 00099" in third and "Сургууль 00148" in third
    assert "Сургууль 00098" not in third and "Сургууль 00149" not in third


def test_the_ranking_table_is_cached_until_the_ranking_is_computed_again(client, computed, personas):
    _framework, period = computed
    url = reverse("results:ranking") + f"?period={period.pk}"
    drawn, first = _queries(client, url)
    cached, again = _queries(client, url)
    assert cached <= drawn - 3  # the counts, the page's rows and the rises are not read again
    assert again == first
    personas.school.name_mn = personas.school.name = "Шинэ нэртэй сургууль"
    personas.school.save()
    assert "Шинэ нэртэй сургууль" not in _queries(client, url)[1]  # the ranking is not computed again yet
    ranking.compute_ranking(period)
    assert "Шинэ нэртэй сургууль" in _queries(client, url)[1]


def test_each_language_and_each_choice_has_its_own_cached_table(client, computed):
    _framework, period = computed
    url = reverse("results:ranking") + f"?period={period.pk}"
    mongolian = client.get(url, HTTP_ACCEPT_LANGUAGE="mn").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Score" in english and "Score" not in mongolian
    of_another_aimag = client.get(url + "&aimag=11", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No body is ranked for this choice." in of_another_aimag
    assert "No body is ranked for this choice." not in english


def test_a_page_beyond_the_last_shows_the_last_and_bad_pages_show_the_first(client, computed):
    _framework, period = computed
    _facilities(period, 60)
    base = reverse("results:ranking") + f"?period={period.pk}"
    beyond = client.get(base + "&page=99").content.decode()
    assert "Сургууль 00059" in beyond
    for page in ("abc", "²", "-1", ""):
        response = client.get(base + f"&page={page}")
        assert response.status_code == 200
        assert "Сургууль 00000" in response.content.decode()


def test_the_overview_reads_few_queries_and_fewer_once_cached(client, computed):
    framework, period = computed
    url = reverse("results:overview", args=[framework.code]) + f"?period={period.pk}"
    drawn, first = _queries(client, url)
    cached, again = _queries(client, url)
    assert drawn <= 10
    assert cached <= drawn - 4  # results, indicators, aimags and sectors are not read again
    assert again == first


def test_the_overview_is_drawn_again_when_a_target_or_an_actual_changes(client, computed, personas):
    framework, period = computed
    url = reverse("results:overview", args=[framework.code]) + f"?period={period.pk}"
    indicator = Indicator.objects.get(code="0.2")
    client.get(url)
    services.set_target(actor=personas.analyst, indicator=indicator, period_id=period.pk, target="63.25")
    assert "63.25" in client.get(url).content.decode()
    Target.objects.filter(indicator=indicator, period=period).update(actual=Decimal("41.75"))
    assert "41.75" in client.get(url).content.decode()
    services.save_indicator(
        actor=personas.analyst, result=indicator.result, indicator=indicator, data={"title_mn": "Шинэ"}
    )
    assert "0.2 Шинэ" in client.get(url).content.decode()


def test_counting_a_period_in_one_batch_gives_the_same_figures_as_metric_by_metric(computed, personas):
    """In ``metrics.batch()`` feedback counts every metric of the period in one pass (PostgreSQL);
    every figure, breakdown and count per body must be what the metric-by-metric queries give."""
    from iltod.core import metrics
    from iltod.feedback.models import Feedback
    from iltod.results.services import _figure_rows, scope_of
    from iltod.results.tests.fixtures import UB, make_feedback

    _framework, period = computed
    received = datetime.datetime(period.start.year, 6, 3, 12, tzinfo=UB)
    make_feedback(personas, personas.clinic, received, status=Feedback.Status.DUPLICATE)
    make_feedback(personas, personas.clinic, received, resolve_due=received, status=Feedback.Status.IN_PROGRESS)

    def counted():
        found = {}
        for metric in metrics.metrics():
            if metric.module != "feedback":
                continue
            found[metric.code] = sorted(
                (f.scope_kind, f.scope_key, f.dimension, f.category, f.numerator, f.denominator)
                for f in _figure_rows(period, metric)
            )
            for kind in ("facility", "organization"):
                found[(metric.code, kind)] = metric.by_body and metric.by_body(scope_of(period), kind)
        return found

    one_by_one = counted()
    with metrics.batch():
        together = counted()
    assert together == one_by_one
    [country] = [row for row in one_by_one["feedback.received"] if row[:3] == ("national", "", "")]
    assert country[4] == 16  # the duplicate is left out
    assert one_by_one[("feedback.resolved_on_time", "facility")]


def test_the_ranking_filters_are_cached_for_a_valid_choice_and_keep_what_was_chosen(client, computed):
    _framework, period = computed
    url = reverse("results:ranking") + f"?period={period.pk}&kind=facility&sector=education"
    drawn, first = _queries(client, url)
    cached, again = _queries(client, url)
    assert cached < drawn and again == first
    assert '<option value="education" selected>' in again
    other = client.get(reverse("results:ranking") + f"?period={period.pk}&kind=facility&sector=health")
    assert '<option value="health" selected>' in other.content.decode()
    refused = client.get(reverse("results:ranking") + f"?period={period.pk}&sector=nowhere")
    assert refused.status_code == 200
    assert "selected>" not in refused.content.decode().split('name="sector"')[1].split("</select>")[0]
