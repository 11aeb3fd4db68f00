"""A page's sources: the reference list under a "References", "Sources" or "Bibliography"
heading, and the superscript citation numbers that the copy glued onto the text.

The list's entries (numbered "1.", "[1]", "1 " or not numbered, wrapped over lines or not) become
free-text references for :func:`references.parsing.parse_reference`. A glued marker ("…in older
adults.4", "risk.1,2", "digits2, 3", "risk.3-5") becomes a citation of the numbered reference it
points at, written with a placeholder key (:func:`placeholder`) that :func:`with_keys` turns into
the stored reference's key once the references are written; a marker with no such reference is
removed. Numbers that are the text's own ("1 in 5 adults", "type 2 diabetes", "COVID-19", "3.5")
are never markers: only digits glued right after a word's sentence punctuation, or to a
lowercase word, are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from conditions.content import SectionData

_HEADING = re.compile(
    r"(?:(?:further\s+reading|resources|notes)\s+(?:and|&)\s+)?"
    r"(?:(?:show|selected|article|key)\s+)?(?:references?|sources?|bibliography|works\s+cited|"
    r"literature\s+cited|citations)\s*:?|"
    r"(?:how we reviewed this article|references and further reading)\s*:?",
    re.IGNORECASE,
)
# "1. …", "1) …", "[1] …", or "1 …" before a capital: the number is checked to be the next one.
_NUMBER = re.compile(
    r"\s*(?:\[(?P<bracketed>\d{1,3})\]|(?P<dotted>\d{1,3})[.)]|(?P<bare>\d{1,3})(?=\s+[A-Z]))\s+"
)
_SIGNS = re.compile(
    r"\b(?:19|20)\d{2}\b|https?://|\bwww\.|\bdoi\b|\bPMID\b|\bet al\b|\bAccessed\b|"
    r"^[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?\s[A-Z]{1,3}[,.]",
    re.IGNORECASE,
)
# A line that continues the entry above it, however that one ended.
_CONTINUES = re.compile(
    r"(?:accessed|available|retrieved|published|updated|doi|pmid|pmcid|https?://|www\.)", re.IGNORECASE
)


@dataclass
class ReferenceList:
    """The reference list a page has under its heading."""

    entries: list[str] = field(default_factory=list)
    numbered: bool = False
    lines: set[int] = field(default_factory=set)  # the indexes of its lines, heading included


def is_heading(line: str) -> bool:
    return bool(_HEADING.fullmatch(" ".join(line.split())))


def _number(line: str) -> tuple[int, str] | None:
    match = _NUMBER.match(line)
    if not match:
        return None
    number = match["bracketed"] or match["dotted"] or match["bare"]
    return int(number), line[match.end() :].strip()


def _paragraphs(lines: Sequence[str], start: int) -> list[list[int]]:
    """Paragraphs from ``start`` on, as line indexes, each with the blank lines before it counted."""
    paragraphs: list[list[int]] = []
    current: list[int] = []
    for index in range(start, len(lines)):
        if lines[index].strip():
            current.append(index)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _looks_like_references(lines: Sequence[str], paragraph: list[int]) -> bool:
    return any(_number(lines[i]) or _SIGNS.search(lines[i].strip()) for i in paragraph)


def take_reference_list(
    lines: Sequence[str], *, chrome: Callable[[str], bool] = lambda line: False
) -> ReferenceList | None:
    """The reference list under the last references heading that has one, or None.

    The list runs while its paragraphs look like references (numbered, or with a year, a link,
    "et al", a DOI…); the first paragraph that does not, or that is all ``chrome`` ("© 2024
    …"), ends it and stays page text.
    """
    headings = [index for index, line in enumerate(lines) if is_heading(line)]
    for heading in reversed(headings):
        paragraphs = _paragraphs(lines, heading + 1)
        taken: list[int] = []
        for paragraph in paragraphs:
            if not taken and all(chrome(lines[i]) for i in paragraph):
                continue  # a note on how sources are chosen, between the heading and the list
            if not _looks_like_references(lines, paragraph) or chrome(lines[paragraph[0]]):
                break
            # Chrome right after the last entry ("Advertisement") ends the list too.
            ended = next((n for n, i in enumerate(paragraph) if chrome(lines[i])), None)
            taken += paragraph[:ended]
            if ended is not None:
                break
        if taken:
            found = _entries([lines[index] for index in taken])
            found.lines = {heading, *taken}
            return found
    return None


_BULLET = re.compile(r"[•●▪◦‣∙*-]\s+(?=\S)")


def _entries(texts: list[str]) -> ReferenceList:
    first = _number(texts[0])
    found = ReferenceList(numbered=bool(first and first[0] == 1))
    entries: list[list[str]] = []
    for text in texts:
        text = " ".join(text.split())
        numbered = _number(text) if found.numbered else None
        bullet = _BULLET.match(text)
        if numbered and numbered[0] == len(entries) + 1:
            entries.append([numbered[1]])
        elif bullet and not found.numbered:
            entries.append([text[bullet.end() :]])  # an item of a bulleted list: one entry each
        elif entries and (found.numbered or _continues(entries[-1][-1], text)):
            entries[-1].append(text)
        else:
            entries.append([text])
    found.entries = [_joined(parts) for parts in entries]
    return found


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` is the wrapped rest of the unnumbered entry that ``previous`` ends."""
    if _CONTINUES.match(line) or not line[:1].isupper():
        return True
    return not re.search(r"""[.)\]]["”’]?$|https?://\S+$""", previous)


def _joined(parts: list[str]) -> str:
    text = parts[0]
    for part in parts[1:]:
        # A link or a word broken at a hyphen by the wrap is one word again.
        glue = "" if re.search(r"(?:https?://\S*|\S-)$", text) and not part[:1].isupper() else " "
        text += glue + part
    return text


# --- citation markers ------------------------------------------------------------------------

PLACEHOLDER = "import-ref-"
_MARKS = r"(?P<marks>\d{1,3}(?:\s?[,–-]\s?\d{1,3})*)"
_AFTER = r"(?=[\s\"”’)\]]|$)"
# "adults.4", "risk.1,2", "(see below).3", "said so.”2": after a word's sentence punctuation.
_AFTER_PUNCTUATION = re.compile(r"(?:(?<=[A-Za-z]{2})|(?<=[)\]%]))(?P<mark>[.!?][\"”’)]?)" + _MARKS + _AFTER)
# "risk,2" / "risk;3": after a comma, semicolon or colon: only for a reference the page lists.
_AFTER_COMMA = re.compile(r"(?<=[A-Za-z]{2})(?P<mark>[,;:])" + _MARKS + _AFTER)
# "digits2, 3": glued to a lowercase word of three letters or more: only for a listed reference.
_AFTER_WORD = re.compile(r"(?<![\w\-/.=@#])(?P<word>[a-z]{3,})" + _MARKS + r"(?=[\s.,;:!?\"”’)\]]|$)")


# "older 1, 2." / "irritants in 2, 4.": a list of numbers after a space and before the sentence's
# end, as a PDF's copy leaves superscripts: only two or more, all of them listed references, and
# not after a word that counts things ("stages 1, 2.").
_SPACED = re.compile(r"(?<=[a-z]{2}) (?P<marks>\d{1,3}(?:, ?\d{1,3})+)(?=[.;:](?:\s|$))")
_COUNTED = re.compile(
    r"(?:types?|stages?|grades?|steps?|phases?|levels?|class(?:es)?|days?|weeks?|months?|years?|"
    r"hours?|minutes?|doses?|sizes?|ages?|chapters?|pages?|figures?|tables?|versions?|numbers?|"
    r"items?|questions?|groups?|parts?|points?|scores?|and|or|to|between|from|of|by|than)",
    re.IGNORECASE,
)
# "Fig.2", "No.3": numbers that belong to the abbreviation before them.
_ABBREVIATIONS = set("fig figs no nos vol ch chap sec eq approx ref refs tab pt art ver".split())  # noqa: SIM905


def placeholder(number: int) -> str:
    return f"{PLACEHOLDER}{number}"


def _numbers(marks: str) -> list[int] | None:
    """The reference numbers a marker names ("1,2" -> [1, 2], "3-5" -> [3, 4, 5])."""
    numbers: list[int] = []
    for part in re.split(r"\s?,\s?", marks):
        low, _, high = re.sub(r"\s", "", part).replace("–", "-").partition("-")
        first, last = int(low), int(high or low)
        if not 0 < first <= last or last - first > 20:
            return None
        numbers += range(first, last + 1)
    return numbers


def _cite(numbers: list[int]) -> str:
    return "[" + "; ".join(f"@{placeholder(number)}" for number in numbers) + "]"


def cite_markers(text: str, listed: int, *, markdown: bool = True) -> str:
    """``text`` with its glued citation markers as citations of the page's numbered references
    1…``listed`` (``markdown``), or removed (plain text, or no such reference)."""

    def cited(match: re.Match[str], *, sure: bool) -> str:
        lead = match["mark"] if "mark" in match.groupdict() else match["word"]
        word = re.search(r"(\w+)\W*$", match.string[max(0, match.start("marks") - 12) : match.start("marks")])
        if word and lead == "." and word[1].casefold() in _ABBREVIATIONS:
            return match.group()
        numbers = _numbers(match["marks"])
        known = numbers is not None and listed and max(numbers) <= listed
        if numbers is None or not (known or sure):
            return match.group()
        return lead + (_cite(numbers) if known and markdown else "")

    def spaced(match: re.Match[str]) -> str:
        word = re.search(r"(\w+)$", match.string[max(0, match.start() - 30) : match.start()])
        numbers = _numbers(match["marks"])
        if not numbers or not listed or max(numbers) > listed or (word and _COUNTED.fullmatch(word[1])):
            return match.group()
        return _cite(numbers) if markdown else ""

    text = _SPACED.sub(spaced, text)
    text = _AFTER_PUNCTUATION.sub(lambda match: cited(match, sure=True), text)
    text = _AFTER_COMMA.sub(lambda match: cited(match, sure=False), text)
    return _AFTER_WORD.sub(lambda match: cited(match, sure=False), text)


def cite_in_sections(sections: Sequence[SectionData], listed: int) -> None:
    """Every section body's markers as citations (or removed), in place."""
    for section in sections:
        section.body = cite_markers(section.body, listed)


_PLACEHOLDER = re.compile(rf"@{PLACEHOLDER}(\d+)\b")


def with_keys(sections: Sequence[SectionData], keys: Sequence[str]) -> list[SectionData]:
    """Copies of ``sections`` whose placeholder citations name the stored references' keys."""

    def key(match: re.Match[str]) -> str:
        number = int(match[1])
        return f"@{keys[number - 1]}" if 0 < number <= len(keys) else match.group()

    return [
        replace(section, body=_PLACEHOLDER.sub(key, section.body)) if PLACEHOLDER in section.body else section
        for section in sections
    ]
