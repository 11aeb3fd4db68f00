"""What an import tells the person running it, file by file, so that each page can be checked
before it goes to review: its name and other names, its sections and their kinds, lists,
references, date, and every warning; then one summary line.

Pure: documents and results in, lines of text out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from conditions.models import Section
from references.models import Reference

from .documents import ImportDocument
from .loading import Loaded
from .writing import ImportResult

_ITEM = re.compile(r"(?:-|\d+\.) \S")


@dataclass
class FileReport:
    """One file's lines, and how it went."""

    lines: list[str]
    refused: bool = False
    warnings: list[str] = field(default_factory=list)


def warnings(document: ImportDocument) -> list[str]:
    """What the person should look at: the parsers' own warnings (dropped lines, a file that looks
    cut off, …), then sections no kind fitted, references not read as a reference, no date."""
    found = list(document.warnings)
    # (line number, text) of each line left out as site chrome, where the parser keeps them.
    for number, text in getattr(document, "dropped", []):
        found.append(f"line {number} left out as site chrome: “{text}”")
    for number, section in enumerate(document.data.sections or [], start=1):
        if section.kind == Section.Kind.OTHER:
            named = f" (“{section.heading}”)" if section.heading else ""
            found.append(f"section {number}{named} fits no section kind: it was kept as “Other”")
    for number, reference in enumerate(document.references or [], start=1):
        if not _parsed(reference):
            found.append(
                f"reference {number} was not read as a reference (no title or year found): "
                "it is kept as written; check it"
            )
    if document.data.sections is not None and document.data.source_updated_on is None:
        found.append("no page date found")
    return found


def _parsed(reference: dict) -> bool:
    """Read as a reference: a title and a year; an expert's opinion has no title, but an author."""
    named = reference.get("title") or (
        reference.get("kind") == Reference.Kind.EXPERT_OPINION and reference.get("authors")
    )
    return bool(named) and bool(reference.get("year"))


def _lists(body: str) -> tuple[int, int]:
    """(lists, items) of a Markdown body as the parsers write it: items start at the line's start."""
    lists = items = 0
    in_list = False
    for line in body.split("\n"):
        if _ITEM.match(line):
            items += 1
            lists += not in_list
            in_list = True
        elif line.strip() and not line.startswith(" "):
            in_list = False
    return lists, items


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def details(document: ImportDocument) -> list[str]:
    """The lines under a file's first line: what was read from it."""
    data, lines = document.data, []
    if data.also_called:
        lines.append("also called: " + "; ".join(data.also_called))
    for number, section in enumerate(data.sections or [], start=1):
        line = f"section {number}: {Section.Kind(section.kind).label}"
        if section.heading:
            line += f", headed “{section.heading}”"
        lists, items = _lists(section.body)
        if lists:
            line += f" ({_plural(lists, 'list')}, {_plural(items, 'item')})"
        lines.append(line)
    for answer in data.short_answers or []:
        lines.append(f"short answer: “{answer.question}”")
    if document.references is not None:
        parsed = sum(_parsed(reference) for reference in document.references)
        lines.append(f"references: {len(document.references)} found, {parsed} read as author, title and year")
    day = data.source_updated_on or next(
        (a.source_updated_on for a in data.short_answers or [] if a.source_updated_on), None
    )
    if day is not None:
        lines.append(f"date: {day.isoformat()}")
    return lines


def file_report(loaded: Loaded, result: ImportResult | None, *, dry_run: bool) -> FileReport:
    """One file: a first line saying what happened, then indented details and warnings."""
    if loaded.document is None:
        problem = loaded.problem.removeprefix(f"{loaded.source}: ")
        return FileReport([f"Refused {loaded.source}: {problem}"], refused=True)
    if result is None:  # not written, because another file was refused
        first = f"Checked {loaded.document.source}: not written, as another file was refused"
    else:
        first = result.message(dry_run=dry_run)
    found = warnings(loaded.document)
    lines = [first, *(f"    {line}" for line in details(loaded.document))]
    lines += [f"    warning: {warning}" for warning in found]
    return FileReport(lines, refused=bool(result and result.problem), warnings=found)


def summary(reports: list[FileReport], *, dry_run: bool) -> str:
    """One line: how many files were imported, refused and warned about."""
    refused = sum(report.refused for report in reports)
    warned = sum(bool(report.warnings) for report in reports if not report.refused)
    done = len(reports) - refused
    verb = "could be imported" if refused else "would be imported" if dry_run else "imported"
    line = f"{_plural(len(reports), 'file')}: {done} {verb}, {refused} refused, {warned} with warnings."
    if refused:
        return line + " Nothing was written: a refused file stops the whole import."
    return line + (" Dry run: nothing was written." if dry_run else "")
