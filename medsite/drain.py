"""Whether this app server is being taken out of rotation: set by gunicorn's master on SIGTERM.

The flag lives in memory shared between gunicorn's master and the workers it forks (an anonymous
shared mapping made when this module is first imported, which ``gunicorn.conf.py`` does in the
master before any fork), so the master's signal handler can tell every worker at once; ``/healthz``
then fails while the workers keep serving the requests the load balancer still sends. No Django
imports: the gunicorn configuration loads this before Django is set up.
"""

from __future__ import annotations

import mmap

_flag = mmap.mmap(-1, 1)


def begin() -> None:
    """From now on this server is draining: its health check fails, its requests are still served."""
    _flag[0] = 1


def is_draining() -> bool:
    return _flag[0] == 1


def reset() -> None:
    """Serving normally again (for tests, and a server that was told to drain by mistake)."""
    _flag[0] = 0
