"""A supplier's risk profile: its red flag rate over the processes it bid in or won, against the
suppliers of the same sector, as counts."""

from django.urls import reverse
from django.utils import translation

from iltod.procurement import services
from iltod.procurement.models import ContractingProcess, Flag, Party
from iltod.procurement.views.public import party_profile

from .helpers import award, import_data, package, release, supplier_party
from .test_tenderer_parties import bid


def _process(ocid, bidders, winner=("S1", "MN-REG", "2001", "Эм хангамж ХХК")):
    data = release(ocid, "1", awards=[award(winner, amount=5_000_000)], bids=[bid(*b) for b in bidders])
    data["parties"].append(supplier_party(winner))
    return data


def test_a_supplier_is_compared_with_suppliers_of_its_sector_over_processes_it_bid_in_or_won(
    client, personas, tmp_path
):
    personas.school_org.registration_number = "1001"  # the buyer's school gives every process its sector
    personas.school_org.save()
    processes = [
        # the loser T9 bids in 1 and 2, wins nothing; S1 wins all three
        _process("ocds-test-1", [("S1", "Эм хангамж ХХК", 5_000_000), ("T9", "Ялагдсан ХХК", 6_000_000)]),
        _process("ocds-test-2", [("S1", "Эм хангамж ХХК", 5_000_000), ("T9", "Ялагдсан ХХК", 7_000_000)]),
        _process("ocds-test-3", [("S1", "Эм хангамж ХХК", 5_000_000)]),
    ]
    assert import_data(tmp_path, package(processes)).ok
    loser = Party.objects.get(identifier="T9")
    assert set(loser.tendered.values_list("ocid", flat=True)) == {"ocds-test-1", "ocds-test-2"}
    services.recompute_flags()
    Flag.objects.all().delete()
    first = ContractingProcess.objects.get(ocid="ocds-test-1")
    Flag.objects.create(scope=Flag.Scope.PROCESS, key=first.ocid, code="R024", value=0.1, process=first)

    supplier = party_profile(loser)["supplier"]
    # T9: 1 flagged of the 2 it bid in; peers (S1, same sector): 1 flagged of 3, not a mean of rates
    assert (supplier["count"], supplier["flagged"], supplier["percent"]) == (2, 1, 50.0)
    assert (supplier["peers"]["count"], supplier["peers"]["flagged"]) == (3, 1)

    page = client.get(reverse("procurement:party", args=[loser.code])).content.decode()
    with translation.override("mn"):
        assert translation.gettext("This supplier") in page  # the chart and table say its role
        assert translation.gettext("This buyer") not in page
