"""The site's WSGI application, plus one slow address for the drain test: ``/test-slow`` answers
only once the file named by ``MEDSITE_TEST_RELEASE`` exists, so a test holds a request in flight
for as long as it needs, without any timing (and ``<that name>.started`` says the request arrived)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from medsite.wsgi import application as site


def application(environ, start_response):
    if environ.get("PATH_INFO") != "/test-slow":
        return site(environ, start_response)
    release = Path(os.environ["MEDSITE_TEST_RELEASE"])
    release.with_name(f"{release.name}.started").touch()
    while not release.exists():
        time.sleep(0.05)
    body = b"finished " * 1000
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
