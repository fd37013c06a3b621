"""Budgets and transfers: imports (CSV/XLSX and Fiscal Data Package), exports in the same columns,
and the chain of a transfer with its leakage and delay.

Imports are all-or-nothing: every row goes through a form, every reference is looked up, and
nothing is written unless every row is valid. A row updates the line (or step) with the same body,
year and code, so a file exported and imported again changes nothing.
"""

import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.lib.tabular import ImportReport, Row, TabularError
from iltod.organizations.models import Organization
from iltod.places.models import AdminUnit, ServiceUnit

from .. import permissions
from ..forms.budgets import BUDGET_COLUMNS, TRANSFER_COLUMNS, BudgetLineRowForm, TransferRowForm
from ..models import BudgetLine, Transfer


def _form_errors(report: ImportReport, row: Row, form) -> None:
    for field, errors in form.errors.items():
        for error in errors:
            report.add_error(row.number, "" if field == "__all__" else field, error)


def _bodies(codes, actor, report, rows_by_code, column) -> dict[str, Organization]:
    """The active organisations named in a column, and an error on each row naming another, or a
    body the actor does not publish for."""
    found = {o.code: o for o in Organization.objects.filter(code__in=set(codes), is_active=True)}
    allowed = permissions.budget_body_ids(actor) if actor is not None else None
    for code, numbers in rows_by_code.items():
        for number in numbers:
            if code not in found:
                report.add_error(number, column, _("No organisation has the code %(code)s.") % {"code": code})
            elif allowed is not None and found[code].pk not in allowed:
                report.add_error(number, column, _("You do not publish for %(name)s.") % {"name": found[code].name})
    return found


def _changed(obj, values: dict) -> bool:
    return obj.pk is None or any(getattr(obj, key) != value for key, value in values.items())


@transaction.atomic
def import_budget_lines(rows: list[Row], *, actor=None, dry_run=False, source="") -> ImportReport:
    """Create or update budget lines; ``actor`` publishes only for its own bodies (None: a command)."""
    report = ImportReport(dry_run=dry_run)
    valid: list[tuple[Row, dict]] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        form = BudgetLineRowForm(row.values)
        if not form.is_valid():
            _form_errors(report, row, form)
            continue
        data = form.cleaned_data
        key = (data["body"], data["fiscal_year"], data["code"])
        if key in seen:
            report.add_error(row.number, "code", _("Duplicate of row %(row)s.") % {"row": seen[key]})
            continue
        seen[key] = row.number
        valid.append((row, data))
    by_body: dict[str, list[int]] = {}
    for row, data in valid:
        by_body.setdefault(data["body"], []).append(row.number)
    bodies = _bodies(by_body, actor, report, by_body, "body")
    facility_codes = {d["facility"] for _r, d in valid if d["facility"]}
    facilities = {f.code: f for f in ServiceUnit.objects.filter(code__in=facility_codes)}
    for row, data in valid:
        if data["facility"] and data["facility"] not in facilities:
            report.add_error(
                row.number, "facility", _("No facility has the code %(code)s.") % {"code": data["facility"]}
            )
    if not report.ok:
        transaction.set_rollback(True)
        return report

    existing = {
        (line.organization_id, line.fiscal_year, line.code): line
        for line in BudgetLine.objects.filter(
            organization__in=bodies.values(), fiscal_year__in={d["fiscal_year"] for _r, d in valid}
        )
    }
    # Written in bulk: a budget file has thousands of lines and is re-imported after each amendment.
    new, changed = [], []
    now, by = timezone.now(), (actor if getattr(actor, "is_authenticated", False) else None)
    for _row, data in valid:
        body = bodies[data["body"]]
        line = existing.get((body.pk, data["fiscal_year"], data["code"])) or BudgetLine(
            organization=body, fiscal_year=data["fiscal_year"], code=data["code"]
        )
        facility = facilities.get(data["facility"])
        values = {
            "service_unit_id": facility.pk if facility else None,
            **{key: data[key] for key in BUDGET_COLUMNS[4:]},
        }
        if not _changed(line, values):
            report.unchanged += 1
            continue
        for key, value in values.items():
            setattr(line, key, value)
        line.updated_by, line.updated_at = by, now
        (new if line.pk is None else changed).append(line)
    BudgetLine.objects.bulk_create(new, batch_size=1000)
    BudgetLine.objects.bulk_update(
        changed, ["service_unit", *BUDGET_COLUMNS[4:], "updated_by", "updated_at"], batch_size=1000
    )
    report.created, report.updated = len(new), len(changed)
    if dry_run:
        transaction.set_rollback(True)
    else:
        log_event(
            actor,
            AuditAction.BUDGET_LINES_IMPORTED,
            None,
            source=source,
            created=report.created,
            updated=report.updated,
        )
    return report


