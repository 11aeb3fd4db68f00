"""bench/RESULTS.md from the JSON files a ``make bench`` run leaves in bench/out/.

    python bench/report.py --machine OUT/machine.json        # record the machine (run.sh, first)
    python bench/report.py OUT --write bench/RESULTS.md      # the report (run.sh, last)

Standard library only. Every target gets a verdict, "met" or "NOT met", from the measured value,
or "not measured" when its step did not run; figures from a step re-run alone are marked with
the time they were measured.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ADMIN_LIMIT_MS = 300
SEARCH_P95_MS = 50
IMPORT_LIMIT_S = 60
APPROVE_LIMIT_MS = 300
MEMORY_FLAT_KIB = 5 * 1024  # growth per worker over the measured requests that still counts as flat
THROUGHPUT_RATIO = 0.5
WAGTAIL_AIM = 10
HOSTILE_LIMIT_S = 1.0
HOSTILE_LATENCY_RATIO = 2.0
MIXED_RATIO = 0.8  # read throughput with one approval every 5 s, against reads alone


def _run(*command: str) -> str:
    if not shutil.which(command[0]):
        return ""
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    return (done.stdout or done.stderr).strip()


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _run("lscpu").splitlines()
            if line.startswith("Model name")
        ),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total_kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    versions = {}
    for package in ("django", "gunicorn", "django-reversion", "markdown-it-py", "nh3", "psycopg"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # a missing package is reported as such
            versions[package] = "not installed"
    pg = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(total_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _run(str(pg[-1]), "--version") if pg else "not installed",
        "wrk": " ".join((_run("wrk", "--version").splitlines() or [""])[0].split()[:2]),
        "load_average": os.getloadavg(),
        **versions,
    }


# --- reading -----------------------------------------------------------------------------------


class Run:
    def __init__(self, out: Path) -> None:
        self.out = out

    def json(self, name: str) -> dict | None:
        path = self.out / name
        return json.loads(path.read_text()) if path.exists() else None

    def when(self, name: str) -> str:
        path = self.out / name
        return datetime.fromtimestamp(path.stat().st_mtime, UTC).strftime("%Y-%m-%d %H:%M UTC")

    def load(self) -> tuple[list[dict], dict[str, dict[str, float]]] | None:
        """The harness's summary rows, and per round each target's req/s."""
        summary = self.json("load/summary.json")
        runs = self.out / "load" / "runs.tsv"
        if summary is None or not runs.exists():
            return None
        rounds: dict[str, dict[str, float]] = {}
        with runs.open() as f:
            for row in csv.DictReader(f, delimiter="\t"):
                rounds.setdefault(row["round"], {})[row["label"]] = float(row["rps"])
        return summary["targets"], rounds


def paired_ratio(rounds: dict, a: str, b: str) -> float | None:
    """Median over rounds of req/s of ``a`` divided by that of ``b`` in the same round."""
    ratios = [v[a] / v[b] for v in rounds.values() if a in v and v.get(b)]
    return statistics.median(ratios) if ratios else None


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "**NOT met**")


# --- the targets ---------------------------------------------------------------------------------

Target = tuple[str, str, str, str]  # (issue number, target, measured, verdict)


def _load_targets(run: Run) -> list[Target]:
    load = run.load()
    rows, rounds = load if load else ([], {})
    by_label = {row["label"]: row for row in rows}
    ours = by_label.get("ours")
    if not ours:
        return [("1", "public page throughput", "–", verdict(None))]
    rps = ours["rps_median"]
    page = "public page with three figures" if run.json("figures.json") else "public page"
    out = []
    for label, what in (
        ("django_bare", "bare Django (django_bare: no apps, no middleware)"),
        ("django_same", "a Django view on the same stack (django_same)"),
    ):
        target = f"{page} ≥ {THROUGHPUT_RATIO} × {what}"
        ratio = paired_ratio(rounds, "ours", label)
        if ratio is None:  # no round measured both
            out.append(("1", target, "–", verdict(None)))
            continue
        measured = f"{ratio:.2f} × ({rps:.0f} vs {by_label[label]['rps_median']:.0f} req/s)"
        out.append(("1", target, measured, verdict(ratio >= THROUGHPUT_RATIO)))
    target = f"aim: ≥ {WAGTAIL_AIM} × stock Wagtail"
    ratio = paired_ratio(rounds, "ours", "wagtail")
    if ratio is None:
        out.append(("1", target, "–", verdict(None)))
    else:
        measured = f"{ratio:.1f} × ({by_label['wagtail']['rps_median']:.0f} req/s)"
        out.append(("1", target, measured, verdict(ratio >= WAGTAIL_AIM)))
    out.append(
        ("1", "no errors under load (non-2xx, socket)", str(ours["errors"]), verdict(ours["errors"] == 0))
    )
    return out


def _query_targets(run: Run) -> list[Target]:
    public, test = run.json("public.json"), run.json("query_test.json")
    if not public:
        return [("2", "≤ 2 SQL queries per public page view", "–", verdict(None))]
    measured = f"{public['queries']}"
    if test:
        measured += f"; suite test {'passed' if test['passed'] else 'FAILED'}"
    ok = public["queries"] <= 2 and (test is None or test["passed"])
    return [("2", "≤ 2 SQL queries per public page view", measured, verdict(ok))]


def _admin_targets(run: Run) -> list[Target]:
    admin = run.json("admin.json")
    if not admin:
        return [("3", "admin screens at scale", "–", verdict(None))]
    return [
        (
            "3",
            f"admin {name}: median < {ADMIN_LIMIT_MS} ms",
            f"{view['median_ms']:.0f} ms (p90 {view['p90_ms']:.0f}, {view['queries']} queries)",
            verdict(view["median_ms"] < ADMIN_LIMIT_MS),
        )
        for name, view in admin["views"].items()
    ]


def _search_targets(run: Run) -> list[Target]:
    out = []
    for backend, name in BACKENDS:
        found = run.json(f"search_{backend}.json")
        target = f"search p95 < {SEARCH_P95_MS} ms, {name}"
        if not found:
            out.append(("4", target, "–", verdict(None)))
            continue
        measured = (
            f"{found['p95_ms']:.1f} ms (median {found['median_ms']:.1f}; {found['live_pages']:,} pages)"
        )
        out.append(("4", target, measured, verdict(found["p95_ms"] < SEARCH_P95_MS)))
    return out


def _bulk_targets(run: Run) -> list[Target]:
    out = []
    imported = run.json("import.json")
    if imported:
        ok = imported["seconds"] < IMPORT_LIMIT_S and imported["created"] == imported["files"]
        out.append(
            (
                "5",
                f"import {imported['files']:,} files < {IMPORT_LIMIT_S} s",
                f"{imported['seconds']:.1f} s ({imported['created']:,} pages created)",
                # A smoke run imports fewer files; its time says nothing about the target.
                verdict(ok) if imported["files"] >= 1000 else "not measured at full size",
            )
        )
    else:
        out.append(("5", "import 1,000 files", "–", verdict(None)))
    approve = run.json("approve.json")
    if approve:
        target = f"approve a {approve['sections']}-section, {approve['references']}-reference page"
        measured = f"median {approve['median_ms']:.0f} ms (max {approve['max_ms']:.0f}, {approve['n']} runs)"
        out.append(
            (
                "5",
                f"{target} < {APPROVE_LIMIT_MS} ms",
                measured,
                verdict(approve["median_ms"] < APPROVE_LIMIT_MS),
            )
        )
    else:
        out.append(("5", "approve a 30-section, 60-reference page", "–", verdict(None)))
    memory = run.json("memory.json")
    if memory:
        growth = memory["max_growth_kib"]
        ok = memory["same_workers"] and growth is not None and growth < MEMORY_FLAT_KIB
        count = memory["measured"]["requests"]
        target = f"worker RSS flat over {count:,} requests (growth < {MEMORY_FLAT_KIB // 1024} MiB)"
        measured = f"max growth {growth / 1024:.1f} MiB per worker"
        out.append(("5", target, measured, verdict(ok)))
        kinds = memory["measured"].get("error_kinds", {})
        non_2xx = kinds.get("err_status", memory["measured"]["errors"])
        others = ", ".join(f"{k[4:]} {v}" for k, v in kinds.items() if v and k != "err_status")
        measured = f"{non_2xx} non-2xx" + (f" (socket: {others})" if others else "")
        out.append(("5", "no non-2xx responses during the memory run", measured, verdict(non_2xx == 0)))
    else:
        out.append(("5", "worker memory over 100,000 requests", "–", verdict(None)))
    return out


def _hostile_targets(run: Run) -> list[Target]:
    hostile = run.json("hostile.json")
    if not hostile:
        return [("6", "hostile input rendered or refused within 1 s", "–", verdict(None))]
    slowest = max(hostile["inputs"], key=lambda i: i["seconds"])
    unexpected = [i for i in hostile["inputs"] if i["status"] not in (None, 200, 413, 422)]
    load = hostile["load"]
    loads = [load, *([hostile["load_impolite"]] if hostile.get("load_impolite") else [])]
    return [
        (
            "6",
            f"every listed input rendered or refused within {HOSTILE_LIMIT_S:g} s",
            f"slowest {slowest['seconds']:.2f} s ({slowest['what']}, {slowest['path']}: "
            f"{slowest['outcome']}); {len(hostile['inputs'])} inputs, {len(unexpected)} other answers",
            verdict(slowest["seconds"] <= HOSTILE_LIMIT_S and not unexpected),
        ),
        *(
            (
                "6",
                f"public page latency, {each['clients']} hostile previewers "
                f"{'honouring' if each['polite'] else 'ignoring'} Retry-After "
                f"≤ {HOSTILE_LATENCY_RATIO:g} × quiet",
                f"{each['ratio_median']:.2f} × (median {each['loaded']['median_ms']:.2f} vs "
                f"{each['quiet']['median_ms']:.2f} ms)",
                verdict(each["ratio_median"] <= HOSTILE_LATENCY_RATIO),
            )
            for each in loads
        ),
        (
            "6",
            "no worker killed or erroring under hostile previews",
            f"{sum(each['worker_timeouts'] for each in loads)} timeouts, "
            f"{sum(each['server_errors_logged'] for each in loads)} tracebacks",
            verdict(
                all(each["worker_timeouts"] == 0 and each["server_errors_logged"] == 0 for each in loads)
            ),
        ),
    ]


def _lighthouse_targets(run: Run) -> list[Target]:
    found = run.json("lighthouse.json")
    if not found:
        return [("–", "Lighthouse performance score", "–", verdict(None))]
    # The target is bench/lighthouse.py's, written with the measurement.
    target = f"Lighthouse performance ≥ {found['target']} (seed page, mobile)"
    score = found["scores"]["performance"]
    others = ", ".join(f"{name} {value}" for name, value in found["scores"].items() if name != "performance")
    measured = f"{score} ({others})"
    return [("–", target, measured, verdict(score is not None and score >= found["target"]))]


MIXED_RUNS = (("mixed.json", "SQLite"), ("mixed_postgresql.json", "PostgreSQL"))


def _mixed_targets(run: Run) -> list[Target]:
    out = []
    for name, database in MIXED_RUNS:
        found = run.json(name)
        target = f"reads with one approval every 5 s ≥ {MIXED_RATIO} × reads alone ({database})"
        if not found:
            if name == "mixed.json":
                out.append(("16", target, "–", verdict(None)))
            continue
        measured = (
            f"{found['ratio_median']:.2f} × ({found['mixed_rps_median']:.0f} vs "
            f"{found['read_rps_median']:.0f} req/s; {found['approvals']} approvals, "
            f"{found['stale_after_approval']} stale, {found['errors']} errors)"
        )
        ok = (
            found["ratio_median"] >= MIXED_RATIO
            and found["stale_after_approval"] == 0
            and found["errors"] == 0
        )
        out.append(("16", target, measured, verdict(ok)))
    return out


BACKENDS = (("sqlite", "SQLite"), ("postgresql", "PostgreSQL"))


# --- the sections ------------------------------------------------------------------------------


def _machine_section(m: dict) -> list[str]:
    load = ", ".join(f"{x:.1f}" for x in m["load_average"])
    return [
        "## Machine",
        "",
        f"- {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB memory, kernel {m['kernel']}",
        f"- load average when the run started: {load} (the machine is shared with other work)",
        f"- Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, "
        f"django-reversion {m['django-reversion']}, "
        + (
            f"markdown-it-py {m['markdown-it-py']}, nh3 {m['nh3']}"
            if "markdown-it-py" in m
            else f"Markdown {m['markdown']}"  # a machine.json from before the renderer changed
        ),
        f"- SQLite {m['sqlite']}, psycopg {m['psycopg']}, {m['postgresql']}; {m['wrk']}",
        "",
    ]


def _data_section(run: Run) -> list[str]:
    data = run.json("data.json")
    if not data:
        return []
    return [
        "## Data set",
        "",
        f"`bench_data` built {data['conditions']:,} condition pages ({data['live']:,} live, "
        f"{data['sections']:,} sections), {data['references']:,} references, "
        f"{data['condition_versions']:,} condition versions ({data['version_rows']:,} version rows "
        f"with their sections, short answers and listed references) and {data['review_events']:,} "
        f"review events in {data['seconds']:.0f} s. The seed page (carcinoid syndrome, seeds 000 "
        "and 001) was then imported with `import_condition`, submitted by an editor and approved "
        "by a reviewer with the clinical checklist.",
        "",
    ]


def _load_section(run: Run) -> list[str]:
    load = run.load()
    if not load:
        return []
    rows, rounds = load
    by_label = {row["label"]: row for row in rows}
    if "ours" not in by_label:
        return []
    out = [
        f"## Public page under load (measured {run.when('load/summary.json')})",
        "",
        "gunicorn with 2 sync workers on 127.0.0.1, interleaved wrk rounds of the shared harness "
        "(`../shared/bench/wagtail_anchor.sh`, MedSite added with `EXTRA_TARGETS`). The other "
        "targets serve the Wagtail page's bytes; `ours` serves MedSite's page for the same seed, "
        "which carries more (contents, review block, JSON-LD, the short answer, disclaimer). Ratios "
        "are medians of per-round paired ratios.",
        "",
        "| target | req/s (median) | min–max | p50 ms | p99 ms | body bytes | errors | ours ÷ target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        ratio = paired_ratio(rounds, "ours", row["label"])
        out.append(
            f"| {row['label']} | {row['rps_median']:.0f} | {row['rps_min']:.0f}–{row['rps_max']:.0f} | "
            f"{row['p50_ms']:.2f} | {row['p99_ms']:.2f} | {row['body_bytes']} | {row['errors']} | "
            f"{ratio:.2f} |"
        )
    ours, bare = by_label["ours"]["rps_median"], by_label["django_bare"]["rps_median"]
    out += [
        "",
        f"At {ours:.0f} req/s over 2 workers a MedSite page costs a worker about {2000 / ours:.2f} ms, "
        f"against {2000 / bare:.2f} ms for the bare Django view.",
        "",
        *_figures_lines(run, rounds, by_label),
    ]
    return out


def _figures_lines(run: Run, rounds: dict, by_label: dict) -> list[str]:
    """What the figures step put on the page, and the page against its twin without figures."""
    figures = run.json("figures.json")
    if not figures:
        return []
    page, twin = figures["pages"][figures["slug"]], figures["pages"][figures["twin"]]
    sizes = ", ".join(
        dict.fromkeys(f"{i['width']} × {i['height']} {i['format'].upper()}" for i in figures["images"])
    )
    out = [
        f"`ours` is the seed page with three figures from the image library (the `figures` step, "
        f"`bench/figures.py`: drawings made with Pillow, {sizes}, added with "
        "`images.library.add_image` and shown as `![](image:key)` after the first paragraph of "
        f"the first three sections, then submitted and approved): {page['bytes']:,} bytes with "
        f"{page['figures']} `<figure>`s ({page['lazy']} lazily loaded), against {twin['bytes']:,} "
        f"for `ours_text`, a copy of the page without them. "
        f"{figures['renditions_stored']} renditions stored ({figures['storage']}), "
        f"{len(figures['renditions_missing'])} missing. The load measures the HTML only: browsers "
        "fetch the renditions from the image storage, not from the app server.",
    ]
    cpu = figures.get("cpu_ms")
    if cpu:
        with_figures, without = cpu[figures["slug"]], cpu[figures["twin"]]
        out.append(
            "CPU time of one view in-process (Django's test client, which keeps its database "
            "connection; median, the two pages in turn): rendered "
            f"{with_figures['rendered']:.2f} ms with the figures and {without['rendered']:.2f} ms "
            f"without; from the page cache {with_figures['from the cache']:.2f} and "
            f"{without['from the cache']:.2f} ms."
        )
    ratio = paired_ratio(rounds, "ours", "ours_text")
    if ratio is not None:
        out.append(
            f"With its figures the page serves {ratio:.2f} × the requests of the same page without "
            f"them ({by_label['ours']['rps_median']:.0f} vs {by_label['ours_text']['rps_median']:.0f} "
            "req/s, median of the rounds' paired ratios)."
        )
    return [" ".join(out), ""]


def _query_section(run: Run) -> list[str]:
    public, test = run.json("public.json"), run.json("query_test.json")
    if not public:
        return []
    out = [
        "## Queries per public page view",
        "",
        f"In-process, anonymous GET of `{public['url']}` ({public['bytes']:,} bytes), after a first view "
        "of the process:",
    ]
    for name, view in public.get("views", {}).items():
        out.append(f"- {name}: {view['queries']} queries")
        out += [f"  - `{sql[:160]}`" for sql in view["sql"]]
    if test:
        outcome = "passed" if test["passed"] else "FAILED"
        out.append(f"- The suite's query-count tests, `{test['tests']}`: {outcome}.")
    return [*out, ""]


def _admin_section(run: Run) -> list[str]:
    admin = run.json("admin.json")
    if not admin:
        return []
    out = [
        f"## Admin at scale (measured {run.when('admin.json')})",
        "",
        f"In-process Django test Client logged in as `{admin['as']}` (a medical reviewer), "
        f"{admin['conditions']:,} conditions and {admin['version_rows']:,} version rows. The "
        f"condition opened is the one with the longest history, “{admin['condition']}” "
        f"({admin['condition_versions']} versions; compare: its first against its last). 3 "
        "warm-up requests, then the timed ones; queries counted on one more request.",
        "",
        "| screen | median ms | p90 ms | max ms | queries | bytes | verdict |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, view in admin["views"].items():
        out.append(
            f"| {name} | {view['median_ms']:.0f} | {view['p90_ms']:.0f} | {view['max_ms']:.0f} | "
            f"{view['queries']} | {view['bytes']:,} | {verdict(view['median_ms'] < ADMIN_LIMIT_MS)} |"
        )
    return [*out, ""]


def _search_section(run: Run) -> list[str]:
    out = []
    for backend, name in BACKENDS:
        found = run.json(f"search_{backend}.json")
        if not found:
            continue
        slowest = "; ".join(
            f"“{s['query']}” {s['ms']:.0f} ms ({s['results']:,} matches)" for s in found["slowest"]
        )
        out += [
            f"## Search on {name} (measured {run.when(f'search_{backend}.json')})",
            "",
            f"`conditions.public.search.search()` in-process, {found['queries']} fixed queries (names, parts "
            f"of names, other names, symptoms, body parts, word starts) over {found['live_pages']:,} "
            f"live pages: median {found['median_ms']:.1f} ms, p90 {found['p90_ms']:.1f}, p95 "
            f"{found['p95_ms']:.1f}, max {found['max_ms']:.1f}. Matches per query: median "
            f"{found['median_results']}, max {found['max_results']:,}; {found['no_results']} found nothing.",
            "",
            f"Slowest: {slowest}.",
            "",
        ]
    return out


def _bulk_section(run: Run) -> list[str]:
    imported, approve, memory = run.json("import.json"), run.json("approve.json"), run.json("memory.json")
    out = []
    if imported:
        out.append(
            f"- **Import**: `import_condition` with {imported['files']:,} generated files (seed-000 "
            f"format, own wording) into an {imported['database']}: {imported['seconds']:.1f} s, "
            f"{imported['created']:,} pages created (one transaction; one revision per file)."
        )
    if approve:
        runs = ", ".join(f"{r['ms']:.0f}" for r in approve["runs"])
        out.append(
            f"- **Approve**: `workflow.approve` (clinical, checklist ticked) of a {approve['sections']}-"
            f"section page citing {approve['references']} references: median {approve['median_ms']:.0f} ms "
            f"over {approve['n']} runs after one warm-up (every run, ms: {runs})."
        )
    if memory:
        workers = "; ".join(
            f"PID {w['pid']} {w['rss_after_warmup_kib'] / 1024:.1f} → "
            + (f"{w['rss_halfway_kib'] / 1024:.1f} → " if w.get("rss_halfway_kib") else "")
            + f"{w['rss_after_kib'] / 1024:.1f} MiB"
            for w in memory["workers"]
        )
        out.append(
            f"- **Memory** (measured {run.when('memory.json')}): gunicorn, 2 sync workers, max_requests "
            f"off; {memory['warmup']['requests']:,} warm-up requests, then "
            f"{memory['measured']['requests']:,} more, at about {memory['measured']['last_rate_rps']} "
            f"req/s, over {memory['paths']:,} condition pages ({memory.get('traffic', 'in turn')}). "
            f"RSS after the warm-up → halfway → at the end: {workers}. Same worker processes throughout: "
            f"{'yes' if memory['same_workers'] else 'NO'}. wrk errors: "
            f"{json.dumps(memory['measured'].get('error_kinds', memory['measured']['errors']))}."
        )
    return ["## Bulk work and memory", "", *out, ""] if out else []


def _load_line(load: dict) -> str:
    answers = ", ".join(f"{count} × {status}" for status, count in load["previews"]["answers"].items())
    return (
        f"public page median {load['quiet']['median_ms']:.2f} ms quiet (p90 {load['quiet']['p90_ms']:.2f}, "
        f"{load['quiet']['n']} requests) and {load['loaded']['median_ms']:.2f} ms under the previews "
        f"(p90 {load['loaded']['p90_ms']:.2f}, max {load['loaded']['max_ms']:.1f}, {load['loaded']['n']:,} "
        f"requests over {load['seconds']:.0f} s): **{load['ratio_median']:.2f} ×** (p90 "
        f"{load['ratio_p90']:.2f} ×). Preview answers: {answers}; a preview took at most "
        f"{load['previews']['max_s']:.2f} s. Worker timeouts: {load['worker_timeouts']}; tracebacks "
        f"logged: {load['server_errors_logged']}."
    )


def _hostile_section(run: Run) -> list[str]:
    hostile = run.json("hostile.json")
    if not hostile:
        return []
    limits = hostile["limits"]
    rows = [
        f"| {i['what']} | {i['path']} | {i['characters'] or ''} | {i['outcome']} | {i['seconds']:.3f} | "
        f"{'' if i['peak_mib'] is None else i['peak_mib']} |"
        for i in hostile["inputs"]
    ]
    out = [
        f"## Hostile input (measured {run.when('hostile.json')})",
        "",
        f"`bench/hostile.py`, production settings; load average when the step started "
        f"{', '.join(f'{x:.1f}' for x in hostile.get('load_average_at_start', []))}. "
        f"Limits: {limits['field_chars']:,} characters a "
        f"Markdown field, {limits['page_chars']:,} a page; preview budget {limits['preview_budget_s']} s; "
        f"{limits.get('preview_seconds_per_minute', '?')} s of rendering and "
        f"{limits['previews_per_minute']:,} previews a minute per editor; "
        f"{limits['preview_slots']} preview(s) rendering at once on this machine. "
        "Markdown goes through the preview endpoints in-process "
        "(test client, logged in); the rest through the reference formatter, exporters, free-text "
        "parser and importers. Seconds are one run's wall clock; peak MiB is the Python memory "
        "tracemalloc saw during a second run of the same request.",
        "",
        "| input | path | characters | outcome | seconds | peak MiB |",
        "|---|---|---:|---|---:|---:|",
        *rows,
        "",
    ]
    load, impolite = hostile["load"], hostile.get("load_impolite")
    out.append(
        f"- **{load['clients']} editors posting hostile page previews** (five fields of `![` at the field "
        "limit, again as soon as answered, waiting as long as a refusal's Retry-After says, as the "
        "editor's page does), gunicorn as configured for production (gunicorn.conf.py, "
        f"{load.get('workers', '2 × cores + 1')} sync workers): " + _load_line(load)
    )
    if impolite:
        out.append(
            "- **The same clients ignoring Retry-After** (a script posting again at once): "
            + _load_line(impolite)
        )
    return [*out, ""]


def _lighthouse_section(run: Run) -> list[str]:
    found = run.json("lighthouse.json")
    if not found:
        return []
    metrics = "; ".join(
        f"{name.replace('-', ' ')} {metric['shown']}" for name, metric in found["metrics"].items()
    )
    costs = "".join(f"\n  - {audit}" for audit in found["performance_audits"]) or " none"
    load = ", ".join(f"{x:.1f}" for x in found["load_average_before"])
    return [
        f"## Lighthouse (measured {run.when('lighthouse.json')})",
        "",
        f"`bench/lighthouse.py`: Lighthouse {found['lighthouse']} ({found['form_factor']}, "
        f"throttling: {found['throttling']}) on {found['url']}, served by gunicorn with production "
        f"settings; load average when it started {load}. The performance score is a timing and "
        "moves with the machine's load; the suite holds the other three categories to 0.95 "
        "(tests/browser/test_lighthouse.py).",
        "",
        f"- scores: {', '.join(f'{name} {value}' for name, value in found['scores'].items())}",
        f"- {metrics}",
        f"- audits that cost performance points:{costs}",
        "",
    ]


def _mixed_section(run: Run) -> list[str]:
    return [line for name, database in MIXED_RUNS for line in _mixed_run_section(run, name, database)]


def _mixed_run_section(run: Run, name: str, database: str) -> list[str]:
    found = run.json(name)
    if not found:
        return []
    s = found["settings"]
    load = ", ".join(f"{x:.1f}" for x in s["load_average"])
    out = [
        f"## Reads while pages are approved, {database} (measured {run.when(name)})",
        "",
        f"`bench/mixed.py` (the `mixed` step): gunicorn ({s['workers']} sync workers, production "
        f"settings, page cache in {s['cache']}) on a {database} set of {s['live_pages']:,} live "
        f"pages; wrk with {s['connections']} connections over {s['paths']} paths (home, A–Z and "
        f"{s['condition_pages']} condition pages, uniformly). Each round has two {s['seconds']} s "
        "runs in alternating order: reads alone, and the same reads while another process edits "
        f"one of the pages read every {s['interval_s']:g} s, submits it as an editor and approves "
        "it as another reviewer with the clinical checklist, then fetches it once from the server "
        "(stale if it lacks the new summary). The ratio is the median of the rounds' paired "
        f"ratios. Load average at the end: {load}.",
        "",
        "| round | reads alone req/s | with approvals req/s | ratio | approvals "
        "| responses stored (alone / with) | p99 ms (alone / with) | worker CPU ms per read (alone / with) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in found["rounds"]:
        read, mixed = row["read"], row["mixed"]
        out.append(
            f"| {row['round']} | {read['rps']:.0f} | {mixed['rps']:.0f} | {row['ratio']:.2f} | "
            f"{row['approvals']} | {read['responses_stored']} / {mixed['responses_stored']} | "
            f"{read['lat_p99_us'] / 1000:.0f} / {mixed['lat_p99_us'] / 1000:.0f} | "
            f"{read['worker_cpu_ms_per_request']:.2f} / {mixed['worker_cpu_ms_per_request']:.2f} |"
        )
    out += [
        "",
        f"Median: {found['read_rps_median']:.0f} req/s alone, {found['mixed_rps_median']:.0f} with "
        f"approvals, **{found['ratio_median']:.2f} ×** (target ≥ {MIXED_RATIO}). An approval (edit, "
        f"submit, approve) took a median {found['approval_ms_median']:.0f} ms (max "
        f"{found['approval_ms_max']:.0f}; {found['approval_cpu_ms_median']:.0f} ms of CPU); "
        f"{found['stale_after_approval']} of {found['approvals']} pages read straight after their "
        f"approval were stale; {found['errors']} wrk errors. “Responses stored” counts the values "
        "written to the page cache during the run: the pages rendered again. Worker CPU per read is "
        "the gunicorn workers' CPU time (/proc) over the run's requests, which other work on a "
        "shared machine moves far less than throughput: median "
        f"{found['read_cpu_ms_per_request_median']:.2f} ms alone and "
        f"{found['mixed_cpu_ms_per_request_median']:.2f} ms with approvals, a capacity ratio of "
        f"{found['cpu_ratio_median']:.2f} ×.",
        "",
    ]
    return out


def report(run: Run) -> str:
    m = run.json("machine.json") or machine()
    targets = [
        *_load_targets(run),
        *_query_targets(run),
        *_admin_targets(run),
        *_search_targets(run),
        *_bulk_targets(run),
        *_hostile_targets(run),
        *_mixed_targets(run),
        *_lighthouse_targets(run),
    ]
    lines = [
        "# MedSite benchmark results",
        "",
        f"Generated by `make bench` (`bench/run.sh`, then `bench/report.py`) from the run started "
        f"{m['measured_at']}. How to re-run, and what each figure means: `bench/README.md`.",
        "",
        *_machine_section(m),
        "## Targets",
        "",
        "| # | target | measured | verdict |",
        "|---|---|---|---|",
        *(f"| {n} | {target} | {measured} | {result} |" for n, target, measured, result in targets),
        "",
        *_data_section(run),
        *_load_section(run),
        *_query_section(run),
        *_admin_section(run),
        *_search_section(run),
        *_bulk_section(run),
        *_hostile_section(run),
        *_mixed_section(run),
        *_lighthouse_section(run),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path)
    parser.add_argument("--machine", type=Path, help="Write the machine description here and stop.")
    parser.add_argument("--write", type=Path, help="Write the report here (default: print it).")
    args = parser.parse_args()
    if args.machine:
        args.machine.write_text(json.dumps(machine(), indent=1), encoding="utf-8")
        return
    if args.out is None:
        parser.error("give the output folder of a run")
    text = report(Run(args.out))
    if args.write:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
