"""Fixtures of the fault tests: one throwaway PostgreSQL cluster per run, migrated and seeded once
into a template database; each test gets a fresh copy of it and starts the processes it needs
(gunicorn, workers, Redis), which are stopped when the test ends, whatever happened."""

import itertools
import os
import re
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import harness
import pytest
import requests

TEMPLATE = "iltod_template"
_numbers = itertools.count(1)


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # pytest then runs the teardowns: no cluster or server is left running


signal.signal(signal.SIGTERM, _interrupt)


@pytest.fixture(scope="session")
def workdir():
    path = Path(tempfile.mkdtemp(prefix="iltod-faults-"))
    path.chmod(0o755)  # the cluster runs as the postgres user when the tests run as root
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster(workdir):
    cluster = harness.PostgresCluster(workdir / "pg").init()
    cluster.start()
    yield cluster
    if cluster.is_running():
        cluster.stop("immediate")


@pytest.fixture(scope="session")
def seed(cluster, workdir):
    cluster.create_database(TEMPLATE)
    env = harness.django_env(cluster.django_url(TEMPLATE), workdir / "var")
    harness.manage(env, "migrate", "--noinput", "-v0")
    return harness.run_script(env, Path(__file__).parent / "seed.py")


@dataclass
class Site:
    """One test's installation: its own database (a copy of the seeded template) and processes."""

    cluster: harness.PostgresCluster
    database: str
    workdir: Path
    seed: dict
    services: list = field(default_factory=list)
    redis: harness.RedisServer | None = None

    def env(self, **overrides) -> dict:
        return harness.django_env(self.cluster.django_url(self.database), self.workdir / "var", **overrides)

    def start_app(self, **overrides) -> harness.AppServer:
        app = harness.AppServer(self.env(**overrides), self.workdir)
        self.services.append(app)
        return app.start()

    def start_delivery_worker(self, name="worker", **overrides) -> harness.Service:
        worker = harness.delivery_worker(self.env(**overrides), self.workdir, name=name)
        self.services.append(worker)
        return worker.start()

    def start_celery_worker(self, **overrides) -> harness.Service:
        worker = harness.celery_worker(self.env(**overrides), self.workdir)
        self.services.append(worker)
        return worker.start()

    def start_redis(self) -> harness.RedisServer:
        self.redis = harness.RedisServer(self.workdir / "redis")
        self.redis.start()
        return self.redis

    def query(self, sql: str, params=()) -> list[tuple]:
        return self.cluster.query(self.database, sql, params)

    def execute(self, sql: str, params=()) -> None:
        self.cluster.execute(self.database, sql, params)

    def outbox(self) -> list[tuple]:
        """(message_id, channel, status, attempts, may_be_duplicate) of every outgoing message."""
        return [
            (str(row[0]), *row[1:])
            for row in self.query(
                "SELECT message_id, channel, status, attempts, may_be_duplicate FROM notifications_outboundmessage"
            )
        ]

    def close(self) -> None:
        for service in reversed(self.services):
            service.stop()
        if self.redis is not None and self.redis.process is not None:
            self.redis.stop()

    def logs(self) -> str:
        parts = []
        for service in self.services:
            text = service.output()
            parts.append(f"--- {service.name} (last lines) ---\n{text[-3000:]}")
        return "\n".join(parts)


@pytest.fixture
def site(cluster, seed, workdir):
    if not cluster.is_running():  # a failed restart test must not take the others down with it
        cluster.start()
    name = f"iltod_fault_{next(_numbers)}"
    cluster.create_database(name, template=TEMPLATE)
    site = Site(cluster=cluster, database=name, workdir=workdir / name, seed=seed)
    site.workdir.mkdir()
    yield site
    site.close()
    print(site.logs())  # shown with the report of a failed test


# --- clients ---------------------------------------------------------------------------------

TIMEOUT = (3, 15)  # connect, read: no request of the fault tests may hang


class Citizen:
    """A browser submitting the public feedback form: one CSRF cookie, many submissions."""

    def __init__(self, app_url: str, seed: dict, language: str = "mn"):
        self.app_url = app_url
        self.seed = seed
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = language
        self.form_url = f"{app_url}/feedback/new/?facility={seed['facility']}"
        response = self.session.get(self.form_url, timeout=TIMEOUT)
        response.raise_for_status()
        self.token = self.session.cookies["csrftoken"]

    def submit(self, description: str, **fields) -> requests.Response:
        data = {
            "csrfmiddlewaretoken": self.token,
            "facility": self.seed["facility"],
            "kind": "complaint",
            "category": str(self.seed["category"]),
            "description": description,
            "privacy": "anonymous",
            "website": "",
            **fields,
        }
        return self.session.post(self.form_url, data=data, timeout=TIMEOUT, allow_redirects=False)


def tracking_code(response: requests.Response) -> str | None:
    """The tracking code from the redirect to the thank-you page, if the submission was accepted."""
    if response.status_code != 302:
        return None
    match = re.search(r"/feedback/thanks/([^/]+)/", response.headers.get("Location", ""))
    return match.group(1) if match else None


def run_together(count: int, action, timeout: float = 60) -> list:
    """Run ``action(i)`` in ``count`` threads released at the same moment; results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = action(i)
        except Exception as exc:  # reported by the caller's assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a concurrent request did not finish in time"
    return results


def outbox_settings(smtp, gateway) -> dict:
    """Environment that sends the outbox to the fake SMTP server and SMS gateway of a test."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": smtp.port,
        "EMAIL_USE_TLS": "false",
        "SMS_GATEWAY": "http",
        "SMS_GATEWAY_URL": gateway.url,
    }


def assert_each_delivered_once(outbox, smtp, gateway) -> None:
    """Every outgoing message reached its server exactly once, identified by its message id."""
    emails = {f"<{mid}@iltod>" for mid, channel, *_ in outbox if channel == "email"}
    texts = {mid for mid, channel, *_ in outbox if channel == "sms"}
    assert dict(smtp.received) == dict.fromkeys(emails, 1)
    assert dict(gateway.delivered) == dict.fromkeys(texts, 1)


@pytest.fixture
def citizen_factory(site):
    def make(app, language="mn"):
        return Citizen(app.url, site.seed, language)

    return make


def pytest_report_header(config):
    return f"fault tests: PostgreSQL binaries in {harness.postgres_bin()}, pid {os.getpid()}"
