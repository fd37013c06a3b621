"""Numbers from samples: percentiles, rates and pass/fail against a target."""

import math
from dataclasses import dataclass


def percentile(values, p: float) -> float | None:
    """The ``p``-th percentile (0–100) by linear interpolation between closest ranks (as numpy's
    default and PostgreSQL's ``percentile_cont``). None for no values."""
    if not 0 <= p <= 100:
        raise ValueError("a percentile is between 0 and 100")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(seconds) -> dict:
    """p50/p95/p99/max in milliseconds of latencies given in seconds."""
    values = list(seconds)
    summary = {"count": len(values)}
    for name, p in (("p50_ms", 50), ("p95_ms", 95), ("p99_ms", 99), ("max_ms", 100)):
        value = percentile(values, p)
        summary[name] = None if value is None else round(value * 1000, 2)
    return summary


@dataclass
class Target:
    """``value op limit``: op is "<", "<=", ">=" or ">"."""

    op: str
    limit: float

    def met(self, value) -> bool | None:
        if value is None:
            return None
        return {"<": value < self.limit, "<=": value <= self.limit, ">=": value >= self.limit, ">": value > self.limit}[
            self.op
        ]

    def __str__(self) -> str:
        return f"{self.op} {self.limit:g}"


def ratio(value, baseline) -> float | None:
    if value is None or not baseline:
        return None
    return value / baseline
