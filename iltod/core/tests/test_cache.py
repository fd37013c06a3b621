"""The shared cache answers as an empty cache while Redis is unreachable (refused or silent)."""

import logging
import socket
import threading

import pytest
from django.core.cache import caches

from iltod.core import cache as resilient


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: a Redis that hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def use_redis(settings, port: int) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "iltod.core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


@pytest.fixture(autouse=True)
def _warn_again(monkeypatch):
    monkeypatch.setattr(resilient, "_last_warning", -resilient.WARN_EVERY_SECONDS)


def test_an_unreachable_redis_answers_as_an_empty_cache_and_warns_once(settings, caplog):
    use_redis(settings, closed_port())
    cache = caches["default"]
    with caplog.at_level(logging.WARNING, logger="iltod.core.cache"):
        assert cache.get("k") is None
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("k") is False
        assert cache.add("k", 1) is False
        cache.set("k", 1)
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys that were not stored
        assert cache.get_or_set("k", lambda: "computed") == "computed"
        with pytest.raises(ValueError, match="not found"):
            cache.incr("counter")
        with pytest.raises(ValueError, match="not found"):
            cache.decr("counter")
        assert cache.delete("k") is False
        cache.delete_many(["a", "b"])
        assert cache.touch("k") is False
        cache.clear()
    warnings = [r for r in caplog.records if r.name == "iltod.core.cache"]
    assert len(warnings) == 1  # not one per operation
    assert "unreachable" in warnings[0].getMessage()


def test_a_redis_that_never_answers_times_out_into_a_miss(settings, silent_server):
    use_redis(settings, silent_server)
    cache = caches["default"]
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False


def test_errors_other_than_an_unreachable_redis_are_not_hidden(settings):
    use_redis(settings, closed_port())
    cache = caches["default"]
    with pytest.raises(ValueError, match="invalid literal"):
        cache.set("k", 1, timeout="soon")  # a programming error still raises
