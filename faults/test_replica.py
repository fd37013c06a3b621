"""Fault 6: a real streaming replica (``pg_basebackup`` of the test cluster, a hot standby on its own
port). The statistics pages and API read from it; writes never go to it; stopping it under load
loses nothing and gives no 5xx, and its reads come back once it runs again."""

import threading
import time

import harness
import pytest
import requests

from conftest import TIMEOUT, tracking_code

RETRY = 2  # DATABASE_REPLICA_RETRY_SECONDS: how long a failed replica is left alone
BEFORE, OUTAGE, AFTER = 3.0, 4.0, 8.0  # seconds
DASHBOARDS = ("/feedback/statistics/", "/api/v1/statistics/", "/feedback/statistics/?year=2025")


@pytest.fixture
def replica(site):
    standby = harness.StreamingReplica(site.workdir / "replica", site.cluster).init()
    standby.start()
    assert standby.is_standby()
    yield standby
    if standby.is_running():
        standby.stop("immediate")


def statistics_reads(text: str, database: str) -> int:
    """Statements on the statistics table of ``database`` in a replica's log."""
    return sum(1 for line in text.splitlines() if f" {database} " in line and "feedback_stat" in line)


def writes(text: str) -> list[str]:
    keywords = ("INSERT INTO", "UPDATE ", "DELETE FROM", "read-only transaction")
    return [line for line in text.splitlines() if any(k in line for k in keywords)]


def test_dashboards_read_from_the_replica_and_writes_never_go_there(site, replica, citizen_factory):
    app = site.start_app(DATABASE_REPLICA_URLS=replica.django_url(site.database), DATABASE_REPLICA_RETRY_SECONDS=RETRY)
    for path in DASHBOARDS:
        response = requests.get(app.url + path, timeout=TIMEOUT)
        assert response.status_code == 200, (path, response.text[:500])
    log = replica.log_text()
    assert statistics_reads(log, site.database) >= len(DASHBOARDS)

    citizen = citizen_factory(app)
    response = citizen.submit("fault-replica: the clinic's roof leaks")
    code = tracking_code(response)
    assert code, response.text[:500]
    assert site.query("SELECT count(*) FROM feedback_feedback WHERE tracking_code = %s", (code,)) == [(1,)]
    assert writes(replica.log_text()) == []

    # The replica follows the primary: the new item reaches it within seconds.
    harness.wait_until(
        lambda: (
            replica.query(site.database, "SELECT count(*) FROM feedback_feedback WHERE tracking_code = %s", (code,))
            == [(1,)]
        ),
        timeout=15,
        what="the new feedback reaches the replica",
    )


def test_stopping_the_replica_under_load_loses_nothing_and_gives_no_5xx(site, replica, citizen_factory):
    app = site.start_app(DATABASE_REPLICA_URLS=replica.django_url(site.database), DATABASE_REPLICA_RETRY_SECONDS=RETRY)
    stop = threading.Event()
    results: list[tuple[str, int | None, str]] = []  # (what, status, error)
    submitted: list[str] = []

    def read_dashboards(number: int):
        session = requests.Session()
        for turn in range(100_000):
            if stop.is_set():
                return
            path = DASHBOARDS[(number + turn) % len(DASHBOARDS)]
            try:
                response = session.get(app.url + path, timeout=TIMEOUT)
                results.append((path, response.status_code, ""))
            except requests.RequestException as exc:
                results.append((path, None, repr(exc)))
            time.sleep(0.05)

    def submit(number: int):
        citizen = citizen_factory(app)
        for turn in range(100_000):
            if stop.is_set():
                return
            try:
                response = citizen.submit(f"fault-replica {number}-{turn}: no water at the school")
                results.append(("submit", response.status_code, ""))
                if tracking_code(response):
                    submitted.append(tracking_code(response))
            except requests.RequestException as exc:
                results.append(("submit", None, repr(exc)))
            time.sleep(0.1)

    threads = [threading.Thread(target=read_dashboards, args=(n,), daemon=True) for n in range(3)]
    threads += [threading.Thread(target=submit, args=(n,), daemon=True) for n in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(BEFORE)
        before_outage = statistics_reads(replica.log_text(), site.database)
        replica.stop("immediate")  # like a crash of the replica's server
        time.sleep(OUTAGE)
        restart_at = replica.log_size()
        replica.start()
        time.sleep(AFTER)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    failures = [r for r in results if r[1] is None or r[1] >= 500]
    assert failures == [], failures[:5]
    assert before_outage > 0, "the dashboards did not read from the replica before the outage"
    assert sum(1 for r in results if r[0] == "submit" and r[1] == 302) == len(submitted) > 10
    stored = {
        row[0]
        for row in site.query("SELECT tracking_code FROM feedback_feedback WHERE tracking_code = ANY(%s)", (submitted,))
    }
    assert stored == set(submitted)  # nothing lost
    # Back in use once it answers again (after the retry time).
    assert statistics_reads(replica.log_text(restart_at), site.database) > 0
    assert writes(replica.log_text()) == []
