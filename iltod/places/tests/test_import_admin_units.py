import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from iltod.accounts.models import AuditEvent, User
from iltod.core.testing import PASSWORD
from iltod.lib.tabular import read_rows
from iltod.lib.translit import search_key
from iltod.places.models import AdminUnit
from iltod.places.services import import_admin_units

HEADER = "code,parent_code,level,name_mn,name_en,lat,lon,valid_from,valid_to,boundary\n"
SQUARE = {"type": "Polygon", "coordinates": [[[106.9, 47.9], [107.0, 47.9], [107.0, 48.0], [106.9, 47.9]]]}
GOOD = (
    HEADER
    # a khoroo listed before its district's other khoroo, and a bag whose soum is in the database
    + "111001,1110,khoroo,1-р хороо,1st khoroo,47.92,106.95,2024-01-01,,\n"
    + "111002,1110,khoroo,2-р хороо,2nd khoroo,,,,,\n"
    + "650401,6504,bag,Баг 1,Bag 1,,,,,\n"
)


def rows(text):
    return read_rows(text.encode(), "units.csv")


def run(text, **kwargs):
    with translation.override("en"):
        return import_admin_units(rows(text), **kwargs)


def errors(report):
    return [(e.row, e.column, e.message) for e in report.errors]


def csv_cell(value):
    return '"' + value.replace('"', '""') + '"'


def test_a_good_file_creates_the_units_under_their_parents(geo):
    admin = User.objects.create_superuser(email="admin@example.mn", password=PASSWORD)
    report = run(GOOD, actor=admin, source="khoroos.csv")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    khoroo = AdminUnit.objects.get(code="111001")
    assert khoroo.parent == geo.district
    assert khoroo.level == AdminUnit.Level.KHOROO
    assert (khoroo.name_mn, khoroo.name_en) == ("1-р хороо", "1st khoroo")
    assert (khoroo.latitude, khoroo.longitude) == (47.92, 106.95)
    assert str(khoroo.valid_from) == "2024-01-01"
    assert AdminUnit.objects.get(code="650401").parent == geo.soum
    assert AdminUnit.objects.search("1st khoroo").get() == khoroo
    event = AuditEvent.objects.get(action="places.admin_units_imported")
    assert event.actor == admin
    assert event.data == {"source": "khoroos.csv", "created": 3, "updated": 0}


def test_a_parent_may_come_later_in_the_same_file(geo):
    text = HEADER + "650401,6599,bag,Баг,Bag,,,,,\n6599,65,soum,Шинэ сум,New soum,,,,,\n"
    report = run(text)
    assert report.ok, report.errors
    assert AdminUnit.objects.get(code="650401").parent.code == "6599"
    assert AdminUnit.objects.get(code="6599").parent == geo.aimag


def test_an_import_updates_units_by_code_and_counts_unchanged_rows(geo):
    run(GOOD)
    text = GOOD.replace("2-р хороо,2nd khoroo", "2-р хороо,Second khoroo")
    report = run(text)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    unit = AdminUnit.objects.get(code="111002")
    assert unit.name_en == "Second khoroo"
    assert search_key("Second khoroo") in unit.search_key


def test_an_import_by_an_english_speaking_admin_keeps_both_names(geo):
    text = HEADER + "6599,65,soum,Шинэ сум,New soum,,,,,\n"
    with translation.override("en"):
        import_admin_units(rows(text))
        import_admin_units(rows(text.replace("New soum", "Renamed soum")))
    unit = AdminUnit.objects.get(code="6599")
    assert (unit.name_mn, unit.name_en) == ("Шинэ сум", "Renamed soum")
    with translation.override("mn"):
        assert str(unit) == "Шинэ сум"


def test_dates_are_read_year_first_as_mongolians_write_them(geo):
    report = run(HEADER + "111001,1110,khoroo,Х,,,,2024.01.31,2030/12/01,\n")
    assert report.ok, report.errors
    unit = AdminUnit.objects.get(code="111001")
    assert (str(unit.valid_from), str(unit.valid_to)) == ("2024-01-31", "2030-12-01")


