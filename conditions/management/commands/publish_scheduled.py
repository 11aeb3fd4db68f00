"""``publish_scheduled``: make approved versions whose go-live time has come public (run from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from conditions import workflow
from conditions.models import system_user


class Command(BaseCommand):
    help = "Publish every approved version whose scheduled go-live time has passed. Safe to run repeatedly."

    def handle(self, *args, **options) -> None:
        published = workflow.publish_scheduled(by=system_user())
        for publication in published:
            self.stdout.write(
                f"Published “{publication.title}” version {publication.number} "
                f"(scheduled for {timezone.localtime(publication.go_live_at):%Y-%m-%d %H:%M})."
            )
        if not published:
            self.stdout.write("Nothing was due to go live.")
