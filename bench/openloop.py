"""The open loop of ``bench.load open``: arrivals at a fixed rate on a clock of their own, each
latency measured from the time the arrival was due. No HTTP here, so that it can be tested alone."""

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class Arrival:
    """One arrival of an open loop, in seconds from the start of the schedule."""

    number: int
    due: float  # when the schedule said it arrives
    sent: float  # when the driver sent it (later than ``due`` only if the driver fell behind)
    done: float  # when its answer was in
    error: str = ""  # empty for a success

    @property
    def latency(self) -> float:
        """From the time it was due: waiting in the driver or the server's queue counts."""
        return self.done - self.due


async def open_loop(
    send: Callable[[int], Awaitable[str | None]],
    *,
    rate: float,
    duration: float,
    max_requests: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[Arrival]:
    """Arrivals at a fixed ``rate`` per second on a schedule of their own: arrival ``i`` is due at
    ``i / rate`` seconds, whatever the earlier ones are doing, and is sent as a task of its own at
    that time (at once, if the driver is behind). A slow answer therefore never delays the next
    arrival, and each latency is measured from the due time, so queueing counts: no coordinated
    omission. ``send(i)`` returns None for a success or the kind of error. Bounded by the duration
    (no arrival is due at or after it) and by ``max_requests``; returns the arrivals in order."""
    if rate <= 0:
        raise ValueError("the arrival rate must be positive")
    count = min(max_requests, math.ceil(duration * rate))
    arrivals: list[Arrival] = []

    async def one(number: int, due: float, start: float) -> None:
        sent = clock() - start
        try:
            error = await send(number)
        except Exception as exc:  # the error's kind is the measurement; the loop goes on
            error = type(exc).__name__
        arrivals.append(Arrival(number, due, sent, clock() - start, error or ""))

    start = clock()
    tasks = []
    for number in range(count):
        due = number / rate
        delay = due - (clock() - start)
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(number, due, start)))
    await asyncio.gather(*tasks)
    return sorted(arrivals, key=lambda arrival: arrival.number)


def open_summary(arrivals: list[Arrival], rate: float, seconds: float) -> dict:
    """What ``bench.load open`` prints: latencies from the due time, errors, and how far the driver
    itself fell behind its schedule (if far, the figure is the driver's, not the server's)."""
    lag = sorted(a.sent - a.due for a in arrivals)
    failed = [a for a in arrivals if a.error]
    return {
        "scenario": "open",
        "rate": rate,
        "arrivals": len(arrivals),
        "seconds": seconds,
        "ok": len(arrivals) - len(failed),
        "errors": len(failed),
        "error_kinds": sorted({a.error for a in failed})[:20],
        "latencies": [a.latency for a in arrivals if not a.error],
        "latencies_failed": [a.latency for a in failed],
        "driver_lag_max": lag[-1] if lag else None,
        "by_path": {},
    }
