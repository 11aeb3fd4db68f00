"""Reads while pages are approved: public read throughput alone and with one approval every 5 s.

    python -m bench.mixed OUT.json [--rounds 6] [--seconds 10] [--interval 5] [--pages 200]

Run from the project directory with the production settings bench/run.sh exports and a
``DATABASE_URL`` holding a ``bench_data`` set (the ``mixed`` step makes a small one). It starts
its own Redis (the page cache of the production settings, private, no persistence) when
``redis-server`` is installed, and its own gunicorn (2 sync workers, ``max_requests`` off, as the
``load`` step), and stops both by PID.

Each round measures two wrk runs of the same length, in alternating order, against the same
server: (a) reads only, over the home page, the A–Z index and ``--pages`` condition pages (picked
uniformly by ``rotate.lua``); (b) the same reads while this process, a separate one from the
server, edits one of those pages every ``--interval`` seconds and sends it through the real
workflow: the summary changed by an editor (``write_condition``), submitted by the editor, and
approved by another reviewer with the clinical checklist. After each approval the page is
fetched once through the server and must show the new summary (a stale read otherwise). The
target is the median over rounds of (b) ÷ (a) in the same round, at least 0.8.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET_RATIO = 0.8
EDITOR, SECOND_REVIEWER = "bench-editor-1", "bench-reviewer-3"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_redis(log: Path) -> tuple[subprocess.Popen, str]:
    """A private Redis on loopback, no snapshots and no append-only file (a cache only)."""
    port = _free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    _stop(process)
    raise SystemExit(f"redis-server did not answer on port {port}; see {log}")


def redis_sets(url: str | None) -> int | None:
    """How many values Redis has been told to store so far (the responses rendered and cached)."""
    if url is None:
        return None
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"INFO commandstats\r\n")
        data = s.recv(65536)
        while b"\r\n" not in data:
            data += s.recv(65536)
        header, _, data = data.partition(b"\r\n")  # "$<length>": one bulk string
        while len(data) < int(header[1:]):
            data += s.recv(65536)
    text = data.decode()
    return sum(
        int(found.group(2))
        for found in re.finditer(r"^cmdstat_(set|setex|psetex|mset):calls=(\d+)", text, re.MULTILINE)
    )


def start_gunicorn(log: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn as the ``load`` step starts it: the project's gunicorn.conf.py, 2 sync workers."""
    port = _free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        *("--workers", "2", "--worker-class", "sync", "--threads", "1"),
        *("--max-requests", "0", "--max-requests-jitter", "0"),
        *("--bind", f"127.0.0.1:{port}", "--log-level", "warning", "medsite.wsgi:application"),
    ]
    # Nothing to drain for here: stop at once when told.
    env = {**os.environ, "GUNICORN_DRAIN_SECONDS": "0"}
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    return process, f"http://127.0.0.1:{port}"


