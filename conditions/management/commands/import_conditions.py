"""``import_conditions FILE [--dry-run]``: restore a backup made by export_conditions."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from conditions import backup
from medsite.textfiles import ImportProblem


class Command(BaseCommand):
    help = (
        "Restore a backup written by export_conditions into a database with no content yet (a "
        "newly migrated one). Everything is written in one transaction: one bad record writes "
        "nothing. Users already present are kept; the others are created without a usable password."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", metavar="FILE", help="The backup file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the whole backup by restoring it, then roll back."
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            summary = backup.import_backup(file, dry_run=dry_run)
        except ImportProblem as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        self.stdout.write(f"{'Would restore' if dry_run else 'Restored'} from {summary.path}:")
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
