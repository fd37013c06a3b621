"""Learning at national scale: unique people trained, at 50 000 people and 200 000 participations.

``python -m bench.learning_people`` creates a fresh PostgreSQL database
(``iltod_bench_learning_people``), migrates it, and writes ``--people`` people over the aimags and
``--participations`` attended participations in trainings of 40 people over five years, in bulk,
with each person's first training date (``Person.first_trained_on``) set as the services set it.
It then measures, ``--repeat`` times each:

(a) the baseline: unique people and participations counted straight from the participations
    (``COUNT(DISTINCT person_id)`` and ``COUNT(*)``, by sex through a join): what the figure
    costs without the indexed first-training date;
(b) the network's headline (``learning.stats.headline``: unique people by sex and age group next to
    participations and follow-ups);
(c) the metric ``learning.people_trained`` for one year, and its breakdown by sex;
(d) the public page of people trained (headline and tables by sex, age group and aimag), rendered
    through Django's test client.

It prints and writes to ``var/bench/learning_people.json`` the p50/p95 in milliseconds (target:
p95 < 150 ms). The database is dropped at the end unless ``--keep``. Environment: ``BENCH_PG``
(server, default ``postgres://postgres@127.0.0.1:5432``), ``BENCH_LEARNING_PEOPLE_DB``.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

from bench.learning import _percentiles, _prepare_environment, _psql

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "learning_people.json"
DATABASE = os.environ.get("BENCH_LEARNING_PEOPLE_DB", "iltod_bench_learning_people")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TARGET_P95_MS = 150
PER_TRAINING = 40


def log(message: str) -> None:
    print(f"[bench.learning_people] {message}", file=sys.stderr, flush=True)


def seed(people: int, participations: int) -> None:
    from iltod.core import testing
    from iltod.engagement.models import AgeBand, Sex
    from iltod.learning.models import Participation, Person, Training
    from iltod.organizations.models import Organization

    rng = random.Random("bench-learning-people")
    geo = testing.make_geo()
    aimags = [geo.capital, geo.aimag, geo.other_aimag]
    network = Organization.objects.create(kind=Organization.Kind.NETWORK, name="Сүлжээ", name_mn="Сүлжээ")
    start = datetime.date.today() - datetime.timedelta(days=5 * 365)
    trainings = Training.objects.bulk_create(
        Training(
            title=f"Сургалт {n}",
            organiser=network,
            venue="Улаанбаатар",
            starts_on=start + datetime.timedelta(days=n * 5 * 365 // (participations // PER_TRAINING)),
            ends_on=start + datetime.timedelta(days=n * 5 * 365 // (participations // PER_TRAINING)),
            status=Training.Status.HELD,
        )
        for n in range(participations // PER_TRAINING)
    )
    sexes, ages = [Sex.FEMALE, Sex.MALE, Sex.UNDISCLOSED], list(AgeBand.values)
    batch = 10_000
    for offset in range(0, people, batch):
        Person.objects.bulk_create(
            (
                Person(
                    code=f"B{n:07d}",
                    full_name=f"Хүн {n}",
                    sex=rng.choices(sexes, [55, 42, 3])[0],
                    age_group=rng.choice(ages),
                    aimag=rng.choice(aimags),
                    phone=f"+9769{n:07d}"[:12],
                    name_key=f"hun{n}|",
                )
                for n in range(offset, min(people, offset + batch))
            ),
            batch_size=batch,
        )
    person_ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    first: dict[int, datetime.date] = {}
    rows = []
    for training in trainings:
        for person_id in rng.sample(person_ids, PER_TRAINING):
            rows.append(
                Participation(training=training, person_id=person_id, held_on=training.starts_on, sessions_attended=1)
            )
            first[person_id] = min(first.get(person_id, training.starts_on), training.starts_on)
        if len(rows) >= batch:
            Participation.objects.bulk_create(rows, batch_size=batch, ignore_conflicts=True)
            rows = []
    Participation.objects.bulk_create(rows, batch_size=batch, ignore_conflicts=True)
    by_date: dict[datetime.date, list[int]] = {}
    for person_id, day in first.items():
        by_date.setdefault(day, []).append(person_id)
    for day, ids in by_date.items():
        Person.objects.filter(pk__in=ids).update(first_trained_on=day)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _time(function, repeat: int) -> dict:
    function()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return _percentiles(samples)


def measure(repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    from iltod.core import metrics
    from iltod.learning import stats

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.sex, COUNT(DISTINCT a.person_id), COUNT(*) FROM learning_participation a "
                "JOIN learning_person p ON p.id = a.person_id WHERE a.sessions_attended > 0 GROUP BY p.sex"
            )
            cursor.fetchall()

    today = datetime.date.today()
    year = metrics.Scope(today - datetime.timedelta(days=365), today + datetime.timedelta(days=1))
    metric = metrics.get("learning.people_trained")
    client = Client()

    def page():
        response = client.get("/learning/people/figures/", HTTP_ACCEPT_LANGUAGE="mn")
        assert response.status_code == 200

    return {
        "baseline_distinct_count": _time(baseline, repeat),
        "headline": _time(stats.headline, repeat),
        "metric_one_year": _time(lambda: metric.compute(year), repeat),
        "metric_one_year_by_sex": _time(lambda: metric.breakdown(year, "sex"), repeat),
        "figures_page": _time(page, repeat),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--participations", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{DATABASE}"')
    _prepare_environment(f"{PG}/{DATABASE}")
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0, interactive=False)
        start = time.perf_counter()
        seed(args.people, args.participations)
        log(f"{args.people} people, {args.participations} participations seeded in {time.perf_counter() - start:.0f} s")
        from iltod.learning import stats
        from iltod.learning.models import Participation

        figures = measure(args.repeat)
        headline = stats.headline()
        result = {
            "people": args.people,
            "participations": Participation.objects.count(),
            "unique_people_trained": headline["people"],
            "target_p95_ms": TARGET_P95_MS,
            **figures,
        }
        result["passed"] = all(
            figures[name]["p95_ms"] < TARGET_P95_MS
            for name in ("headline", "metric_one_year", "metric_one_year_by_sex", "figures_page")
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _psql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))
    return result


if __name__ == "__main__":
    main()
