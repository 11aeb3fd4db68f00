"""A minute of mixed traffic on the real server: readers and editors and reviewers at once.

gunicorn (2 workers x 4 threads, production settings) serves a database of this test's own, on
the suite's backend (a SQLite file, or a PostgreSQL database created and dropped here), bound to
127.0.0.1 on a free port. For LOAD_TEST_SECONDS (60 unless set), at the same time:

- wrk reads the public site: condition pages, search, A-Z, API, sitemap, feed;
- editors, each logged in with a browser session of their own, open and save pages through the
  admin change form, again and again, with a counter in the text (two of them share a page, so
  their saves can conflict);
- an editor edits and submits a page while both medical reviewers approve it at the same moment,
  round after round.

Afterwards: no answer was a server error or missing, every save the site acknowledged is in the
page's history (and the edits logged are exactly the acknowledged ones), every conflict got the
conflict message, and every round published exactly once, the text that was submitted.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from tests.loadtools import Browser, CycleLog, EditorLog, keep_editing, keep_reviewing, wrk_result, wrk_script

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DURATION = int(os.environ.get("LOAD_TEST_SECONDS") or 60)
EDITORS = 4

# `load`: left out by `make test TEST_SCOPE=core` (CI runs it on its SQLite leg only).
pytestmark = [pytest.mark.load, pytest.mark.slow]


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    """A database of the suite's backend for the server alone: it cannot see a test's data."""
    suite = settings.DATABASES["default"]
    if suite["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'load.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    name = f"medsite_load_{uuid.uuid4().hex[:12]}"
    suite_url = urlsplit(os.environ["DATABASE_URL"])
    maintenance = urlunsplit(suite_url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as server:
        server.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield urlunsplit(suite_url._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def site_env(tmp_path: Path, database_url: str) -> dict:
    """Production settings (debug off, secure cookies, static files collected), on plain HTTP."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "medsite.settings",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        # No load balancer to drain for (gunicorn.conf.py): a test's server stops at once.
        "GUNICORN_DRAIN_SECONDS": "0",
    }


def run(args: list[str], env: dict, timeout: float = 120) -> None:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"


def tools(command: str, out: Path, *args: object, env: dict) -> dict:
    run([sys.executable, "-m", "tests.loadtools", command, str(out), *map(str, args)], env)
    return json.loads(out.read_text())


@contextmanager
def gunicorn(tmp_path: Path, env: dict) -> Iterator[str]:
    """The site under gunicorn on a free loopback port; its whole process group stopped after."""
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "medsite.wsgi:application",
                "--bind=127.0.0.1:0",
                "--workers=2",
                "--threads=4",
                "--max-requests=0",
                "--timeout=60",
                "--graceful-timeout=5",
                "--no-control-socket",
                f"--access-logfile={tmp_path / 'access.log'}",
                "--access-logformat=%(s)s %(m)s %(U)s",
                "--error-logfile=-",
                "--log-level=info",  # its "Listening at" line names the port
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield _address(server, log)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _address(server: subprocess.Popen, log: Path) -> str:
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up:
        assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", log.read_text())
        if found:
            base = found.group(1)
            with suppress(OSError):
                if Browser(base).get("/healthz").status == 200:
                    return base
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer within a minute:\n{log.read_text()}")


def in_threads(*jobs: Callable[[], None], timeout: float) -> list[str]:
    """Run the jobs in threads; the errors they raised."""
    errors = []

    def guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=guarded, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a browser never finished"
    return errors


