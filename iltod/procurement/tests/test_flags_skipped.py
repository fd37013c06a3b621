"""Processes the red flags could not check (lots, consortia, several suppliers, another currency) are
stored when the flags are recomputed, counted and listed on the public pages and in the API."""

import pytest
from django.urls import reverse
from django.utils import translation

from iltod.procurement import services
from iltod.procurement.flags import Settings, Skipped, run
from iltod.procurement.flags.explain import title
from iltod.procurement.models import ContractingProcess, SkippedCheck

from .helpers import award, import_data, package, release

S2 = ("S2", "MN-REG", "2002", "Нийлүүлэгч 2")


def bid(tenderers, amount, currency="MNT", status="valid"):
    return {
        "id": f"b-{'-'.join(tenderers)}-{amount}",
        "status": status,
        "tenderers": [{"id": key} for key in tenderers],
        "value": {"amount": amount, "currency": currency},
    }


def skipped_processes():
    """One process per reason, and one that every indicator checks."""
    return [
        release("ocds-lots", "1", awards=[award(), award(S2)], bids=[bid(["S1"], 100), bid(["S2"], 110)]),
        release("ocds-consortium", "1", awards=[award()], bids=[bid(["S1", "S3"], 100), bid(["S2"], 110)]),
        release(
            "ocds-shared-award",
            "1",
            awards=[award() | {"suppliers": [{"id": "S1"}, {"id": "S2"}], "items": [{"id": "1"}]}],
            bids=[bid(["S1"], 100)],
        ),
        release("ocds-plain", "1", awards=[award()], bids=[bid(["S1"], 100), bid(["S2"], 110)]),
        release("ocds-dollars", "1", awards=[award()], bids=[bid(["S1"], 100, "USD"), bid(["S2"], 110, "USD")]),
    ]


def test_the_engine_names_the_indicators_each_process_missed():
    releases = [{"ocid": r["ocid"], **{k: v for k, v in r.items() if k != "ocid"}} for r in skipped_processes()]
    skipped = Skipped()
    run(releases, Settings.from_ini("[R024]\n[R025]\n[R036]\n[R048]\n[R058]\n"), skipped=skipped)
    assert skipped.codes["lots"] == {"ocds-lots": ["R024", "R025", "R058"]}
    assert skipped.codes["consortium"] == {"ocds-consortium": ["R024", "R025", "R058"]}
    assert skipped.codes["multiple_suppliers"] == {"ocds-shared-award": ["R024", "R025", "R048", "R058"]}
    assert skipped.codes["currency"] == {"ocds-dollars": ["R024", "R036", "R058"]}
    # Only what is enabled is named.
    run(releases, Settings.from_ini("[R025]\n"), skipped=skipped)
    assert skipped.codes["lots"] == {"ocds-lots": ["R025"]}
    assert skipped.codes["currency"] == {}


@pytest.fixture
def imported(personas, tmp_path):
    report = import_data(tmp_path, package(skipped_processes()))
    assert report.ok, report.errors
    return {p.ocid: p for p in ContractingProcess.objects.all()}


def test_recomputing_the_flags_stores_the_skipped_processes_and_replaces_them(imported):
    services.recompute_flags()
    stored = {(c.process.ocid, c.reason): c.codes for c in SkippedCheck.objects.select_related("process")}
    assert stored == {
        ("ocds-lots", "lots"): ["R024", "R025", "R058"],
        ("ocds-consortium", "consortium"): ["R024", "R025", "R058"],
        ("ocds-shared-award", "multiple_suppliers"): ["R024", "R025", "R048", "R058"],
        ("ocds-dollars", "currency"): ["R024", "R036", "R058"],
    }
    ContractingProcess.objects.filter(ocid="ocds-dollars").delete()
    services.recompute_flags()
    assert not SkippedCheck.objects.filter(reason="currency").exists()
    assert SkippedCheck.objects.count() == 3


def test_the_search_counts_and_filters_processes_skipped_for_a_reason(client, imported):
    services.recompute_flags()
    url = reverse("procurement:process_list")
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    choices = dict(response.context["form"].fields["skipped"].choices)
    assert choices["lots"] == "Several lots: more than one active award (1)"
    assert choices["currency"] == "Amounts in another currency than the main one (1)"
    response = client.get(url, {"skipped": "consortium"})
    assert [p.ocid for p in response.context["page"]] == ["ocds-consortium"]
    assert response.context["page"].paginator.count == 1
    # Mongolian by default, with the count.
    page = client.get(url).content.decode()
    assert "Бүх эрсдэлийн дохиогоор шалгагдаагүй" in page
    assert "Хэд хэдэн багц: нэгээс олон хүчинтэй шалгаруулалтын шийдвэр (1)" in page
    # An unknown reason is a form error, not a 500.
    response = client.get(url, {"skipped": "nonsense"})
    assert response.status_code == 200
    assert response.context["form"].errors["skipped"]
    assert len(response.context["page"]) == 0


def test_the_process_page_says_which_flags_did_not_check_it_and_why(client, imported):
    services.recompute_flags()
    url = reverse("procurement:process", args=[imported["ocds-lots"].code])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    names = ", ".join(title(code, "en") for code in ("R024", "R025", "R058"))
    assert f"Not checked for {names} because of: Several lots: more than one active award." in english
    assert "R024" not in english.split('id="skipped-h"')[1].split("</ul>")[0]
    mongolian = client.get(url).content.decode()
    with translation.override("mn"):
        names = ", ".join(title(code) for code in ("R024", "R025", "R058"))
    assert f"{names} дохиогоор шалгагдаагүй, шалтгаан: Хэд хэдэн багц" in mongolian
    # A process every indicator checked has no such section.
    plain = client.get(reverse("procurement:process", args=[imported["ocds-plain"].code])).content.decode()
    assert 'id="skipped-h"' not in plain


def test_the_api_gives_the_skipped_checks_of_a_process(client, imported):
    services.recompute_flags()
    code = imported["ocds-dollars"].code
    body = client.get(f"/api/v1/procurement/processes/{code}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["skipped_checks"] == [
        {
            "reason": "currency",
            "reason_label": "Amounts in another currency than the main one",
            "codes": ["R024", "R036", "R058"],
            "indicators": [title(code, "en") for code in ("R024", "R036", "R058")],
        }
    ]
    plain = client.get(f"/api/v1/procurement/processes/{imported['ocds-plain'].code}/").json()
    assert plain["skipped_checks"] == []
