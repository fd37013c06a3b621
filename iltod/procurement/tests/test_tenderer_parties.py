"""Tenderers are parties: a losing bidder's red flags attach to it and show on its profile."""

from iltod.procurement import services
from iltod.procurement.models import Flag, Party

from .helpers import award, import_data, package, release, supplier_party


def bid(tenderer_id, name, amount, status="valid"):
    return {
        "id": f"bid-{tenderer_id}",
        "status": status,
        "value": {"amount": amount, "currency": "MNT"},
        "tenderers": [{"id": tenderer_id, "name": name}],
    }


def same_price_tender(ocid, loser_id="T9", loser_name="Ялагдсан ХХК"):
    """Two tenderers bid the same price (R028 flags both); the supplier S1 wins."""
    data = release(
        ocid,
        "1",
        awards=[award(amount=5_000_000)],
        bids=[bid("S1", "Эм хангамж ХХК", 5_000_000), bid(loser_id, loser_name, 5_000_000)],
    )
    data["parties"].append(supplier_party())
    return data


def test_a_losing_tenderer_becomes_a_party_and_its_flag_shows_on_its_profile(db, client, tmp_path):
    report = import_data(tmp_path, package([same_price_tender("ocds-aaaaaa-1")]))
    assert report.ok, report.errors
    services.recompute_flags()

    loser = Party.objects.get(identifier="T9")
    assert loser.name == "Ялагдсан ХХК"
    flag = Flag.objects.get(party=loser, code="R028", process__isnull=True)
    assert flag.scope == Flag.Scope.TENDERER
    page = client.get(loser.get_absolute_url())
    assert page.status_code == 200
    assert "R028" in page.content.decode()


def test_two_publishers_using_the_same_local_id_name_two_parties(db, tmp_path):
    first = same_price_tender("ocds-aaaaaa-1", loser_name="Нэгдүгээр ХХК")
    second = same_price_tender("ocds-bbbbbb-1", loser_name="Хоёрдугаар ХХК")
    report = import_data(tmp_path, package([first, second]))
    assert report.ok, report.errors
    services.recompute_flags()

    losers = Party.objects.filter(identifier="T9").order_by("scheme")
    assert [(p.scheme, p.name) for p in losers] == [("ocds-aaaaaa", "Нэгдүгээр ХХК"), ("ocds-bbbbbb", "Хоёрдугаар ХХК")]
    # Cardinal gives one result for the id "T9"; each party it names carries it.
    assert sorted(
        Flag.objects.filter(code="R028", key="T9", process__isnull=True).values_list("party__scheme", flat=True)
    ) == ["ocds-aaaaaa", "ocds-bbbbbb"]
    # In each process, the id names that publisher's party.
    assert sorted(
        Flag.objects.filter(code="R028", key="T9", process__isnull=False).values_list("process__ocid", "party__scheme")
    ) == [("ocds-aaaaaa-1", "ocds-aaaaaa"), ("ocds-bbbbbb-1", "ocds-bbbbbb")]
