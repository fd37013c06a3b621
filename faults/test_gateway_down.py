"""Fault 2: the SMTP server and the SMS gateway refuse for a while, then accept again."""

import time

from harness import wait_until

from conftest import assert_each_delivered_once, outbox_settings, tracking_code
from iltod.notifications.tests.fakes import FakeSmsGateway, FakeSmtpServer

SUBMISSIONS = 6
REFUSAL = 4.0  # seconds


def refuse_everything(smtp, gateway) -> None:
    with smtp.lock:
        smtp.refuse = 10**9  # "451 try again later" to every MAIL FROM
    gateway.answer_next(*[503] * 100_000)


def accept_everything(smtp, gateway) -> None:
    with smtp.lock:
        smtp.refuse = 0
    with gateway.lock:
        gateway.responses.clear()


def test_every_queued_message_is_delivered_exactly_once_after_the_gateways_recover(site, citizen_factory):
    with FakeSmtpServer() as smtp, FakeSmsGateway() as gateway:
        refuse_everything(smtp, gateway)
        app = site.start_app(**outbox_settings(smtp, gateway))
        site.start_delivery_worker(**outbox_settings(smtp, gateway))
        citizen = citizen_factory(app)
        codes = []
        for number in range(SUBMISSIONS):
            response = citizen.submit(
                f"fault-gateway {number}: the clinic was closed during opening hours",
                privacy="name_hidden",
                phone=f"9911{number:04d}",
                email=f"citizen{number}@example.mn",
            )
            assert response.status_code == 302, response.text[:500]
            codes.append(tracking_code(response))
        refused_at = time.monotonic()

        # While refused: nothing is lost, nothing is delivered, the worker keeps retrying.
        outbox = site.outbox()
        channels = sorted(channel for _mid, channel, *_ in outbox)
        assert channels.count("sms") == SUBMISSIONS  # the reporter's receipt by SMS
        assert channels.count("email") >= SUBMISSIONS  # and by e-mail, plus the handlers' notices
        wait_until(
            lambda: all(attempts >= 2 for *_x, attempts, _dup in site.outbox()),
            timeout=20,
            what="every message retried while the servers refuse",
        )
        assert {status for _mid, _c, status, _a, _d in site.outbox()} <= {"pending", "sending"}
        assert not smtp.received and not gateway.delivered
        time.sleep(max(0.0, REFUSAL - (time.monotonic() - refused_at)))

        accept_everything(smtp, gateway)
        recovered_at = time.monotonic()
        wait_until(
            lambda: {status for _mid, _c, status, _a, _d in site.outbox()} == {"sent"},
            timeout=45,
            interval=0.2,
            what="every message sent after the servers recover",
        )
        delivered_after = time.monotonic() - recovered_at
        time.sleep(1.5)  # a duplicate would show up in this time: the worker keeps running

        outbox = site.outbox()
        assert len(outbox) == len(channels)
        assert_each_delivered_once(outbox, smtp, gateway)
        assert not any(duplicate for *_x, duplicate in outbox)
        refused_requests = len(gateway.requests) - len(gateway.delivered)
        assert refused_requests >= SUBMISSIONS
        received = {m["To"] for m in smtp.messages}
        assert {f"citizen{n}@example.mn" for n in range(SUBMISSIONS)} <= received
        for code in codes:  # the receipts carry the tracking codes
            assert any(
                code in r["body"]["text"] for r in gateway.requests if r["body"]["message_id"] in gateway.delivered
            )
        print(
            f"gateway down: {len(outbox)} messages ({channels.count('sms')} SMS), {refused_requests} SMS refusals; "
            f"all delivered once, {delivered_after:.1f} s after recovery"
        )
