"""A process has a party-level flag when one of its parties was flagged for it in that process: the
search filter, the list's badge and the flag rates count it."""

from django.urls import reverse

from iltod.procurement import services
from iltod.procurement.models import ContractingProcess, Flag, Party
from iltod.procurement.views.public import party_profile

from .helpers import import_data, package, release
from .test_tenderer_parties import same_price_tender


def test_the_filter_the_badge_and_the_rates_count_a_partys_flag_in_the_process(db, client, tmp_path):
    quiet = release("ocds-aaaaaa-2", "1", title="Тайван тендер")
    report = import_data(tmp_path, package([same_price_tender("ocds-aaaaaa-1"), quiet]))
    assert report.ok, report.errors
    services.recompute_flags()
    # The process itself is not flagged for R028 here, only its tenderers are.
    Flag.objects.filter(scope=Flag.Scope.PROCESS).delete()
    flagged = ContractingProcess.objects.get(ocid="ocds-aaaaaa-1")
    loser = Party.objects.get(identifier="T9")
    assert Flag.objects.filter(process=flagged, party=loser, code="R028", scope=Flag.Scope.TENDERER).exists()

    page = client.get(reverse("procurement:process_list"), {"flag": "R028"})
    assert [p.ocid for p in page.context["page"]] == ["ocds-aaaaaa-1"]
    assert page.context["flagged"] == {flagged.pk}
    assert list(ContractingProcess.objects.with_flag("R028")) == [flagged]

    profile = party_profile(flagged.buyer)
    assert (profile["bought"]["count"], profile["flagged"]) == (2, 1)
    # The loser's profile lists its flag once, not once per process.
    assert [f.code for f, *_texts in party_profile(loser)["party_flags"]] == ["R028"]
