"""The health checks: ``/healthz`` for the load balancer, ``/readyz`` for whoever wants to know what is down.

``/healthz`` answers whether this app server should get requests. It fails (503) only when
the server cannot serve: its database is unreachable, or it is draining (gunicorn was told to
stop, see ``gunicorn.conf.py``). A failing cache does not fail it: pages are then served from the
database (``medsite/cachesafe.py``), and failing every server at once because their one shared
Redis is down would take the whole site offline. It reports the cache as degraded instead.

``/readyz`` answers whether everything works: 200 only when the database and the cache both do
and the server is not draining; otherwise 503 naming what is down, and why.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from medsite import drain

logger = logging.getLogger(__name__)


def _database() -> str:
    """ "" when the database answers, else why not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        # One line, no traceback: a load balancer polls every few seconds.
        logger.warning("Health check: the database is failing (%s: %s).", type(error).__name__, error)
        return f"{type(error).__name__}: {error}".strip()
    return ""


def _cache() -> str:
    """ "" when the cache stores and returns a value, else why not."""
    cache = caches["default"]
    # While the circuit breaker is open, say so without waiting on Redis again.
    failure = getattr(cache, "failure", "")
    if failure:
        return failure
    # A key of its own per probe, so two load balancers polling at once cannot confuse each other.
    token = uuid.uuid4().hex
    key = f"medsite:health:{token}"
    try:
        cache.set(key, token, timeout=30)
        stored = cache.get(key)
        cache.delete(key)
    except Exception as error:
        logger.warning("Health check: the cache is failing (%s: %s).", type(error).__name__, error)
        return f"{type(error).__name__}: {error}".strip()
    if stored != token:
        return getattr(cache, "failure", "") or "the cache did not return the value just stored in it"
    return ""


CHECKS: dict[str, Callable[[], str]] = {"database": _database, "cache": _cache}


def _problems() -> dict[str, str]:
    return {name: problem for name, check in CHECKS.items() if (problem := check())}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 ``{"status": "ok", "database": "ok", "cache": "ok"}``; ``"cache": "degraded"`` (still 200)
    while the cache fails; 503 while the database fails or the server is draining."""
    problems = _problems()
    draining, database_down = drain.is_draining(), "database" in problems
    if draining:
        status = "draining"
    elif database_down:
        status = "failing"
    else:
        status = "degraded" if problems else "ok"
    body = {
        "status": status,
        "database": "failing" if database_down else "ok",
        "cache": "degraded" if "cache" in problems else "ok",
    }
    return JsonResponse(body, status=503 if draining or database_down else 200)


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 ``{"ready": true, "down": {}}``, or 503 with ``down`` naming each failing part and why."""
    down = _problems()
    if drain.is_draining():
        down["server"] = "draining: it was told to stop and is finishing its requests"
    return JsonResponse({"ready": not down, "down": down}, status=503 if down else 200)
