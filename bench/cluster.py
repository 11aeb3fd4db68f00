"""The delivery issue's cluster check, on loopback: PostgreSQL, Redis, two gunicorn servers and Varnish.

    python -m bench.cluster OUT.json [--poll-seconds 1.5] [--load-threads 4]

Starts a throwaway PostgreSQL cluster (as ../shared/POSTGRES-IN-CI.md, on a Unix socket), a
redis-server, two gunicorn servers (gunicorn.conf.py, production settings, sharing both) and
Varnish (deploy/varnish.vcl, in front of the first server; PURGE_BACKEND=varnish), loads the demo
pages, then shows, in one JSON result:

- stale reads after publish / rename / withdraw through every server and through Varnish, with
  Redis up, paused (SIGSTOP), stopped, hung (the second server pointed at a listener that never
  answers) and restarted from a snapshot taken before the change. The changes go through the
  real workflow (write_condition, workflow.submit / approve / save_draft / unpublish) in this
  process, as an editor's request would. After each change's commit returns, a reader polls each
  affected address on each server; a read of the old content is stale. Where the fault is lifted
  (Redis continued, started again, restored from the snapshot, the server pointed back at Redis)
  the addresses are polled again after that;
- 5xx answers while Redis is down (counted in the same reads);
- PostgreSQL stopped (pg_ctl stop): what a cached page, uncached pages, the API and /healthz
  answer, and how long after it starts again until every server serves uncached pages;
- a rolling restart (SIGTERM one server, wait for it to stop, start it, then the other) under a
  steady read load from client threads that round-robin over the servers whose /healthz answers
  200 (probed every 0.25 s, as a load balancer would): failed requests counted.

Every server started here is stopped (by its process group) on exit, also on error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PY = sys.executable
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = 10) -> tuple[int, dict[str, str], str]:
    """Status, headers (lower-case names) and body; raises OSError when the server cannot be reached."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)  # Host: 127.0.0.1:<port>, MEDSITE_BASE_URL's for Varnish
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> float:
    """Seconds until ``check()`` is true (polled every 0.05 s); RuntimeError after ``seconds``."""
    started = time.monotonic()
    while True:
        with suppress(OSError):
            if check():
                return time.monotonic() - started
        if time.monotonic() - started > seconds:
            raise RuntimeError(f"{what}: not within {seconds} s")
        time.sleep(0.05)


def pg_bin() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".")]
    )
    if not found:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    return found[-1]


# --- the servers ------------------------------------------------------------------------------------


