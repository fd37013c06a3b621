"""Fault 5: the same inbound SMS and the same KoBo submission delivered 5 times at once."""

import os
import subprocess
import uuid

import pytest
import requests
from harness import PYTHON, ROOT

from conftest import TIMEOUT, run_together

COPIES = 5
ROUNDS = 3
CHANNEL_TESTS = ["iltod/feedback/tests/test_sms_channel.py", "iltod/feedback/tests/test_kobo_channel.py"]


def count(site, sql: str, params=()) -> int:
    return site.query(sql, params)[0][0]


def deliver_together(url: str, payload: dict, secret: str) -> list[requests.Response]:
    def deliver(_i):
        return requests.post(url, json=payload, headers={"X-Iltod-Secret": secret}, timeout=TIMEOUT)

    answers = run_together(COPIES, deliver)
    assert [type(a) for a in answers] == [requests.Response] * COPIES, answers
    return answers


def test_the_same_sms_and_kobo_submission_delivered_five_times_at_once_make_one_feedback_each(site):
    app = site.start_app()
    for round_number in range(ROUNDS):
        message_id = f"gw-race-{round_number}"
        sender = f"+9769911{round_number:04d}"
        message = {"message_id": message_id, "from": sender, "text": "surguuliin hool huiten baina"}
        answers = deliver_together(f"{app.url}/webhooks/sms/", message, "fault-sms-secret")
        outcomes = sorted((a.status_code, a.json().get("duplicate", False)) for a in answers)
        assert outcomes == [(200, False)] + [(200, True)] * (COPIES - 1)
        assert len({a.json()["tracking_code"] for a in answers}) == 1
        sql = "SELECT count(*) FROM feedback_feedback WHERE channel = 'sms' AND external_id = %s"
        assert count(site, sql, (message_id,)) == 1
        sql = "SELECT count(*) FROM notifications_outboundmessage WHERE channel = 'sms' AND recipient = %s"
        assert count(site, sql, (sender,)) == 1  # one reply with the tracking code, not five

        instance = str(uuid.UUID(int=round_number + 1))
        submission = {**site.seed["kobo_submission"], "_uuid": instance, "meta/instanceID": f"uuid:{instance}"}
        answers = deliver_together(f"{app.url}/webhooks/kobo/", submission, "fault-kobo-secret")
        assert sorted(a.status_code for a in answers) == [200] * (COPIES - 1) + [201]
        assert len({a.json()["tracking_code"] for a in answers}) == 1
        sql = "SELECT count(*) FROM feedback_feedback WHERE channel = 'kobo' AND external_id = %s"
        assert count(site, sql, (instance,)) == 1
    assert count(site, "SELECT count(*) FROM feedback_feedback") == 2 * ROUNDS
    assert count(site, "SELECT count(*) FROM feedback_inboundmessage") == 2 * ROUNDS


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
