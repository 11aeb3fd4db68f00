"""``import_references FILE [--format bibtex|ris|csl-json|medline] [--dry-run]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conditions.models import system_user
from medsite import audit
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
            with transaction.atomic():
                report = importers.write_references(parsed, source=Path(file).name, dry_run=dry_run)
                if not dry_run:
                    _record(report, Path(file).name)
        except importers.ImportProblem as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(report.summary())


def _record(report: importers.ImportReport, name: str) -> None:
    def keys(action: str) -> list[str]:
        return [o.reference.key for o in report.outcomes if o.action == action and o.duplicate_of is None]

    audit.record(
        audit.Action.IMPORT,
        actor=system_user(),
        target=f"import_references {name}",
        command="import_references",
        file=name,
        created=keys(importers.CREATED),
        updated=keys(importers.UPDATED),
        skipped=keys(importers.SKIPPED),
    )
