"""Reading and writing the spreadsheets officers actually use: CSV (any common encoding) and XLSX.

``read_rows`` turns an uploaded file into dictionaries keyed by the lower-cased header, each with
the row number a person sees in their spreadsheet program, so that import errors can say
"row 14, column parent_code: …". ``tabular_response`` writes a list out as CSV or XLSX.
"""

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class TabularError(ValueError):
    """The file as a whole cannot be read (wrong format, no header, too large)."""


@dataclass
class Row:
    number: int  # 1-based, as shown by spreadsheet programs; the header is row 1
    values: dict[str, str]

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default)


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportReport:
    """What an import did, or why it did nothing. Imports are all-or-nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, str(message)))


def _cell_to_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Spreadsheet programs store dates as midnight datetimes; give them back as dates.
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # Excel's "Unicode Text" (.txt)
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1251")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # NUL bytes: some other encoding or a binary file
            return text
    raise TabularError(_("The file is not UTF-8 or Windows-1251 text."))


def _rows_from_matrix(matrix: Iterable[list]) -> Iterator[Row]:
    iterator = iter(matrix)
    try:
        header = next(iterator)
    except StopIteration:
        raise TabularError(_("The file is empty.")) from None
    keys = [_cell_to_text(h).lower().strip() for h in header]
    if not any(keys):
        raise TabularError(_("The first row must name the columns."))
    for offset, raw in enumerate(iterator, start=2):
        cells = [_cell_to_text(c) for c in raw]
        if not any(cells):
            continue
        values = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(keys) if key}
        yield Row(offset, values)


def read_rows(uploaded, filename: str | None = None) -> list[Row]:
    """Read a CSV or XLSX file (path, bytes or uploaded file object) into rows (an XLSX file's
    first sheet)."""
    data, name = _file_bytes(uploaded, filename)
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_text(data, name)


def read_workbook(uploaded, filename: str | None = None) -> dict[str, list[Row]]:
    """Every sheet of an XLSX file by its lower-cased name, in the workbook's order; a CSV file is
    one sheet named "" (a project and its milestones travel as two sheets of one workbook)."""
    data, name = _file_bytes(uploaded, filename)
    if not (name.endswith(".xlsx") or data[:2] == b"PK"):
        return {"": _read_text(data, name)}
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise TabularError(_("The file is not a readable XLSX workbook.")) from exc
    sheets: dict[str, list[Row]] = {}
    try:
        for sheet in workbook.worksheets:
            matrix = sheet.iter_rows(values_only=True)
            first = next(matrix, None)
            # an empty sheet has nothing to import; a sheet with content must name its columns
            rows = [] if first is None else list(_rows_from_matrix(itertools.chain([first], matrix)))
            sheets.setdefault(sheet.title.strip().lower(), rows)
    finally:
        workbook.close()
    return sheets


def _file_bytes(uploaded, filename: str | None) -> tuple[bytes, str]:
    if isinstance(uploaded, str):
        filename = filename or uploaded
        with open(uploaded, "rb") as handle:
            data = handle.read(MAX_IMPORT_BYTES + 1)
    elif isinstance(uploaded, bytes):
        data = uploaded
    else:
        filename = filename or getattr(uploaded, "name", "")
        data = uploaded.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise TabularError(_("The file is larger than 20 MB."))
    return data, (filename or "").lower()


def _read_text(data: bytes, name: str) -> list[Row]:
    if name.endswith(".xls"):
        raise TabularError(_("Old .xls files are not supported: save the sheet as .xlsx or .csv."))
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # A GeoJSON boundary in one cell is often larger than the csv module's 128 KB default.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_IMPORT_BYTES))
    try:
        return list(_rows_from_matrix(csv.reader(io.StringIO(text), dialect)))
    except csv.Error as exc:  # e.g. NUL bytes in a UTF-16 "Unicode text" export
        raise TabularError(_("The file is not a readable CSV file: %(error)s") % {"error": exc}) from exc


def _read_xlsx(data: bytes) -> list[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise TabularError(_("The file is not a readable XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]
    rows = list(_rows_from_matrix(sheet.iter_rows(values_only=True)))
    workbook.close()
    return rows


def tabular_response(filename: str, header: list[str], rows: Iterable[list], fmt: str = "csv"):
    """An HTTP download of ``rows`` as CSV (UTF-8 with BOM, opens in Excel) or XLSX."""
    if fmt == "xlsx":
        return workbook_response(filename, [(None, header, rows)])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def workbook_response(filename: str, sheets: Iterable[tuple[str | None, list[str], Iterable[list]]]):
    """An XLSX download with a sheet per ``(title, header, rows)`` (None: the default title)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([str(h) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


# A cell a spreadsheet program would run as a formula: "=HYPERLINK(…)", "@SUM(…)", "+1+cmd|…".
# A leading + or - followed only by digits and phone punctuation is a number or a phone, not a formula.
_FORMULA_START = re.compile(r"^(?:[=@\t\r]|[+-](?![\d\s().+-]*$))")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return timezone.localtime(value)  # the local time people see on the site, with its offset
    if isinstance(value, (int, float, date, datetime, time)) and not isinstance(value, bool):
        return value
    text = str(value)
    # Quote text that would run as a formula when the file is opened (CSV injection).
    return "'" + text if _FORMULA_START.match(text) else text


def _xlsx_value(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, date, datetime)) and not isinstance(value, bool):
        if isinstance(value, datetime) and value.tzinfo is not None:
            # XLSX has no time zones: write the local time people see on the site.
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return str(value)


def _xlsx_cell(sheet, value):
    """A cell for a write-only sheet: text that looks like a formula is stored as text, unchanged."""
    from openpyxl.cell import WriteOnlyCell

    value = _xlsx_value(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
