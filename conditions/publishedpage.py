"""The published page: what approval froze, as typed data.

:func:`conditions.rendering.render_page` builds a :class:`PublishedPage` once; approval stores it
in ``Publication.structured_data`` (:meth:`PublishedPage.to_json`), and everything that shows a
publication reads it back through ``Publication.page`` (:meth:`PublishedPage.from_json`): the
API, the JSON-LD, search, the sitemap, the question pages, the comparison screens and the
workflow. It is the rendered page (HTML, citation numbers, anchors, review line), not the working
copy an editor writes (that is :mod:`conditions.pagecontent`).

Stored pages are never rewritten, so every shape ever stored must keep loading. Pages written
before the schema carry no ``schema_version`` (read as version 0) and vary:

* the first ones have short answers without a ``slug`` and references with only their number,
  key, kind, formatted text, backlinks, URL, DOI and PMID;
* short answers gained their ``slug`` with the short-answer pages;
* references gained their bibliographic fields (authors … accessed_on) with the review-integrity
  change, whose migration filled them into older pages where it could;
* none has ``review.updated_on``, and the earliest may lack the page's own name, address, other
  names or summary, which are then the publication's (``fallback``).

Version 2 added the condition's ``codes`` (``ICD10CM:E34.0``, one string each); every page stored
before them had none. Version 3 added ``images``: each image the page shows, with its renditions'
addresses as approval froze them; every page stored before had none.

:func:`_upgrade` brings any older shape to :data:`SCHEMA_VERSION` one step at a time, and
:meth:`PublishedPage.from_json` then reads every field strictly: a field added to these classes
without an upgrade step that fills it fails to load the stored shapes kept in
``tests/conditions/test_publishedpage.py``.

Addresses inside a page (section anchors, question slugs) are made here too, by
:func:`unique_slugs`, since an upgraded page must give its questions the slugs rendering would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

from django.utils.text import slugify

SCHEMA_VERSION = 3

# What a section's or a question's text is called in an address when it gives no letters at all.
SECTION_FALLBACK, QUESTION_FALLBACK = "section", "question"
# Ids the page body gives its own parts: no section may take them.
RESERVED_ANCHORS = frozenset({"questions", "references"})
QUESTION_SLUG_LENGTH = 80


def unique_slugs(
    texts: Iterable[str], *, fallback: str, reserved: Iterable[str] = (), max_length: int | None = None
) -> list[str]:
    """A slug for each of ``texts``, unique among them and apart from ``reserved``: "causes",
    "causes-2", ...; ``fallback`` for a text without letters or digits."""
    slugs, seen = [], set(reserved)
    for text in texts:
        base = slugify(text)[:max_length].strip("-") if max_length else slugify(text)
        base = base or fallback
        slug, n = base, 2
        while slug in seen:
            slug, n = f"{base}-{n}", n + 1
        seen.add(slug)
        slugs.append(slug)
    return slugs


def section_anchors(headings: Iterable[str]) -> list[str]:
    """The id of each section of a page (its heading, made unique), for links within the page."""
    return unique_slugs(headings, fallback=SECTION_FALLBACK, reserved=RESERVED_ANCHORS)


def question_slugs(questions: Iterable[str]) -> list[str]:
    """A unique, readable address part for each question of one page."""
    return unique_slugs(questions, fallback=QUESTION_FALLBACK, max_length=QUESTION_SLUG_LENGTH)


@dataclass(frozen=True)
class PublishedSection:
    id: str  # the anchor ("causes", "causes-2")
    kind: str
    heading: str
    markdown: str
    html: str


@dataclass(frozen=True)
class PublishedAnswer:
    id: str  # the anchor on the page ("question-1")
    slug: str  # its own page's address part
    question: str
    answer_markdown: str
    answer_html: str
    details_markdown: str
    details_html: str


@dataclass(frozen=True)
class PublishedReference:
    """One entry of the reference list, every field frozen at approval (the API serves them)."""

    number: int
    key: str
    kind: str
    html: str  # the formatted entry (AMA); stored as "text", its name before the schema
    backlinks: tuple[str, ...]  # the ids of the citations that point here, in page order
    url: str
    doi: str
    pmid: str
    authors: tuple[str, ...]
    title: str
    container_title: str
    edition: str
    publisher: str
    place: str
    year: int | None
    volume: str
    issue: str
    pages: str
    accessed_on: date | None


# Stored names that differ from the attribute's (attribute -> key).
_REFERENCE_KEYS = {"html": "text"}


@dataclass(frozen=True)
class PublishedRendition:
    url: str  # as the storage gave it at approval: a path under MEDIA_URL, or the store's address
    width: int
    height: int
    type: str  # image/webp, image/jpeg, image/png


@dataclass(frozen=True)
class PublishedImage:
    """One image the page shows, every field frozen at approval (API, JSON-LD, Open Graph)."""

    key: str
    alt: str  # as its first use on the page gives it ("" for a decorative image)
    caption: str
    credit: str
    licence: str  # the licence's code (images.licences.Licence)
    licence_name: str
    licence_url: str  # the licence's deed ("" for all rights reserved)
    source_url: str  # where the image and its licence or permission come from
    copyright_notice: str
    width: int  # of the largest rendition
    height: int
    src: str  # the fallback (JPEG or PNG) rendition the <img> names
    renditions: tuple[PublishedRendition, ...]
    og_image: str  # 1200 x 630, cropped around the focal point


@dataclass(frozen=True)
class ReviewInfo:
    """The review line of a page: who reviewed it and when, when it is due again, and the date its
    short answers say they were last updated."""

    reviewed_by: str = ""
    reviewed_on: date | None = None
    next_review_due: date | None = None
    updated_on: date | None = None


@dataclass(frozen=True)
class PublishedPage:
    schema_version: int
    name: str
    slug: str
    also_called: tuple[str, ...]
    summary: str
    sections: tuple[PublishedSection, ...]
    short_answers: tuple[PublishedAnswer, ...]
    references: tuple[PublishedReference, ...]
    review: ReviewInfo
    codes: tuple[str, ...] = ()  # the condition's codes as approved (conditions.codes), written form
    images: tuple[PublishedImage, ...] = ()  # in the order the page first shows them

    def to_json(self) -> dict:
        """The stored form (``Publication.structured_data``): plain JSON, dates as ISO 8601."""
        return _plain(self)

    @classmethod
    def from_json(cls, data: Mapping, *, fallback: Callable[[], Mapping] | None = None) -> PublishedPage:
        """Read a stored page of any version. ``fallback`` gives the publication's own name,
        slug, summary and also_called (a list), asked only of a page stored without them."""
        current = _upgrade(data, fallback)
        return cls(
            schema_version=current["schema_version"],
            name=current["name"],
            slug=current["slug"],
            also_called=tuple(current["also_called"]),
            summary=current["summary"],
            sections=tuple(_read(PublishedSection, section) for section in current["sections"]),
            short_answers=tuple(_read(PublishedAnswer, answer) for answer in current["short_answers"]),
            references=tuple(_read(PublishedReference, ref) for ref in current["references"]),
            review=_read(ReviewInfo, current["review"]),
            codes=tuple(current["codes"]),
            images=tuple(_read(PublishedImage, image) for image in current["images"]),
        )


def _plain(value: Any) -> Any:
    if is_dataclass(value):
        keys = _REFERENCE_KEYS if isinstance(value, PublishedReference) else {}
        return {keys.get(f.name, f.name): _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


# Fields stored as JSON strings (ISO 8601) or lists rather than as they are held.
_DATES = frozenset({"reviewed_on", "next_review_due", "updated_on", "accessed_on"})
_TUPLES = frozenset({"backlinks", "authors"})


def _read(cls: type, data: Mapping) -> Any:
    """An instance of ``cls`` from its stored fields, every one required."""
    keys = _REFERENCE_KEYS if cls is PublishedReference else {}
    values = {}
    for f in fields(cls):
        value = data[keys.get(f.name, f.name)]
        if f.name in _DATES and value is not None:
            value = date.fromisoformat(value)
        elif f.name == "renditions":
            value = tuple(_read(PublishedRendition, rendition) for rendition in value)
        elif f.name in _TUPLES:
            value = tuple(value)
        values[f.name] = value
    return cls(**values)


# --- the upgrade path ----------------------------------------------------------------------------

_SECTION_DEFAULTS = {"id": "", "kind": "", "heading": "", "markdown": "", "html": ""}
_ANSWER_DEFAULTS = {
    "id": "",
    "question": "",
    "answer_markdown": "",
    "answer_html": "",
    "details_markdown": "",
    "details_html": "",
}
# A reference has always been stored with its number and key; the rest may be missing.
_REFERENCE_DEFAULTS: dict[str, object] = {
    "kind": "",
    "text": "",
    "backlinks": [],
    "url": "",
    "doi": "",
    "pmid": "",
    "authors": [],
    "title": "",
    "container_title": "",
    "edition": "",
    "publisher": "",
    "place": "",
    "year": None,
    "volume": "",
    "issue": "",
    "pages": "",
    "accessed_on": None,
}
_REVIEW_DEFAULTS = {"reviewed_by": "", "reviewed_on": None, "next_review_due": None, "updated_on": None}
_PAGE_FIELDS = ("name", "slug", "also_called", "summary")


def _from_unversioned(data: Mapping, fallback: Callable[[], Mapping] | None) -> dict:
    """Version 0 (any shape stored before the schema) -> version 1."""
    page = dict(data)
    if any(name not in page for name in _PAGE_FIELDS):
        own = fallback() if fallback else {}
        for name in _PAGE_FIELDS:
            page.setdefault(name, own.get(name, [] if name == "also_called" else ""))
    answers = [{**_ANSWER_DEFAULTS, **answer} for answer in page.get("short_answers") or []]
    for answer, slug in zip(answers, question_slugs(a["question"] for a in answers), strict=True):
        answer["slug"] = answer.get("slug") or slug
    page.update(
        schema_version=1,
        sections=[{**_SECTION_DEFAULTS, **section} for section in page.get("sections") or []],
        short_answers=answers,
        references=[{**_REFERENCE_DEFAULTS, **ref} for ref in page.get("references") or []],
        review={**_REVIEW_DEFAULTS, **(page.get("review") or {})},
    )
    return page


def _with_codes(data: Mapping, fallback: Callable[[], Mapping] | None) -> dict:
    """Version 1 -> version 2: pages approved before codes existed had none."""
    return {**data, "schema_version": 2, "codes": []}


def _with_images(data: Mapping, fallback: Callable[[], Mapping] | None) -> dict:
    """Version 2 -> version 3: pages approved before images existed showed none."""
    return {**data, "schema_version": 3, "images": []}


# Each step takes a page of its version to the next one.
_UPGRADES: dict[int, Callable[[Mapping, Callable[[], Mapping] | None], dict]] = {
    0: _from_unversioned,
    1: _with_codes,
    2: _with_images,
}


def _upgrade(data: Mapping | None, fallback: Callable[[], Mapping] | None) -> Mapping:
    data = data or {}
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or not 0 <= version <= SCHEMA_VERSION:
        raise ValueError(f"A published page of schema version {version!r} cannot be read by this site.")
    while version < SCHEMA_VERSION:
        data = _UPGRADES[version](data, fallback)
        version = data["schema_version"]
    return data
