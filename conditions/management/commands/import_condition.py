"""``import_condition [PATH...] [--url URL...] [--title T] [--slug S] [--replace] [--dry-run]``:
condition pages (plain text or saved HTML) and short-answer cards into drafts, with a report."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from conditions import importing as importers
from conditions.importing import report
from conditions.models import system_user
from medsite import audit


class Command(BaseCommand):
    help = (
        "Import condition pages (plain text or saved HTML) and short-answer cards as drafts, and "
        "report what was read from each. All files are read first and written in one "
        "transaction: one refused file writes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", metavar="PATH", help="Text or HTML files to import.")
        parser.add_argument(
            "--url",
            nargs="+",
            dest="urls",
            default=[],
            metavar="URL",
            help="Web pages to fetch and import (at most 4 at a time, each within 10 s and 5 MB).",
        )
        parser.add_argument("--title", help="The condition's name, instead of the one read from the text.")
        parser.add_argument("--slug", help="The condition's slug: update or create the page with this slug.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a page whose name matches although it was made by hand or imported from "
            "another file (without it, such an import is refused).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be imported; write nothing."
        )

    def handle(
        self,
        *args,
        paths: list[str],
        urls: list[str],
        title: str | None,
        slug: str | None,
        replace: bool,
        dry_run: bool,
        **options,
    ):
        if not paths and not urls:
            raise CommandError("Give at least one file, or a web page with --url, to import.")
        try:
            loaded = importers.read_documents(paths, urls=urls, title=title, slug=slug)
        except importers.ImportProblem as exc:
            raise CommandError(f"Nothing was imported.\n{exc}") from exc
        documents = [item.document for item in loaded if item.document is not None]
        unreadable = any(item.problem for item in loaded)
        results: list[importers.ImportResult] = []
        with transaction.atomic():
            if documents:  # none: nothing to look up, and no database needed
                results = importers.write_documents(
                    documents,
                    dry_run=dry_run or unreadable,
                    replace=replace,
                    progress=self._progress(len(documents)) if len(documents) > 1 else None,
                )
            refused = unreadable or any(result.problem for result in results)
            if not dry_run and not refused:
                _record(results)
        by_document = {id(document): result for document, result in zip(documents, results, strict=True)}
        reports = [
            report.file_report(item, by_document.get(id(item.document)), dry_run=dry_run or refused)
            for item in loaded
        ]
        for file_report in reports:
            self.stdout.write("\n".join(file_report.lines))
        self.stdout.write(report.summary(reports, dry_run=dry_run))
        if refused:
            problems = [item.problem for item in loaded if item.problem]
            problems += [f"{result.source}: {result.problem}" for result in results if result.problem]
            raise CommandError("Nothing was imported.\n" + "\n".join(problems))

    def _progress(self, total: int):
        def show(number: int, document: importers.ImportDocument) -> None:
            self.stderr.write(f"[{number}/{total}] {document.source}")

        return show


def _record(results: list[importers.ImportResult]) -> None:
    def slugs(picked) -> list[str]:
        return [result.condition.slug for result in results if result.condition and picked(result)]

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
