"""Public pages for every persona, the search filters, exports and query budgets."""

import pytest
from django.urls import reverse

from iltod.procurement.models import ContractingProcess, Flag

from .helpers import import_data, package, release

PERSONAS = [
    "anonymous",
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


def login(client, personas, name):
    if name != "anonymous":
        client.force_login(getattr(personas, name))
    return client


@pytest.mark.parametrize("name", PERSONAS)
def test_public_pages_are_public_for_everyone(client, personas, process, name):
    client = login(client, personas, name)
    pages = [
        reverse("procurement:process_list"),
        reverse("procurement:process", args=[process.code]),
        reverse("procurement:party", args=[process.buyer.code]),
        reverse("procurement:party", args=[process.suppliers.get().code]),
        reverse("procurement:monitoring"),
        reverse("procurement:network_cases", args=[personas.network.code]),
        reverse("procurement:process_feedback", args=[process.code]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(reverse("procurement:process", args=[process.code])).content.decode()
    assert "R024" in detail
    # only members of the monitoring network see the button to open a case
    assert (reverse("procurement:case_new", args=[process.code]) in detail) is (name == "monitor")


@pytest.mark.parametrize("name", PERSONAS)
def test_opening_a_case_follows_the_matrix(client, personas, process, name):
    client = login(client, personas, name)
    response = client.get(reverse("procurement:case_new", args=[process.code]))
    if name == "anonymous":
        assert response.status_code == 302  # to the login page
    else:
        assert response.status_code == (200 if name == "monitor" else 404)


def test_search_filters(client, personas, process, tmp_path):
    other = release("ocds-test-2", "1", date="2023-05-01T00:00:00Z", buyer=("B2", "MN-REG", "9999", "Өөр байгууллага"))
    other["tender"]["procurementMethod"] = "direct"
    other["tender"]["value"]["amount"] = 100
    assert import_data(tmp_path, package([other])).ok
    # an import recomputes every flag (none of the indicators fires on two processes): set one again
    Flag.objects.create(scope=Flag.Scope.PROCESS, key=process.ocid, code="R024", value=1.0, process=process)
    url = reverse("procurement:process_list")

    def found(**params):
        page = client.get(url, params).context["page"]
        return sorted(p.ocid for p in page)

    assert found() == ["ocds-test-1", "ocds-test-2"]
    assert found(method="direct") == ["ocds-test-2"]
    assert found(year=2025) == ["ocds-test-1"]
    assert found(aimag=personas.geo.aimag.code) == ["ocds-test-1"]
    assert found(sector=personas.school.sector.code) == ["ocds-test-1"]
    assert found(min_amount=1000) == ["ocds-test-1"]
    assert found(max_amount=1000) == ["ocds-test-2"]
    assert found(flag="R024") == ["ocds-test-1"]
    assert found(buyer="Өөр") == ["ocds-test-2"]
    assert found(supplier="Эм хангамж") == ["ocds-test-1"]
    assert found(q="ocds-test-2") == ["ocds-test-2"]
    # nonsense in the query string is a form error, not a 500
    response = client.get(url, {"year": "abc", "min_amount": "x", "aimag": "nowhere"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert found(min_amount=10, max_amount=1) == []


def test_exports(client, process):
    url = reverse("procurement:process_list")
    csv = client.get(url, {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "ocds-test-1" in csv.content.decode("utf-8-sig")
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_the_list_has_a_query_budget(client, process, tmp_path, django_assert_max_num_queries):
    releases = [
        release(f"ocds-many-{n}", "1", buyer=(f"B{n}", "MN-REG", f"5{n:03d}", f"Захиалагч {n}")) for n in range(30)
    ]
    assert import_data(tmp_path, package(releases)).ok
    with django_assert_max_num_queries(12):
        response = client.get(reverse("procurement:process_list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == 25


def test_unknown_codes_are_404(client, db):
    for name in ("process", "party", "case", "process_feedback"):
        assert client.get(reverse(f"procurement:{name}", args=["NOPE1234"])).status_code == 404


def test_the_facility_and_aimag_pages_show_what_it_buys(client, process, personas):
    facility = client.get(personas.school.get_absolute_url()).content.decode()
    assert process.title in facility
    aimag = client.get(personas.geo.aimag.get_absolute_url())
    assert aimag.status_code == 200
    assert reverse("procurement:process_list") in aimag.content.decode()


def test_the_party_profile_compares_with_peers(client, process):
    response = client.get(reverse("procurement:party", args=[process.buyer.code]))
    profile = response.context["profile"]
    assert profile["bought"]["count"] == 1
    assert profile["flagged"] == 1
    assert profile["flag_percent"] == 100
    assert "<svg" in response.content.decode()


def test_the_api_lists_processes_with_their_flags(client, process):
    response = client.get("/api/v1/procurement/processes/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert (row["ocid"], row["flags"]) == ("ocds-test-1", {"R024": 1.0})
    assert ContractingProcess.objects.count() == 1
