import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from iltod.lib.tabular import (
    MAX_IMPORT_BYTES,
    XLSX_CONTENT_TYPE,
    ImportReport,
    RowError,
    TabularError,
    read_rows,
    tabular_response,
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the messages asserted on are the English ones
        yield


CSV_TEXT = "code,name_mn,name_en\n65,Архангай,Arkhangai\n84,Ховд,Khovd\n"
EXPECTED = [
    (2, {"code": "65", "name_mn": "Архангай", "name_en": "Arkhangai"}),
    (3, {"code": "84", "name_mn": "Ховд", "name_en": "Khovd"}),
]


def as_tuples(rows):
    return [(r.number, r.values) for r in rows]


def xlsx_bytes(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_it_reads_csv_in_the_encodings_spreadsheet_programs_write(encoding):
    assert as_tuples(read_rows(CSV_TEXT.encode(encoding), "units.csv")) == EXPECTED


def test_it_reads_semicolon_delimited_csv_with_decimal_commas():
    data = "code;name_mn;lat\n65;Архангай, Цэцэрлэг;47,5\n".encode("cp1251")
    assert as_tuples(read_rows(data, "units.csv")) == [
        (2, {"code": "65", "name_mn": "Архангай, Цэцэрлэг", "lat": "47,5"})
    ]


def test_it_reads_tab_delimited_text():
    assert as_tuples(read_rows(b"code\tname_en\n65\tArkhangai\n", "units.txt")) == [
        (2, {"code": "65", "name_en": "Arkhangai"})
    ]


def test_it_keeps_quoted_commas_inside_a_cell():
    data = 'name_mn,address_mn\nСургууль,"1-р баг, төв"\n'.encode()
    assert as_tuples(read_rows(data, "f.csv")) == [(2, {"name_mn": "Сургууль", "address_mn": "1-р баг, төв"})]


def test_header_names_are_trimmed_and_lower_cased_and_missing_cells_are_empty():
    rows = read_rows(b" Code ,NAME_EN,Lat\n65,Arkhangai\n", "f.csv")
    assert as_tuples(rows) == [(2, {"code": "65", "name_en": "Arkhangai", "lat": ""})]
    assert rows[0].get("lat") == ""
    assert rows[0].get("missing", "default") == "default"


def test_blank_lines_are_skipped_but_row_numbers_stay_those_of_the_spreadsheet():
    rows = read_rows(b"code,name_en\n\n65,Arkhangai\n,\n84,Khovd\n", "f.csv")
    assert [r.number for r in rows] == [3, 5]


def test_it_reads_a_csv_file_from_a_path_and_an_uploaded_file(tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(CSV_TEXT.encode())
    assert as_tuples(read_rows(str(path))) == EXPECTED
    upload = SimpleUploadedFile("units.csv", CSV_TEXT.encode("cp1251"), content_type="text/csv")
    assert as_tuples(read_rows(upload)) == EXPECTED


def test_it_reads_xlsx_with_the_row_numbers_people_see():
    data = xlsx_bytes(
        ["Code", "name_mn", "lat", "valid_from", "seen_at"],
        [65, "Архангай", 47.5, dt.date(2024, 1, 1), dt.datetime(2024, 1, 2, 10, 30)],
        [None, None, None, None, None],
        ["0084", "  Ховд ", 48.0, dt.datetime(2024, 3, 1), None],
    )
    rows = read_rows(SimpleUploadedFile("units.xlsx", data))
    assert as_tuples(rows) == [
        (
            2,
            {
                "code": "65",
                "name_mn": "Архангай",
                "lat": "47.5",
                "valid_from": "2024-01-01",
                "seen_at": "2024-01-02T10:30:00",
            },
        ),
        (4, {"code": "0084", "name_mn": "Ховд", "lat": "48", "valid_from": "2024-03-01", "seen_at": ""}),
    ]


def test_an_xlsx_workbook_is_recognised_by_its_content_whatever_its_name():
    data = xlsx_bytes(["code"], ["65"])
    assert as_tuples(read_rows(data, "export.csv")) == [(2, {"code": "65"})]


@pytest.mark.parametrize("data", [b"", b"\n\n"])
def test_an_empty_file_is_refused(data):
    with pytest.raises(TabularError):
        read_rows(data, "empty.csv")


def test_the_empty_file_message_says_so():
    with pytest.raises(TabularError, match="empty"):
        read_rows(b"", "empty.csv")


def test_an_empty_workbook_is_refused():
    with pytest.raises(TabularError, match="empty"):
        read_rows(xlsx_bytes(), "empty.xlsx")


@pytest.mark.parametrize("data", [b",,\n65,Arkhangai,x\n", b" ; \n65;x\n"])
def test_a_file_without_a_header_row_is_refused(data):
    with pytest.raises(TabularError, match="first row must name the columns"):
        read_rows(data, "f.csv")


def test_old_xls_files_are_refused():
    with pytest.raises(TabularError, match=r"\.xls"):
        read_rows(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "units.xls")


def test_a_damaged_xlsx_is_refused():
    with pytest.raises(TabularError, match="XLSX"):
        read_rows(b"PK\x03\x04 not really a zip", "units.xlsx")


def test_a_file_larger_than_20_mb_is_refused():
    with pytest.raises(TabularError, match="20 MB"):
        read_rows(SimpleUploadedFile("big.csv", b"a" * (MAX_IMPORT_BYTES + 1)))


def test_a_file_of_exactly_20_mb_is_read():
    head = b"code,note\n65,"
    data = head + b"x" * (MAX_IMPORT_BYTES - len(head))
    assert len(data) == MAX_IMPORT_BYTES
    assert read_rows(data, "f.csv")[0].values["code"] == "65"


def test_row_errors_read_as_sentences_and_make_the_report_fail():
    report = ImportReport()
    assert report.ok
    report.add_error(14, "parent_code", "no unit with code 99")
    report.add_error(15, "", "bad row")
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "Row 14, column parent_code: no unit with code 99",
        "Row 15: bad row",
    ]
    assert report.errors[0] == RowError(14, "parent_code", "no unit with code 99")


def test_tabular_response_writes_csv_with_a_bom_that_excel_opens_as_utf8():
    response = tabular_response(
        "facilities", ["code", "name_mn", "lat"], [["A1", "Сургууль", 47.5], ["B2", None, None]]
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="facilities.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["code", "name_mn", "lat"], ["A1", "Сургууль", "47.5"], ["B2", "", ""]]


def test_tabular_response_writes_xlsx_that_openpyxl_reads_back(settings):
    settings.TIME_ZONE = "Asia/Ulaanbaatar"
    utc_noon = dt.datetime(2024, 5, 1, 4, 0, tzinfo=dt.UTC)
    response = tabular_response(
        "facilities",
        ["code", "name_mn", "count", "opened", "checked_at", "active", "note"],
        [["A1", "Сургууль", 3, dt.date(2020, 9, 1), utc_noon, True, None]],
        "xlsx",
    )
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="facilities.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, row = list(sheet.iter_rows(values_only=True))
    assert header == ("code", "name_mn", "count", "opened", "checked_at", "active", "note")
    assert row[:3] == ("A1", "Сургууль", 3)
    assert row[3] == dt.datetime(2020, 9, 1)
    # Written in the site's time zone (UTC+8), as the back office shows it.
    assert row[4] == utc_noon.astimezone(zoneinfo.ZoneInfo("Asia/Ulaanbaatar")).replace(tzinfo=None)
    assert row[4] == dt.datetime(2024, 5, 1, 12, 0)
    assert row[5] == "True"
    assert row[6] is None


def test_an_exported_xlsx_can_be_imported_again():
    response = tabular_response("units", ["code", "name_mn"], [["65", "Архангай"], ["84", "Ховд"]], "xlsx")
    assert as_tuples(read_rows(response.content, "units.xlsx")) == [
        (2, {"code": "65", "name_mn": "Архангай"}),
        (3, {"code": "84", "name_mn": "Ховд"}),
    ]


def test_a_cell_larger_than_the_csv_modules_default_limit_is_read():
    boundary = '{"type": "Polygon", "coordinates": [[' + ", ".join(["[101.123456, 47.123456]"] * 8000) + "]]}"
    assert len(boundary) > 131072
    data = ('code,boundary\n6504,"' + boundary.replace('"', '""') + '"\n').encode()
    rows = read_rows(data, "units.csv")
    assert rows[0].values["boundary"] == boundary


def test_excels_unicode_text_export_is_read():
    data = "code\tname_mn\n65\tАрхангай\n".encode("utf-16")
    assert as_tuples(read_rows(data, "units.txt")) == [(2, {"code": "65", "name_mn": "Архангай"})]


def test_a_binary_file_is_refused_as_not_text():
    with pytest.raises(TabularError, match="UTF-8"):
        read_rows(b"code\x00name\x00\x01\x02", "units.csv")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("+976 9911-2233", "+976 9911-2233"),
        ("-12.5", "-12.5"),
        ("Сургууль = school", "Сургууль = school"),
    ],
)
def test_csv_export_quotes_text_a_spreadsheet_would_run_as_a_formula(text, written):
    response = tabular_response("x", ["note"], [[text]])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == [written]


def test_csv_export_writes_the_local_time_people_see_on_the_site(settings):
    settings.TIME_ZONE = "Asia/Ulaanbaatar"
    response = tabular_response("x", ["at"], [[dt.datetime(2024, 5, 1, 4, 0, tzinfo=dt.UTC)]])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["2024-05-01 12:00:00+08:00"]


def test_xlsx_export_keeps_formula_like_text_as_text():
    formula = '=HYPERLINK("http://evil.example","click")'
    response = tabular_response("x", ["note", "n"], [[formula, 3]], "xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cell = sheet["A2"]
    assert cell.value == formula
    assert cell.data_type == "s"
    assert sheet["B2"].value == 3
