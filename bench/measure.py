"""In-process measurements for ``make bench``; each writes one JSON file for bench/report.py.

    python -m bench.measure publish-seed OUT.json     # submit + approve the imported seed page
    python -m bench.measure public OUT.json SLUG      # SQL queries of one public page view
    python -m bench.measure admin OUT.json [--requests 20]
    python -m bench.measure search OUT.json [--queries 200]
    python -m bench.measure approve OUT.json [--runs 7]

Run from the project directory with the environment of the database to measure (DATABASE_URL
and the production settings that bench/run.sh exports). Timings are wall-clock medians and
percentiles over repeated runs after a warm-up; query counts come from one extra request.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsite.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from reversion.models import Version  # noqa: E402

from bench import datagen, textgen  # noqa: E402
from conditions import workflow  # noqa: E402
from conditions.content import ConditionData, SectionData, write_condition  # noqa: E402
from conditions.models import Condition, Status  # noqa: E402
from conditions.public import search  # noqa: E402
from references.models import Reference  # noqa: E402

EDITOR, REVIEWER, SECOND_REVIEWER = "bench-editor-1", "bench-reviewer-2", "bench-reviewer-3"


def stats(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(pct(90), 2),
        "p95_ms": round(pct(95), 2),
        "max_ms": round(ordered[-1], 2),
    }


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def write(path: str, data: dict) -> None:
    Path(path).write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    print(json.dumps(data, indent=1, default=str))


def _client(user: User | None = None) -> Client:
    # The host the production settings allow (ALLOWED_HOSTS=127.0.0.1), not "testserver".
    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def _check(status: int, url: str) -> None:
    if status != 200:
        raise SystemExit(f"{url} answered {status}, not 200: nothing to measure.")


# --- the seed page -------------------------------------------------------------------------------


def publish_seed(out: str) -> None:
    """Submit (editor) and approve (a reviewer, checklist ticked) the page import_condition made."""
    editor, reviewer = User.objects.get(username=EDITOR), User.objects.get(username=REVIEWER)
    condition = Condition.objects.get(slug="carcinoid-syndrome")
    if condition.status == Status.DRAFT:
        workflow.submit(condition, by=editor)
    if condition.status == Status.EXPERT_REVIEW:
        workflow.approve(condition, by=reviewer, attestation=list(workflow.CHECKLIST))
    condition.refresh_from_db()
    write(out, {"slug": condition.slug, "status": condition.status, "live": condition.is_live})


def public(out: str, slug: str) -> None:
    """Queries of an anonymous view of the public page (target: at most 2): rendered (a cache
    miss, with the cache emptied first) and, where a page cache is in place, answered from it."""
    from django.core.cache import cache

    client = _client()
    url = reverse("conditions:detail", args=[slug])
    _check(client.get(url).status_code, url)  # the first view of a process is not the one counted
    counted: dict[str, dict[str, Any]] = {}
    for name in ("rendered", "from the cache"):
        if name == "rendered":
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        _check(response.status_code, url)
        counted[name] = {"queries": len(queries), "sql": [q["sql"] for q in queries]}
    write(
        out,
        {
            "url": url,
            "bytes": len(response.content),
            "queries": max(c["queries"] for c in counted.values()),
            "views": counted,
        },
    )


# --- admin ---------------------------------------------------------------------------------------


def _heaviest_condition() -> Condition:
    """The page with the most versions: the slowest history and compare screens."""
    top = (
        Version.objects.get_for_model(Condition)
        .values("object_id")
        .annotate(n=Count("id"))
        .order_by("-n", "object_id")
        .first()
    )
    return Condition.objects.get(pk=top["object_id"])


def admin(out: str, requests: int) -> None:
    reviewer = User.objects.get(username=REVIEWER)
    client = _client(reviewer)
    condition = _heaviest_condition()
    versions = list(Version.objects.get_for_object(condition).order_by("pk").values_list("pk", flat=True))
    word = condition.name.split()[1]  # e.g. "renal": matches hundreds of pages
    urls = {
        "changelist (status filter + search)": reverse("admin:conditions_condition_changelist")
        + f"?status__exact=published&q={word}",
        "change page": reverse("admin:conditions_condition_change", args=[condition.pk]),
        "history": reverse("admin:conditions_condition_history", args=[condition.pk]),
        "compare two versions": reverse("admin:conditions_condition_compare", args=[condition.pk])
        + f"?from={versions[0]}&to={versions[-1]}",
        "review screen (decisions, content checks)": reverse(
            "admin:conditions_condition_review", args=[condition.pk]
        ),
        "review screen against the public version": reverse(
            "admin:conditions_condition_review", args=[condition.pk]
        )
        + "?against=live",
        "review dashboard": reverse("review-dashboard"),
    }
    results = {}
    for name, url in urls.items():
        for _ in range(3):  # warm-up: templates compiled, caches filled
            _check(client.get(url).status_code, url)
        samples = [timed(partial(client.get, url)) for _ in range(requests)]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        results[name] = {
            "url": url,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(queries),
            **stats(samples),
        }
    write(
        out,
        {
            "condition": condition.name,
            "condition_versions": len(versions),
            "conditions": Condition.objects.count(),
            "version_rows": Version.objects.count(),
            "as": reviewer.username,
            "views": results,
        },
    )


# --- search --------------------------------------------------------------------------------------


def search_queries(count: int, seed: int = 11) -> list[str]:
    """What people type: names, parts of names, other names, symptoms, body parts, word starts."""
    rng = random.Random(seed)  # noqa: S311 - repeatable, not secret
    names = list(Condition.objects.live().values_list("name", "also_called"))
    rng.shuffle(names)
    queries: list[str] = []
    while len(queries) < count:
        name, also_called = names[len(queries) % len(names)]
        words = name.split()
        kind = rng.random()
        if kind < 0.25:
            queries.append(name.lower())
        elif kind < 0.4:
            queries.append(" ".join(words[1:3]))
        elif kind < 0.5 and also_called:
            queries.append(also_called.splitlines()[0])
        elif kind < 0.7:
            queries.append(rng.choice(textgen.SYMPTOMS)[0].lower())
        elif kind < 0.8:
            queries.append(rng.choice(textgen.ORGANS)[1])
        elif kind < 0.9:
            queries.append(rng.choice(textgen.NOUNS)[:5])
        else:
            queries.append(f"{rng.choice(textgen.SYMPTOMS)[0].lower()} {rng.choice(textgen.ORGANS)[1]}")
    return queries


def search_bench(out: str, count: int) -> None:
    queries = search_queries(count)
    for query in queries[:20]:  # warm-up
        search.search(query)
    samples, totals = [], []
    for query in queries:
        started = time.perf_counter()
        page = search.search(query)
        samples.append((time.perf_counter() - started) * 1000)
        totals.append(page.total)
    slowest = sorted(zip(samples, queries, totals, strict=True), reverse=True)[:5]
    write(
        out,
        {
            "backend": connection.vendor,
            "live_pages": Condition.objects.live().count(),
            "queries": len(queries),
            "median_results": statistics.median(totals),
            "max_results": max(totals),
            "no_results": sum(1 for total in totals if total == 0),
            "slowest": [{"query": q, "ms": round(ms, 2), "results": t} for ms, q, t in slowest],
            **stats(samples),
        },
    )


# --- approving a long page ----------------------------------------------------------------------


def approve_bench(out: str, runs: int, sections: int = 30, references: int = 60) -> None:
    """Approve (render + freeze + index) a page of ``sections`` sections citing ``references``."""
    editor = User.objects.get(username=EDITOR)
    reviewer = User.objects.get(username=SECOND_REVIEWER)
    keys = list(Reference.objects.order_by("pk").values_list("key", flat=True)[:references])
    kinds = [textgen.PAGE_KINDS[i % len(textgen.PAGE_KINDS)] for i in range(sections)]
    samples, pages = [], []
    for run in range(runs + 1):  # the first run warms up and is not counted
        maker = textgen.TextMaker(random.Random(f"approve:{run}"))  # noqa: S311 - repeatable
        name = f"Benchmark long page {run + 1}"
        page = maker.page(name, [], "kidneys", keys, kinds=kinds, reviewed_on=datagen.DEFAULT_NOW.date())
        data = ConditionData(
            name=name,
            slug=f"bench-long-page-{os.getpid()}-{run}",
            summary=textgen.summary(page),
            sections=[
                SectionData(kind=b.kind, heading=b.heading, body=textgen.block_markdown(b))
                for b in page.blocks
            ],
            reference_keys=keys,
        )
        condition, _ = write_condition(data, by=editor, comment="Benchmark page")
        workflow.submit(condition, by=editor)
        elapsed = timed(
            partial(workflow.approve, condition, by=reviewer, attestation=list(workflow.CHECKLIST))
        )
        condition.refresh_from_db()
        publication = condition.public_version
        if run:
            samples.append(elapsed)
        pages.append(
            {
                "ms": round(elapsed, 1),
                "sections": condition.sections.count(),
                "references": publication.reference_links.count(),
                "html_bytes": len(publication.html),
            }
        )
    write(out, {"sections": sections, "references": references, "runs": pages, **stats(samples)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["publish-seed", "public", "admin", "search", "approve"])
    parser.add_argument("out")
    parser.add_argument("slug", nargs="?", default="carcinoid-syndrome")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.what == "publish-seed":
        publish_seed(args.out)
    elif args.what == "public":
        public(args.out, args.slug)
    elif args.what == "admin":
        admin(args.out, args.requests)
    elif args.what == "search":
        search_bench(args.out, args.queries)
    else:
        approve_bench(args.out, args.runs)


if __name__ == "__main__":
    main()
