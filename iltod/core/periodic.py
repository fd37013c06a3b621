"""Periodic jobs: each app registers its own, one management command (``run_periodic``) runs them all.

An app registers ``register("feedback.escalate", function)`` in its ``AppConfig.ready``; the function
takes the current time and returns a short, printable result (a count, a summary). Jobs must be safe
to run twice and concurrently. They run in ``order`` (lower first), then in registration order;
message delivery registers last so that messages queued by the other jobs leave in the same run.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Job:
    name: str
    function: Callable
    order: int


_JOBS: dict[str, Job] = {}


def register(name: str, function: Callable, *, order: int = 0) -> None:
    """Add a job (registering the same name again replaces it, so ``ready`` may run twice)."""
    _JOBS[name] = Job(name, function, order)


def jobs() -> list[Job]:
    registered = list(_JOBS.values())
    return sorted(registered, key=lambda job: (job.order, registered.index(job)))


def run_all(now=None) -> list[tuple[str, object]]:
    """Run every job with the same ``now``; returns ``(name, result)`` in the order they ran."""
    now = now or timezone.now()
    return [(job.name, job.function(now)) for job in jobs()]