@dataclass
class Cluster:
    folder: Path
    pg: Path = field(default_factory=pg_bin)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    pg_running: bool = False
    env: dict[str, str] = field(default_factory=dict)

    # PostgreSQL: a cluster of its own, owned by postgres, on a Unix socket in the folder.
    def _pg(self, *args: str) -> None:
        # initdb refuses root: the cluster runs as postgres (../shared/POSTGRES-IN-CI.md).
        command = ["/usr/sbin/runuser", "-u", "postgres", "--", *args]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own arguments

    def init_postgres(self) -> str:
        shutil.chown(self.folder, "postgres")
        self._pg(str(self.pg / "initdb"), "-D", str(self.folder / "pgdata"), "-A", "trust", "-U", "postgres")
        self.start_postgres()
        self._pg(str(self.pg / "createdb"), "-h", str(self.folder), "medsite")
        return f"postgres://postgres@/medsite?host={self.folder}"

    def start_postgres(self) -> None:
        self._pg(
            str(self.pg / "pg_ctl"), "-D", str(self.folder / "pgdata"),
            "-l", str(self.folder / "pg.log"), "-w",
            "-o", f"-k {self.folder} -c listen_addresses=''", "start",
        )  # fmt: skip
        self.pg_running = True

    def stop_postgres(self) -> None:
        self._pg(str(self.pg / "pg_ctl"), "-D", str(self.folder / "pgdata"), "-m", "fast", "-w", "stop")
        self.pg_running = False

    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        with (self.folder / f"{name}.log").open("a") as log:
            proc = subprocess.Popen(  # noqa: S603 - our own servers and arguments
                args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.procs[name] = proc
        return proc

    # Redis: no persistence of its own; a snapshot is made on purpose with SAVE.
    def start_redis(self) -> None:
        port = self.ports.setdefault("redis", free_port())
        self._spawn(
            "redis",
            [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--dbfilename", "dump.rdb"],
        )  # fmt: skip
        wait_for(lambda: redis_command(port, "PING") == "+PONG", 20, "redis-server start")

    def stop(self, name: str, sig: int = signal.SIGTERM, seconds: float = 60) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGCONT)
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def start_gunicorn(self, name: str, cache_url: str | None = None) -> None:
        port = self.ports.setdefault(name, free_port())
        env = {**self.env, "BIND": f"127.0.0.1:{port}"}
        if cache_url:
            env["CACHE_URL"] = cache_url
        self._spawn(name, [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "medsite.wsgi"], env)
        wait_for(lambda: get(port, "/healthz")[0] == 200, 90, f"gunicorn {name} start")

    def start_varnish(self, backend: int) -> None:
        vcl = (
            (ROOT / "deploy" / "varnish.vcl").read_text().replace('.port = "8000";', f'.port = "{backend}";')
        )
        (self.folder / "varnish.vcl").write_text(vcl)
        port = self.ports.setdefault("varnish", free_port())
        self._spawn(
            "varnish",
            [VARNISHD, "-F", "-j", "none", "-n", str(self.folder / "varnish"), "-a", f"127.0.0.1:{port}",
             "-f", str(self.folder / "varnish.vcl"), "-s", "malloc,64m"],
        )  # fmt: skip
        wait_for(lambda: get(port, "/healthz")[0] == 200, 60, "varnishd start")

    def close(self) -> None:
        for name in list(self.procs):
            self.stop(name, signal.SIGINT if name.startswith("server") else signal.SIGTERM, seconds=20)
        if self.pg_running:
            with suppress(subprocess.CalledProcessError):
                self.stop_postgres()


def redis_command(port: int, *words: str) -> str:
    """One Redis command (inline protocol); its first reply line."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall((" ".join(words) + "\r\n").encode())
        return conn.recv(256).decode().splitlines()[0]


@contextmanager
def hung_listener() -> Iterator[int]:
    """A TCP listener that accepts connections and never answers (a hung Redis)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        with suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for conn in held:
            conn.close()


# --- stale reads ----------------------------------------------------------------------------------

Check = Callable[[int, str], bool]  # (status, body) -> is this read stale?


def contains(text: str) -> Check:
    return lambda status, body: text in body


def answers_200(status: int, body: str) -> bool:
    return status == 200


@dataclass
class Tally:
    reads: int = 0
    stale: int = 0
    server_errors: int = 0
    unreachable: int = 0
    varnish_hits: int = 0  # reads Varnish answered from its cache (X-Cache: HIT)
    stale_examples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.reads += other.reads
        self.stale += other.stale
        self.server_errors += other.server_errors
        self.unreachable += other.unreachable
        self.varnish_hits += other.varnish_hits
        self.stale_examples += other.stale_examples[: 5 - len(self.stale_examples)]


def poll(targets: dict[str, int], checks: dict[str, Check], seconds: float) -> Tally:
    """Read every address on every target, round after round, for ``seconds`` (at least twice)."""
    tally = Tally()
    until = time.monotonic() + seconds
    rounds = 0
    while rounds < 2 or time.monotonic() < until:
        rounds += 1
        for target, port in targets.items():
            for path, stale in checks.items():
                tally.reads += 1
                try:
                    status, headers, body = get(port, path)
                except OSError:
                    tally.unreachable += 1
                    continue
                tally.varnish_hits += headers.get("x-cache") == "HIT"
                if status >= 500:
                    tally.server_errors += 1
                if stale(status, body):
                    tally.stale += 1
                    if len(tally.stale_examples) < 5:
                        tally.stale_examples.append(f"{target} {path} {status}")
    return tally


# --- the workflow, as the app runs it ------------------------------------------------------------


class Editorial:
    """Publishes, renames and withdraws one page through conditions.workflow, as editors do."""

    def __init__(self, slug: str, name: str) -> None:
        from django.contrib.auth.models import User

        self.editor = User.objects.get(username="editor")
        self.reviewers = [User.objects.get(username="reviewer1"), User.objects.get(username="reviewer2")]
        self.slug, self.name, self.edition = slug, name, 1
        self.condition = self._write(f"Edition {self.edition} of the {slug} page.")
        self._approve()

    def marker(self) -> str:
        return f"Edition {self.edition} of the {self.slug} page."

    def _write(self, text: str):
        from conditions.content import ConditionData, SectionData, write_condition

        data = ConditionData(
            name=self.name, slug=self.slug, summary="A page the cluster check changes.",
            sections=[SectionData(kind="overview", body=text)],
        )  # fmt: skip
        condition, _ = write_condition(data, by=self.editor, comment="Cluster check")
        return condition

    def _approve(self) -> None:
        from conditions import workflow

        workflow.submit(self.condition, by=self.editor)
        reviewer = self.reviewers[self.edition % 2]
        workflow.approve(self.condition, by=reviewer, attestation=list(workflow.CHECKLIST))

    def publish_new_edition(self) -> None:
        self.edition += 1
        self.condition = self._write(self.marker())
        self._approve()

    def rename(self, slug: str) -> None:
        import reversion

        from conditions import workflow

        self.condition.refresh_from_db()
        with reversion.create_revision():
            reversion.set_user(self.editor)
            self.condition.slug = slug
            workflow.save_draft(self.condition, by=self.editor, comment="Renamed")
        self.slug = slug
        self._approve()

    def withdraw(self) -> None:
        from conditions import workflow

        self.condition.refresh_from_db()
        workflow.unpublish(self.condition, by=self.reviewers[0], reason="Being revised")


LISTINGS = ("/", "/conditions/", "/sitemap.xml", "/feeds/updates/", "/api/conditions/")


def page_addresses(slug: str) -> list[str]:
    return [f"/conditions/{slug}/", f"/conditions/{slug}/history/", f"/api/conditions/{slug}/"]


def changes(page: Editorial, scenario: str) -> Iterator[tuple[str, Callable[[], None], dict[str, Check]]]:
    """(name, change, checks) for publish, rename and withdraw: each check says what is stale after it."""
    old_marker, old_slug = page.marker(), page.slug
    checks: dict[str, Check] = {
        f"/conditions/{old_slug}/": contains(old_marker),
        f"/api/conditions/{old_slug}/": contains(old_marker),
    }
    yield "publish", page.publish_new_edition, checks
    new_slug = f"{old_slug}-renamed"
    old_link = f"/conditions/{old_slug}/"
    checks = {path: answers_200 for path in page_addresses(old_slug)}
    checks.update({path: contains(old_link) for path in LISTINGS if path != "/api/conditions/"})
    checks["/api/conditions/"] = contains(f'"{old_slug}"')
    checks[f"/conditions/{new_slug}/"] = lambda status, body: status != 200
    yield "rename", lambda: page.rename(new_slug), checks
    link = f"/conditions/{new_slug}/"
    checks = {path: answers_200 for path in page_addresses(new_slug)}
    checks.update({path: contains(link) for path in LISTINGS if path != "/api/conditions/"})
    checks["/api/conditions/"] = contains(f'"{new_slug}"')
    yield "withdraw", page.withdraw, checks


@dataclass
class Fault:
    """What is done to Redis (or a server's view of it) around each change."""

    name: str
    before: Callable[[], None]  # after the caches are warm, before the change
    lift: Callable[[], None] | None  # after the first polls; None: nothing to lift


def stale_reads(cluster: Cluster, fault: Fault, poll_seconds: float) -> dict[str, Any]:
    targets = {name: cluster.ports[name] for name in ("server_a", "server_b", "varnish")}
    page = Editorial(f"cluster-{fault.name}", f"Cluster check {fault.name}")
    result: dict[str, Any] = {}
    total = Tally()
    for name, change, checks in changes(page, fault.name):
        warm = poll(targets, {path: lambda s, b: False for path in checks}, 0)  # every cache
        fault.before()
        change()  # returns once the change has committed (and its purge was sent)
        tally = poll(targets, checks, poll_seconds)
        entry: dict[str, Any] = {"warm_reads": warm.reads, "warm_varnish_hits": warm.varnish_hits}
        entry["after_commit"] = tally.__dict__
        if fault.lift is not None:
            fault.lift()
            after = poll(targets, checks, poll_seconds)
            entry["after_fault_lifted"] = after.__dict__
            tally.add(after)
        total.add(tally)
        result[name] = entry
    result["total"] = total.__dict__
    return result


# --- PostgreSQL outage ------------------------------------------------------------------------------


def database_outage(cluster: Cluster) -> dict[str, Any]:
    a, b = cluster.ports["server_a"], cluster.ports["server_b"]
    cached = "/conditions/gout/"
    for _ in range(2):
        get(a, cached), get(b, cached)
    uncached = [
        "/conditions/migraine/history/",
        "/search/?q=gout",
        "/api/conditions/migraine/",
        "/api/changes/",
    ]
    cluster.stop_postgres()
    answers: dict[str, Any] = {}
    try:
        time.sleep(0.5)
        for path in [cached, "/healthz", *uncached]:
            status, headers, body = get(a, path)
            answers[path] = {
                "status": status,
                "content_type": headers.get("content-type", ""),
                "retry_after": headers.get("retry-after"),
                "json": _is_json(body),
            }
    finally:
        cluster.start_postgres()

    def all_serve() -> bool:
        return all(get(port, path)[0] == 200 for port in (a, b) for path in uncached)

    recovery = wait_for(all_serve, 120, "recovery after PostgreSQL started again")
    api = [answers[p] for p in uncached if p.startswith("/api/")]
    return {
        "answers_while_down": answers,
        "api_503_json": all(x["status"] == 503 and x["json"] for x in api),
        "uncached_503_with_retry_after": all(
            answers[p]["status"] == 503 and answers[p]["retry_after"] for p in uncached
        ),
        "cached_page_served": answers[cached]["status"] == 200,
        "recovery_seconds": round(recovery, 2),
        "recovery_measured": "pg_ctl start returned -> both servers answer 200 at every uncached address",
    }


def _is_json(body: str) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


# --- rolling restart under load ---------------------------------------------------------------------


def rolling_restart(cluster: Cluster, threads: int) -> dict[str, Any]:
    names = ["server_a", "server_b"]
    healthy = {name: True for name in names}
    stop = threading.Event()
    lock = threading.Lock()
    counts: dict[str, Any] = {
        "requests": 0,
        "ok": 0,
        "failed": 0,
        "failures": [],
        "per_server": {n: 0 for n in names},
    }
    paths = ["/", "/conditions/", "/conditions/gout/", "/conditions/migraine/", "/api/conditions/gout/"]

    def probe() -> None:
        while not stop.is_set():
            for name in names:
                try:
                    healthy[name] = get(cluster.ports[name], "/healthz", timeout=2)[0] == 200
                except OSError:
                    healthy[name] = False
            stop.wait(0.25)

    def client(number: int) -> None:
        turn = number
        while not stop.is_set():
            pool = [name for name in names if healthy[name]]
            if not pool:
                time.sleep(0.05)
                continue
            turn += 1
            name = pool[turn % len(pool)]
            path = paths[turn % len(paths)]
            try:
                status = get(cluster.ports[name], path, timeout=30)[0]
                failure = f"{name} {path} {status}" if status >= 500 else ""
            except OSError as error:
                failure = f"{name} {path} {type(error).__name__}: {error}"
            with lock:
                counts["requests"] += 1
                counts["per_server"][name] += 1
                if failure:
                    counts["failed"] += 1
                    if len(counts["failures"]) < 10:
                        counts["failures"].append(failure)
                else:
                    counts["ok"] += 1

    workers = [threading.Thread(target=probe, daemon=True)]
    workers += [threading.Thread(target=client, args=(n,), daemon=True) for n in range(threads)]
    steps: list[dict[str, Any]] = []
    started = time.monotonic()
    for worker in workers:
        worker.start()
    try:
        time.sleep(3)
        for name in names:
            t0 = time.monotonic()
            proc = cluster.procs.pop(name)
            os.kill(proc.pid, signal.SIGTERM)  # the master only: it drains, then stops
            proc.wait(timeout=120)
            stopped = time.monotonic() - t0
            cluster.start_gunicorn(name)
            wait_for(partial(healthy.__getitem__, name), 30, f"{name} back in rotation")
            steps.append(
                {
                    "server": name,
                    "stopped_after_s": round(stopped, 1),
                    "back_after_s": round(time.monotonic() - t0, 1),
                }
            )
            time.sleep(3)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=40)
    return {
        **counts,
        "seconds": round(time.monotonic() - started, 1),
        "steps": steps,
        "client_threads": threads,
    }


