"""The shared cache (Redis in production) must never take the public pages down with it.

Everything Iltod keeps in the cache can be lost: rate-limit counters, lockout counters, the
versions of the reference tables held in memory (``memo``), cached area chains. When Redis is
unreachable, ``ResilientRedisCache`` answers as an empty cache would (a miss, nothing stored, a
missing counter) and logs a warning at most once a minute, so citizens can still submit while
Redis restarts; the outbox does not depend on it (it is in the database).
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning  # noqa: PLW0603 - one throttle per process
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        logger.warning("cache unreachable (%s: %s); answering as an empty cache", operation, exc)


def _degrades_to(fallback):
    """Run the cache operation; when Redis cannot be reached, return ``fallback(*args)`` instead."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                _warn(method.__name__, exc)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _missing_counter(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unreachable)")


class ResilientRedisCache(RedisCache):
    """Django's Redis cache that behaves as an empty cache while Redis is unreachable."""

    get = _degrades_to(lambda key, default=None, *a, **kw: default)(RedisCache.get)
    get_many = _degrades_to(lambda *a, **kw: {})(RedisCache.get_many)
    has_key = _degrades_to(lambda *a, **kw: False)(RedisCache.has_key)
    add = _degrades_to(lambda *a, **kw: False)(RedisCache.add)
    set = _degrades_to(lambda *a, **kw: None)(RedisCache.set)
    set_many = _degrades_to(lambda data, *a, **kw: list(data))(RedisCache.set_many)
    touch = _degrades_to(lambda *a, **kw: False)(RedisCache.touch)
    delete = _degrades_to(lambda *a, **kw: False)(RedisCache.delete)
    delete_many = _degrades_to(lambda *a, **kw: None)(RedisCache.delete_many)
    incr = _degrades_to(_missing_counter)(RedisCache.incr)
    clear = _degrades_to(lambda *a, **kw: False)(RedisCache.clear)
