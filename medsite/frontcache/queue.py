"""The durable queue of purges: written in the change's transaction, drained after it commits
and by ``manage.py drain_purges`` (cron), each failure tried again later, until the cache in
front confirms."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from medsite.frontcache import backends
from medsite.frontcache.models import PurgeRequest

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failure: doubling from 5 s, at most 10 minutes.
FIRST_WAIT_SECONDS = 5
LONGEST_WAIT_SECONDS = 600


@dataclass
class Drained:
    purged: int = 0
    failed: int = 0


def enqueue(keys: Iterable[str], urls: Iterable[str] = ()) -> None:
    """Queue a purge in the current transaction, and try it once that commits."""
    if settings.MEDSITE_PURGE_BACKEND == "none":
        return
    queued = PurgeRequest.objects.create(
        keys=sorted(set(keys)), urls=sorted(set(urls)), next_attempt_at=timezone.now()
    )
    # Only this one: the editor's request should not wait on a backlog (cron sends that).
    transaction.on_commit(partial(drain, only=[queued.pk]), robust=True)


def wait_after(attempts: int) -> timedelta:
    return timedelta(seconds=min(FIRST_WAIT_SECONDS * 2 ** (attempts - 1), LONGEST_WAIT_SECONDS))


def drain(
    *, now: datetime | None = None, backend: backends.Backend | None = None, only: list[int] | None = None
) -> Drained:
    """Send every purge that is due (or those of ``only``); a failed one waits longer before each
    next try."""
    now = now or timezone.now()
    backend = backend or backends.configured()
    drained = Drained()
    due = PurgeRequest.objects.filter(next_attempt_at__lte=now).values_list("pk", flat=True)
    if only is not None:
        due = due.filter(pk__in=only)
    for pk in list(due):
        with transaction.atomic():
            # Locked and skipped when another server is sending it already.
            request = PurgeRequest.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if request is None or request.next_attempt_at > now:
                continue
            try:
                backend.purge(request.keys, request.urls)
            except backends.PurgeFailed as exc:
                request.attempts += 1
                request.last_error = str(exc)
                request.next_attempt_at = now + wait_after(request.attempts)
                request.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                logger.warning("Purge %s failed (attempt %s): %s", pk, request.attempts, exc)
                drained.failed += 1
            else:
                request.delete()
                drained.purged += 1
    return drained
