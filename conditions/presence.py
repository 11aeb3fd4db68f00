"""Who else has a condition's edit page open, and whether they saved since you opened it.

An open edit page reports every :data:`HEARTBEAT` (static/js/editing-session.js, through
:mod:`conditions.admin.presence`); each report keeps the person's :class:`EditingSession` current
and answers with the others on the page. A session nobody has heard from for :data:`EXPIRY` (a
closed laptop, a lost connection, a crash) has ended. Leaving the page ends it within
:data:`LEAVING_GRACE`, so that the same person reopening the page at once (Save and continue
editing reloads it) keeps the time they started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from conditions.models import Condition, EditingSession
from medsite.accounts.display import display_name, when

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HEARTBEAT = timedelta(seconds=25)
EXPIRY = timedelta(seconds=90)
LEAVING_GRACE = timedelta(seconds=10)


@dataclass(frozen=True)
class OtherEditor:
    """Someone else with the page open."""

    name: str
    since: datetime

    @property
    def text(self) -> str:
        return f"{self.name}, since {when(self.since)}"


@dataclass(frozen=True)
class NewerVersion:
    """The page was saved after the one asking opened it."""

    saved_by: str  # a display name, or "You" (in another window)
    saved_at: datetime

    @property
    def text(self) -> str:
        return (
            f"{self.saved_by} saved a newer version on {when(self.saved_at)}, so your save will be "
            "refused. Nothing you typed is lost: saving shows their changes next to yours, and you "
            "can keep your text on their version."
        )


@dataclass(frozen=True)
class Presence:
    others: list[OtherEditor]
    newer: NewerVersion | None


def beat(
    condition: Condition, user: User, *, lock_version: int | None, now: datetime | None = None
) -> Presence:
    """``user`` has ``condition``'s edit page open, opened at ``lock_version``: keep their session
    and say who else is there and whether the page was saved since.

    ``condition`` should be read with ``updated_by__reviewer_profile``. Queries, however many
    people are on the page: the update of the person's session (and, when it starts, its creation
    in a savepoint), and the others' sessions with their names.
    """
    now = now or timezone.now()
    fresh = EditingSession.objects.filter(
        condition=condition, user=user, last_seen_at__gte=now - EXPIRY
    ).update(last_seen_at=now)
    if not fresh:
        _start(condition, user, now)
    return Presence(
        others=others(condition, user, now=now), newer=newer_version(condition, user, lock_version)
    )


def _start(condition: Condition, user: User, now: datetime) -> None:
    """A session anew: the first report from this page, or the first after the last one ended."""
    values = {"started_at": now, "last_seen_at": now}
    if EditingSession.objects.filter(condition=condition, user=user).update(**values):
        return
    try:
        with transaction.atomic():
            EditingSession.objects.create(condition=condition, user=user, **values)
    except IntegrityError:
        # The same person's other window started it at the same moment: theirs stands.
        pass


def leave(condition: Condition, user: User, *, now: datetime | None = None) -> None:
    """``user`` left the page: their session ends unless they are back within LEAVING_GRACE."""
    now = now or timezone.now()
    ending = now - EXPIRY + LEAVING_GRACE
    EditingSession.objects.filter(condition=condition, user=user, last_seen_at__gt=ending).update(
        last_seen_at=ending
    )


def others(condition: Condition, user: User, *, now: datetime | None = None) -> list[OtherEditor]:
    """Everyone but ``user`` with the page open now, longest there first (one query)."""
    now = now or timezone.now()
    sessions = (
        EditingSession.objects.filter(condition=condition, last_seen_at__gte=now - EXPIRY)
        .exclude(user=user)
        .select_related("user__reviewer_profile")
        .order_by("started_at", "pk")
    )
    return [OtherEditor(display_name(session.user), session.started_at) for session in sessions]


def newer_version(condition: Condition, user: User, lock_version: int | None) -> NewerVersion | None:
    """Who saved ``condition`` after it was opened at ``lock_version``, and when (None if nobody)."""
    if lock_version is None or condition.lock_version == lock_version:
        return None
    saver = condition.updated_by
    name = "You" if saver is not None and saver.pk == user.pk else display_name(saver) or "Someone"
    return NewerVersion(saved_by=name, saved_at=condition.updated_at)
