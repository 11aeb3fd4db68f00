"""Importing condition pages from plain text: the two formats of the seed documents.

* A scraped **condition page**: paragraphs separated by blank lines, topics by runs of blank
  lines, almost no headings, "•" bullets, a standalone "last updated" date, a numbered reference
  list and the site's boilerplate. Sections are recognised by what they say.
* A **short-answer card**: a "Short answer · … · Last updated: DATE" header line, then one
  paragraph per line.

:func:`load_documents` reads every file and parses it with :func:`parse_document`, which is pure
(text in, :class:`ImportDocument` out). :func:`write_documents` then writes every document
through ``content.write_condition`` in one transaction, so one bad file writes nothing.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from conditions import workflow
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.models import Condition, Section, system_user
from medsite.validators import CONTROL_CHARACTERS, describe
from references.models import Reference
from references.parsing import base_key, parse_date, parse_reference, unique_key

Kind = Section.Kind
PAGE, CARD = "condition page", "short-answer card"


class ImportProblem(Exception):
    """A file could not be imported; the message names the file and says why."""


@dataclass
class ImportDocument:
    """One parsed file: what it would write, before anything is looked up in the database."""

    source: str
    format: str
    data: ConditionData
    references: list[dict] | None = None  # parse_reference() results, in the page's order
    name_hints: list[str] = field(default_factory=list)  # names the text gives its condition
    title_given: bool = False


@dataclass
class ImportResult:
    source: str
    data: ConditionData  # as written: aimed at its condition, with the references' keys
    condition: Condition
    created: bool
    changed: bool

    def message(self, *, dry_run: bool = False) -> str:
        state = "created" if self.created else "updated" if self.changed else "unchanged"
        data, parts = self.data, [state]
        if data.sections is not None:
            parts.append(_count(len(data.sections), "section"))
        if data.reference_keys is not None:
            parts.append(_count(len(data.reference_keys), "reference"))
        if data.short_answers is not None:
            parts.append(_count(len(data.short_answers), "short answer"))
        verb = "Would import" if dry_run else "Imported"
        return f"{verb} “{self.condition.name}” ({', '.join(parts)}) from {self.source}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


# --- reading ---------------------------------------------------------------------------------


# The largest file an import reads whole. A reference manager's export of a big library is a few
# megabytes and a condition page a few kilobytes; anything near this is not what the user meant.
MAX_FILE_BYTES = 20 * 1024 * 1024


def open_file(path: Path) -> BinaryIO:
    """``path`` opened to read bytes; raises ImportProblem for a missing, directory or unreadable path."""
    if not path.exists():
        raise ImportProblem(f"{path}: no such file.")
    if path.is_dir():
        raise ImportProblem(f"{path}: is a directory, not a text file.")
    try:
        return path.open("rb")
    except OSError as exc:
        raise ImportProblem(f"{path}: cannot be read ({exc.strerror or exc}).") from exc


def refuse_binary(raw: bytes, *, where: str) -> None:
    """Raise ImportProblem naming ``where`` if ``raw`` (a file, or its first block) is UTF-16 text
    or binary data: neither is UTF-8 text, and both hold NUL bytes."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportProblem(f"{where}: is UTF-16 text, not UTF-8: save it as UTF-8 and try again.")
    if b"\x00" in raw:
        raise ImportProblem(
            f"{where}: is a binary file or UTF-16 text, not UTF-8 text (it contains NUL bytes)."
        )


def decode_text(raw: bytes, *, where: str, first_line: int = 1) -> str:
    """``raw`` as UTF-8 text; raises ImportProblem naming ``where`` (and the line, counting from
    ``first_line``) for binary data or text in another encoding."""
    refuse_binary(raw, where=where)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = first_line + raw.count(b"\n", 0, exc.start)
        raise ImportProblem(
            f"{where}: is not UTF-8 text (line {line} has the byte 0x{raw[exc.start]:02x}, which is not "
            "UTF-8; the file may be Latin-1 or Windows-1252): save it as UTF-8 and try again."
        ) from exc


