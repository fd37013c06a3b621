"""Those who may see the statistics (the analyst, officers, monitors…) download them by area, facility
and handling organisation, as CSV and XLSX, from the statistics page; nobody else can."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from iltod.core.testing import make_facility
from iltod.feedback import services

from .helpers import TUESDAY, at, submit

ALLOWED = ["analyst", "officer", "monitor", "coordinator", "network_admin", "ministry_officer", "admin"]
NOT_ALLOWED = ["citizen", "provider"]


def export_url(name, fmt, year=2026):
    return reverse("feedback:statistics_export", args=[name, fmt]) + f"?year={year}"


@pytest.fixture
def history(world, time_machine):
    """Three items about the school in 2026: one resolved on time and rated 4 (solved), one still
    open, one about the clinic resolved after 3 days."""
    time_machine.move_to(TUESDAY, tick=False)
    done, _open = submit(world), submit(world)
    clinic = submit(world, service_unit=world.clinic)
    time_machine.move_to(at(2026, 9, 10), tick=False)
    services.change_status(done, "resolved", actor=world.admin, text="Шийдвэрлэсэн.")
    services.rate(done, rating=4, problem_solved=True)
    time_machine.move_to(at(2026, 9, 11), tick=False)
    services.change_status(clinic, "resolved", actor=world.admin, text="Шийдвэрлэсэн.")
    return world


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_analyst_downloads_the_statistics_of_each_facility(client, history):
    client.force_login(history.analyst)
    rows = read_csv(client.get(export_url("facilities", "csv"), HTTP_ACCEPT_LANGUAGE="en"))
    header, *data = rows
    assert header[:5] == ["Code", "Facility", "Type", "Soum or district", "Aimag or capital"]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    school = by_code[history.school.code]
    assert school["Facility"] == history.school.name_en
    assert school["Type"] == history.school.get_kind_display()
    assert school["Aimag or capital"] == "Arkhangai"
    assert (school["Received"], school["Resolved"], school["Resolved within the deadline"]) == ("2", "1", "1")
    assert (school["Ratings"], school["Average rating (1–5)"], school["Ratings saying the problem was solved"]) == (
        "1",
        "4.0",
        "1",
    )
    assert school["Median days to resolve"] == "2"
    assert by_code[history.clinic.code]["Received"] == "1"


def test_the_area_export_has_each_aimag_and_soum_and_the_organisation_export_each_handler(client, history):
    client.force_login(history.analyst)
    areas = {row[0]: row for row in read_csv(client.get(export_url("areas", "csv")))[1:]}
    assert {history.geo.aimag.code, history.geo.soum.code, history.geo.other_aimag.code} <= set(areas)
    assert areas[history.geo.aimag.code][4] == "2"  # received in Arkhangai
    organizations = {row[0] for row in read_csv(client.get(export_url("organizations", "csv")))[1:]}
    handlers = {f.handling_organization.code for f in history.school.feedback.all()}
    assert handlers <= organizations


def test_the_export_in_mongolian_has_mongolian_headers_and_labels(client, history):
    client.force_login(history.analyst)
    header, *data = read_csv(client.get(export_url("facilities", "csv"), HTTP_ACCEPT_LANGUAGE="mn"))
    assert header[:3] == ["Код", "Үйлчилгээний байгууллага", "Төрөл"]
    assert history.school.name_mn in {row[1] for row in data}


def test_the_xlsx_export_holds_the_same_rows(client, history):
    client.force_login(history.analyst)
    response = client.get(export_url("facilities", "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {history.school.code, history.clinic.code}


def test_a_year_without_feedback_gives_only_the_header(client, history):
    client.force_login(history.analyst)
    assert len(read_csv(client.get(export_url("facilities", "csv", year=2019)))) == 1


@pytest.mark.parametrize("who", ALLOWED)
def test_the_statistics_page_links_the_exports_for_those_who_may_see_them(client, history, who):
    client.force_login(getattr(history, who))
    html = client.get(reverse("feedback:statistics") + "?year=2026").content.decode()
    assert reverse("feedback:statistics_export", args=["facilities", "xlsx"]) in html
    assert client.get(export_url("areas", "xlsx")).status_code == 200


@pytest.mark.parametrize("who", NOT_ALLOWED)
def test_others_see_no_link_and_get_not_found(client, history, who):
    client.force_login(getattr(history, who))
    html = client.get(reverse("feedback:statistics")).content.decode()
    assert reverse("feedback:statistics_export", args=["facilities", "xlsx"]) not in html
    assert client.get(export_url("facilities", "csv")).status_code == 404


def test_anonymous_visitors_get_not_found(client, history):
    assert "statistics/facilities.xlsx" not in client.get(reverse("feedback:statistics")).content.decode()
    assert client.get(export_url("facilities", "csv")).status_code == 404


@pytest.mark.parametrize(("name", "fmt"), [("people", "csv"), ("areas", "pdf"), ("areas", "csv.exe")])
def test_unknown_exports_and_formats_are_not_found(client, history, name, fmt):
    client.force_login(history.analyst)
    assert client.get(reverse("feedback:statistics_export", args=[name, fmt])).status_code == 404


def test_the_export_costs_a_fixed_number_of_queries(client, history, django_assert_max_num_queries):
    for number in range(6):
        facility = make_facility(
            history.geo.soum, f"Батцэнгэл сумын {number + 2}-р сургууль", f"School No. {number + 2}"
        )
        submit(history, service_unit=facility)
    client.force_login(history.analyst)
    with django_assert_max_num_queries(8):
        response = client.get(export_url("facilities", "csv"))
    assert len(read_csv(response)) == 1 + 8
