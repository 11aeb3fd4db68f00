"""Failing soft, with real servers on loopback: gunicorn (with the project's gunicorn.conf.py), a real
redis-server, a hung "Redis" that accepts connections and never answers, and a database that
refuses connections.

- Redis stopped or hung: every page still answers (no 5xx), /healthz stays 200 and says the cache
  is degraded, /readyz says the cache is down, and no traceback reaches the log.
- The database down: pages and the API answer 503 with Retry-After (JSON under /api/), and a 500
  is logged with its traceback.
- SIGTERM: /healthz fails first while the server keeps serving, a request in flight finishes,
  then the server stops.

The servers' database is a SQLite file of their own, whatever the suite runs on: these are about
the cache and the app server. redis-server comes from Debian's package (`make test` installs it);
without it these tests are skipped, except in CI (MEDSITE_REQUIRE_SERVERS=1), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from bench.cluster import hung_listener  # a Redis that accepts connections and never answers
from tests.test_load import run, site_env

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS = shutil.which("redis-server")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def redis_binary() -> None:
    if REDIS is None:
        message = "redis-server is not installed: `make test` installs it (apt-get install redis-server)."
        if os.environ.get("MEDSITE_REQUIRE_SERVERS") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


DEGRADED = {"status": "degraded", "database": "ok", "cache": "degraded"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 30) -> tuple[int, dict, bytes]:
    """Status, headers and body; an HTTP error status is an answer too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback http only)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _json(url: str) -> tuple[int, dict]:
    status, _, body = get(url)
    return status, json.loads(body)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[dict]:
    """A migrated SQLite site with published pages and collected static files: env and addresses."""
    folder = tmp_path_factory.mktemp("failsoft")
    env = site_env(folder, f"sqlite:///{folder / 'site.sqlite3'}")
    env["LOG_LEVEL"] = "INFO"
    statics = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env
    )
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    plan_file = folder / "plan.json"
    run([sys.executable, "-m", "tests.loadtools", "seed", str(plan_file), "1"], env)
    assert statics.wait(timeout=120) == 0
    reads = [path for path in json.loads(plan_file.read_text())["reads"] if "?" not in path]
    yield {"env": env, "folder": folder, "reads": reads}


@contextmanager
def redis_server(folder: Path) -> Iterator[subprocess.Popen]:
    port = _free_port()
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server.port = port  # type: ignore[attr-defined]
    give_up = time.monotonic() + 20
    while True:
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
            probe.sendall(b"PING\r\n")
            if probe.recv(16).startswith(b"+PONG"):
                break
        assert time.monotonic() < give_up, "redis-server did not start"
        time.sleep(0.05)
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def gunicorn(
    folder: Path, env: dict, name: str, **extra: str
) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """The site under gunicorn with the project's gunicorn.conf.py; base URL, process and log."""
    log = folder / f"{name}.log"
    port = _free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "tests.medsite.slowapp:application",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
                "--no-control-socket",
                "--access-logfile=-",
                "--access-logformat=%(s)s %(U)s",
            ],
            cwd=ROOT,
            env={**env, **extra},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        give_up = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
            with suppress(OSError):
                get(f"{base}/readyz", timeout=10)
                break
            assert time.monotonic() < give_up, f"gunicorn did not answer:\n{log.read_text()}"
            time.sleep(0.1)
        yield base, server, log
    finally:
        with suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def _statuses(base: str, paths: list[str], rounds: int) -> list[tuple[str, int]]:
    return [(path, get(f"{base}{path}")[0]) for _ in range(rounds) for path in paths]


def _until(condition, what: str, seconds: float = 30):
    give_up = time.monotonic() + seconds
    while True:
        found = condition()
        if found:
            return found
        assert time.monotonic() < give_up, f"never: {what}"
        time.sleep(0.1)


