"""Public addresses are content (invariant 4 of review): a live page's address changes only
through an approval, and an address that has served an approved page is never silently taken
by another. The working copy's slug is only a proposal until a version carrying it goes live.
"""

from __future__ import annotations

from django.db.models import Q

from conditions.errors import WorkflowError
from conditions.models import Condition, Publication, SlugHistory


def address_holder(slug: str, *, exclude: Condition) -> Condition | None:
    """Another page the public reads at ``slug`` now, or will when its scheduled version goes live."""
    return (
        Condition.objects.exclude(pk=exclude.pk)
        .filter(Q(live_publication__slug=slug) | Q(scheduled_publication__slug=slug))
        .first()
    )


def address_notes(condition: Condition) -> list[str]:
    """What approving the working copy does to public addresses, for the review screen."""
    slug = condition.slug
    live = condition.live_publication
    if live is not None and live.slug == slug:
        return []
    notes = []
    if live is not None:
        notes.append(
            f"The page moves from /conditions/{live.slug}/ to /conditions/{slug}/; the old address "
            "will redirect to the new one."
        )
    holder = address_holder(slug, exclude=condition)
    if holder is not None:
        notes.append(
            f"/conditions/{slug}/ is the public address of “{holder.public_name}”: this version cannot "
            "be approved until one of the two pages has another address."
        )
        return notes
    redirect = SlugHistory.objects.filter(slug=slug).exclude(condition=condition).select_related("condition")
    earlier = (
        Publication.objects.public()
        .filter(slug=slug)
        .exclude(condition=condition)
        .order_by("-went_live_at")
        .first()
    )
    if redirect:
        other = redirect[0].condition
        notes.append(
            f"/conditions/{slug}/ used to be the address of “{other.public_name}” and redirects there now; "
            "approving gives it to this page."
        )
    elif earlier is not None:
        notes.append(
            f"/conditions/{slug}/ was the address of “{earlier.title}”, which was taken offline (the "
            "address answers 410 Gone); approving gives it to this page."
        )
    return notes


def check_address(locked: Condition, slug: str) -> None:
    """Refuse to approve ``locked`` at ``slug`` while another page is read there."""
    holder = address_holder(slug, exclude=locked)
    if holder is not None:
        raise WorkflowError(
            f"The address /conditions/{slug}/ belongs to the published page “{holder.public_name}”. "
            "Give this page another address, or move that page first."
        )


def take_address(locked: Condition, publication: Publication) -> None:
    """The page is now read at ``publication.slug``; an address it leaves redirects here.

    An address given to this page by an approval stops redirecting anywhere else: the reviewer
    saw that it had served another page (the review screen says so).
    """
    previous = locked.live_publication
    SlugHistory.objects.filter(slug=publication.slug).delete()
    if previous is not None and previous.slug and previous.slug != publication.slug:
        SlugHistory.objects.update_or_create(slug=previous.slug, defaults={"condition": locked})
