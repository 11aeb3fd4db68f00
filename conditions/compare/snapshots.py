"""One state of a page as a reader sees it, from a reversion version, the working copy or a publication.

A :class:`Snapshot` is the text of each paragraph and list item after Markdown rendering,
citations shown by their source key, and each library image the page shows with every field
a reader is given of it. Versions and the working copy are rendered by
``conditions.rendering.render_texts``, as the page itself is, so their citation numbers, reference
list and images are the page's; a publication is read from its frozen page (``Publication.page``).
A version's images are read as that version held them (``content_at``), so an image given a new
file later still shows its old file on the old side.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from reversion.models import Version

from conditions.codes import parse_codes
from conditions.models import Condition, Publication
from conditions.pagecontent import (
    PageContent,
    ReferenceContent,
    RevisionRows,
    content_at,
    content_of,
    with_images,
    with_references,
)
from conditions.publishedpage import PublishedImage
from conditions.rendering import render_texts
from images import renditions
from images.figures import Figures
from medsite.accounts.display import display_name, when
from medsite.htmltext import reader_paragraphs
from references.models import Reference


@dataclass(frozen=True)
class SectionText:
    row_id: int | None  # None where the source keeps no row ids (a publication)
    kind: str
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class AnswerText:
    row_id: int | None
    question: str
    answer: tuple[str, ...]
    details: tuple[str, ...]


@dataclass(frozen=True)
class ReferenceText:
    key: str
    text: str


# How wide the comparison draws an image's thumbnail, in CSS pixels.
THUMBNAIL_WIDTH = 160


@dataclass(frozen=True)
class ImageText:
    """One library image as the page shows it: what a reader is given of it, and its thumbnail."""

    key: str
    alt: str  # as the page gives it ("" for a decorative image)
    caption: str
    credit: str
    licence: str  # the licence's name
    source_url: str
    copyright_notice: str
    file: str  # the file's SHA-256: a new file is a new one
    width: int  # of the largest rendition the page shows
    height: int
    thumbnail: str  # the address of the smallest WebP rendition

    @property
    def file_text(self) -> str:
        return f"{self.width} × {self.height} pixels, file {self.file[:12]}"

    @property
    def thumbnail_height(self) -> int:
        """Its height drawn :data:`THUMBNAIL_WIDTH` pixels wide (the screen reserves the space)."""
        return max(1, round(self.height * THUMBNAIL_WIDTH / max(self.width, 1)))


@dataclass
class Snapshot:
    """One state of a page as a reader sees it; an empty one stands for "nothing published yet"."""

    label: str
    name: str = ""
    slug: str = ""
    also_called: list[str] = field(default_factory=list)
    summary: str = ""
    sections: list[SectionText] = field(default_factory=list)
    short_answers: list[AnswerText] = field(default_factory=list)
    references: list[ReferenceText] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # as a person reads them: "ICD-10-CM E34.0"
    images: list[ImageText] = field(default_factory=list)  # in the order the page first shows them


def _snapshot(content: PageContent, label: str) -> Snapshot:
    texts = render_texts(content)
    keys = texts.keys_by_number
    return Snapshot(
        label=label,
        name=content.name,
        slug=content.slug,
        also_called=content.synonyms,
        summary=content.summary,
        codes=_code_labels(content.codes.splitlines()),
        sections=[
            SectionText(s.id, s.kind, s.display_heading, tuple(reader_paragraphs(html, keys)))
            for s, html in zip(content.sections, texts.sections, strict=True)
        ],
        short_answers=[
            AnswerText(
                a.id, a.question, tuple(reader_paragraphs(ah, keys)), tuple(reader_paragraphs(dh, keys))
            )
            for a, (ah, dh) in zip(content.answers, texts.answers, strict=True)
        ],
        references=[
            ReferenceText(ref.key, _reference_text(html))
            for ref, html in zip(texts.references, texts.reference_html, strict=True)
        ],
        images=_images(texts.figures),
    )


def _images(figures: Figures) -> list[ImageText]:
    shown = []
    for key in figures.used:
        image = figures.images[key]
        alt, caption = figures.first_use[key]
        every = renditions.renditions(image.sha256, image.format, image.width, image.height)
        largest = every[-1]
        shown.append(
            ImageText(
                key=key,
                alt=alt,
                caption=caption,
                credit=image.credit,
                licence=image.licence_name,
                source_url=image.source_url,
                copyright_notice=image.copyright_notice,
                file=image.sha256,
                width=largest.width,
                height=largest.height,
                thumbnail=figures.url(every[0].name),
            )
        )
    return shown


# A rendition's stored name holds its file's hash: images/<sha[:2]>/<sha>/w320.webp.
_FILE_HASH = re.compile(r"/([0-9a-f]{64})/")


def _published_image(image: PublishedImage) -> ImageText:
    found = _FILE_HASH.search(image.src)
    return ImageText(
        key=image.key,
        alt=image.alt,
        caption=image.caption,
        credit=image.credit,
        licence=image.licence_name,
        source_url=image.source_url,
        copyright_notice=image.copyright_notice,
        file=found.group(1) if found else image.src,
        width=image.width,
        height=image.height,
        thumbnail=image.renditions[0].url if image.renditions else image.src,
    )


def _code_labels(codes: Sequence[str]) -> list[str]:
    return [code.label for code in parse_codes("\n".join(codes))]


def _reference_text(html: str) -> str:
    return " ".join(reader_paragraphs(html))


def snapshot_from_working_copy(condition: Condition, *, label: str = "the working copy") -> Snapshot:
    """The condition as it stands now (uses prefetched sections and short answers if present)."""
    return _snapshot(content_of(condition), label)


def version_label(version: Version) -> str:
    revision = version.revision
    who = display_name(revision.user) or "an unknown user"
    return f"the version saved {when(revision.date_created)} by {who}"


def snapshots_from_versions(versions: Sequence[Version]) -> list[Snapshot]:
    """Snapshots of Condition versions: two queries however many versions and rows.

    Each version's revision holds the versions of the page's sections, short answers and listed
    references (Condition is registered with ``follow``); they are read in one query, and the
    references of all the versions, as they are now, in another. Select
    ``revision__user__reviewer_profile`` with the versions: each is labelled with who saved it.
    """
    revision_ids = {version.revision_id for version in versions}
    related: dict[int, list[Version]] = defaultdict(list)
    for other in Version.objects.filter(revision_id__in=revision_ids):
        related[other.revision_id].append(other)
    contents = []
    for version in versions:
        content = RevisionRows(related[version.revision_id]).page(int(version.object_id))
        if content is None:  # its own revision holds every version of a condition
            raise ValueError(f"Version {version.pk} is not a version of a condition page.")
        contents.append(content)
    available = _current_references(contents)
    return [
        _snapshot(with_references(_images_held(content, version), available), version_label(version))
        for content, version in zip(contents, versions, strict=True)
    ]


def _images_held(content: PageContent, version: Version) -> PageContent:
    """``content`` with its images as its revision held them (a page without images: no query)."""
    if not content.image_keys():
        return content
    held = content_at(version.revision_id, int(version.object_id))
    return with_images(content, {image.id: image for image in held.images.values()} if held else {})


def _current_references(contents: Sequence[PageContent]) -> dict[int, ReferenceContent]:
    """The references cited or listed by any of ``contents``, by id: one query for all of them."""
    keys = {key for content in contents for key in content.cited_keys()}
    ids = {pk for content in contents for pk in content.listed}
    found = Reference.objects.filter(Q(key__in=keys) | Q(pk__in=ids))
    return {ref.pk: ReferenceContent.of(ref) for ref in found}


def snapshot_from_publication(publication: Publication, *, label: str = "") -> Snapshot:
    """What the public was shown, from the publication's frozen page (no queries)."""
    page = publication.page
    keys = {str(ref.number): ref.key for ref in page.references}
    return Snapshot(
        label=label or f"the published version {publication.number}",
        name=page.name,
        # The publication's own address: a version live before addresses were frozen at approval
        # has the one the page had then (migration 0008), not the one its page data names.
        slug=publication.slug or page.slug,
        also_called=list(page.also_called),
        summary=page.summary,
        codes=_code_labels(page.codes),
        sections=[
            SectionText(None, s.kind, s.heading, tuple(reader_paragraphs(s.html, keys)))
            for s in page.sections
        ],
        short_answers=[
            AnswerText(
                None,
                a.question,
                tuple(reader_paragraphs(a.answer_html, keys)),
                tuple(reader_paragraphs(a.details_html, keys)),
            )
            for a in page.short_answers
        ],
        references=[ReferenceText(ref.key, _reference_text(ref.html)) for ref in page.references],
        images=[_published_image(image) for image in page.images],
    )
