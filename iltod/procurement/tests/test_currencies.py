"""Amounts are filtered and summed in tögrög; other currencies are shown apart with their code."""

from decimal import Decimal

from django.urls import reverse

from iltod.procurement.models import ContractingProcess, Party
from iltod.procurement.views.public import party_profile

from .helpers import import_data, package, release


def _tender(ocid, amount, currency):
    data = release(ocid, "1")
    data["tender"]["value"] = {"amount": amount, "currency": currency}
    return data


def _two_currencies(tmp_path):
    both = [_tender("ocds-test-1", 12_000_000, "MNT"), _tender("ocds-test-2", 50_000, "USD")]
    assert import_data(tmp_path, package(both)).ok


def test_the_amount_filters_compare_mnt_only(client, db, tmp_path):
    _two_currencies(tmp_path)
    page = client.get(reverse("procurement:process_list"), {"min_amount": "40000", "max_amount": "100000"})
    assert list(page.context["page"]) == []
    page = client.get(reverse("procurement:process_list"), {"min_amount": "1000000"})
    assert [p.ocid for p in page.context["page"]] == ["ocds-test-1"]


def test_the_profile_sums_mnt_and_shows_other_currencies_apart(client, db, tmp_path):
    _two_currencies(tmp_path)
    buyer = Party.objects.get(identifier="1001")
    profile = party_profile(buyer)
    assert profile["bought"]["count"] == 2
    assert profile["bought"]["value"] == Decimal("12000000")
    assert [(row["currency"], row["value"]) for row in profile["bought_other"]] == [("USD", Decimal("50000"))]
    page = client.get(buyer.get_absolute_url()).content.decode()
    assert "50,000 USD" in page or "50 000 USD" in page or "50000 USD" in page
    assert ContractingProcess.objects.filter(currency="USD").count() == 1
