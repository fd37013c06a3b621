"""OCDS import into PostgreSQL, against merely parsing the same file.

``python -m bench.procurement_import`` writes a deterministic JSON-lines file of realistic releases
(the generator of ``bench.procurement_flags``: Mongolian buyers, suppliers, bids, awards and
contracts in MNT; each compiled release re-tagged as one published release), creates a fresh
database (``iltod_bench_procurement``), migrates it, and measures in the same run:

(a) the baseline: reading the file line by line and parsing each line with orjson, nothing else;
(b) the import: ``iltod.procurement.imports.import_file`` (stream, check each release against the
    vendored schema, store the new releases, compile each process with ocdsmerge, link parties,
    upsert processes), in one transaction, as the back office, the command and the API run it;
(c) the same file again: every release seen before, nothing written (idempotence).

Red flags are not recomputed here (``bench.procurement_recompute`` and ``bench.procurement_flags``
measure them). It prints and writes to ``var/bench/procurement_import.json`` the releases per second
of (b), the target (≥ 2 000/s), the ratio b/a, and the CPU seconds (b) took in this process, in its
helper processes (the field coverage) and in its PostgreSQL backend, with the load average: on a
shared machine the wall time says as much about the others' work as about the import's.
The database is dropped at the end unless ``--keep``.

Environment: ``BENCH_PG`` (server, default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_PROCUREMENT_IMPORT_DB``, ``BENCH_PROCUREMENT_IMPORT_RELEASES`` (default 20 000).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_PROCUREMENT_IMPORT_DB", "iltod_bench_procurement")
RELEASES = int(os.environ.get("BENCH_PROCUREMENT_IMPORT_RELEASES", "").replace("_", "") or 20_000)
OUTPUT = ROOT / "var" / "bench" / "procurement_import.json"
TARGET_PER_SECOND = 2_000


def log(message: str) -> None:
    print(f"[bench.procurement_import] {message}", file=sys.stderr, flush=True)


def _psql(sql: str) -> None:
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{PG}/postgres", "-c", sql]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - psql from PATH, as bench.run calls it


def generate(path: Path, count: int) -> Path:
    """One published release per process: the generator's compiled release with a release's id and
    tags (and each award's suppliers named once, as the schema requires)."""
    from bench.procurement_flags import Generator

    generator = Generator()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        for index in range(count):
            release = generator.release(index)
            release["id"] = f"{release['ocid']}-1"
            release["tag"] = ["tender", "award", "contract"]
            release.setdefault("initiationType", "tender")
            for award in release.get("awards") or []:
                # The generator may name a consortium's member twice: OCDS wants each supplier once.
                unique = {supplier["id"]: supplier for supplier in award.get("suppliers") or []}
                if "suppliers" in award:
                    award["suppliers"] = list(unique.values())
            handle.write(orjson.dumps(release) + b"\n")
    return path


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds of a local PostgreSQL backend (None if it is not on this machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parse_only(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)
    return time.perf_counter() - start


def _prepare(database_url: str) -> None:
    for name in [n for n in os.environ if n.startswith("DJANGO_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="iltod.settings",
        DJANGO_ENV="development",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )


def open_database(database_url: str | None, name: str) -> bool:
    """Whether the bench made the database itself: ``name`` is dropped and created unless the caller
    names an existing database; Django is set up on it either way."""
    own_database = not database_url
    database_url = database_url or f"{PG}/{name}"
    if own_database:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{name}"')
    _prepare(database_url)
    import django

    django.setup()
    return own_database


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--releases", type=int, default=RELEASES)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--database-url", help="use this (existing, empty) database instead of creating one")
    args = parser.parse_args(argv)

    path = ROOT / "var" / "bench" / f"procurement_import_{args.releases}.jsonl"
    if not path.exists():
        log(f"writing {args.releases} releases to {path}")
        generate(path, args.releases)
    own_database = open_database(args.database_url, DATABASE)
    from django.core.management import call_command
    from django.db import connection

    from iltod.procurement import imports
    from iltod.procurement.models import ContractingProcess, Release

    try:
        call_command("migrate", verbosity=0, interactive=False)
        baseline = min(parse_only(path) for _ in range(3))
        log(f"baseline: {baseline:.2f} s")
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        (own, children), pg_cpu, start = _cpu(), _backend_cpu(backend), time.perf_counter()
        report = imports.import_file(str(path))
        seconds = time.perf_counter() - start
        (own_after, children_after), pg_after = _cpu(), _backend_cpu(backend)
        load = [round(x, 1) for x in os.getloadavg()]
        assert report.ok, report.errors[:3]
        again_start = time.perf_counter()
        again = imports.import_file(str(path))
        again_seconds = time.perf_counter() - again_start
        stored = Release.objects.count()
        processes = ContractingProcess.objects.count()
        vendor = connection.vendor
    finally:
        from django.db import connections

        connections.close_all()
        if own_database and not args.keep:
            _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    result = {
        "database": vendor,
        "releases": args.releases,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "baseline_parse_s": round(baseline, 3),
        "import_s": round(seconds, 3),
        "releases_per_s": round(args.releases / seconds),
        "ratio_to_parse": round(seconds / baseline, 1),
        "baseline_parse_per_s": round(args.releases / baseline),
        "import_cpu_s": round(own_after - own, 3),
        "import_helper_cpu_s": round(children_after - children, 3),
        "import_pg_cpu_s": round(pg_after - pg_cpu, 3) if pg_cpu is not None and pg_after is not None else None,
        "load_average": load,
        "reimport_s": round(again_seconds, 3),
        "reimport_releases_seen": again.releases_seen,
        "stored_releases": stored,
        "processes": processes,
        "target_releases_per_s": TARGET_PER_SECOND,
        "meets_target": args.releases / seconds >= TARGET_PER_SECOND,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
