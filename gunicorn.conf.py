"""gunicorn settings for MedSite: ``gunicorn -c gunicorn.conf.py medsite.wsgi``.

gunicorn also reads this file on its own when started from the project folder. Everything can be
changed from the environment (below) or on the command line, which wins over this file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading

# The project folder, so the drain flag below is importable however gunicorn was started.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Imported here, in the master before it forks: the drain flag is then shared with every worker.
from medsite import drain, envfile

# The production settings file, as manage.py reads it (medsite/envfile.py), before Django loads.
try:
    envfile.load()
except envfile.EnvFileError as error:
    raise SystemExit(f"gunicorn.conf.py: {error}") from None


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

# Draining (docs/operators.md, "Taking a server out of rotation"). On SIGTERM the server first keeps
# serving for GUNICORN_DRAIN_SECONDS while /healthz answers 503, long enough for the load balancer to
# see it fail and stop sending requests (its probe interval times its failure threshold); only then
# does it stop as gunicorn does: it closes its socket, and requests in flight get graceful_timeout to
# finish. 0 stops at once. A second SIGTERM while draining stops at once too; SIGINT and SIGQUIT
# always do. The service manager must allow drain + graceful_timeout before it kills the server.
_drain_seconds = _int("GUNICORN_DRAIN_SECONDS", 10)


def when_ready(server) -> None:
    stop = server.handle_term

    def handle_term() -> None:
        if _drain_seconds <= 0 or drain.is_draining():
            stop()  # raises StopIteration: gunicorn's own graceful stop
            return
        drain.begin()
        server.log.info("Draining: /healthz fails for %s seconds, then the server stops.", _drain_seconds)
        timer = threading.Timer(_drain_seconds, os.kill, (os.getpid(), signal.SIGTERM))
        timer.daemon = True
        timer.start()

    server.handle_term = handle_term


# Access log to stdout (the service manager collects it): client, request, status, bytes,
# referrer, user agent and the time taken in microseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(D)sus'
