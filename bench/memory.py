"""Does a gunicorn worker's memory stay flat? RSS of each worker after a warm-up and after many
more requests, read from /proc. Standard library only.

    python bench/memory.py --master PID --base http://127.0.0.1:PORT --paths FILE \
        [--warmup 10000] [--requests 100000] --out memory.json

The requests are driven by wrk (bench/rotate.lua: the paths of FILE in turn, 8 connections),
in runs of a few seconds until each count is reached. The server must run with max_requests
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


def drive(base: str, count: int, env: dict) -> dict:
    """At least ``count`` requests in wrk runs; totals of requests and errors."""
    done = errors = 0
    rate = None
    runs = 0
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
        errors += sum(
            summary[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout")
        )
        rate = summary["requests"] / (summary["duration_us"] / 1e6)
        runs += 1
    return {"requests": done, "errors": errors, "wrk_runs": runs, "last_rate_rps": round(rate or 0)}


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
    after_warmup = {pid: rss_kib(pid) for pid in workers(args.master)}
    load = drive(args.base, args.requests, env)
    after_pids = workers(args.master)
    final = {pid: rss_kib(pid) for pid in after_pids}
    growth = {pid: final[pid] - after_warmup[pid] for pid in final if pid in after_warmup}
    result = {
        "paths": len(paths),
        "warmup": warm,
        "measured": load,
        "seconds": round(time.time() - started, 1),
        "same_workers": before_pids == after_pids,
        "workers": [
            {
                "pid": pid,
                "rss_after_warmup_kib": after_warmup.get(pid),
                "rss_after_kib": final[pid],
                "growth_kib": growth.get(pid),
            }
            for pid in after_pids
        ],
        "max_growth_kib": max(growth.values()) if growth else None,
    }
    Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
