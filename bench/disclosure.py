"""Disclosure compliance at national scale on PostgreSQL: the compliance pages with 20 000 bodies
and five years of schedules.

``python -m bench.disclosure`` creates a fresh database (``iltod_bench_compliance``), migrates it,
writes ``--bodies`` public bodies (default 20 000) over 21 aimags and their soums, three
requirements (monthly, quarterly, yearly: 85 items per body over five years, 1.7 million
disclosures by default, written with one ``INSERT … SELECT``: the schedule job's rows without its
Python loop) with about 70 % on time, 15 % late and 15 % missing, and counts the summary
(``refresh_summary``, timed). Then, in the same run:

(a) the baseline: the national figures by aimag counted straight from the disclosures (what a page
    without the summary would do), ``--repeat`` times;
(b) the national page (``/disclosure/compliance/``), every aimag's page, ``--pages`` bodies' pages
    and every sector's page, rendered twice each (the first warms), and their p50/p95;
(c) one body's recount after a publication (``refresh_summary([body])``), the write path.

It prints and writes to ``var/bench/disclosure.json`` the figures and the target: every page's
p95 < 100 ms. The database is dropped at the end unless ``--keep``.

Environment: ``BENCH_PG`` (server, default ``postgres://postgres@127.0.0.1:5432``),
``BENCH_COMPLIANCE_DB``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_COMPLIANCE_DB", "iltod_bench_compliance")
OUTPUT = ROOT / "var" / "bench" / "disclosure.json"
TARGET_PAGE_P95_MS = 100
AIMAGS = 21
SOUMS_PER_AIMAG = 15
YEARS = 5


def log(message: str) -> None:
    print(f"[bench.disclosure] {message}", file=sys.stderr, flush=True)


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


def seed(bodies: int, today: date) -> dict:
    """The geography, the bodies, the requirements and their schedules, with their statuses."""
    from django.db import connection

    from iltod.core.testing import ensure_migration_data
    from iltod.disclosure.models import Disclosure, DisclosureRequirement
    from iltod.organizations.models import Organization
    from iltod.places.models import AdminUnit, Sector, new_public_code

    ensure_migration_data()
    country, _ = AdminUnit.objects.get_or_create(code="MN", defaults={"level": "country", "name": "Монгол Улс"})
    soums = []
    for a in range(AIMAGS):
        aimag = AdminUnit.objects.create(code=f"{40 + a}", level="aimag", name=f"Аймаг {a + 1}", parent=country)
        soums += AdminUnit.objects.bulk_create(
            [
                AdminUnit(code=f"{40 + a}{s:02d}", level="soum", name=f"Сум {a + 1}-{s}", parent=aimag)
                for s in range(1, SOUMS_PER_AIMAG + 1)
            ]
        )
    kinds = ["service_provider"] * 8 + ["governors_office", "education_department", "health_department"]
    Organization.objects.bulk_create(
        [
            Organization(
                code=new_public_code(),
                kind=kinds[n % len(kinds)],
                name=f"Байгууллага {n + 1}",
                name_mn=f"Байгууллага {n + 1}",
                home_unit=soums[n % len(soums)],
            )
            for n in range(bodies)
        ],
        batch_size=2000,
    )
    start = date(today.year - YEARS + 1, 1, 1)
    requirements = [
        DisclosureRequirement.objects.create(
            code=code, title=code, title_mn=code, frequency=frequency, deadline_days=10, starts_on=start
        )
        for code, frequency in (("monthly", "monthly"), ("quarterly", "quarterly"), ("yearly", "yearly"))
    ]
    sectors = list(Sector.objects.order_by("pk").values_list("pk", flat=True))
    steps = {"monthly": 1, "quarterly": 3, "yearly": 12}
    indexes = Disclosure._meta.indexes  # dropped while loading, built once after: a bulk load's usual order
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(Disclosure, index)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        for requirement in requirements:
            step = steps[requirement.frequency]
            # One row per body and period since ``start``, as generate_schedule writes them; the
            # status from a hash of the row: about 70 % on time, 15 % late, 15 % missing.
            log(f"schedule of {requirement.code}")
            cursor.execute(
                f"""
                INSERT INTO disclosure_disclosure (code, requirement_id, organization_id, aimag_id, sector_id,
                    period_start, period_end, due_on, status, event_description, published_at, document,
                    document_type, dataset_code, dataset_period, note, explanation, created_at)
                SELECT upper(substr(md5(o.id::text || '-' || p.start::text || '-' || %(req)s), 1, 12)),
                       %(req)s, o.id, s.parent_id, (ARRAY{sectors})[1 + o.id %% {len(sectors)}],
                       p.start, (p.start + interval '{step} month' - interval '1 day')::date,
                       (p.start + interval '{step} month' + interval '9 day')::date,
                       CASE WHEN (p.start + interval '{step} month' + interval '9 day')::date >= %(today)s THEN 'due'
                            WHEN abs(hashtext(o.id::text || p.start::text)) %% 100 < 70 THEN 'on_time'
                            WHEN abs(hashtext(o.id::text || p.start::text)) %% 100 < 85 THEN 'late'
                            ELSE 'missing' END,
                       '', NULL, '', '', '', '', '', '', now()
                FROM organizations_organization o
                JOIN places_adminunit s ON s.id = o.home_unit_id
                CROSS JOIN generate_series(%(start)s::date, %(today)s::date, interval '{step} month') AS p(start)
                """,  # noqa: S608 - integers and a literal list of ids, no user input
                {"req": requirement.pk, "start": start, "today": today},
            )
        cursor.execute(
            "UPDATE disclosure_disclosure SET published_at = due_on + interval '10 hour' "
            "WHERE status IN ('on_time', 'late')"
        )
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.add_index(Disclosure, index)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"disclosures": Disclosure.objects.count(), "requirements": len(requirements)}


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def baseline_national(year: int):
    """The national page's figures by aimag counted from the disclosures, without the summary."""
    from django.db.models import Count, Q

    from iltod.disclosure.models import Disclosure

    Status = Disclosure.Status
    return list(
        Disclosure.objects.filter(due_on__gte=date(year, 1, 1), due_on__lt=date(year + 1, 1, 1))
        .values("aimag_id")
        .annotate(
            on_time=Count("pk", filter=Q(status=Status.ON_TIME)),
            late=Count("pk", filter=Q(status=Status.LATE)),
            missing=Count("pk", filter=Q(status=Status.MISSING)),
        )
        .order_by()
    )


