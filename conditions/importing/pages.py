"""A scraped **condition page**: paragraphs separated by blank lines, topics by runs of blank
lines, almost no headings, "•" bullets, a standalone "last updated" date, a numbered reference list
and the site's boilerplate. Sections are recognised by what they say.

:func:`parse_condition_page` is pure: text in, :class:`ImportDocument` out.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from conditions.content import ConditionData, SectionData
from conditions.models import Section
from medsite.textfiles import ImportProblem
from references.parsing import parse_date, parse_reference

from .cleanup import clean_page
from .documents import PAGE, ImportDocument
from .sources import cite_in_sections, cite_markers
from .text import escape_block, escape_inline, infer_name, joined, normalise, sentences

Kind = Section.Kind


# --- condition pages: paragraphs, lists and back matter --------------------------------------

_BULLET = re.compile(r"(?P<indent>\s*)[•●▪◦‣∙*-]\s+(?P<text>\S.*)")
_NUMBERED = re.compile(r"\s*(?P<number>\d{1,3})[.)]\s+(?P<text>\S.*)")
_LEAD = re.compile(r"(?P<lead>[^.?!:]{2,60}[.:])\s+(?P<rest>\S.*)")
_DATE_LINE = re.compile(r"(?:(?:last\s+)?(?:updated|reviewed|modified)\s*:?\s*)?(?P<date>.+)", re.IGNORECASE)
# Site chrome around scraped text: appeals, adverts, newsletters, buttons. Phrased generally so
# that other sites' wording is caught too, yet not words a medical text uses for itself.
_BOILERPLATE = re.compile(
    r"\b(?:your (?:donation|gift|generous support)|donate (?:now|today)|make a (?:donation|gift)|"
    r"give today|advertis(?:ement|ing)|sponsored content|newsletters?|subscribe\b|sign up for|"
    r"not-for-profit mission|does not endorse|cookie(?:s| policy)|privacy policy|all rights reserved)",
    re.IGNORECASE,
)
_CHROME_LINE = re.compile(
    r"(?:advertisement|request an appointment|print|share|show (?:references|transcript)|"
    r"references|sources|related|more information)",
    re.IGNORECASE,
)


@dataclass
class _Item:
    text: str
    continuations: list[str] = field(default_factory=list)


@dataclass
class _List:
    items: list[_Item]
    ordered: bool = False
    indent: int = 0  # of its bullets: a paragraph indented deeper continues the last item


@dataclass
class _Part:
    """A run of paragraphs that will become one section."""

    kind: str | None = None  # known when a heading line named it
    heading: str = ""
    units: list[str | _List] = field(default_factory=list)

    def texts(self) -> list[str]:
        out = []
        for unit in self.units:
            if isinstance(unit, _List):
                out += [" ".join([item.text, *item.continuations]) for item in unit.items]
            else:
                out.append(unit)
        return out


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


def _chrome_flags(block: list[list[str]]) -> list[bool]:
    """Which paragraphs of a block are site chrome.

    A block with an appeal in it is dropped with its short exclamations ("Fuel … research!"),
    which say nothing medical on their own.
    """
    texts = [" ".join(line.strip() for line in para) for para in block]
    flagged = [bool(_BOILERPLATE.search(t)) or bool(_CHROME_LINE.fullmatch(t.rstrip(":"))) for t in texts]
    if any(flagged):
        flagged = [f or (t.endswith("!") and len(t) < 120) for f, t in zip(flagged, texts, strict=True)]
    return flagged


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


def _add_paragraph(part: _Part, lines: list[str]) -> None:
    last = part.units[-1] if part.units else None
    if any(_BULLET.fullmatch(line) for line in lines):
        _add_bullets(part, lines)
    elif isinstance(last, _List) and _indent(lines) > last.indent:
        # An indented paragraph after a bullet continues that bullet's item.
        last.items[-1].continuations.append(joined(lines))
    elif (numbered := _numbered(lines)) is not None:
        items = [_Item(match["text"].strip()) for match in numbered]
        part.units.append(_List(items, ordered=True, indent=_indent(lines)))
    else:
        part.units.append(joined(lines))


def _add_bullets(part: _Part, lines: list[str]) -> None:
    last = part.units[-1] if part.units else None
    bullets = last if isinstance(last, _List) and not last.ordered else None
    intro: list[str] = []
    for line in lines:
        match = _BULLET.fullmatch(line)
        if match:
            if bullets is None:
                if intro:
                    part.units.append(joined(intro))
                bullets = _List([], indent=len(match["indent"]))
                part.units.append(bullets)
            bullets.items.append(_Item(match["text"].strip()))
        elif bullets is not None:
            bullets.items[-1].text += " " + line.strip()  # a wrapped line of the item
        else:
            intro.append(line)


def _indent(lines: list[str]) -> int:
    return min(len(line) - len(line.lstrip()) for line in lines if line.strip())


# --- condition pages: sections by heading or by content --------------------------------------

# Heading lines the scraped text kept (e.g. "When to see a doctor"), by what they announce.
_HEADING_KINDS = [
    (r"^when to (?:see|call|contact|seek|get)\b", Kind.WHEN_TO_SEE_A_DOCTOR),
    (r"^(?:overview|about|what is)\b", Kind.OVERVIEW),
    (r"\brisk factors?\b", Kind.RISK_FACTORS),
    (r"\bsymptoms?\b|^signs\b", Kind.SYMPTOMS),
    (r"\bcauses?\b", Kind.CAUSES),
    (r"\bcomplications?\b", Kind.COMPLICATIONS),
    (r"\bdiagnos|^tests?\b", Kind.DIAGNOSIS),
    (r"\btreatments?\b|\btherap|\bmedications?\b|\bmanagement\b", Kind.TREATMENT),
    (r"\bprevent", Kind.PREVENTION),
    (r"\bliving with\b|\bcoping\b|\blifestyle\b|\bhome remedies\b|\bself-care\b", Kind.LIVING_WITH),
]
# What a section's text says when it is about one topic, strongest signals first.
_CONTENT_KINDS: dict[str, list[str]] = {
    Kind.WHEN_TO_SEE_A_DOCTOR: [
        r"\bsee (?:a|your) (?:doctor|health care (?:provider|professional)|GP)\b",
        r"\bmake an appointment\b",
        r"\bseek (?:immediate |urgent |emergency )?(?:medical )?(?:care|help|attention)\b",
        r"\bcall 911\b|\bemergency (?:number|department|room)\b",
    ],
    Kind.COMPLICATIONS: [r"\bcomplications?\b", r"\bcan (?:\w+ )?lead to\b"],
    Kind.RISK_FACTORS: [r"\brisk factors?\b", r"\bincreases? (?:your|the) risk\b", r"\bmore likely to\b"],
    Kind.CAUSES: [r"\b(?:is|are) (?:\w+ )?caused by\b", r"\bcauses? of\b", r"\bwhat causes\b"],
    Kind.SYMPTOMS: [
        r"\bsigns? and symptoms\b",
        r"\bsymptoms? (?:include|may include|of)\b",
        r"\bsymptoms?\b",
    ],
    Kind.DIAGNOSIS: [r"\bdiagnos\w*", r"\b(?:blood|urine|imaging) tests?\b"],
    Kind.TREATMENT: [
        r"\btreatments?\b",
        r"\btreat(?:ed|ing)?\b",
        r"\btherap(?:y|ies)\b",
        r"\bmedications?\b",
    ],
    Kind.PREVENTION: [r"\bprevent(?:ion|ing|ed|s)?\b", r"\breduce (?:your|the) risk\b"],
    Kind.LIVING_WITH: [r"\bcop(?:e|ing) with\b", r"\bsupport groups?\b", r"\bliving with\b"],
}
# Sections that say what kind of page this is: an opening alone could be any prose.
_MEDICAL_KINDS = set(_CONTENT_KINDS) - {Kind.LIVING_WITH}


def _heading_kind(lines: list[str]) -> str | None:
    """The kind a heading line announces; None when the paragraph is not a heading line."""
    text = joined(lines)
    if len(lines) != 1 or len(text.split()) > 8 or text[-1:] in ".?!:;,":
        return None
    for pattern, kind in _HEADING_KINDS:
        if re.search(pattern, text, re.IGNORECASE):
            return kind
    return None


def _score(kind: str, texts: list[str]) -> int:
    return sum(1 for text in texts for pattern in _CONTENT_KINDS[kind] if re.search(pattern, text, re.I))


def classify(texts: list[str]) -> str:
    """The section kind a run of paragraphs is about.

    The opening paragraph states a section's topic ("… can cause the following
    complications:"); the rest only breaks ties, since later paragraphs mention other topics.
    """
    if not texts:
        return Kind.OTHER
    scores = {kind: (_score(kind, texts[:1]), _score(kind, texts[1:])) for kind in _CONTENT_KINDS}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] > (0, 0) else Kind.OTHER


def _parts(text: str) -> tuple[list[_Part], _BackMatter]:
    """The page's runs of paragraphs, each a section to be, and the dates and references."""
    parts: list[_Part] = []
    back = _BackMatter()
    for block in _blocks(text):
        current = None  # a run of blank lines starts a new topic
        for lines, chrome in zip(block, _chrome_flags(block), strict=True):
            if chrome:
                continue
            if day := date_line(lines):
                back.updated_on = day
            elif (refs := _reference_lines(lines, back.references)) is not None:
                back.references += refs
            elif kind := _heading_kind(lines):
                current = _Part(kind=kind, heading=joined(lines))
                parts.append(current)
            else:
                if current is None:
                    current = _Part()
                    parts.append(current)
                _add_paragraph(current, lines)
    return [part for part in parts if part.units], back