def read_text(path: Path) -> str:
    """The text of ``path``; raises ImportProblem for a missing, unreadable, oversized, binary,
    non-UTF-8 or empty file."""
    with open_file(path) as file:
        # Refused by its size before it is read; the bounded read also stops a file that grows,
        # or a device that never ends, from being read into memory.
        size = os.fstat(file.fileno()).st_size
        raw = b"" if size > MAX_FILE_BYTES else file.read(MAX_FILE_BYTES + 1)
    if max(size, len(raw)) > MAX_FILE_BYTES:
        # A device or pipe has no size, only more bytes than the limit.
        how_big = _size(size) if size > MAX_FILE_BYTES else "more than that"
        raise ImportProblem(
            f"{path}: is too large to import (the limit is {_size(MAX_FILE_BYTES)}; it is {how_big}): "
            "split it into smaller files."
        )
    text = decode_text(raw, where=str(path))
    if not text.strip():
        raise ImportProblem(f"{path}: is empty.")
    return text


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 else f"{count} bytes"


def load_documents(
    paths: Iterable[str | Path], *, title: str | None = None, slug: str | None = None
) -> list[ImportDocument]:
    """Read and parse every file; raises one ImportProblem listing every file that failed."""
    if slug is not None and not re.fullmatch(r"[-a-z0-9_]+", slug):
        raise ImportProblem(f"--slug “{slug}” is not a slug: use lowercase letters, digits and hyphens.")
    if title is not None and not 0 < len(title.strip()) <= Condition._meta.get_field("name").max_length:
        raise ImportProblem("--title must be given as 1 to 200 characters.")
    if title is not None and CONTROL_CHARACTERS.search(title):
        raise ImportProblem(
            "--title must be one line, without line breaks, tabs or other control characters."
        )
    documents, problems = [], []
    for path in map(Path, paths):
        try:
            text = read_text(path)
            refuse_control_characters(text, path)
            refuse_cut_short(text, path)
            documents.append(parse_document(text, source=path.name, title=title, slug=slug))
        except ImportProblem as exc:
            problems.append(str(exc))
    if problems:
        raise ImportProblem("\n".join(problems))
    return documents