# --- the run ------------------------------------------------------------------------------------------


def production_env(folder: Path, database_url: str, redis_port: int, varnish_port: int) -> dict[str, str]:
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "GUNICORN_", "PURGE_", "CACHE_"))
        },
        "DJANGO_SETTINGS_MODULE": "medsite.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "cluster-" + secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_RETRY_SECONDS": "1",  # so the polls after a fault is lifted read through Redis again
        "PAGE_CACHE_SECONDS": "600",
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        # The demo's image files, shared by both servers as a shared store would be.
        "MEDSITE_MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # The public origin: purges by address carry its host, which Varnish hashes with the path.
        "MEDSITE_BASE_URL": f"http://127.0.0.1:{varnish_port}",
        "PURGE_BACKEND": "varnish",
        "PURGE_VARNISH_URLS": f"http://127.0.0.1:{varnish_port}/",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_DRAIN_SECONDS": "3",  # > the probe interval (0.25 s) of the load client
        "GUNICORN_ACCESS_LOG": "",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--poll-seconds", type=float, default=1.5)
    parser.add_argument("--load-threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs) after the run")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="medsite-cluster-"))
    cluster = Cluster(folder)
    started = time.monotonic()
    result: dict[str, Any] = {}
    try:
        database_url = cluster.init_postgres()
        cluster.ports["redis"], cluster.ports["varnish"] = free_port(), free_port()
        cluster.env = env = production_env(
            folder, database_url, cluster.ports["redis"], cluster.ports["varnish"]
        )
        os.environ.update(env)
        for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([PY, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603
        import django

        django.setup()
        from conditions.demo import load_demo

        cluster.start_redis()
        demo = load_demo()  # the demo accounts and pages, through the workflow
        cluster.start_gunicorn("server_a")
        cluster.start_gunicorn("server_b")
        cluster.start_varnish(cluster.ports["server_a"])
        result["demo_pages"] = demo.published
        redis = cluster.ports["redis"]
        snapshot = folder / "snapshot.rdb"
        restored_keys: list[int] = []

        def pause() -> None:
            os.kill(cluster.procs["redis"].pid, signal.SIGSTOP)

        def resume() -> None:
            os.kill(cluster.procs["redis"].pid, signal.SIGCONT)

        def take_snapshot() -> None:
            if redis_command(redis, "SAVE") != "+OK":
                raise RuntimeError("Redis did not save its snapshot")
            shutil.copy(folder / "dump.rdb", snapshot)

        def restore_snapshot() -> None:
            cluster.stop("redis")
            shutil.copy(snapshot, folder / "dump.rdb")
            cluster.start_redis()
            # The restored Redis holds the pages cached before the change (their old content).
            restored_keys.append(int(redis_command(redis, "DBSIZE").lstrip(":")))

        def fresh_redis() -> None:
            (folder / "dump.rdb").unlink(missing_ok=True)
            cluster.start_redis()

        results: dict[str, Any] = {}
        with hung_listener() as hung:

            def point_b_at_hung() -> None:
                cluster.stop("server_b", signal.SIGINT)
                cluster.start_gunicorn("server_b", cache_url=f"redis://127.0.0.1:{hung}/0")

            def point_b_back() -> None:
                cluster.stop("server_b", signal.SIGINT)
                cluster.start_gunicorn("server_b")

            faults = [
                Fault("redis-up", lambda: None, None),
                Fault("redis-paused", pause, resume),
                Fault("redis-stopped", lambda: cluster.stop("redis"), fresh_redis),
                Fault("redis-hung", point_b_at_hung, point_b_back),
                Fault("redis-snapshot", take_snapshot, restore_snapshot),
            ]
            for fault in faults:
                results[fault.name] = stale_reads(cluster, fault, args.poll_seconds)
        result["stale_reads"] = results
        result["redis_keys_restored_from_snapshot"] = restored_keys
        redis_faults = [r for name, r in results.items() if name != "redis-up"]
        result["summary"] = {
            "stale_reads": sum(r["total"]["stale"] for r in results.values()),
            "reads": sum(r["total"]["reads"] for r in results.values()),
            "5xx_during_redis_outages": sum(r["total"]["server_errors"] for r in redis_faults),
            "unreachable_reads": sum(r["total"]["unreachable"] for r in results.values()),
        }
        result["database_outage"] = database_outage(cluster)
        result["rolling_restart"] = rolling_restart(cluster, args.load_threads)
        summary = result["summary"]
        summary["database_outage_503_json_api"] = result["database_outage"]["api_503_json"]
        summary["database_recovery_seconds"] = result["database_outage"]["recovery_seconds"]
        summary["rolling_restart_failed_requests"] = result["rolling_restart"]["failed"]
        summary["rolling_restart_requests"] = result["rolling_restart"]["requests"]
    finally:
        cluster.close()
        result["seconds"] = round(time.monotonic() - started, 1)
        if args.keep:
            result["work_folder"] = str(folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
