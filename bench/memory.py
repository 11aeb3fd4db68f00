"""Does a gunicorn worker's memory stay flat? RSS of each worker after a warm-up and after many
more requests, read from /proc. Standard library only.

    python bench/memory.py --master PID --base http://127.0.0.1:PORT --paths FILE \
        [--warmup 10000] [--requests 100000] --out memory.json

The requests are driven by wrk (bench/rotate.lua, 8 connections): 90% to the first 200 paths of
FILE (the popular pages, answered from the page cache once rendered), 10% to any of them (mostly
rendered afresh), in runs of a few seconds until each count is reached. The server must run with max_requests
disabled, or a recycled worker would hide any growth: the worker PIDs are checked to be the same
before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def workers(master: int) -> list[int]:
    """PIDs whose parent is ``master`` (gunicorn's workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name is in parentheses and may hold spaces; the parent PID follows it.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


ERRORS = ("err_connect", "err_read", "err_write", "err_status", "err_timeout")


def drive(base: str, count: int, env: dict) -> dict:
    """At least ``count`` requests in wrk runs; totals of requests and of each kind of error."""
    done, errors, runs, rate = 0, dict.fromkeys(ERRORS, 0), 0, None
    while done < count:
        seconds = 3 if rate is None else max(2, min(30, round((count - done) / rate) + 1))
        result = subprocess.run(  # noqa: S603 - our own arguments, no shell
            [WRK, "-t2", "-c8", f"-d{seconds}s", "-s", str(HERE / "rotate.lua"), base],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        line = next(line for line in result.stdout.splitlines() if line.startswith("WRKJSON "))
        summary = json.loads(line[len("WRKJSON ") :])
        done += summary["requests"]
        for kind in ERRORS:
            errors[kind] += summary[kind]
        rate = summary["requests"] / (summary["duration_us"] / 1e6)
        runs += 1
    return {
        "requests": done,
        "errors": sum(errors.values()),
        "non_2xx": errors["err_status"],
        "error_kinds": errors,
        "wrk_runs": runs,
        "last_rate_rps": round(rate or 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--master", type=int, required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--paths", required=True)
    parser.add_argument("--warmup", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    env = {**os.environ, "BENCH_PATHS": args.paths}
    paths = [line for line in Path(args.paths).read_text().splitlines() if line]
    before_pids = workers(args.master)
    started = time.time()
    warm = drive(args.base, args.warmup, env)
    # RSS after the warm-up, halfway and at the end: a leak grows in both halves, while a cache
    # filling up to its limit grows in the first only.
    snapshots = [{pid: rss_kib(pid) for pid in workers(args.master)}]
    halves = []
    for _ in range(2):
        halves.append(drive(args.base, args.requests // 2, env))
        snapshots.append({pid: rss_kib(pid) for pid in workers(args.master)})
    after_pids = workers(args.master)
    first, middle, final = snapshots
    growth = {pid: final[pid] - first[pid] for pid in final if pid in first}
    load = {key: sum(half[key] for half in halves) for key in ("requests", "errors", "non_2xx", "wrk_runs")}
    load["error_kinds"] = {k: sum(half["error_kinds"][k] for half in halves) for k in ERRORS}
    load["last_rate_rps"] = halves[-1]["last_rate_rps"]
    result = {
        "paths": len(paths),
        "traffic": "90% to 200 popular pages, 10% to any, at random",
        "warmup": warm,
        "measured": load,
        "seconds": round(time.time() - started, 1),
        "same_workers": before_pids == after_pids,
        "workers": [
            {
                "pid": pid,
                "rss_after_warmup_kib": first.get(pid),
                "rss_halfway_kib": middle.get(pid),
                "rss_after_kib": final[pid],
                "growth_kib": growth.get(pid),
                "growth_second_half_kib": final[pid] - middle[pid] if pid in middle else None,
            }
            for pid in after_pids
        ],
        "max_growth_kib": max(growth.values()) if growth else None,
    }
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
