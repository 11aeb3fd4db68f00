"""``import_references FILE [--format bibtex|ris|csl-json|medline] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from references import importers


class Command(BaseCommand):
    help = (
        "Import references from a BibTeX, RIS, CSL-JSON or MEDLINE (PubMed .nbib) file. A reference "
        "already stored (same DOI, PMID or key) is updated; the whole file is checked first and "
        "written in one transaction: one bad entry writes nothing."
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

    def handle(self, *args, file: str, fmt: str | None, dry_run: bool, **options) -> None:
        try:
            parsed = importers.load_file(file, fmt=fmt)
            report = importers.write_references(parsed, source=Path(file).name, dry_run=dry_run)
        except importers.ImportProblem as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(report.summary())
