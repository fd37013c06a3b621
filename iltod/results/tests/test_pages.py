"""The results pages for every persona, bad input on the staff forms, and query counts."""

import pytest
from django.urls import reverse

from iltod.results.models import Indicator, RankingEntry, Target

PERSONAS = [
    None,
    "citizen",
    "monitor",
    "provider",
    "officer",
    "other_officer",
    "ministry_officer",
    "coordinator",
    "network_admin",
    "analyst",
    "admin",
]
MANAGERS = {"analyst", "admin"}


def log_in(client, personas, name):
    if name is not None:
        client.force_login(getattr(personas, name))


def public_urls(framework, period, personas):
    indicator = Indicator.objects.get(code="0.2")
    return [
        reverse("results:index"),
        reverse("results:overview", args=[framework.code]) + f"?period={period.pk}",
        reverse("results:indicator", args=[framework.code, indicator.pk]),
        reverse("results:scope", args=[framework.code, "aimag", "65"]),
        reverse("results:scope", args=[framework.code, "sector", "education"]),
        reverse("results:methodology"),
        reverse("results:ranking"),
        reverse("results:ranking_body", args=[personas.school.code]),
        reverse("results:inclusion"),
        reverse("results:subscribe") + f"?kind=facility&code={personas.school.code}",
        reverse("results:facility_feed", args=[personas.school.code]),
        reverse("results:area_feed", args=["65"]),
        reverse("results:export", args=[framework.code, "csv"]),
        reverse("results:export", args=[framework.code, "xlsx"]),
        reverse("results:iati", args=[framework.code]),
    ]


@pytest.mark.parametrize("name", PERSONAS)
def test_every_public_page_opens_for_every_persona(client, personas, computed, name):
    framework, period = computed
    log_in(client, personas, name)
    for url in public_urls(framework, period, personas):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url


@pytest.mark.parametrize("name", PERSONAS)
def test_only_results_managers_see_and_use_the_staff_forms(client, personas, computed, name):
    framework, period = computed
    log_in(client, personas, name)
    indicator = Indicator.objects.get(code="0.2")
    page = client.get(reverse("results:indicator", args=[framework.code, indicator.pk]))
    assert (b'name="target"' in page.content) is (name in MANAGERS)
    response = client.post(
        reverse("results:target_set", args=[framework.code, indicator.pk]), {"period": period.pk, "target": "71"}
    )
    saved = Target.objects.get(indicator=indicator, period=period).target
    if name in MANAGERS:
        assert response.status_code == 302
        assert saved == 71
    else:
        assert response.status_code == 404
        assert saved == 70


def test_the_overview_shows_the_tree_progress_and_the_computed_actual(client, computed):
    framework, period = computed
    response = client.get(
        reverse("results:overview", args=[framework.code]) + f"?period={period.pk}", HTTP_ACCEPT_LANGUAGE="en"
    )
    text = response.content.decode()
    assert "Citizens in poor localities" in text
    assert "0.2" in text
    # 9 of 12 school items and 3 of 3 clinic items resolved on time: 80 % (not the mean of 75 % and 100 %)
    assert Target.objects.get(indicator__code="0.2", period=period).actual == 80


def test_bad_input_on_the_staff_forms_is_refused_with_a_translated_message(client, personas, computed):
    framework, period = computed
    client.force_login(personas.analyst)
    indicator = Indicator.objects.get(code="0.2")
    url = reverse("results:target_set", args=[framework.code, indicator.pk])
    for data, message in [
        ({"period": "999999", "target": "50"}, "Энэ хугацаа үр дүнгийн хүрээнд байхгүй байна."),
        ({"period": period.pk, "target": "150"}, "Хувь 100-аас их байж болохгүй."),
        ({"period": period.pk, "target": "арван"}, "Тоо оруулна уу."),
    ]:
        response = client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="mn")
        assert response.status_code == 200
        assert message in response.content.decode()
    assert Target.objects.get(indicator=indicator, period=period).target == 70
    lessons = Indicator.objects.get(code="2.4.1")
    response = client.post(
        reverse("results:actual_submit", args=[framework.code, lessons.pk]),
        {"period": period.pk, "value": "5"},
        follow=True,
    )
    assert "нотолгоо" in response.content.decode()
    assert not lessons.targets.filter(manual_actuals__isnull=False).exists()


def test_odd_addresses_are_not_found(client, computed):
    framework, _period = computed
    assert client.get(reverse("results:overview", args=["nothing"])).status_code == 404
    assert client.get(reverse("results:scope", args=[framework.code, "planet", "65"])).status_code == 404
    assert client.get(reverse("results:scope", args=[framework.code, "aimag", "0000"])).status_code == 404
    assert client.get(reverse("results:export", args=[framework.code, "exe"])).status_code == 404
    assert client.get(reverse("results:ranking_body", args=["NOBODY"])).status_code == 404
    assert client.get(reverse("results:indicator", args=[framework.code, 999999])).status_code == 404
    assert client.get(reverse("results:ranking") + "?period=abc&kind=zzz&page=x").status_code == 200


def test_a_hidden_framework_is_shown_only_to_results_managers(client, personas, computed):
    framework, _period = computed
    framework.is_public = False
    framework.save(update_fields=["is_public"])
    url = reverse("results:overview", args=[framework.code])
    assert client.get(url).status_code == 404
    client.force_login(personas.analyst)
    assert client.get(url).status_code == 200


def test_the_ranking_and_overview_read_few_queries(client, personas, computed, django_assert_max_num_queries):
    framework, period = computed
    for index in range(30):
        RankingEntry.objects.create(
            period=period,
            body_kind="facility",
            body_code=f"X{index:05d}",
            name=f"Сургууль {index}",
            items=20,
            score=50,
            rank=100 + index,
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("results:ranking") + f"?period={period.pk}")
    assert response.status_code == 200
    with django_assert_max_num_queries(14):
        client.get(reverse("results:overview", args=[framework.code]) + f"?period={period.pk}")
    with django_assert_max_num_queries(14):
        client.get(reverse("results:inclusion"))


@pytest.mark.parametrize("name", ["officer", "analyst"])
def test_the_back_office_of_results_is_for_results_managers(client, personas, computed, name):
    user = getattr(personas, name)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    response = client.get("/admin/results/indicator/")
    assert response.status_code == (200 if name == "analyst" else 403)


def test_the_results_pages_show_no_english_words_in_mongolian_and_no_raw_codes(client, personas, computed):
    from iltod.core.testing.visible_text import english_words, raw_codes, visible_text

    framework, period = computed
    found = []
    for url in public_urls(framework, period, personas)[:10]:
        for language in ("mn", "en"):
            response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE=language)
            if not response["Content-Type"].startswith("text/html"):
                continue
            parts = visible_text(response.content.decode())
            found += [(language, url, word) for word in raw_codes(parts)]
            if language == "mn":
                found += [(language, url, word) for word in english_words(parts)]
    assert not found, found
