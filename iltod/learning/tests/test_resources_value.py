"""Resources: grants from idea to won or lost, yearly summaries and the share of own income from the
year's sums; the value page from the platform's metrics; who sees what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from iltod.learning import services
from iltod.learning.models import Resource

pytestmark = pytest.mark.django_db


def _add(personas, **fields):
    values = {"network": personas.network, "title": "Хураамж", "amount": Decimal(1000), "kind": "fee"}
    values.update(fields)
    values.setdefault("starts_on", datetime.date(2025, 3, 1))
    values.setdefault("status", "received")
    return services.record_resource(actor=personas.network_admin, **values)


def test_yearly_summary_and_share_of_own_income(personas):
    _add(personas, amount=Decimal(3_000_000))
    _add(personas, kind="service", title="Сургалт засаг даргын тамгын газарт", amount=Decimal(1_000_000))
    _add(personas, kind="grant", status="won", title="Тэтгэлэг", amount=Decimal(12_000_000), source="Сан")
    _add(personas, kind="grant", status="submitted", title="Хүсэлт", amount=Decimal(5_000_000))
    _add(personas, kind="grant", status="lost", title="Аваагүй", amount=Decimal(9_000_000))
    _add(personas, kind="in_kind", title="Танхим", amount=Decimal(500_000))
    _add(personas, amount=Decimal(2_000_000), starts_on=datetime.date(2024, 5, 1))
    y2025, y2024 = services.yearly_summary(personas.network)
    assert (y2025.year, y2025.own, y2025.grants, y2025.in_kind, y2025.grants_pending) == (
        2025,
        4_000_000,
        12_000_000,
        500_000,
        5_000_000,
    )
    assert y2025.own_share == pytest.approx(25.0)  # 4 / (4 + 12), never an average of shares
    assert y2024.own_share == pytest.approx(100.0)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "grant", "status": "received"},
        {"kind": "fee", "status": "won"},
        {"amount": Decimal(-5)},
        {"ends_on": datetime.date(2020, 1, 1)},
    ],
)
def test_bad_resources_are_refused(personas, fields):
    with pytest.raises(ValidationError):
        _add(personas, **fields)
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("monitor", 404), ("officer", 404), ("network_admin", 200)]
)
def test_resources_page_is_the_administrators(client, personas, who, status):
    if who != "anonymous":
        client.force_login(getattr(personas, who))
    assert client.get("/learning/resources/").status_code == status
    assert client.get("/learning/value/").status_code == 200  # public


def test_adding_through_the_page(client, personas):
    client.force_login(personas.network_admin)
    data = {"kind": "grant", "status": "won", "title": "Тэтгэлэг", "amount": "1000000", "starts_on": "2025-01-01"}
    assert client.post("/learning/resources/", data).status_code == 302
    assert client.post("/learning/resources/", {**data, "status": "received"}).status_code == 400
    assert Resource.objects.count() == 1


def test_value_page_shows_people_trained(client, personas):
    from .helpers_trainings import attend, make_training, row

    training = make_training(personas, days_ago=5)
    attend(personas, training, row("Бат", phone="99112233"))
    page = client.get("/learning/value/", {"year": training.starts_on.year}).content.decode()
    assert "People trained (unique)" in page or "Сургалтад хамрагдсан хүн (давхардаагүй)" in page