# Control characters that are not white space: no text means them (a terminal's escape sequence,
# stray bytes of a binary file). The white space ones (tab, form feed, the Unicode line and
# paragraph separators) are read as spaces and line breaks by normalise().
_NOT_TEXT = re.compile(r"[\x01-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def refuse_control_characters(text: str, path: Path) -> None:
    """Raise ImportProblem naming the first line of ``text`` that holds a control character which
    is not white space: it would reach the page invisibly, or break what a name is copied into."""
    found = list(_NOT_TEXT.finditer(text))
    if not found:
        return
    lines = sorted({text.count("\n", 0, match.start()) + 1 for match in found})
    more = f" (and {len(lines) - 1} more lines do)" if len(lines) > 1 else ""
    raise ImportProblem(
        f"{path}: line {lines[0]} holds {describe(found[0].group())}, which is not text{more}: "
        "remove it and import again."
    )


# How a complete text's last line ends: a sentence, a bracket or quote, a date or a link. The link
# is tried once per word, from its first "http": from each "http" in turn, a long word of them was
# rescanned to its end each time (quadratic).
_COMPLETE_ENDING = re.compile(r"""[.!?:;)\]}"”’'*…]$|(?<!\S)(?>\S*?https?://)\S++$""")


def refuse_cut_short(text: str, path: Path) -> None:
    """Raise ImportProblem if ``text`` stops mid-sentence with no final line break: a copy or
    download cut short, which would otherwise become a page with its end missing."""
    if text.endswith(("\n", "\r")):
        return
    last = text.rsplit("\n", 1)[-1].strip()
    if not last or _COMPLETE_ENDING.search(last) or _date_line([last]):
        return
    raise ImportProblem(
        f"{path}: ends in the middle of a sentence (“…{last[-40:]}”) without a final line break: the "
        "file looks cut short. If it is complete, end it with a line break and import it again."
    )


def normalise(text: str) -> str:
    """Unix newlines, no tabs or no-break spaces, no trailing spaces: what the parsers expect.

    Every line break Unicode knows (CR, CR LF, form feed, the line and paragraph separators) is
    read as one, so none reaches a name or a paragraph.
    """
    text = "\n".join(text.splitlines()).replace("\t", "    ").replace("\x1f", " ")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


_CARD_HEADER = re.compile(r"Short answer\s*·.*", re.IGNORECASE)


def is_short_answer_card(text: str) -> bool:
    first_line = normalise(text).lstrip().split("\n", 1)[0].strip()
    return bool(_CARD_HEADER.fullmatch(first_line))


def parse_document(
    text: str, *, source: str, title: str | None = None, slug: str | None = None
) -> ImportDocument:
    """Parse one file's text in whichever format it is in; raises ImportProblem if neither."""
    text = normalise(text)
    if is_short_answer_card(text):
        return parse_short_answer_card(text, source=source, title=title, slug=slug)
    return parse_condition_page(text, source=source, title=title, slug=slug)


# --- shared text helpers ---------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[\"“(]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


_MEDICAL_NOUNS = (
    r"condition|disease|disorder|syndrome|infection|cancer|tumou?r|illness|injury|inflammation|"
    r"deficiency|malformation|complication|reaction|infestation|allergy|lesion|defect|type of"
)
# "X occurs when …", "X is a rare condition …", "X refers to …": the sentence that names the page.
# Written so that a run of spaces is crossed once: the name never ends in a space, one space
# pattern at a time (not "\s*,?\s+"), and none gives back what it took (before, one sentence
# with 3,000 spaces in it took 47 s).
_NAMING = re.compile(
    r"(?:(?:an?|the)\s+)?(?P<name>[A-Z0-9][^.;:!?,()]{0,80}?)(?<!\s)(?:\s*\([^)]{1,80}\))?(?:\s*,)?\s+"
    r"(?:(?:occurs?|happens?|develops?|starts?|begins?)\s+(?:when|if|because)\b"
    rf"|(?:is|are)\s++(?:an?\s++|the\s++|one\s++)?[^.]*?\b(?:{_MEDICAL_NOUNS})\b"
    r"|refers\s+to\b|(?:is|are)\s+caused\s+by\b|(?:is|are)\s+characteri[sz]ed\s+by\b)",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(r"(?:it|this|that|these|there|they|you|your|we|our|my|he|she|his|her)\b", re.I)


def infer_name(sentence: str) -> str | None:
    """The condition a sentence like "Carcinoid syndrome occurs when …" names, or None."""
    match = _NAMING.match(sentence.strip())
    if not match:
        return None
    name = " ".join(match["name"].split())
    if _NOT_A_NAME.match(name) or len(name.split()) > 8:
        return None
    return name[:1].upper() + name[1:]


_MD_INLINE = re.compile(r"([\\`*_\[\]])")
# "<" may open a tag, a comment or an autolink, "&" an entity such as "&lt;": in plain text they
# are the characters themselves ("<120 mm Hg & >75 years"), so they are written as entities.
_MD_HTML = re.compile(r"<|&(?=#?[0-9A-Za-z]+;)")


def escape_inline(text: str) -> str:
    """Plain text made literal inside Markdown (emphasis, links, code, ``[@key]`` and HTML characters)."""
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_HTML.sub(lambda match: "&lt;" if match.group() == "<" else "&amp;", text)


def escape_block(text: str) -> str:
    """Plain text as a Markdown paragraph: also not read as a heading, quote or list."""
    text = escape_inline(text)
    match = re.match(r"(\d+)([.)])(\s)", text)
    if match:
        return f"{match[1]}\\{match[2]}{text[len(match[1]) + 1 :]}"
    return "\\" + text if text[:1] in "#>+-" else text


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


def _date_line(lines: list[str]) -> date | None:
    if len(lines) != 1:
        return None
    match = _DATE_LINE.fullmatch(lines[0].strip())
    return parse_date(match["date"]) if match else None


def _reference_lines(lines: list[str], so_far: list[str]) -> list[str] | None:
    """The references in a paragraph that is (the next part of) a numbered reference list."""
    matches = [_NUMBERED.fullmatch(line) for line in lines]
    if not all(matches):
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
        last.items[-1].continuations.append(_joined(lines))
    elif all(_NUMBERED.fullmatch(line) for line in lines):
        items = [_Item(_NUMBERED.fullmatch(line)["text"].strip()) for line in lines]
        part.units.append(_List(items, ordered=True, indent=_indent(lines)))
    else:
        part.units.append(_joined(lines))


def _add_bullets(part: _Part, lines: list[str]) -> None:
    last = part.units[-1] if part.units else None
    bullets = last if isinstance(last, _List) and not last.ordered else None
    intro: list[str] = []
    for line in lines:
        match = _BULLET.fullmatch(line)
        if match:
            if bullets is None:
                if intro:
                    part.units.append(_joined(intro))
                bullets = _List([], indent=len(match["indent"]))
                part.units.append(bullets)
            bullets.items.append(_Item(match["text"].strip()))
        elif bullets is not None:
            bullets.items[-1].text += " " + line.strip()  # a wrapped line of the item
        else:
            intro.append(line)


def _indent(lines: list[str]) -> int:
    return min(len(line) - len(line.lstrip()) for line in lines if line.strip())


def _joined(lines: list[str]) -> str:
    return " ".join(line.strip() for line in lines if line.strip())


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
_CONTENT_KINDS = {
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
    text = _joined(lines)
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
            if day := _date_line(lines):
                back.updated_on = day
            elif (refs := _reference_lines(lines, back.references)) is not None:
                back.references += refs
            elif kind := _heading_kind(lines):
                current = _Part(kind=kind, heading=_joined(lines))
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
    text: str, *, source: str, title: str | None = None, slug: str | None = None
) -> ImportDocument:
    """A scraped condition page -> its sections, summary, source date and references."""
    parts, back = _parts(normalise(text))
    opening = parts[0].texts()[0] if parts and parts[0].texts() else ""
    inferred = infer_name(sentences(opening)[0]) if opening else None
    sections = _sections(parts)
    kinds = {section.kind for section in sections} & _MEDICAL_KINDS
    # Evidence that this is a condition page, not other prose: the opening names a condition,
    # the sections are about medical topics, and it has a reference list or a revision date.
    evidence = 2 * bool(inferred) + len(kinds) + bool(back.references) + bool(back.updated_on)
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
        summary=_summary(opening),
        source_updated_on=back.updated_on,
        sections=sections,
    )
    return ImportDocument(
        source=source,
        format=PAGE,
        data=data,
        references=[parse_reference(ref) for ref in back.references],
        name_hints=[name],
        title_given=bool(title),
    )


# --- short-answer cards ----------------------------------------------------------------------

_LAST_UPDATED = re.compile(r"Last updated:?\s*(?P<date>[^·|]+)$", re.IGNORECASE)
_QUESTION = re.compile(r"(?:What|Why|How|When|Who|Which|Can|Could|Is|Are|Does|Do|Should|Will)\b[^?]{1,250}\?")
_ASKED_ABOUT = re.compile(
    r"What (?:triggers|causes|is|are)\s+(?P<name>[^?]+?)(?:\s+(?:caused by|like|treated))?\?", re.I
)
# The card's crowd lines ("12 people with X have shared …", "… community members are sharing …"):
# not reviewed medical content, so they are not imported.
_COMMUNITY = re.compile(r"\bcommunity members?\b|\bfirst-person experiences?\b", re.IGNORECASE)
# A count of people: from the start of the number, once per number (from each digit of "1,1,1…"
# it was rescanned to its end); "shar…" is looked for once a line, not once a count.
_CROWD = re.compile(
    r"(?<![\d,])(?>[\d,]*?\b\d)[\d,]*+\s+(?:people|persons|patients|members|users)\b", re.IGNORECASE
)
_SHARING = re.compile(r"\bshar(?:e|ed|ing)\b", re.IGNORECASE)


def _is_crowd_line(sentence: str) -> bool:
    """A count of people followed, on its line, by "share…", or a mention of the community."""
    if _COMMUNITY.search(sentence):
        return True
    searched_to = position = 0
    while crowd := _CROWD.search(sentence, position):
        position = crowd.end()
        if position >= searched_to:  # else its line was searched from an earlier count already
            line_end = sentence.find("\n", position)
            searched_to = len(sentence) if line_end < 0 else line_end
            if _SHARING.search(sentence, position, searched_to):
                return True
    return False


_DISCLAIMER = re.compile(r"(?:medical\s+)?disclaimer\s*:", re.IGNORECASE)


def _card_paragraphs(body: str) -> list[str]:
    """Paragraphs: blank-line separated where the card has blank lines, else one per line."""
    chunks = re.split(r"\n\s*\n", body) if re.search(r"\n\s*\n", body) else body.split("\n")
    paragraphs = []
    for chunk in chunks:
        text = _joined(chunk.split("\n"))
        if not text or _DISCLAIMER.match(text):
            continue
        kept = [s for s in sentences(text) if not _is_crowd_line(s)]
        if kept:
            paragraphs.append(" ".join(kept))
    return paragraphs


def _split_question(paragraph: str) -> tuple[str, str | None, str]:
    """(answer, question, what follows) of the card's first paragraph."""
    for match in _QUESTION.finditer(paragraph):
        # Only a question that starts a sentence, after the short answer.
        if match.start() and paragraph[: match.start()].rstrip()[-1:] in ".!":
            before, after = paragraph[: match.start()].strip(), paragraph[match.end() :].strip()
            return before, match.group(0), after
    return paragraph, None, ""


def _details(answer: str, rest: list[str]) -> list[str]:
    """The remaining paragraphs without repeats: the card says its first paragraph twice, and the
    answer after its question again at the start of a longer paragraph."""

    def key(text: str) -> str:
        return " ".join(text.split()).casefold()

    seen, kept = {key(answer)}, []
    for index, paragraph in enumerate(rest):
        later = [key(other) for other in rest[index + 1 :]]
        if key(paragraph) in seen or any(other.startswith(key(paragraph)) for other in later):
            continue
        seen.add(key(paragraph))
        kept.append(_without_dangling_intro(paragraph))
    return [paragraph for paragraph in kept if paragraph]


def _without_dangling_intro(paragraph: str) -> str:
    """Drop a closing "… include:" whose list did not survive the copy: it would introduce nothing."""
    parts = sentences(paragraph)
    if parts and parts[-1].endswith(":"):
        parts = parts[:-1]
    return " ".join(parts)


def parse_short_answer_card(
    text: str, *, source: str, title: str | None = None, slug: str | None = None
) -> ImportDocument:
    """A "Short answer · … · Last updated: DATE" card -> one short answer for its condition."""
    header, _, body = normalise(text).lstrip().partition("\n")
    updated = _last_updated(header)
    updated_on = parse_date(updated) if updated else None
    if updated and updated_on is None:
        raise ImportProblem(f"{source}: the card's “Last updated” date “{updated}” is not a date.")
    paragraphs = _card_paragraphs(body)
    if not paragraphs:
        raise ImportProblem(f"{source}: the short-answer card has a header but no answer.")
    answer, question, after = _split_question(paragraphs[0])
    hints = [name for name in (infer_name(sentences(answer)[0]), _asked_about(question)) if name]
    name = (title or (hints[0] if hints else "")).strip()
    if not name:
        raise ImportProblem(
            f"{source}: cannot tell which condition the card is about; give its name with --title."
        )
    details = _details(answer, [after, *paragraphs[1:]] if after else paragraphs[1:])
    short_answer = ShortAnswerData(
        question=question or f"What is {name}?",
        answer=escape_block(answer),
        details="\n\n".join(escape_block(paragraph) for paragraph in details),
        source_updated_on=updated_on,
    )
    return ImportDocument(
        source=source,
        format=CARD,
        data=ConditionData(name=name, slug=slug or "", short_answers=[short_answer]),
        name_hints=list(dict.fromkeys([name, *hints])),
        title_given=bool(title),
    )


def _last_updated(header: str) -> str | None:
    """The date written after the header's "Last updated", if it has one."""
    # Searched for after the header's last "·" or "|" only (a date holds neither): from each
    # earlier "Last updated" the rest of the line was rescanned (quadratic).
    match = _LAST_UPDATED.search(header, max(header.rfind("·"), header.rfind("|")) + 1)
    return (match["date"].rstrip() or match["date"][-1:]) if match else None


def _asked_about(question: str | None) -> str | None:
    match = _ASKED_ABOUT.fullmatch(question or "")
    return match["name"].strip() if match else None


# --- writing ---------------------------------------------------------------------------------


def write_documents(
    documents: Sequence[ImportDocument], *, by=None, dry_run: bool = False
) -> list[ImportResult]:
    """Write every document as a draft, in order, in one transaction; all or nothing.

    Each file gets its own reversion revision under ``by`` (default: the system user) with the
    comment "Imported from <file>". With ``dry_run`` the same writes run and are rolled back,
    so the report says exactly what an import would do. Raises ImportProblem naming the file.
    """
    with transaction.atomic():
        user = by or system_user()
        results = [_write_document(document, by=user) for document in documents]
        if dry_run:
            transaction.set_rollback(True)
    return results


def _write_document(document: ImportDocument, *, by) -> ImportResult:
    comment = f"Imported from {document.source}"
    existing = find_condition(document)
    data = _targeted(document, existing)
    try:
        with reversion.create_revision():
            # Set here as well: write_condition's own revision block nests into this one, which
            # also holds the new references and is the one saved.
            reversion.set_user(by)
            reversion.set_comment(comment)
            if document.references is not None:
                data.reference_keys = store_references(document.references, source=document.source)
            condition, changed = write_condition(data, by=by, comment=comment)
    except workflow.WorkflowError as exc:
        raise ImportProblem(f"{document.source}: {exc}") from exc
    except ValidationError as exc:
        raise ImportProblem(f"{document.source}: {_field_problems(exc)}.") from exc
    return ImportResult(document.source, data, condition, created=existing is None, changed=changed)


def _targeted(document: ImportDocument, existing: Condition | None) -> ConditionData:
    """The document's data aimed at the condition it updates, or at a new one."""
    data = replace(document.data)
    if existing is None:
        data.slug = data.slug or slugify(data.name)
        if not data.slug:
            raise ImportProblem(f"{document.source}: “{data.name}” gives no slug; give one with --slug.")
        return data
    data.slug = existing.slug
    # An existing page keeps the name its editors gave it unless --title says otherwise.
    if not document.title_given:
        data.name = existing.name
    return data


def find_condition(document: ImportDocument) -> Condition | None:
    """The condition a document is about: by --slug, by a name it gives (as name or slug), or,
    for a card, the condition whose name or synonym its text mentions (the longest wins)."""
    if document.data.slug:
        return Condition.objects.filter(slug=document.data.slug).first()
    for name in document.name_hints:
        found = Condition.objects.filter(slug=slugify(name)).first()
        found = found or Condition.objects.filter(name__iexact=name).order_by("pk").first()
        if found:
            return found
    if document.format != CARD or document.title_given:
        return None
    text = " ".join(
        [a.answer + " " + a.details + " " + a.question for a in document.data.short_answers or []]
    ).casefold()
    mentioned = [
        (len(name), condition)
        for condition in Condition.objects.only("pk", "name", "slug", "also_called")
        for name in [condition.name, *condition.synonyms]
        if re.search(rf"\b{re.escape(name.casefold())}\b", text)
    ]
    return max(mentioned, key=lambda pair: pair[0])[1] if mentioned else None


def store_references(parsed: list[dict], *, source: str) -> list[str]:
    """Keys of the parsed references, creating those not yet stored.

    A reference whose original text is already stored is reused as it is: editors may have
    corrected its fields since, and one source is one row however many pages cite it.
    """
    keys = []
    for number, fields in enumerate(parsed, start=1):
        found = Reference.objects.filter(original_text=fields["original_text"]).first()
        if found is None:
            base = base_key(fields)
            taken = set(Reference.objects.filter(key__startswith=base).values_list("key", flat=True))
            found = Reference(key=unique_key(base, taken), **fields)
            try:
                found.full_clean()
            except ValidationError as exc:
                raise ImportProblem(
                    f"{source}: reference {number} cannot be stored ({_field_problems(exc)})."
                ) from exc
            found.save()
        keys.append(found.key)
    return keys


def _field_problems(error: ValidationError) -> str:
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
