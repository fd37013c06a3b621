"""Results at scale: the dashboard, ranking and aimag pages read from pre-aggregated figures, and the
time to recompute every computed actual (and the ranking) of a period.

By default it runs on the database ``make bench`` seeds (``seed_demo --feedback-rows N``: the demo,
its results framework, and ten years of bulk feedback before the current year, ``BENCH_ROWS`` in
all), ``BENCH_PG``/``BENCH_DB`` (``iltod_bench``), when that database exists and holds the bulk
items: ``make bench`` runs it before dropping the database, and ``BENCH_KEEP_DB=1`` keeps one for
later runs. The period is the framework's last full year, which holds a tenth of the bulk items.
Without such a database (or with ``--fresh``) it creates its own (``iltod_bench_results``), migrates
it, and writes 21 aimags and the capital with ``--facilities`` facilities and ``--feedback``
feedback items of one year (deadlines, resolutions and ratings from a fixed random stream) and the
example framework. It then measures:

(a) the baseline: the overview's feedback actuals counted straight from the feedback at each page
    view (every feedback metric of the framework, for the country), which is what a page would cost
    without the figures table;
(b) ``recompute`` of the period (all computed actuals, the figures of the country, every aimag and
    sector and every breakdown) and ``compute_ranking`` of the period, in one ``metrics.batch()``
    as the periodic job runs them (target < 60 s together), with the plans of the feedback
    table's queries (``EXPLAIN``);
(c) the overview, an indicator page, an aimag page and the ranking, rendered through Django's test
    client, ``--repeat`` times each (target p95 < 100 ms), as served (the cached tables warm) and
    drawn afresh (the cache emptied before each view), with the queries of each.

It prints and writes to ``var/bench/results_framework.json`` the figures in milliseconds. A database it
created is dropped at the end unless ``--keep``. Environment: ``BENCH_PG`` (server, default
``postgres://postgres@127.0.0.1:5432``), ``BENCH_DB``, ``BENCH_RESULTS_DB``, ``BENCH_RESULTS_FEEDBACK``.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "results_framework.json"  # results.json is make bench's own table
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_RESULTS_DB", "iltod_bench_results")
BENCH_DATABASE = os.environ.get("BENCH_DB", "iltod_bench")  # the database ``make bench`` seeds
FEEDBACK = int(os.environ.get("BENCH_RESULTS_FEEDBACK", "").replace("_", "") or 200_000)
TARGET_PAGE_P95_MS = 100
TARGET_RECOMPUTE_S = 60
YEAR = 2025
AIMAG_CODES = ("11", "21", "22", "23", "41", "42", "43", "44", "45", "46", "48", "61", "62", "63", "64", "65",
               "67", "81", "82", "83", "84", "85")  # fmt: skip


def log(message: str) -> None:
    print(f"[bench.results] {message}", file=sys.stderr, flush=True)


def _prepare_environment(database_url: str) -> None:
    for name in [n for n in os.environ if n.startswith("DJANGO_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="iltod.settings",
        DJANGO_ENV="development",
        DEBUG="0",
        LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="60",  # persistent connections, as make bench's server and production
    )


def _psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", f"{PG}/{database}", "-c", sql]
    result = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603 - psql from PATH
    return result.stdout.strip()


def seeded_bench_database() -> str | None:
    """The URL of ``make bench``'s database when it exists and holds the bulk feedback items."""
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DATABASE}'")  # noqa: S608 - our own name
    if exists != "1":
        return None
    try:
        bulk = _psql("SELECT 1 FROM feedback_feedback WHERE external_id LIKE 'bulk-%' LIMIT 1", BENCH_DATABASE)
    except subprocess.CalledProcessError:  # not migrated yet
        return None
    return f"{PG}/{BENCH_DATABASE}" if bulk == "1" else None


