"""Importing references from reference managers: BibTeX, RIS, CSL-JSON and MEDLINE (PubMed).

Reading is pure: :func:`parse_references` turns a file's text into :class:`ParsedReference`
records (Reference field values plus where in the file each came from), collecting one problem
per bad entry. :func:`write_references` then matches them against the stored references (by DOI,
then PMID, then key), validates everything and only then writes, in one transaction and one
reversion revision: a file with any problem writes nothing.

BibTeX is read with bibtexparser, RIS with rispy (both well kept); CSL-JSON is plain JSON; the
MEDLINE tag format is small enough to read here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction

from conditions.models import system_user
from medsite.textfiles import ImportProblem, read_text
from medsite.validators import CONTROL_CHARACTERS, describe

from .identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from .models import Reference
from .parsing import base_key, unique_key
from .readers import (
    RawEntry,
    clean_edition,
    clean_key,
    parse_day,
    parse_year,
    read_bibtex,
    read_csl_json,
    read_medline,
    read_ris,
)
from .usage import refusal_change_in_review

Kind = Reference.Kind
FORMATS = ("bibtex", "ris", "csl-json", "medline")

# bibtexparser warns about each broken block in the log (with 0-based line numbers); the import
# reports those blocks itself, so only its errors (parser bugs) are worth logging.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)


@dataclass
class ParsedReference:
    """One reference ready to be matched and written: Reference fields given by the file."""

    line: int
    where: str
    fields: dict[str, Any]
    key: str = ""  # the key the file gives (BibTeX citekey, CSL id, RIS ID); "" to generate one


# --- format guessing -------------------------------------------------------------------------


def guess_format(text: str) -> str | None:
    """Which of :data:`FORMATS` the text is in, judged from its shape; None if it is none."""
    stripped = text.lstrip()
    if stripped[:1] in "[{":
        return "csl-json"
    if re.search(r"^TY  - ", text, re.MULTILINE):
        return "ris"
    if re.search(r"^PMID- ", text, re.MULTILINE):
        return "medline"
    # Spaces before the "@" within its own line ("\s*" from each line start ran on across every
    # blank line after it: quadratic in a file of blank lines).
    if re.search(r"^[^\S\n]*@\s*\w+\s*[{(]", text, re.MULTILINE):
        return "bibtex"
    return None


def load_file(path: str | Path, *, fmt: str | None = None) -> list[ParsedReference]:
    """Read, recognise and parse one file; raises ImportProblem listing every problem found."""
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise ImportProblem(f"Unknown format “{fmt}”: use one of {', '.join(FORMATS)}.")
    text = read_text(path)
    fmt = fmt or guess_format(text)
    if fmt is None:
        raise ImportProblem(
            f"{path.name}: cannot tell the format (BibTeX “@article{{…”, RIS “TY  - ” lines, "
            "a CSL-JSON array or MEDLINE “PMID- ” lines); give it with --format."
        )
    return parse_references(text, fmt, source=path.name)


def parse_references(text: str, fmt: str, *, source: str = "input") -> list[ParsedReference]:
    """Every reference in ``text`` (in format ``fmt``); raises ImportProblem with one line per
    problem, each naming the line (or CSL-JSON item) it is on."""
    readers: dict[str, Callable[[str], tuple[list[RawEntry], list[str]]]] = {
        "bibtex": read_bibtex,
        "ris": read_ris,
        "csl-json": read_csl_json,
        "medline": read_medline,
    }
    entries, problems = readers[fmt](text)
    parsed = []
    for entry in entries:
        reference = finish(entry, problems)
        if reference is not None:
            parsed.append(reference)
    if not entries and not problems:
        problems.append(f"no references found in this {fmt} file.")
    if problems:
        raise _problems(source, problems)
    return parsed


def _problems(source: str, problems: list[str]) -> ImportProblem:
    """One error listing every problem, in file order, each starting with the file's name."""

    def line_of(problem: str) -> int:
        match = re.search(r"line (\d+)", problem)
        return int(match.group(1)) if match else 0

    return ImportProblem("\n".join(f"{source}, {problem}" for problem in sorted(problems, key=line_of)))


