"""``review_due [--days N]``: published pages whose clinical review is overdue or due soon.

Exits non-zero when any review is overdue, so a scheduled job can alert on it.
"""

from __future__ import annotations

import argparse

from django.core.management.base import BaseCommand, CommandError

from conditions.admin.dashboard import REVIEW_SOON_DAYS, due_reviews


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, 0 or more, not “{value}”")
    return days


class Command(BaseCommand):
    help = (
        "List published condition pages whose clinical review is overdue or due within --days days, "
        "overdue first. Exits with an error status when any review is overdue."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--days",
            type=_days,
            default=REVIEW_SOON_DAYS,
            help=f"How far ahead to look, in days (default {REVIEW_SOON_DAYS}).",
        )

    def handle(self, *args, days: int, **options) -> None:
        due = due_reviews(days)
        if not due:
            self.stdout.write(f"No condition pages are due for review in the next {days} days.")
            return
        overdue = [item for item in due if item.overdue]
        for heading, items in (
            ("Overdue for review", overdue),
            (f"Due for review within {days} days", [item for item in due if not item.overdue]),
        ):
            if items:
                self.stdout.write(f"{heading} ({len(items)}):")
            for item in items:
                reviewer = item.last_reviewer or "not recorded"
                self.stdout.write(
                    f"  {item.condition.name}: due {item.due:%Y-%m-%d} ({item.when}); "
                    f"last reviewed by {reviewer}"
                )
        if overdue:
            pages = "page is" if len(overdue) == 1 else "pages are"
            raise CommandError(f"{len(overdue)} condition {pages} overdue for clinical review.")
