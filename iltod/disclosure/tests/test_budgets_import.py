"""Budget lines and transfers from CSV/XLSX and from a Fiscal Data Package: all or nothing, errors
with row numbers, upsert by body, year and code, and an export that imports back unchanged."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.utils import translation

from iltod.accounts.audit import AuditAction
from iltod.accounts.models import AuditEvent
from iltod.disclosure.forms.budgets import BUDGET_COLUMNS, TRANSFER_COLUMNS
from iltod.disclosure.models import BudgetLine, Transfer
from iltod.disclosure.services import budgets as services
from iltod.lib.tabular import read_rows

from .money_fixtures import money  # noqa: F401

pytestmark = pytest.mark.django_db


def _csv(header, *rows) -> bytes:
    lines = [",".join(header)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _line_row(personas, **extra):
    row = {
        "body": personas.school_org.code,
        "facility": personas.school.code,
        "fiscal_year": "2025",
        "code": "L-1",
        "administrative_code": "01",
        "functional_code": "09",
        "functional_label": "Education",
        "economic_code": "2100",
        "economic_label": "Goods",
        "approved": "1000",
        "adjusted": "",
        "executed": "500.50",
    }
    row.update(extra)
    return [row[c] for c in BUDGET_COLUMNS]


def test_it_imports_budget_lines_and_updates_them_by_code(personas):
    data = _csv(BUDGET_COLUMNS, _line_row(personas), _line_row(personas, code="L-2", approved="2000"))
    report = services.import_budget_lines(read_rows(data, "lines.csv"), actor=personas.provider)
    assert report.ok and report.created == 2
    line = BudgetLine.objects.get(code="L-1")
    assert line.service_unit == personas.school and line.executed == Decimal("500.50")
    assert line.updated_by == personas.provider
    assert AuditEvent.objects.filter(action=AuditAction.BUDGET_LINES_IMPORTED).count() == 1

    again = services.import_budget_lines(read_rows(_csv(BUDGET_COLUMNS, _line_row(personas, executed="900")), "x.csv"))
    assert (again.created, again.updated) == (0, 1)
    assert BudgetLine.objects.get(code="L-1").executed == Decimal("900")


def test_an_export_imports_back_unchanged(personas, money):  # noqa: F811
    rows = list(services.budget_export_rows(BudgetLine.objects.all()))
    response_rows = [[("" if v is None else v) for v in row] for row in rows]
    report = services.import_budget_lines(read_rows(_csv(BUDGET_COLUMNS, *response_rows), "export.csv"))
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 1)

    steps = [[("" if v is None else v) for v in row] for row in services.transfer_export_rows(Transfer.objects.all())]
    report = services.import_transfers(read_rows(_csv(TRANSFER_COLUMNS, *steps), "transfers.csv"))
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def test_bad_rows_are_reported_by_number_and_nothing_is_saved(personas):
    data = _csv(
        BUDGET_COLUMNS,
        _line_row(personas),
        _line_row(personas, code="L-2", approved="-5"),
        _line_row(personas, code="L-3", approved="abc"),
        _line_row(personas, code="L-4", facility="NOPE0000"),
        _line_row(personas, code="L-1"),
        _line_row(personas, code="L-6", fiscal_year="2999"),
    )
    report = services.import_budget_lines(read_rows(data, "bad.csv"), actor=personas.provider)
    assert not report.ok
    by_row = {(e.row, e.column) for e in report.errors}
    assert {(3, "approved"), (4, "approved"), (5, "facility"), (6, "code"), (7, "fiscal_year")} <= by_row
    assert not BudgetLine.objects.exists()


def test_a_publisher_imports_only_for_its_own_bodies(personas):
    data = _csv(BUDGET_COLUMNS, _line_row(personas, body=personas.ministry.code))
    report = services.import_budget_lines(read_rows(data, "x.csv"), actor=personas.provider)
    assert [(e.row, e.column) for e in report.errors] == [(2, "body")]
    assert not BudgetLine.objects.exists()


def _step(personas, **extra):
    row = {
        "from_body": personas.ministry.code,
        "fiscal_year": "2025",
        "code": "A",
        "purpose": "Operating",
        "previous_step": "",
        "to_body": personas.education_dept.code,
        "to_facility": "",
        "area": personas.geo.aimag.code,
        "allocated": "100",
        "released": "100",
        "received": "90",
        "allocated_on": "2025-01-01",
        "expected_on": "2025-01-10",
        "released_on": "2025-01-05",
        "received_on": "2025-01-20",
    }
    row.update(extra)
    return [row[c] for c in TRANSFER_COLUMNS]


def test_transfers_link_to_a_previous_step_later_in_the_file(personas):
    data = _csv(
        TRANSFER_COLUMNS,
        _step(
            personas,
            from_body=personas.education_dept.code,
            code="B",
            previous_step=f"{personas.ministry.code}:A",
            to_body="",
            to_facility=personas.school.code,
            area="",
            allocated="90",
            released="90",
            received="60",
        ),
        _step(personas),
    )
    report = services.import_transfers(read_rows(data, "t.csv"))
    assert report.ok, report.errors
    child = Transfer.objects.get(code="B")
    assert child.parent.code == "A" and child.admin_unit == personas.school.admin_unit
    chain = services.annotate_chain(services.chain_to(child))
    assert [c.leakage for c in chain] == [Decimal(10), Decimal(30)]
    assert [c.stopped for c in chain] == [False, True]
    assert [c.delay for c in chain] == [10, 10]


def test_impossible_transfers_are_refused(personas):
    data = _csv(
        TRANSFER_COLUMNS,
        _step(personas, received="200"),  # more received than released
        _step(personas, code="C", received_on="2099-01-01"),  # future
        _step(personas, code="D", to_body="", area=""),  # no receiver
        _step(personas, code="E", previous_step="nonsense"),
        _step(personas, code="F", previous_step=f"{personas.ministry.code}:ZZZ"),
    )
    report = services.import_transfers(read_rows(data, "t.csv"))
    columns = {(e.row, e.column) for e in report.errors}
    assert {(2, "received"), (3, "received_on"), (4, "to_body"), (5, "previous_step"), (6, "previous_step")} <= columns
    assert not Transfer.objects.exists()


def _package(personas, *, descriptor_extra=None, rows=None, path="lines.csv") -> bytes:
    header = ["org", "unit", "year", "id", "fn", "fn_label", "econ", "amount", "spent"]
    rows = rows or [[personas.school_org.code, personas.school.code, 2025, "P-1", "09", "Education", "2100", 1000, 800]]
    table = "\n".join(",".join(str(v) for v in row) for row in [header, *rows]) + "\n"
    descriptor = {
        "name": "arkhangai-budget",
        "profile": "fiscal-data-package",
        "resources": [
            {
                "name": "lines",
                "path": path,
                "format": "csv",
                "schema": {
                    "fields": [
                        {"name": "org", "type": "string"},
                        {"name": "unit", "type": "string"},
                        {"name": "year", "type": "integer"},
                        {"name": "id", "type": "string"},
                        {"name": "fn", "type": "string"},
                        {"name": "fn_label", "type": "string"},
                        {"name": "econ", "type": "string"},
                        {"name": "amount", "type": "number"},
                        {"name": "spent", "type": "number"},
                    ]
                },
            }
        ],
        "model": {
            "measures": {"approved": {"source": "amount", "currency": "MNT"}, "executed": {"source": "spent"}},
            "dimensions": {
                "body": {"attributes": {"code": {"source": "org"}}, "primaryKey": "code"},
                "facility": {"attributes": {"code": {"source": "unit"}}, "primaryKey": "code"},
                "fiscal_year": {"attributes": {"year": {"source": "year"}}, "primaryKey": "year"},
                "code": {"attributes": {"code": {"source": "id"}}, "primaryKey": "code"},
                "functional": {
                    "attributes": {"code": {"source": "fn"}, "label": {"source": "fn_label"}},
                    "primaryKey": "code",
                },
                "economic": {"attributes": {"code": {"source": "econ"}}, "primaryKey": "code"},
            },
        },
    }
    descriptor.update(descriptor_extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor))
        archive.writestr("lines.csv", table)
    return buffer.getvalue()


def test_a_fiscal_data_package_is_validated_and_imported(personas):
    result = services.import_fiscal_data_package(_package(personas), actor=personas.provider)
    assert result.package_errors == [] and result.report.ok, result
    line = BudgetLine.objects.get(code="P-1")
    assert (line.approved, line.executed, line.functional_label) == (Decimal(1000), Decimal(800), "Education")


def test_a_package_whose_table_breaks_its_schema_saves_nothing(personas):
    bad = [[personas.school_org.code, personas.school.code, "twenty", "P-1", "09", "E", "2100", "lots", 1]]
    result = services.import_fiscal_data_package(_package(personas, rows=bad), actor=personas.provider)
    assert result.package_errors and not BudgetLine.objects.exists()
    assert any("year" in error or "amount" in error for error in result.package_errors)


@pytest.mark.parametrize("path", ["/etc/passwd", "../lines.csv", "https://example.com/lines.csv"])
def test_a_package_cannot_point_outside_its_zip(personas, path):
    result = services.import_fiscal_data_package(_package(personas, path=path), actor=personas.provider)
    assert result.package_errors and not BudgetLine.objects.exists()


def test_a_file_that_is_not_a_zip_is_refused(personas):
    result = services.import_fiscal_data_package(b"%PDF-1.4 not a zip", actor=personas.provider)
    assert result.package_errors and not BudgetLine.objects.exists()


MALFORMED_MODELS = [
    {"measures": [{"name": "approved", "source": "amount"}]},
    {"measures": {"approved": "amount"}},
    {"dimensions": {"body": {"attributes": [{"name": "code", "source": "org"}]}}},
    {"dimensions": [{"name": "body"}]},
    {"dimensions": {"body": {"attributes": {"code": {"source": 7}}}}},
    "measures: approved",
]


@pytest.mark.parametrize("model", MALFORMED_MODELS)
def test_a_package_whose_model_has_the_wrong_shape_is_refused_with_a_translated_error(personas, model):
    with translation.override("mn"):
        result = services.import_fiscal_data_package(
            _package(personas, descriptor_extra={"model": model}), actor=personas.provider
        )
    assert len(result.package_errors) == 1 and not BudgetLine.objects.exists()
    assert "Багцын загвар буруу" in result.package_errors[0], result.package_errors


def test_package_validation_errors_are_translated_and_name_the_row_and_field(personas):
    org, unit = personas.school_org.code, personas.school.code
    rows = [
        [org, unit, "twenty", "P-1", "09", "E", "2100", 1000, 1],  # row 2: year is not a whole number
        [org, unit, 2025, "P-2", "09", "E", "2100", -5, 1],  # row 3: amount below its minimum
        [org, unit, 2025, "P-3", "09", "E", "2100", 10],  # row 4: spent is missing
        [org, unit, 2025, "P-4", "09", "E", "2100", 10, 1, "surplus"],  # row 5: one value too many
        [""] * 9,  # row 6: blank
    ]
    package = _package(personas, rows=rows)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        table = archive.read("lines.csv")
    descriptor["resources"][0]["schema"]["fields"][7]["constraints"] = {"minimum": 0}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("datapackage.json", json.dumps(descriptor))
        archive.writestr("lines.csv", table)
    with translation.override("mn"):
        result = services.import_fiscal_data_package(buffer.getvalue(), actor=personas.provider)
    errors = result.package_errors
    assert not BudgetLine.objects.exists()
    assert 'lines хүснэгт, 2-р мөр, "year" талбар: "twenty" нь бүхэл тоо биш байна.' in errors, errors
    assert 'lines хүснэгт, 3-р мөр, "amount" талбар: утга хамгийн багадаа 0 байх ёстой ("-5" өгсөн).' in errors
    assert 'lines хүснэгт, 4-р мөр: "spent" талбарын утга дутуу байна.' in errors
    assert any(error.startswith("lines хүснэгт, 5-р мөр: схемийн талбаруудаас гадна") for error in errors)
    assert "lines хүснэгт, 6-р мөр хоосон байна." in errors
    assert not any("row" in error or "position" in error for error in errors), errors
