"""``export_conditions [-o FILE]``: the whole site's content as a backup file (docs/backup-format.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from conditions import backup
from conditions.models import system_user
from medsite import audit


class Command(BaseCommand):
    help = (
        "Write a backup of all content (condition pages, references, publications, review log, "
        "version history, and the users they name, without passwords) that import_conditions "
        "restores without loss. Written to standard output unless --output is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="Write the backup to FILE (replaced only once the backup is complete); - for stdout.",
        )

    def handle(self, *args, output: str | None, **options) -> None:
        try:
            if output is None or output == "-":
                summary = backup.export_backup(self.stdout)
                report = self.stderr  # standard output carries the backup itself
            else:
                try:
                    summary = backup.write_backup(output)
                except OSError as exc:
                    raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from exc
                report = self.stdout
        except backup.ExportProblem as exc:
            raise CommandError(f"No backup was written.\n{exc}") from exc
        # After the export, not in its transaction: that one is the backup's read-only snapshot.
        audit.record(
            audit.Action.EXPORT,
            actor=system_user(),
            target=f"export_conditions {summary.path}",
            command="export_conditions",
            file=summary.path,
            counts=summary.counts,
        )
        report.write(f"Exported to {summary.path}:")
        for line in summary.lines():
            report.write(f"  {line}")
