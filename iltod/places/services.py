"""Loading and importing administrative units and facilities."""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.lib.tabular import ImportReport, Row
from iltod.lib.translit import to_cyrillic

from .forms import LEVEL_ORDER, PARENT_LEVELS, AdminUnitRowForm, ServiceUnitRowForm
from .models import AdminUnit, Sector, ServiceUnit

REFERENCE_DIR = settings.BASE_DIR / "data" / "reference"
BOUNDARY_FILES = ("mn_aimags.geojson", "mn_soums.geojson", "mn_districts_ub.geojson")


def _set_name(obj, name_mn: str) -> None:
    """Set the untranslated ``name`` column. Assigning ``obj.name`` writes the *active* language's
    field (modeltranslation), which would overwrite ``name_en`` during an import run in English."""
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        obj.name = name_mn


# Where mn-translit's reading of a Latin centre name differs from the official Cyrillic spelling.
CENTRE_NAME_EXCEPTIONS = {"Chinggis": "Чингис"}


def centre_name_in_cyrillic(latin: str) -> str:
    """The reference data gives centre names in Latin only; derive the Cyrillic (Tsetserleg →
    Цэцэрлэг). Final "-govi" is written "-говь"."""
    if not latin:
        return ""
    if latin in CENTRE_NAME_EXCEPTIONS:
        return CENTRE_NAME_EXCEPTIONS[latin]
    name = to_cyrillic(latin)
    return name[:-4] + "говь" if name.endswith("гови") else name


def _form_errors(report: ImportReport, row: Row, form) -> None:
    for field, errors in form.errors.items():
        for error in errors:
            report.add_error(row.number, "" if field == "__all__" else field, error)


@transaction.atomic
def import_admin_units(rows: list[Row], *, actor=None, dry_run=False, source="") -> ImportReport:
    """Create or update administrative units from rows; nothing is written if any row is bad."""
    report = ImportReport(dry_run=dry_run)
    valid: list[tuple[Row, dict]] = []
    seen: dict[str, int] = {}
    for row in rows:
        form = AdminUnitRowForm(row.values)
        if not form.is_valid():
            _form_errors(report, row, form)
            continue
        data = form.cleaned_data
        if data["code"] in seen:
            report.add_error(row.number, "code", _("duplicate of row %(row)s") % {"row": seen[data["code"]]})
            continue
        seen[data["code"]] = row.number
        valid.append((row, data))

    existing = {u.code: u for u in AdminUnit.objects.filter(code__in=[d["code"] for _r, d in valid])}
    parent_codes = {d["parent_code"] for _r, d in valid if d["parent_code"]}
    known_levels = dict(AdminUnit.objects.filter(code__in=parent_codes).values_list("code", "level"))
    known_levels.update({d["code"]: d["level"] for _r, d in valid})
    for row, data in valid:
        parent = data["parent_code"]
        if parent:
            if parent not in known_levels:
                report.add_error(row.number, "parent_code", _("no unit with code %(code)s") % {"code": parent})
            elif known_levels[parent] not in PARENT_LEVELS[data["level"]]:
                report.add_error(
                    row.number,
                    "parent_code",
                    _("a unit of level “%(level)s” cannot be inside a unit of level “%(parent)s”")
                    % {
                        "level": AdminUnit.Level(data["level"]).label,
                        "parent": AdminUnit.Level(known_levels[parent]).label,
                    },
                )
    if not report.ok:
        transaction.set_rollback(True)
        return report

    by_code = dict(existing)
    for _row, data in sorted(valid, key=lambda rd: LEVEL_ORDER.index(rd[1]["level"])):
        unit = by_code.get(data["code"]) or AdminUnit(code=data["code"])
        is_new = unit.pk is None
        values = {
            "level": data["level"],
            "name_mn": data["name_mn"],
            "name_en": data["name_en"],
            "iso_3166_2": data["iso_3166_2"],
            "centre_name_mn": data["center_name_mn"] or centre_name_in_cyrillic(data["center_name_en"]),
            "centre_name_en": data["center_name_en"],
            "latitude": data["lat"],
            "longitude": data["lon"],
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
        }
        if data["parent_code"]:
            parent = by_code.get(data["parent_code"]) or AdminUnit.objects.get(code=data["parent_code"])
            by_code[parent.code] = parent
            values["parent_id"] = parent.pk
        else:
            values["parent_id"] = None
        if data["boundary"] is not None:
            values["boundary"] = data["boundary"]
        changed = is_new or any(getattr(unit, k) != v for k, v in values.items())
        for key, value in values.items():
            setattr(unit, key, value)
        if changed:
            _set_name(unit, data["name_mn"])
            unit.save()
            report.created += is_new
            report.updated += not is_new
        else:
            report.unchanged += 1
        by_code[unit.code] = unit
    if dry_run:
        transaction.set_rollback(True)
    else:
        log_event(
            actor, AuditAction.ADMIN_UNITS_IMPORTED, None, source=source, created=report.created, updated=report.updated
        )
    return report


