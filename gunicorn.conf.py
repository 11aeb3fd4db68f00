"""gunicorn settings for MedSite: ``gunicorn -c gunicorn.conf.py medsite.wsgi``.

gunicorn also reads this file on its own when started from the project folder. Everything can be
changed from the environment (below) or on the command line, which wins over this file.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number (got {raw!r}).") from None


# BIND wins; else PORT on every interface (the platform convention gunicorn itself follows);
# else loopback only, for a reverse proxy or load balancer on the same machine.
bind = os.environ.get("BIND") or (
    f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
)

# Sync workers: each serves one request at a time, and pages come from the cache or one query.
workers = _int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"

# Load Django once in the master, then fork: workers share its memory and start at once, and a
# broken configuration stops the start rather than every worker in turn.
preload_app = True

# A guard, not a cure: a worker is replaced after this many requests (staggered by the jitter so
# they do not all restart together), so a slow leak can never grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)

# A request taking longer than this is stuck: the worker is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On a restart or deploy (SIGTERM/SIGHUP), requests in flight get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)

# Access log to stdout (the service manager collects it): client, request, status, bytes,
# referrer, user agent and the time taken in microseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(D)sus'
