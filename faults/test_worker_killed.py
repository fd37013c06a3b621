"""Fault 3: the delivery worker is killed (SIGKILL) between sending a message and marking it sent."""

import random
import time

import pytest
from harness import wait_until

from conftest import outbox_settings
from iltod.notifications.tests.fakes import FakeSmsGateway, FakeSmtpServer

CLAIM_SECONDS = 2  # a claim older than this is taken to belong to a dead worker
KILLS = 8


def queue(site, sms: int, emails: int) -> None:
    """Queue messages straight into the outbox table, as a committed submission leaves them."""
    rows = [("sms", f"+9769911{n:04d}", "", f"Илтод: мессеж {n}") for n in range(sms)]
    rows += [
        ("email", f"person{n}@example.mn", f"Мэдэгдэл {n}", f"Сайн байна уу? Мэдэгдэл {n}.") for n in range(emails)
    ]
    for order, (channel, recipient, subject, body) in enumerate(rows):
        site.execute(
            "INSERT INTO notifications_outboundmessage (message_id, channel, recipient, language, subject, body, "
            "status, attempts, next_attempt_at, provider_id, last_error, related_id, created_at, may_be_duplicate, "
            "headers) VALUES (gen_random_uuid(), %s, %s, 'mn', %s, %s, 'pending', 0, "
            "now() - make_interval(secs => %s), '', '', '', now(), false, '{}')",
            (channel, recipient, subject, body, 1000 - order),  # oldest first: the SMS go out first
        )


def all_sent(site) -> bool:
    return {status for _mid, _c, status, _a, _d in site.outbox()} == {"sent"}


def worker_settings(smtp, gateway) -> dict:
    return {**outbox_settings(smtp, gateway), "OUTBOX_CLAIM_SECONDS": CLAIM_SECONDS}


def test_a_worker_killed_after_sending_loses_nothing_and_the_duplicate_is_reported_by_message_id(site):
    with FakeSmtpServer() as smtp, FakeSmsGateway(delay=3.0) as gateway:
        queue(site, sms=6, emails=3)
        worker = site.start_delivery_worker(**worker_settings(smtp, gateway))
        # The gateway counts the first message as delivered, then thinks for 3 s before answering:
        # the worker is killed while it waits, before it can mark the message sent.
        wait_until(lambda: gateway.delivered, timeout=30, interval=0.02, what="the first SMS reaches the gateway")
        worker.kill()
        (in_flight,) = gateway.delivered
        assert dict(site.query("SELECT message_id::text, status FROM notifications_outboundmessage"))[in_flight] == (
            "sending"
        )
        gateway.delay = 0

        survivor = site.start_delivery_worker(name="worker-2", **worker_settings(smtp, gateway))
        wait_until(lambda: all_sent(site), timeout=45, interval=0.2, what="every message sent by the new worker")
        time.sleep(1.0)  # a further copy would arrive in this time

        outbox = site.outbox()
        texts = {mid for mid, channel, *_ in outbox if channel == "sms"}
        emails = {f"<{mid}@iltod>" for mid, channel, *_ in outbox if channel == "email"}
        # Nothing lost: every message arrived; the one in flight when the worker died arrived twice,
        # with the same message id (and Idempotency-Key), which is how the duplicate is detected.
        assert dict(gateway.delivered) == {mid: 2 if mid == in_flight else 1 for mid in texts}
        assert dict(smtp.received) == dict.fromkeys(emails, 1)
        keys = [r["headers"]["Idempotency-Key"] for r in gateway.requests if r["body"]["message_id"] == in_flight]
        assert keys == [in_flight, in_flight]
        # ... and reported: flagged in the outbox (staff see it in the admin) and logged by the worker.
        assert {mid for mid, *_x, duplicate in outbox if duplicate} == {in_flight}
        assert in_flight in survivor.output() and "may get it twice" in survivor.output()
        print(f"worker killed: {len(outbox)} messages, all delivered; {in_flight} twice, flagged and logged")


@pytest.mark.long
def test_a_worker_killed_again_and_again_loses_nothing_and_flags_every_possible_duplicate(site):
    chance = random.Random(5)  # deterministic pauses
    with FakeSmtpServer() as smtp, FakeSmsGateway(delay=0.15) as gateway:
        queue(site, sms=30, emails=15)
        for round_number in range(KILLS):
            seen = len(gateway.requests) + len(smtp.messages)
            worker = site.start_delivery_worker(name=f"worker-{round_number}", **worker_settings(smtp, gateway))
            wait_until(
                lambda seen=seen: len(gateway.requests) + len(smtp.messages) > seen or all_sent(site),
                timeout=60,
                interval=0.01,
                what="the worker sends something",
            )
            if round_number % 2:
                # right after the gateway took an SMS, while it thinks: the worker never hears back
                seen = len(gateway.requests)
                wait_until(lambda seen=seen: len(gateway.requests) > seen or all_sent(site), timeout=30, interval=0.005)
            else:
                time.sleep(chance.uniform(0.0, 0.5))  # anywhere in the loop
            worker.kill()
        site.start_delivery_worker(name="worker-last", **worker_settings(smtp, gateway))
        wait_until(lambda: all_sent(site), timeout=90, interval=0.3, what="every message sent in the end")
        time.sleep(1.0)

        outbox = site.outbox()
        texts = {mid for mid, channel, *_ in outbox if channel == "sms"}
        emails = {f"<{mid}@iltod>" for mid, channel, *_ in outbox if channel == "email"}
        flagged = {mid for mid, *_x, duplicate in outbox if duplicate}
        assert set(gateway.delivered) == texts  # nothing lost
        assert set(smtp.received) == emails
        twice = {mid for mid, n in gateway.delivered.items() if n > 1}
        twice |= {key.strip("<>").removesuffix("@iltod") for key, n in smtp.received.items() if n > 1}
        assert len(twice) >= KILLS // 2  # the kills in flight did make duplicates...
        assert twice <= flagged  # ... and every one of them is reported
        print(
            f"killed {KILLS} times: {len(outbox)} messages, all delivered; {len(twice)} twice, {len(flagged)} flagged"
        )
