"""How much work one request may ask of the site: text sizes, nesting, preview time and rate.

Every bound is here (the README's "Limits" lists them), and so are the checks that enforce them:
model validators for the Markdown fields, the page total for the publish gate, and for the
editor's previews a size check, a per-user rate, a cap on previews rendering at once, and the
time budget the renderer (``medsite.markdown.render(..., budget=)``) is given.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

logger = logging.getLogger(__name__)

# --- sizes, in characters --------------------------------------------------------------------

# One Markdown field (a section's body, a short answer, its details): about 3,000 words. The demo
# and seed pages hold 3,000 to 6,000 characters in all, their longest section 1,100.
MARKDOWN_FIELD_MAX_CHARS = 20_000
# All the Markdown of one page together: about 15,000 words.
PAGE_MARKDOWN_MAX_CHARS = 100_000
# Lists and quotes nested deeper than this are shown flattened, as text, at this depth.
MAX_NESTING_DEPTH = 8

# --- previews ----------------------------------------------------------------------------------

# The renderer's time for one preview request (all its fields): past it the editor is told the
# text is too complex. Writing and sanitising the HTML after the parse take up to a fifth more.
PREVIEW_BUDGET_SECONDS = 0.75
# What one editor's previews may take each minute: rendering time (a preview of ordinary text
# takes milliseconds; one that runs out of time, the whole budget), and requests (opening a page
# previews every field of it at once, a page of fifty sections and answers a hundred fields).
PREVIEW_SECONDS_PER_MINUTE = 10
PREVIEWS_PER_MINUTE = 1000
# Previews rendering at once on one machine, across all its server processes: every core but one,
# so the public pages always have a worker and a core.
PREVIEW_SLOTS = max(1, (os.cpu_count() or 2) - 1)
# How long a preview waits for a slot before it is refused as busy.
PREVIEW_SLOT_WAIT_SECONDS = 1.0
# Texts in one request for the whole page (its previews, its content checks): enough for a long
# page; a bigger form is not an editor's page.
MAX_PREVIEW_FIELDS = 200


class Refused(Exception):
    """A request for more work than the limits allow. ``str(error)`` is a sentence for the editor;
    ``status`` the HTTP status to answer with; ``retry_after`` seconds, when waiting helps."""

    status = 400
    retry_after: int | None = None
    field: str | None = None  # the form field at fault, when there is one


class TooLarge(Refused):
    status = 413


class TooFrequent(Refused):
    status = 429


class Busy(Refused):
    status = 503
    retry_after = 2


class TooSlow(Refused):
    """The renderer ran out of its budget (``medsite.markdown.RenderTooSlow``)."""

    status = 422


# --- sizes -----------------------------------------------------------------------------------


def too_long(text: str, *, what: str = "This text") -> str | None:
    """A sentence if ``text`` is over the Markdown field limit, else None."""
    if len(text) <= MARKDOWN_FIELD_MAX_CHARS:
        return None
    return (
        f"{what} is {len(text):,} characters long; the most is {MARKDOWN_FIELD_MAX_CHARS:,}. "
        "Split it into shorter sections, or shorten it."
    )


def page_too_long(texts: Iterable[str]) -> str | None:
    """A sentence if the Markdown of one page (``texts``) is over the page limit, else None.

    For the publish gate and anything else that saves a whole page.
    """
    total = sum(len(text) for text in texts)
    if total <= PAGE_MARKDOWN_MAX_CHARS:
        return None
    return (
        f"The page's text is {total:,} characters long; a page may have at most "
        f"{PAGE_MARKDOWN_MAX_CHARS:,}. Shorten it, or move some of it to a page of its own."
    )


def validate_markdown_field(value: str) -> None:
    """Model validator of every Markdown field."""
    if problem := too_long(value or ""):
        raise ValidationError(problem, code="max_length")


def check_preview_size(fields: Iterable[tuple[str, str]]) -> None:
    """Raise :class:`TooLarge` naming the first field over the limit, or the page's total."""
    fields = list(fields)
    for name, text in fields:
        if problem := too_long(text):
            error = TooLarge(f"Too long to preview: {problem}")
            error.field = name
            raise error
    if problem := page_too_long(text for _, text in fields):
        raise TooLarge(f"Too long to preview: {problem}")


