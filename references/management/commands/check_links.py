"""``check_links [--timeout SECONDS] [--concurrency N] [--key KEY ...]``: do reference URLs still answer?

Checks the ``url`` of each reference (or of the named ones) and lists the broken links, and the
links that moved permanently (the address to update them to). Exits non-zero when any is broken.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError

from references.linkcheck import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, LinkResult, check_links
from references.models import Reference

MAX_CONCURRENCY = 32


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not 0 < seconds <= 300:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds above 0 and at most 300, not “{value}”"
        )
    return seconds


def _concurrency(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if not 1 <= workers <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_CONCURRENCY}, not “{value}”"
        )
    return workers


def _links(keys: list[str] | None) -> list[tuple[str, str]]:
    """(key, url) of the references to check; raises CommandError naming keys that do not exist."""
    references = Reference.objects.order_by("key")
    if keys:
        references = references.filter(key__in=keys)
        missing = sorted(set(keys) - set(references.values_list("key", flat=True)))
        if missing:
            raise CommandError(f"No reference has the key {', '.join(missing)}.")
    return list(references.exclude(url="").values_list("key", "url"))


class Command(BaseCommand):
    help = (
        "Check that the URLs of references still answer (HEAD, then GET if HEAD is refused), "
        "following redirects. Lists broken links and permanently moved ones; exits with an error "
        "status when any link is broken."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--timeout",
            type=_timeout,
            default=DEFAULT_TIMEOUT,
            metavar="SECONDS",
            help=f"Seconds to wait for each connection and read (default {DEFAULT_TIMEOUT:g}).",
        )
        parser.add_argument(
            "--concurrency",
            type=_concurrency,
            default=DEFAULT_CONCURRENCY,
            metavar="N",
            help=f"Requests in flight at once (default {DEFAULT_CONCURRENCY}).",
        )
        parser.add_argument(
            "--key",
            dest="keys",
            action="extend",
            nargs="+",
            metavar="KEY",
            help="Check only the references with these keys (repeatable).",
        )

    def handle(self, *args, timeout: float, concurrency: int, keys: list[str] | None, **options) -> None:
        links = _links(keys)
        if not links:
            self.stdout.write("No reference URLs to check.")
            return
        results = check_links(links, timeout=timeout, concurrency=concurrency)
        broken = [result for result in results if result.broken]
        self._report(results, verbose=options["verbosity"] >= 2)
        self.stdout.write(f"Checked {_plural(len(results), 'link')}: {len(broken)} broken.")
        if broken:
            raise CommandError(f"{_plural(len(broken), 'broken link')}.")

    def _report(self, results: list[LinkResult], *, verbose: bool) -> None:
        groups = [
            ("Broken links", [f"  {r.key}: {r.url} — {r.error}" for r in results if r.broken]),
            (
                "Moved permanently: update the URL",
                [f"  {r.key}: {r.url} -> {r.moved_to}" for r in results if r.moved_to and not r.broken],
            ),
        ]
        if verbose:
            groups.append(
                ("Working", [f"  {r.key}: {r.url} (HTTP {r.status})" for r in results if not r.broken])
            )
        for heading, lines in groups:
            if lines:
                self.stdout.write(f"{heading} ({len(lines)}):")
                for line in lines:
                    self.stdout.write(line)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
