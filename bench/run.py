"""``make bench``: set up a fresh PostgreSQL database, seed it at national scale, serve Iltod with
gunicorn and measure it from separate processes; write var/bench/results.json and the table in
docs/benchmarks.md. Every parameter is an environment variable (see ``Settings``)."""

import gzip
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from .measure import Target, latency_summary, percentile
from .report import Figure, Run, write_json, write_table

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").replace("_", "") or default)


@dataclass
class Settings:
    rows: int = field(default_factory=lambda: _env_int("BENCH_ROWS", 10_000_000))
    database: str = field(default_factory=lambda: os.environ.get("BENCH_DB", "iltod_bench"))
    pg: str = field(default_factory=lambda: os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    redis: str = field(default_factory=lambda: os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    port: int = field(default_factory=lambda: _env_int("BENCH_PORT", 8765))
    workers: int = field(default_factory=lambda: _env_int("BENCH_WORKERS", 3))
    clients: int = field(default_factory=lambda: _env_int("BENCH_CLIENTS", 16))
    seconds: int = field(default_factory=lambda: _env_int("BENCH_SECONDS", 30))
    open_rate: float = field(default_factory=lambda: float(os.environ.get("BENCH_OPEN_RATE", "") or 20))
    page_requests: int = field(default_factory=lambda: _env_int("BENCH_PAGE_REQUESTS", 200))
    keep: bool = field(default_factory=lambda: os.environ.get("BENCH_KEEP_DB", "") == "1")
    suite: bool = field(default_factory=lambda: os.environ.get("BENCH_SUITE", "") == "1")
    out: Path = field(default_factory=lambda: ROOT / "var" / "bench")
    docs: Path = field(default_factory=lambda: ROOT / "docs" / "benchmarks.md")

    @property
    def dsn(self) -> str:
        return f"{self.pg}/{self.database}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def server_env(settings: Settings) -> dict:
    """The app's environment: the bench database, Redis for cache, rate limits and the task broker
    (so e-mail and SMS wait in the outbox as in production), limits raised for the load."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=settings.dsn,
        REDIS_URL=settings.redis,
        CELERY_BROKER_URL=settings.redis,
        DJANGO_ENV="development",
        DEBUG="0",
        DATABASE_CONN_MAX_AGE="60",
        ILTOD_VAR_DIR=str(settings.out / "var"),
        FEEDBACK_RATE_PER_IP="1000000/h",
        FEEDBACK_TRACK_RATE_PER_IP="1000000/h",
        FEEDBACK_PER_PHONE_PER_DAY="1000000",
        OPEN311_POST_RATE="1000000/h",
        API_RATE_ANON="1000000/min",
        API_RATE_USER="1000000/min",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_quiet(args, env, timeout=3600) -> str:
    result = subprocess.run(  # noqa: S603 - the bench runs its own commands
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def psql(settings: Settings, sql: str) -> None:
    run_quiet(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{settings.pg}/postgres", "-c", sql], os.environ)


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        memory = 0.0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": memory,
        "python": platform.python_version(),
        "load_average_at_start": load,
    }


def commit() -> str:
    try:
        sha = run_quiet(["git", "rev-parse", "--short", "HEAD"], os.environ).strip()
        # The table this harness writes itself does not make the measured code "changed".
        status = ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs/benchmarks.md"]
        dirty = run_quiet(status, os.environ).strip()
        return sha + ("+changes" if dirty else "")
    except (RuntimeError, FileNotFoundError):
        return "unknown"


class Server:
    """gunicorn on loopback, as docs/deployment.md runs it (sync workers)."""

    def __init__(self, settings: Settings, env: dict):
        self.settings, self.env, self.process = settings, env, None

    def __enter__(self):
        log_path = self.settings.out / "gunicorn.log"
        self.log = log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "iltod.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.settings.port}",
                "--workers",
                str(self.settings.workers),
                "--timeout",
                "60",
                "--backlog",
                "256",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.settings.base + "/health/", timeout=2).status_code < 500:
                    return self
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {log_path}")
            time.sleep(0.5)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def drive(module: str, *args, env=None, timeout=900) -> dict:
    """Run a load process (``bench.load`` or ``bench.pgbaseline``) and read its JSON."""
    output = run_quiet([PYTHON, "-m", module, *map(str, args)], env or os.environ, timeout=timeout)
    return json.loads(output.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# Set-up


def setup_database(settings: Settings, env: dict, run: Run) -> None:
    if not settings.keep:
        psql(settings, f'DROP DATABASE IF EXISTS "{settings.database}" WITH (FORCE)')
    exists = run_quiet(
        [
            "psql",
            "-X",
            "-At",
            f"{settings.pg}/postgres",
            "-c",
            f"SELECT 1 FROM pg_database WHERE datname = '{settings.database}'",  # noqa: S608
        ],
        os.environ,
    ).strip()
    if not exists:
        psql(settings, f'CREATE DATABASE "{settings.database}"')
    manage = [PYTHON, "manage.py"]
    log("migrate, reference data, demo")
    run_quiet([*manage, "migrate", "--noinput", "-v0"], env)
    run_quiet([*manage, "load_reference_data"], env)
    log(f"seed_demo --feedback-rows {settings.rows}")
    started = time.perf_counter()
    output = run_quiet([*manage, "seed_demo", "--feedback-rows", str(settings.rows)], env, timeout=3 * 3600)
    seconds = time.perf_counter() - started
    run.details["seed"] = output.strip().splitlines()[-2:]
    match = re.search(r"COPY ([\d.]+) s, statistics ([\d.]+) s", output)
    created = re.search(r"(\d+) bulk feedback items created", output)
    if created and int(created.group(1)) > 0:
        run.add(
            Figure(
                "seed.seconds",
                "Seeding",
                "seed {} items: COPY, indexes, statistics".format(f"{int(created.group(1)):,}".replace(",", " ")),
                round(seconds, 1),
                "s",
                target=Target("<", 3600),
                note=(f"COPY and indexes {match.group(1)} s, statistics rebuild {match.group(2)} s" if match else ""),
            )
        )


# ---------------------------------------------------------------------------------------------
# 1. Intake


def bench_intake(settings: Settings, env: dict, run: Run) -> None:
    from iltod.feedback.models import Category
    from iltod.places.models import ServiceUnit

    facilities = list(
        ServiceUnit.objects.filter(registry_code__startswith="DEMO-", sector__code="health", is_active=True)
        .order_by("registry_code")
        .values_list("code", "sector_id")[:16]
    )
    category = Category.objects.filter(sector_id=facilities[0][1], is_active=True).order_by("pk").first()
    log(f"intake baseline: psycopg INSERT+COMMIT, {settings.clients} clients, {settings.seconds} s")
    baseline = drive(
        "bench.pgbaseline", settings.dsn, "--clients", settings.clients, "--duration", settings.seconds, env=env
    )
    log(f"intake: form POST, {settings.clients} clients, {settings.seconds} s")
    from iltod.feedback.models import Feedback

    last_pk = Feedback.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    intake = drive(
        "bench.load",
        "intake",
        "--url",
        settings.base,
        "--clients",
        settings.clients,
        "--duration",
        settings.seconds,
        "--max-requests",
        100_000,
        "--category",
        category.pk,
        *[x for code, _sector in facilities for x in ("--facility", code)],
        env=env,
    )
    base_rate = baseline["ok"] / baseline["seconds"]
    rate = intake["ok"] / intake["seconds"]
    latency = latency_summary(intake["latencies"])
    base_latency = latency_summary(baseline["latencies"])
    stored = Feedback.objects.filter(pk__gt=last_pk).count()
    run.details["intake"] = {
        "baseline": {k: v for k, v in baseline.items() if k != "latencies"} | {"latency": base_latency},
        "intake": {k: v for k, v in intake.items() if k not in {"latencies", "by_path"}} | {"latency": latency},
        "stored_feedback": stored,
    }
    run.add(
        Figure(
            "intake.rate",
            "1 Intake",
            f"submissions/s through the public form, closed loop of {settings.clients} clients",
            round(rate, 1),
            "/s",
            baseline=round(base_rate, 1),
            baseline_name="psycopg INSERT+COMMIT/s",
        )
    )
    for name, key in (("p50", "p50_ms"), ("p95", "p95_ms"), ("p99", "p99_ms")):
        run.add(
            Figure(
                f"intake.{name}",
                "1 Intake",
                f"submission latency {name}, closed loop (the queue of {settings.clients} clients)",
                latency[key],
                "ms",
                baseline=base_latency[key],
                baseline_name=f"INSERT+COMMIT {name}",
            )
        )
    run.add(
        Figure(
            "intake.errors",
            "1 Intake",
            f"errors ({intake['ok']} submissions answered, {stored} stored)"
            + (f"; kinds: {', '.join(intake['error_kinds'])}" if intake["errors"] else ""),
            intake["errors"],
            "",
            baseline=baseline["errors"],
            baseline_name="INSERT errors",
        )
    )


def bench_open_intake(settings: Settings, env: dict, run: Run) -> None:
    """The same submissions in an open loop: ``BENCH_OPEN_RATE`` arrivals a second on a schedule of
    their own, latency from each arrival's due time (bench/openloop.py)."""
    from iltod.feedback.models import Category, Feedback
    from iltod.places.models import ServiceUnit

    facilities = list(
        ServiceUnit.objects.filter(registry_code__startswith="DEMO-", sector__code="health", is_active=True)
        .order_by("registry_code")
        .values_list("code", "sector_id")[:16]
    )
    category = Category.objects.filter(sector_id=facilities[0][1], is_active=True).order_by("pk").first()
    rate = settings.open_rate
    log(f"intake: open loop, {rate:g} submissions/s, {settings.seconds} s")
    last_pk = Feedback.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    result = drive(
        "bench.load",
        "open",
        "--url",
        settings.base,
        "--rate",
        rate,
        "--clients",
        settings.clients,
        "--duration",
        settings.seconds,
        "--max-requests",
        100_000,
        "--category",
        category.pk,
        *[x for code, _sector in facilities for x in ("--facility", code)],
        env=env,
    )
    latency = latency_summary(result["latencies"])
    stored = Feedback.objects.filter(pk__gt=last_pk).count()
    lag_ms = round((result["driver_lag_max"] or 0) * 1000, 1)
    run.details["intake_open"] = {
        k: v for k, v in result.items() if k not in {"latencies", "latencies_failed", "by_path"}
    }
    run.details["intake_open"] |= {"latency": latency, "stored_feedback": stored}
    for name, key in (("p50", "p50_ms"), ("p95", "p95_ms"), ("p99", "p99_ms")):
        run.add(
            Figure(
                f"intake.open.{name}",
                "1 Intake",
                f"submission latency {name}, open loop of {rate:g}/s (from each arrival's due time)",
                latency[key],
                "ms",
            )
        )
    run.add(
        Figure(
            "intake.open.errors",
            "1 Intake",
            f"open loop errors ({result['arrivals']} arrivals in {result['seconds']:.0f} s, {result['ok']} answered, "
            f"{stored} stored; the driver at most {lag_ms:g} ms behind its schedule)"
            + (f"; kinds: {', '.join(result['error_kinds'])}" if result["errors"] else ""),
            result["errors"],
            "",
        )
    )


# ---------------------------------------------------------------------------------------------
# 2. Public statistics and 3. inbox


RAW_FACILITY = """
SELECT count(*), count(resolved_at), count(*) FILTER (WHERE resolved_at <= resolve_due),
       avg(rating), count(*) FILTER (WHERE problem_solved),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY resolved_at - received_at)
FROM feedback_feedback WHERE service_unit_id = %s
"""
RAW_AREA = """
SELECT count(*), count(resolved_at), count(*) FILTER (WHERE resolved_at <= resolve_due),
       avg(rating), count(*) FILTER (WHERE problem_solved),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY resolved_at - received_at)
FROM feedback_feedback WHERE admin_unit_id = ANY(%s)
"""
RAW_NATIONAL = """
WITH RECURSIVE tree(id, top) AS (
    SELECT id, id FROM places_adminunit WHERE parent_id = (SELECT id FROM places_adminunit WHERE level = 'country')
    UNION ALL
    SELECT u.id, tree.top FROM places_adminunit u JOIN tree ON u.parent_id = tree.id
)
SELECT tree.top, count(*), count(resolved_at), count(*) FILTER (WHERE resolved_at <= resolve_due),
       avg(rating), count(*) FILTER (WHERE problem_solved),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY resolved_at - received_at)
FROM feedback_feedback f JOIN tree ON tree.id = f.admin_unit_id
WHERE f.received_at >= %s AND f.received_at < %s
GROUP BY ROLLUP (tree.top)
"""


def _timed_sql(sql: str, params, repeat: int = 1) -> list[float]:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return times


def _pages(settings: Settings, env: dict, paths: list[str], cookie: str = "", requests: int = 0) -> dict:
    """One client GETs the paths in turn: the time of a page when the server is not queueing."""
    args = ["pages", "--url", settings.base, "--clients", 1, "--duration", 120]
    args += ["--max-requests", requests or settings.page_requests]
    for path in paths:
        args += ["--path", path]
    if cookie:
        args += ["--cookie", cookie]
    return drive("bench.load", *args, env=env)


def bench_statistics(settings: Settings, env: dict, run: Run) -> None:
    from zoneinfo import ZoneInfo

    from django.conf import settings as django_settings
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from iltod.feedback import stats
    from iltod.feedback.models import Feedback
    from iltod.places.models import AdminUnit, ServiceUnit

    year = timezone.localdate().year - 1
    zone = ZoneInfo(django_settings.TIME_ZONE)
    busiest = (
        list(
            ServiceUnit.objects.filter(registry_code__startswith="DEMO-")
            .annotate(n=Count("feedback"))
            .order_by("-n", "pk")
            .values_list("pk", "code", "n")[:20]
        )
        if settings.rows <= 2_000_000
        else _busiest_facilities()
    )
    aimags = [
        u
        for u in AdminUnit.objects.current().top_level().order_by("code")
        if stats.summary("admin_unit", u.pk).received
    ]
    groups = {
        "facility": [f"/facilities/{code}/" for _pk, code, _n in busiest],
        "aimag": [f"/places/{u.code}/" for u in aimags],
        "national": [f"/feedback/statistics/?year={year}"],
    }
    # Raw aggregates: what the pages would run without the statistics table (a few of each).
    start = datetime(year, 1, 1, tzinfo=zone)
    end = datetime(year + 1, 1, 1, tzinfo=zone)
    log("raw aggregates (baseline)")
    raw = {
        "facility": [t for pk, _code, _n in busiest[:5] for t in _timed_sql(RAW_FACILITY, [pk])],
        "aimag": [t for u in aimags[:3] for t in _timed_sql(RAW_AREA, [u.descendant_ids()])],
        "national": _timed_sql(RAW_NATIONAL, [start, end], repeat=2),
    }
    run.details["statistics"] = {
        "year": year,
        "facilities": [{"code": code, "items": n} for _pk, code, n in busiest[:5]],
        "aimags": [u.code for u in aimags],
        "raw_seconds": raw,
    }
    titles = {"facility": "facility page", "aimag": "aimag page", "national": "national statistics page"}
    for group, paths in groups.items():
        log(f"pages: {group}")
        _pages(settings, env, paths, requests=2 * settings.workers)  # warm the workers
        result = _pages(settings, env, paths)
        latency = latency_summary(result["latencies"])
        raw_ms = percentile(raw[group], 50) * 1000
        run.details["statistics"][group] = latency | {"errors": result["errors"], "error_kinds": result["error_kinds"]}
        run.add(
            Figure(
                f"stats.{group}.p50",
                "2 Statistics",
                f"{titles[group]} p50",
                latency["p50_ms"],
                "ms",
                baseline=round(raw_ms, 1),
                baseline_name="raw SQL aggregate",
            )
        )
        run.add(
            Figure(
                f"stats.{group}.p95",
                "2 Statistics",
                f"{titles[group]} p95 ({latency['count']} requests, {result['errors']} errors)",
                latency["p95_ms"],
                "ms",
            )
        )
        if group == "facility":
            continue  # held to an absolute p95: its raw aggregate is index-cheap (report.TARGETS)
        run.add(
            Figure(
                f"stats.{group}.ratio",
                "2 Statistics",
                f"{titles[group]} p95 / raw aggregate",
                latency["p95_ms"],
                "ms",
                baseline=round(raw_ms, 1),
                baseline_name="raw SQL aggregate p50",
            )
        )
    # Refresh cost: the statistics update a new submission pays, over the full table, rolled back.
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    sample = list(Feedback.objects.filter(service_unit__isnull=False).order_by("-pk")[:200])
    times, queries = [], []
    with transaction.atomic():
        for feedback in sample:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                stats.record_received(feedback)
                times.append(time.perf_counter() - started)
            queries.append(len(captured))
        transaction.set_rollback(True)
    intake_p50 = run.details.get("intake", {}).get("intake", {}).get("latency", {}).get("p50_ms")
    refresh = latency_summary(times)
    run.details["statistics"]["refresh"] = refresh | {"queries": max(queries)}
    run.add(
        Figure(
            "stats.refresh",
            "2 Statistics",
            f"statistics refresh per new submission, mean ({max(queries)} queries)",
            round(sum(times) / len(times) * 1000, 2),
            "ms",
            baseline=intake_p50,
            baseline_name="whole submission p50",
        )
    )


def _busiest_facilities():
    """At national scale, count from the statistics table (a scan of feedback would take seconds)."""
    from django.db.models import Sum

    from iltod.feedback.models import Stat
    from iltod.places.models import ServiceUnit

    totals = (
        Stat.objects.filter(scope=Stat.Scope.FACILITY)
        .values("scope_id")
        .annotate(n=Sum("received"))
        .order_by("-n", "scope_id")[:20]
    )
    codes = dict(ServiceUnit.objects.filter(pk__in=[t["scope_id"] for t in totals]).values_list("pk", "code"))
    return [(t["scope_id"], codes[t["scope_id"]], t["n"]) for t in totals if t["scope_id"] in codes]


def bench_inbox(settings: Settings, env: dict, run: Run) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from iltod.accounts.models import User
    from iltod.feedback.models import Feedback

    officer = User.objects.get(email="officer@demo.iltod.mn")
    org_ids = list(officer.memberships.values_list("organization_id", flat=True))
    items = Feedback.objects.filter(handling_organization_id__in=org_ids)
    facility = (
        items.filter(status__in=Feedback.OPEN_STATUSES, service_unit__isnull=False)
        .order_by("pk")
        .values_list("service_unit__code", flat=True)
        .first()
    )
    category = items.order_by("pk").values_list("category_id", flat=True).first()
    paths = {
        "open (default)": "/staff/feedback/",
        "overdue": "/staff/feedback/?view=overdue",
        "by facility": f"/staff/feedback/?view=open&facility={facility}",
        "by category": f"/staff/feedback/?view=open&category={category}",
        "overdue, page 5": "/staff/feedback/?view=overdue&page=5",
    }
    client = Client(HTTP_ACCEPT_LANGUAGE="mn")
    client.force_login(officer)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    counts = {}
    for name, path in paths.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        counts[name] = {"status": response.status_code, "queries": len(captured)}
    log("pages: inbox")
    _pages(settings, env, list(paths.values()), cookie, requests=2 * settings.workers)
    result = _pages(settings, env, list(paths.values()), cookie)
    latency = latency_summary(result["latencies"])
    per_path = {name: latency_summary(result["by_path"].get(path, [])) for name, path in paths.items()}
    run.details["inbox"] = {
        "officer_items": items.count() if settings.rows <= 2_000_000 else None,
        "paths": paths,
        "queries": counts,
        "latency": per_path,
        "errors": result["errors"],
        "error_kinds": result["error_kinds"],
    }
    run.add(
        Figure(
            "inbox.p95",
            "3 Inbox",
            f"officer's inbox p95 over {len(paths)} filters ({latency['count']} requests, {result['errors']} errors)",
            latency["p95_ms"],
            "ms",
            target=Target("<", 150),
        )
    )
    for name in paths:
        run.add(Figure(f"inbox.{name}.p95", "3 Inbox", f"inbox {name} p95", per_path[name]["p95_ms"], "ms"))
    run.add(
        Figure(
            "inbox.queries",
            "3 Inbox",
            "queries per inbox page, most of the filters",
            max(c["queries"] for c in counts.values()),
            "",
            target=Target("<=", 15),
        )
    )


# ---------------------------------------------------------------------------------------------
# 4. Page weight


COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[tuple[str, str]] = []  # (tag, url)
        self.scripts = 0
        self.forms_post = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (
            tag == "link"
            and a.get("href")
            and set((a.get("rel") or "").split()) & {"stylesheet", "icon", "preload", "manifest"}
        ):
            self.assets.append((tag, a["href"]))
        elif tag in {"script", "img", "iframe", "source", "video", "audio", "embed"} and a.get("src"):
            self.assets.append((tag, a["src"]))
        if tag == "script":
            self.scripts += 1
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.forms_post += 1


def _wire_bytes(url: str, content_type: str, body: bytes) -> int:
    """What nginx sends with ``gzip on`` at its default level 1 (docs/deployment.md): text types
    compressed, images and fonts as they are."""
    path = urlsplit(url).path
    if content_type.startswith(COMPRESSED_TYPES) or path.endswith((".js", ".css", ".svg", ".json")):
        return len(gzip.compress(body, compresslevel=1))
    return len(body)


def bench_weight(settings: Settings, run: Run) -> None:
    import httpx

    from iltod.feedback.models import Feedback
    from iltod.places.models import ServiceUnit

    facility = ServiceUnit.objects.filter(registry_code__startswith="DEMO-").order_by("registry_code").first()
    item = Feedback.objects.filter(external_id__startswith="demo-").order_by("pk").first()
    pages = {
        "home": "/",
        "facility": f"/facilities/{facility.code}/",
        "feedback form": f"/feedback/new/?facility={facility.code}",
        "tracking (look-up)": "/feedback/track/",
        "tracking (item)": f"/feedback/{item.tracking_code}/",
    }
    details = {}
    with httpx.Client(base_url=settings.base, headers={"Accept-Language": "mn"}, timeout=30) as client:
        for name, path in pages.items():
            response = client.get(path)
            parser = _Assets()
            parser.feed(response.text)
            total = _wire_bytes(path, response.headers.get("content-type", ""), response.content)
            files = [{"url": path, "bytes": total}]
            foreign, seen = [], set()
            queue = [urljoin(settings.base + path, url) for _tag, url in parser.assets]
            while queue:
                url = queue.pop(0)
                if url in seen:
                    continue
                seen.add(url)
                parts = urlsplit(url)
                if parts.netloc != urlsplit(settings.base).netloc:
                    foreign.append(url)
                    continue
                if parts.path.startswith("/media/"):
                    continue  # user photos are not counted
                asset = client.get(url)
                size = _wire_bytes(url, asset.headers.get("content-type", ""), asset.content)
                files.append({"url": parts.path, "bytes": size, "status": asset.status_code})
                total += size
                if parts.path.endswith(".css"):
                    for ref in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", asset.text):
                        if not ref.startswith("data:"):
                            queue.append(urljoin(url, ref))
            details[name] = {
                "status": response.status_code,
                "files": files,
                "other_origins": foreign,
                "script_tags": parser.scripts,
                "post_forms": parser.forms_post,
            }
            run.add(
                Figure(
                    f"weight.{name}",
                    "4 Page weight",
                    f"{name}: {len(files)} files, {len(foreign)} requests to other origins, {parser.scripts} scripts",
                    round(total / 1024, 1),
                    "KB",
                    target=Target("<=", 50),
                )
            )
    run.details["weight"] = details


# ---------------------------------------------------------------------------------------------
# 6. Facility search (its own database: 100 000 facilities, see bench/search.py)


def bench_search(settings: Settings, run: Run) -> None:
    log("facility search: 50 queries over 100 000 facilities (bench.search)")
    result = drive("bench.search", env=os.environ, timeout=3 * 3600)
    run.details["search"] = result
    facilities = f"{result['facilities']:,}".replace(",", " ")
    run.add(
        Figure(
            "search.p95",
            "6 Search",
            f"facility search p95 over 50 queries, {facilities} facilities (page of 25 and count)",
            result["p95_ms"],
            "ms",
            target=Target("<", 50),
            note="" if result["uses_fulltext_index"] else "the full-text index was not used",
        )
    )
    run.add(Figure("search.p50", "6 Search", "facility search p50 over the same queries", result["p50_ms"], "ms"))


# ---------------------------------------------------------------------------------------------
# 7. The modules above score cards: each has its own benchmark (``python -m bench.<name>``), which
# builds its data in a database of its own and prints one JSON object; the figures it holds to a
# target are copied here, with the baseline it measured in the same run.

# (module, figure key, label, JSON path of the value, JSON path of the baseline, unit, target, on)
MODULE_FIGURES = [
    (
        "bench.disclosure",
        "disclosure.national.p95",
        "compliance page, country (20 000 bodies, 5 years)",
        "national_p95_ms",
        "baseline_national_from_disclosures_p95_ms",
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.disclosure",
        "disclosure.aimag.p95",
        "compliance page, each aimag",
        "aimag_p95_ms",
        "baseline_national_from_disclosures_p95_ms",
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.disclosure",
        "disclosure.body.p95",
        "compliance page, one body",
        "body_p95_ms",
        None,
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.disclosure",
        "disclosure.sector.p95",
        "compliance page, each sector",
        "sector_p95_ms",
        None,
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.disclosure_values",
        "disclosure.values.import",
        "import of a 100 000-row facility values file",
        "import_s",
        "baseline_bulk_insert_s",
        "s",
        Target("<", 60),
        "value",
    ),
    (
        "bench.disclosure_values",
        "disclosure.values.page.p95",
        "facility figures page, 5 years of values",
        "page_p95_ms",
        None,
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.procurement_flags",
        "procurement.flags.ratio",
        "red flags over 100 000 releases / parsing them",
        "flags_seconds",
        "baseline_parse_seconds",
        "s",
        Target("<=", 1.5),
        "ratio",
    ),
    (
        "bench.procurement_flags",
        "procurement.flags.peak",
        "red flags: peak memory",
        "peak_mb",
        None,
        "MB",
        Target("<=", 300),
        "value",
    ),
    (
        "bench.procurement_import",
        "procurement.import.rate",
        "OCDS import into PostgreSQL (baseline: parsing the file with orjson)",
        "releases_per_s",
        "baseline_parse_per_s",
        "releases/s",
        Target(">=", 2000),
        "value",
    ),
    (
        "bench.procurement_recompute",
        "procurement.recompute",
        "red flags recomputed over 100 000 stored processes (baseline: reading and parsing them)",
        "recompute_s",
        "baseline_read_parse_s",
        "s",
        Target("<", 30),
        "value",
    ),
    (
        "bench.ldf_projects",
        "disclosure.ldf.import",
        "import of Local Development Fund projects (20 000 rows)",
        "import_s",
        "baseline_bulk_insert_s",
        "s",
        Target("<", 60),
        "value",
    ),
    (
        "bench.ldf_projects",
        "disclosure.ldf.list.p95",
        "Local Development Fund: a soum's project list",
        "list_p95_ms",
        None,
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.ldf_projects",
        "disclosure.ldf.project.p95",
        "Local Development Fund: a project's page",
        "project_p95_ms",
        None,
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.results",
        "results.overview.p95",
        "results overview page",
        "page_overview.p95_ms",
        "baseline_count_at_each_view.p95_ms",
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.results",
        "results.ranking.p95",
        "public ranking page",
        "page_ranking.p95_ms",
        None,
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.results",
        "results.aimag.p95",
        "results page of an aimag",
        "page_aimag.p95_ms",
        None,
        "ms",
        Target("<", 100),
        "value",
    ),
    (
        "bench.results",
        "results.recompute",
        "recomputing a period's actuals",
        "recompute_s",
        None,
        "s",
        Target("<", 60),
        "value",
    ),
    (
        "bench.learning",
        "learning.heatmap.p95",
        "competency heat map, 50 000 people",
        "page_by_aimag.p95_ms",
        "baseline_from_ratings.p95_ms",
        "ms",
        Target("<", 150),
        "value",
    ),
    (
        "bench.learning_people",
        "learning.people.p95",
        "unique people trained, 200 000 participations",
        "headline.p95_ms",
        "baseline_distinct_count.p95_ms",
        "ms",
        Target("<", 150),
        "value",
    ),
]


def _path(data: dict, path: str | None):
    if path is None:
        return None
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def bench_modules(run: Run) -> None:
    results: dict[str, dict] = {}
    for module, key, label, value_path, baseline_path, unit, target, target_on in MODULE_FIGURES:
        if module not in results:
            log(f"{module}")
            try:
                results[module] = drive(module, env=os.environ, timeout=3 * 3600)
            except (RuntimeError, ValueError, subprocess.SubprocessError) as exc:
                results[module] = {"error": str(exc)[-500:]}
            run.details[module.removeprefix("bench.")] = results[module]
        data = results[module]
        baseline = _path(data, baseline_path)
        run.add(
            Figure(
                key,
                "7 Modules",
                label,
                _path(data, value_path),
                unit,
                baseline=baseline,
                baseline_name=baseline_path or "",
                target=target,
                target_on=target_on,
                note=data.get("error", ""),
            )
        )


# ---------------------------------------------------------------------------------------------
# 5. Suite time


def bench_suite(settings: Settings, run: Run) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    database = f"{settings.database}_suite"
    for name, extra in (("SQLite", {}), ("PostgreSQL", {"DATABASE_URL": f"{settings.pg}/{database}"})):
        if extra:
            psql(settings, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            psql(settings, f'CREATE DATABASE "{database}"')
        log(f"make test on {name}")
        started = time.perf_counter()
        command = ["make", "test"]
        result = subprocess.run(  # noqa: S603 - make from PATH, as a developer runs it
            command, cwd=ROOT, env=env | extra, capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        lines = result.stdout.strip().splitlines()
        closing = [line for line in lines if re.search(r"\d+ (passed|failed)", line)]
        summary = closing[-1].strip("= ") if closing else f"exit {result.returncode}"
        failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))][:20]
        run.details.setdefault("suite", {})[name] = {
            "seconds": seconds,
            "exit": result.returncode,
            "summary": summary,
            "failed": failed,
        }
        run.add(
            Figure(
                f"suite.{name}",
                "5 Suite",
                f"make test on {name}: {summary}",
                round(seconds, 1),
                "s",
                target=Target("<", 300),
            )
        )
        if extra:
            psql(settings, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            psql(settings, f'DROP DATABASE IF EXISTS "test_{database}" WITH (FORCE)')


# ---------------------------------------------------------------------------------------------


def main() -> int:
    settings = Settings()
    settings.out.mkdir(parents=True, exist_ok=True)
    env = server_env(settings)
    results_path = settings.out / "results.json"
    previous = json.loads(results_path.read_text()) if results_path.exists() else {}
    run = Run(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
        commit=commit(),
        parameters={
            "BENCH_ROWS": settings.rows,
            "clients": settings.clients,
            "seconds": settings.seconds,
            "open-loop rate": settings.open_rate,
            "gunicorn workers": settings.workers,
        },
    )
    started = time.perf_counter()
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DEBUG", "ILTOD_VAR_DIR")})
    os.environ["DJANGO_ENV"] = "development"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iltod.settings")
    try:
        setup_database(settings, env, run)
        import django

        django.setup()
        with Server(settings, env):
            bench_intake(settings, env, run)
            bench_open_intake(settings, env, run)
            bench_statistics(settings, env, run)
            bench_inbox(settings, env, run)
            bench_weight(settings, run)
        bench_search(settings, run)
        if os.environ.get("BENCH_MODULES", "1") != "0":
            bench_modules(run)
        if settings.suite:
            bench_suite(settings, run)
    finally:
        from django.db import connections

        connections.close_all()
        if not settings.keep:
            psql(settings, f'DROP DATABASE IF EXISTS "{settings.database}" WITH (FORCE)')
        _flush_redis(settings.redis)
        shutil.rmtree(settings.out / "var", ignore_errors=True)
    run.carry_over(previous, "suite.")  # BENCH_SUITE is opt-in
    run.carry_over(previous, "seed.")  # a kept database is not seeded again
    run.machine["load_average_at_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    run.parameters["total minutes"] = round((time.perf_counter() - started) / 60, 1)
    write_json(run, results_path)
    write_table(run, settings.docs)
    log(f"wrote {results_path} and {settings.docs}")
    print(
        Path(settings.docs).read_text().split("<!-- bench:results:start -->")[1].split("<!-- bench:results:end -->")[0]
    )
    return 0


def _flush_redis(url: str) -> None:
    """Empty the bench's own Redis database (number 14 unless BENCH_REDIS_URL says otherwise)."""
    try:
        import redis

        redis.Redis.from_url(url).flushdb()
    except Exception as exc:  # Redis down: nothing of the bench is left there
        log(f"could not empty {url}: {exc}")