def _step_key(text: str) -> tuple[str, str] | None:
    """'BODYCODE:step-code' (the previous step's sending body and code, same fiscal year)."""
    body, sep, code = text.partition(":")
    return (body.strip().upper(), code.strip()) if sep and body.strip() and code.strip() else None


@transaction.atomic
def import_transfers(rows: list[Row], *, actor=None, dry_run=False, source="") -> ImportReport:
    """Create or update transfer steps. A step names its previous one as 'BODYCODE:code' (same
    year); a previous step may be in the same file, above or below."""
    report = ImportReport(dry_run=dry_run)
    valid: list[tuple[Row, dict]] = []
    seen: dict[tuple, int] = {}
    for row in rows:
        form = TransferRowForm(row.values)
        if not form.is_valid():
            _form_errors(report, row, form)
            continue
        data = form.cleaned_data
        key = (data["from_body"], data["fiscal_year"], data["code"])
        if key in seen:
            report.add_error(row.number, "code", _("Duplicate of row %(row)s.") % {"row": seen[key]})
            continue
        if data["previous_step"] and _step_key(data["previous_step"]) is None:
            report.add_error(row.number, "previous_step", _("Write the previous step as BODYCODE:code."))
            continue
        seen[key] = row.number
        valid.append((row, data))

    senders: dict[str, list[int]] = {}
    for row, data in valid:
        senders.setdefault(data["from_body"], []).append(row.number)
    bodies = _bodies(senders, actor, report, senders, "from_body")
    receiver_codes = {d["to_body"] for _r, d in valid if d["to_body"]}
    receivers = {o.code: o for o in Organization.objects.filter(code__in=receiver_codes, is_active=True)}
    facilities = {
        f.code: f
        for f in ServiceUnit.objects.select_related("admin_unit").filter(
            code__in={d["to_facility"] for _r, d in valid if d["to_facility"]}
        )
    }
    areas = {
        a.code: a
        for a in AdminUnit.objects.filter(code__in={d["area"] for _r, d in valid if d["area"]}).only("pk", "code")
    }
    previous_keys = {_step_key(d["previous_step"]) for _r, d in valid if d["previous_step"]}
    in_file = {(d["from_body"], d["fiscal_year"], d["code"]) for _r, d in valid}
    stored = {
        (t.from_organization.code, t.fiscal_year, t.code): t
        for t in Transfer.objects.select_related("from_organization").filter(
            from_organization__code__in={k[0] for k in previous_keys} | set(bodies),
            fiscal_year__in={d["fiscal_year"] for _r, d in valid},
        )
    }
    for row, data in valid:
        if data["to_body"] and data["to_body"] not in receivers:
            report.add_error(
                row.number, "to_body", _("No organisation has the code %(code)s.") % {"code": data["to_body"]}
            )
        if data["to_facility"] and data["to_facility"] not in facilities:
            report.add_error(
                row.number, "to_facility", _("No facility has the code %(code)s.") % {"code": data["to_facility"]}
            )
        if data["area"] and data["area"] not in areas:
            report.add_error(
                row.number, "area", _("No administrative unit has the code %(code)s.") % {"code": data["area"]}
            )
        if not data["area"] and not data["to_facility"]:
            report.add_error(row.number, "area", _("Give the receiving area (its code) when the receiver is a body."))
        if data["previous_step"]:
            body, code = _step_key(data["previous_step"])
            key = (body, data["fiscal_year"], code)
            if key == (data["from_body"], data["fiscal_year"], data["code"]):
                report.add_error(row.number, "previous_step", _("A step cannot follow itself."))
            elif key not in in_file and key not in stored:
                report.add_error(
                    row.number, "previous_step", _("No step %(step)s in this year.") % {"step": data["previous_step"]}
                )
    if not report.ok:
        transaction.set_rollback(True)
        return report

    saved: dict[tuple, Transfer] = dict(stored)
    pending_parents: list[tuple[Transfer, tuple]] = []
    for _row, data in valid:
        sender = bodies[data["from_body"]]
        key = (data["from_body"], data["fiscal_year"], data["code"])
        step = stored.get(key) or Transfer(from_organization=sender, fiscal_year=data["fiscal_year"], code=data["code"])
        is_new = step.pk is None
        facility = facilities.get(data["to_facility"])
        area = areas.get(data["area"])
        values = {
            "purpose": data["purpose"],
            "to_organization_id": receivers[data["to_body"]].pk if data["to_body"] else None,
            "to_service_unit_id": facility.pk if facility else None,
            "admin_unit_id": area.pk if area else facility.admin_unit_id,
            **{k: data[k] for k in TRANSFER_COLUMNS[8:]},
        }
        parent_key = None
        if data["previous_step"]:
            body, code = _step_key(data["previous_step"])
            parent_key = (body, data["fiscal_year"], code)
        elif step.parent_id is not None:
            values["parent_id"] = None
        changed = _changed(step, values)
        for k, v in values.items():
            setattr(step, k, v)
        if changed:
            step.updated_by = actor if getattr(actor, "is_authenticated", False) else None
            step.save()
            report.created += is_new
            report.updated += not is_new
        else:
            report.unchanged += 1
        saved[key] = step
        if parent_key:
            pending_parents.append((step, parent_key, changed))
    for step, parent_key, changed in pending_parents:
        parent_id = saved[parent_key].pk
        if step.parent_id != parent_id:
            step.parent_id = parent_id
            step.save(update_fields=["parent", "updated_at"])
            if not changed:  # only the link moved: the row counts as updated after all
                report.unchanged -= 1
                report.updated += 1
    if dry_run:
        transaction.set_rollback(True)
    else:
        log_event(
            actor, AuditAction.TRANSFERS_IMPORTED, None, source=source, created=report.created, updated=report.updated
        )
    return report


