"""``import_references FILE [--format bibtex|ris|csl-json|medline] [--dry-run] [--skip-invalid]``."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conditions.models import system_user
from references import importers


class Command(BaseCommand):
    help = (
        "Import references from a BibTeX, RIS, CSL-JSON or MEDLINE (PubMed .nbib) file. A reference "
        "already stored (same DOI, PMID or key) is updated, unless its title says it is another work "
        "(a conflict, never overwritten); the whole file is checked first and written in one "
        "transaction: one bad entry writes nothing, unless --skip-invalid is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", metavar="FILE", help="The file to import.")
        parser.add_argument(
            "--format",
            dest="fmt",
            metavar="|".join(importers.FORMATS),
            help="The file's format; guessed from its content when not given.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the good entries and report the others, with their lines (default: import nothing).",
        )

    def handle(self, *args, file: str, fmt: str | None, dry_run: bool, skip_invalid: bool, **options) -> None:
        name = Path(file).name
        show = _Progress(self.stderr.write if options.get("verbosity", 1) > 0 else None, size=_size(file))
        try:
            show.step(f"Reading {name}…")
            parsed, refusals = importers.read_file(file, fmt=fmt)
            show.step(f"Read {len(parsed)} entries; checking them against the stored references…")
            with transaction.atomic():
                report = importers.write_references(
                    parsed,
                    source=name,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    refusals=refusals,
                    progress=show.checked,
                )
                if not dry_run:
                    importers.record_import(report, source=name, actor=system_user(), via="import_references")
        except importers.ImportProblem as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(report.summary())


def _size(file: str) -> int:
    try:
        return Path(file).stat().st_size
    except OSError:
        return 0  # read_file says what is wrong with it


class _Progress:
    """Progress of a long import on stderr (stdout keeps the report): a line when reading
    starts and ends, then the share of entries checked, then the writing, each with the time
    so far. A short file (under :data:`LONG` entries, :data:`LARGE` bytes) shows nothing."""

    LONG = 1000
    LARGE = 500_000

    def __init__(self, write: Callable[[str], object] | None, *, size: int) -> None:
        self.write = write
        self.started = time.monotonic()
        self.pending: list[str] = []
        self.long = size >= self.LARGE

    def step(self, text: str) -> None:
        if self.write is None:
            return
        line = f"{text} ({time.monotonic() - self.started:.1f} s)"
        if self.long:
            self.write(line)
        else:
            self.pending.append(line)  # shown once the file turns out to be long

    def checked(self, done: int, total: int) -> None:
        if self.write is None or total < self.LONG:
            return
        if not self.long:
            self.long = True
            for line in self.pending:
                self.write(line)
        self.step(f"Checked {done} of {total} entries ({done * 100 // total}%)")
        if done == total:
            self.step("Writing…")
