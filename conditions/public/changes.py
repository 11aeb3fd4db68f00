"""What changed on the public site since a moment: pages published, renamed and withdrawn, and
archived versions retracted, for programs that keep a copy (the API's changes feed and its
``updated_since``).

Read from the durable records the workflow writes, never from a cache: each publication's
``went_live_at`` (a version went live, at its own address) and ``retracted_at``, and the review
log's unpublish events (the page was taken offline). A page's addresses are replayed from them
in order: a version going live at another address than the live one is a rename; an unpublish
withdraws the page from the address it was read at.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from django.db.models import Max, Q

from conditions.models import Condition, Publication, ReviewEvent

PUBLISHED = "published"
RENAMED = "renamed"
WITHDRAWN = "withdrawn"
RETRACTED = "retracted"


@dataclass(frozen=True)
class Change:
    """One change the public could see, at ``date``.

    ``slug`` is the address concerned: the one a version went live at (published), the one the
    page left (renamed, with ``moved_to``), the one it was taken offline from (withdrawn), or the
    page's last public address (retracted: its archived ``version`` is withdrawn).
    """

    status: str
    date: datetime
    slug: str
    name: str
    version: int | None = None
    moved_to: str | None = None


@dataclass(frozen=True)
class Removal:
    """An address that stopped serving its page since the moment asked about, and serves none now.

    ``status`` is ``renamed`` when the page is live at another address (``moved_to``), else
    ``withdrawn``; ``date`` is when the address stopped serving it.
    """

    status: str
    date: datetime
    slug: str
    name: str
    moved_to: str | None = None


@dataclass
class _Timeline:
    """A page's public history replayed: its changes, and the address it is read at now (None
    when it is offline)."""

    changes: list[Change]
    slug: str | None = None
    name: str = ""


def changes_since(since: datetime | None = None) -> list[Change]:
    """Every public change at ``since`` or later (all of them without it), oldest first."""
    return sorted(
        chain.from_iterable(timeline.changes for timeline in _timelines(since).values()),
        key=lambda change: (change.date, _ORDER[change.status], change.slug),
    )


def removed_since(since: datetime) -> list[Removal]:
    """Addresses that stopped serving their page at ``since`` or later and serve no page now,
    in the order they did."""
    timelines = _timelines(since)
    live = {timeline.slug for timeline in timelines.values() if timeline.slug}
    removals: dict[str, Removal] = {}
    for timeline in timelines.values():
        for change in timeline.changes:
            if change.status not in (RENAMED, WITHDRAWN) or change.slug in live:
                continue
            if timeline.slug is None:  # offline now: withdrawn, however many moves came first
                last = next((c for c in reversed(timeline.changes) if c.status == WITHDRAWN), change)
                removal = Removal(WITHDRAWN, last.date, change.slug, change.name)
            else:
                removal = Removal(RENAMED, change.date, change.slug, change.name, moved_to=timeline.slug)
            removals[change.slug] = removal
    return sorted(removals.values(), key=lambda removal: (removal.date, removal.slug))


def withdrawn_at(condition: Condition) -> datetime | None:
    """When ``condition`` was last taken offline."""
    events = ReviewEvent.objects.filter(condition=condition, action=ReviewEvent.Action.UNPUBLISH)
    return events.aggregate(last=Max("created_at"))["last"]


def last_change() -> datetime | None:
    """The moment of the latest public change of any page (the API list's Last-Modified)."""
    # Queries: 1 the latest go-live and retraction, 1 the latest unpublish.
    dates = Publication.objects.aggregate(live=Max("went_live_at"), retracted=Max("retracted_at"))
    withdrawn = ReviewEvent.objects.filter(action=ReviewEvent.Action.UNPUBLISH).aggregate(
        last=Max("created_at")
    )
    known = [moment for moment in (*dates.values(), withdrawn["last"]) if moment is not None]
    return max(known, default=None)


# A moment in a page's history: (when, publications before unpublish events, the record).
_Entry = tuple[datetime, int, "Publication | ReviewEvent"]

# Within one moment: an address is left before the next is taken, and a page is withdrawn last.
_ORDER = {RENAMED: 0, PUBLISHED: 1, RETRACTED: 2, WITHDRAWN: 3}


def _timelines(since: datetime | None) -> dict[int, _Timeline]:
    """The replayed history of every page with a change at ``since`` or later (changes before
    ``since`` left out), by condition id."""
    # Queries: 1 the public versions of the pages that changed, 1 their unpublish events.
    unpublished = ReviewEvent.objects.filter(action=ReviewEvent.Action.UNPUBLISH)
    if since is None:
        changed = Q(pk__in=Publication.objects.public().values("condition_id"))
    else:
        changed = (
            Q(pk__in=Publication.objects.filter(went_live_at__gte=since).values("condition_id"))
            | Q(pk__in=Publication.objects.filter(retracted_at__gte=since).values("condition_id"))
            | Q(pk__in=unpublished.filter(created_at__gte=since).values("condition_id"))
        )
    pages = Condition.objects.filter(changed).values("pk")
    publications = (
        Publication.objects.public()
        .filter(condition_id__in=pages)
        .only("condition_id", "number", "title", "slug", "went_live_at", "retracted_at")
    )
    events = unpublished.filter(condition_id__in=pages).only("condition_id", "created_at")
    history: dict[int, list[_Entry]] = defaultdict(list)
    for publication in publications:
        history[publication.condition_id].append((publication.went_live_at, 0, publication))
    for event in events:
        history[event.condition_id].append((event.created_at, 1, event))
    return {
        condition_id: _replay(sorted(entries, key=lambda entry: entry[:2]), since)
        for condition_id, entries in history.items()
    }


def _replay(
    entries: list[tuple[datetime, int, Publication | ReviewEvent]], since: datetime | None
) -> _Timeline:
    timeline = _Timeline(changes=[])
    retracted: list[tuple[datetime, Publication]] = []
    for moment, _, record in entries:
        if isinstance(record, Publication):
            if timeline.slug and timeline.slug != record.slug:
                timeline.changes.append(
                    Change(RENAMED, moment, timeline.slug, timeline.name, moved_to=record.slug)
                )
            timeline.changes.append(
                Change(PUBLISHED, moment, record.slug, record.title, version=record.number)
            )
            timeline.slug, timeline.name = record.slug, record.title
            if record.retracted_at is not None:
                retracted.append((record.retracted_at, record))
        elif timeline.slug:
            timeline.changes.append(Change(WITHDRAWN, moment, timeline.slug, timeline.name))
            timeline.slug = None
    last_slug = next((c.slug for c in reversed(timeline.changes) if c.status == PUBLISHED), "")
    for when, publication in retracted:
        timeline.changes.append(
            Change(RETRACTED, when, last_slug, publication.title, version=publication.number)
        )
    timeline.changes.sort(key=lambda change: (change.date, _ORDER[change.status]))
    if since is not None:
        timeline.changes = [change for change in timeline.changes if change.date >= since]
    return timeline
