"""A scraped page's structure: its lines (soft wraps joined) -> the title and navigation at the
top, then runs of paragraphs, lists and sub-headings, each run a section to be.

Headings, list items and paragraphs are told apart by the shape of a line and by what follows
it, in one pass over the lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from conditions.models import Section

from .headings import (
    classify,
    heading_kind,
    heading_kind_naming,
    heading_shape,
    heading_text,
    heads_questions,
    is_question,
)
from .lists import Item, List, bare_item, is_lead_in, marker

Kind = Section.Kind

_TERMINAL = ".!?:;"


@dataclass
class Line:
    """One logical line: a heading, a list item or a paragraph."""

    text: str  # without its indent
    indent: int
    gap: int  # blank lines before it: 0, 1, or 2 for a run (a new block)


@dataclass
class SubHeading:
    text: str


Unit = str | List | SubHeading


@dataclass
class Part:
    """A run of paragraphs that will become one section."""

    kind: str | None = None  # known when a heading named it
    heading: str = ""
    units: list[Unit] = field(default_factory=list)

    def texts(self) -> list[str]:
        out = []
        for unit in self.units:
            if isinstance(unit, List):
                out += [" ".join([item.text, *item.continuations]) for item in unit.items]
            elif isinstance(unit, SubHeading):
                out.append(unit.text)
            else:
                out.append(unit)
        return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _hard_wrapped(lines: list[str]) -> int:
    """The width a paragraph's lines are wrapped at (text from a PDF or an e-mail), or 0."""
    lengths = [len(line.strip()) for line in lines]
    width = max(lengths, default=0)
    if len(lines) < 2 or not 40 <= width <= 110:
        return 0
    full = sum(1 for length in lengths[:-1] if length >= 0.7 * width)
    return width if full * 2 >= len(lengths) - 1 else 0


def _continues(previous: str, line: str, width: int, item_indent: int | None) -> bool:
    """Whether ``line`` is a soft-wrapped continuation of ``previous`` in one paragraph."""
    text, before = line.strip(), previous.rstrip()
    if marker(line):
        return False
    if item_indent is not None and _indent(line) > item_indent:
        return True  # aligned under a list item's text
    if before[-1:] in _TERMINAL:
        return False
    if before.endswith("-") and before[-2:-1].isalpha() and text[:1].islower():
        return True  # a word broken at a hyphen
    if width and len(before.strip()) >= 0.7 * width:
        return True
    # A sentence going on in lower case, unless both lines are short: items of a bare list.
    return text[:1].islower() and (item_indent is not None or max(len(before.strip()), len(text)) >= 50)


def logical_lines(lines: list[str], *, after_lead_in: bool = False) -> list[tuple[int, str]]:
    """A paragraph's lines (indent, text) with soft wraps joined: each one a heading, a list item
    or a paragraph. A line broken at a hyphen is joined without it.

    After a lead-in ("They may include"), short lines without a closing stop are the items it
    announces, not a sentence wrapped: lines of a like length look wrapped at a width.
    """
    listing = after_lead_in and all(_short_fragment(line) for line in lines if line.strip())
    width = 0 if listing else _hard_wrapped(lines)
    out: list[tuple[int, str]] = []
    item_indent: int | None = None
    bare = after_lead_in  # the line before is a lead-in or an item of the list it announces
    previous = ""  # the line before, as broken: a soft wrap is told from it, not from the join
    for line in lines:
        if not line.strip():
            continue
        after, previous = previous, line
        an_item_before = bare and _short_fragment(after) and not _runs_on(after)
        if out and not an_item_before and _continues(after, line, width, item_indent):
            indent, before = out[-1]
            if before.endswith("-") and before[-2:-1].isalpha() and line.strip()[:1].islower():
                out[-1] = (indent, before[:-1] + line.strip())
            else:
                out[-1] = (indent, before + " " + line.strip())
            continue
        found = marker(line)
        item_indent = found.indent if found else None
        out.append((_indent(line), line.strip()))
        bare = not found and (is_lead_in(line) or (bare and _short_fragment(line)))
    return out


