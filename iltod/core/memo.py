"""Small reference tables held in each process's memory, read again when anyone changes them.

Deadline policies, holidays and routing rules are read by every submission and change a few
times a year. Each table has a version in the shared cache (Redis in production); a save or a
delete of one of its rows gives it a new version, and a process whose copy carries another
version reads the table again. A request pays one cache lookup per table instead of a query.

The version changes at once (this process, and the transaction that made the change, see it) and
again when the change is committed (other processes must not reload before they can see it).
Bulk writes send no signals: a model kept here uses ``QuerySet`` below as its manager's queryset,
which marks the table changed on ``update()``, ``bulk_create()`` and ``bulk_update()``. Raw SQL and
data migrations must call ``changed(name)``; a restart also reads everything again. With the local-memory cache
(no ``REDIS_URL``) the version is per process: fine for one process, as the rate limits are.
"""

import threading
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

_local = threading.local()
_loaders: dict[str, Callable] = {}


def _key(name: str) -> str:
    return f"iltod:memo:{name}"


def _shared_version(name: str) -> str:
    version = cache.get(_key(name))
    if version is None:  # never set, or the cache was emptied
        cache.add(_key(name), uuid.uuid4().hex, timeout=None)
        version = cache.get(_key(name))
    return version


def _copies() -> dict:
    copies = getattr(_local, "copies", None)
    if copies is None:
        copies = _local.copies = {}
    return copies


def get(name: str):
    """The table's value as its loader builds it, from this process's copy when it is current."""
    version = _shared_version(name)
    if version is None:  # the cache is unreachable: no way to know the copy is current
        return _loaders[name]()
    copies = _copies()
    held = copies.get(name)
    if held is not None and held[0] == version:
        return held[1]
    value = _loaders[name]()
    copies[name] = (version, value)
    return value


def changed(name: str) -> None:
    """Rows of ``name`` changed: every process reads it again (after the commit too)."""
    _bump(name)
    transaction.on_commit(lambda: _bump(name))


def _bump(name: str) -> None:
    cache.set(_key(name), uuid.uuid4().hex, timeout=None)
    _copies().pop(name, None)


def register(name: str, loader: Callable, *, models=()) -> None:
    """Keep ``loader()``'s result per process; saves and deletes of ``models`` make it stale."""
    _loaders[name] = loader

    def receiver(sender, **kwargs):
        changed(name)

    receiver.__name__ = f"memo_{name}_changed"
    for model in models:
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"memo:{name}:{model._meta.label}:save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"memo:{name}:{model._meta.label}:delete")


class QuerySet(models.QuerySet):
    """For a model whose table is kept here: bulk writes (which send no signals) mark it changed."""

    memo_name = ""  # the name the table is registered under

    def update(self, **kwargs):
        count = super().update(**kwargs)
        changed(self.memo_name)
        return count

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        changed(self.memo_name)
        return created

    def bulk_update(self, *args, **kwargs):
        count = super().bulk_update(*args, **kwargs)
        changed(self.memo_name)
        return count
