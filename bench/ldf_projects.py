"""Local Development Fund projects at scale on PostgreSQL: importing a projects file, and the
project list of a soum and a project's page.

``python -m bench.ldf_projects`` creates a fresh database (``iltod_bench_ldf``), migrates it,
writes one aimag of ``--soums`` soums (default 100) and a CSV file of ``--projects`` projects
(default 20 000) spread over them. Then, in the same run:

(a) the baseline: reading the file with ``iltod.lib.tabular.read_rows`` and inserting one bare
    project per line with ``bulk_create`` (no checks, no upsert), then deleting them;
(b) the import: ``iltod.disclosure.services.projects.import_projects`` as the management of a
    governor's office runs it (every row through its form, areas and contractors looked up, the
    upsert by external id), timed end to end;
(c) the import again with every tenth project's progress changed (the upsert path);
(d) the project list of a soum (``/disclosure/projects/?area=<code>``) and a project's page,
    rendered for ``--pages`` soums and projects, twice each (the first warms), and their p50/p95.

It prints and writes to ``var/bench/ldf_projects.json`` the figures and the targets: the import
< 60 s, the pages' p95 < 100 ms. The database is dropped at the end unless ``--keep``.

Environment: ``BENCH_PG`` (server, default ``postgres://postgres@127.0.0.1:5432``), ``BENCH_LDF_DB``.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_LDF_DB", "iltod_bench_ldf")
OUTPUT = ROOT / "var" / "bench" / "ldf_projects.json"
TARGET_IMPORT_S = 60
TARGET_PAGE_P95_MS = 100
COLUMNS = ["external_id", "area", "fiscal_year", "title_mn", "category", "amount_approved", "status", "progress"]


def log(message: str) -> None:
    print(f"[bench.ldf_projects] {message}", file=sys.stderr, flush=True)


def _prepare_environment(database_url: str) -> None:
    for name in [n for n in os.environ if n.startswith("DJANGO_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="iltod.settings",
        DJANGO_ENV="development",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )


def _psql(sql: str) -> None:
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{PG}/postgres", "-c", sql]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - psql from PATH, as bench.run calls it


def seed_soums(count: int) -> list[str]:
    from iltod.core.testing import ensure_migration_data
    from iltod.places.models import AdminUnit

    ensure_migration_data()
    country, _ = AdminUnit.objects.get_or_create(code="MN", defaults={"level": "country", "name": "Монгол Улс"})
    aimag, _ = AdminUnit.objects.get_or_create(
        code="65", defaults={"level": "aimag", "name": "Архангай", "parent": country}
    )
    AdminUnit.objects.bulk_create(
        [AdminUnit(code=f"65{n:03d}", level="soum", name=f"Сум {n}", parent=aimag) for n in range(count)]
    )
    return list(AdminUnit.objects.filter(level="soum").order_by("code").values_list("code", flat=True))


def write_file(path: Path, soums: list[str], count: int, *, change_every: int = 0) -> int:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number in range(count):
            progress = 10 + number % 80
            if change_every and number % change_every == 0:
                progress += 5
            writer.writerow([f"LDF-{number:06d}", soums[number % len(soums)], 2025, f"Төсөл {number}", "water",
                             1_000_000 + number, "in_progress", progress])  # fmt: skip
    return count


def baseline(path: Path) -> float:
    from iltod.disclosure.models import LdfProject
    from iltod.lib.tabular import read_rows
    from iltod.places.models import AdminUnit

    started = time.perf_counter()
    rows = read_rows(str(path))
    areas = dict(AdminUnit.objects.values_list("code", "pk"))
    LdfProject.objects.bulk_create(
        [
            LdfProject(
                external_id=row.values["external_id"],
                admin_unit_id=areas[row.values["area"]],
                fiscal_year=int(row.values["fiscal_year"]),
                title_mn=row.values["title_mn"],
                category=row.values["category"],
                amount_approved=row.values["amount_approved"],
                status=row.values["status"],
                progress=int(row.values["progress"]),
            )
            for row in rows
        ],
        batch_size=2000,
    )
    elapsed = time.perf_counter() - started
    LdfProject.objects.all().delete()
    return elapsed


def import_file(path: Path) -> tuple[float, dict]:
    from iltod.disclosure.services.projects import import_projects
    from iltod.lib.tabular import read_rows

    started = time.perf_counter()
    report = import_projects(read_rows(str(path)), actor=None, source=str(path))
    elapsed = time.perf_counter() - started
    assert report.ok, report.errors[:5]
    return elapsed, {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}


def measure_pages(soums: list[str], pages: int) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.db import connection
    from django.test import RequestFactory

    from iltod.disclosure.models import LdfProject
    from iltod.disclosure.views.projects import project_detail, project_list

    from .measure import percentile

    if connection.vendor == "postgresql" and not connection.in_atomic_block:  # not inside a test's transaction
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    factory = RequestFactory()
    step = max(1, len(soums) // pages)
    every = list(LdfProject.objects.order_by("pk").values_list("code", flat=True))
    codes = every[:: max(1, len(every) // pages)][:pages]
    figures = {}
    for name, calls in (
        ("list", [(project_list, f"/disclosure/projects/?area={code}", ()) for code in soums[::step][:pages]]),
        ("project", [(project_detail, f"/disclosure/projects/{code}/", (code,)) for code in codes]),
    ):
        times = []
        for view, path, args in calls:
            for attempt in range(2):
                request = factory.get(path)
                request.user, request.session = AnonymousUser(), SessionStore()
                started = time.perf_counter()
                response = view(request, *args)
                elapsed = time.perf_counter() - started
                assert response.status_code == 200
                if attempt:
                    times.append(elapsed * 1000)
        times.sort()
        figures[f"{name}_p50_ms"] = round(statistics.median(times), 2)
        figures[f"{name}_p95_ms"] = round(percentile(times, 95), 2)
    return figures


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soums", type=int, default=100)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--database-url", default="", help="an existing database to use instead (tests)")
    args = parser.parse_args(argv)
    own_database = not args.database_url
    if own_database:
        _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{DATABASE}"')
    _prepare_environment(args.database_url or f"{PG}/{DATABASE}")
    import django

    django.setup()
    from django.core.management import call_command

    path = ROOT / "var" / "bench" / "ldf_projects.csv"
    changed = ROOT / "var" / "bench" / "ldf_projects_changed.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        call_command("migrate", verbosity=0, interactive=False)
        soums = seed_soums(args.soums)
        rows = write_file(path, soums, args.projects)
        write_file(changed, soums, args.projects, change_every=10)
        log(f"{len(soums)} soums, {rows} rows; baseline")
        base = baseline(path)
        log(f"baseline {base:.1f} s; import")
        first, first_counts = import_file(path)
        log(f"import {first:.1f} s; import with every tenth progress changed")
        again, again_counts = import_file(changed)
        log(f"upsert {again:.1f} s; pages")
        pages = measure_pages(soums, args.pages)
        result = {
            "soums": len(soums),
            "rows": rows,
            "baseline_bulk_insert_s": round(base, 2),
            "import_s": round(first, 2),
            "import": first_counts,
            "upsert_s": round(again, 2),
            "upsert": again_counts,
            "import_over_baseline": round(first / base, 2) if base else None,
            "target_import_s": TARGET_IMPORT_S,
            "target_page_p95_ms": TARGET_PAGE_P95_MS,
            **pages,
        }
        result["passed"] = (
            result["import_s"] < TARGET_IMPORT_S
            and result["list_p95_ms"] < TARGET_PAGE_P95_MS
            and result["project_p95_ms"] < TARGET_PAGE_P95_MS
        )
    finally:
        from django.db import connections

        connections.close_all()
        if own_database and not args.keep:
            _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