def _short_fragment(text: str) -> bool:
    """A line that could be an item of a bare list: a fragment without a closing stop, longer
    when it goes on in lower case (a sentence would start with a capital)."""
    words = len(text.split())
    return (words <= 15 or (text[:1].islower() and words <= 30)) and text.rstrip()[-1:] not in ".!?"


# Words a line broken mid-sentence ends with: what follows them is on the next line.
_RUNS_ON = re.compile(r"(?:,|\b(?:and|or|but|of|the|a|an|to|in|on|with|for|from|by|at|as|that|which))$", re.I)


def _runs_on(text: str) -> bool:
    return bool(_RUNS_ON.search(text.rstrip()))


@dataclass
class _Builder:
    """Builds the parts line by line, remembering the open list and what announced it."""

    topics_by_blocks: bool
    skip: set[str]
    parts: list[Part] = field(default_factory=list)
    current: Part | None = None
    open_list: List | None = None
    lead_in: bool = False

    def part(self) -> Part:
        if self.current is None:
            self.current = Part()
            self.parts.append(self.current)
        return self.current

    def close_list(self) -> None:
        self.open_list, self.lead_in = None, False

    def add_item(self, text: str, *, indent: int, ordered: bool, bare: bool = False) -> None:
        part = self.part()
        listed = self.open_list
        if listed is None or listed.ordered != ordered or part.units[-1:] != [listed]:
            listed = List([], ordered=ordered, indent=indent, bare=bare)
            part.units.append(listed)
            self.open_list = listed
        listed.items.append(Item(text))

    def add_text(self, text: str) -> None:
        self.part().units.append(text)
        self.open_list = None
        self.lead_in = is_lead_in(text)

    def heading(self, text: str, kind: str | None, *, about: str | None = None) -> None:
        """A heading: a new part, the heading of a part that has no text yet, or a sub-heading.

        ``about``: for a heading that names no kind, what the text under it is about; on
        another topic than the section it is in, it starts a section rather than a sub-heading.
        """
        self.close_list()
        shown = heading_text(text)
        current = self.current
        if current is not None and heads_questions(current.heading) and is_question(text):
            current.units.append(SubHeading(shown))  # a question of a "Common questions" section
            return
        if current is not None and not current.units:
            if kind or is_question(text) or not current.heading:
                current.heading, current.kind = shown, kind or current.kind
            else:
                current.units.append(SubHeading(shown))
            return
        own = (
            None if current is None else current.kind or (Kind.OVERVIEW if current is self.parts[0] else None)
        )
        # Text on no known topic under it tells nothing: it stays a sub-heading. A question after
        # a question is the page's next section ("What is gout?", "How common is gout?").
        same = kind == own if kind else about in (None, own, Kind.OTHER)
        same = same and not (is_question(text) and is_question(current.heading if current else ""))
        # A heading naming no kind after a sub-heading is its sibling ("Medications",
        # "Cardioversion"), whatever its few lines happen to mention.
        if not kind and not is_question(text) and current is not None:
            same = same or any(isinstance(unit, SubHeading) for unit in current.units)
        if current is not None and (current.heading or current.kind) and same:
            current.units.append(SubHeading(shown))
            return
        self.current = Part(kind=kind, heading=shown)
        self.parts.append(self.current)

    def section(self, text: str, kind: str | None) -> None:
        """A heading the page's table of contents lists: always a section of its own."""
        self.close_list()
        current = self.current
        if current is not None and not current.units:
            current.heading, current.kind = heading_text(text), kind or current.kind
            return
        self.current = Part(kind=kind, heading=heading_text(text))
        self.parts.append(self.current)

    def lead_in_section(self, text: str) -> None:
        """ "See a GP if:" inside a section on another topic (an advice box) starts a section."""
        current = self.current
        kind = heading_kind(text.rstrip(":").rstrip())
        opens = current is None or (bool(current.units) and kind != current.kind)
        if kind == Kind.WHEN_TO_SEE_A_DOCTOR and opens:
            self.current = Part(kind=kind)
            self.parts.append(self.current)
        self.add_text(text)