# --- from raw values to Reference fields -----------------------------------------------------

_TEXT_FIELDS: tuple[str, ...] = ("title", "container_title", "edition", "publisher", "place", "volume")
_TEXT_FIELDS += ("issue", "pages", "url", "note", "journal_abbreviation", "series", "elocator")


def finish(entry: RawEntry, problems: list[str]) -> ParsedReference | None:
    """Check and normalise one entry's values; append a problem for each that is wrong."""
    before = len(problems)
    fields: dict[str, Any] = {"kind": entry.kind}
    for name in _TEXT_FIELDS:
        if name in entry.values:
            value = entry.values[name][0]
            if not isinstance(value, str | int | float):
                problems.append(f"{entry.where(name)}: {name.replace('_', ' ')} should be text.")
                continue
            fields[name] = " ".join(str(value).split())
    if "edition" in fields:
        fields["edition"] = clean_edition(fields["edition"])
    if "pages" in fields:
        fields["pages"] = fields["pages"].replace("--", "-")
    for people in ("authors", "editors"):
        if people in entry.values:
            names = [" ".join(str(name).split()) for name in entry.values[people][0]]
            fields[people] = "\n".join(name for name in names if name)
    if "private_note" in entry.values:  # editor-only: its lines are kept
        lines = (" ".join(line.split()) for line in str(entry.values["private_note"][0]).splitlines())
        fields["private_note"] = "\n".join(line for line in lines if line)
    _refuse_control_characters(entry, fields, problems)
    _finish_identifiers(entry, fields, problems)
    _finish_dates(entry, fields, problems)
    # A personal communication (AMA: "Doe J (expert opinion). Mayo Clinic; 2020.") has no title.
    if not fields.get("title") and not (entry.kind == Kind.EXPERT_OPINION and fields.get("authors")):
        problems.append(f"{entry.where()}: the entry has no title.")
    if len(problems) > before:
        return None
    fields = {name: value for name, value in fields.items() if value not in ("", None)}
    return ParsedReference(entry.line, entry.where(), fields, clean_key(entry.key))


def _refuse_control_characters(entry: RawEntry, fields: dict, problems: list[str]) -> None:
    """Line breaks and tabs inside a value became spaces above; any other control character
    (an escape, a NUL written as ``\\u0000`` in JSON) is not text, as the admin's fields say too."""
    texts = [(name, fields[name]) for name in _TEXT_FIELDS if name in fields]
    for lines in ("authors", "editors", "private_note"):
        texts += [(lines, line) for line in fields.get(lines, "").split("\n")]
    for name, text in texts:
        if match := CONTROL_CHARACTERS.search(text):
            label = name.replace("_", " ")
            problems.append(f"{entry.where(name)}: the {label} holds {describe(match.group())}: remove it.")


def _finish_identifiers(entry: RawEntry, fields: dict, problems: list[str]) -> None:
    for name, normalize in (("doi", normalize_doi), ("pmid", normalize_pmid)):
        if name in entry.values:
            try:
                fields[name] = normalize(str(entry.values[name][0]))
            except InvalidIdentifier as exc:
                problems.append(f"{entry.where(name)}: {exc}")


def _finish_dates(entry: RawEntry, fields: dict, problems: list[str]) -> None:
    if "year" in entry.values:
        raw = entry.values["year"][0]
        fields["year"] = parse_year(raw)
        if fields["year"] is None:
            problems.append(f"{entry.where('year')}: the year “{raw}” is not a year (e.g. 2021).")
    for name, label in (("accessed_on", "access date"), ("published_online", "online date")):
        if name in entry.values:
            raw = entry.values[name][0]
            fields[name] = raw if isinstance(raw, date) else parse_day(raw)
            if fields[name] is None:
                problems.append(f"{entry.where(name)}: the {label} “{raw}” is not a date (e.g. 2024-03-01).")


# --- matching and writing --------------------------------------------------------------------

