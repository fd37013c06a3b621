"""Recomputing every red flag over the stored processes, against merely reading them.

``python -m bench.procurement_recompute`` writes (or reuses) a deterministic JSON-lines file of
compiled releases (the generator of ``bench.procurement_flags``), creates a fresh database
(``iltod_bench_procurement_recompute``), migrates it and stores them as contracting processes with
their parties (``COPY``, as an import leaves them; the import itself is measured by
``bench.procurement_import``). Then, in the same run:

(a) the baseline: reading every process's compiled release from PostgreSQL and parsing it with
    orjson, nothing else (what any recomputation has to do at least);
(b) ``iltod.procurement.services.recompute_flags()``: every indicator with the default settings
    (all eleven enabled), over every stored process, the results replacing the previous ones
    (flags per process and party, the processes the flags could not check), as after an import;
(c) the same again (the previous results are replaced, not added to).

It prints and writes to ``var/bench/procurement_recompute.json`` the seconds of (b) and (a), the
target (< 30 s for 100 000 processes), the CPU seconds of this process and of its PostgreSQL
backend, and the load average. The database is dropped at the end unless ``--keep``.

Environment: ``BENCH_PG`` (server, default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_PROCUREMENT_RECOMPUTE_DB``, ``BENCH_PROCUREMENT_RECOMPUTE_PROCESSES`` (default 100 000).
"""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import orjson

from bench.procurement_import import _backend_cpu, _psql, open_database

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_PROCUREMENT_RECOMPUTE_DB", "iltod_bench_procurement_recompute")
PROCESSES = int(os.environ.get("BENCH_PROCUREMENT_RECOMPUTE_PROCESSES", "").replace("_", "") or 100_000)
OUTPUT = ROOT / "var" / "bench" / "procurement_recompute.json"
TARGET_SECONDS = 30


def log(message: str) -> None:
    print(f"[bench.procurement_recompute] {message}", file=sys.stderr, flush=True)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def store(path: Path) -> int:
    """The file's compiled releases as processes, with their parties, as an import stores them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from iltod.procurement import bulk, matching
    from iltod.procurement.services import _party_refs

    now = timezone.now()
    parties: dict[tuple[str, str], str] = {}
    rows = []
    with path.open("rb") as handle:
        for line in handle:
            data = orjson.loads(line)
            buyer = None
            for ref in _party_refs(data):
                found = matching.identity(data, ref)
                if found:
                    parties.setdefault(found[:2], found[2])
                    if ref is data.get("buyer"):
                        buyer = found[:2]
            tender = data.get("tender") or {}
            rows.append((data["ocid"], line.decode().rstrip("\n"), str(tender.get("title") or "")[:500], buyer))
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(
            "COPY procurement_party (code, scheme, identifier, name, reviewed, created_at) FROM STDIN"
        ) as copy:
            for (scheme, identifier), code in zip(parties, bulk.new_codes(len(parties)), strict=True):
                copy.write_row((code, scheme, identifier, parties[(scheme, identifier)], False, now))
        cursor.execute("SELECT scheme, identifier, id FROM procurement_party")
        party_ids = {(scheme, identifier): pk for scheme, identifier, pk in cursor.fetchall()}
        with cursor.cursor.copy(
            "COPY procurement_contractingprocess (ocid, code, compiled, title, buyer_id, method, method_details, "
            "status, currency, classification, updated_at) FROM STDIN"
        ) as copy:
            for (ocid, text, title, buyer), code in zip(rows, bulk.new_codes(len(rows)), strict=True):
                copy.write_row((ocid, code, text, title, party_ids.get(buyer), "", "", "", "", "", now))
        cursor.execute("ANALYZE procurement_contractingprocess")
    return len(rows)


def read_baseline() -> float:
    """Read every compiled release and parse it: the least a recomputation does."""
    from django.db import connection, transaction

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DECLARE bench_read NO SCROLL CURSOR FOR SELECT compiled::text FROM procurement_contractingprocess"
        )
        while True:
            cursor.execute("FETCH 2000 FROM bench_read")
            chunk = cursor.fetchall()
            if not chunk:
                break
            for (text,) in chunk:
                orjson.loads(text)
    return time.perf_counter() - start


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--processes", type=int, default=PROCESSES)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--database-url", help="use this (existing, migrated, empty) database")
    args = parser.parse_args(argv)

    path = ROOT / "var" / "bench" / f"procurement_recompute_{args.processes}.jsonl"
    if not path.exists():
        from bench.procurement_flags import generate

        log(f"writing {args.processes} compiled releases to {path}")
        generate(path, args.processes)
    own_database = open_database(args.database_url, DATABASE)
    from django.core.management import call_command
    from django.db import connection, connections

    from iltod.procurement import services
    from iltod.procurement.models import Flag, SkippedCheck

    try:
        if own_database:
            call_command("migrate", verbosity=0, interactive=False)
        log("storing the processes")
        stored = store(path)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        baseline = min(read_baseline() for _ in range(2))
        log(f"baseline: {baseline:.2f} s")
        runs = []
        for _ in range(2):
            cpu, pg_cpu, start = _cpu(), _backend_cpu(backend), time.perf_counter()
            results = services.recompute_flags()
            seconds = time.perf_counter() - start
            pg_after = _backend_cpu(backend)
            runs.append(
                {
                    "seconds": round(seconds, 3),
                    "cpu_s": round(_cpu() - cpu, 3),
                    "pg_cpu_s": round(pg_after - pg_cpu, 3) if pg_cpu is not None and pg_after is not None else None,
                    "results": results,
                }
            )
            log(f"recompute: {runs[-1]}")
        flags, skipped = Flag.objects.count(), SkippedCheck.objects.count()
    finally:
        connections.close_all()
        if own_database and not args.keep:
            _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    first = runs[0]
    result = {
        "database": "postgresql",
        "processes": stored,
        "baseline_read_parse_s": round(baseline, 3),
        "recompute_s": first["seconds"],
        "ratio_to_read": round(first["seconds"] / baseline, 1),
        "recompute_cpu_s": first["cpu_s"],
        "recompute_pg_cpu_s": first["pg_cpu_s"],
        "recompute_again_s": runs[1]["seconds"],
        "flags_stored": flags,
        "skipped_stored": skipped,
        "target_s": TARGET_SECONDS,
        "meets_target": first["seconds"] < TARGET_SECONDS,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
