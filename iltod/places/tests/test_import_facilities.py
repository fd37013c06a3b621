import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from iltod.accounts.models import AuditEvent, User
from iltod.core.testing import PASSWORD, make_user
from iltod.lib.tabular import read_rows
from iltod.places.models import ServiceUnit
from iltod.places.services import import_service_units

COLUMNS = [
    "code",
    "name_mn",
    "name_en",
    "kind",
    "sector",
    "admin_unit_code",
    "address_mn",
    "lat",
    "lon",
    "registry_code",
    "operator_code",
    "phone",
    "email",
    "active",
]
HEADER = ",".join(COLUMNS) + "\n"


def line(**values):
    defaults = {"name_mn": "Шинэ сургууль", "kind": "general_school", "admin_unit_code": "6504"}
    merged = {**defaults, **values}
    return ",".join(str(merged.get(c, "")) for c in COLUMNS) + "\n"


def run(text, **kwargs):
    with translation.override("en"):
        return import_service_units(read_rows(text.encode(), "facilities.csv"), **kwargs)


def errors(report):
    return [(e.row, e.column, e.message) for e in report.errors]


GOOD = (
    HEADER
    + line(
        name_mn="Батцэнгэл сумын цэцэрлэг",
        name_en="Battsengel kindergarten",
        kind="kindergarten",
        address_mn="Төв баг",
        lat="47.8",
        lon="101.9",
        registry_code="EDU-6504-02",
        phone="7033 1234",
        email="kg@example.mn",
        active="yes",
    )
    + line(
        name_mn="Ховд аймгийн нэгдсэн эмнэлэг",
        name_en="Khovd aimag hospital",
        kind="aimag_hospital",
        admin_unit_code="8401",
        registry_code="H-84-01",
        active="тийм",
    )
    + line(name_mn="Хаагдсан эмийн сан", kind="pharmacy", sector="other", active="no")
)


def test_a_good_file_creates_facilities_with_every_field(personas):
    report = run(GOOD, actor=personas.admin, source="facilities.csv")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    kindergarten = ServiceUnit.objects.get(registry_code="EDU-6504-02")
    assert (kindergarten.name_mn, kindergarten.name_en) == ("Батцэнгэл сумын цэцэрлэг", "Battsengel kindergarten")
    assert kindergarten.kind == ServiceUnit.Kind.KINDERGARTEN
    assert kindergarten.sector.code == "education"  # from the kind
    assert kindergarten.admin_unit == personas.geo.soum
    assert (kindergarten.latitude, kindergarten.longitude) == (47.8, 101.9)
    assert (kindergarten.address_mn, kindergarten.phone, kindergarten.email) == (
        "Төв баг",
        "7033 1234",
        "kg@example.mn",
    )
    assert kindergarten.is_active
    hospital = ServiceUnit.objects.get(registry_code="H-84-01")
    assert (hospital.sector.code, hospital.admin_unit, hospital.is_active) == ("health", personas.geo.other_soum, True)
    closed = ServiceUnit.objects.get(name_mn="Хаагдсан эмийн сан")
    assert (closed.sector.code, closed.is_active, closed.latitude) == ("other", False, None)
    assert ServiceUnit.objects.search("tsetserleg").get() == kindergarten
    assert ServiceUnit.objects.search("Battsengel kindergarten").get() == kindergarten
    event = AuditEvent.objects.get(action="places.facilities_imported")
    assert (event.actor, event.data) == (personas.admin, {"source": "facilities.csv", "created": 3, "updated": 0})


def test_an_operator_is_set_by_its_public_code(personas):
    report = run(HEADER + line(registry_code="R1", operator_code=personas.school_org.code))
    assert report.ok, report.errors
    assert ServiceUnit.objects.get(registry_code="R1").operator == personas.school_org


