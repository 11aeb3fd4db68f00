"""What a save changed, in words, for the page's history ("Changed: summary; section “Symptoms”
(text); added short answer “Is it catching?”.").

Worked out from the page's content before and after the save (:class:`PageContent`), never from
which form rows were posted: a row re-saved as it was (a browser's line breaks, an unchanged
position) is not a change, and is not named. Text is compared as a reader would see it, so line
breaks written as "\\r\\n" or spaces at either end do not count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from conditions.compare.matching import Keyer, kept_order, pair
from conditions.pagecontent import AnswerContent, PageContent, SectionContent

# The page's own fields, by how an editor knows them.
FIELDS = {
    "name": "name",
    "slug": "address",
    "also_called": "other names",
    "summary": "summary",
    "codes": "codes",
}
SECTION_PARTS = {"kind": "type", "heading": "heading", "body": "text"}
ANSWER_PARTS = {"question": "question", "answer": "answer", "details": "details"}
# Rows match by id where they kept their name; then by name, as an import that writes the rows
# in order gives a moved section another row's id; then by id alone (a renamed heading).
SECTION_KEYS: tuple[Keyer, ...] = (
    lambda s: (s.id, s.kind, s.heading.strip().casefold()) if s.id is not None else None,
    lambda s: (s.kind, s.heading.strip().casefold()),
    lambda s: s.id,
)
ANSWER_KEYS: tuple[Keyer, ...] = (
    lambda a: (a.id, _one_line(a.question).casefold()) if a.id is not None else None,
    lambda a: _one_line(a.question).casefold(),
    lambda a: a.id,
)

Item = TypeVar("Item", SectionContent, AnswerContent)


def describe_changes(before: PageContent | None, after: PageContent) -> str:
    """One sentence naming each field, section, short answer, listed reference and library image
    that differs between ``before`` and ``after`` (``before`` None: the page was added)."""
    if before is None:
        return _describe_new(after)
    changes = [
        label for name, label in FIELDS.items() if not _same(getattr(before, name), getattr(after, name))
    ]
    changes += _item_changes(
        "section", before.sections, after.sections, SECTION_KEYS, SECTION_PARTS, lambda s: s.display_heading
    )
    changes += _item_changes(
        "short answer",
        before.answers,
        after.answers,
        ANSWER_KEYS,
        ANSWER_PARTS,
        lambda a: _one_line(a.question),
    )
    changes += _listed_changes(before, after)
    changes += _image_changes(before, after)
    if not changes:
        return "Saved with no changes."
    return "Changed: " + "; ".join(changes) + "."


def _describe_new(after: PageContent) -> str:
    parts = []
    if after.sections:
        parts.append(_named("section", [s.display_heading for s in after.sections]))
    if after.answers:
        parts.append(_named("short answer", [_one_line(a.question) for a in after.answers]))
    if after.listed:
        parts.append(_named("listed reference", [_reference_name(after, pk) for pk in after.listed]))
    if images := after.image_keys():
        parts.append(_named("image", images))
    return "Added the page" + (", with " + "; ".join(parts) if parts else "") + "."


def _named(noun: str, names: list[str]) -> str:
    plural = noun if len(names) == 1 else noun + "s"
    return f"{plural} " + ", ".join(f"“{name}”" for name in names)


def _item_changes(
    noun: str,
    old: Sequence[Item],
    new: Sequence[Item],
    keys: Sequence[Keyer],
    parts: dict[str, str],
    name: Callable[[Item], str],
) -> list[str]:
    """Sections or short answers matched by ``keys``: each added, removed, moved or changed (in what)."""
    pairs = pair(old, new, keys)
    in_order = kept_order(pairs)
    matched = set(pairs.values())
    changes = []
    for i, j in sorted(pairs.items(), key=lambda p: p[1]):
        differing = [
            label for part, label in parts.items() if not _same(getattr(old[i], part), getattr(new[j], part))
        ]
        if differing:
            changes.append(f"{noun} “{name(new[j])}” ({', '.join(differing)})")
        if i not in in_order:
            changes.append(f"moved {noun} “{name(new[j])}”")
    changes += [f"added {noun} “{name(item)}”" for j, item in enumerate(new) if j not in matched]
    changes += [f"removed {noun} “{name(item)}”" for i, item in enumerate(old) if i not in pairs]
    return changes


def _listed_changes(before: PageContent, after: PageContent) -> list[str]:
    old, new = list(before.listed), list(after.listed)
    changes = [f"added listed reference “{_reference_name(after, pk)}”" for pk in new if pk not in old]
    changes += [f"removed listed reference “{_reference_name(before, pk)}”" for pk in old if pk not in new]
    kept_old, kept_new = [pk for pk in old if pk in new], [pk for pk in new if pk in old]
    if kept_old != kept_new:
        changes.append("order of the listed references")
    return changes


def _image_changes(before: PageContent, after: PageContent) -> list[str]:
    """Library images the texts started or stopped showing (by key, as the renderer reads them)."""
    old, new = before.image_keys(), after.image_keys()
    changes = [f"added image “{key}”" for key in new if key not in old]
    return changes + [f"removed image “{key}”" for key in old if key not in new]


def _reference_name(content: PageContent, pk: int) -> str:
    reference = content.references.get(pk)
    return reference.key if reference is not None else f"reference {pk}"


def _same(old: str, new: str) -> bool:
    return _as_read(old) == _as_read(new)


def _as_read(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())
