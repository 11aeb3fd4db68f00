"""Hostile input against the bounds of medsite/limits.py: ``make bench``'s ``hostile`` step.

    python -m bench.hostile OUT.json [--clients 4] [--quiet 300] [--seconds 20]

Run from the project folder with the production environment bench/run.sh exports and a
``DATABASE_URL`` naming an empty SQLite file: it migrates it and writes the editors, a reviewer and
one published page it needs. Then:

1. Every input the bounded-work issue lists (and the other worst shapes found while fixing it)
   goes through its real path, in-process: Markdown through the editor's preview endpoints (Django's
   test client, logged in: size check, rate, slot, the renderer with its budget), references through
   the AMA formatter, the exporters and the free-text parser, import text through the importers.
   Each is timed against the 1 s target; the Markdown ones are measured again under tracemalloc
   for the peak of Python memory.
2. gunicorn, configured as in production (gunicorn.conf.py: sync workers, two per core and one
   more), serves the published page. Its latency is measured alone, then again while
   ``--clients`` editors each post hostile page previews back to back: once waiting as long as a
   refusal's Retry-After says (as the editor's page does), once ignoring it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsite.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from conditions import importing as importers  # noqa: E402
from conditions import workflow  # noqa: E402
from conditions.content import ConditionData, SectionData, write_condition  # noqa: E402
from conditions.models import ReviewerProfile  # noqa: E402
from medsite import limits  # noqa: E402
from references import exporters  # noqa: E402
from references import importers as reference_importers  # noqa: E402
from references.formatting import format_reference  # noqa: E402
from references.models import Reference  # noqa: E402
from references.parsing import parse_reference  # noqa: E402

from .hostile_inputs import KB, MARKDOWN_INPUTS, MARKDOWN_SHAPES, repeat  # noqa: E402

TARGET_SECONDS = 1.0
LATENCY_RATIO = 2.0
FIELD = limits.MARKDOWN_FIELD_MAX_CHARS
SLUG = "hostile-bench"


def reference_inputs() -> list[tuple[str, Callable[[], object]]]:
    """(what, call) for the reference and import paths: each call does the work once."""
    size = 144 * KB
    spaced_author = Reference(key="a", kind="journal-article", title="T", authors="Doe" + " " * size + "JA")
    many_authors = Reference(
        key="b", kind="journal-article", title="T", authors="\n".join(f"Doe{n} JA" for n in range(size // 9))
    )

    def export(ref: Reference) -> None:
        format_reference(ref)
        exporters.to_bibtex([ref])
        exporters.to_ris([ref])
        exporters.csl_item(ref)

    card = "Short answer · " + repeat("Last updated ", size) + "\nZorblax is a condition. It is rare.\n"
    return [
        ("AMA author export: an author's line with a 144 KB run of spaces", lambda: export(spaced_author)),
        ("AMA author export: 16,000 authors (144 KB)", lambda: export(many_authors)),
        (
            "free-text reference: 144 KB of `Accessed` with runs of spaces",
            lambda: parse_reference(repeat("Accessed " + " " * 40 + "x ", size)),
        ),
        (
            "free-text reference: 144 KB of `Last updated`",
            lambda: parse_reference(repeat("Last updated ", size)),
        ),
        ("free-text reference: 144 KB of `p. `", lambda: parse_reference(repeat("p. ", size))),
        (
            "free-text reference: 144 KB of glued `[PubMed]`",
            lambda: parse_reference(repeat("[PubMed]", size)),
        ),
        (
            "free-text reference: 144 KB of `Smith J, et al., eds `",
            lambda: parse_reference(repeat("Smith J, et al., eds ", size)),
        ),
        (
            "page import: a 144 KB sentence of spaces (the page's name)",
            lambda: importers.infer_name("Zorblax" + " " * size + "x"),
        ),
        ("card import: 144 KB header of `Last updated`", lambda: _import(card)),
        (
            "card import: 144 KB of `1,` before `people`",
            lambda: _import(
                "Short answer · Last updated: March 3, 2025\nZorblax is a condition. "
                + repeat("1,", size)
                + " people shared.\n"
            ),
        ),
        (
            "reference file: 144 KB of blank lines (format guessed)",
            lambda: reference_importers.guess_format(repeat(" \n", size)),
        ),
    ]


def _import(text: str) -> None:
    with contextlib.suppress(importers.ImportProblem):  # a refusal is an outcome too
        importers.parse_document(text, source="bench")


# --- setup -----------------------------------------------------------------------------------


def setup(clients: int) -> tuple[list[User], str]:
    call_command("migrate", verbosity=0, interactive=False)
    editors_group = Group.objects.get(name="Editors")
    editors = []
    for n in range(1, clients + 2):
        user, _ = User.objects.get_or_create(username=f"hostile-editor-{n}", defaults={"is_staff": True})
        user.groups.add(editors_group)
        editors.append(user)
    reviewer, _ = User.objects.get_or_create(username="hostile-reviewer", defaults={"is_staff": True})
    reviewer.groups.add(Group.objects.get(name="Medical reviewers"))
    ReviewerProfile.objects.get_or_create(user=reviewer, defaults={"display_name": "Rev Iewer, MD"})
    body = "Zorblax fever is a rare condition of the toes.\n\n" + "\n".join(
        f"- **Sign {n}.** A sentence about it." for n in range(12)
    )
    data = ConditionData(
        name="Zorblax fever",
        slug=SLUG,
        summary="A rare condition of the toes.",
        sections=[SectionData(kind="overview", heading="", body=body)],
    )
    condition, _ = write_condition(data, by=editors[0], comment="Benchmark page")
    if not condition.is_live:
        workflow.submit(condition, by=editors[0])
        workflow.approve(condition, by=reviewer, attestation=list(workflow.CHECKLIST))
    return editors, reverse("conditions:detail", args=[SLUG])


# --- 1. the inputs, in-process ---------------------------------------------------------------


def _outcome(status: int) -> str:
    return {200: "rendered", 413: "refused (too long)", 422: "refused (too complex)"}.get(
        status, f"HTTP {status}"
    )


def measure_inputs(editor: User) -> list[dict]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(editor)
    results = []
    for what, shape, size in MARKDOWN_INPUTS:
        text = MARKDOWN_SHAPES[shape](size)
        for endpoint, data in (
            ("preview", {"content": text}),
            ("page preview", {"field": ["sections-0-body"], "text": [text]}),
        ):
            url = reverse("editor-preview" if endpoint == "preview" else "editor-page-preview")
            cache.clear()  # each input on its own, not against the editor's rate
            started = time.perf_counter()
            response = client.post(url, data)
            seconds = time.perf_counter() - started
            cache.clear()
            tracemalloc.start()
            client.post(url, data)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            results.append(
                {
                    "what": what,
                    "path": endpoint,
                    "characters": len(text),
                    "status": response.status_code,
                    "outcome": _outcome(response.status_code),
                    "seconds": round(seconds, 3),
                    "peak_mib": round(peak / 2**20, 1),
                }
            )
            print(json.dumps(results[-1]), file=sys.stderr)
    # A whole page at the page limit: five fields of the costliest shape.
    text = MARKDOWN_SHAPES["`![` repeated"](FIELD)
    fields = limits.PAGE_MARKDOWN_MAX_CHARS // FIELD
    cache.clear()
    started = time.perf_counter()
    response = client.post(
        reverse("editor-page-preview"),
        {"field": [f"sections-{n}-body" for n in range(fields)], "text": [text] * fields},
    )
    results.append(
        {
            "what": f"a page of {fields} fields of `![` at the field limit ({fields * FIELD:,} characters)",
            "path": "page preview",
            "characters": fields * FIELD,
            "status": response.status_code,
            "outcome": _outcome(response.status_code),
            "seconds": round(time.perf_counter() - started, 3),
            "peak_mib": None,
        }
    )
    for what, call in reference_inputs():
        started = time.perf_counter()
        call()
        results.append(
            {
                "what": what,
                "path": "references / import",
                "characters": None,
                "status": None,
                "outcome": "done",
                "seconds": round(time.perf_counter() - started, 3),
                "peak_mib": None,
            }
        )
        print(json.dumps(results[-1]), file=sys.stderr)
    return results


# --- 2. the public page while editors post hostile previews -------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    # The production configuration (gunicorn.conf.py): its default worker count, two per core
    # and one more, is what keeps a worker for the public while editors hold the others.
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        *("-c", str(ROOT / "gunicorn.conf.py")),
        *("--max-requests", "0", "--max-requests-jitter", "0"),
        *("--bind", f"127.0.0.1:{port}", "--log-level", "warning", "medsite.wsgi:application"),
    ]
    # No access log: the errors are what is read. No load balancer to drain for: it stops at once.
    quiet = {**os.environ, "GUNICORN_ACCESS_LOG": "", "GUNICORN_DRAIN_SECONDS": "0"}
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=quiet, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def get(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback only
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def latencies(url: str, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        status, ms = get(url)
        if status != 200:
            raise SystemExit(f"{url} answered {status} during the latency run")
        samples.append(ms)
    return samples


def _summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


class HostileEditor(threading.Thread):
    """Posts a page preview of five fields of the costliest shape, again as soon as answered."""

    def __init__(self, base: str, user: User, stop_event: threading.Event, *, polite: bool = True) -> None:
        super().__init__(daemon=True)
        self.polite = polite
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)  # a session in the shared database, read by the server
        self.session = client.cookies["sessionid"].value
        self.csrf = secrets.token_hex(16)  # any 32-character secret: cookie and header must agree
        fields = limits.PAGE_MARKDOWN_MAX_CHARS // FIELD
        text = MARKDOWN_SHAPES["`![` repeated"](FIELD)
        self.body = urllib.parse.urlencode(
            [("field", f"sections-{n}-body") for n in range(fields)] + [("text", text)] * fields
        ).encode()
        self.url = base + reverse("editor-page-preview")
        self.stop_event = stop_event
        self.statuses: Counter = Counter()
        self.seconds: list[float] = []

    def run(self) -> None:
        while not self.stop_event.is_set():
            request = urllib.request.Request(  # noqa: S310 - loopback only
                self.url,
                data=self.body,
                headers={
                    "Cookie": f"sessionid={self.session}; csrftoken={self.csrf}",
                    "X-CSRFToken": self.csrf,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            started = time.perf_counter()
            retry_after = 0.0
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
                retry_after = float(error.headers.get("Retry-After") or 0)
            except OSError:
                status = "connection error"
            self.seconds.append(time.perf_counter() - started)
            self.statuses[status] += 1
            if self.polite:
                self.stop_event.wait(min(retry_after, 5.0))


def measure_load(
    editors: list[User],
    page: str,
    out_dir: Path,
    clients: int,
    quiet: int,
    seconds: int,
    *,
    polite: bool = True,
) -> dict:
    log = out_dir / f"gunicorn_hostile{'' if polite else '_impolite'}.log"
    process, base = start_gunicorn(log)
    try:
        for _ in range(150):
            try:
                if get(base + page)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not serve {page}; see {log}")
        latencies(base + page, 50)  # warm both workers' page caches
        calm = latencies(base + page, quiet)
        stop_event = threading.Event()
        hostile = [HostileEditor(base, user, stop_event, polite=polite) for user in editors[1 : clients + 1]]
        for thread in hostile:
            thread.start()
        time.sleep(2)  # every client has a preview in flight
        loaded: list[float] = []
        started = time.perf_counter()
        while len(loaded) < quiet or time.perf_counter() - started < seconds:
            loaded += latencies(base + page, 10)
            if time.perf_counter() - started > 10 * seconds:
                break  # the page is starved: report what was measured
        stop_event.set()
        for thread in hostile:
            thread.join(timeout=60)
        statuses: Counter = Counter()
        for thread in hostile:
            statuses.update(thread.statuses)
        previews = [s for thread in hostile for s in thread.seconds]
    finally:
        stop(process)
    quiet_summary, loaded_summary = _summary(calm), _summary(loaded)
    text = log.read_text(errors="replace")
    return {
        "clients": clients,
        "workers": 2 * (os.cpu_count() or 1) + 1,
        "polite": polite,
        "seconds": round(time.perf_counter() - started, 1),
        "quiet": quiet_summary,
        "loaded": loaded_summary,
        "ratio_median": round(loaded_summary["median_ms"] / quiet_summary["median_ms"], 2),
        "ratio_p90": round(loaded_summary["p90_ms"] / quiet_summary["p90_ms"], 2),
        "previews": {
            "answers": {str(k): v for k, v in sorted(statuses.items(), key=str)},
            "median_s": round(statistics.median(previews), 3) if previews else None,
            "max_s": round(max(previews), 3) if previews else None,
        },
        "worker_timeouts": text.count("WORKER TIMEOUT"),
        "server_errors_logged": text.count("Traceback"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--quiet", type=int, default=300, help="public page requests per measurement")
    parser.add_argument("--seconds", type=int, default=20, help="least time under hostile previews")
    args = parser.parse_args()
    # Stopped by bench/run.sh: unwind, so the gunicorn started here is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # Each refusal is logged as a warning by Django; here they are the expected outcome.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    load_average = os.getloadavg()
    editors, page = setup(args.clients)
    inputs = measure_inputs(editors[0])
    load = measure_load(editors, page, args.out.parent, args.clients, args.quiet, args.seconds)
    # The same clients as a script would write them: each posts again at once, refusals or not.
    impolite = measure_load(
        editors, page, args.out.parent, args.clients, args.quiet, args.seconds, polite=False
    )
    result = {
        "load_average_at_start": [round(x, 2) for x in load_average],
        "target_seconds": TARGET_SECONDS,
        "latency_ratio_target": LATENCY_RATIO,
        "limits": {
            "field_chars": limits.MARKDOWN_FIELD_MAX_CHARS,
            "page_chars": limits.PAGE_MARKDOWN_MAX_CHARS,
            "preview_budget_s": limits.PREVIEW_BUDGET_SECONDS,
            "previews_per_minute": limits.PREVIEWS_PER_MINUTE,
            "preview_seconds_per_minute": limits.PREVIEW_SECONDS_PER_MINUTE,
            "preview_slots": limits.PREVIEW_SLOTS,
        },
        "inputs": inputs,
        "load": load,
        "load_impolite": impolite,
    }
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps({"load": load, "load_impolite": impolite}, indent=1))


if __name__ == "__main__":
    main()