# ---------------------------------------------------------------------------------------------
# Exports: the import's columns, so that a file exported and imported again changes nothing.


def budget_export_rows(lines):
    for line in lines.select_related("organization", "service_unit"):
        yield [
            line.organization.code,
            line.service_unit.code if line.service_unit_id else "",
            line.fiscal_year,
            line.code,
            line.administrative_code,
            line.functional_code,
            line.functional_label,
            line.economic_code,
            line.economic_label,
            line.approved,
            line.adjusted,
            line.executed,
        ]


def transfer_export_rows(transfers):
    for step in transfers.select_related(
        "from_organization", "to_organization", "to_service_unit", "admin_unit", "parent__from_organization"
    ):
        yield [
            step.from_organization.code,
            step.fiscal_year,
            step.code,
            step.purpose,
            f"{step.parent.from_organization.code}:{step.parent.code}" if step.parent_id else "",
            step.to_organization.code if step.to_organization_id else "",
            step.to_service_unit.code if step.to_service_unit_id else "",
            step.admin_unit.code,
            step.allocated,
            step.released,
            step.received,
            step.allocated_on,
            step.expected_on,
            step.released_on,
            step.received_on,
        ]


# ---------------------------------------------------------------------------------------------
# Fiscal Data Package (https://fiscal.datapackage.org): a ZIP of datapackage.json and CSV tables.
# frictionless validates the package and each table against its table schema; the package's
# ``model`` maps its columns to ours (measures approved/adjusted/executed, dimensions for the
# rest); without a model the columns must have the import's names.

