"""``import_condition PATH... [--title T] [--slug S] [--dry-run]``: plain-text pages into drafts."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conditions import importing as importers
from conditions.models import system_user
from medsite import audit


class Command(BaseCommand):
    help = (
        "Import condition pages and short-answer cards from plain-text files as drafts. "
        "All files are read first and written in one transaction: one bad file writes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Text files to import.")
        parser.add_argument("--title", help="The condition's name, instead of the one read from the text.")
        parser.add_argument("--slug", help="The condition's slug: update or create the page with this slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be imported; write nothing."
        )

    def handle(self, *args, paths: list[str], title: str | None, slug: str | None, dry_run: bool, **options):
        try:
            documents = importers.load_documents(paths, title=title, slug=slug)
            with transaction.atomic():
                results = importers.write_documents(documents, dry_run=dry_run)
                if not dry_run:
                    _record(results)
        except importers.ImportProblem as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        for result in results:
            self.stdout.write(result.message(dry_run=dry_run))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")


def _record(results: list[importers.ImportResult]) -> None:
    def slugs(picked) -> list[str]:
        return [result.condition.slug for result in results if picked(result)]

    audit.record(
        audit.Action.IMPORT,
        actor=system_user(),
        target="import_condition " + " ".join(result.source for result in results),
        command="import_condition",
        files=[result.source for result in results],
        created=slugs(lambda result: result.created),
        updated=slugs(lambda result: result.changed and not result.created),
        unchanged=slugs(lambda result: not result.changed),
    )
