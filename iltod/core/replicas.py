"""Reads that may lag a few seconds go to PostgreSQL streaming replicas; everything else to the primary.

``DATABASE_REPLICA_URLS`` (comma-separated) adds one database alias per replica (``replica_1``…).
With none set, nothing changes: every query goes to ``default``.

Which reads may lag is decided by the code that serves them, not guessed from the query: a view
that shows statistics, a dashboard, the ranking, an export or a feed is wrapped in
``@reads_from_replica`` (or runs its reads inside ``with replica_reads():``). Inside, the router
sends reads to a replica it believes is up; writes, and every read outside, go to the primary, so
nobody ever reads their own change from a replica that has not received it yet.

Failing over: a replica that refuses a connection or fails during a query is marked down for
``DATABASE_REPLICA_RETRY_SECONDS`` (default 10); the view is run again on the primary, so the
visitor sees the page, not a 500. When the time is up the replica is tried again, and used again
as soon as it answers. The state is kept per process (each gunicorn worker learns on its own, at
the cost of one failed connection each).
"""

import contextvars
import functools
import itertools
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

REPLICA_PREFIX = "replica_"

_wanted = contextvars.ContextVar("iltod_replica_reads", default=False)
_used = contextvars.ContextVar("iltod_replica_used", default=None)
_down_until: dict[str, float] = {}
_lock = threading.Lock()
_turn = itertools.count()


def replica_aliases() -> list[str]:
    return [alias for alias in connections.settings if alias.startswith(REPLICA_PREFIX)]


def retry_seconds() -> float:
    return float(getattr(settings, "DATABASE_REPLICA_RETRY_SECONDS", 10))


def mark_down(alias: str) -> None:
    """Stop using ``alias`` for a while, and drop its broken connection."""
    with _lock:
        _down_until[alias] = time.monotonic() + retry_seconds()
    try:
        connections[alias].close()
    except DatabaseError:
        pass
    logger.warning("Database replica %s is unavailable; reads go to the primary for %.0f s", alias, retry_seconds())


def is_up(alias: str) -> bool:
    with _lock:
        until = _down_until.get(alias)
        if until is None:
            return True
        if time.monotonic() < until:
            return False
        del _down_until[alias]  # time to try again
        return True


def _usable(alias: str) -> bool:
    """Up, and a connection can be opened (a new connection is tried once per pick)."""
    if not is_up(alias):
        return False
    try:
        connections[alias].ensure_connection()
    except (OperationalError, InterfaceError):
        mark_down(alias)
        return False
    return True


def pick_replica() -> str | None:
    """A replica that answers (in turn, to spread the load), or None for the primary."""
    aliases = replica_aliases()
    if not aliases:
        return None
    start = next(_turn)
    for offset in range(len(aliases)):
        alias = aliases[(start + offset) % len(aliases)]
        if _usable(alias):
            return alias
    return None


class ReplicaRouter:
    """Reads inside ``replica_reads()`` go to a replica; everything else, and all writes, to the primary."""

    def db_for_read(self, model, **hints):
        if not _wanted.get():
            return None
        alias = _used.get()
        if alias is None or not is_up(alias):
            alias = pick_replica()
            _used.set(alias)
        return alias  # None: Django's default, the primary

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return not db.startswith(REPLICA_PREFIX)  # replicas follow the primary, never migrated


@contextmanager
def replica_reads():
    """Reads inside may come from a replica (a few seconds behind the primary)."""
    wanted = _wanted.set(True)
    used = _used.set(None)
    try:
        yield
    finally:
        _wanted.reset(wanted)
        _used.reset(used)


def _render(response):
    # A template response renders after the view returns: its queries must run here, inside. (An
    # API response renders its data, already read, once the API view has chosen the format.)
    if isinstance(response, TemplateResponse) and not response.is_rendered:
        response = response.render()
    return response


def reads_from_replica(view):
    """Serve ``view`` from a replica when one answers; on a replica failure, again from the primary.

    Only for views that do not write: a failure part way through is recovered by running the view
    again, on the primary."""
    if not callable(view):
        raise TypeError("reads_from_replica decorates a view function")

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not replica_aliases():
            return view(*args, **kwargs)
        with replica_reads():
            try:
                return _render(view(*args, **kwargs))
            except (OperationalError, InterfaceError):
                alias = _used.get()
                if alias is None:
                    raise  # the primary failed: not ours to hide
                mark_down(alias)
        return _render(view(*args, **kwargs))

    return wrapper