CREATED, UPDATED, SKIPPED = "created", "updated", "skipped"


@dataclass
class Outcome:
    """What importing one entry does (or did)."""

    parsed: ParsedReference
    action: str
    reference: Reference
    how: str = ""  # how it was matched: "DOI", "PMID", "key", "title and year"
    changes: list[str] = field(default_factory=list)
    duplicate_of: ParsedReference | None = None

    def message(self, *, dry_run: bool = False) -> str:
        verb = f"would be {self.action}" if dry_run and self.action != SKIPPED else self.action
        ref = self.reference
        if self.duplicate_of is not None:
            return f"{self.parsed.where}: {verb}, the same source as {self.duplicate_of.where} ({self.how})."
        text = f"{self.parsed.where}: {verb} {ref.key}" + (f" – “{ref.title}”" if ref.title else "")
        if self.action == UPDATED:
            text += f" (matched by {self.how}; changed {', '.join(self.changes)})"
        elif self.action == SKIPPED:
            text += f" (matched by {self.how}; already up to date)"
        return text + "."


@dataclass
class ImportReport:
    outcomes: list[Outcome]
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    def summary(self) -> str:
        counts = (
            f"{self.count(CREATED)} created, {self.count(UPDATED)} updated, {self.count(SKIPPED)} skipped"
        )
        return f"Dry run: {counts}; nothing was written." if self.dry_run else counts

    def lines(self) -> list[str]:
        return [outcome.message(dry_run=self.dry_run) for outcome in self.outcomes]


def write_references(parsed: list[ParsedReference], *, source: str, dry_run: bool = False) -> ImportReport:
    """Create or update a Reference for every parsed entry, all or nothing.

    Raises ImportProblem (and writes nothing) if any entry cannot be stored. The writes share
    one reversion revision by the system user, "Imported from <source>"; an import that
    changes nothing makes no revision.
    """
    with transaction.atomic():
        outcomes = plan_import(parsed, source=source)
        changed = [o.reference for o in outcomes if o.action in (CREATED, UPDATED) and not o.duplicate_of]
        if changed and not dry_run:
            with reversion.create_revision():
                reversion.set_user(system_user())
                reversion.set_comment(f"Imported from {source}")
                for reference in changed:
                    reference.save()
    return ImportReport(outcomes, dry_run=dry_run)


def plan_import(parsed: list[ParsedReference], *, source: str) -> list[Outcome]:
    """What importing would do to each entry, validated but unsaved; raises ImportProblem."""
    outcomes: list[Outcome] = []
    problems: list[str] = []
    planned_keys: set[str] = set()
    for entry in parsed:
        earlier = _same_in_file(entry, outcomes)
        if isinstance(earlier, str):
            problems.append(earlier)
            continue
        if earlier is not None:
            outcomes.append(_merge_into(earlier, entry))
            continue
        try:
            outcome = _plan_one(entry, planned_keys)
        except ImportProblem as exc:
            problems.append(str(exc))
            continue
        planned_keys.add(outcome.reference.key)
        outcomes.append(outcome)
    for outcome in outcomes:
        if outcome.action != SKIPPED and outcome.duplicate_of is None:
            problems += _validate(outcome)
        if outcome.action == UPDATED and (frozen := refusal_change_in_review(outcome.reference)):
            problems.append(f"{outcome.parsed.where}: {frozen}")
    if problems:
        raise _problems(source, problems)
    return outcomes


def _conflicts(fields: dict, other: dict) -> bool:
    """True if both name a DOI, or both a PMID, and they differ: two different sources."""
    return any(
        fields.get(name) and other.get(name) and fields[name] != other[name] for name in ("doi", "pmid")
    )


