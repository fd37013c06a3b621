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

It also prints where a submission's time goes: a sampling profiler (a thread that reads the
request thread's stack every 0.2 ms, each sample weighted by the time since the previous one)
puts every sample in one part of the request (``PARTS``: the session, the ORM's Python side, the
wait for the database, templates, form validation, the app's own code, middleware, the rest of
Django) and lists the functions where most samples end. ``--no-parts`` leaves the sampler out.
"""

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
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


# Where a sample goes: the first part (in this order) that any frame of its stack belongs to. The
# session's own SQL counts as the session; a template's or a form's SQL counts as the ORM.
PARTS = (
    ("session", "the session: load, save (its SQL included)"),
    ("database wait", "waiting for PostgreSQL to answer"),
    ("ORM", "the ORM and the driver: building querysets, compiling SQL, reading rows"),
    ("cache", "cache and rate-limit counters"),
    ("rendering", "templates (messages, pages)"),
    ("form", "form validation"),
    ("app", "Iltod's own views and services (routing, deadlines, masking, …)"),
    ("middleware", "middleware (security, CSRF, locale, authentication, CSP, …)"),
    ("Django", "the rest of Django: request handling, URL resolution, translation, test client"),
)
MIDDLEWARE_PATHS = (
    "/django/middleware/",
    "/middleware.py",
    "/csp/",
    "/axes/",
    "/django_otp/",
    "/whitenoise/",
    "/django/contrib/auth/",
    "/django/contrib/messages/",
)


def _part_of(code) -> str | None:
    """The part one frame belongs to, or None for a frame that takes the part of its callers."""
    path, name = code.co_filename.replace(os.sep, "/"), code.co_name
    if "/django/contrib/sessions/" in path or name == "save_session_now":
        return "session"
    if "/psycopg" in path:
        return "database wait" if name.startswith("wait") else "ORM"
    if "/django/db/" in path:
        return "ORM"
    if "/django_ratelimit/" in path or "/django/core/cache/" in path or "/redis/" in path:
        return "cache"
    if "/django/template/" in path or "/templatetags/" in path or "/django/forms/renderers" in path:
        return "rendering"
    if "/django/forms/" in path or "/phonenumber" in path or ("/iltod/" in path and path.endswith("forms.py")):
        return "form"
    if any(p in path for p in MIDDLEWARE_PATHS):
        return "middleware"
    if "/iltod/" in path and "/bench/" not in path:
        return "app"
    if "/django/" in path:
        return "Django"
    return None


class Sampler:
    """Reads the request thread's stack every ``interval`` seconds while ``active``; each sample
    weighs the time since the previous one. Totals per part, per innermost function (where the
    time is spent) and per Iltod function on the stack (what it costs with what it calls)."""

    ORDER = [name for name, _ in PARTS]

    def __init__(self, interval: float = 0.0002):
        self.interval, self.target = interval, threading.get_ident()
        self.active, self.stopped = False, False
        self.parts, self.leaves, self.ours = Counter(), Counter(), Counter()
        self.seconds = 0.0
        self._codes = {}
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.switch = sys.getswitchinterval()
        sys.setswitchinterval(self.interval)  # let the sampler in while the request holds the GIL
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped = True
        self.thread.join()
        sys.setswitchinterval(self.switch)

    def _label(self, code) -> tuple:
        if code not in self._codes:
            path = code.co_filename.replace(os.sep, "/")
            short = path.split("/site-packages/")[-1] if "/site-packages/" in path else path.split("/iltod/")[-1]
            self._codes[code] = (_part_of(code), f"{short}:{code.co_name}", "/iltod/" in path and "/bench/" not in path)
        return self._codes[code]

    def _run(self):
        last = time.perf_counter()
        while not self.stopped:
            time.sleep(self.interval)
            now = time.perf_counter()
            frame = sys._current_frames().get(self.target) if self.active else None
            if frame is not None:
                self._sample(frame, now - last)
            last = now

    def _sample(self, frame, weight: float) -> None:
        found, leaf, ours = set(), None, set()
        while frame is not None:
            part, label, is_ours = self._label(frame.f_code)
            leaf = leaf or label
            if part:
                found.add(part)
            if is_ours:
                ours.add(label)
            frame = frame.f_back
        part = next((name for name in self.ORDER if name in found), "Django")
        self.parts[part] += weight
        self.leaves[leaf] += weight
        for label in ours:
            self.ours[label] += weight
        self.seconds += weight

    def report(self, submissions: int, top: int = 12) -> dict:
        per = 1000 / max(submissions, 1)
        print(f"  where a submission's time goes ({submissions} submissions sampled):")
        print(f"    {'part':<14} {'ms':>6} {'share':>6}  what")
        for name, what in PARTS:
            seconds = self.parts.get(name, 0.0)
            print(f"    {name:<14} {seconds * per:6.2f} {seconds / max(self.seconds, 1e-9):6.1%}  {what}")
        print(f"    {'total':<14} {self.seconds * per:6.2f}")
        print("  functions where the time is spent (innermost frame), ms per submission:")
        for label, seconds in self.leaves.most_common(top):
            print(f"    {seconds * per:6.2f}  {label}")
        print("  Iltod functions with what they call, ms per submission:")
        for label, seconds in self.ours.most_common(top):
            print(f"    {seconds * per:6.2f}  {label}")
        return {name: round(self.parts.get(name, 0.0) * per, 2) for name in self.ORDER}


def profile(items: int, show_sql: bool, parts: bool = True) -> dict:
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

    def post(n: int):
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
        return captured, wall, cpu

    for n in range(items):
        captured, wall, cpu = post(n)
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
    if parts:  # a second pass under the sampler, so that its overhead stays out of the timings above
        with Sampler() as sampler:
            walls = []
            for n in range(items, 2 * items):
                sampler.active = True
                _captured, wall, _cpu = post(n)
                sampler.active = False
                walls.append(wall * 1000)
        print(f"  under the sampler: {statistics.fmean(walls):.1f} ms / submission (mean wall)")
        result["parts_ms"] = sampler.report(items)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=200, help="submissions to post (default 200)")
    parser.add_argument("--database", default="iltod_intake_prof", help="PostgreSQL database to create and drop")
    parser.add_argument("--sqlite", action="store_true", help="profile on a throwaway SQLite file instead")
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it next time)")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    parser.add_argument("--sql", action="store_true", help="print the statements of the last submission")
    parser.add_argument("--no-parts", action="store_true", help="leave out the sampled breakdown by part")
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
            profile(args.items, args.sql, parts=not args.no_parts)
        finally:
            from django.db import connections

            connections.close_all()
            if not args.sqlite and not args.keep:
                _drop_pg_database(args.database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
