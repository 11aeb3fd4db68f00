from __future__ import annotations

import logging
import socket
import threading

import pytest

from medsite import cachesafe
from medsite.cachesafe import SafeRedisCache


@pytest.fixture(autouse=True)
def fresh_breakers():
    cachesafe._breakers.clear()
    yield
    cachesafe._breakers.clear()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HungRedis:
    """Accepts connections and never answers, as a Redis stuck on a slow disk or a full network does."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        self.listener.close()
        for conn in self.connections:
            conn.close()


@pytest.fixture
def hung_redis():
    server = HungRedis()
    yield server
    server.close()


def _cache(port: int, retry_seconds: int = 60) -> SafeRedisCache:
    return SafeRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}, "RETRY_SECONDS": retry_seconds},
    )


def test_unreachable_redis_is_an_empty_cache_with_one_warning_and_no_traceback(caplog):
    cache = _cache(_closed_port())
    with caplog.at_level(logging.WARNING, logger="medsite.cachesafe"):
        for _ in range(20):
            assert cache.get("page", "missing") == "missing"
            cache.set("page", "content")
            assert cache.add("page", "content") is False
            assert cache.get_many(["a", "b"]) == {}
            assert cache.delete("page") is False
    warnings = [r for r in caplog.records if r.name == "medsite.cachesafe"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING and warnings[0].exc_info is None
    assert "unavailable" in warnings[0].getMessage() and "ConnectionError" in warnings[0].getMessage()
    assert "ConnectionError" in cache.failure


def test_hung_redis_is_asked_once_per_interval(hung_redis):
    cache = _cache(hung_redis.port)
    assert cache.get("page") is None  # waits out one socket timeout
    for _ in range(50):
        assert cache.get("page") is None
        cache.set("page", "content")
    assert len(hung_redis.connections) == 1
    assert "TimeoutError" in cache.failure


def test_redis_is_tried_again_once_the_interval_has_passed(hung_redis, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(cachesafe.time, "monotonic", lambda: now[0])
    cache = _cache(hung_redis.port, retry_seconds=10)
    cache.get("page")
    now[0] += 9
    cache.get("page")
    assert len(hung_redis.connections) == 1
    assert cache.failure
    now[0] += 2
    assert cache.failure == ""  # the breaker lets the next call through
    cache.get("page")
    # The connection of the first attempt timed out and was dropped: the retry opens another.
    assert len(hung_redis.connections) == 2
    assert cache.failure


def test_every_cache_of_one_address_shares_the_breaker(hung_redis):
    first, second = _cache(hung_redis.port), _cache(hung_redis.port)
    first.get("page")
    assert second.get("page", "missing") == "missing"
    assert second.failure
    assert len(hung_redis.connections) == 1


def test_incr_on_an_unavailable_cache_is_a_missing_key():
    cache = _cache(_closed_port())
    with pytest.raises(ValueError):
        cache.incr("counter")
    with pytest.raises(ValueError):
        cache.incr("counter")


def test_settings_put_a_redis_url_behind_the_breaker(monkeypatch):
    from medsite.settings import env_cache

    monkeypatch.setenv("CACHE_TIMEOUT_MS", "300")
    monkeypatch.setenv("CACHE_RETRY_SECONDS", "7")
    config = env_cache("NO_SUCH_VARIABLE", "redis://cache.internal:6379/0")
    assert config["BACKEND"] == "medsite.cachesafe.SafeRedisCache"
    assert config["OPTIONS"] == {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}
    assert config["RETRY_SECONDS"] == 7