def test_a_minute_of_reads_and_writes_loses_nothing_and_never_fails(cpu_to_itself, tmp_path, database_url):
    wrk = shutil.which("wrk")
    if wrk is None:
        pytest.fail("wrk is not installed: `make test` installs it (apt-get install wrk).")
    started = time.monotonic()
    env = site_env(tmp_path, database_url)
    statics = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env
    )
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    plan = tools("seed", tmp_path / "plan.json", EDITORS, env=env)
    assert statics.wait(timeout=120) == 0
    (tmp_path / "reads.lua").write_text(wrk_script(plan["reads"]))

    with gunicorn(tmp_path, env) as base:
        editors = [EditorLog(e["username"], e["page"]) for e in plan["editing"]]
        cycle = CycleLog()
        browsers = {
            name: Browser(base)
            for name in [e.username for e in editors] + [plan["cycle"]["editor"], *plan["cycle"]["reviewers"]]
        }
        assert in_threads(*(lambda n=n, b=b: b.log_in(n) for n, b in browsers.items()), timeout=120) == []
        ready = time.monotonic()
        reviewers = [browsers[name] for name in plan["cycle"]["reviewers"]]
        readers = subprocess.Popen(
            [
                wrk,
                "-t2",
                "-c4",
                f"-d{DURATION}s",
                "--timeout=30s",
                "-s",
                str(tmp_path / "reads.lua"),
                f"{base}/",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + DURATION
            errors = in_threads(
                *(lambda log=log: keep_editing(browsers[log.username], log, deadline) for log in editors),
                lambda: keep_reviewing(
                    browsers[plan["cycle"]["editor"]], reviewers, plan["cycle"]["page"], cycle, deadline
                ),
                timeout=DURATION + 120,
            )
            wrk_output, _ = readers.communicate(timeout=DURATION + 60)
        finally:
            if readers.poll() is None:
                readers.kill()
                readers.wait()
    stopped = time.monotonic()
    access = Counter(line.split(" ", 1)[0] for line in (tmp_path / "access.log").read_text().splitlines())
    server_log = (tmp_path / "gunicorn.log").read_text()
    pages = [e.page["id"] for e in editors] + [plan["cycle"]["page"]["id"]]
    state = tools("report", tmp_path / "state.json", *dict.fromkeys(pages), env=env)

    reads = wrk_result(wrk_output)
    written = sum((browser.statuses for browser in browsers.values()), Counter())
    print(
        f"\nload: {DURATION}s; wrk {reads['requests']} reads {reads['statuses']}; browsers {dict(written)}; "
        f"saves {[len(e.saved) for e in editors]}, conflicts {[e.conflicts for e in editors]}; "
        f"review rounds {len(cycle.approved)}; server answers {dict(access)}; "
        f"set-up {ready - started:.0f}s, load and stop {stopped - ready:.0f}s, "
        f"report {time.monotonic() - stopped:.0f}s"
    )
    # Nothing failed: no socket error, no server error, every read a page.
    assert errors == [] and [f for b in browsers.values() for f in b.failures] == []
    assert reads["errors"] == {"connect": 0, "read": 0, "write": 0, "timeout": 0, "status": 0}, wrk_output
    assert reads["requests"] > 0 and set(reads["statuses"]) == {200}
    assert set(written) <= {200, 302}, written
    assert not [status for status in access if status.startswith("5")], access
    assert "Traceback" not in server_log and "WORKER TIMEOUT" not in server_log, server_log[-3000:]

    # Every acknowledged save is in the history; no other edit happened; conflicts were told.
    assert [e.unexpected for e in editors] == [[]] * len(editors)
    for page_id in dict.fromkeys(e.page["id"] for e in editors):
        acknowledged = [text for e in editors if e.page["id"] == page_id for text in e.saved]
        page = state[str(page_id)]
        assert acknowledged, "no save got through in a minute"
        assert page["edits"] == 1 + len(acknowledged)
        assert set(acknowledged) <= set(page["summaries"])
        assert page["summary"] == page["summaries"][-1] and page["summary"] in acknowledged
        assert {f"Overview by {text}" for text in acknowledged} <= set(page["overviews"])
    editors_of = Counter(e.page["id"] for e in editors)
    for e in editors:
        if editors_of[e.page["id"]] == 1:  # the page's only editor: the draft is their last save
            assert state[str(e.page["id"])]["summary"] == e.saved[-1]

    # Each round: one approval, the other reviewer refused, the submitted text published.
    assert cycle.unexpected == [] and cycle.approved, cycle
    reviewed = state[str(plan["cycle"]["page"]["id"])]
    assert cycle.refused == len(cycle.approved)
    assert reviewed["approvals"] == reviewed["submits"] == len(cycle.approved)
    assert reviewed["publications"] == [
        {"number": n, "summary": summary, "overview": f"Reviewed overview, version {n}."}
        for n, summary in enumerate(cycle.approved, start=1)
    ]
    assert reviewed["live"] == len(cycle.approved)