def workers_cpu_ms(master: int) -> float:
    """CPU time (user + system) the master's worker processes have used so far, in ms."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ticks = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def wrk(base: str, paths: Path, seconds: int, conns: int) -> dict:
    """One wrk run over ``paths`` (uniformly: BENCH_HOT_SHARE=1 over every path)."""
    count = sum(1 for line in paths.read_text().splitlines() if line)
    env = {**os.environ, "BENCH_PATHS": str(paths), "BENCH_HOT": str(count), "BENCH_HOT_SHARE": "1"}
    command = [
        "wrk",
        *("-t", "2", "-c", str(conns), "-d", f"{seconds}s", "--timeout", "10s"),
        *("-s", str(HERE / "rotate.lua"), base),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    found = re.search(r"^WRKJSON (\{.*\})$", done.stdout, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
    result = json.loads(found.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in result if k.startswith("err_"))
    return result


class Approver(threading.Thread):
    """Every ``interval`` seconds: edit one page's summary, submit it, approve it, read it back."""

    def __init__(self, base: str, slugs: list[str], interval: float, start_at: int) -> None:
        super().__init__(daemon=True)
        self.base, self.slugs, self.interval, self.next = base, slugs, interval, start_at
        self.stop_event = threading.Event()
        self.done: list[dict[str, Any]] = []
        self.failure: BaseException | None = None

    def run(self) -> None:
        from django.db import connection

        try:
            started = time.monotonic()
            while not self.stop_event.is_set():
                self.done.append(self.approve_one())
                wait = started + len(self.done) * self.interval - time.monotonic()
                if self.stop_event.wait(max(0.0, wait)):
                    break
        except BaseException as error:  # reported by the caller
            self.failure = error
        finally:
            connection.close()

    def approve_one(self) -> dict[str, Any]:
        from django.contrib.auth.models import User

        from conditions import workflow
        from conditions.content import ConditionData, write_condition
        from conditions.models import Condition

        slug = self.slugs[self.next % len(self.slugs)]
        self.next += 1
        editor = User.objects.get(username=EDITOR)
        reviewer = User.objects.get(username=SECOND_REVIEWER)
        condition = Condition.objects.get(slug=slug)
        base_summary = re.sub(r" Revised \(bench \d+\)\.$", "", condition.summary or "")
        marker = f"Revised (bench {self.next})."
        began, cpu = time.perf_counter(), time.thread_time()
        data = ConditionData(name=condition.name, slug=slug, summary=f"{base_summary} {marker}".strip())
        condition, _ = write_condition(data, by=editor, comment="Summary revised")
        workflow.submit(condition, by=editor)
        workflow.approve(condition, by=reviewer, attestation=list(workflow.CHECKLIST))
        approve_ms = (time.perf_counter() - began) * 1000
        cpu_ms = (time.thread_time() - cpu) * 1000
        # Read straight after: the page must already show the approved summary on the server.
        url = f"{self.base}/conditions/{slug}/"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
            body = response.read().decode()
        return {"slug": slug, "ms": round(approve_ms, 1), "cpu_ms": round(cpu_ms, 1), "fresh": marker in body}


