"""A page's content as a reviewer reads it: typed, comparable, and hashable.

:class:`PageContent` is everything a condition page shows that a medical reviewer must have
read: the names and address, the sections, the short answers, the listed references and every
field of every reference the page shows (cited or listed), and every field of every image it shows
(alt text, caption, credit, licence, the file by its hash). It is read from the working copy
(:func:`content_of`) or from one reversion revision (:func:`content_at`), so the page approval
publishes is the one that was submitted, not whatever the rows say at the moment of approval.

Its :meth:`PageContent.atoms` split it into named parts with a hash of each value: the content
hash that binds a review decision to a version, and the units of authorship
(:mod:`conditions.authorship`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date
from reversion.models import Revision, Version

from conditions.models import Condition, Section, ShortAnswer, lines
from images.content import ImageContent
from images.models import Image
from medsite.markdown import image_keys
from references.citations import find_keys
from references.models import ConditionReference, Reference

# What a page shows of each reference: every field the reference list, the API and the structured
# data print (not the editor's bookkeeping: original text, timestamps).
REFERENCE_FIELDS = (
    "key",
    "kind",
    "authors",
    "title",
    "container_title",
    "edition",
    "publisher",
    "place",
    "year",
    "volume",
    "issue",
    "pages",
    "url",
    "doi",
    "pmid",
    "accessed_on",
    "note",
)
# Added later: in a reference's value only when set, so the hash of a reference that leaves them
# empty (every page reviewed before they existed) is unchanged.
LATER_REFERENCE_FIELDS = ("journal_abbreviation", "editors", "series", "elocator", "published_online")
ALL_REFERENCE_FIELDS = REFERENCE_FIELDS + LATER_REFERENCE_FIELDS


@dataclass(frozen=True)
class ReferenceContent:
    id: int
    key: str
    kind: str = Reference.Kind.OTHER
    authors: str = ""
    title: str = ""
    container_title: str = ""
    edition: str = ""
    publisher: str = ""
    place: str = ""
    year: int | None = None
    volume: str = ""
    issue: str = ""
    pages: str = ""
    url: str = ""
    doi: str = ""
    pmid: str = ""
    accessed_on: date | None = None
    note: str = ""
    journal_abbreviation: str = ""
    editors: str = ""
    series: str = ""
    elocator: str = ""
    published_online: date | None = None

    @classmethod
    def of(cls, reference: Reference) -> ReferenceContent:
        return cls(id=reference.pk, **{name: getattr(reference, name) for name in ALL_REFERENCE_FIELDS})

    @classmethod
    def from_fields(cls, pk: int, values: Mapping) -> ReferenceContent:
        known = {name: values[name] for name in ALL_REFERENCE_FIELDS if name in values}
        for name in ("accessed_on", "published_online"):
            if isinstance(known.get(name), str):
                known[name] = parse_date(known[name])
        return cls(id=pk, **known)

    def as_reference(self) -> Reference:
        """An unsaved Reference with these fields, for the formatter."""
        return Reference(pk=self.id, **{name: getattr(self, name) for name in ALL_REFERENCE_FIELDS})

    @property
    def author_list(self) -> list[str]:
        return lines(self.authors)

    def value(self) -> tuple:
        later = tuple(
            (name, _plain(getattr(self, name))) for name in LATER_REFERENCE_FIELDS if getattr(self, name)
        )
        return tuple(_plain(getattr(self, name)) for name in REFERENCE_FIELDS) + later


@dataclass(frozen=True)
class SectionContent:
    id: int | None
    kind: str
    heading: str
    body: str

    @property
    def display_heading(self) -> str:
        if self.heading.strip():
            return self.heading.strip()
        return Section.Kind(self.kind).label if self.kind in Section.Kind.values else self.kind


@dataclass(frozen=True)
class AnswerContent:
    id: int | None
    question: str
    answer: str
    details: str


@dataclass(frozen=True)
class PageContent:
    condition_id: int | None
    name: str
    slug: str
    also_called: str
    summary: str
    sections: tuple[SectionContent, ...]
    answers: tuple[AnswerContent, ...]
    listed: tuple[int, ...]  # ids of the references listed on the page, in the editor's order
    references: Mapping[int, ReferenceContent]  # every reference the page cites or lists, by id
    codes: str = ""  # the condition's codes, one a line (conditions.codes)
    # Every image the page's texts name (``image:key``), by key, as the library held it.
    images: Mapping[str, ImageContent] = field(default_factory=dict)

    @property
    def synonyms(self) -> list[str]:
        return lines(self.also_called)

    def texts(self) -> list[str]:
        """Every Markdown text of the page, in citation-numbering order."""
        return markdown_texts(self.sections, self.answers)

    def cited_keys(self) -> list[str]:
        return [key for text in self.texts() for key in find_keys(text)]

    def image_keys(self) -> list[str]:
        """The keys of the images the page's texts name, in reading order."""
        return list(dict.fromkeys(key for text in self.texts() for key in image_keys(text)))

    def reference_by_key(self) -> dict[str, ReferenceContent]:
        return {ref.key: ref for ref in self.references.values()}

    def atoms(self) -> dict[str, str]:
        """Each part of the page by name, with a hash of its value.

        A part is one thing one person can write: a name field, a section, a short answer, the
        order of the sections or answers, the list of listed references, one reference's fields.
        """
        parts: dict[str, object] = {
            "name": self.name,
            "slug": self.slug,
            "also_called": self.also_called,
            "summary": self.summary,
            "sections": [section.id for section in self.sections],
            "answers": [answer.id for answer in self.answers],
            "listed": list(self.listed),
        }
        if self.codes.strip():
            # Only when there are codes: the hash of a page without them (every page reviewed
            # before they existed) is unchanged.
            parts["codes"] = self.codes
        for section in self.sections:
            parts[f"section:{section.id}"] = [section.kind, section.heading, section.body]
        for answer in self.answers:
            parts[f"answer:{answer.id}"] = [answer.question, answer.answer, answer.details]
        for reference in self.references.values():
            parts[reference_atom(reference.id)] = reference.value()
        for image in self.images.values():
            # Only pages with images have these: the hash of a page without (every page reviewed
            # before images existed) is unchanged.
            parts[image_atom(image.id)] = list(image.value())
        return {name: value_hash(value) for name, value in parts.items()}

    def content_hash(self) -> str:
        return value_hash(sorted(self.atoms().items()))