MAX_PACKAGE_BYTES = 20 * 1024 * 1024
SAFE_PATH = re.compile(r"^[\w\-. ]+(/[\w\-. ]+)*$")
MEASURES = ("approved", "adjusted", "executed")
STANDARD_PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource"}
DIMENSIONS = ("body", "facility", "fiscal_year", "code", "administrative", "functional", "economic")


class PackageError(ValueError):
    """The package cannot be read or is not valid; the message is translated."""


@dataclass
class PackageResult:
    report: ImportReport
    package_errors: list[str]


def _check_model(descriptor: dict) -> None:
    """The fiscal ``model`` is optional, but when present it must have the specification's shape:
    objects keyed by name all the way down to each attribute's ``source`` column."""
    model = descriptor.get("model")
    if model is None:
        return
    message = _(
        'The package\'s model is not valid: %(where)s must be an object of named entries, each with a "source" column.'
    )
    if not isinstance(model, dict):
        raise PackageError(message % {"where": "model"})
    for part in ("measures", "dimensions"):
        entries = model.get(part)
        if entries is None:
            continue
        if not isinstance(entries, dict) or not all(isinstance(entry, dict) for entry in entries.values()):
            raise PackageError(message % {"where": f"model.{part}"})
    for name, measure in (model.get("measures") or {}).items():
        if "source" in measure and not isinstance(measure["source"], str):
            raise PackageError(message % {"where": f"model.measures.{name}"})
    for name, dimension in (model.get("dimensions") or {}).items():
        attributes = dimension.get("attributes")
        if attributes is None:
            continue
        if not isinstance(attributes, dict) or not all(
            isinstance(attribute, dict) and isinstance(attribute.get("source", ""), str)
            for attribute in attributes.values()
        ):
            raise PackageError(message % {"where": f"model.dimensions.{name}.attributes"})


def _column_map(descriptor: dict) -> dict[str, str]:
    """Our column → the package's column, from the package's fiscal model."""
    model = descriptor.get("model") or {}
    if not isinstance(model, dict):
        return {}
    mapping: dict[str, str] = {}
    for name, measure in (model.get("measures") or {}).items():
        if name in MEASURES and isinstance(measure, dict) and isinstance(measure.get("source"), str):
            mapping[name] = measure["source"]
    for name, dimension in (model.get("dimensions") or {}).items():
        if name not in DIMENSIONS or not isinstance(dimension, dict):
            continue
        attributes = dimension.get("attributes") or {}
        primary = dimension.get("primaryKey")
        for attribute_name, attribute in attributes.items():
            if not isinstance(attribute, dict) or not isinstance(attribute.get("source"), str):
                continue
            if name in ("administrative", "functional", "economic"):
                target = f"{name}_code" if attribute_name in (primary, "code") else f"{name}_label"
                if target == "administrative_label":
                    continue
                mapping[target] = attribute["source"]
            elif attribute_name in (primary, name, "code", "year"):
                mapping[name] = attribute["source"]
    return mapping


def _safe_descriptor(descriptor: dict, names: set[str]) -> None:
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise PackageError(_("datapackage.json lists no resources."))
    for resource in resources:
        path = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(path, list) or not isinstance(path, str) or not SAFE_PATH.match(path) or ".." in path:
            raise PackageError(_("Each resource must be a CSV file inside the ZIP, named by a relative path."))
        if path not in names:
            raise PackageError(_("The ZIP has no file %(path)s.") % {"path": path})
        for key in ("schema", "dialect"):
            if key in resource and not isinstance(resource[key], dict):
                raise PackageError(_("Each resource's table schema must be written inside datapackage.json."))
    # A profile other than the standard ones is a URL frictionless would fetch: the server never
    # fetches what an upload names. The fiscal profile adds the ``model``, which is read here.
    for item in (descriptor, *resources):
        if item.get("profile") not in STANDARD_PROFILES:
            item.pop("profile", None)
        item.pop("$schema", None)


