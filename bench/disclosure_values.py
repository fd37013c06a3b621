"""Facility data at scale on PostgreSQL: importing a 100 000-row values file, and the facility's
figures page with five years of values.

``python -m bench.disclosure_values`` creates a fresh database (``iltod_bench_disclosure``),
migrates it (which seeds the indicator catalogue), writes ``--facilities`` schools (default
20 000) over 20 soums of one aimag, and a CSV file of five years × four indicators for the first
``--file-facilities`` of them (default 5 000: 100 000 rows). Then, in the same run:

(a) the baseline: reading the file with ``iltod.lib.tabular.read_rows`` and inserting one bare
    row per line with ``bulk_create`` (no checks, no history, no ratios, no medians), then deleting them;
(a') the other schools' five years of values (and their ratios) written straight in SQL, so
    that the import and the pages meet a table of 20 000 schools' values;
(b) the import: ``manage.py import_facility_values FILE`` as an operator runs it (every row
    checked, the ratios computed, the history written, the medians refreshed), timed end to end;
(c) the import again with every tenth value changed (the upsert path);
(d) the facility's figures page (``/disclosure/facilities/<code>/data/``), rendered for
    ``--pages`` schools, twice each (the first warms), and its p50/p95.

It prints and writes to ``var/bench/disclosure_values.json`` the figures and the targets: the
import < 60 s, the page p95 < 100 ms. The database is dropped at the end unless ``--keep``.

Environment: ``BENCH_PG`` (server, default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_DISCLOSURE_DB``.
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
DATABASE = os.environ.get("BENCH_DISCLOSURE_DB", "iltod_bench_disclosure")
OUTPUT = ROOT / "var" / "bench" / "disclosure_values.json"
INDICATORS = ("pupils", "teachers", "classrooms", "textbooks")
YEARS = ("2021", "2022", "2023", "2024", "2025")
TARGET_IMPORT_S = 60
TARGET_PAGE_P95_MS = 100


def log(message: str) -> None:
    print(f"[bench.disclosure_values] {message}", file=sys.stderr, flush=True)


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


def seed_facilities(count: int) -> list[str]:
    """``count`` general schools over 20 soums of one aimag; returns their public codes."""
    from iltod.core.testing import ensure_migration_data
    from iltod.places.models import AdminUnit, Sector, ServiceUnit, new_public_code

    ensure_migration_data()
    country, _ = AdminUnit.objects.get_or_create(code="MN", defaults={"level": "country", "name": "Монгол Улс"})
    aimag, _ = AdminUnit.objects.get_or_create(
        code="65", defaults={"level": "aimag", "name": "Архангай", "parent": country}
    )
    soums = [
        AdminUnit.objects.get_or_create(
            code=f"65{n:02d}", defaults={"level": "soum", "name": f"Сум {n}", "parent": aimag}
        )[0]
        for n in range(1, 21)
    ]
    education = Sector.objects.get(code="education")
    ServiceUnit.objects.bulk_create(
        [
            ServiceUnit(
                code=new_public_code(),
                name=f"{soums[n % 20].name} сумын {n + 1}-р сургууль",
                name_mn=f"{soums[n % 20].name} сумын {n + 1}-р сургууль",
                kind="general_school",
                sector=education,
                admin_unit=soums[n % 20],
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    return list(ServiceUnit.objects.order_by("pk").values_list("code", flat=True))


def write_file(path: Path, codes: list[str], *, change_every: int = 0) -> int:
    """The values file: per school, year and indicator one row. ``change_every``: every n-th value differs."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["facility_code", "indicator", "period", "value"])
        for number, code in enumerate(codes):
            for year in YEARS:
                pupils = 200 + number % 400 + int(year[-1]) * 3
                values = {"pupils": pupils, "teachers": 10 + number % 25, "classrooms": 8 + number % 12,
                          "textbooks": pupils * 3}  # fmt: skip
                for indicator in INDICATORS:
                    rows += 1
                    value = values[indicator]
                    if change_every and rows % change_every == 0:
                        value += 1
                    writer.writerow([code, indicator, year, value])
    return rows


