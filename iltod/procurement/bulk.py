"""Fast writes and reads for imports.

On PostgreSQL: one query for what is stored of a batch's OCIDs; new releases, processes and their
suppliers written with ``COPY`` from plain rows (JSON as the text the import already made: Django's
JSONField encodes with the standard library's json, and building model instances costs more than
the rows), read back as text for orjson. The writes run in a thread of their own (``Writer``) on
the import's connection and transaction, so that PostgreSQL stores one batch while Python reads
and compiles the next one. On SQLite (the embedded default) the ORM does the same work, in order.
"""

from __future__ import annotations

import queue
import secrets
import threading
from contextlib import contextmanager, nullcontext
from typing import Any

import msgspec
import orjson
from django.db import connection, transaction

from iltod.places.models import CODE_ALPHABET

from .models import ContractingProcess, Release


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def new_codes(count: int, length: int = 8) -> list[str]:
    """``count`` public codes as ``new_public_code`` makes them (uniform over the alphabet), from
    one draw of the system's random source instead of one per character."""
    size = len(CODE_ALPHABET)
    limit = 256 - 256 % size  # bytes at or above this would favour the first letters
    codes: list[str] = []
    while len(codes) < count:
        letters = [CODE_ALPHABET[b % size] for b in secrets.token_bytes((count - len(codes)) * length * 2) if b < limit]
        for start in range(0, len(letters) - length + 1, length):
            codes.append("".join(letters[start : start + length]))
            if len(codes) == count:
                break
    return codes


_LZ4: dict[tuple, bool] = {}  # (host, port) -> whether the server compresses with lz4


def faster_compression() -> None:
    """Compress the transaction's large JSON values with lz4 where the server has it (as fast as
    writing them uncompressed, several times faster than the default pglz; any server reads both)."""
    if not on_postgresql():
        return
    server = (connection.settings_dict.get("HOST"), connection.settings_dict.get("PORT"))
    with connection.cursor() as cursor:
        if server not in _LZ4:
            cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            found = cursor.fetchone()
            _LZ4[server] = bool(found and found[0])
        if _LZ4[server]:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")