def measure_pages(pages: int) -> dict:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.cache import SessionStore
    from django.test import RequestFactory

    from iltod.disclosure.views import obligations as views
    from iltod.organizations.models import Organization
    from iltod.places.models import AdminUnit, Sector

    from .measure import percentile

    factory = RequestFactory()

    def render(view, path, *args):
        times = []
        for attempt in range(2):
            request = factory.get(path)
            request.user, request.session = AnonymousUser(), SessionStore()
            started = time.perf_counter()
            response = view(request, *args)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, path
            if attempt:
                times.append(elapsed)
        return times

    codes = list(Organization.objects.order_by("pk").values_list("code", flat=True))
    step = max(1, len(codes) // pages)
    groups = {
        "national": render(views.compliance, "/disclosure/compliance/"),
        "aimag": [t for code in AdminUnit.objects.filter(level="aimag").values_list("code", flat=True)
                  for t in render(views.compliance_area, f"/disclosure/compliance/areas/{code}/", code)],
        "body": [t for code in codes[::step][:pages]
                 for t in render(views.compliance_body, f"/disclosure/compliance/bodies/{code}/", code)],
        "sector": [t for code in Sector.objects.values_list("code", flat=True)
                   for t in render(views.compliance_sector, f"/disclosure/compliance/sectors/{code}/", code)],
    }  # fmt: skip
    for _ in range(9):  # the national page is one page: render it ten times in all
        groups["national"] += render(views.compliance, "/disclosure/compliance/")
    result = {}
    for name, times in groups.items():
        times.sort()
        result[f"{name}_pages"] = len(times)
        result[f"{name}_p50_ms"] = round(statistics.median(times), 2)
        result[f"{name}_p95_ms"] = round(percentile(times, 95), 2)
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=10)
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
    from django.utils import timezone

    try:
        call_command("migrate", verbosity=0, interactive=False)
        today = timezone.localdate()
        counts = seed(args.bodies, today)
        log(f"{args.bodies} bodies, {counts['disclosures']} disclosures; the summary")
        from iltod.disclosure.models import ComplianceSummary, Disclosure
        from iltod.disclosure.services import obligations as services

        started = time.perf_counter()
        services.refresh_summary()
        summary_s = time.perf_counter() - started
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"summary {summary_s:.1f} s; baseline")
        base = sorted(timed(lambda: baseline_national(today.year), args.repeat))
        log("pages")
        pages = measure_pages(args.pages)
        body = Disclosure.objects.order_by("pk").values_list("organization_id", flat=True).first()
        recount = sorted(timed(lambda: services.refresh_summary([body]), args.repeat))
        from .measure import percentile

        result = {
            "bodies": args.bodies,
            **counts,
            "summary_rows": ComplianceSummary.objects.count(),
            "summary_full_refresh_s": round(summary_s, 2),
            "baseline_national_from_disclosures_p50_ms": round(statistics.median(base), 2),
            "baseline_national_from_disclosures_p95_ms": round(percentile(base, 95), 2),
            **pages,
            "body_recount_p50_ms": round(statistics.median(recount), 2),
            "target_page_p95_ms": TARGET_PAGE_P95_MS,
        }
        result["passed"] = all(
            result[f"{name}_p95_ms"] < TARGET_PAGE_P95_MS for name in ("national", "aimag", "body", "sector")
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