def _list_markdown(items: _List) -> str:
    lines = []
    for number, item in enumerate(items.items, start=1):
        marker = f"{number}." if items.ordered else "-"
        lead = None if items.ordered else _LEAD.fullmatch(item.text)
        if lead and len(lead["lead"].split()) <= 6:
            text = f"**{escape_inline(lead['lead'])}** {escape_inline(lead['rest'])}"
        else:
            text = escape_inline(item.text)
        entry = f"{marker} {text}"
        if item.continuations:
            # Indented four spaces, the paragraph stays inside its list item.
            entry += "".join(f"\n\n    {escape_inline(more)}" for more in item.continuations) + "\n"
        lines.append(entry)
    return "\n".join(lines).rstrip("\n")


def _markdown(part: _Part) -> str:
    return "\n\n".join(
        _list_markdown(unit) if isinstance(unit, _List) else escape_block(unit) for unit in part.units
    )


def _sections(parts: list[_Part]) -> list[SectionData]:
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


def parse_condition_page(
    text: str,
    *,
    source: str,
    title: str | None = None,
    slug: str | None = None,
    repeated: Collection[str] = (),
    first_line: int = 1,
) -> ImportDocument:
    """A scraped condition page -> its sections, summary, source date and references.

    ``repeated``: lines the other files of the import share (boilerplate.repeated_lines);
    ``first_line``: the file's line number of the text's first line, for the report.
    """
    page = clean_page(normalise(text), source=source, repeated=repeated, first_line=first_line)
    parts, back = _parts(page.text)
    opening = parts[0].texts()[0] if parts and parts[0].texts() else ""
    inferred = infer_name(sentences(opening)[0]) if opening else None
    sections = _sections(parts)
    references = page.references + back.references
    updated_on = page.updated_on or back.updated_on
    # Citation numbers point into the page's reference list, in its order, when it has one.
    cite_in_sections(sections, 0 if page.references and back.references else len(references))
    kinds = {section.kind for section in sections} & _MEDICAL_KINDS
    # Evidence that this is a condition page, not other prose: the opening names a condition,
    # the sections are about medical topics, and it has a reference list or a revision date.
    evidence = 2 * bool(inferred) + len(kinds) + bool(references) + bool(updated_on)
    if evidence < 3:
        raise ImportProblem(
            f"{source}: not a format import_condition understands: neither a condition page "
            "(an opening that names the condition, then sections on symptoms, causes and the like) "
            "nor a “Short answer · … · Last updated: DATE” card."
        )
    name = (title or inferred or "").strip()
    if not name:
        raise ImportProblem(
            f"{source}: cannot tell the condition's name from the opening sentence; give it with --title."
        )
    data = ConditionData(
        name=name,
        slug=slug or "",
        summary=cite_markers(_summary(opening), 0, markdown=False),
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
        warnings=page.warnings,
        dropped=page.dropped,
    )
