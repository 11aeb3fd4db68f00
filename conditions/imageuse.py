"""Where a library image is used, for the library (:mod:`images.usage` asks this provider).

Working copies name an image by its key in their Markdown (``![alt](image:key)``): they are
found by a text search confirmed by the renderer's own parse (:func:`medsite.markdown.image_keys`),
as :mod:`references.usage` confirms citations. Approved versions are found by their links
(:class:`~conditions.models.PublicationImage`, written at approval).

Nothing shared changes a reviewed page silently (invariant 3 of review): an image a page in
expert review shows may not change until the review is decided, and an image a page names, or a
version shows, may not be deleted.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.urls import reverse

from conditions.models import (
    PUBLICATION_PAGE,
    Condition,
    Publication,
    PublicationImage,
    Section,
    ShortAnswer,
    Status,
)
from images import usage
from images.models import Image
from medsite.markdown import image_keys

# A refusal names this many pages, then says how many more there are.
NAMED = 10


def naming_conditions(key: str, among: QuerySet[Condition] | None = None) -> list[Condition]:
    """Working copies whose texts name the image ``key``, as the renderer reads them (not just
    hold "image:key"), by name."""
    needle = f"image:{key}"
    sections = Section.objects.filter(body__contains=needle)
    answers = ShortAnswer.objects.filter(Q(answer__contains=needle) | Q(details__contains=needle))
    if among is not None:
        sections, answers = sections.filter(condition__in=among), answers.filter(condition__in=among)
    texts: list[tuple[int, list[str]]] = [
        (pk, [body]) for pk, body in sections.values_list("condition_id", "body")
    ]
    texts += [
        (pk, [answer, details])
        for pk, answer, details in answers.values_list("condition_id", "answer", "details")
    ]
    ids = {pk for pk, parts in texts if any(key in image_keys(text) for text in parts)}
    return list(Condition.objects.filter(pk__in=ids).order_by("name", "pk"))


def showing_publications(image: Image) -> QuerySet[Publication]:
    """Every approved version that shows ``image`` (live, archived, scheduled or withdrawn)."""
    return (
        Publication.objects.filter(image_links__image=image)
        .select_related("condition")
        .defer(*PUBLICATION_PAGE)
        .order_by("condition__name", "-number")
    )


def pages_in_review(image: Image) -> list[Condition]:
    """Pages in expert review whose working copy (the version in review) shows ``image``."""
    return naming_conditions(image.key, Condition.objects.awaiting_review())


def _names(pages: Iterable[object]) -> str:
    pages = list(pages)
    named = ", ".join(f"“{page}”" for page in pages[:NAMED])
    return named + (f" and {len(pages) - NAMED} more" if len(pages) > NAMED else "")


def publication_state(publication: Publication) -> str:
    if publication.condition.live_publication_id == publication.pk:
        return "live"
    if publication.retracted_at is not None:
        return "withdrawn"
    if publication.went_live_at is not None:
        return "in the public archive"
    if publication.cancelled_at is not None:
        return "cancelled"
    return "scheduled"


def _working_copy_label(condition: Condition) -> str:
    return f"{condition.name} (working copy, {Status(condition.status).label.lower()})"


class ImageUse:
    """The conditions app's answers to the image library (registered in ``ConditionsConfig``)."""

    def where_used(self, image: Image) -> list[usage.Use]:
        uses = [
            usage.Use(
                _working_copy_label(condition),
                reverse("admin:conditions_condition_change", args=[condition.pk]),
                published=False,
            )
            for condition in naming_conditions(image.key)
        ]
        for publication in showing_publications(image):
            state = publication_state(publication)
            uses.append(
                usage.Use(
                    f"{publication.condition.name}, version {publication.number} ({state})",
                    reverse("admin:conditions_condition_history", args=[publication.condition_id]),
                    published=state in ("live", "in the public archive"),
                )
            )
        return uses

    def refusal_change(self, image: Image) -> str | None:
        """Pages in review show the image as it was submitted: it may not change under them."""
        if image.pk is None:
            return None
        stored = Image.objects.filter(pk=image.pk).first()
        pages = pages_in_review(stored) if stored is not None else []
        if stored is None or not pages:
            return None
        return (
            f"The image “{stored.key}” is shown by pages in expert review ({_names(pages)}), so it "
            "cannot change until their review is decided: ask for them to be withdrawn from review, "
            "or wait for the decision."
        )

    def refusal_delete(self, image: Image) -> str | None:
        """An image a working copy names, or an approved version shows, stays in the library."""
        pages = naming_conditions(image.key)
        if pages:
            return (
                f"The image “{image.key}” is used by {_names(pages)}: remove it from "
                f"{'that page' if len(pages) == 1 else 'those pages'} first."
            )
        shown = list(showing_publications(image))
        if shown:
            versions = [f"{p.condition.name}, version {p.number} ({publication_state(p)})" for p in shown]
            return (
                f"The image “{image.key}” is shown by approved versions ({_names(versions)}). "
                "What was approved keeps its images, so it cannot be deleted."
            )
        return None


PROVIDER = ImageUse()


def register() -> None:
    usage.register(PROVIDER)


def link_published(publications: QuerySet[Publication] | None = None) -> int:
    """Link each version to the library images its frozen page shows, by key (a version restored
    without its links, or approved before they existed); returns how many links were written."""
    publications = Publication.objects.all() if publications is None else publications
    ids = dict(Image.objects.values_list("key", "pk"))
    written = 0
    for publication in publications.filter(image_links__isnull=True).iterator():
        keys = dict.fromkeys(image.key for image in publication.page.images if image.key in ids)
        links = [
            PublicationImage(publication=publication, image_id=ids[key], position=n)
            for n, key in enumerate(keys, start=1)
        ]
        written += len(PublicationImage.objects.bulk_create(links))
    return written