def test_a_boundary_may_be_a_geometry_or_a_feature(geo):
    feature = {"type": "Feature", "properties": {}, "geometry": SQUARE}
    text = HEADER + f"111001,1110,khoroo,1-р хороо,,,,,,{csv_cell(json.dumps(feature))}\n"
    text += f"111002,1110,khoroo,2-р хороо,,,,,,{csv_cell(json.dumps(SQUARE))}\n"
    assert run(text).ok
    assert AdminUnit.objects.get(code="111001").boundary == SQUARE
    assert AdminUnit.objects.get(code="111002").boundary == SQUARE


def test_a_row_without_a_boundary_keeps_the_stored_one(geo):
    report = run(HEADER + "6504,65,soum,Батцэнгэл,Battsengel,47.75,101.75,,,\n")
    assert report.ok
    assert AdminUnit.objects.get(code="6504").boundary == geo.soum.boundary


BAD_ROWS = [
    (",1110,khoroo,Хороо,,,,,,", "code", "This field is required."),
    ("11 10 01,1110,khoroo,Хороо,,,,,,", "code", "Enter a valid value."),
    ("111001,1110,village,Хороо,,,,,,", "level", "Select a valid choice. village is not one of the available choices."),
    ("111001,1110,khoroo,,,,,,,", "name_mn", "This field is required."),
    (
        "111001,1110,khoroo," + "Х" * 151 + ",,,,,,",
        "name_mn",
        "Ensure this value has at most 150 characters (it has 151).",
    ),
    ("111001,1110,khoroo,Хороо,,91,106,,,", "lat", "Ensure this value is less than or equal to 90."),
    ("111001,1110,khoroo,Хороо,,47.9,east,,,", "lon", "Enter a number."),
    ("111001,1110,khoroo,Хороо,,,,01/02/2024,,", "valid_from", "Enter a valid date."),  # 1 Feb or 2 Jan?
    ("111001,1110,khoroo,Хороо,,,,2024-02-30,,", "valid_from", "Enter a valid date."),
    ("111001,1110,khoroo,Хороо,,,,2024-02-01,2024-01-01,", "valid_to", "The end of validity is before its start."),
    ("111001,,khoroo,Хороо,,,,,,", "parent_code", "A unit of this level needs a parent."),
    ("111001,9999,khoroo,Хороо,,,,,,", "parent_code", "no unit with code 9999"),
    ("111001,65,khoroo,Хороо,,,,,,", "parent_code", "cannot be inside a unit of level"),
    ("111001,1110,khoroo,Хороо,,,,,,{not json", "boundary", "Not valid GeoJSON."),
    (
        "111001,1110,khoroo,Хороо,,,,,," + csv_cell('{"type": "Point", "coordinates": [1, 2]}'),
        "boundary",
        "The boundary must be a GeoJSON Polygon or MultiPolygon.",
    ),
    ("111001,1110,khoroo,Хороо,,,,,,[1, 2]", "boundary", "Not valid GeoJSON."),
]


@pytest.mark.parametrize(("line", "column", "message"), BAD_ROWS)
def test_every_kind_of_bad_row_is_reported_with_row_column_and_message_and_nothing_is_saved(geo, line, column, message):
    before = AdminUnit.objects.count()
    # The bad row is the third data row, so spreadsheet row 4: the good rows around it are not saved either.
    text = HEADER + "111010,1110,khoroo,10-р хороо,,,,,,\n111011,1110,khoroo,11-р хороо,,,,,,\n" + line + "\n"
    report = run(text)
    # The wording may be polished by translators; the row, the column and the gist must stay.
    assert [(e.row, e.column) for e in report.errors] == [(4, column)]
    assert message in report.errors[0].message
    assert not report.ok
    assert (report.created, report.updated) == (0, 0)
    assert AdminUnit.objects.count() == before
    assert not AuditEvent.objects.filter(action="places.admin_units_imported").exists()


