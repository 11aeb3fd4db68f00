"""``check_citations [--months N]``: citation problems across every condition page and reference.

Reports unknown citation keys, references nothing uses, online sources whose access date is
missing or stale, duplicate references, and references that cannot be formatted in full (AMA
style needs a field they lack). Exits non-zero when there is any, so a scheduled job
can alert on it. ``--retractions`` also asks Crossref about every cited DOI
(references/retractions.py): a retracted work is a problem, a correction is reported only.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from references.checks import DEFAULT_STALE_MONTHS, CitationReport, StaleAccess, check_citations
from references.retractions import check_retractions


def _months(value: str) -> int:
    try:
        months = int(value)
    except ValueError:
        months = -1
    if months < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of months, 0 or more, not “{value}”")
    return months


def _stale_line(item: StaleAccess, months: int) -> str:
    if item.accessed_on is None:
        return f"  {item.key}: no access date ({item.url})"
    return f"  {item.key}: accessed {item.accessed_on:%Y-%m-%d}, over {months} months ago ({item.url})"


def report_lines(report: CitationReport, months: int) -> list[str]:
    """The report as printed: one heading with a count per problem kind, one line per problem."""
    groups = [
        (
            "Unknown citation keys",
            [
                f"  [@{item.key}] in " + "; ".join(str(place) for place in item.places)
                for item in report.unknown_keys
            ],
        ),
        (
            "References never used (not cited, listed or published)",
            [f"  {item.key}: {item.title}" for item in report.unused],
        ),
        (
            f"Online sources with a missing or stale access date (older than {months} months)",
            [_stale_line(item, months) for item in report.stale],
        ),
        (
            "Duplicate references",
            [f"  same {item.basis} {item.value}: {', '.join(item.keys)}" for item in report.duplicates],
        ),
        (
            "References that cannot be formatted in full (AMA)",
            [f"  {item.key}: {'; '.join(item.reasons)}" for item in report.incomplete],
        ),
    ]
    lines = []
    for heading, items in groups:
        if items:
            lines += [f"{heading} ({len(items)}):", *items]
    return lines


class Command(BaseCommand):
    help = (
        "Check citations across all condition pages (working copies) and all references: unknown "
        "keys, unused references, missing or stale access dates of online sources, duplicates, "
        "references missing what AMA style prints. "
        "Exits with an error status when any problem is found."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--months",
            type=_months,
            default=DEFAULT_STALE_MONTHS,
            metavar="N",
            help=(
                "An online source's access date older than this many months is stale "
                f"(default {DEFAULT_STALE_MONTHS})."
            ),
        )
        parser.add_argument(
            "--retractions",
            action="store_true",
            help=(
                "Also ask Crossref for retractions, expressions of concern and corrections of every "
                "cited DOI: a retracted work, or a DOI that could not be checked, is a problem."
            ),
        )

    def handle(self, *args, months: int, retractions: bool = False, **options) -> None:
        report = check_citations(today=timezone.localdate(), months=months)
        lines, count = report_lines(report, months), report.problem_count
        if retractions:
            notices = check_retractions()
            lines, count = lines + notices.lines(), count + notices.problem_count
        for line in lines:
            self.stdout.write(line)
        if not count:
            self.stdout.write("No citation problems found.")
            return
        raise CommandError(f"{count} citation problem{'s' if count != 1 else ''} found.")