def _is_heading(
    lines: list[Line], index: int, headed: bool, after_list: bool, name: str | None = None
) -> str | None:
    """ "kind", "plain" (a heading that names no kind) or None for a line that is no heading."""
    line = lines[index]
    if not heading_shape(line.text):
        return None
    following = lines[index + 1] if index + 1 < len(lines) else None
    if following is None:
        return None
    if heading_kind_naming(line.text, name) or is_question(line.text):
        return "kind"
    # A short line that names no topic is a heading only on a page that has headings, before
    # text, and not straight after a list (where it is an image's alt text or caption).
    # Straight above a paragraph, a line after a list heads it: a caption stands apart.
    caption = after_list and line.gap < 2 and not (following.gap == 0 and _prose(following.text))
    if not headed or caption or following.gap > 1:
        return None
    if heading_shape(following.text) and not marker(" " * following.indent + following.text):
        return None
    return "plain"


def _about(lines: list[Line], start: int) -> str:
    """What the few lines of text from ``start`` on are about, up to the next heading."""
    texts: list[str] = []
    for line in lines[start : start + 4]:
        if heading_shape(line.text) and texts:
            break
        texts.append(line.text)
    return classify(texts)


def _strong_headings(lines: list[Line], name: str | None = None) -> int:
    return sum(
        1
        for index, line in enumerate(lines[:-1])
        if heading_shape(line.text) and (heading_kind_naming(line.text, name) or is_question(line.text))
    )


def build_parts(
    lines: list[Line],
    *,
    skip: set[str] | None = None,
    contents: set[str] | None = None,
    levels: Mapping[str, int] | None = None,
    name: str | None = None,
) -> list[Part]:
    """The runs of paragraphs of a page's lines (the title and navigation already taken off).

    ``contents``: the headings the page's own table of contents lists (casefolded). They open
    sections; on such a page, a heading it does not list is a sub-heading of the section it is
    in, unless it is a question (pages that list topics head their sections with questions) or
    heads a part on no one topic (common questions, research, a closing note).

    ``levels``: the headings a web page's markup gives (casefolded text -> level): they are
    headings whatever their shape, a level-2 one opens a section and a deeper one naming no
    topic is a sub-heading. ``name``: the condition's name; on a page without markup, a
    heading naming it ("A pharmacist can help with hay fever") opens a section.
    """
    contents = contents or set()
    levels = levels or {}
    naming = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE) if name else None

    def kind_of(text: str) -> str | None:
        return heading_kind_naming(text, name)

    section_gap = min((line.gap for line in lines if kind_of(line.text) or is_question(line.text)), default=1)
    strong = _strong_headings(lines, name)
    blocks = sum(1 for line in lines if line.gap >= 2)
    # A page of untitled topics parted by runs of blank lines (seed 000) starts a topic at each
    # run; a page with more headings than runs has its runs where a copy happened to put them.
    build = _Builder(topics_by_blocks=blocks >= strong, skip=skip or set())
    headed = strong >= 2
    for index, line in enumerate(lines):
        if line.text.casefold() in build.skip:
            continue  # an image's alt text: the page's name alone on a line
        if line.gap >= 2 and build.topics_by_blocks:
            build.current = None
            build.close_list()
        listed = build.open_list
        found = marker(" " * line.indent + line.text)
        if found:
            build.add_item(found.text, indent=found.indent, ordered=found.ordered)
            build.lead_in = False
            continue
        if listed is not None and not listed.bare and line.indent > listed.indent and line.gap >= 1:
            listed.items[-1].continuations.append(line.text)  # an indented paragraph under an item
            continue
        key = " ".join(line.text.split()).casefold()
        level = levels.get(key)
        role = _is_heading(lines, index, headed, after_list=listed is not None, name=name)
        if level is not None and not line.text.endswith(":"):
            role = "kind" if kind_of(line.text) or is_question(line.text) else "plain"
        if (heading_shape(line.text) and key in contents) or (level == 2 and role == "plain"):
            build.section(line.text, kind_of(line.text))
            continue
        # A deeper heading is a part of its section, unless it is the advice on when to get help
        # that some publishers put under "Symptoms".
        deeper = level is not None and level > 2 and kind_of(line.text) != Kind.WHEN_TO_SEE_A_DOCTOR
        if deeper and role and build.current is not None and not heads_questions(line.text):
            build.close_list()
            build.part().units.append(SubHeading(heading_text(line.text)))
            continue
        markup = bool(levels or contents)  # the page says which headings open sections
        named = role == "plain" and not markup and naming is not None and naming.search(line.text)
        if named and line.gap >= section_gap and build.current is not None:
            build.section(line.text, None)
            continue
        closing = kind_of(line.text) == Kind.OTHER  # questions, research, a closing note
        if role and contents and not (is_question(line.text) or closing) and build.current is not None:
            build.close_list()
            build.part().units.append(SubHeading(heading_text(line.text)))
            continue
        if role == "kind":
            build.heading(line.text, kind_of(line.text))
            continue
        # A lead-in's list may start after a blank line; a blank line between bare items ends it
        # (a caption or the text after the list).
        bare_next = listed is not None and listed.bare and line.gap == 0
        if (bare_next or (build.lead_in and listed is None and line.gap <= 1)) and bare_item(line.text):
            build.add_item(line.text, indent=line.indent, ordered=False, bare=True)
            build.lead_in = True
            continue
        if role == "plain":
            build.heading(line.text, None, about=_about(lines, index + 1))
        elif line.text.endswith(":") and heading_shape(line.text[:-1]):
            build.lead_in_section(line.text)
        else:
            build.add_text(line.text)
    return [part for part in build.parts if part.units]


