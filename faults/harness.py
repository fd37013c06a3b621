"""Throwaway services for the fault tests: a PostgreSQL cluster made with ``initdb``, a private
Redis, the application under gunicorn, delivery workers. Everything listens on 127.0.0.1 on a
port of its own, lives in a temporary directory and is stopped when the test ends; the
machine's own PostgreSQL and Redis are never touched.

Every wait is bounded in time: one that does not reach its goal raises ``TimeoutError``.
"""

import glob
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def port_open(port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(predicate, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Call ``predicate`` until it returns something truthy; bounded by ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    tries = 0
    while True:
        tries += 1
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: not reached within {timeout:.0f} s ({tries} tries)")
        time.sleep(interval)


def stop_process(process: subprocess.Popen, *, sig=signal.SIGTERM, grace: float = 10.0) -> None:
    """Stop a process we started (and its process group); kill it if it does not stop in time."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_bin() -> Path:
    """The newest server installed under /usr/lib/postgresql/<version>/bin."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if not candidates:
        found = shutil.which("initdb")
        if not found:
            raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        return Path(found).resolve().parent
    return Path(candidates[-1]).parent


class PostgresCluster:
    """A cluster of its own: ``initdb`` in a temporary directory, served on its own port, TCP only."""

    def __init__(self, workdir: Path):
        self.bin = postgres_bin()
        self.data = workdir / "pgdata"
        self.log = workdir / "postgres.log"
        self.port = free_port()
        # initdb and postgres refuse to run as root: run them as the system's postgres user then.
        self.user = "postgres" if os.geteuid() == 0 else None
        workdir.mkdir(parents=True, exist_ok=True)
        self.data.mkdir()
        self.log.touch()
        if self.user:
            account = pwd.getpwnam(self.user)
            for path in (workdir, self.data, self.log):
                os.chown(path, account.pw_uid, account.pw_gid)

    def _run(self, *args, timeout=60):
        return subprocess.run(  # noqa: S603 - our own commands, no shell
            [str(self.bin / args[0]), *args[1:]],
            user=self.user,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd="/",
        )

    def init(self) -> "PostgresCluster":
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self, extra_options: str = "") -> None:
        options = (
            f"-p {self.port} -c listen_addresses={LOOPBACK} -c unix_socket_directories='' "
            "-c fsync=off -c full_page_writes=off -c max_connections=60 -c shared_buffers=32MB "
            f"{extra_options}"
        ).strip()
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")
        wait_until(self.accepts_connections, timeout=30, what="PostgreSQL accepts connections")

    def stop(self, mode: str = "fast") -> None:
        """``fast``: a clean shutdown that disconnects clients; ``immediate``: like a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def accepts_connections(self) -> bool:
        try:
            with psycopg.connect(self.url("postgres"), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def url(self, database: str) -> str:
        return f"postgresql://postgres@{LOOPBACK}:{self.port}/{database}"

    def django_url(self, database: str) -> str:
        # connect_timeout bounds the wait for a server that does not answer at all
        return f"postgres://postgres@{LOOPBACK}:{self.port}/{database}?connect_timeout=3"

    def create_database(self, name: str, template: str | None = None) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=5) as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{suffix}')

    def query(self, database: str, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.url(database), connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()

    def execute(self, database: str, sql: str, params=()) -> None:
        with psycopg.connect(self.url(database), connect_timeout=5) as conn:
            conn.execute(sql, params)


class StreamingReplica(PostgresCluster):
    """A hot standby of ``primary``: ``pg_basebackup -R`` (which writes ``standby.signal`` and the
    primary's address), then served read-only on its own port, streaming the primary's changes."""

    def __init__(self, workdir: Path, primary: PostgresCluster):
        super().__init__(workdir)
        self.primary = primary

    def init(self) -> "StreamingReplica":
        self._run(
            "pg_basebackup",
            *("-h", LOOPBACK, "-p", str(self.primary.port), "-U", "postgres"),
            *("-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
            timeout=180,
        )
        self.data.chmod(0o700)
        return self

    def start(self, extra_options: str = "") -> None:
        # Every statement in the log, with its database: the tests read where the queries ran.
        super().start(f"-c log_statement=all -c log_line_prefix='%m [%p] %d ' {extra_options}")

    def log_text(self, start: int = 0) -> str:
        return self.log.read_text(errors="replace")[start:]

    def log_size(self) -> int:
        return len(self.log.read_text(errors="replace"))

    def is_standby(self) -> bool:
        return self.query("postgres", "SELECT pg_is_in_recovery()")[0][0]


# --- Redis -----------------------------------------------------------------------------------


class RedisServer:
    """A private redis-server on its own port, no persistence; can be stopped and started again."""

    def __init__(self, workdir: Path):
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> None:
        log = open(self.workdir / "redis.log", "ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own commands, no shell
            [self.binary, "--port", str(self.port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_until(lambda: port_open(self.port), timeout=15, what="Redis listens")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, grace=5)
            self.process = None
        wait_until(lambda: not port_open(self.port), timeout=10, what="Redis port closed")


# --- the application -------------------------------------------------------------------------


def django_env(database_url: str, var_dir: Path, **overrides) -> dict[str, str]:
    """Environment for a Django process of the fault tests (production-like: no debug, persistent
    database connections with health checks, as ``docs/deployment.md`` recommends)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "iltod.settings",
            "PYTHONPATH": str(ROOT),  # this checkout, whatever the virtualenv has installed
            "DJANGO_ENV": "development",
            "DEBUG": "0",
            "SECRET_KEY": "fault-tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "60",
            "ILTOD_VAR_DIR": str(var_dir),
            "MEDIA_ROOT": str(var_dir / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "FEEDBACK_RATE_PER_IP": "1000000/h",
            "FEEDBACK_PER_PHONE_PER_DAY": "1000000",
            "SMS_WEBHOOK_SECRET": "fault-sms-secret",
            "KOBO_WEBHOOK_SECRET": "fault-kobo-secret",
            "FEEDBACK_TRIAGE_ORGANIZATION": "",
            # no mail or SMS leaves the machine: tests point these at local fake servers
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "SMS_GATEWAY": "console",
            "EMAIL_TIMEOUT": "5",
            "SMS_GATEWAY_TIMEOUT": "5",
            "OUTBOX_RETRY_SECONDS": "1",
        }
    )
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(  # noqa: S603 - our own commands, no shell
        [PYTHON, str(ROOT / "manage.py"), *args],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def run_script(env: dict, script: Path, timeout: float = 120) -> dict:
    result = subprocess.run(  # noqa: S603 - our own commands, no shell
        [PYTHON, str(script)], check=False, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise RuntimeError(f"{script.name} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Service:
    """A long-running subprocess (gunicorn, a worker) with its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, workdir: Path):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = workdir / f"{name}.log"
        self.process = None

    def start(self) -> "Service":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own commands, no shell
            self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    stop_signal = signal.SIGTERM

    def stop(self, grace: float = 10.0) -> None:
        if self.process is not None:
            stop_process(self.process, sig=self.stop_signal, grace=grace)

    def kill(self) -> None:
        """SIGKILL the whole process group: no cleanup, no chance to mark anything."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class AppServer(Service):
    """The application under gunicorn (threaded workers, so concurrent requests really overlap)."""

    stop_signal = signal.SIGINT  # gunicorn's quick shutdown: the test is over, nothing to finish

    def __init__(self, env: dict, workdir: Path, workers: int = 2, threads: int = 4):
        self.port = free_port()
        argv = [
            PYTHON,
            "-m",
            "gunicorn",
            "iltod.wsgi:application",
            "--bind",
            f"{LOOPBACK}:{self.port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--preload",  # load the application once, then fork the workers: a faster start
        ]
        super().__init__("gunicorn", argv, env, workdir)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> "AppServer":
        super().start()

        def up():
            if not self.alive():
                raise RuntimeError(f"gunicorn exited:\n{self.output()[-4000:]}")
            try:
                with urllib.request.urlopen(self.url + "/health/", timeout=3) as response:  # noqa: S310
                    return response.status == 200
            except (urllib.error.URLError, OSError):
                return False

        wait_until(up, timeout=60, interval=0.2, what="gunicorn answers /health/")
        return self


def delivery_worker(env: dict, workdir: Path, name: str = "worker", interval: float = 0.2) -> Service:
    """``manage.py deliver_outbox --loop``: the outbox worker that runs without Celery."""
    argv = [PYTHON, str(ROOT / "manage.py"), "deliver_outbox", "--loop", "--interval", str(interval)]
    return Service(name, argv, env, workdir)


def celery_worker(env: dict, workdir: Path) -> Service:
    """A Celery worker with the beat scheduler embedded (the periodic outbox sweep)."""
    argv = [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "iltod",
        "worker",
        "--beat",
        "--schedule",
        str(workdir / "celerybeat-schedule"),
        "--pool",
        "solo",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]
    worker = Service("celery", argv, env, workdir)
    worker.stop_signal = signal.SIGQUIT  # cold shutdown: the test is over
    return worker