def _field_types(descriptor: dict) -> dict[tuple[str, str], str]:
    """(table, field) → the type its table schema declares."""
    types = {}
    for resource in descriptor["resources"]:
        fields = (resource.get("schema") or {}).get("fields")
        for field in fields if isinstance(fields, list) else []:
            if isinstance(field, dict) and isinstance(field.get("name"), str):
                types[(resource.get("name") or "", field["name"])] = str(field.get("type") or "string")
    return types


def _type_name(type_: str) -> str:
    names = {
        "integer": _("a whole number"),
        "number": _("a number"),
        "date": _("a date (YYYY-MM-DD)"),
        "datetime": _("a date and time"),
        "year": _("a year"),
        "boolean": _("true or false"),
    }
    return names.get(type_, _("a value of type %(type)s") % {"type": type_})


CONSTRAINT_NOTE = re.compile(r'constraint "(\w+)" is "(.*)"')


def _constraint_text(note: str) -> str:
    match = CONSTRAINT_NOTE.search(note or "")
    name, value = match.groups() if match else ("", "")
    if name == "required":
        return _("a value is required")
    if name == "unique":
        return _("the value must be unique in the column")
    if name in ("minimum", "exclusiveMinimum"):
        return _("the value must be at least %(limit)s") % {"limit": value}
    if name in ("maximum", "exclusiveMaximum"):
        return _("the value must be at most %(limit)s") % {"limit": value}
    if name == "minLength":
        return _("the value must have at least %(limit)s characters") % {"limit": value}
    if name == "maxLength":
        return _("the value must have at most %(limit)s characters") % {"limit": value}
    if name == "enum":
        return _("the value must be one of %(values)s") % {"values": value}
    if name == "pattern":
        return _("the value must match the pattern %(pattern)s") % {"pattern": value}
    return _("the schema's constraint is not met (%(detail)s)") % {"detail": note}


def _describe_table_error(error, table: str, types: dict[tuple[str, str], str]) -> str:
    """One frictionless error as a translated sentence naming the table, the row and the field;
    the library's own (English) message is kept only for the error types not mapped here."""
    kind = getattr(error, "type", "")
    field = getattr(error, "field_name", "") or ""
    values = {
        "table": table,
        "row": getattr(error, "row_number", "") or "",
        "field": field,
        "cell": getattr(error, "cell", "") or "",
        "label": getattr(error, "label", "") or "",
        "position": getattr(error, "field_number", "") or "",
    }
    if kind == "type-error":
        values["type"] = _type_name(types.get((table, field), ""))
        return _('Table %(table)s, row %(row)s, field "%(field)s": "%(cell)s" is not %(type)s.') % values
    if kind == "constraint-error":
        values["rule"] = _constraint_text(getattr(error, "note", ""))
        return _('Table %(table)s, row %(row)s, field "%(field)s": %(rule)s ("%(cell)s" given).') % values
    if kind == "missing-cell":
        return _('Table %(table)s, row %(row)s: the value of field "%(field)s" is missing.') % values
    if kind == "extra-cell":
        return (
            _("Table %(table)s, row %(row)s: there is a value in column %(position)s, beyond the schema's fields.")
            % values
        )
    if kind == "blank-row":
        return _("Table %(table)s, row %(row)s is empty.") % values
    if kind in ("primary-key", "unique-error", "duplicate-row"):
        return _("Table %(table)s, row %(row)s repeats a row or a value that must be unique.") % values
    if kind == "missing-label":
        return _('Table %(table)s: the header has no column for field "%(field)s".') % values
    if kind == "extra-label":
        return _('Table %(table)s: the header has a column "%(label)s" that the schema does not list.') % values
    if kind in ("incorrect-label", "duplicate-label", "blank-label", "blank-header"):
        return (
            _("Table %(table)s: the header's column %(position)s (\"%(label)s\") does not match the schema's fields.")
            % values
        )
    if kind in ("encoding-error", "format-error", "source-error", "scheme-error"):
        return _("Table %(table)s cannot be read as CSV (%(detail)s).") % {**values, "detail": error.message}
    if values["row"]:
        return _("Table %(table)s, row %(row)s: %(detail)s") % {**values, "detail": error.message}
    return _("Table %(table)s: %(detail)s") % {**values, "detail": error.message}