def seed(feedback: int, facilities: int):
    """Places, facilities, one year of feedback and the example framework; returns the framework."""
    from django.utils import timezone

    from iltod.core.testing import ensure_migration_data
    from iltod.feedback.models import Category, Feedback
    from iltod.places.models import AdminUnit, Sector, ServiceUnit
    from iltod.results.example import seed_example_framework
    from iltod.results.models import Framework

    ensure_migration_data()
    country, _ = AdminUnit.objects.get_or_create(code="MN", defaults={"level": "country", "name": "Монгол Улс"})
    soums = []
    for code in AIMAG_CODES:
        level = "capital" if code == "11" else "aimag"
        aimag, _ = AdminUnit.objects.get_or_create(
            code=code, defaults={"level": level, "name": f"Аймаг {code}", "parent": country}
        )
        for number in range(1, 6):
            soum, _ = AdminUnit.objects.get_or_create(
                code=f"{code}{number:02d}",
                defaults={
                    "level": "district" if code == "11" else "soum",
                    "name": f"Сум {code}{number:02d}",
                    "parent": aimag,
                },
            )
            soums.append(soum)
    education = Sector.objects.get(code="education")
    health = Sector.objects.get(code="health")
    units = ServiceUnit.objects.bulk_create(
        ServiceUnit(
            name=f"Байгууллага {i:05d}",
            name_mn=f"Байгууллага {i:05d}",
            kind="general_school" if i % 2 else "soum_health_centre",
            sector=education if i % 2 else health,
            admin_unit=soums[i % len(soums)],
            code=f"R{i:07d}",
        )
        for i in range(facilities)
    )
    categories = {
        education.pk: Category.objects.filter(sector=education).first(),
        health.pk: Category.objects.filter(sector=health).first(),
    }
    rng = random.Random(20251)
    zone = timezone.get_default_timezone()
    start = datetime.datetime(YEAR, 1, 1, 9, tzinfo=zone)
    batch = []

    def flush():
        Feedback.objects.bulk_create(batch, batch_size=5000)
        batch.clear()

    for n in range(feedback):
        unit = units[rng.randrange(len(units))]
        received = start + datetime.timedelta(minutes=rng.randrange(360 * 24 * 60))
        resolved = received + datetime.timedelta(days=rng.randrange(1, 50)) if rng.random() < 0.85 else None
        rating = rng.randrange(1, 6) if resolved and rng.random() < 0.3 else None
        batch.append(
            Feedback(
                tracking_code=f"R{n:09d}"[:16],
                category=categories[unit.sector_id],
                service_unit=unit,
                admin_unit_id=unit.admin_unit_id,
                description="Бенчмарк",
                received_at=received,
                acknowledge_due=received + datetime.timedelta(days=3),
                acknowledged_at=received + datetime.timedelta(days=rng.randrange(0, 6)),
                resolve_due=received + datetime.timedelta(days=30),
                resolved_at=resolved,
                status="resolved" if resolved else "in_progress",
                rating=rating,
                rated_at=resolved + datetime.timedelta(days=1) if rating else None,
            )
        )
        if len(batch) >= 20_000:
            flush()
    flush()
    seed_example_framework(years=(YEAR,))
    return Framework.objects.get(code="masam")


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def _time(function, repeat: int) -> dict:
    function()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def _plans(period) -> dict:
    """``EXPLAIN`` of the feedback table's queries of a batched recompute: the plan's node types."""
    from django.db import connection

    from iltod.core import metrics
    from iltod.feedback import metrics as feedback_metrics
    from iltod.results.services import scope_of

    start, end = metrics.moments(scope_of(period))
    tables = feedback_metrics._tables()
    queries = {
        "summary": (
            feedback_metrics.SUMMARY_SQL,
            {"start": start, "end": end, "passed": end, "satisfied": 4, "duplicate": "duplicate"},
        ),
        "medians": (
            feedback_metrics.MEDIANS_SQL,
            {"start": start, "end": end, "duplicate": "duplicate", "units": [], "aimags": []},
        ),
    }
    plans = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in queries.items():
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql.format(**tables), params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            nodes, stack = [], [plan[0]["Plan"]]
            while stack:
                node = stack.pop()
                nodes.append(node["Node Type"] + (f" on {node['Relation Name']}" if "Relation Name" in node else ""))
                stack.extend(node.get("Plans", []))
            plans[name] = nodes
    return plans


def _period(framework):
    """The framework's period to measure: the seeded year, else the last one that has ended."""
    from django.utils import timezone

    from iltod.results.models import Period

    periods = Period.objects.filter(framework=framework)
    return (
        periods.filter(start__year=YEAR).first()
        or periods.filter(end__lt=timezone.localdate()).order_by("-start").first()
        or periods.order_by("-start").first()
    )