def page_lines(paragraphs: list[tuple[list[str], bool]]) -> list[Line]:
    """Logical lines of the page's paragraphs, each paragraph with whether it starts a block."""
    out: list[Line] = []
    for lines, new_block in paragraphs:
        after_lead_in = bool(out) and is_lead_in(out[-1].text)
        for number, (indent, text) in enumerate(logical_lines(lines, after_lead_in=after_lead_in)):
            gap = 0 if number else 2 if new_block else 1
            out.append(Line(text, indent, gap))
    if out:
        out[0].gap = 2
    return out


def _prose(text: str) -> bool:
    """A line of running text: a sentence or more, not a heading, an item or a line of links."""
    if heading_shape(text) or marker(text):
        return False
    if len(re.findall(r"\s[|›»·]\s", text)) >= 2:
        return False  # a row of links: "Home | Diseases & Conditions | Drugs & Supplements | …"
    words = len(text.split())
    return words >= 15 or (words >= 6 and text[-1:] in ".!?:")


def top_lines(lines: list[Line]) -> int:
    """How many lines at the top come before the first paragraph: title, navigation, calls to
    action, the first heading."""
    for count, line in enumerate(lines):
        if _prose(line.text):
            return count
    return 0


_CONTENTS = re.compile(
    r"(?:table of )?contents|on this page|in this (?:article|page|topic)|jump to(?: a)? section|sections",
    re.IGNORECASE,
)


def table_of_contents(top: list[Line], rest: list[Line]) -> tuple[set[str], set[int]]:
    """The headings a table of contents at the top lists ("Contents" and the lines of its
    paragraph), when at least two of them head the text below; and the indexes of ``top`` it
    takes up."""
    for index, line in enumerate(top):
        if not _CONTENTS.fullmatch(line.text.strip().rstrip(":").strip()):
            continue
        entries = [index]
        for following in range(index + 1, len(top)):
            if top[following].gap > 0 or not heading_shape(top[following].text):
                break
            entries.append(following)
        listed = {" ".join(top[i].text.split()).casefold() for i in entries[1:]}
        below = {" ".join(line.text.split()).casefold() for line in rest}
        if len(listed & below) >= 2:
            return listed, set(entries)
    return set(), set()


def first_headings(top: list[Line], title_line: int | None) -> list[Line]:
    """The lines at the top that head the first section: the last ones naming a kind or asking a
    question, after the title. Navigation and calls to action before them are dropped."""
    start = 0 if title_line is None else title_line + 1
    kept: list[Line] = []
    for line in top[start:]:
        if heading_kind(line.text) or is_question(line.text):
            kept.append(line)
        else:
            kept = []
    return kept
