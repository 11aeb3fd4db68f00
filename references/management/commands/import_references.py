"""``import_references FILE [--format bibtex|ris|csl-json|medline] [--dry-run] [--skip-invalid]``."""

from __future__ import annotations

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
        try:
            parsed, refusals = importers.read_file(file, fmt=fmt)
            with transaction.atomic():
                report = importers.write_references(
                    parsed, source=name, dry_run=dry_run, skip_invalid=skip_invalid, refusals=refusals
                )
                if not dry_run:
                    importers.record_import(report, source=name, actor=system_user(), via="import_references")
        except importers.ImportProblem as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(report.summary())
