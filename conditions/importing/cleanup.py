"""A scraped page's text made ready for the page parser: damage mended or refused
(:mod:`.damage`), print headers and footers and the date lines taken out (:mod:`.dates`), the
reference list under its heading taken out (:mod:`.sources`), and site chrome dropped
(:mod:`.boilerplate`), each dropped line kept with its number for the report.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from . import boilerplate, damage, dates, sources

Line = tuple[int, str]  # (line number in the file, text)


@dataclass
class CleanPage:
    text: str
    updated_on: date | None = None
    references: list[str] = field(default_factory=list)
    numbered_references: bool = False
    dropped: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _without(lines: Sequence[Line], drop: Collection[int]) -> list[Line]:
    """``lines`` without the indexes ``drop``, the blank lines around each gap made one gap.

    A gap takes as many blank lines as the larger side had, so that a topic break stays one;
    a gap inside a sentence (a page break in a printed page) joins its two halves.
    """
    kept: list[Line] = []
    index = 0
    while index < len(lines):
        if index not in drop:
            kept.append(lines[index])
            index += 1
            continue
        before = 0
        while kept and not kept[-1][1].strip():
            kept.pop()
            before += 1
        after = 0
        while index < len(lines) and (index in drop or not lines[index][1].strip()):
            after = 0 if index in drop else after + 1
            index += 1
        if not kept or index >= len(lines):
            continue
        previous, following = kept[-1][1].strip(), lines[index][1].strip()
        if not re.search(r"[.!?:;)\]\"”]$", previous) and following[:1].islower():
            continue
        kept += [(lines[index][0], "")] * max(before, after)
    return kept


def clean_page(
    text: str, *, source: str, repeated: Collection[str] = (), first_line: int = 1, whole: bool = False
) -> CleanPage:
    """``text`` (normalised) without what is not the page's text. Raises ImportProblem when the
    damage is beyond mending; names what was mended in ``warnings``. ``whole``: the text is known
    to be complete (a web page's markup ended), so its end is not read for signs of a cut."""
    lines: list[Line] = list(enumerate(text.split("\n"), start=first_line))
    lines, warnings = damage.mend_glued_text(lines, source)
    page = CleanPage(text="", warnings=warnings)

    # Print headers and footers, and the page's own date lines.
    furniture = {index for index, (_, line) in enumerate(lines) if dates.is_print_furniture(line)}
    page.dropped += [lines[index] for index in sorted(furniture)]
    found: list[dates.PageDate] = []
    date_lines = set()
    for index, (_, line) in enumerate(lines):
        if index not in furniture and dates.is_date_line(line):
            date_lines.add(index)
            if day := dates.page_date(line):
                found.append(day)
    if found:
        page.updated_on = max(reversed(found), key=lambda day: day.rank).day
    lines = _without(lines, furniture | date_lines)
    damage.refuse_merged_columns(lines, source)

    texts = [line for _, line in lines]
    if reference_list := sources.take_reference_list(texts, chrome=boilerplate.chrome_line):
        page.references = reference_list.entries
        page.numbered_references = reference_list.numbered
        last_entry = max(reference_list.lines)
        end = [texts[last_entry]] if all(not t.strip() for t in texts[last_entry + 1 :]) else []
        lines = _without(lines, reference_list.lines)
        texts = [line for _, line in lines]
    else:
        end = []

    chrome = boilerplate.find_chrome(texts, repeated=repeated)
    page.dropped += [lines[index] for index in sorted(chrome)]
    page.dropped.sort()
    tail = [line for index, (_, line) in enumerate(lines) if index not in chrome and line.strip()][-8:]
    lines = _without(lines, chrome)
    if not whole:
        page.warnings += _cut_off_warnings(end or tail, lines, references=page.references if end else [])
    page.text = "\n".join(line for _, line in lines)
    return page


def _cut_off_warnings(last: list[str], lines: Sequence[Line], *, references: list[str]) -> list[str]:
    if not references:  # a numbered list ending the page, such as references without a heading
        entries = [line for line in last if re.match(r"\s*\d{1,3}[.)]\s", line)]
        references = entries if last and entries and entries[-1] == last[-1] else []
    stops = len(references) > 1 and all(entry.rstrip().endswith(".") for entry in references[:-1])
    warnings = []
    if why := damage.cut_off(last, entries_end_with_stops=stops):
        warnings.append(f"the file looks cut off: {why}; the end of the page may be missing.")
    paragraphs = _paragraph_texts(lines)
    for number in damage.stopped_paragraphs(paragraphs)[:3]:
        warnings.append(
            f"the paragraph at line {number} stops in the middle of a sentence: text may be missing."
        )
    return warnings


def _paragraph_texts(lines: Sequence[Line]) -> list[Line]:
    """Each paragraph's first line number and text. A paragraph whose last line is short (a
    list, a table of contents, a menu) stands as empty: it ends where its items end."""
    paragraphs: list[Line] = []
    current: list[Line] = []
    for number, text in [*lines, (0, "")]:
        if text.strip():
            current.append((number, text))
        elif current:
            listing = len(current) > 1 and len(current[-1][1].split()) < 8
            joined = "" if listing else " ".join(part.strip() for _, part in current)
            paragraphs.append((current[0][0], joined))
            current = []
    return paragraphs
