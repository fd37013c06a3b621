"""The back office refuses what the services refuse, on the form: a percentage baseline over 100, an
unknown metric, an unknown breakdown, a parent result of another framework give the form again
(200) with the translated error, and save nothing."""

import pytest
from django.urls import reverse

from iltod.results.example import seed_example_framework
from iltod.results.models import Framework, Indicator, Result

INDICATOR = {
    "code": "9.9",
    "title_mn": "Шинэ үзүүлэлт",
    "title_en": "A new indicator",
    "measure": Indicator.Measure.PERCENTAGE,
    "ascending": "on",
    "baseline": "40",
    "baseline_year": "2024",
    "baseline_comment": "",
    "metric": "",
    "reference_vocabulary": "",
    "reference_code": "",
    "disaggregations": "[]",
    "weight": "1",
    "order": "0",
}


@pytest.fixture
def framework(personas):
    seed_example_framework()
    return Framework.objects.get(code="masam")


def post(client, personas, url, data):
    client.force_login(personas.admin)
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"baseline": "150"}, "baseline", "A percentage cannot be more than 100."),
        ({"metric": "no.such.metric"}, "metric", "No metric with this code is registered."),
        ({"disaggregations": '["shoe_size"]'}, "disaggregations", "Unknown breakdown."),
    ],
)
def test_an_indicator_the_service_refuses_is_shown_on_the_form(client, personas, framework, change, field, message):
    result = Result.objects.get(framework=framework, code="0")
    before = Indicator.objects.count()
    response = post(
        client, personas, reverse("admin:results_indicator_add"), {**INDICATOR, "result": result.pk, **change}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert message in response.context["adminform"].form.errors[field]
    assert Indicator.objects.count() == before


def test_changing_an_indicator_to_a_bad_baseline_is_shown_on_the_form(client, personas, framework):
    indicator = Indicator.objects.get(code="0.2")
    version = Framework.objects.get(pk=framework.pk).version
    response = post(
        client,
        personas,
        reverse("admin:results_indicator_change", args=[indicator.pk]),
        {**INDICATOR, "code": "0.2", "result": indicator.result_id, "baseline": "150"},
    )
    assert response.status_code == 200
    assert "A percentage cannot be more than 100." in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.baseline == 55
    assert Framework.objects.get(pk=framework.pk).version == version


def test_a_parent_of_another_framework_is_shown_on_the_form(client, personas, framework):
    other = Framework.objects.create(code="other", title_mn="Өөр")
    stranger = Result.objects.create(framework=other, level=Result.Level.GOAL, code="0", title_mn="Өөр зорилго")
    before = Result.objects.count()
    response = post(
        client,
        personas,
        reverse("admin:results_result_add"),
        {
            "framework": framework.pk,
            "parent": stranger.pk,
            "level": Result.Level.OUTCOME,
            "code": "7",
            "title_mn": "Шинэ үр дүн",
            "title_en": "",
            "weight": "1",
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert "Choose a result of the same framework." in response.content.decode()
    assert Result.objects.count() == before