# --- preview rate, per editor ------------------------------------------------------------------


def _add_this_minute(
    user: User | AnonymousUser, amounts: dict[str, int]
) -> tuple[dict[str, int], int] | None:
    """This minute's totals for ``user`` after adding ``amounts`` (by name), and the seconds left
    in the minute.

    Totals live in Django's cache (shared by every server with Redis). None if the cache failed:
    then previews are allowed, and the time budget and the slots still bound them.
    """
    now = time.time()
    minute = int(now // 60)
    totals = {}
    try:
        for what, amount in amounts.items():
            key = f"medsite:previews:{what}:{user.pk}:{minute}"
            cache.add(key, 0, timeout=90)
            totals[what] = cache.incr(key, amount)
    except Exception as error:  # any backend's failure: a limit must not take previews down
        logger.warning("Preview rate limit skipped: the cache failed (%s).", error)
        return None
    return totals, 60 - int(now % 60)


def charge_preview(user: User | AnonymousUser) -> bool:
    """Count one preview request against ``user``; :class:`TooFrequent` once this minute's requests
    or rendering time are over the rate. False if the cache could not count it."""
    counted = _add_this_minute(user, {"requests": 1, "ms": 0})
    if counted is None:
        return False
    totals, seconds_left = counted
    if totals["requests"] > PREVIEWS_PER_MINUTE or totals["ms"] > PREVIEW_SECONDS_PER_MINUTE * 1000:
        refused = TooFrequent(
            "You have asked for many previews, or slow ones, in the last minute. Previews resume "
            f"in {seconds_left} seconds; your text is not lost."
        )
        refused.retry_after = seconds_left
        raise refused
    return True


@contextlib.contextmanager
def preview_work(user: User | AnonymousUser, fields: list[tuple[str, str]]) -> Iterator[Callable[[], float]]:
    """Everything a preview request passes, in order: the rate, the sizes, a free slot.

    Yields a function giving the seconds of the budget left, for each render of the request. The
    time the request renders for, to the end or until it runs out, counts against the editor's
    :data:`PREVIEW_SECONDS_PER_MINUTE`.
    """
    counting = charge_preview(user)
    check_preview_size(fields)
    with preview_slot():
        started = time.monotonic()
        deadline = started + PREVIEW_BUDGET_SECONDS
        try:
            yield lambda: deadline - time.monotonic()
        finally:
            if counting:
                _add_this_minute(user, {"ms": int((time.monotonic() - started) * 1000)})


# --- previews rendering at once, per machine ----------------------------------------------------


def _slot_paths() -> list[Path]:
    """Lock files shared by the server processes of one site (one database) on this machine."""
    site = f"{settings.BASE_DIR}|{connection.settings_dict.get('NAME')}"
    digest = hashlib.sha256(site.encode()).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / "medsite-previews"
    return [directory / f"{digest}-{n}.lock" for n in range(PREVIEW_SLOTS)]


def _take_slot() -> int | None:
    """A file descriptor holding a free slot's lock; None if every slot is taken.

    Raises OSError if the lock files cannot be made or opened.
    """
    paths = _slot_paths()
    paths[0].parent.mkdir(mode=0o700, exist_ok=True)
    for path in paths:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    return None


@contextlib.contextmanager
def preview_slot() -> Iterator[None]:
    """Hold one of :data:`PREVIEW_SLOTS` while rendering a preview; :class:`Busy` if none comes free
    within :data:`PREVIEW_SLOT_WAIT_SECONDS`.

    An flock on a file: shared by every worker process, and let go by the kernel if a worker dies.
    Waited for only briefly: opening a page previews each of its fields at once, each in a few
    milliseconds, while a worker waiting longer is a worker the public cannot have. If the lock
    files cannot be used, previews go on without (the time budget still bounds each).
    """
    try:
        fd = _take_slot()
        waited_until = time.monotonic() + PREVIEW_SLOT_WAIT_SECONDS
        while fd is None and time.monotonic() < waited_until:
            time.sleep(0.02)
            fd = _take_slot()
    except OSError as error:
        logger.warning("Preview slots skipped: %s", error)
        yield
        return
    if fd is None:
        raise Busy(
            "Other previews are being made just now: the preview is made again when you next pause typing."
        )
    try:
        yield
    finally:
        os.close(fd)  # closing lets go of the lock