def seed_other_values(codes: list[str]) -> int:
    """Five years of the four indicators and their two ratios for the schools outside the file,
    written in the database itself (no history: the values an earlier import left)."""
    from django.db import connection

    from iltod.disclosure.models import FacilityIndicator

    if not codes:
        return 0
    ids = dict(FacilityIndicator.objects.values_list("code", "pk"))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH school AS (SELECT id, id %% 400 AS n FROM places_serviceunit WHERE code = ANY(%(codes)s)),
            figures AS (
                SELECT s.id, y.year, 200 + s.n + (y.year %% 10) * 3 AS pupils, 10 + s.n %% 25 AS teachers,
                       8 + s.n %% 12 AS classrooms
                FROM school s CROSS JOIN unnest(%(years)s::int[]) AS y(year)
            ),
            cells AS (
                SELECT id, year, %(pupils)s AS indicator, pupils::numeric AS value FROM figures
                UNION ALL SELECT id, year, %(teachers)s, teachers FROM figures
                UNION ALL SELECT id, year, %(classrooms)s, classrooms FROM figures
                UNION ALL SELECT id, year, %(textbooks)s, pupils * 3 FROM figures
                UNION ALL SELECT id, year, %(per_teacher)s, round(pupils::numeric / teachers, 4) FROM figures
                UNION ALL SELECT id, year, %(per_pupil)s, 3 FROM figures
            )
            INSERT INTO disclosure_facilityvalue (code, facility_id, indicator_id, period, period_start, value,
                status, confirmations, open_disputes, published_at, updated_at)
            SELECT upper(substr(md5(id || '-' || indicator || '-' || year), 1, 12)), id, indicator, year::text,
                   make_date(year, 1, 1), value, 'published', 0, 0, now(), now()
            FROM cells
            """,
            {
                "codes": codes,
                "years": [int(year) for year in YEARS],
                "pupils": ids["pupils"],
                "teachers": ids["teachers"],
                "classrooms": ids["classrooms"],
                "textbooks": ids["textbooks"],
                "per_teacher": ids["pupils_per_teacher"],
                "per_pupil": ids["textbooks_per_pupil"],
            },
        )
        return cursor.rowcount


def baseline(path: Path) -> float:
    """Read the file and insert one bare row per line, then delete them: the floor of any import."""
    from iltod.disclosure.models import FacilityIndicator, FacilityValue
    from iltod.disclosure.models.facility_data import parse_period
    from iltod.lib.tabular import read_rows
    from iltod.places.models import ServiceUnit

    started = time.perf_counter()
    rows = read_rows(str(path))
    facilities = dict(ServiceUnit.objects.values_list("code", "pk"))
    indicators = dict(FacilityIndicator.objects.values_list("code", "pk"))
    FacilityValue.objects.bulk_create(
        [
            FacilityValue(
                facility_id=facilities[row.values["facility_code"]],
                indicator_id=indicators[row.values["indicator"]],
                period=row.values["period"],
                period_start=parse_period(row.values["period"])[0],
                value=row.values["value"],
            )
            for row in rows
        ],
        batch_size=2000,
    )
    elapsed = time.perf_counter() - started
    FacilityValue.objects.all().delete()
    return elapsed


def import_file(path: Path) -> float:
    """``manage.py import_facility_values FILE`` in a process of its own, as an operator runs it."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - this interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), "import_facility_values", str(path), "--no-progress"],
        check=False,  # the error is raised below, with the command's own message
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"import_facility_values failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def measure_pages(codes: list[str], pages: int) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.db import connection
    from django.test import RequestFactory

    from iltod.disclosure.views.facility_data import facility_data

    from .measure import percentile

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    factory = RequestFactory()
    step = max(1, len(codes) // pages)
    times = []
    for code in codes[::step][:pages]:
        for attempt in range(2):
            request = factory.get(f"/disclosure/facilities/{code}/data/")
            request.user, request.session = AnonymousUser(), SessionStore()
            started = time.perf_counter()
            response = facility_data(request, code)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200
            if attempt:
                times.append(elapsed * 1000)
    times.sort()
    return {
        "page_p50_ms": round(statistics.median(times), 2),
        "page_p95_ms": round(percentile(times, 95), 2),
        "pages": len(times),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=20_000)
    parser.add_argument("--file-facilities", type=int, default=5_000, help="the schools in the file")
    parser.add_argument("--pages", type=int, default=200)
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

    path = ROOT / "var" / "bench" / "disclosure_values.csv"
    changed = ROOT / "var" / "bench" / "disclosure_values_changed.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        call_command("migrate", verbosity=0, interactive=False)
        codes = seed_facilities(args.facilities)
        in_file = codes[: args.file_facilities]
        rows = write_file(path, in_file)
        write_file(changed, in_file, change_every=10)
        log(f"{len(codes)} facilities, {rows} rows; baseline")
        base = baseline(path)
        seeded = seed_other_values(codes[args.file_facilities :])
        log(f"baseline {base:.1f} s; {seeded} values of the other schools; import")
        first = import_file(path)
        log(f"import {first:.1f} s; import with every tenth value changed")
        again = import_file(changed)
        log(f"upsert {again:.1f} s; facility pages")
        pages = measure_pages(codes, args.pages)
        from iltod.disclosure.models import FacilityValue, FacilityValueChange

        result = {
            "facilities": len(codes),
            "facilities_in_file": len(in_file),
            "rows": rows,
            "values": FacilityValue.objects.count(),
            "history_rows": FacilityValueChange.objects.count(),
            "baseline_bulk_insert_s": round(base, 2),
            "import_s": round(first, 2),
            "upsert_s": round(again, 2),
            "import_over_baseline": round(first / base, 2) if base else None,
            "target_import_s": TARGET_IMPORT_S,
            "target_page_p95_ms": TARGET_PAGE_P95_MS,
            **pages,
        }
        result["passed"] = result["import_s"] < TARGET_IMPORT_S and result["page_p95_ms"] < TARGET_PAGE_P95_MS
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
