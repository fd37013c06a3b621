"""Unique people trained by stakeholder type (CSO, government, khural…): on the public figures
page and in the API, with display names."""

import pytest

from .helpers_trainings import attend, make_training, row
from .test_api import API

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(personas):
    first = make_training(personas, days_ago=30)
    second = make_training(personas, days_ago=5, title="SAc 101")
    attend(
        personas,
        first,
        row("Бат", phone="99112233", stakeholder_type="khural"),
        row("Сараа", phone="88112233", stakeholder_type="cso"),
        row("Дорж", phone="95112233", stakeholder_type="cso"),
    )
    attend(personas, second, row("Бат", phone="99112233", stakeholder_type="khural"))


def test_the_figures_page_counts_people_by_stakeholder_type_with_display_names(client, trained):
    response = client.get("/learning/people/figures/", HTTP_ACCEPT_LANGUAGE="en")
    tables = dict(response.context["tables"])
    by_type = dict(tables["Stakeholder type"])
    assert by_type["citizens' representative khural"] == 1  # counted once across two trainings
    assert by_type["civil society organisation"] == 2
    assert "khural" not in by_type and "cso" not in by_type


def test_the_api_gives_people_by_stakeholder_type_with_labels(client, trained):
    figures = client.get(f"{API}/people-trained/", HTTP_ACCEPT_LANGUAGE="en").json()
    rows = {r["value"]: r for r in figures["by_stakeholder_type"]}
    assert rows["khural"] == {"value": "khural", "label": "citizens' representative khural", "people": 1}
    assert rows["cso"]["people"] == 2 and rows["media"]["people"] == 0
