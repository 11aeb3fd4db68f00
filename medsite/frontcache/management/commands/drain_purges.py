"""Send the queued purges that are due to the caches in front (cron, every minute)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from medsite.frontcache import queue


class Command(BaseCommand):
    help = "Send the queued purges that are due to the configured cache in front (PURGE_BACKEND)."

    def handle(self, *args, **options) -> None:
        drained = queue.drain()
        self.stdout.write(f"{drained.purged} purged, {drained.failed} to try again later.")
        if drained.failed:
            raise CommandError(f"{drained.failed} purges failed; they stay queued.")