class Writer:
    """Runs the import's writes in order, in a thread of its own, on the import's PostgreSQL
    connection (so in its transaction). The import's own queries go through ``exclusive()``, which
    waits for the write in progress, never for the queue; ``drain()`` waits for every write and
    raises the first error, so that the transaction is rolled back. ``threaded=False``: each write
    runs at once (SQLite, or a small file)."""

    def __init__(self, *, threaded: bool):
        self.error: BaseException | None = None
        self.lock = threading.Lock()
        self.thread = None
        if threaded:
            connection.ensure_connection()
            self.raw = connection.connection
            self.queue: queue.Queue = queue.Queue()
            self.thread = threading.Thread(target=self._run, name="ocds-import-writer", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        while True:
            job = self.queue.get()
            try:
                if job is None:
                    return
                if self.error is None:
                    with self.lock, self.raw.cursor() as cursor:
                        job[0](cursor, *job[1:])
            except BaseException as exc:  # handed to the import's thread by check()
                self.error = exc
            finally:
                self.queue.task_done()

    def check(self) -> None:
        if self.error is not None:
            raise self.error

    def submit(self, function, *args) -> None:
        self.check()
        if self.thread is None:
            with connection.cursor() as cursor:
                function(cursor.cursor, *args)
        else:
            self.queue.put((function, *args))

    @contextmanager
    def exclusive(self):
        self.check()
        with self.lock if self.thread is not None else nullcontext():
            yield

    def drain(self) -> None:
        if self.thread is not None:
            self.queue.join()
        self.check()

    def cancel(self) -> None:
        """The import failed: the writes still queued are skipped (the transaction rolls back)."""
        if self.error is None:
            self.error = RuntimeError("import cancelled")

    def close(self) -> None:
        """Stop the thread once its queue is done (whatever happened)."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None


def stored_releases(ocids) -> dict[tuple[str, str], str]:
    """(ocid, release id) -> hash of every release stored for these OCIDs, in one query."""
    if not on_postgresql():
        found: dict[tuple[str, str], str] = {}
        ocids = list(ocids)
        for start in range(0, len(ocids), 500):
            rows = Release.objects.filter(ocid__in=ocids[start : start + 500]).values_list("ocid", "release_id", "hash")
            found.update(((ocid, rid), digest) for ocid, rid, digest in rows)
        return found
    with connection.cursor() as cursor:
        cursor.execute("SELECT ocid, release_id, hash FROM procurement_release WHERE ocid = ANY(%s)", [list(ocids)])
        return {(ocid, rid): digest for ocid, rid, digest in cursor.fetchall()}


def insert_releases(writer: Writer, rows: list[tuple], job_id: int | None) -> None:
    """``rows``: (ocid, release id, date, hash, release as a dict, release as JSON text)."""
    if not on_postgresql():
        Release.objects.bulk_create(
            [
                Release(ocid=ocid, release_id=rid, date=date, hash=digest, data=data, job_id=job_id)
                for ocid, rid, date, digest, data, _text in rows
            ]
        )
        return
    writer.submit(_copy_releases, rows, job_id)


def _copy_releases(cursor, rows, job_id) -> None:
    with cursor.copy("COPY procurement_release (ocid, release_id, date, hash, data, job_id) FROM STDIN") as copy:
        for ocid, rid, date, digest, _data, text in rows:
            copy.write_row((ocid, rid, date, digest, text, job_id))


def read_releases(ocids: list[str]):
    """(ocid, release) of these OCIDs, oldest first."""
    if not on_postgresql():
        yield from Release.objects.filter(ocid__in=ocids).order_by("ocid", "date", "pk").values_list("ocid", "data")
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ocid, data::text FROM procurement_release WHERE ocid = ANY(%s) ORDER BY ocid, date, id",
            [list(ocids)],
        )
        for ocid, text in cursor.fetchall():
            yield ocid, orjson.loads(text)


def store_processes(
    writer: Writer,
    rows: list[dict],
    columns: list[str],
    suppliers: dict[str, list[int]],
    tenderers: dict[str, list[int]] | None = None,
) -> None:
    """Insert new processes and update the columns of those that exist (by OCID), and replace
    their suppliers and tenderers. ``rows``: the model's fields by attribute name (``compiled`` a
    dict, ``compiled_text`` the same as JSON); ``suppliers``, ``tenderers``: OCID -> party ids."""
    tenderers = tenderers or {}
    if not on_postgresql():
        attnames = [ContractingProcess._meta.get_field(name).attname for name in columns]
        ContractingProcess.objects.bulk_create(
            [ContractingProcess(ocid=row["ocid"], **{name: row[name] for name in attnames}) for row in rows],
            update_conflicts=True,
            unique_fields=["ocid"],
            update_fields=columns,
        )
        ids = dict(ContractingProcess.objects.filter(ocid__in=[row["ocid"] for row in rows]).values_list("ocid", "pk"))
        through = ContractingProcess.suppliers.through
        through.objects.filter(contractingprocess_id__in=ids.values()).delete()
        through.objects.bulk_create(
            [through(contractingprocess_id=ids[ocid], party_id=p) for ocid, found in suppliers.items() for p in found]
        )
        bidders = ContractingProcess.tenderers.through
        bidders.objects.filter(contractingprocess_id__in=ids.values()).delete()
        bidders.objects.bulk_create(
            [bidders(contractingprocess_id=ids[ocid], party_id=p) for ocid, found in tenderers.items() for p in found]
        )
        return
    names = ["ocid", "code", *columns]
    fields = [ContractingProcess._meta.get_field(name) for name in names]
    keys = [("compiled_text" if name == "compiled" else f.attname) for name, f in zip(names, fields, strict=True)]
    for row, code in zip(rows, new_codes(len(rows)), strict=True):
        row["code"] = code
    values = [[row[key] for key in keys] for row in rows]
    quote = connection.ops.quote_name
    tables = (
        quote(ContractingProcess._meta.db_table),
        quote(ContractingProcess.suppliers.through._meta.db_table),
        quote(ContractingProcess.tenderers.through._meta.db_table),
    )
    writer.submit(_copy_processes, tables, [quote(f.column) for f in fields], values, (suppliers, tenderers))


def _copy_processes(cursor, tables, quoted: list[str], values: list[list], links: tuple[dict, dict]) -> None:
    """(Runs in the writer's thread: no Django connection here.)"""
    table, through, bidders = tables
    suppliers, tenderers = links
    columns = ", ".join(quoted)
    cursor.execute(
        f"CREATE TEMP TABLE procurement_process_load ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608 - names from the model
    )
    with cursor.copy(f"COPY procurement_process_load ({columns}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
    updates = ", ".join(f"{q} = EXCLUDED.{q}" for q in quoted[2:])
    cursor.execute(
        f"INSERT INTO {table} ({columns}, updated_at) SELECT {columns}, now() FROM procurement_process_load "  # noqa: S608 - names from the model
        f"ON CONFLICT (ocid) DO UPDATE SET {updates}, updated_at = now() RETURNING ocid, id"
    )
    ids = dict(cursor.fetchall())
    cursor.execute("DROP TABLE procurement_process_load")
    cursor.execute(f"DELETE FROM {through} WHERE contractingprocess_id = ANY(%s)", [list(ids.values())])  # noqa: S608
    cursor.execute(f"DELETE FROM {bidders} WHERE contractingprocess_id = ANY(%s)", [list(ids.values())])  # noqa: S608
    for link_table, found_by_ocid in ((through, suppliers), (bidders, tenderers)):
        with cursor.copy(f"COPY {link_table} (contractingprocess_id, party_id) FROM STDIN") as copy:
            for ocid, found in found_by_ocid.items():
                for party in found:
                    copy.write_row((ids[ocid], party))


# --- Recomputing the red flags ------------------------------------------------------------------


class _Ref(msgspec.Struct, gc=False):
    id: Any = None


_Refs_ = list[_Ref | list | str | int | float | bool | None] | str | int | float | bool | None


class _Tender(msgspec.Struct, gc=False):
    procuringEntity: _Ref | list | str | int | float | bool | None = None  # the OCDS name
    tenderers: _Refs_ = None


class _Bid(msgspec.Struct, gc=False):
    tenderers: _Refs_ = None


class _Bids(msgspec.Struct, gc=False):
    details: list[_Bid | list | str | int | float | bool | None] | str | int | float | bool | None = None


class _Award(msgspec.Struct, gc=False):
    suppliers: _Refs_ = None


class _Refs(msgspec.Struct, gc=False):
    """The organisation references of a compiled release (``services._party_refs``), and nothing else."""

    buyer: _Ref | list | str | int | float | bool | None = None
    tender: _Tender | list | str | int | float | bool | None = None
    bids: _Bids | list | str | int | float | bool | None = None
    awards: list[_Award | list | str | int | float | bool | None] | str | int | float | bool | None = None


_refs_decoder = msgspec.json.Decoder(_Refs)


def reference_ids(line: bytes) -> list | None:
    """The ids of the organisation references in a compiled release's JSON (buyer, procuring
    entity, tenderers, every award's suppliers), read without parsing the rest; None if it cannot
    tell."""
    try:
        refs = _refs_decoder.decode(line)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    ids = []
    if type(refs.buyer) is _Ref and refs.buyer.id is not None:
        ids.append(refs.buyer.id)
    if type(refs.tender) is _Tender and type(refs.tender.procuringEntity) is _Ref:
        if refs.tender.procuringEntity.id is not None:
            ids.append(refs.tender.procuringEntity.id)
    if type(refs.tender) is _Tender and type(refs.tender.tenderers) is list:
        ids.extend(t.id for t in refs.tender.tenderers if type(t) is _Ref and t.id is not None)
    if type(refs.bids) is _Bids and type(refs.bids.details) is list:
        for bid in refs.bids.details:
            if type(bid) is _Bid and type(bid.tenderers) is list:
                ids.extend(t.id for t in bid.tenderers if type(t) is _Ref and t.id is not None)
    if type(refs.awards) is list:
        for award in refs.awards:
            if type(award) is _Award and type(award.suppliers) is list:
                ids.extend(s.id for s in award.suppliers if type(s) is _Ref and s.id is not None)
    return ids


def stored_compiled(chunk: int = 2000):
    """(id, ocid, compiled release as JSON bytes) of every stored process, read in chunks."""
    if not on_postgresql():
        for pk, ocid, data in ContractingProcess.objects.values_list("pk", "ocid", "compiled").iterator(chunk):
            yield pk, ocid, orjson.dumps(data)
        return
    with transaction.atomic(), connection.cursor() as cursor:  # a cursor lives in a transaction
        cursor.execute(
            "DECLARE procurement_compiled NO SCROLL CURSOR FOR "
            "SELECT id, ocid, compiled::text FROM procurement_contractingprocess"
        )
        while True:
            cursor.execute(f"FETCH {int(chunk)} FROM procurement_compiled")
            rows = cursor.fetchall()
            if not rows:
                break
            for pk, ocid, text in rows:
                yield pk, ocid, text.encode()
        cursor.execute("CLOSE procurement_compiled")


def replace_flags(rows: list[tuple]) -> None:
    """Every stored red flag becomes ``rows``: (scope, key, code, value, process id, party id)."""
    from .models import Flag

    Flag.objects.all().delete()
    if not on_postgresql():
        Flag.objects.bulk_create(
            [
                Flag(scope=scope, key=key, code=code, value=value, process_id=process, party_id=party)
                for scope, key, code, value, process, party in rows
            ],
            batch_size=5000,
        )
        return
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY procurement_flag (scope, key, code, value, process_id, party_id) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
