"""Results at scale: the dashboard, ranking and aimag pages read from pre-aggregated figures, and the
time to recompute every computed actual (and the ranking) of a period.

``python -m bench.results`` creates a fresh PostgreSQL database (``iltod_bench_results``), migrates
it, and writes 21 aimags and the capital with ``--facilities`` facilities and ``--feedback`` feedback
items of one year (deadlines, resolutions and ratings drawn from a fixed random stream), written in
bulk, and the example results framework. It then measures:

(a) the baseline: the overview's computed actuals counted straight from the feedback at each page
    view (every feedback metric of the framework, for the country), which is what a page would cost
    without the figures table;
(b) ``recompute`` of the year (all computed actuals, the figures of the country, every aimag and
    sector and every breakdown) and ``compute_ranking`` of the year, once each (target < 60 s);
(c) the overview, an indicator page, an aimag page and the ranking, rendered through Django's test
    client, ``--repeat`` times each (target p95 < 100 ms).

It prints and writes to ``var/bench/results.json`` the figures in milliseconds. The database is
dropped at the end unless ``--keep``. Environment: ``BENCH_PG`` (server, default
``postgres://postgres@127.0.0.1:5432``), ``BENCH_RESULTS_DB``, ``BENCH_RESULTS_FEEDBACK``.
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
OUTPUT = ROOT / "var" / "bench" / "results.json"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_RESULTS_DB", "iltod_bench_results")
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
    )


def _psql(sql: str) -> None:
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{PG}/postgres", "-c", sql]
    subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - psql from PATH, as bench.run calls it


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


def measure(framework, repeat: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    from iltod.core import metrics
    from iltod.results.models import Indicator, Period
    from iltod.results.ranking import compute_ranking
    from iltod.results.services import recompute, scope_of

    period = Period.objects.get(framework=framework, start__year=YEAR)
    feedback_metrics = sorted(
        {code for code in Indicator.objects.filter(result__framework=framework).values_list("metric", flat=True)
         if code.startswith("feedback.")}
    )  # fmt: skip

    def baseline():
        for code in feedback_metrics:
            metrics.get(code).compute(scope_of(period))

    figures = {"baseline_count_at_each_view": _time(baseline, max(3, repeat // 8))}
    started = time.perf_counter()
    written = recompute(period)
    figures["recompute_s"] = round(time.perf_counter() - started, 2)
    figures["figures_written"] = written
    started = time.perf_counter()
    bodies = compute_ranking(period)
    figures["ranking_s"] = round(time.perf_counter() - started, 2)
    figures["ranked_bodies"] = bodies

    client = Client()
    indicator = Indicator.objects.get(result__framework=framework, code="0.2")
    pages = {
        "overview": reverse("results:overview", args=[framework.code]) + f"?period={period.pk}",
        "indicator": reverse("results:indicator", args=[framework.code, indicator.pk]) + f"?period={period.pk}",
        "aimag": reverse("results:scope", args=[framework.code, "aimag", "65"]),
        "ranking": reverse("results:ranking") + f"?period={period.pk}",
    }
    for name, url in pages.items():

        def get(url=url):
            response = client.get(url, HTTP_HOST="localhost")
            assert response.status_code == 200, (url, response.status_code)

        figures[f"page_{name}"] = _time(get, repeat)
    return figures


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=FEEDBACK)
    parser.add_argument("--facilities", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--database-url", default="", help="an existing database to use instead")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    own_database = not args.database_url
    if own_database:
        _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _psql(f'CREATE DATABASE "{DATABASE}"')
    _prepare_environment(args.database_url or f"{PG}/{DATABASE}")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0, interactive=False)
        started = time.perf_counter()
        framework = seed(args.feedback, args.facilities)
        log(f"{args.feedback} feedback items seeded in {time.perf_counter() - started:.0f} s; measuring")
        figures = measure(framework, args.repeat)
        pages = [value["p95_ms"] for key, value in figures.items() if key.startswith("page_")]
        result = {
            "feedback": args.feedback,
            "facilities": args.facilities,
            **figures,
            "target_page_p95_ms": TARGET_PAGE_P95_MS,
            "target_recompute_s": TARGET_RECOMPUTE_S,
            "pages_meet_target": max(pages) < TARGET_PAGE_P95_MS,
            "recompute_meets_target": figures["recompute_s"] + figures["ranking_s"] < TARGET_RECOMPUTE_S,
        }
    finally:
        if own_database and not args.keep:
            from django.db import connections

            connections.close_all()
            _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
