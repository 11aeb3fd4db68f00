"""``rebuild_search_index``: index every live page afresh (after a restore or a switch of database)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from conditions.models import Condition
from conditions.public import search


class Command(BaseCommand):
    help = (
        "Rebuild the public search index from the live publications: every live page is indexed "
        "again, and anything else is dropped from it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say how many pages would be indexed.")

    def handle(self, *args, **options) -> None:
        if options["dry_run"]:
            count = Condition.objects.live().count()
            self.stdout.write(f"Would index {count} live page{'s' if count != 1 else ''} (dry run).")
            return
        count = search.rebuild()
        self.stdout.write(f"Indexed {count} live page{'s' if count != 1 else ''} for search.")