@transaction.atomic
def import_service_units(rows: list[Row], *, actor=None, dry_run=False, source="") -> ImportReport:
    """Create or update facilities. A row matches an existing facility by public code or registry code."""
    # The operator lives in a higher layer (organizations); look it up without importing it.
    Organization = apps.get_model("organizations", "Organization")
    report = ImportReport(dry_run=dry_run)
    sectors = {s.code: s for s in Sector.objects.all()}
    forms_ok: list[tuple[Row, dict]] = []
    for row in rows:
        form = ServiceUnitRowForm(row.values)
        if not form.is_valid():
            _form_errors(report, row, form)
            continue
        forms_ok.append((row, form.cleaned_data))

    unit_codes = {d["admin_unit_code"] for _r, d in forms_ok}
    units = {u.code: u for u in AdminUnit.objects.filter(code__in=unit_codes)}
    operator_codes = {d["operator_code"] for _r, d in forms_ok if d["operator_code"]}
    operators = {o.code: o for o in Organization.objects.filter(code__in=operator_codes)}
    registry_codes = {d["registry_code"] for _r, d in forms_ok if d["registry_code"]}
    by_registry = {f.registry_code: f for f in ServiceUnit.objects.filter(registry_code__in=registry_codes)}
    public_codes = {d["code"] for _r, d in forms_ok if d["code"]}
    by_code = {f.code: f for f in ServiceUnit.objects.filter(code__in=public_codes)}
    seen_registry: dict[str, int] = {}
    seen_facility: dict[int, int] = {}  # facility pk -> the row that updates it

    prepared = []
    for row, data in forms_ok:
        unit = units.get(data["admin_unit_code"])
        if unit is None:
            report.add_error(
                row.number,
                "admin_unit_code",
                _("no administrative unit with code %(code)s") % {"code": data["admin_unit_code"]},
            )
            continue
        sector_code = data["sector"] or ServiceUnit.KIND_SECTOR.get(data["kind"], "other")
        sector = sectors.get(sector_code)
        if sector is None:
            report.add_error(row.number, "sector", _("unknown sector %(code)s") % {"code": sector_code})
            continue
        operator = None
        if data["operator_code"]:
            operator = operators.get(data["operator_code"])
            if operator is None:
                report.add_error(
                    row.number,
                    "operator_code",
                    _("no organisation with code %(code)s") % {"code": data["operator_code"]},
                )
                continue
        if data["code"] and data["code"] not in by_code:
            report.add_error(row.number, "code", _("no facility with code %(code)s") % {"code": data["code"]})
            continue
        if data["registry_code"]:
            if data["registry_code"] in seen_registry:
                report.add_error(
                    row.number,
                    "registry_code",
                    _("duplicate of row %(row)s") % {"row": seen_registry[data["registry_code"]]},
                )
                continue
            seen_registry[data["registry_code"]] = row.number
        facility = by_code.get(data["code"]) or by_registry.get(data["registry_code"]) or ServiceUnit()
        owner = by_registry.get(data["registry_code"])
        if owner is not None and owner.pk != facility.pk:
            # The registry code is unique: saving would fail on the database constraint.
            report.add_error(row.number, "registry_code", _("already used by facility %(code)s") % {"code": owner.code})
            continue
        if facility.pk is not None:
            if facility.pk in seen_facility:
                column = "code" if data["code"] else "registry_code"
                message = _("duplicate of row %(row)s") % {"row": seen_facility[facility.pk]}
                report.add_error(row.number, column, message)
                continue
            seen_facility[facility.pk] = row.number
        prepared.append((facility, data, unit, sector, operator))
    if not report.ok:
        transaction.set_rollback(True)
        return report

    for facility, data, unit, sector, operator in prepared:
        is_new = facility.pk is None
        values = {
            "name_mn": data["name_mn"],
            "name_en": data["name_en"],
            "kind": data["kind"],
            "sector_id": sector.pk,
            "admin_unit_id": unit.pk,
            "address_mn": data["address_mn"],
            "address_en": data["address_en"],
            "latitude": data["lat"],
            "longitude": data["lon"],
            "registry_code": data["registry_code"] or facility.registry_code,
            "phone": data["phone"],
            "email": data["email"],
            "is_active": data["active"],
        }
        if operator is not None:
            values["operator_id"] = operator.pk
        changed = is_new or any(getattr(facility, k) != v for k, v in values.items())
        if not changed:
            report.unchanged += 1
            continue
        for key, value in values.items():
            setattr(facility, key, value)
        _set_name(facility, data["name_mn"])
        facility.save()
        report.created += is_new
        report.updated += not is_new
    if dry_run:
        transaction.set_rollback(True)
    else:
        log_event(
            actor, AuditAction.FACILITIES_IMPORTED, None, source=source, created=report.created, updated=report.updated
        )
    return report


