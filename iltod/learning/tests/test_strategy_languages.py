"""The strategic plan in Mongolian and English: the forms take both, the pages show the visitor's
language and fall back to Mongolian where the English is missing."""

import datetime

import pytest

from iltod.learning.models import FocusArea, Objective, StrategicPlan

pytestmark = pytest.mark.django_db


def _create(client, personas, **extra):
    client.force_login(personas.network_admin)
    data = {
        "network": personas.network.pk,
        "title_mn": "Стратеги 2025–2027",
        "title_en": "Strategy 2025–2027",
        "summary_mn": "Гишүүдийн чадавх",
        "summary_en": "Members' capacity",
        "starts_on": "2025-01-01",
        "ends_on": "2027-12-31",
        "visibility": "public",
    }
    data.update(extra)
    return client.post("/learning/strategy/new/", data)


def test_a_plan_is_written_and_shown_in_both_languages(client, personas):
    response = _create(client, personas)
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = StrategicPlan.objects.get()
    assert (plan.title_mn, plan.title_en, plan.summary_en) == (
        "Стратеги 2025–2027",
        "Strategy 2025–2027",
        "Members' capacity",
    )
    url = plan.get_absolute_url()
    area = client.post(
        f"/learning/strategy/{plan.code}/area/add/",
        {"area-title": "Гишүүдийн чадавх", "area-title_en": "Members' capacity"},
    )
    assert area.status_code == 302
    area = FocusArea.objects.get()
    objective = client.post(
        f"/learning/strategy/{plan.code}/objective/add/",
        {"objective-focus_area": area.pk, "objective-title": "НХ-ын сургалт"},  # no English: falls back
    )
    assert objective.status_code == 302
    assert Objective.objects.get().title_en in ("", None)
    client.cookies["django_language"] = "en"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Strategy 2025–2027" in english and "Members&#x27; capacity" in english
    assert "НХ-ын сургалт" in english
    client.cookies["django_language"] = "mn"
    mongolian = client.get(url, HTTP_ACCEPT_LANGUAGE="mn").content.decode()
    assert "Стратеги 2025–2027" in mongolian and "Strategy 2025–2027" not in mongolian


def test_the_mongolian_title_is_required_and_the_english_optional(client, personas):
    response = _create(client, personas, title_mn="", title_en="Strategy")
    assert response.status_code == 400
    assert not StrategicPlan.objects.exists()
    assert _create(client, personas, title_en="").status_code == 302
    plan = StrategicPlan.objects.get()
    assert plan.title_en in ("", None)
    assert plan.starts_on == datetime.date(2025, 1, 1)