def test_redis_stopped_then_back_no_5xx_and_health_says_degraded(site):
    with redis_server(site["folder"]) as redis:
        env = {"CACHE_URL": f"redis://127.0.0.1:{redis.port}/0", "CACHE_RETRY_SECONDS": "1"}
        with gunicorn(site["folder"], site["env"], "redis-stopped", **env) as (base, _, log):
            assert all(status == 200 for _, status in _statuses(base, site["reads"], 2))
            assert _json(f"{base}/healthz") == (200, {"status": "ok", "database": "ok", "cache": "ok"})

            redis.terminate()
            redis.wait(timeout=10)
            answers = _statuses(base, site["reads"], 3)
            assert [(path, status) for path, status in answers if status != 200] == []
            assert _json(f"{base}/healthz") == (
                200,
                {"status": "degraded", "database": "ok", "cache": "degraded"},
            )
            status, ready = _json(f"{base}/readyz")
            assert status == 503 and list(ready["down"]) == ["cache"]
            assert "ConnectionError" in ready["down"]["cache"]

            text = log.read_text()
            assert "Traceback" not in text
            assert "The cache at redis://127.0.0.1" in text and "is unavailable" in text

            # Back on the same port: the breaker tries again and the cache is used again.
            with redis_server_on(site["folder"], redis.port):
                _until(
                    lambda: _json(f"{base}/readyz") == (200, {"ready": True, "down": {}}),
                    "the cache was found again",
                )
                assert all(status == 200 for _, status in _statuses(base, site["reads"], 1))
                assert "answers again" in log.read_text()


@contextmanager
def redis_server_on(folder: Path, port: int) -> Iterator[subprocess.Popen]:
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_hung_redis_no_5xx_and_health_answers(site):
    with hung_listener() as port:
        env = {
            "CACHE_URL": f"redis://127.0.0.1:{port}/0",
            "CACHE_TIMEOUT_MS": "200",
            "CACHE_RETRY_SECONDS": "600",
        }
        with gunicorn(site["folder"], site["env"], "redis-hung", **env) as (base, _, log):
            answers = _statuses(base, site["reads"], 3)
            assert [(path, status) for path, status in answers if status != 200] == []
            assert _json(f"{base}/healthz") == (
                200,
                {"status": "degraded", "database": "ok", "cache": "degraded"},
            )
            status, ready = _json(f"{base}/readyz")
            assert status == 503 and "TimeoutError" in ready["down"]["cache"]
            text = log.read_text()
            assert "Traceback" not in text
            # One warning per worker for the whole test (two workers; the breaker stays open 10 minutes).
            assert 1 <= text.count("is unavailable (TimeoutError") <= 2


def test_database_down_answers_503_and_a_500_keeps_its_traceback(site):
    folder = site["folder"]
    env = {
        **site["env"],
        "DATABASE_URL": f"postgres://medsite@127.0.0.1:{_free_port()}/medsite",
        "DJANGO_STATIC_ROOT": str(folder / "no-static"),  # no manifest: any template using it fails
    }
    with gunicorn(folder, env, "database-down") as (base, _, log):
        page, headers, body = get(f"{base}/conditions/")
        assert page == 503 and headers["Retry-After"] == "30"
        assert "Back in a moment" in body.decode()

        api, headers, body = get(f"{base}/api/conditions/")
        assert api == 503 and headers["Content-Type"] == "application/json"
        assert headers["Retry-After"] == "30"
        assert "database is unavailable" in json.loads(body)["error"]

        assert _json(f"{base}/healthz")[0] == 503
        status, ready = _json(f"{base}/readyz")
        assert status == 503 and "database" in ready["down"]

        # Not a database failure: the static manifest is missing. A 500, logged with its traceback.
        status, _, _ = get(f"{base}/no-such-address/")
        assert status == 500
        _until(lambda: "500 /no-such-address/" in log.read_text(), "the 500 was logged")
        logged = log.read_text().split("Internal Server Error: /no-such-address/", 1)[1]
        assert "Traceback (most recent call last)" in logged
        assert "Missing staticfiles manifest entry" in logged


