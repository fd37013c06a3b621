"""Fault 5: the same inbound SMS and the same KoBo submission delivered 5 times at once."""

import os
import subprocess

import pytest
import requests
from harness import PYTHON, ROOT

from conftest import TIMEOUT, run_together

COPIES = 5
CHANNEL_TESTS = ["iltod/feedback/tests/test_sms_channel.py", "iltod/feedback/tests/test_kobo_channel.py"]


def count(site, sql: str, params=()) -> int:
    return site.query(sql, params)[0][0]


def test_the_same_sms_delivered_five_times_at_once_makes_one_feedback(site):
    app = site.start_app()
    message = {"message_id": "gw-race-1", "from": "+97699112233", "text": "surguuliin hool huiten baina"}

    def deliver(_i):
        return requests.post(
            f"{app.url}/webhooks/sms/", json=message, headers={"X-Iltod-Secret": "fault-sms-secret"}, timeout=TIMEOUT
        )

    answers = run_together(COPIES, deliver)
    assert [type(a) for a in answers] == [requests.Response] * COPIES, answers
    outcomes = sorted((a.status_code, a.json().get("duplicate", False)) for a in answers)
    assert outcomes == [(200, False)] + [(200, True)] * (COPIES - 1)
    assert len({a.json()["tracking_code"] for a in answers}) == 1
    assert (
        count(site, "SELECT count(*) FROM feedback_feedback WHERE channel = 'sms' AND external_id = %s", ("gw-race-1",))
        == 1
    )
    assert count(site, "SELECT count(*) FROM feedback_inboundmessage") == 1
    assert (
        count(
            site,
            "SELECT count(*) FROM notifications_outboundmessage WHERE channel = 'sms' AND recipient = %s",
            ("+97699112233",),
        )
        == 1
    )  # one reply with the tracking code, not five


def test_the_same_kobo_submission_delivered_five_times_at_once_makes_one_feedback(site):
    app = site.start_app()
    submission = site.seed["kobo_submission"]

    def deliver(_i):
        return requests.post(
            f"{app.url}/webhooks/kobo/",
            json=submission,
            headers={"X-Iltod-Secret": "fault-kobo-secret"},
            timeout=TIMEOUT,
        )

    answers = run_together(COPIES, deliver)
    assert [type(a) for a in answers] == [requests.Response] * COPIES, answers
    assert sorted(a.status_code for a in answers) == [200] * (COPIES - 1) + [201]
    assert len({a.json()["tracking_code"] for a in answers}) == 1
    assert (
        count(
            site,
            "SELECT count(*) FROM feedback_feedback WHERE channel = 'kobo' AND external_id = %s",
            (submission["_uuid"],),
        )
        == 1
    )
    assert count(site, "SELECT count(*) FROM feedback_inboundmessage") == 1


@pytest.mark.long
def test_the_concurrency_tests_of_the_channels_pass_on_the_throwaway_cluster(site):
    """The unit tests that race five deliveries in threads, run against this cluster's PostgreSQL."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        {
            "DJANGO_ENV": "test",
            "DATABASE_URL": site.cluster.django_url("iltod_channels"),  # pytest-django makes test_iltod_channels
            "ILTOD_VAR_DIR": str(site.workdir / "var"),
            "PYTHONPATH": str(ROOT),
        }
    )
    result = subprocess.run(  # noqa: S603 - our own commands, no shell
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "concurrent", *CHANNEL_TESTS],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 passed" in result.stdout and "skipped" not in result.stdout
