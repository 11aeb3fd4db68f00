"""A scraped **condition page**: paragraphs separated by blank lines, topics by runs of blank
lines, almost no headings, "•" bullets, a standalone "last updated" date, a numbered reference list
and the site's boilerplate. Sections are recognised by what they say.

:func:`parse_condition_page` is pure: text in, :class:`ImportDocument` out.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date

from conditions.content import ConditionData, SectionData
from conditions.models import Section
from medsite.textfiles import ImportProblem
from references.parsing import parse_date, parse_reference

from .cleanup import clean_page
from .documents import PAGE, ImportDocument
from .headings import MEDICAL_KINDS, classify
from .lists import List, list_markdown
from .names import Names, find_names, names_heading, names_under_heading
from .sources import cite_in_sections, cite_markers
from .structure import (
    Line,
    Part,
    SubHeading,
    build_parts,
    first_headings,
    page_lines,
    table_of_contents,
    top_lines,
)
from .text import escape_block, escape_inline, normalise, sentences

Kind = Section.Kind


# --- condition pages: paragraphs, lists and back matter --------------------------------------

_NUMBERED = re.compile(r"\s*(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)")
_DATE_LINE = re.compile(r"(?:(?:last\s+)?(?:updated|reviewed|modified)\s*:?\s*)?(?P<date>.+)", re.IGNORECASE)


@dataclass
class _BackMatter:
    updated_on: date | None = None
    references: list[str] = field(default_factory=list)


def _blocks(text: str) -> list[list[list[str]]]:
    """Blocks (split at runs of blank lines) of paragraphs (split at one blank line) of lines."""
    return [
        [para.split("\n") for para in re.split(r"\n\n+", block) if para.strip()]
        for block in re.split(r"\n\n\n+", text)
        if block.strip()
    ]


def date_line(lines: list[str]) -> date | None:
    """The date a paragraph of one line gives ("Last updated: March 3, 2025"), or None."""
    if len(lines) != 1:
        return None
    match = _DATE_LINE.fullmatch(lines[0].strip())
    return parse_date(match["date"]) if match else None


def _numbered(lines: list[str]) -> list[re.Match[str]] | None:
    """Each line read as an item of a numbered list; None unless every line is one."""
    matches = [match for line in lines if (match := _NUMBERED.fullmatch(line))]
    return matches if len(matches) == len(lines) else None


def _reference_lines(lines: list[str], so_far: list[str]) -> list[str] | None:
    """The references in a paragraph that is (the next part of) a numbered reference list."""
    matches = _numbered(lines)
    if matches is None:
        return None
    numbers = [int(m["number"]) for m in matches]
    if numbers != list(range(len(so_far) + 1, len(so_far) + 1 + len(numbers))):
        return None
    # A numbered list of steps has no years or links; a reference list has them throughout.
    cited = [m["text"] for m in matches if re.search(r"\b(?:19|20)\d{2}\b|https?://", m["text"])]
    return [m["text"] for m in matches] if len(cited) * 2 >= len(matches) else None


# --- condition pages: sections by heading or by content --------------------------------------


def _parts(text: str, levels: Mapping[str, int]) -> tuple[list[Part], _BackMatter, Names]:
    """The page's runs of paragraphs, each a section to be, its names, and its dates and references."""
    back = _BackMatter()
    paragraphs: list[tuple[list[str], bool]] = []
    # Site chrome was taken out already, each line reported (cleanup.clean_page).
    for block in _blocks(text):
        new_block = True  # a run of blank lines may start a new topic
        for lines in block:
            if day := date_line(lines):
                back.updated_on = day
            elif (refs := _reference_lines(lines, back.references)) is not None:
                back.references += refs
            else:
                paragraphs.append((lines, new_block))
                new_block = False
    page, listed = _other_names(page_lines(paragraphs))
    start = top_lines(page)
    # A web page's first marked-up section heading ends its top: a "Key points" box before the
    # first paragraph is the page's, not navigation.
    keys = [" ".join(line.text.split()).casefold() for line in page]
    marked = next((n for n, key in enumerate(keys) if key in levels), start)
    top, rest = page[: min(start, marked)], page[min(start, marked) :]
    everything = "\n".join(line.text for line in page)
    opening = [line.text for line in rest[:3] if not line.text.endswith((":", "?"))][:2]
    names = find_names([line.text for line in top], opening, everything)
    known = {name.casefold() for name in [names.name or "", *names.also_called]}
    names.also_called += [name for name in dict.fromkeys(listed) if name.casefold() not in known]
    skip = {names.name.casefold()} if names.name else set()
    contents, listing = table_of_contents(top, rest)
    # Whatever comes before a table of contents is the site's header (a guide's menu, the title);
    # the first section's heading can only come after it.
    after = top[max(listing) + 1 :] if listing else top
    heads = first_headings(after, None if listing else names.title_line)
    parts = build_parts([*heads, *rest], skip=skip, contents=contents, levels=levels, name=names.name)
    return parts, back, names


def _other_names(lines: list[Line]) -> tuple[list[Line], list[str]]:
    """The page's lines without an "Alternative Names" heading and the names under it, which are
    the condition's other names, not a section."""
    kept: list[Line] = []
    names: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        under = lines[index + 1] if index + 1 < len(lines) else None
        found = names_under_heading(under.text) if under and names_heading(line.text) else []
        if not found:
            kept.append(line)
            index += 1
            continue
        names += found
        index += 2
        # Names may go on over lines of their own, one paragraph.
        while index < len(lines) and lines[index].gap == 0:
            if not (more := names_under_heading(lines[index].text)):
                break
            names += more
            index += 1
    return kept, names


