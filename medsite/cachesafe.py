"""The shared cache, made optional: a Redis that fails or hangs costs requests nothing but a miss.

Django's ``RedisCache`` raises on every call while Redis is down, and waits out its socket timeout
on every call while Redis hangs (accepts connections, never answers). :class:`SafeRedisCache`
wraps it with a circuit breaker: the first failure opens the breaker, and for
``RETRY_SECONDS`` no call goes to Redis at all: reads miss, writes are dropped, and the page is
served from the database. The next call after that tries Redis again (one call, one short
timeout), and either closes the breaker or opens it for another interval. Each opening logs one
warning, without a traceback; the first success after it logs that the cache is back.

The breaker is shared by every thread of a process, one per Redis address.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 10

# What each call of Django's Redis client answers while Redis cannot be asked: what an empty cache
# would answer (a miss, nothing stored), so callers need no special case.
_FALLBACKS: dict[str, Callable[..., Any]] = {
    "get": lambda key, default=None, *rest: default,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "set_many": lambda *args, **kwargs: None,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}


class Breaker:
    """Open (Redis not asked) for ``retry_seconds`` after a failure; closed otherwise."""

    def __init__(self, name: str, retry_seconds: float) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._failure = ""

    def allows_call(self) -> bool:
        with self._lock:
            return time.monotonic() >= self._open_until

    @property
    def failure(self) -> str:
        """Why the cache is unavailable, or "" while it works."""
        with self._lock:
            return self._failure

    def failed(self, error: BaseException) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.retry_seconds
            self._failure = f"{type(error).__name__}: {error}"
        # One line per interval: the breaker keeps every other request from getting here.
        logger.warning(
            "The cache at %s is unavailable (%s); pages are served without it, and it is tried "
            "again in %s seconds.",
            self.name,
            self._failure,
            self.retry_seconds,
        )

    def succeeded(self) -> None:
        with self._lock:
            was_failing, self._failure = self._failure, ""
        if was_failing:
            logger.warning("The cache at %s answers again.", self.name)


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str, retry_seconds: float = DEFAULT_RETRY_SECONDS) -> Breaker:
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None or breaker.retry_seconds != retry_seconds:
            breaker = _breakers[location] = Breaker(location, retry_seconds)
        return breaker


class _GuardedClient:
    """Django's Redis client, each call asked through the breaker."""

    def __init__(self, client: Any, breaker: Breaker) -> None:
        self._client = client
        self._breaker = breaker

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        fallback = _FALLBACKS.get(name)
        if fallback is None or not callable(method):
            return method

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not self._breaker.allows_call():
                return fallback(*args, **kwargs)
            try:
                result = method(*args, **kwargs)
            except (RedisError, OSError) as error:
                self._breaker.failed(error)
                return fallback(*args, **kwargs)
            self._breaker.succeeded()
            return result

        return guarded


class SafeRedisCache(RedisCache):
    """``RedisCache`` behind a circuit breaker (see the module doc).

    Settings, beside those of ``RedisCache``: ``RETRY_SECONDS``, how long the breaker stays open.
    Redis's own retries are off unless ``OPTIONS`` sets ``retry``: a request should wait for one
    short timeout at most, not for several with back-off between them.
    """

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        options = {"retry": Retry(NoBackoff(), 0), **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        location = server if isinstance(server, str) else ",".join(server)
        self._client_arguments = (location.replace(";", ",").split(","), options)
        self.breaker = breaker_for(location, params.get("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))

    @property
    def _cache(self) -> Any:
        # Built on first use, as RedisCache's own cached_property is.
        client = self.__dict__.get("_guarded_client")
        if client is None:
            servers, options = self._client_arguments
            client = self.__dict__["_guarded_client"] = _GuardedClient(
                RedisCacheClient(servers, **options), self.breaker
            )
        return client

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        if not self.breaker.allows_call():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as error:
            self.breaker.failed(error)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from None

    @property
    def failure(self) -> str:
        """Why the cache is unavailable now (the breaker is open), or "" while it works."""
        return "" if self.breaker.allows_call() else self.breaker.failure
