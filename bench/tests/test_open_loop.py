"""The open-loop intake driver: arrivals keep their schedule whatever the answers do, and each
latency runs from the time the arrival was due."""

import asyncio
import time

import pytest

from bench.openloop import Arrival, open_loop, open_summary


def run(send, **bounds):
    return asyncio.run(open_loop(send, **bounds))


def test_arrivals_keep_their_schedule_when_the_answers_are_slow():
    async def slow(number):
        await asyncio.sleep(0.3)  # every answer takes 15 arrival intervals

    started = time.perf_counter()
    arrivals = run(slow, rate=50, duration=0.2, max_requests=100)
    elapsed = time.perf_counter() - started
    assert [a.number for a in arrivals] == list(range(10))
    assert [a.due for a in arrivals] == pytest.approx([n / 50 for n in range(10)])
    # sent on the schedule, not after the previous answer (back to back would take 3 s)
    assert all(0 <= a.sent - a.due < 0.015 for a in arrivals)
    assert elapsed < 1.0
    assert all(a.latency == pytest.approx(0.3, abs=0.05) for a in arrivals)


def test_latency_counts_the_time_spent_queueing_behind_earlier_arrivals():
    server = asyncio.Lock()  # one worker: 50 ms per submission, arrivals every 20 ms

    async def one_worker(number):
        async with server:
            await asyncio.sleep(0.05)

    arrivals = run(one_worker, rate=50, duration=0.12, max_requests=100)
    latencies = [a.latency for a in arrivals]
    assert len(arrivals) == 6
    assert latencies == sorted(latencies)
    # the last one was due at 0.10 s and answered after six services, at about 0.30 s
    assert latencies[-1] == pytest.approx(0.30 - 0.10, abs=0.04)
    assert latencies[-1] > 3 * 0.05


def test_arrivals_the_driver_sends_late_are_still_measured_from_their_due_time():
    async def first_blocks_the_driver(number):
        if number == 0:
            time.sleep(0.1)  # the driver itself stalls, on purpose

    arrivals = run(first_blocks_the_driver, rate=100, duration=0.05, max_requests=100)
    late = [a for a in arrivals if a.number in {1, 2, 3, 4}]
    assert all(a.sent >= 0.09 for a in late)
    for a in late:
        assert a.latency >= 0.1 - a.due - 0.005
        assert a.latency > a.done - a.sent
    summary = open_summary(arrivals, rate=100, seconds=0.15)
    assert summary["driver_lag_max"] >= 0.08


def test_the_loop_is_bounded_by_the_request_count_and_by_the_duration():
    async def fast(number):
        return None

    assert len(run(fast, rate=1000, duration=10, max_requests=7)) == 7
    assert len(run(fast, rate=100, duration=0.05, max_requests=1000)) == 5
    with pytest.raises(ValueError):
        run(fast, rate=0, duration=1, max_requests=1)


def test_errors_are_counted_by_kind_and_kept_out_of_the_success_latencies():
    async def flaky(number):
        if number % 3 == 0:
            return "HTTP 503"
        if number == 4:
            raise ConnectionError

    summary = open_summary(run(flaky, rate=1000, duration=0.006, max_requests=100), rate=1000, seconds=0.01)
    assert (summary["arrivals"], summary["ok"], summary["errors"]) == (6, 3, 3)
    assert summary["error_kinds"] == ["ConnectionError", "HTTP 503"]
    assert len(summary["latencies"]) == 3
    assert len(summary["latencies_failed"]) == 3


def test_an_arrival_s_latency_runs_from_its_due_time():
    assert Arrival(3, due=0.15, sent=0.40, done=0.45).latency == pytest.approx(0.30)
