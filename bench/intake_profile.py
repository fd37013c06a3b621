"""In-process profile of one public feedback submission: SQL statements and milliseconds.

``python -m bench.intake_profile`` creates a fresh PostgreSQL database (``iltod_intake_prof``),
migrates it, loads the reference and demo data, then posts the public form
(``/feedback/new/?facility=…``) N times with Django's test client, as ``bench.load`` does over
HTTP, and prints per submission: the SQL statements, the wall-clock time, the CPU time of this
process (the Python side; the database's work is the difference) and how long the national
statistics row, which every submission updates, stays locked. The database is dropped at the
end unless ``--keep``. ``--sqlite`` profiles on a throwaway SQLite file instead, ``--sql`` prints
the statements of the last submission.

Outbox delivery is left out (in production a worker does it after the commit, as in the bench's
gunicorn run with a broker), so the figures are the request's own.
"""

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _prepare_environment(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iltod.settings")
    for name in [n for n in os.environ if n.startswith("DJANGO_") and n != "DJANGO_SETTINGS_MODULE"]:
        del os.environ[name]
    os.environ.update(
        DJANGO_ENV="development",
        DEBUG="0",
        FEEDBACK_RATE_PER_IP="1000000/h",
        FEEDBACK_PER_PHONE_PER_DAY="1000000",
        LOG_LEVEL="WARNING",
    )
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.workdir) / 'intake.sqlite3'}"
    else:
        os.environ["DATABASE_URL"] = f"{PG}/{args.database}"
        # persistent connection, as under gunicorn in the bench
        os.environ["DATABASE_CONN_MAX_AGE"] = "60"
    os.environ["ILTOD_VAR_DIR"] = str(Path(args.workdir) / "var")


def _create_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):  # the demo's e-mails
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo", verbosity=0)
    print(f"database ready in {time.perf_counter() - started:.0f} s", flush=True)


def _statement(sql: str) -> str:
    """A short label: the verb and the table."""
    words = sql.replace('"', "").split()
    verb = words[0].upper() if words else "?"
    table = ""
    for keyword in ("FROM", "INTO", "UPDATE"):
        if keyword in (w.upper() for w in words):
            index = [w.upper() for w in words].index(keyword)
            if index + 1 < len(words):
                table = words[index + 1].split(".")[-1]
                break
    return f"{verb} {table}".strip()


class LockClock:
    """From the start of the statistics UPDATE (which locks the national row) to the end of the
    commit that releases it, in milliseconds, per submission."""

    def __init__(self):
        self.held_ms = []

    def __call__(self, execute, sql, params, many, context):
        if not sql.startswith('UPDATE "feedback_stat"'):
            return execute(sql, params, many, context)
        from django.db import transaction

        started = time.perf_counter()
        transaction.on_commit(lambda: self.held_ms.append((time.perf_counter() - started) * 1000))
        return execute(sql, params, many, context)


def profile(items: int, show_sql: bool) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from iltod.feedback.models import Category, Feedback
    from iltod.notifications import services as outbox
    from iltod.places.models import ServiceUnit

    outbox.schedule_delivery = lambda: None  # the worker's job, not the request's

    facilities = list(
        ServiceUnit.objects.filter(registry_code__startswith="DEMO-", sector__code="health", is_active=True)
        .order_by("registry_code")
        .values_list("code", "sector_id")[:16]
    )
    if not facilities:
        raise SystemExit("no demo facilities: run seed_demo first")
    category = Category.objects.filter(sector_id=facilities[0][1], is_active=True).order_by("pk").first()
    clients = {}
    lock_clock = LockClock()
    samples = []  # (queries, wall ms, cpu ms)
    last_queries = []
    before = Feedback.objects.count()
    for n in range(items):
        code = facilities[n % len(facilities)][0]
        url = f"/feedback/new/?facility={code}"
        client = clients.get(code)
        if client is None:  # one browser per facility: the form first, as a citizen would
            client = clients[code] = Client(HTTP_ACCEPT_LANGUAGE="mn")
            client.get(url)
        data = {
            "facility": code,
            "kind": "complaint",
            "category": category.pk,
            "description": f"Профайл {n}: хүлээлгийн танхим хүйтэн байна.",
            "privacy": "name_hidden",
            "name": "Туршилт",
            "phone": f"+97680{n % 100:02d}{n % 10000:04d}",
            "notify": "on",
        }
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(lock_clock):
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.post(url, data)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if response.status_code != 302 or "/feedback/thanks/" not in response["Location"]:
            raise SystemExit(f"submission {n} answered {response.status_code}: {response.content[:500]!r}")
        samples.append((len(captured.captured_queries), wall * 1000, cpu * 1000))
        last_queries = [q["sql"] for q in captured.captured_queries]
    stored = Feedback.objects.count() - before
    if stored != items:
        raise SystemExit(f"{items} submissions answered, {stored} stored")
    steady = samples[min(len(samples) - 1, len(facilities)) :] or samples  # after every facility's first
    result = {
        "items": items,
        "first": samples[0],
        "queries_median": statistics.median(s[0] for s in steady),
        "queries_max": max(s[0] for s in steady),
        "wall_ms_median": statistics.median(s[1] for s in steady),
        "wall_ms_mean": statistics.fmean(s[1] for s in steady),
        "wall_ms_min": min(s[1] for s in steady),
        "cpu_ms_median": statistics.median(s[2] for s in steady),
        "cpu_ms_min": min(s[2] for s in steady),
        "lock_ms_median": statistics.median(lock_clock.held_ms[-len(steady) :]),
    }
    print(
        f"{items} submissions on {connection.vendor}, {len(steady)} after warm-up:\n"
        f"  first submission:     {samples[0][0]} queries, {samples[0][1]:.1f} ms\n"
        f"  queries / submission: median {result['queries_median']:g}, max {result['queries_max']}\n"
        f"  ms / submission:      median {result['wall_ms_median']:.1f}, mean {result['wall_ms_mean']:.1f}, "
        f"best {result['wall_ms_min']:.1f} (wall)\n"
        f"  CPU ms / submission:  median {result['cpu_ms_median']:.1f}, best {result['cpu_ms_min']:.1f} "
        "(this process: Python; the best is the least disturbed by other work on the machine)\n"
        f"  national row locked:  median {result['lock_ms_median']:.2f} ms (statistics UPDATE to end of COMMIT)"
    )
    counts = Counter(_statement(sql) for sql in last_queries)
    print("  statements of the last submission: " + ", ".join(f"{k} ×{v}" for k, v in sorted(counts.items())))
    if show_sql:
        for sql in last_queries:
            print(f"    {sql[:300]}")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200, help="submissions to post (default 200)")
    parser.add_argument("--database", default="iltod_intake_prof", help="PostgreSQL database to create and drop")
    parser.add_argument("--sqlite", action="store_true", help="profile on a throwaway SQLite file instead")
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it next time)")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    parser.add_argument("--sql", action="store_true", help="print the statements of the last submission")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="iltod-intake-") as workdir:
        args.workdir = os.environ.get("BENCH_WORKDIR") or workdir
        _prepare_environment(args)
        if not args.sqlite and not args.reuse:
            _create_pg_database(args.database)
        try:
            import django

            django.setup()
            if not args.reuse:
                _seed()
            profile(args.items, args.sql)
        finally:
            from django.db import connections

            connections.close_all()
            if not args.sqlite and not args.keep:
                _drop_pg_database(args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