def read_fiscal_data_package(data: bytes) -> tuple[list[Row], list[str]]:
    """Rows in the import's columns, and the validation errors of the package (none: valid)."""
    from frictionless import Package, system

    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError(_("The file is larger than 20 MB."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError(_("The file is not a ZIP archive.")) from None
    with archive:
        names = {info.filename for info in archive.infolist() if not info.is_dir()}
        if "datapackage.json" not in names:
            raise PackageError(_("The ZIP has no datapackage.json."))
        if sum(info.file_size for info in archive.infolist()) > 5 * MAX_PACKAGE_BYTES:
            raise PackageError(_("The package is too large once unpacked."))
        try:
            descriptor = json.loads(archive.read("datapackage.json"))
        except (ValueError, UnicodeDecodeError):
            raise PackageError(_("datapackage.json is not valid JSON.")) from None
        if not isinstance(descriptor, dict):
            raise PackageError(_("datapackage.json is not valid JSON."))
        _safe_descriptor(descriptor, names)
        _check_model(descriptor)
        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder)
            for resource in descriptor["resources"]:
                target = base / resource["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(resource["path"]))
            (base / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
            errors: list[str] = []
            # Not trusted: frictionless refuses absolute paths, ".." and remote sources.
            with system.use_context(trusted=False):
                try:
                    package = Package(str(base / "datapackage.json"))
                    report = package.validate()
                except Exception as exc:  # frictionless raises its own errors for broken descriptors
                    raise PackageError(_("The package is not valid: %(error)s") % {"error": exc}) from exc
                types = _field_types(descriptor)
                for task in report.tasks:
                    for error in task.errors:
                        errors.append(_describe_table_error(error, task.name or "", types))
                for error in report.errors:
                    errors.append(_("The package is not valid: %(error)s") % {"error": error.message})
                if errors:
                    return [], errors
                mapping = _column_map(descriptor)
                rows: list[Row] = []
                for resource in package.resources:
                    with resource:
                        for record in resource.row_stream:
                            values = record.to_dict()
                            row = {}
                            for column in BUDGET_COLUMNS:
                                value = values.get(mapping.get(column, column))
                                row[column] = "" if value is None else str(value)
                            rows.append(Row(record.row_number, row))
    return rows, []


def import_fiscal_data_package(data: bytes, *, actor=None, dry_run=False, source="") -> PackageResult:
    """Validate a Fiscal Data Package with frictionless, then import its lines like a CSV file."""
    try:
        rows, errors = read_fiscal_data_package(data)
    except (PackageError, TabularError) as exc:
        return PackageResult(ImportReport(dry_run=dry_run), [str(exc)])
    if errors:
        return PackageResult(ImportReport(dry_run=dry_run), errors)
    return PackageResult(import_budget_lines(rows, actor=actor, dry_run=dry_run, source=source), [])


# ---------------------------------------------------------------------------------------------
# The chain: where money stopped.


@dataclass
class ChainStep:
    step: Transfer
    leakage: Decimal | None
    delay: int | None
    stopped: bool  # the step where the most money was lost on the way


def chain_to(step: Transfer) -> list[Transfer]:
    """The steps that brought money to ``step``, top first, ending with it."""
    chain, seen, node = [step], {step.pk}, step
    while node.parent_id and node.parent_id not in seen:
        node = Transfer.objects.select_related("from_organization", "to_organization", "to_service_unit").get(
            pk=node.parent_id
        )
        seen.add(node.pk)
        chain.append(node)
    return list(reversed(chain))


def annotate_chain(steps: list[Transfer], today=None) -> list[ChainStep]:
    """Each step with its leakage and delay; the step that lost the most is marked as the stop."""
    leak = [s.leakage for s in steps]
    worst = max((value for value in leak if value is not None and value > 0), default=None)
    return [ChainStep(s, s.leakage, s.delay_days(today), worst is not None and s.leakage == worst) for s in steps]