def markdown_texts(sections: Iterable, answers: Iterable) -> list[str]:
    """Every Markdown text of a page, in reading order, which is the order citations are numbered
    in: each section's body, then each short answer's answer and details (rows or content)."""
    texts = [section.body for section in sections]
    for answer in answers:
        texts += [answer.answer, answer.details]
    return texts


def reference_atom(reference_id: int) -> str:
    return f"reference:{reference_id}"


def image_atom(image_id: int) -> str:
    return f"image:{image_id}"


def value_hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


# --- the working copy ----------------------------------------------------------------------------


def content_of(condition: Condition) -> PageContent:
    """The working copy as it stands (prefetched sections and short answers are used)."""
    sections = tuple(SectionContent(s.pk, s.kind, s.heading, s.body) for s in condition.sections.all())
    answers = tuple(
        AnswerContent(a.pk, a.question, a.answer, a.details) for a in condition.short_answers.all()
    )
    listed = tuple(condition.condition_references.values_list("reference_id", flat=True))
    content = PageContent(
        condition.pk,
        condition.name,
        condition.slug,
        condition.also_called,
        condition.summary,
        sections,
        answers,
        listed,
        {},
        condition.codes,
    )
    keys = content.image_keys()
    content = with_images(content, _current_images(keys), keys)
    return with_references(content, _current_references(content.cited_keys(), listed))


def _current_images(keys: Iterable[str]) -> dict[int, ImageContent]:
    return {image.pk: ImageContent.of(image) for image in Image.objects.filter(key__in=set(keys))}


def with_images(
    content: PageContent, available: Mapping[int, ImageContent], keys: list[str] | None = None
) -> PageContent:
    """``content`` with the images its texts name (``keys``, if the caller has parsed them
    already), picked from ``available`` (by id)."""
    by_key = {image.key: image for image in available.values()}
    shown = {key: by_key[key] for key in (content.image_keys() if keys is None else keys) if key in by_key}
    return PageContent(**{**_shallow(content), "images": shown})


def _current_references(keys: Iterable[str], ids: Iterable[int]) -> dict[int, ReferenceContent]:
    found = Reference.objects.filter(Q(key__in=set(keys)) | Q(pk__in=set(ids)))
    return {ref.pk: ReferenceContent.of(ref) for ref in found}


def with_references(content: PageContent, available: Mapping[int, ReferenceContent]) -> PageContent:
    """``content`` with the references it shows, picked from ``available``."""
    by_key = {ref.key: ref for ref in available.values()}
    cited = {by_key[key].id: by_key[key] for key in content.cited_keys() if key in by_key}
    listed = {pk: available[pk] for pk in content.listed if pk in available}
    return PageContent(**{**_shallow(content), "references": {**cited, **listed}})


def _shallow(content: PageContent) -> dict:
    return {f.name: getattr(content, f.name) for f in fields(content)}


# --- one revision --------------------------------------------------------------------------------


