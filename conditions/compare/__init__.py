"""Comparing two states of a condition page the way a reader sees the difference.

A :class:`Snapshot` (:mod:`.snapshots`) is one state of a page reduced to what a reader sees,
built from a reversion version (any point in the history), the working copy, or a publication's
frozen page, so any two of them can be compared. :func:`compare` matches sections, short answers,
references and images between two snapshots (:mod:`.matching`), finds the ones added, removed and
moved, and diffs their text (an image's alt text, caption, credit, licence) word by word
(:mod:`.diff`). The result is plain data that the admin
templates lay out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from conditions.compare.diff import DELETE, EQUAL, INSERT, Segment, TextDiff, diff_paragraphs
from conditions.compare.matching import Keyer, kept_order, pair, rows
from conditions.compare.snapshots import (
    AnswerText,
    ImageText,
    ReferenceText,
    SectionText,
    Snapshot,
    snapshot_from_publication,
    snapshot_from_working_copy,
    snapshots_from_versions,
    version_label,
)
from conditions.models import Section

__all__ = [
    "ADDED",
    "CHANGED",
    "DELETE",
    "EQUAL",
    "INSERT",
    "REMOVED",
    "UNCHANGED",
    "AnswerChange",
    "AnswerText",
    "Comparison",
    "FieldChange",
    "ImageChange",
    "ImageText",
    "ItemChange",
    "ReferenceChange",
    "ReferenceText",
    "SectionChange",
    "SectionText",
    "Segment",
    "Snapshot",
    "TextDiff",
    "compare",
    "diff_paragraphs",
    "snapshot_from_publication",
    "snapshot_from_working_copy",
    "snapshots_from_versions",
    "version_label",
]

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


@dataclass(kw_only=True)
class ItemChange:
    """One section, short answer or reference: what happened to it between the two snapshots."""

    status: str  # ADDED, REMOVED, CHANGED or UNCHANGED
    old_number: int | None
    new_number: int | None
    moved: bool = False

    @property
    def description(self) -> str:
        text = {ADDED: "Added", REMOVED: "Removed", CHANGED: "Changed", UNCHANGED: "No changes"}[self.status]
        if self.moved:
            text += f"; moved from position {self.old_number} to {self.new_number}"
        return text + "."


@dataclass(kw_only=True)
class SectionChange(ItemChange):
    heading: str
    body: TextDiff
    heading_diff: TextDiff | None = None
    kind_change: tuple[str, str] | None = None


@dataclass(kw_only=True)
class AnswerChange(ItemChange):
    question: str
    answer: TextDiff
    details: TextDiff
    question_diff: TextDiff | None = None


@dataclass(kw_only=True)
class ReferenceChange(ItemChange):
    key: str
    text: TextDiff


@dataclass
class FieldChange:
    label: str
    diff: TextDiff


@dataclass(kw_only=True)
class ImageChange(ItemChange):
    """One library image: both sides' thumbnails, and each field a reader is given, diffed."""

    key: str
    old: ImageText | None
    new: ImageText | None
    fields: list[FieldChange]  # every field either side has, changed or not

    @property
    def changed_fields(self) -> list[str]:
        return [change.label for change in self.fields if change.diff.changed]

    @property
    def file_replaced(self) -> bool:
        return self.old is not None and self.new is not None and self.old.file != self.new.file


@dataclass
class Comparison:
    old: Snapshot
    new: Snapshot
    fields: list[FieldChange]
    sections: list[SectionChange]
    short_answers: list[AnswerChange]
    references: list[ReferenceChange]
    images: list[ImageChange]

    @property
    def has_changes(self) -> bool:
        items = [*self.sections, *self.short_answers, *self.references, *self.images]
        return bool(self.fields) or any(item.status != UNCHANGED or item.moved for item in items)

    def overview(self) -> list[str]:
        """One line per part of the page that changed, for the top of the comparison."""
        lines = [f"{change.label}: changed." for change in self.fields]
        for label, items in (
            ("Sections", self.sections),
            ("Short answers", self.short_answers),
            ("References", self.references),
            ("Images", self.images),
        ):
            counts = [
                f"{sum(1 for item in items if item.status == status)} {status}"
                for status in (ADDED, REMOVED, CHANGED)
                if any(item.status == status for item in items)
            ]
            moved = sum(1 for item in items if item.moved)
            counts += [f"{moved} moved"] if moved else []
            if counts:
                lines.append(f"{label}: {', '.join(counts)}.")
        return lines or ["No differences."]


def _status(old: object | None, new: object | None, changed: bool) -> str:
    if old is None:
        return ADDED
    if new is None:
        return REMOVED
    return CHANGED if changed else UNCHANGED


_Item = TypeVar("_Item", SectionText, AnswerText, ReferenceText, ImageText)


def _shown(old: _Item | None, new: _Item | None) -> _Item:
    """The side a change names its item by: the new one, or the one removed."""
    item = new or old
    if item is None:
        raise ValueError("A change compares an old item, a new one, or both.")
    return item