def measure(out: Path, *, rounds: int, seconds: int, interval: float, conns: int, pages: int) -> dict:
    logs = out.parent
    redis, redis_url = None, None
    cache = "locmem:// (per worker)"
    if shutil.which("redis-server"):
        redis, redis_url = start_redis(logs / "redis_mixed.log")
        os.environ["CACHE_URL"] = redis_url
        cache = "Redis (private, no persistence)"
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsite.settings")
    django.setup()
    from conditions.models import Condition, Status

    live = Condition.objects.live().filter(status=Status.PUBLISHED).order_by("pk")
    slugs = list(live.values_list("slug", flat=True)[:pages])
    if len(slugs) < pages:
        raise SystemExit(f"only {len(slugs)} published pages not in review; make a bigger data set")
    paths = logs / "work" / "mixed_paths.txt"
    paths.write_text("\n".join(["/", "/conditions/", *(f"/conditions/{s}/" for s in slugs)]) + "\n")

    server, base = start_gunicorn(logs / "gunicorn_mixed.log")
    try:
        _wait_http(f"{base}/conditions/{slugs[0]}/")
        for path in paths.read_text().split():  # every page into the cache, once
            _wait_http(f"{base}{path}")
        wrk(base, paths, 3, conns)
        # One approval outside the rounds, so that this process's first-call costs are not counted.
        warm = Approver(base, slugs[::-1], interval, start_at=0)
        warm.approve_one()
        wrk(base, paths, 3, conns)
        result_rounds = []
        approvals: list[dict[str, Any]] = []
        for number in range(rounds):
            order = ("read", "mixed") if number % 2 == 0 else ("mixed", "read")
            row: dict[str, Any] = {"round": number + 1, "order": list(order)}
            for kind in order:
                sets, cpu = redis_sets(redis_url), workers_cpu_ms(server.pid)
                if kind == "read":
                    row["read"] = wrk(base, paths, seconds, conns)
                else:
                    approver = Approver(base, slugs, interval, start_at=len(approvals))
                    approver.start()
                    row["mixed"] = wrk(base, paths, seconds, conns)
                    approver.stop_event.set()
                    approver.join()
                    if approver.failure:
                        raise approver.failure
                    approvals += approver.done
                    row["approvals"] = len(approver.done)
                    row["approval_cpu_ms"] = round(sum(a["cpu_ms"] for a in approver.done), 1)
                after = redis_sets(redis_url)
                row[kind]["responses_stored"] = None if sets is None or after is None else after - sets
                # The servers' cost of a read, which other work on the machine changes far less
                # than it changes throughput; with approvals it includes what they make the
                # servers do (pages rendered again, the read-back).
                row[kind]["worker_cpu_ms_per_request"] = (workers_cpu_ms(server.pid) - cpu) / row[kind][
                    "requests"
                ]
            row["ratio"] = row["mixed"]["rps"] / row["read"]["rps"]
            row["cpu_ratio"] = (
                row["read"]["worker_cpu_ms_per_request"] / row["mixed"]["worker_cpu_ms_per_request"]
            )
            result_rounds.append(row)
            print(
                f"round {number + 1}: read {row['read']['rps']:.0f} req/s, with approvals "
                f"{row['mixed']['rps']:.0f} req/s ({row['approvals']} approvals, "
                f"{row['mixed']['responses_stored']} responses stored vs {row['read']['responses_stored']}): "
                f"{row['ratio']:.2f}; worker CPU per read {row['read']['worker_cpu_ms_per_request']:.2f} "
                f"vs {row['mixed']['worker_cpu_ms_per_request']:.2f} ms",
                file=sys.stderr,
            )
    finally:
        _stop(server)
        if redis is not None:
            _stop(redis)

    ms = sorted(a["ms"] for a in approvals)
    result = {
        "target_ratio": TARGET_RATIO,
        "ratio_median": statistics.median(r["ratio"] for r in result_rounds),
        "cpu_ratio_median": statistics.median(r["cpu_ratio"] for r in result_rounds),
        "read_cpu_ms_per_request_median": statistics.median(
            r["read"]["worker_cpu_ms_per_request"] for r in result_rounds
        ),
        "mixed_cpu_ms_per_request_median": statistics.median(
            r["mixed"]["worker_cpu_ms_per_request"] for r in result_rounds
        ),
        "read_rps_median": statistics.median(r["read"]["rps"] for r in result_rounds),
        "mixed_rps_median": statistics.median(r["mixed"]["rps"] for r in result_rounds),
        "errors": sum(r[k]["errors"] for r in result_rounds for k in ("read", "mixed")),
        "approvals": len(approvals),
        "approval_ms_median": statistics.median(ms) if ms else None,
        "approval_ms_max": ms[-1] if ms else None,
        "approval_cpu_ms_median": statistics.median(a["cpu_ms"] for a in approvals) if approvals else None,
        "stale_after_approval": sum(1 for a in approvals if not a["fresh"]),
        "rounds": result_rounds,
        "settings": {
            "rounds": rounds,
            "seconds": seconds,
            "interval_s": interval,
            "connections": conns,
            "paths": len(slugs) + 2,
            "condition_pages": len(slugs),
            "live_pages": live.count(),
            "cache": cache,
            "workers": 2,
            "database": os.environ.get("DATABASE_URL", "").split(":", 1)[0] or "default",
            "load_average": os.getloadavg(),
        },
    }
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=10, help="Length of each wrk run.")
    parser.add_argument("--interval", type=float, default=5.0, help="Seconds between approvals.")
    parser.add_argument("--conns", type=int, default=8)
    parser.add_argument("--pages", type=int, default=200, help="Condition pages read (and edited in turn).")
    args = parser.parse_args()
    result = measure(
        args.out,
        rounds=args.rounds,
        seconds=args.seconds,
        interval=args.interval,
        conns=args.conns,
        pages=args.pages,
    )
    print(json.dumps({k: v for k, v in result.items() if k != "rounds"}, indent=1))


if __name__ == "__main__":
    main()