@transaction.atomic
def load_reference_data(directory: Path = REFERENCE_DIR) -> dict[str, int]:
    """Load Mongolia's units and boundaries shipped in data/reference (idempotent)."""
    from iltod.lib.tabular import read_rows

    country, _created = AdminUnit.objects.get_or_create(
        code="MN",
        defaults={
            "level": AdminUnit.Level.COUNTRY,
            "name": "Монгол Улс",
            "name_mn": "Монгол Улс",
            "name_en": "Mongolia",
            "iso_3166_2": "MN",
        },
    )
    rows = read_rows(str(directory / "mn_admin_units.csv"))
    for row in rows:
        if not row.values.get("parent_code"):
            row.values["parent_code"] = country.code
    report = import_admin_units(rows, source="reference data")
    if not report.ok:
        raise ValueError("; ".join(str(e) for e in report.errors[:10]))
    boundaries = 0
    units = {u.code: u for u in AdminUnit.objects.all()}
    for filename in BOUNDARY_FILES:
        path = directory / filename
        if not path.exists():
            continue
        collection = json.loads(path.read_text(encoding="utf-8"))
        for feature in collection.get("features", []):
            code = str(feature.get("properties", {}).get("code", ""))
            unit = units.get(code)
            # The UB district file is finer than the soum file: it wins for the districts.
            if unit is not None and (unit.boundary != feature["geometry"]):
                if filename == "mn_soums.geojson" and unit.level == AdminUnit.Level.DISTRICT:
                    continue
                unit.boundary = feature["geometry"]
                unit.save(update_fields=["boundary"])
                boundaries += 1
    aliases = load_place_aliases(directory / ALIASES_FILE, units)
    return {"created": report.created, "updated": report.updated, "boundaries": boundaries, "aliases": aliases}


ALIASES_FILE = "mn_place_aliases.csv"


def load_place_aliases(path: Path, units: dict[str, AdminUnit]) -> int:
    """Set the other names of places (``code,aliases``; aliases separated by ``;``) that people
    search by; a unit whose aliases change has its facilities' search words rebuilt."""
    from iltod.lib.tabular import read_rows

    if not path.exists():
        return 0
    changed = 0
    for row in read_rows(str(path)):
        unit = units.get(str(row.values.get("code", "")).strip())
        aliases = "; ".join(a.strip() for a in str(row.values.get("aliases", "")).split(";") if a.strip())
        if unit is not None and unit.aliases != aliases:
            unit.aliases = aliases
            unit.save(update_fields=["aliases"])
            changed += 1
    return changed