def test_a_code_twice_in_one_file_is_reported_against_the_second_row(geo):
    report = run(HEADER + "111001,1110,khoroo,А,,,,,,\n111002,1110,khoroo,Б,,,,,,\n111001,1110,khoroo,В,,,,,,\n")
    assert errors(report) == [(4, "code", "duplicate of row 2")]


def test_all_errors_of_a_file_are_reported_at_once(geo):
    report = run(HEADER + ",1110,khoroo,,,,,,,\n111002,9999,khoroo,Б,,,,,,\n")
    assert errors(report) == [
        (2, "code", "This field is required."),
        (2, "name_mn", "This field is required."),
        (3, "parent_code", "no unit with code 9999"),
    ]


def test_a_dry_run_checks_and_counts_but_saves_nothing(geo):
    before = AdminUnit.objects.count()
    report = run(GOOD, dry_run=True)
    assert report.ok and report.dry_run
    assert report.created == 3
    assert AdminUnit.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_an_xlsx_file_is_imported_with_dates_and_numbers_from_cells(geo):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "parent_code", "level", "name_mn", "name_en", "lat", "lon", "valid_from"])
    sheet.append([111001, 1110, "khoroo", "1-р хороо", "1st khoroo", 47.92, 106.95, dt.date(2024, 1, 1)])
    sheet.append([650401, 6504, "bag", "Баг 1", None, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_admin_units(read_rows(buffer.getvalue(), "units.xlsx"))
    assert report.ok, report.errors
    khoroo = AdminUnit.objects.get(code="111001")
    assert khoroo.parent == geo.district
    assert str(khoroo.valid_from) == "2024-01-01"
    assert AdminUnit.objects.get(code="650401").parent == geo.soum


# The management command


def test_the_command_imports_a_file(geo, tmp_path):
    path = tmp_path / "khoroos.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_admin_units", str(path), stdout=out)
    assert "3 created, 0 updated, 0 unchanged (were saved)." in out.getvalue()
    assert AdminUnit.objects.filter(level="khoroo").count() == 2


def test_the_command_dry_run_saves_nothing(geo, tmp_path):
    path = tmp_path / "khoroos.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_admin_units", str(path), "--dry-run", stdout=out)
    assert "3 created, 0 updated, 0 unchanged (would be saved)." in out.getvalue()
    assert not AdminUnit.objects.filter(level="khoroo").exists()


def test_the_command_lists_the_errors_and_fails(geo, tmp_path):
    path = tmp_path / "khoroos.csv"
    path.write_text(HEADER + "111001,9999,khoroo,Х,,,,,,\n", encoding="utf-8")
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match=r"1 errors: nothing was saved\."):
        call_command("import_admin_units", str(path), stderr=err)
    assert "Row 2, column parent_code: no unit with code 9999" in err.getvalue()
    assert not AdminUnit.objects.filter(code="111001").exists()


@pytest.mark.parametrize(
    ("name", "content"), [("missing.csv", None), ("old.xls", b"\xd0\xcf\x11\xe0"), ("empty.csv", b"")]
)
def test_the_command_fails_cleanly_on_a_file_it_cannot_read(db, tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_admin_units", str(path))


# The back-office upload page


def test_the_back_office_imports_units_for_a_superuser(client, geo):
    admin = User.objects.create_superuser(email="admin@example.mn", password=PASSWORD)
    client.force_login(admin)
    url = reverse("admin:places_adminunit_import")
    page = client.get(url)
    assert page.status_code == 200
    assert "parent_code" in page.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("khoroos.csv", GOOD.encode())})
    assert response.status_code == 302
    assert response.url == reverse("admin:places_adminunit_changelist")
    assert AdminUnit.objects.filter(level="khoroo").count() == 2
    assert AuditEvent.objects.get(action="places.admin_units_imported").actor == admin
    # The changelist links to the import page.
    assert url in client.get(response.url).content.decode()
