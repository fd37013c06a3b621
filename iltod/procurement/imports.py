"""Importing an OCDS file: stream its releases, store the new ones, compile each touched process.

One transaction per file: a file with a single bad release (broken JSON, not OCDS, invalid against
the schema, an unknown currency, a release id seen before with other content) is refused whole, with
a report per OCID and path, and nothing of it is stored. A release id seen before with the same
content changes nothing, so importing the same file twice is harmless.

Speed: releases are written with ``bulk_create`` in batches, compiled per batch of OCIDs with one
query for their releases, and processes are upserted with ``bulk_create(update_conflicts=True)``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

import orjson
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import bulk, matching, ocds
from .models import ContractingProcess, Party

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
    coverage = Coverage()
    bulk.faster_compression()
    writer = bulk.Writer(threaded=bulk.on_postgresql())
    try:
        _read(path, kind, report, job=job, on_progress=on_progress, coverage=coverage, writer=writer)
        if report.ok and report.processes:
            report.coverage = coverage.result()  # while the writer finishes
        writer.drain()
    except BaseException:
        writer.cancel()
        raise
    finally:
        writer.close()
        coverage.discard()


class Coverage:
    """The field coverage of the compiled releases (``ocdscardinal.coverage``, which counts per
    line, so that chunks add up). The compiled releases are written to files of ``CHUNK`` lines;
    a large import hands each full file to a helper process, which counts it while the import goes
    on (the count holds the interpreter's lock); the rest is counted here at the end. The coverage
    report is a help, never a reason to refuse a file: if it cannot be made, it is empty."""

    CHUNK = 2000
    HELPER = (
        "import json, sys\n"
        "import ocdscardinal\n"
        "total = {}\n"
        "for line in sys.stdin:\n"
        "    for key, count in ocdscardinal.coverage(line.rstrip('\\n')).items():\n"
        "        total[key] = total.get(key, 0) + count\n"
        "print(json.dumps(total))\n"
    )

    def __init__(self):
        self.file = None
        self.lines = 0
        self.paths: list[str] = []  # every file made, removed at the end
        self.helper: subprocess.Popen | None = None
        self.failed = False

    def write(self, text: bytes) -> None:
        if self.file is None:
            self.file = tempfile.NamedTemporaryFile("wb", suffix=".jsonl", delete=False)  # closed when full
            self.paths.append(self.file.name)
            self.lines = 0
        self.file.write(text)
        self.file.write(b"\n")
        self.lines += 1
        if self.lines >= self.CHUNK and not self.failed:
            self.file.close()
            path, self.file = self.file.name, None
            try:
                if self.helper is None:
                    self.helper = subprocess.Popen(  # noqa: S603 - this interpreter, fixed code, files it made
                        [sys.executable, "-c", self.HELPER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
                    )
                self.helper.stdin.write(path + "\n")
                self.helper.stdin.flush()
            except OSError:
                self.failed = True

    def result(self) -> dict:
        total: dict[str, int] = {}
        try:
            if self.file is not None:
                import ocdscardinal

                self.file.close()
                total = ocdscardinal.coverage(self.file.name)
            if self.helper is not None:
                out, _err = self.helper.communicate(timeout=600)
                if self.helper.returncode != 0:
                    self.failed = True
                else:
                    for key, count in orjson.loads(out).items():
                        total[key] = total.get(key, 0) + count
        except Exception:  # see the docstring
            self.failed = True
        self.discard()
        return {} if self.failed else total

    def discard(self) -> None:
        if self.helper is not None:
            if self.helper.poll() is None and self.helper.stdin and not self.helper.stdin.closed:
                self.helper.kill()
            self.helper.communicate()
            self.helper = None
        if self.file is not None:
            self.file.close()
            self.file = None
        for path in self.paths:
            if os.path.exists(path):
                os.unlink(path)
        self.paths = []


def _read(path, kind, report: ImportReport, *, job, on_progress, coverage, writer) -> None:
    seen: dict[tuple[str, str], str] = {}  # (ocid, id) -> hash, within this file
    batch: list[tuple] = []  # (ocid, release id, date, hash, release, release as JSON text)
    pending: set[str] = set()  # processes to compile from the database at the end
    parties = PartyCache()
    job_id = job.pk if job is not None else None

    def flush():
        if not batch:
            return
        ocids = {row[0] for row in batch}
        with writer.exclusive():
            stored = bulk.stored_releases(ocids)
        # Processes with releases stored before, or in this file's earlier batches (which the
        # writer may not have written yet).
        prior = {ocid for ocid, _rid in stored} | (ocids & report.ocids)
        new = []
        for row in batch:
            ocid, release_id, digest = row[0], row[1], row[3]
            previous = stored.get((ocid, release_id))
            if previous is None:
                new.append(row)
            elif previous == digest:
                report.releases_seen += 1
            else:
                report.error(
                    _("Release %(id)s was imported before with other content: a published release never changes.")
                    % {"id": release_id},
                    ocid=ocid,
                    release=release_id,
                )
        if report.ok and new:
            batch_ocids = {row[0] for row in new}
            bulk.insert_releases(writer, new, job_id)
            report.releases_new += len(new)
            report.ocids.update(batch_ocids)
            # A process first seen in this batch is compiled at once from the releases in memory; one
            # with releases stored before (or in an earlier batch) is compiled at the end from the database.
            fresh: dict[str, list[dict]] = {}
            texts: dict[str, str] = {}  # the JSON of a process's one release
            for row in new:
                if row[0] not in prior:
                    fresh.setdefault(row[0], []).append(row[4])
                    texts[row[0]] = row[5]
            pending.update(batch_ocids - fresh.keys())
            for ocid, releases in fresh.items():
                if len(releases) > 1:
                    releases.sort(key=lambda r: r.get("date") or "")
                    del texts[ocid]
            report.processes += compile_processes(
                list(fresh), preloaded=fresh, texts=texts, coverage=coverage, parties=parties, writer=writer
            )
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
                text = orjson.dumps(release, option=orjson.OPT_SORT_KEYS)
                digest = hashlib.sha256(text).hexdigest()  # ocds.release_hash, from the text made once
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
                batch.append((ocid, release_id, _date(release.get("date")), digest, release, text.decode()))
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
        writer.drain()  # the releases of the processes to compile are read back
        report.processes += compile_processes(sorted(pending), coverage=coverage, parties=parties, writer=writer)


class PartyCache:
    """The parties an import has met, by identity (scheme, identifier): their id and where they
    spend (area, aimag, sector). Parties new to Iltod are stored and matched once, per batch."""

    def __init__(self):
        self.known: dict[tuple[str, str], tuple[int, tuple]] = {}
        self.places = matching.Places()

    def add(self, compiled_releases) -> None:
        wanted: dict[tuple[str, str], str] = {}
        for data in compiled_releases:
            for ref in _references(data):
                found = matching.identity(data, ref)
                if found and found[:2] not in self.known:
                    wanted.setdefault(found[:2], found[2])
        if not wanted:
            return
        codes = bulk.new_codes(len(wanted))
        Party.objects.bulk_create(
            [
                Party(scheme=s, identifier=i, name=n, code=c)
                for ((s, i), n), c in zip(wanted.items(), codes, strict=True)
            ],
            ignore_conflicts=True,
        )
        stored = [
            row
            for row in Party.objects.filter(identifier__in={i for _s, i in wanted}).values_list(
                "pk", "scheme", "identifier", "organization_id", "reviewed"
            )
            if (row[1], row[2]) in wanted
        ]
        # Only a party that is linked, or that may match an organisation or facility, needs more.
        unlinked = {row[2] for row in stored if row[3] is None and not row[4]}
        candidates = _may_match(unlinked) if unlinked else set()
        closer = [pk for pk, _s, identifier, org, _r in stored if org is not None or identifier in candidates]
        if closer:
            found = list(Party.objects.filter(pk__in=closer).select_related("organization", "facility"))
            fresh = [p for p in found if p.organization_id is None and not p.reviewed]
            if fresh:
                matching.match(fresh)
            places = {party.pk: self.places.for_party(party)() for party in found}
        else:
            places = {}
        nowhere = (None, None, None)
        for pk, scheme, identifier, _org, _reviewed in stored:
            self.known[(scheme, identifier)] = (pk, places.get(pk, nowhere))

    def get(self, data: dict, reference) -> tuple[int, tuple] | None:
        found = matching.identity(data, reference)
        return self.known.get(found[:2]) if found else None


def _may_match(identifiers: set[str]) -> set[str]:
    """The identifiers ``matching.match`` could link: an organisation's registration number or a
    facility's registry code."""
    from iltod.organizations.models import Organization
    from iltod.places.models import ServiceUnit

    found = set(
        Organization.objects.filter(registration_number__in=identifiers).values_list("registration_number", flat=True)
    )
    found.update(ServiceUnit.objects.filter(registry_code__in=identifiers).values_list("registry_code", flat=True))
    return found


def _references(data: dict) -> list:
    return matching.references(data)


def compile_processes(
    ocids: list[str],
    *,
    preloaded: dict | None = None,
    texts: dict | None = None,
    coverage: Coverage | None = None,
    parties: PartyCache | None = None,
    writer: bulk.Writer | None = None,
) -> int:
    """Merge the releases of each OCID (``preloaded`` in memory, else read from the database) into
    its compiled release and store the process. ``coverage``: a file collecting the compiled
    releases as JSON lines, for the field-coverage report. ``texts``: the JSON text of an OCID's
    one preloaded release (spares a check). ``parties``: the import's parties met so far.
    ``writer``: the import's writer (else the processes are written at once)."""
    texts = texts or {}
    writer = writer or bulk.Writer(threaded=False)
    parties = parties if parties is not None else PartyCache()
    count = 0
    for start in range(0, len(ocids), BATCH):
        chunk = ocids[start : start + BATCH]
        if preloaded is not None:
            by_ocid = {ocid: preloaded[ocid] for ocid in chunk}
        else:
            by_ocid = {ocid: [] for ocid in chunk}
            with writer.exclusive():
                for ocid, data in bulk.read_releases(chunk):
                    by_ocid[ocid].append(data)
        compiled = {ocid: _compile(releases, texts.get(ocid)) for ocid, releases in by_ocid.items() if releases}
        with writer.exclusive():
            parties.add(compiled.values())
        rows = []
        suppliers = {}
        tenderers = {}
        for ocid, data in compiled.items():
            row, suppliers[ocid] = _process_row(ocid, data, parties)
            tenderers[ocid] = _tenderer_ids(data, parties)
            text = orjson.dumps(data)
            row["compiled_text"] = text.decode()
            if coverage is not None:
                coverage.write(text)
            rows.append(row)
        bulk.store_processes(writer, rows, PROCESS_COLUMNS, suppliers, tenderers)
        count += len(rows)
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


def _compile(releases: list[dict], text: str | None = None) -> dict:
    """The compiled release: the latest compiled release given as such, else ocdsmerge's merge."""
    plain = [r for r in releases if not ocds.is_compiled(r)]
    if not plain:
        return max(releases, key=lambda r: r.get("date") or "")
    return ocds.compile_releases(plain, text=text if len(plain) == len(releases) else None)


STATUSES = frozenset(ContractingProcess.Status.values)
METHODS = frozenset(ContractingProcess.Method.values)


def _tenderer_ids(data: dict, parties: PartyCache) -> list[int]:
    """The parties that bid in the process (the tender's tenderers and every bid's)."""
    tender = data.get("tender") if isinstance(data.get("tender"), dict) else {}
    refs = list(tender.get("tenderers") or []) if isinstance(tender.get("tenderers"), list) else []
    bids = data.get("bids") if isinstance(data.get("bids"), dict) else {}
    for bid in bids.get("details") if isinstance(bids.get("details"), list) else []:
        if isinstance(bid, dict) and isinstance(bid.get("tenderers"), list):
            refs.extend(bid["tenderers"])
    found: list[int] = []
    for ref in refs:
        party = parties.get(data, ref)
        if party is not None and party[0] not in found:
            found.append(party[0])
    return found


def _process_row(ocid: str, data: dict, parties: PartyCache) -> tuple[dict, list[int]]:
    """The process's columns (by attribute name) from its compiled release, and its suppliers."""
    tender = data.get("tender") if isinstance(data.get("tender"), dict) else {}
    buyer = parties.get(data, data.get("buyer"))
    entity = parties.get(data, tender.get("procuringEntity"))
    awards = [a for a in data.get("awards") or [] if isinstance(a, dict)]
    final = [a for a in awards if a.get("status") in (None, "active")]
    suppliers = []
    for award in final:
        for supplier in award.get("suppliers") or []:
            party = parties.get(data, supplier)
            if party is not None and party[0] not in suppliers:
                suppliers.append(party[0])
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
    where = (buyer or entity)[1] if (buyer or entity) else (None, None, None)
    value = tender.get("value") if isinstance(tender.get("value"), dict) else {}
    status = tender.get("status") if tender.get("status") in STATUSES else ""
    method = tender.get("procurementMethod")
    currency = value.get("currency") or next(
        (a["value"].get("currency") for a in final if isinstance(a.get("value"), dict)), ""
    )
    tender_start = _date(period.get("startDate"))
    year = tender_start or date
    row = {
        "ocid": ocid,
        "compiled": data,
        "title": str(tender.get("title") or "")[:500],
        "buyer_id": buyer[0] if buyer else None,
        "procuring_entity_id": entity[0] if entity else None,
        "method": method if method in METHODS else "",
        "method_details": str(tender.get("procurementMethodDetails") or "")[:255],
        "status": status,
        "tender_value": _amount(value),
        "currency": currency[:3],
        "awarded_amount": sum(awarded, Decimal(0)) if awarded else None,
        "number_of_tenderers": tenderers,
        "tender_start": tender_start,
        "tender_end": _date(period.get("endDate")),
        "date": date,
        "year": year.year if year else None,
        "classification": classification,
        "admin_unit_id": where[0],
        "aimag_id": where[1],
        "sector_id": where[2],
    }
    return row, suppliers
