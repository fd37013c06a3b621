"""Fault 4: Celery on a private Redis; Redis is stopped while citizens submit, then started again.

As docs/deployment.md sets it up, the same Redis also holds the cache (rate-limit counters, the
versions of the reference tables kept in memory): stopping it takes both away at once."""

import time

from harness import wait_until

from conftest import assert_each_delivered_once, outbox_settings, tracking_code
from iltod.notifications.tests.fakes import FakeSmsGateway, FakeSmtpServer

SUBMISSIONS = 5


def submit(citizen, label: str, number: int):
    started = time.monotonic()
    response = citizen.submit(
        f"fault-broker {label} {number}: no textbooks for the second grade",
        privacy="name_hidden",
        phone=f"8811{number:04d}",
    )
    return response, time.monotonic() - started


def statuses(site, codes) -> set[str]:
    rows = site.query(
        "SELECT m.status FROM notifications_outboundmessage m JOIN feedback_feedback f "
        "ON m.related_id = f.id::text WHERE f.tracking_code = ANY(%s)",
        (list(codes),),
    )
    return {status for (status,) in rows}


def test_submissions_are_accepted_while_the_broker_is_down_and_delivered_once_it_is_back(site, citizen_factory):
    redis = site.start_redis()
    with FakeSmtpServer() as smtp, FakeSmsGateway() as gateway:
        env = {
            **outbox_settings(smtp, gateway),
            "REDIS_URL": redis.url,  # the cache, database 0
            "CELERY_BROKER_URL": redis.url.rsplit("/", 1)[0] + "/1",  # the broker, database 1
            "OUTBOX_SWEEP_SECONDS": 1,
        }
        worker = site.start_celery_worker(**env)  # starts while gunicorn does
        app = site.start_app(**env)
        wait_until(lambda: "ready" in worker.output(), timeout=60, interval=0.3, what="the Celery worker is ready")
        citizen = citizen_factory(app)

        # With the broker up, the worker delivers.
        response, _took = submit(citizen, "before", 0)
        before = {tracking_code(response)}
        wait_until(lambda: statuses(site, before) == {"sent"}, timeout=30, what="delivery through the worker")

        redis.stop()
        time.sleep(1.0)  # a sweep the worker fetched just before runs now, not on the next submissions
        answers = [submit(citizen, "during", n) for n in range(SUBMISSIONS)]
        assert [r.status_code for r, _took in answers] == [302] * SUBMISSIONS, [r.text[:300] for r, _t in answers]
        slowest = max(took for _r, took in answers)
        assert slowest < 5, f"a submission took {slowest:.1f} s while the broker was down"
        during = {tracking_code(r) for r, _took in answers}
        stored = site.query(
            "SELECT tracking_code FROM feedback_feedback WHERE tracking_code = ANY(%s)", (list(during),)
        )
        assert {code for (code,) in stored} == during
        time.sleep(2.0)  # the worker and its beat cannot reach the broker: nothing goes out
        assert statuses(site, during) == {"pending"}
        delivered_before_restart = len(gateway.delivered)

        redis.start()  # same port
        restarted = time.monotonic()
        wait_until(
            lambda: statuses(site, during) == {"sent"},
            timeout=90,
            interval=0.3,
            what="the messages queued while the broker was down are delivered",
        )
        took = time.monotonic() - restarted
        time.sleep(2.0)  # further sweeps must not send anything again

        assert worker.alive()
        outbox = site.outbox()
        assert {status for _m, _c, status, _a, _d in outbox} == {"sent"}
        assert_each_delivered_once(outbox, smtp, gateway)
        assert len(gateway.delivered) == delivered_before_restart + SUBMISSIONS  # one receipt per submission
        print(
            f"broker down: {SUBMISSIONS} submissions accepted (slowest {slowest:.2f} s), "
            f"{len(outbox)} messages delivered once, {took:.1f} s after Redis came back"
        )