def _markdown(part: Part) -> str:
    return "\n\n".join(
        list_markdown(unit)
        if isinstance(unit, List)
        else f"# {escape_inline(unit.text)}"
        if isinstance(unit, SubHeading)
        else escape_block(unit)
        for unit in part.units
    )


def _sections(parts: list[Part]) -> list[SectionData]:
    sections: list[SectionData] = []
    for index, part in enumerate(parts):
        kind = part.kind or (Kind.OVERVIEW if index == 0 else classify(part.texts()))
        heading = part.heading if part.heading.casefold() != Kind(kind).label.casefold() else ""
        body = _markdown(part)
        previous = sections[-1] if sections else None
        # One topic split by stray blank lines is still one section.
        if previous and not part.heading and kind == previous.kind and kind != Kind.OTHER:
            previous.body += "\n\n" + body
        else:
            sections.append(SectionData(kind=kind, body=body, heading=heading))
    return sections


def _summary(overview: str) -> str:
    """One or two plain sentences from the opening, for search results and cards."""
    picked: list[str] = []
    for sentence in sentences(overview):
        if picked and len(" ".join([*picked, sentence])) > 300:
            break
        picked.append(sentence)
        if len(" ".join(picked)) >= 80:
            break
    return " ".join(picked)


def _defines(names: list[str], sections: list[SectionData]) -> bool:
    """Whether the text says what its condition is ("Vitamin B12 deficiency is a lack of …"), by
    any of its names: a question-and-answer page has no sections by topic, but its answer names
    what it is about."""
    found = [re.escape(name) for name in names if name]
    if not found:
        return False
    naming = re.compile(rf"\b(?:{'|'.join(found)})\s+(?:is|are|occurs|happens|means)\b", re.IGNORECASE)
    return any(naming.search(section.body) for section in sections)


def _not_a_page(source: str, *, named: bool, medical: bool) -> str:
    """Why a text is refused, saying what was missing."""
    if not named and medical:
        return (
            f"{source}: cannot tell the condition's name: the page has no title line and no sentence "
            "that names it (“X is …”, “X occurs when …”). Give the name with --title."
        )
    missing = [] if named else ["no title line or sentence naming a condition (--title gives one)"]
    missing += [] if medical else ["no section on symptoms, causes, diagnosis, treatment or the like"]
    return (
        f"{source}: not a format import_condition understands: as a condition page it has "
        f"{' and '.join(missing) or 'too little'}, and it is not a “Short answer · … · Last updated: "
        "DATE” card."
    )


def parse_condition_page(
    text: str,
    *,
    source: str,
    title: str | None = None,
    slug: str | None = None,
    repeated: Collection[str] = (),
    first_line: int = 1,
    markup_name: str | None = None,
    heading_levels: Mapping[str, int] | None = None,
    whole_markup: bool | None = None,
) -> ImportDocument:
    """A scraped condition page -> its sections, summary, source date and references.

    ``repeated``: lines the other files of the import share (boilerplate.repeated_lines);
    ``first_line``: the file's line number of the text's first line, for the report;
    ``markup_name``: the name a web page's markup gives. Unlike ``title`` (the person's
    ``--title``), it does not make a page with little evidence import; ``heading_levels``: the
    lines a web page's markup makes headings (casefolded text -> level 2 to 6);
    ``whole_markup``: for a web page, whether its markup reaches its end (``</html>``).
    """
    page = clean_page(
        normalise(text), source=source, repeated=repeated, first_line=first_line, whole=whole_markup is True
    )
    if whole_markup is False:
        page.warnings.append(
            "the file looks cut off: the page's markup stops before its end (no </html>); "
            "the end of the page may be missing."
        )
    parts, back, names = _parts(page.text, heading_levels or {})
    opening = next((unit for unit in parts[0].units if isinstance(unit, str)), "") if parts else ""
    sections = _sections(parts)
    references = page.references + back.references
    updated_on = page.updated_on or back.updated_on
    # Citation numbers point into the page's reference list, in its order, when it has one.
    cite_in_sections(sections, 0 if page.references and back.references else len(references))
    kinds = {section.kind for section in sections} & MEDICAL_KINDS
    name = (title or markup_name or names.name or "").strip()
    # Evidence that this is a condition page, not other prose: it names a condition, the
    # sections are about medical topics, and it has a reference list or a revision date.
    defined = _defines([name, *names.also_called], sections)
    evidence = 2 * bool(name) + len(kinds) + bool(references) + bool(updated_on) + defined
    warnings = list(page.warnings)
    if evidence < 3 or not name:
        if not (title and title.strip() and sections):
            raise ImportProblem(_not_a_page(source, named=bool(name), medical=bool(kinds)))
        # The person named the page: it is imported as they asked, with what was not found said.
        warnings.append(
            "low confidence: imported because --title named it; "
            + _not_a_page(source, named=True, medical=bool(kinds)).split(": ", 2)[-1]
        )
    elif not kinds:
        warnings.append(
            "low confidence: no section is about symptoms, causes, diagnosis, treatment or the like; "
            "check that this is a condition page and that its sections were found"
        )
    data = ConditionData(
        name=name,
        slug=slug or "",
        summary=cite_markers(_summary(opening), 0, markdown=False),
        also_called=names.also_called or None,
        source_updated_on=updated_on,
        sections=sections,
    )
    return ImportDocument(
        source=source,
        format=PAGE,
        data=data,
        references=[parse_reference(ref) for ref in references],
        name_hints=[name],
        title_given=bool(title),
        warnings=warnings,
        dropped=page.dropped,
    )
