"""Importing an OCDS file: stream its releases, store the new ones, compile each touched process.

One transaction per file: a file with a single bad release (broken JSON, not OCDS, invalid against
the schema, an unknown currency, a release id seen before with other content) is refused whole, with
a report per OCID and path, and nothing of it is stored. A release id seen before with the same
content changes nothing, so importing the same file twice is harmless.

Speed: releases are written with ``bulk_create`` in batches, compiled per batch of OCIDs with one
query for their releases, and processes are upserted with ``bulk_create(update_conflicts=True)``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

import orjson
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import bulk, ocds
from .models import ContractingProcess, Release

BATCH = 1000
MAX_ERRORS = 200  # a report lists the first errors; the count says how many there were


@dataclass
class ImportReport:
    releases_read: int = 0
    releases_new: int = 0
    releases_seen: int = 0
    processes: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    coverage: dict = field(default_factory=dict)
    ocids: set = field(default_factory=set)

    def error(self, message: str, *, ocid: str = "", release: str = "", path: str = "") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"ocid": ocid, "release": release, "path": path, "message": str(message)})

    @property
    def ok(self) -> bool:
        return not self.error_count

    def as_dict(self) -> dict:
        return {
            "releases_read": self.releases_read,
            "releases_new": self.releases_new,
            "releases_seen": self.releases_seen,
            "processes": self.processes,
            "errors": self.errors,
            "error_count": self.error_count,
            "coverage": self.coverage,
        }


class ImportRefused(Exception):
    """Raised inside the file's transaction so that nothing of a bad file is kept."""


def _schema_path(error) -> str:
    return "/".join(str(part) for part in error.absolute_path)


def _schema_message(error) -> str:
    if error.validator == "enum" and error.absolute_path and error.absolute_path[-1] == "currency":
        return _("“%(value)s” is not a currency code (ISO 4217).") % {"value": error.instance}
    if error.validator == "required":
        return _("A required field is missing: %(detail)s") % {"detail": error.message}
    if error.validator == "type":
        return _("Wrong type of value: %(detail)s") % {"detail": error.message}
    return _("Not valid OCDS: %(detail)s") % {"detail": error.message}


def check_release(release: dict, report: ImportReport) -> bool:
    ocid = release.get("ocid")
    release_id = release.get("id")
    if not isinstance(ocid, str) or not ocid.strip():
        report.error(_("The release has no “ocid”."), release=str(release_id or ""), path="ocid")
        return False
    if not isinstance(release_id, (str, int)) or str(release_id) == "":
        report.error(_("The release has no “id”."), ocid=ocid, path="id")
        return False
    if ocds.fast_validator().is_valid(release):
        return True
    valid = True
    for error in ocds.validator().iter_errors(release):
        valid = False
        report.error(_schema_message(error), ocid=ocid, release=str(release_id), path=_schema_path(error))
    return valid