def _optional_diff(old: str | None, new: str | None) -> TextDiff | None:
    """A diff of a short text (heading, question) only where both sides have it and it changed."""
    if old is None or new is None or old == new:
        return None
    return diff_paragraphs([old], [new])


def _kind_label(kind: str) -> str:
    return Section.Kind(kind).label if kind in Section.Kind.values else kind


def _section_change(old: SectionText | None, new: SectionText | None, **place: Any) -> SectionChange:
    body = diff_paragraphs(old.paragraphs if old else (), new.paragraphs if new else ())
    heading_diff = _optional_diff(old.heading if old else None, new.heading if new else None)
    kind_change = None
    if old and new and old.kind != new.kind:
        kind_change = (_kind_label(old.kind), _kind_label(new.kind))
    changed = body.changed or heading_diff is not None or kind_change is not None
    return SectionChange(
        status=_status(old, new, changed),
        heading=_shown(old, new).heading,
        body=body,
        heading_diff=heading_diff,
        kind_change=kind_change,
        **place,
    )


def _answer_change(old: AnswerText | None, new: AnswerText | None, **place: Any) -> AnswerChange:
    answer = diff_paragraphs(old.answer if old else (), new.answer if new else ())
    details = diff_paragraphs(old.details if old else (), new.details if new else ())
    question_diff = _optional_diff(old.question if old else None, new.question if new else None)
    changed = answer.changed or details.changed or question_diff is not None
    return AnswerChange(
        status=_status(old, new, changed),
        question=_shown(old, new).question,
        answer=answer,
        details=details,
        question_diff=question_diff,
        **place,
    )


def _reference_change(old: ReferenceText | None, new: ReferenceText | None, **place: Any) -> ReferenceChange:
    text = diff_paragraphs([old.text] if old else [], [new.text] if new else [])
    return ReferenceChange(
        status=_status(old, new, text.changed), key=_shown(old, new).key, text=text, **place
    )


# What a reader is given of an image, by the name the comparison shows.
IMAGE_FIELDS = (
    ("Alt text", lambda i: i.alt or "(none: the image is decorative)"),
    ("Caption", lambda i: i.caption),
    ("Credit", lambda i: i.credit),
    ("Copyright notice", lambda i: i.copyright_notice),
    ("Licence", lambda i: i.licence),
    ("Source URL", lambda i: i.source_url),
    ("File", lambda i: i.file_text),
)


def _image_change(old: ImageText | None, new: ImageText | None, **place: Any) -> ImageChange:
    fields = []
    for label, value in IMAGE_FIELDS:
        before = [value(old)] if old is not None and value(old) else []
        after = [value(new)] if new is not None and value(new) else []
        if before or after:
            fields.append(FieldChange(label, diff_paragraphs(before, after)))
    changed = any(change.diff.changed for change in fields)
    return ImageChange(
        status=_status(old, new, changed), key=_shown(old, new).key, old=old, new=new, fields=fields, **place
    )


def _compare_items(old: Sequence, new: Sequence, keyers: Sequence[Keyer], build: Callable) -> list:
    pairs = pair(old, new, keyers)
    kept = kept_order(pairs)
    return [
        build(
            old[i] if i is not None else None,
            new[j] if j is not None else None,
            old_number=None if i is None else i + 1,
            new_number=None if j is None else j + 1,
            moved=i is not None and j is not None and i not in kept,
        )
        for i, j in rows(len(old), len(new), pairs)
    ]


# Sections match by row id where both sides have one, then by kind and heading, then (for a
# renamed heading) by kind alone, except "other", which says nothing about the content.
SECTION_KEYS: tuple[Keyer, ...] = (
    lambda s: s.row_id,
    lambda s: (s.kind, s.heading.casefold()),
    lambda s: s.kind if s.kind != Section.Kind.OTHER else None,
)
ANSWER_KEYS: tuple[Keyer, ...] = (lambda a: a.row_id, lambda a: a.question.casefold())
REFERENCE_KEYS: tuple[Keyer, ...] = (lambda r: r.key,)
IMAGE_KEYS: tuple[Keyer, ...] = (lambda i: i.key,)


def _address(slug: str) -> str:
    return f"/conditions/{slug}/" if slug else ""


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    """What changed from ``old`` to ``new``: fields, sections, short answers, references and images."""
    fields = [
        FieldChange(label, diff)
        for label, before, after in (
            ("Name", [old.name], [new.name]),
            ("Public address", [_address(old.slug)], [_address(new.slug)]),
            ("Also called", old.also_called, new.also_called),
            ("Summary", _lines(old.summary), _lines(new.summary)),
            ("Codes", old.codes, new.codes),
        )
        if (diff := diff_paragraphs([p for p in before if p], [p for p in after if p])).changed
    ]
    return Comparison(
        old=old,
        new=new,
        fields=fields,
        sections=_compare_items(old.sections, new.sections, SECTION_KEYS, _section_change),
        short_answers=_compare_items(old.short_answers, new.short_answers, ANSWER_KEYS, _answer_change),
        references=_compare_items(old.references, new.references, REFERENCE_KEYS, _reference_change),
        images=_compare_items(old.images, new.images, IMAGE_KEYS, _image_change),
    )