def test_a_row_with_a_public_code_updates_that_facility(personas):
    school = personas.school
    report = run(
        HEADER + line(code=school.code, name_mn=school.name_mn, name_en="Renamed school", lat="47.7", lon="101.7")
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    school.refresh_from_db()
    assert (school.name_mn, school.name_en, school.latitude) == (personas.school.name_mn, "Renamed school", 47.7)
    assert school.operator == personas.school_org  # no operator column value: kept


def test_a_row_with_a_known_registry_code_updates_that_facility(geo):
    run(GOOD)
    text = GOOD.replace("Battsengel kindergarten", "Battsengel kindergarten No. 2")
    report = run(text)
    # The closed pharmacy has no code and no registry code: nothing says it is the one already imported.
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert ServiceUnit.objects.get(registry_code="EDU-6504-02").name_en == "Battsengel kindergarten No. 2"
    assert ServiceUnit.objects.filter(registry_code="EDU-6504-02").count() == 1


def test_importing_a_file_with_codes_twice_changes_nothing(personas):
    text = (
        HEADER
        + line(registry_code="R1", lat="47.8", lon="101.9")
        + line(code=personas.school.code, name_mn=personas.school.name_mn)
    )
    run(text)
    report = run(text)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_an_import_by_an_english_speaking_admin_keeps_both_names(geo):
    run(HEADER + line(registry_code="R1", name_mn="Сургууль", name_en="School"))
    facility = ServiceUnit.objects.get(registry_code="R1")
    assert (facility.name_mn, facility.name_en) == ("Сургууль", "School")


BAD_ROWS = [
    (dict(name_mn=""), "name_mn", "This field is required."),
    (dict(kind="school"), "kind", "Select a valid choice. school is not one of the available choices."),
    (dict(kind=""), "kind", "This field is required."),
    (dict(admin_unit_code=""), "admin_unit_code", "This field is required."),
    (dict(admin_unit_code="9999"), "admin_unit_code", "no administrative unit with code 9999"),
    (dict(sector="transport"), "sector", "unknown sector transport"),
    (dict(operator_code="NOPE2345"), "operator_code", "no organisation with code NOPE2345"),
    (dict(code="NOPE2345"), "code", "no facility with code NOPE2345"),
    (dict(lat="47.8"), "lon", "Give both latitude and longitude, or neither."),
    (dict(lat="60", lon="100"), "lat", "Ensure this value is less than or equal to 53."),
    (dict(lat="47", lon="east"), "lon", "Enter a number."),
    (dict(email="not-an-email"), "email", "Enter a valid email address."),
    (dict(active="maybe"), "active", "Write yes or no."),
    (dict(phone="9" * 33), "phone", "Ensure this value has at most 32 characters (it has 33)."),
    (dict(registry_code="R" * 65), "registry_code", "Ensure this value has at most 64 characters (it has 65)."),
]


@pytest.mark.parametrize(("values", "column", "message"), BAD_ROWS)
def test_every_kind_of_bad_row_is_reported_with_row_column_and_message_and_nothing_is_saved(
    geo, values, column, message
):
    before = ServiceUnit.objects.count()
    report = run(HEADER + line(registry_code="OK-1") + line(registry_code="OK-2") + line(**values))
    # The wording may be polished by translators; the row, the column and the gist must stay.
    assert [(e.row, e.column) for e in report.errors] == [(4, column)]
    assert message in report.errors[0].message
    assert ServiceUnit.objects.count() == before
    assert not AuditEvent.objects.filter(action="places.facilities_imported").exists()


def test_a_registry_code_twice_in_one_file_is_reported_against_the_second_row(geo):
    report = run(HEADER + line(registry_code="R1") + line(registry_code="R2") + line(registry_code="R1"))
    assert errors(report) == [(4, "registry_code", "duplicate of row 2")]


def test_a_public_code_twice_in_one_file_is_reported_against_the_second_row(personas):
    code = personas.school.code
    report = run(HEADER + line(code=code) + line(code=code, name_mn="Other name"))
    assert errors(report) == [(3, "code", "duplicate of row 2")]


def test_two_rows_that_name_one_facility_by_code_and_by_registry_code_are_reported(personas):
    personas.school.registry_code = "S1"
    personas.school.save(update_fields=["registry_code"])
    report = run(HEADER + line(code=personas.school.code) + line(registry_code="S1"))
    assert errors(report) == [(3, "registry_code", "duplicate of row 2")]


def test_a_registry_code_that_belongs_to_another_facility_is_reported_not_a_crash(personas):
    personas.clinic.registry_code = "H-84-01"
    personas.clinic.save(update_fields=["registry_code"])
    report = run(HEADER + line(code=personas.school.code, registry_code="H-84-01"))
    assert errors(report) == [(2, "registry_code", f"already used by facility {personas.clinic.code}")]
    personas.school.refresh_from_db()
    assert personas.school.registry_code == ""


def test_a_dry_run_checks_and_counts_but_saves_nothing(geo):
    before = ServiceUnit.objects.count()
    report = run(GOOD, dry_run=True)
    assert report.ok and report.dry_run
    assert report.created == 3
    assert ServiceUnit.objects.count() == before
    assert not AuditEvent.objects.exists() or not AuditEvent.objects.filter(action="places.facilities_imported")


def test_an_xlsx_file_is_imported(geo):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name_mn", "name_en", "kind", "admin_unit_code", "lat", "lon", "registry_code", "active"])
    sheet.append(["Сургууль", "School", "general_school", 6504, 47.8, 101.9, 12345, 1])
    sheet.append([None] * 8)
    sheet.append(["Эмнэлэг", None, "soum_health_centre", 8401, None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_service_units(read_rows(buffer.getvalue(), "facilities.xlsx"))
    assert report.ok, report.errors
    school = ServiceUnit.objects.get(registry_code="12345")
    assert (school.admin_unit, school.latitude, school.is_active) == (geo.soum, 47.8, True)
    assert ServiceUnit.objects.get(name_mn="Эмнэлэг").admin_unit == geo.other_soum


def test_errors_in_an_xlsx_file_name_the_spreadsheet_row(geo):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name_mn", "kind", "admin_unit_code"])
    sheet.append(["Сургууль", "general_school", 6504])
    sheet.append([None, None, None])
    sheet.append(["Эмнэлэг", "hospital", 8401])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with translation.override("en"):
        report = import_service_units(read_rows(buffer.getvalue(), "facilities.xlsx"))
    assert [(e.row, e.column) for e in report.errors] == [(4, "kind")]


# The management command


def test_the_command_imports_a_file(geo, tmp_path):
    path = tmp_path / "facilities.csv"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    out = io.StringIO()
    call_command("import_facilities", str(path), stdout=out)
    assert "3 created, 0 updated, 0 unchanged (were saved)." in out.getvalue()
    assert ServiceUnit.objects.filter(registry_code="H-84-01").exists()


def test_the_command_dry_run_saves_nothing(geo, tmp_path):
    path = tmp_path / "facilities.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_facilities", str(path), "--dry-run", stdout=out)
    assert "(would be saved)" in out.getvalue()
    assert not ServiceUnit.objects.filter(registry_code="H-84-01").exists()


def test_the_command_lists_the_errors_and_fails(geo, tmp_path):
    path = tmp_path / "facilities.csv"
    path.write_text(HEADER + line(registry_code="R1") + line(admin_unit_code="9999"), encoding="utf-8")
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match=r"1 errors: nothing was saved\."):
        call_command("import_facilities", str(path), stderr=err)
    assert "Row 3, column admin_unit_code: no administrative unit with code 9999" in err.getvalue()
    assert not ServiceUnit.objects.filter(registry_code="R1").exists()


# The back-office upload page

IMPORT = "/admin/places/serviceunit/import/"


def upload(client, name, content, dry_run=False, **extra):
    data = {"file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(IMPORT, data, HTTP_ACCEPT_LANGUAGE="en", **extra)


@pytest.fixture
def superuser(geo):
    return User.objects.create_superuser(email="admin@example.mn", password=PASSWORD)


def test_the_import_page_url_is_the_documented_one(db):
    assert reverse("admin:places_serviceunit_import") == IMPORT


def test_a_superuser_sees_the_upload_form_with_the_columns(client, superuser):
    client.force_login(superuser)
    response = client.get(IMPORT)
    assert response.status_code == 200
    assert "admin_unit_code" in response.content.decode()
    assert 'type="file"' in response.content.decode()


def test_a_superuser_imports_a_good_file(client, superuser):
    client.force_login(superuser)
    response = upload(client, "facilities.csv", GOOD.encode())
    assert response.status_code == 302
    assert response.url == reverse("admin:places_serviceunit_changelist")
    assert ServiceUnit.objects.filter(registry_code__in=["EDU-6504-02", "H-84-01"]).count() == 2
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Imported: 3 created, 0 updated, 0 unchanged." in page.content.decode()


def test_a_superuser_imports_a_good_xlsx_file(client, superuser):
    workbook = Workbook()
    workbook.active.append(["name_mn", "kind", "admin_unit_code", "registry_code"])
    workbook.active.append(["Сургууль", "general_school", "6504", "X1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(superuser)
    assert upload(client, "facilities.xlsx", buffer.getvalue()).status_code == 302
    assert ServiceUnit.objects.filter(registry_code="X1").exists()


def test_a_bad_file_shows_the_error_table_and_saves_nothing(client, superuser):
    client.force_login(superuser)
    before = ServiceUnit.objects.count()
    text = HEADER + line(registry_code="R1") + line(admin_unit_code="9999") + line(kind="school", email="x")
    response = upload(client, "facilities.csv", text.encode())
    assert response.status_code == 200
    report = response.context["report"]
    assert [(e.row, e.column) for e in report.errors] == [(4, "kind"), (4, "email"), (3, "admin_unit_code")]
    html = response.content.decode()
    assert "3 errors: nothing was saved." in html
    assert "<td>3</td><td>admin_unit_code</td><td>no administrative unit with code 9999</td>" in html
    assert ServiceUnit.objects.count() == before


def test_a_dry_run_upload_says_what_would_happen(client, superuser):
    client.force_login(superuser)
    response = upload(client, "facilities.csv", GOOD.encode(), dry_run=True)
    assert response.status_code == 200
    assert "Check passed: 3 would be created, 0 updated, 0 unchanged. Nothing was saved." in response.content.decode()
    assert not ServiceUnit.objects.filter(registry_code="H-84-01").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("facilities.pdf", b"%PDF", "Upload a .csv or .xlsx file."),
        ("facilities.xls", b"\xd0\xcf\x11\xe0", "Upload a .csv or .xlsx file."),
        ("facilities.csv", b"", "The submitted file is empty."),
        ("facilities.xlsx", b"PK\x03\x04broken", "The file is not a readable XLSX workbook."),
        ("facilities.csv", b",,\n1,2,3\n", "The first row must name the columns."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message(client, superuser, name, content, message):
    client.force_login(superuser)
    response = upload(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["report"] is None


def test_the_import_page_is_refused_to_users_without_back_office_access(client, personas):
    before = ServiceUnit.objects.count()
    for persona in ["citizen", "monitor", "provider", "officer", "coordinator", "network_admin", "analyst"]:
        client.force_login(getattr(personas, persona))
        for response in [client.get(IMPORT), upload(client, "facilities.csv", GOOD.encode())]:
            assert response.status_code == 302, persona
            assert response.url.startswith("/admin/login/"), persona
    assert ServiceUnit.objects.count() == before


def test_the_import_page_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(IMPORT, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert response.status_code == 200


def test_staff_without_the_add_permission_are_sent_back_to_the_back_office_index(client, geo):
    client.force_login(make_user("clerk@example.mn", is_staff=True))
    response = upload(client, "facilities.csv", GOOD.encode())
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert not ServiceUnit.objects.filter(registry_code="H-84-01").exists()
