"""The envelope every workflow transition runs in: one transaction holding the page's row lock,
one reversion revision, and what to do once it commits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import reversion
from django.db import transaction
from reversion.models import Version

from conditions.models import Condition, Publication, ReviewEvent
from conditions.public import caching

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Step:
    condition: Condition
    event: ReviewEvent | None = None
    publication: Publication | None = None
    public_change: bool = False  # what the public sees changed: retire the cached pages
    notify: list[Callable[[], None]] = field(default_factory=list)


@contextmanager
def transition(condition: Condition, *, by: User, comment: str) -> Iterator[Step]:
    """Lock the row, open a revision, and hand the locked condition to the transition body.

    The body checks, changes and saves; the revision then records the condition with its
    sections, short answers and references as they stand, and the event (and publication) the
    body wrote are linked to that revision. ``condition`` is refreshed afterwards.

    When the body says the public site changed, the cached pages it affects are retired in the
    same transaction. Once it commits, the caches in front are purged and the email is sent.
    Neither can fail the committed change: each runs as a robust on-commit callback, whose errors
    are logged.
    """
    with transaction.atomic():
        with reversion.create_revision():
            step = Step(Condition.objects.select_for_update().get(pk=condition.pk))
            reversion.set_user(by)
            reversion.set_comment(comment)
            yield step
            reversion.add_to_revision(step.condition)
        revision = Version.objects.get_for_object(step.condition).order_by("-pk").first().revision
        for record in (step.event, step.publication):
            if record is not None and record.revision_id is None:
                record.revision = revision
                record.save(update_fields=["revision"])
        if step.public_change:
            # In this transaction: the cached pages it affects are retired if and when it commits.
            caching.page_changed(step.condition)
        for send in step.notify:
            transaction.on_commit(send, robust=True)
    condition.refresh_from_db()