def test_sigterm_fails_health_first_and_finishes_requests_in_flight(site):
    release = site["folder"] / "release-slow-request"
    # Long enough for the checks below to run inside it on a busy machine.
    env = {"GUNICORN_DRAIN_SECONDS": "8", "MEDSITE_TEST_RELEASE": str(release)}
    with gunicorn(site["folder"], site["env"], "drain", **env) as (base, server, log):
        assert get(f"{base}/healthz")[0] == 200
        slow: list[tuple[int, dict, bytes]] = []
        in_flight = threading.Thread(target=lambda: slow.append(get(f"{base}/test-slow", timeout=60)))
        in_flight.start()
        _until(release.with_name(f"{release.name}.started").exists, "the slow request arrived")

        # A load balancer: it reads pages while /healthz answers 200, and stops at the first 503.
        answers: list[object] = []

        def balance() -> None:
            while True:
                try:
                    if get(f"{base}/healthz")[0] != 200:
                        return
                    for path in site["reads"][:3]:
                        answers.append(get(f"{base}{path}")[0])
                except OSError as error:  # refused or reset: what draining must prevent
                    answers.append(repr(error))
                    return

        balancer = threading.Thread(target=balance)
        balancer.start()
        _until(lambda: len(answers) >= 3, "the load balancer is reading")

        os.kill(server.pid, signal.SIGTERM)
        balancer.join(timeout=60)
        assert not balancer.is_alive()
        assert set(answers) == {200}
        assert get(f"{base}/healthz")[0] == 503
        # Still serving while the load balancer takes it out of rotation.
        assert get(f"{base}{site['reads'][0]}")[0] == 200
        assert _json(f"{base}/readyz")[1]["down"]["server"].startswith("draining")

        release.touch()
        in_flight.join(timeout=60)
        assert slow and slow[0][0] == 200 and slow[0][2] == b"finished " * 1000
        assert server.wait(timeout=60) == 0
        assert "Draining: /healthz fails for 8 seconds" in log.read_text()


def _redis_command(port: int, command: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(command + b"\r\n")
        return conn.recv(64)


def _pong(port: int) -> bool:
    with suppress(OSError):
        return _redis_command(port, b"PING").startswith(b"+PONG")
    return False


def test_redis_restarted_from_an_old_snapshot_cannot_bring_back_a_withdrawn_page(site):
    folder = site["folder"] / "snapshot"
    folder.mkdir()
    page = next(path for path in site["reads"] if path.startswith("/conditions/") and path.count("/") == 3)
    port = _free_port()
    command = [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    command += ["--dbfilename", "old.rdb", "--save", "", "--appendonly", "no"]
    redis = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = {"CACHE_URL": f"redis://127.0.0.1:{port}/0", "CACHE_RETRY_SECONDS": "1"}
    try:
        _until(lambda: _pong(port), "redis-server started")
        with gunicorn(site["folder"], site["env"], "snapshot", **env) as (base, _, log):
            first = get(f"{base}{page}")
            assert first[0] == 200
            assert get(f"{base}{page}")[2] == first[2]
            assert (
                _redis_command(port, b"DBSIZE").startswith(b":")
                and _redis_command(port, b"DBSIZE") != b":0\r\n"
            )
            # The snapshot an RDB-persisting Redis would have taken, the page in it.
            assert _redis_command(port, b"SAVE").startswith(b"+OK")

            slug = page.split("/")[2]
            withdraw = (
                "from conditions import workflow; from conditions.models import Condition; "
                "from django.contrib.auth.models import User; "
                f"workflow.unpublish(Condition.objects.get(slug={slug!r}), "
                "by=User.objects.get(username='load-reviewer-1'), reason='Being revised')"
            )
            run([sys.executable, "manage.py", "shell", "-c", withdraw], site["env"])
            assert get(f"{base}{page}")[0] == 410

            # Redis restarted from the snapshot: it holds the page as it was before the withdrawal.
            redis.terminate()
            redis.wait(timeout=10)
            redis = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _until(lambda: _pong(port), "redis-server restarted")
            assert _redis_command(port, b"DBSIZE") != b":0\r\n"
            _until(lambda: _json(f"{base}/readyz")[0] == 200, "the cache is used again")
            for _ in range(4):
                assert get(f"{base}{page}")[0] == 410
            assert "Traceback" not in log.read_text()
    finally:
        redis.terminate()
        redis.wait(timeout=10)