def _date(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _amount(value) -> Decimal | None:
    if not isinstance(value, dict) or value.get("amount") is None:
        return None
    try:
        return Decimal(str(value["amount"])).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def import_file(path: str, *, job=None, on_progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Import one file (any OCDS shape or an XLSX spreadsheet). Returns the report; a refused file
    leaves the database as it was. ``on_progress(bytes_read, releases_read)`` is called as it reads."""
    report = ImportReport()
    converted = None
    try:
        with open(path, "rb") as raw:
            try:
                kind = ocds.detect(raw)
            except ocds.ReadError as exc:
                report.error(str(exc))
                return report
        if kind == "spreadsheet":
            converted = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
            try:
                ocds.spreadsheet_to_package(path, converted)
            except Exception as exc:  # flattentool raises many kinds for a sheet it cannot read
                report.error(_("The spreadsheet cannot be read as flattened OCDS (%(error)s).") % {"error": exc})
                return report
            path, kind = converted, "package"
        try:
            with transaction.atomic():
                _import(path, kind, report, job=job, on_progress=on_progress)
                if not report.ok:
                    raise ImportRefused
        except ImportRefused:
            report.releases_new = report.processes = 0
        return report
    finally:
        if converted:
            os.unlink(converted)


def _import(path, kind, report: ImportReport, *, job, on_progress) -> None:
    coverage = tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False)
    try:
        _read(path, kind, report, job=job, on_progress=on_progress, coverage=coverage)
    finally:
        coverage.close()
        if report.ok and report.processes:
            try:
                import ocdscardinal

                report.coverage = ocdscardinal.coverage(coverage.name)
            except Exception:  # the coverage report is a help, never a reason to refuse a file
                report.coverage = {}
        os.unlink(coverage.name)


def _read(path, kind, report: ImportReport, *, job, on_progress, coverage) -> None:
    seen: dict[tuple[str, str], str] = {}  # (ocid, id) -> hash, within this file
    batch: list[Release] = []
    pending: set[str] = set()  # processes to compile from the database at the end

    def flush():
        if not batch:
            return
        keys = {(r.ocid, r.release_id) for r in batch}
        existing = {
            (ocid, rid): digest
            for ocid, rid, digest in Release.objects.filter(
                ocid__in={ocid for ocid, _rid in keys}, release_id__in={rid for _ocid, rid in keys}
            ).values_list("ocid", "release_id", "hash")
        }
        new = []
        for release in batch:
            digest = existing.get((release.ocid, release.release_id))
            if digest is None:
                new.append(release)
            elif digest == release.hash:
                report.releases_seen += 1
            else:
                report.error(
                    _("Release %(id)s was imported before with other content: a published release never changes.")
                    % {"id": release.release_id},
                    ocid=release.ocid,
                    release=release.release_id,
                )
        if report.ok and new:
            batch_ocids = {r.ocid for r in new}
            prior = set(Release.objects.filter(ocid__in=batch_ocids).values_list("ocid", flat=True).distinct())
            bulk.insert_releases(new)
            report.releases_new += len(new)
            report.ocids.update(batch_ocids)
            # A process first seen in this batch is compiled at once from the releases in memory; one
            # with releases stored before (or in an earlier batch) is compiled at the end from the database.
            fresh: dict[str, list[dict]] = {}
            for release in new:
                if release.ocid not in prior:
                    fresh.setdefault(release.ocid, []).append(release.data)
            pending.update(batch_ocids - fresh.keys())
            for releases in fresh.values():
                releases.sort(key=lambda r: r.get("date") or "")
            report.processes += compile_processes(sorted(fresh), preloaded=fresh, coverage=coverage)
        batch.clear()

    with open(path, "rb") as raw:
        reader = ocds.CountingReader(raw)
        try:
            for release in ocds.iter_releases(reader, kind):
                report.releases_read += 1
                if on_progress is not None and report.releases_read % BATCH == 0:
                    on_progress(reader.bytes_read, report.releases_read)
                if not check_release(release, report):
                    continue
                ocid, release_id = release["ocid"], str(release["id"])
                digest = ocds.release_hash(release)
                key = (ocid, release_id)
                if ocds.is_compiled(release):
                    key = (ocid, "compiled")  # one compiled release per OCID in a file
                previous = seen.get(key)
                if previous is not None:
                    if previous != digest:
                        report.error(
                            _("The file holds this OCID twice with different content."),
                            ocid=ocid,
                            release=release_id,
                        )
                    continue
                seen[key] = digest
                batch.append(
                    Release(
                        ocid=ocid,
                        release_id=release_id,
                        date=_date(release.get("date")),
                        hash=digest,
                        data=release,
                        job=job,
                    )
                )
                if len(batch) >= BATCH:
                    flush()
        except ocds.ReadError as exc:
            report.error(str(exc))
            return
        flush()
        if on_progress is not None:
            on_progress(reader.bytes_read, report.releases_read)
    if report.releases_read == 0 and report.ok:
        report.error(_("The file holds no releases."))
    if report.ok and pending:
        report.processes += compile_processes(sorted(pending), coverage=coverage)


def compile_processes(ocids: list[str], *, preloaded: dict | None = None, coverage=None) -> int:
    """Merge the releases of each OCID (``preloaded`` in memory, else read from the database) into
    its compiled release and store the process. ``coverage``: a file collecting the compiled
    releases as JSON lines, for the field-coverage report."""
    from . import matching

    count = 0
    for start in range(0, len(ocids), BATCH):
        chunk = ocids[start : start + BATCH]
        if preloaded is not None:
            by_ocid = {ocid: preloaded[ocid] for ocid in chunk}
        else:
            by_ocid = {ocid: [] for ocid in chunk}
            for ocid, data in bulk.read_releases(chunk):
                by_ocid[ocid].append(data)
        compiled = {ocid: _compile(releases) for ocid, releases in by_ocid.items() if releases}
        parties = matching.parties_for(compiled.values())
        rows = [_process_row(ocid, data, parties) for ocid, data in compiled.items()]
        bulk.upsert_processes([row for row, _suppliers in rows], PROCESS_COLUMNS)
        ids = dict(ContractingProcess.objects.filter(ocid__in=compiled).values_list("ocid", "pk"))
        through = ContractingProcess.suppliers.through
        through.objects.filter(contractingprocess_id__in=ids.values()).delete()
        through.objects.bulk_create(
            [
                through(contractingprocess_id=ids[row.ocid], party_id=party_id)
                for row, suppliers in rows
                for party_id in suppliers
            ]
        )
        count += len(rows)
        if coverage is not None:
            for data in compiled.values():
                coverage.write(orjson.dumps(data) + b"\n")
    return count


PROCESS_COLUMNS = [
    "compiled",
    "title",
    "buyer",
    "procuring_entity",
    "method",
    "method_details",
    "status",
    "tender_value",
    "currency",
    "awarded_amount",
    "number_of_tenderers",
    "tender_start",
    "tender_end",
    "date",
    "year",
    "classification",
    "admin_unit",
    "aimag",
    "sector",
]


def _compile(releases: list[dict]) -> dict:
    """The compiled release: the latest compiled release given as such, else ocdsmerge's merge."""
    plain = [r for r in releases if not ocds.is_compiled(r)]
    if not plain:
        return max(releases, key=lambda r: r.get("date") or "")
    return ocds.compile_releases(plain)


def _process_row(ocid: str, data: dict, parties) -> tuple[ContractingProcess, list[int]]:
    tender = data.get("tender") if isinstance(data.get("tender"), dict) else {}
    buyer = parties.party(data, data.get("buyer"), "buyer")
    entity = parties.party(data, tender.get("procuringEntity"), "procuringEntity")
    awards = [a for a in data.get("awards") or [] if isinstance(a, dict)]
    final = [a for a in awards if a.get("status") in (None, "active")]
    suppliers = []
    for award in final:
        for supplier in award.get("suppliers") or []:
            party = parties.party(data, supplier, "supplier")
            if party is not None and party.pk not in suppliers:
                suppliers.append(party.pk)
    awarded = [_amount(a.get("value")) for a in final]
    awarded = [a for a in awarded if a is not None]
    tenderers = tender.get("numberOfTenderers")
    if not isinstance(tenderers, int):
        details = (data.get("bids") or {}).get("details") if isinstance(data.get("bids"), dict) else None
        tenderers = len(details) if isinstance(details, list) else None
    items = tender.get("items") or []
    classification = ""
    if items and isinstance(items[0], dict) and isinstance(items[0].get("classification"), dict):
        classification = str(items[0]["classification"].get("id") or "")[:64]
    date = _date(data.get("date"))
    period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
    where = (buyer or entity).place() if (buyer or entity) else (None, None, None)
    value = tender.get("value") if isinstance(tender.get("value"), dict) else {}
    status = tender.get("status") if tender.get("status") in ContractingProcess.Status.values else ""
    method = tender.get("procurementMethod")
    currency = value.get("currency") or next(
        (a["value"].get("currency") for a in final if isinstance(a.get("value"), dict)), ""
    )
    year = _date(period.get("startDate")) or date
    row = ContractingProcess(
        ocid=ocid,
        compiled=data,
        title=str(tender.get("title") or "")[:500],
        buyer=buyer,
        procuring_entity=entity,
        method=method if method in ContractingProcess.Method.values else "",
        method_details=str(tender.get("procurementMethodDetails") or "")[:255],
        status=status,
        tender_value=_amount(value),
        currency=currency[:3],
        awarded_amount=sum(awarded, Decimal(0)) if awarded else None,
        number_of_tenderers=tenderers,
        tender_start=_date(period.get("startDate")),
        tender_end=_date(period.get("endDate")),
        date=date,
        year=year.year if year else None,
        classification=classification,
        admin_unit_id=where[0],
        aimag_id=where[1],
        sector_id=where[2],
    )
    return row, suppliers