def measure(framework, repeat: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from iltod.core import metrics
    from iltod.feedback.models import Feedback
    from iltod.results.models import Indicator
    from iltod.results.ranking import compute_ranking
    from iltod.results.services import recompute, scope_of

    period = _period(framework)
    start, end = metrics.moments(scope_of(period))
    feedback_metrics = sorted(
        {code for code in Indicator.objects.filter(result__framework=framework).values_list("metric", flat=True)
         if code.startswith("feedback.")}
    )  # fmt: skip

    def baseline():
        for code in feedback_metrics:
            metrics.get(code).compute(scope_of(period))

    figures = {
        "period": str(period),
        "feedback_in_period": Feedback.objects.filter(received_at__gte=start, received_at__lt=end).count(),
        "feedback_in_table": Feedback.objects.count(),
        "baseline_count_at_each_view": _time(baseline, max(3, repeat // 8)),
    }
    log(f"period {period}: {figures['feedback_in_period']} of {figures['feedback_in_table']} items; recompute")
    with metrics.batch():  # as the periodic job runs them: the figures and the ranking share the counts
        started = time.perf_counter()
        written = recompute(period)
        figures["recompute_s"] = round(time.perf_counter() - started, 2)
        figures["figures_written"] = written
        started = time.perf_counter()
        bodies = compute_ranking(period)
        figures["ranking_s"] = round(time.perf_counter() - started, 2)
        figures["ranked_bodies"] = bodies
    figures["recompute_and_ranking_s"] = round(figures["recompute_s"] + figures["ranking_s"], 2)
    if connection.vendor == "postgresql":
        figures["plans"] = _plans(period)

    client = Client()
    indicator = Indicator.objects.get(result__framework=framework, code="0.2")
    aimag = _aimag(period)
    pages = {
        "overview": reverse("results:overview", args=[framework.code]) + f"?period={period.pk}",
        "indicator": reverse("results:indicator", args=[framework.code, indicator.pk]) + f"?period={period.pk}",
        "aimag": reverse("results:scope", args=[framework.code, "aimag", aimag]),
        "ranking": reverse("results:ranking") + f"?period={period.pk}",
    }
    log("pages")
    for name, url in pages.items():

        def get(url=url):
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, (url, response.status_code)

        def drawn(url=url):
            cache.clear()
            get(url)

        figures[f"page_{name}"] = _time(get, repeat)
        figures[f"page_{name}_uncached"] = _time(drawn, max(10, repeat // 2))
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            get(url)
        figures[f"page_{name}"]["queries_drawn"] = len(captured)
        with CaptureQueriesContext(connection) as captured:
            get(url)
        figures[f"page_{name}"]["queries_cached"] = len(captured)
    return figures


def _aimag(period) -> str:
    """Aimag 65 when it has figures (the fresh database's), else the first aimag that has some."""
    from iltod.results.models import Figure

    keys = Figure.objects.filter(period=period, scope_kind="aimag", dimension="").values_list("scope_key", flat=True)
    if keys.filter(scope_key="65").exists():
        return "65"
    return keys.order_by("scope_key").first() or "11"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=FEEDBACK, help="items of a fresh database")
    parser.add_argument("--facilities", type=int, default=2_000, help="facilities of a fresh database")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the database it created")
    parser.add_argument("--database-url", default="", help="an existing, seeded database to use instead")
    parser.add_argument("--fresh", action="store_true", help="seed a database of its own even if make bench's exists")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    existing = args.database_url or ("" if args.fresh else seeded_bench_database() or "")
    if not existing:
        _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{DATABASE}"')
    _prepare_environment(existing or f"{PG}/{DATABASE}")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0, interactive=False)
        if existing:
            from iltod.results.example import seed_example_framework
            from iltod.results.models import Framework

            log(f"on the seeded database {existing.rsplit('/', 1)[-1]}")
            if not Framework.objects.filter(code="masam").exists():
                seed_example_framework()
            framework = Framework.objects.get(code="masam")
        else:
            started = time.perf_counter()
            framework = seed(args.feedback, args.facilities)
            log(f"{args.feedback} feedback items seeded in {time.perf_counter() - started:.0f} s; measuring")
        figures = measure(framework, args.repeat)
        pages = [value["p95_ms"] for key, value in figures.items() if key.startswith("page_") and "uncached" not in key]
        result = {
            "database": "make bench's" if existing else "its own",
            "facilities": None if existing else args.facilities,
            **figures,
            "target_page_p95_ms": TARGET_PAGE_P95_MS,
            "target_recompute_s": TARGET_RECOMPUTE_S,
            "pages_meet_target": max(pages) < TARGET_PAGE_P95_MS,
            "recompute_meets_target": figures["recompute_and_ranking_s"] < TARGET_RECOMPUTE_S,
            "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        }
    finally:
        if not existing and not args.keep:
            from django.db import connections

            connections.close_all()
            _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))  # one line: bench.run reads the last line
    return result


if __name__ == "__main__":
    main()
