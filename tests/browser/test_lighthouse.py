"""Lighthouse (mobile, its defaults) rates a condition page served the way production serves it.

The server is gunicorn with ``DJANGO_DEBUG=0``: hashed, compressed, long-cached static files from
WhiteNoise and the production headers. Its database is a throwaway SQLite file with the demo site
in it, so this test shares nothing with the rest of the suite (nor with a PostgreSQL run's database).

Accessibility, best practices and SEO are scored; the performance score is a timing, which a busy
machine lowers with nothing wrong in the page, so it is measured by ``make bench``
(bench/lighthouse.py, which runs Lighthouse for this test too). Of the performance audits, only
text compression is asserted: whether the page and its text files are sent compressed does not
depend on the machine's speed.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from bench.lighthouse import LIGHTHOUSE, failing_audits, run_lighthouse, scores

pytestmark = [pytest.mark.browser]

MINIMUM_SCORE = 0.95
CATEGORIES = ["accessibility", "best-practices", "seo"]
# Run for its audits, not its score (see the module doc).
PERFORMANCE = "performance"
BASE_DIR = Path(settings.BASE_DIR)


def _manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


def _wait_for_address(server: subprocess.Popen, log: Path, timeout: float = 20) -> str:
    """gunicorn binds port 0 (so no two runs can race for a port) and logs the one it got."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if found:
            return found.group(1)
        assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start in {timeout} s:\n{log.read_text()}")


@pytest.fixture
def production_server(tmp_path: Path) -> Iterator[str]:
    """The demo site behind gunicorn with production settings, on a free loopback port."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "MEDSITE_MEDIA_ROOT": str(tmp_path / "media"),  # the demo's image files
        "MEDSITE_NOTIFICATIONS": "0",
    }
    # The demo loader refuses to run in production (it prints fixed passwords), so the content
    # goes in first, with debug on, on the same database file.
    _manage("migrate", "--noinput", "-v", "0", env={**env, "DJANGO_DEBUG": "1"})
    _manage("load_demo", env={**env, "DJANGO_DEBUG": "1"})
    production = {
        **env,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS in front of this server.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # No load balancer to drain for (gunicorn.conf.py): the server stops at once.
        "GUNICORN_DRAIN_SECONDS": "0",
    }
    _manage("collectstatic", "--noinput", "-v", "0", env=production)
    # Written where we asked (not into the work tree's staticfiles/), manifest included.
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "medsite.wsgi", "--bind", "127.0.0.1:0", "--workers", "2"],
            cwd=BASE_DIR,
            env=production,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        address = _wait_for_address(server, log)
        with urllib.request.urlopen(address + "/") as response:  # noqa: S310 (our own loopback server)
            assert response.status == 200
        yield address
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# cpu_to_itself: never beside the load test on another worker, which keeps both cores busy: there
# Chromium's trace of the load can come back incomplete and Lighthouse gives no scores at all.
def test_condition_page_scores_well_in_lighthouse(
    cpu_to_itself, production_server: str, tmp_path: Path, pytestconfig
):
    assert LIGHTHOUSE.is_file(), f"{LIGHTHOUSE} is missing: `make test` installs it (npm ci)"
    url = production_server + "/conditions/migraine/"
    report = run_lighthouse(
        url,
        tmp_path / "lighthouse.json",
        categories=[*CATEGORIES, PERFORMANCE],
        chromium=pytestconfig.getoption("--chromium-path"),
    )
    compression = report["audits"]["uses-text-compression"]
    assert compression["score"] == 1, f"Lighthouse flags text compression: {compression.get('details')}"
    rated = {category: score for category, score in scores(report).items() if category != PERFORMANCE}
    assert set(rated) == set(CATEGORIES)
    low = {category: score for category, score in rated.items() if score is None or score < MINIMUM_SCORE}
    assert not low, f"Lighthouse scores {rated}; below {MINIMUM_SCORE}:\n" + "\n".join(
        f"{category} {score}:\n  " + "\n  ".join(failing_audits(report, category))
        for category, score in low.items()
    )