def _same_in_file(entry: ParsedReference, outcomes: list[Outcome]) -> Outcome | str | None:
    """The earlier entry of this file that is the same source, a problem, or None."""
    firsts = [o for o in outcomes if o.duplicate_of is None]
    for name in ("doi", "pmid"):
        value = entry.fields.get(name)
        for outcome in firsts:
            if value and outcome.parsed.fields.get(name) == value:
                return outcome
    for outcome in firsts:
        if entry.key and outcome.parsed.key == entry.key:
            if _conflicts(entry.fields, outcome.parsed.fields) or (
                entry.fields.get("title", "").casefold() != outcome.parsed.fields.get("title", "").casefold()
            ):
                return f"{entry.where}: the key “{entry.key}” is already used by {outcome.parsed.where}."
            return outcome
    return None


def _merge_into(first: Outcome, entry: ParsedReference) -> Outcome:
    """A repeat of ``first`` adds the fields ``first`` did not give, and is reported as skipped."""
    same = [
        name.upper() for name in ("doi", "pmid") if entry.fields.get(name) == first.parsed.fields.get(name)
    ]
    how = next((name for name in same if entry.fields.get(name.lower())), "key")
    added = []
    for name, value in entry.fields.items():
        if name in first.parsed.fields or (name == "kind" and value == Kind.OTHER):
            continue
        first.parsed.fields[name] = value
        if getattr(first.reference, name) != value:
            setattr(first.reference, name, value)
            added.append(name)
    if added and first.action != CREATED:
        first.action = UPDATED
        first.changes += added
    return Outcome(entry, SKIPPED, first.reference, how=how, duplicate_of=first.parsed)


def _find_existing(entry: ParsedReference) -> tuple[Reference | None, str]:
    fields = entry.fields
    by_doi = Reference.objects.filter(doi=fields["doi"]).first() if fields.get("doi") else None
    by_pmid = Reference.objects.filter(pmid=fields["pmid"]).first() if fields.get("pmid") else None
    if by_doi and by_pmid and by_doi != by_pmid:
        raise ImportProblem(
            f"{entry.where}: its DOI is that of {by_doi.key} but its PMID that of {by_pmid.key}; "
            "correct the entry or merge those two references first."
        )
    if by_doi or by_pmid:
        return by_doi or by_pmid, "DOI" if by_doi else "PMID"
    if entry.key:
        found = Reference.objects.filter(key=entry.key).first()
        return (found, "key") if found and not _conflicts(fields, _identifiers(found)) else (None, "")
    # No key of its own (RIS without ID, MEDLINE without PMID): the same title and year is the
    # same source, so importing the file again does not add a copy under a new generated key.
    title = fields.get("title", "")
    found = Reference.objects.filter(title__iexact=title, year=fields.get("year")).first() if title else None
    if found and not _conflicts(fields, _identifiers(found)):
        return found, "title and year"
    return None, ""


def _identifiers(reference: Reference) -> dict:
    return {"doi": reference.doi, "pmid": reference.pmid}


def _plan_one(entry: ParsedReference, planned_keys: set[str]) -> Outcome:
    existing, how = _find_existing(entry)
    if existing is None:
        base = entry.key or base_key({"authors": "", "title": "", "year": None, **entry.fields})
        taken = set(Reference.objects.filter(key__startswith=base).values_list("key", flat=True))
        reference = Reference(key=unique_key(base, taken | planned_keys), **entry.fields)
        return Outcome(entry, CREATED, reference)
    changes = []
    for name, value in entry.fields.items():
        # "other" is what a format says when it cannot tell; it does not undo a known kind.
        if name == "kind" and value == Kind.OTHER:
            continue
        if getattr(existing, name) != value:
            setattr(existing, name, value)
            changes.append(name)
    return Outcome(entry, UPDATED if changes else SKIPPED, existing, how=how, changes=changes)


def _validate(outcome: Outcome) -> list[str]:
    """Field lengths, URL syntax and uniqueness, as the model defines them."""
    reference = outcome.reference
    try:
        # Not full_clean(): the model's clean() asks for an access date, which the publish gate
        # reports; a reference file without one is still worth importing.
        reference.clean_fields()
        reference.validate_unique()
        reference.validate_constraints()
    except ValidationError as exc:
        return [
            f"{outcome.parsed.where}: {name.replace('_', ' ')}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        ]
    return []
