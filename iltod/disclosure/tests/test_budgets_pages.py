"""Budget and transfer pages for every persona: public lists and exports, imports for publishers
only (404 for others), the facility and aimag sections showing where money stopped, and bounded
queries on the lists."""

import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from iltod.core.testing import make_org
from iltod.disclosure.forms.budgets import BUDGET_COLUMNS
from iltod.disclosure.models import BudgetLine, Transfer
from iltod.organizations.models import Organization

from .money_fixtures import money  # noqa: F401

pytestmark = pytest.mark.django_db

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
# May import budget lines at all: holds "publish" somewhere (officers, provider staff) or is an admin;
# the aimag's case manager ("officer") handles feedback but does not publish.
PUBLISHERS = {"provider", "other_officer", "ministry_officer", "admin"}


def client_for(client, personas, name):
    if name != "anonymous":
        client.force_login(getattr(personas, name))
    return client


@pytest.mark.parametrize("name", PERSONAS)
def test_the_public_lists_are_public_and_the_imports_are_for_publishers(client, personas, money, name):  # noqa: F811
    client = client_for(client, personas, name)
    for url in (reverse("disclosure:budget_list"), reverse("disclosure:transfer_list")):
        response = client.get(url)
        assert response.status_code == 200
        assert ("import/" in response.content.decode()) is (name in PUBLISHERS)
    for url in (
        reverse("disclosure:budget_import"),
        reverse("disclosure:transfer_import"),
        reverse("disclosure:budget_package_import"),
    ):
        response = client.get(url)
        expected = 302 if name == "anonymous" else (200 if name in PUBLISHERS else 404)
        assert response.status_code == expected, (name, url)


def test_the_lists_export_in_the_import_columns(client, personas, money):  # noqa: F811
    response = client.get(reverse("disclosure:budget_list"), {"format": "csv", "year": 2025})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(BUDGET_COLUMNS)
    assert money.line.code in text
    response = client.get(reverse("disclosure:transfer_list"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_provider_uploads_a_file_with_errors_and_sees_them_by_row(client, personas):
    client.force_login(personas.provider)
    header = ",".join(BUDGET_COLUMNS)
    good = f"{personas.school_org.code},{personas.school.code},2025,L-1,,,,,,100,,"
    bad = f"{personas.school_org.code},{personas.school.code},2025,L-2,,,,,,-100,,"
    upload = SimpleUploadedFile("lines.csv", f"{header}\n{good}\n{bad}\n".encode(), content_type="text/csv")
    response = client.post(reverse("disclosure:budget_import"), {"file": upload})
    assert response.status_code == 400
    assert "3" in response.content.decode() and not BudgetLine.objects.exists()
    upload = SimpleUploadedFile("lines.csv", f"{header}\n{good}\n".encode(), content_type="text/csv")
    response = client.post(reverse("disclosure:budget_import"), {"file": upload})
    assert response.status_code == 302 and BudgetLine.objects.count() == 1


def test_a_package_with_a_malformed_model_is_answered_with_an_error_not_a_crash(client, personas):
    client.force_login(personas.provider)
    descriptor = {
        "resources": [{"name": "lines", "path": "lines.csv", "format": "csv"}],
        "model": {"measures": [{"name": "approved", "source": "amount"}], "dimensions": {}},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor))
        archive.writestr("lines.csv", "amount\n100\n")
    upload = SimpleUploadedFile("budget.zip", buffer.getvalue(), content_type="application/zip")
    response = client.post(reverse("disclosure:budget_package_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="mn")
    assert response.status_code == 400 and not BudgetLine.objects.exists()
    assert "Багцын загвар буруу" in response.content.decode()


def test_a_file_that_is_not_what_its_name_says_is_refused(client, personas):
    client.force_login(personas.provider)
    upload = SimpleUploadedFile("lines.xlsx", b"PK\x03\x04 not really a workbook", content_type="text/csv")
    response = client.post(reverse("disclosure:budget_import"), {"file": upload})
    assert response.status_code == 400 and not BudgetLine.objects.exists()


def test_the_facility_page_shows_where_the_money_stopped(client, personas, money):  # noqa: F811
    response = client.get(personas.school.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="money-h"' in html and "<svg" in html
    assert "200" in html  # the loss of 200 000 at the second step, in the table too
    assert html.count('class="stopped"') == 1


def test_the_aimag_page_lists_the_steps_that_lost_money(client, personas, money):  # noqa: F811
    html = client.get(personas.geo.aimag.get_absolute_url()).content.decode()
    assert 'id="money-area-h"' in html
    assert personas.school.name in html


def test_the_aimag_panel_counts_every_step_and_finds_the_largest_losses_beyond_the_first_200(client, personas):
    p = personas
    far = make_org(Organization.Kind.OTHER, "Алсын сургууль", "Far School")
    late = make_org(Organization.Kind.OTHER, "Хоцорсон сургууль", "Late School")

    def step(code, **extra):
        values = {"allocated": Decimal(1000), "received": Decimal(1000), "to_organization": p.school_org}
        values.update(extra)
        return Transfer(
            code=code, fiscal_year=2025, from_organization=p.education_dept, admin_unit=p.geo.soum, **values
        )

    steps = [step(f"A{index:03}") for index in range(240)]
    steps += [step(f"P{index}", received=None) for index in range(8)]  # not received yet
    steps.append(step("Z-LOSS", allocated=Decimal(9000), received=Decimal(1000), to_organization=far))
    steps.append(step("Z-LATE", expected_on=date(2025, 1, 1), received_on=date(2025, 3, 2), to_organization=late))
    Transfer.objects.bulk_create(steps)
    html = client.get(p.geo.aimag.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    panel = html[html.index('id="money-area-h"') :]
    panel = panel[: panel.index("</section>")]
    allocated = 249 * 1000 + 9000
    received = 241 * 1000 + 1000
    assert "250 transfer steps into the area" in panel, panel
    assert f"{allocated:,} MNT allocated, {received:,} MNT received, 8 not received yet" in panel, panel
    losses = panel[panel.index("Steps that lost money") :]
    assert "Far School" in losses and "8,000" in losses
    assert "Late School" in panel[panel.index("Late steps") :] and ">60<" in panel


def test_the_lists_read_a_bounded_number_of_rows(client, personas, money, django_assert_max_num_queries):  # noqa: F811
    for index in range(30):
        BudgetLine.objects.create(organization=personas.school_org, fiscal_year=2024, code=f"X{index}", approved=1)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("disclosure:budget_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("disclosure:transfer_list")).status_code == 200


def test_a_wrong_received_figure_is_disputed_where_the_facility_publishes_it(client, personas, money):  # noqa: F811
    from datetime import date

    from iltod.disclosure.models import FacilityIndicator, FacilityValue

    feedback_form = f"{reverse('feedback:submit')}?facility={personas.school.code}"
    data_page = reverse("disclosure:facility_data", args=[personas.school.code])
    html = _money_panel(client.get(personas.school.get_absolute_url()).content.decode())
    assert f'href="{feedback_form}"' in html and f'href="{data_page}"' not in html
    indicator = FacilityIndicator.objects.get(code="budget_received")
    FacilityValue.objects.create(
        facility=personas.school, indicator=indicator, period="2025", period_start=date(2025, 1, 1), value=0.8
    )
    html = _money_panel(client.get(personas.school.get_absolute_url()).content.decode())
    assert f'href="{data_page}"' in html


def _money_panel(html: str) -> str:
    start = html.index('id="money-h"')
    return html[start : html.index("</section>", start)]