def content_at(revision: Revision | int, condition_id: int) -> PageContent | None:
    """The page as saved in ``revision`` (None if the revision does not hold it).

    The condition, its sections, short answers and listed references come from the revision
    (Condition is registered with ``follow``). References and images come from the revision too
    where it holds them (a submission saves every reference and image the page shows with it);
    otherwise from each one's own latest version at or before the revision, or, for one never
    saved with history, from its row.
    """
    revision_id = revision if isinstance(revision, int) else revision.pk
    versions = list(Version.objects.filter(revision_id=revision_id).select_related("content_type"))
    rows = RevisionRows(versions)
    content = rows.page(condition_id)
    if content is None:
        return None
    wanted_ids = set(content.listed)
    held = rows.references()
    by_key = {ref.key: ref for ref in held.values()}
    missing_keys = {key for key in content.cited_keys() if key not in by_key}
    missing_ids = wanted_ids - set(held)
    content = with_references(content, {**_references_as_of(revision_id, missing_keys, missing_ids), **held})
    held_images = rows.images()
    keys = content.image_keys()
    missing_images = set(keys) - {image.key for image in held_images.values()}
    return with_images(content, {**_images_as_of(revision_id, missing_images), **held_images}, keys)


def _images_as_of(revision_id: int, keys: set[str]) -> dict[int, ImageContent]:
    """Images a revision names but does not hold."""
    return _as_of(revision_id, Image.objects.filter(key__in=keys), ImageContent) if keys else {}


def _references_as_of(revision_id: int, keys: set[str], ids: set[int]) -> dict[int, ReferenceContent]:
    if not keys and not ids:
        return {}
    return _as_of(revision_id, Reference.objects.filter(Q(key__in=keys) | Q(pk__in=ids)), ReferenceContent)


def _as_of(revision_id: int, rows: QuerySet, content: Any) -> dict[int, Any]:
    """Each of ``rows`` (references or images) as ``content`` (ReferenceContent, ImageContent): as
    its latest version at or before ``revision_id`` saved it, else (never saved with history) as
    its row."""
    current = {row.pk: row for row in rows}
    found = {pk: content.of(row) for pk, row in current.items()}
    history = (
        Version.objects.get_for_model(rows.model)
        .filter(object_id__in=[str(pk) for pk in current], revision_id__lte=revision_id)
        .order_by("object_id", "-revision_id")
    )
    seen: set[str] = set()
    for version in history:
        if version.object_id not in seen:
            seen.add(version.object_id)
            pk = int(version.object_id)
            found[pk] = content.from_fields(pk, stored_fields(version))
    return found


class RevisionRows:
    """The page rows held by the versions of one revision, read from their stored fields."""

    def __init__(self, versions: Sequence[Version]) -> None:
        types = ContentType.objects.get_for_models(
            Condition, Section, ShortAnswer, ConditionReference, Reference, Image
        )
        model_of = {content_type.pk: model for model, content_type in types.items()}
        self.rows: dict[type, list[tuple[int, dict]]] = {model: [] for model in types}
        for version in versions:
            model = model_of.get(version.content_type_id)
            if model is not None:
                self.rows[model].append((int(version.object_id), stored_fields(version)))

    def page(self, condition_id: int) -> PageContent | None:
        condition = next((values for pk, values in self.rows[Condition] if pk == condition_id), None)
        if condition is None:
            return None

        def children(model: type) -> list[tuple[int, dict]]:
            mine = [(pk, v) for pk, v in self.rows[model] if v.get("condition") == condition_id]
            return sorted(mine, key=lambda row: (row[1].get("position", 0), row[0]))

        return PageContent(
            condition_id,
            condition.get("name", ""),
            condition.get("slug", ""),
            condition.get("also_called", ""),
            condition.get("summary", ""),
            tuple(
                SectionContent(pk, v.get("kind", ""), v.get("heading", ""), v.get("body", ""))
                for pk, v in children(Section)
            ),
            tuple(
                AnswerContent(pk, v.get("question", ""), v.get("answer", ""), v.get("details", ""))
                for pk, v in children(ShortAnswer)
            ),
            tuple(v["reference"] for _, v in children(ConditionReference)),
            {},
            condition.get("codes", ""),
        )

    def references(self) -> dict[int, ReferenceContent]:
        return {pk: ReferenceContent.from_fields(pk, values) for pk, values in self.rows[Reference]}

    def images(self) -> dict[int, ImageContent]:
        return {pk: ImageContent.from_fields(pk, values) for pk, values in self.rows[Image]}


def stored_fields(version: Version) -> dict:
    """A version's fields as stored, foreign keys by their id, without deserialising a model.

    Reading the JSON directly is several times faster than reversion's ``field_dict``, which
    matters when a page's whole history is read (:mod:`conditions.authorship`).
    """
    if version.format == "json":
        try:
            return json.loads(version.serialized_data)[0]["fields"]
        except (ValueError, LookupError, TypeError):
            pass
    values = dict(version.field_dict)
    for name in list(values):
        if name.endswith("_id"):
            values[name[:-3]] = values.pop(name)
    return values
