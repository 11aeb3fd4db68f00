"""Importing references from reference managers: BibTeX, RIS, CSL-JSON and MEDLINE (PubMed).

Reading is pure: :func:`parse_references` turns a file's text into :class:`ParsedReference`
records (Reference field values plus where in the file each came from), and :func:`read_references`
also gives a :class:`Refusal` per bad entry. :func:`plan_import` matches them against the stored
references (by DOI, then PMID, then key), validates everything and says what importing would do,
refusing conflicts: an identifier that names a work with another title. :func:`write_references`
then writes, in one transaction and one reversion revision: by default a file with any problem
writes nothing; with ``skip_invalid`` the good entries are written and the rest reported.

BibTeX is read with bibtexparser, RIS with rispy (both well kept); CSL-JSON is plain JSON; the
MEDLINE tag format is small enough to read here.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction

from conditions.models import system_user
from medsite import audit
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

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
    parsed, refusals = read_file(path, fmt=fmt)
    if any(refusal.blocking for refusal in refusals):
        raise refused(Path(path).name, refusals)
    return parsed


def read_file(path: str | Path, *, fmt: str | None = None) -> tuple[list[ParsedReference], list[Refusal]]:
    """Read, recognise and parse one file: its good entries, and a refusal for each bad one.
    Raises ImportProblem for a file that cannot be read at all."""
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise ImportProblem(f"Unknown format “{fmt}”: use one of {', '.join(FORMATS)}.")
    return read_references(read_text(path), fmt, source=path.name)


def read_references(
    text: str, fmt: str | None, *, source: str = "input"
) -> tuple[list[ParsedReference], list[Refusal]]:
    """Every good reference in ``text`` (in format ``fmt``, guessed when None), and a refusal
    naming the line (or CSL-JSON item) of each problem. Raises ImportProblem when the text is in
    no format or holds no references."""
    fmt = fmt or guess_format(text)
    if fmt is None:
        raise ImportProblem(
            f"{source}: cannot tell the format (BibTeX “@article{{…”, RIS “TY  - ” lines, "
            "a CSL-JSON array or MEDLINE “PMID- ” lines); give it with --format."
        )
    readers: dict[str, Callable[[str], tuple[list[RawEntry], list[str]]]] = {
        "bibtex": read_bibtex,
        "ris": read_ris,
        "csl-json": read_csl_json,
        "medline": read_medline,
    }
    entries, problems = readers[fmt](text)
    if not entries and not problems:
        raise ImportProblem(f"{source}, no references found in this {fmt} file.")
    refusals = [Refusal.from_problem(problem) for problem in problems]
    # MEDLINE's reader keeps the rest of a record with a line it cannot read: that record (its
    # lines up to a blank one) would be imported without the line, so it is refused with it.
    records = _paragraphs(text) if fmt == "medline" else []
    broken = {_paragraph(records, refusal.line) for refusal in refusals}
    parsed = []
    for entry in entries:
        own: list[str] = []
        reference = finish(entry, own)
        refusals += [Refusal.from_problem(problem, record=entry.line) for problem in own]
        if reference is not None and not (records and _paragraph(records, entry.line) in broken):
            parsed.append(reference)
    return parsed, sorted(refusals, key=lambda refusal: refusal.line)


def _paragraphs(text: str) -> list[int]:
    """The first line of each run of lines that are not blank."""
    starts, previous_blank = [], True
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and previous_blank:
            starts.append(number)
        previous_blank = not line.strip()
    return starts


def _paragraph(starts: list[int], line: int) -> int:
    return starts[bisect.bisect(starts, line) - 1] if starts and line >= starts[0] else 0


def parse_references(text: str, fmt: str, *, source: str = "input") -> list[ParsedReference]:
    """Every reference in ``text`` (in format ``fmt``); raises ImportProblem with one line per
    problem, each naming the line (or CSL-JSON item) it is on."""
    parsed, refusals = read_references(text, fmt, source=source)
    if any(refusal.blocking for refusal in refusals):
        raise refused(source, refusals)
    return parsed


@dataclass
class Refusal:
    """An entry (or a part of the file) that cannot be imported, and why."""

    line: int
    where: str  # "line 12", "item 3 (line 35)"
    reason: str
    conflict: bool = False  # an identifier names a different source: the file or the site is wrong
    record: int | None = None  # the line the refused entry starts on, when there is an entry
    # False for a record that is not a reference (a biblatex @set): leaving it out loses nothing.
    blocking: bool = True

    @classmethod
    def from_problem(cls, problem: str, *, record: int | None = None) -> Refusal:
        """A reader's problem, "line 12: the year … is not a year.", as a refusal."""
        where, _, reason = problem.partition(": ")
        match = re.search(r"line (\d+)", where)
        line = int(match.group(1)) if match else 0
        return cls(line, where, reason, record=record, blocking=not getattr(problem, "skipped", False))

    def message(self) -> str:
        return f"{self.where}: {'conflict: ' if self.conflict else ''}{self.reason}"

    def report_line(self) -> str:
        """The line of an import's report: not imported, and why."""
        if not self.blocking:
            return f"{self.where}: {self.reason}"
        return f"{self.where}: {'conflict' if self.conflict else 'refused'}: {self.reason}"


def refused(source: str, refusals: list[Refusal]) -> ImportProblem:
    """One error listing every refusal, in file order, each starting with the file's name."""
    ordered = sorted((refusal for refusal in refusals if refusal.blocking), key=lambda refusal: refusal.line)
    return ImportProblem("\n".join(f"{source}, {refusal.message()}" for refusal in ordered))


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
    before: dict[str, Any] = field(default_factory=dict)  # an update's changed fields, as stored

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
    """What an import does (or did, or would do): an outcome for each entry that can be
    imported, and a refusal for each that cannot."""

    outcomes: list[Outcome]
    refusals: list[Refusal] = field(default_factory=list)
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    @property
    def refused_count(self) -> int:
        """Refused entries (one may have several problems), and problems outside any entry."""
        return len({refusal.record or refusal.line for refusal in self.blocking})

    @property
    def blocking(self) -> list[Refusal]:
        """The refusals that stop an all-or-nothing import: all but records that are not references."""
        return [refusal for refusal in self.refusals if refusal.blocking]

    def changed(self) -> list[Reference]:
        """The references to save: each created or updated once, however often the file has it."""
        return [o.reference for o in self.outcomes if o.action in (CREATED, UPDATED) and not o.duplicate_of]

    def keys(self, action: str) -> list[str]:
        return [o.reference.key for o in self.outcomes if o.action == action and o.duplicate_of is None]

    def summary(self) -> str:
        counts = (
            f"{self.count(CREATED)} created, {self.count(UPDATED)} updated, {self.count(SKIPPED)} skipped"
        )
        if self.blocking:
            counts += f", {self.refused_count} refused"
        return f"Dry run: {counts}; nothing was written." if self.dry_run else counts

    def lines(self) -> list[str]:
        """One line per entry, in file order; the refused ones say why."""
        rows = [(o.parsed.line, o.message(dry_run=self.dry_run)) for o in self.outcomes]
        rows += [(r.line, r.report_line()) for r in self.refusals]
        return [text for _, text in sorted(rows, key=lambda row: row[0])]

    def fingerprint(self) -> str:
        """A digest of everything this plan would do: equal plans, equal digests."""
        plan = [
            [o.parsed.line, o.action, o.reference.key, o.how, o.changes, o.duplicate_of is not None]
            for o in self.outcomes
        ]
        plan += [[r.line, r.where, r.reason, r.conflict] for r in self.refusals]
        return hashlib.sha256(json.dumps(plan, ensure_ascii=False).encode()).hexdigest()


def write_references(
    parsed: list[ParsedReference],
    *,
    source: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    refusals: Iterable[Refusal] = (),
    by: User | None = None,
) -> ImportReport:
    """Create or update a Reference for every parsed entry, all or nothing unless ``skip_invalid``.

    ``refusals`` are the entries the reader already refused. Raises ImportProblem (and writes
    nothing) if any entry cannot be stored, or, with ``skip_invalid``, if none can. The writes
    share one reversion revision by ``by`` (the system user when None), "Imported from
    <source>"; an import that changes nothing makes no revision.
    """
    with transaction.atomic():
        report = plan_import(parsed, refusals=refusals)
        report.dry_run = dry_run
        if report.blocking and (not skip_invalid or not report.outcomes):
            raise refused(source, report.refusals)
        if not dry_run:
            save_planned(report, source=source, by=by)
    return report


def save_planned(report: ImportReport, *, source: str, by: User | None = None) -> None:
    """Save what ``report`` planned, in one revision by ``by`` (the system user when None)."""
    changed = report.changed()
    if changed:
        with reversion.create_revision():
            reversion.set_user(by or system_user())
            reversion.set_comment(f"Imported from {source}")
            for reference in changed:
                reference.save()


def record_import(report: ImportReport, *, source: str, actor: User, via: str) -> None:
    """The audit record of an import (``via``: the command, or the admin's upload page)."""
    details: dict[str, Any] = {
        "command": via,
        "file": source,
        "created": report.keys(CREATED),
        "updated": report.keys(UPDATED),
        "skipped": report.keys(SKIPPED),
    }
    if report.refusals:
        details["refused"] = [refusal.message() for refusal in report.refusals]
    audit.record(audit.Action.IMPORT, actor=actor, target=f"{via} {source}", **details)


class _Refused(Exception):
    """Raised while planning one entry; ``dropping``: an earlier entry refused with it."""

    def __init__(self, *refusals: Refusal, dropping: ParsedReference | None = None) -> None:
        super().__init__(refusals)
        self.refusals = list(refusals)
        self.dropping = dropping


def plan_import(parsed: list[ParsedReference], *, refusals: Iterable[Refusal] = ()) -> ImportReport:
    """What importing would do with each entry, validated but unsaved: nothing is written.

    Entries that cannot be imported are refused (with ``refusals``, those the reader refused),
    among them conflicts: a DOI or PMID that names a stored reference (or an earlier entry) with
    a clearly different title. A conflict is never resolved by overwriting either one.
    """
    outcomes: list[Outcome] = []
    refusal_list = list(refusals)
    dropped: set[int] = set()  # ids of the parsed entries refused after they were planned
    planned_keys: set[str] = set()
    for entry in parsed:
        try:
            earlier = _same_in_file(entry, outcomes)
            if earlier is not None:
                outcomes.append(_merge_into(earlier, entry))
                continue
            outcome = _plan_one(entry, planned_keys)
        except _Refused as exc:
            refusal_list += exc.refusals
            if exc.dropping is not None:
                dropped.add(id(exc.dropping))
            continue
        planned_keys.add(outcome.reference.key)
        outcomes.append(outcome)
    for outcome in outcomes:
        if id(outcome.parsed) in dropped:
            continue
        reasons = _validate(outcome) if outcome.action != SKIPPED and outcome.duplicate_of is None else []
        if outcome.action == UPDATED and (frozen := refusal_change_in_review(outcome.reference)):
            reasons.append(frozen)
        if reasons:
            dropped.add(id(outcome.parsed))
            refusal_list += [_refusal(outcome.parsed, reason) for reason in reasons]
    kept = []
    for outcome in outcomes:
        first = outcome.duplicate_of or outcome.parsed
        if id(first) not in dropped:
            kept.append(outcome)
        elif outcome.duplicate_of is not None:
            reason = f"the same source as {first.where}, which is not imported either."
            refusal_list.append(_refusal(outcome.parsed, reason))
    return ImportReport(kept, sorted(refusal_list, key=lambda refusal: refusal.line))


def _refusal(entry: ParsedReference, reason: str, *, conflict: bool = False) -> Refusal:
    return Refusal(entry.line, entry.where, reason, conflict=conflict, record=entry.line)


# --- titles: the same work, or another? ------------------------------------------------------

# Below this share of words in common, two titles are of different works. A title whose words all
# appear in the other (a subtitle added or dropped, "Statins" made "Statin use") scores 1.
SAME_TITLE_THRESHOLD = 2 / 3
_STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "its", "of", "on", "or"}
    | {"the", "their", "to", "versus", "vs", "with"}
)


def _words(title: str) -> list[str]:
    """A title's words, without accents, case, punctuation or the little words."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(character for character in text if not unicodedata.combining(character)).casefold()
    return [word for word in re.findall(r"\w+", text) if word not in _STOP_WORDS]


def _same_word(one: str, other: str) -> bool:
    # Spelling variants and plurals (anaemia/anemia, statin/statins); short words must be equal.
    if one == other:
        return True
    return min(len(one), len(other)) >= 4 and SequenceMatcher(None, one, other).ratio() >= 0.8


def title_similarity(one: str, other: str) -> float:
    """1.0 for the same title however written, or with a subtitle added; the share of words in
    common (Dice's coefficient, spelling variants counted as the same word) otherwise."""
    words, others = _words(one), _words(other)
    if not words or not others or words == others:
        return 1.0
    shorter, longer = sorted((words, others), key=len)
    unmatched = list(dict.fromkeys(longer))
    matched = 0
    for word in dict.fromkeys(shorter):
        found = next((candidate for candidate in unmatched if _same_word(word, candidate)), None)
        if found is not None:
            unmatched.remove(found)
            matched += 1
    distinct = len(set(shorter))
    if matched == distinct:
        return 1.0
    return 2 * matched / (distinct + len(set(longer)))


def titles_clearly_differ(one: str, other: str) -> bool:
    """True when two titles are of different works; an empty title differs from nothing."""
    return title_similarity(one, other) < SAME_TITLE_THRESHOLD


# --- finding the entry's reference -----------------------------------------------------------


def _conflicts(fields: dict, other: dict) -> bool:
    """True if both name a DOI, or both a PMID, and they differ: two different sources."""
    return any(
        fields.get(name) and other.get(name) and fields[name] != other[name] for name in ("doi", "pmid")
    )


def _same_in_file(entry: ParsedReference, outcomes: list[Outcome]) -> Outcome | None:
    """The earlier entry of this file that is the same source, or None; raises _Refused for an
    earlier entry that shares its identifier or key but not its title."""
    firsts = [o for o in outcomes if o.duplicate_of is None]
    for name in ("doi", "pmid"):
        value = entry.fields.get(name)
        for outcome in firsts:
            if value and outcome.parsed.fields.get(name) == value:
                first, title = outcome.parsed, entry.fields.get("title", "")
                if titles_clearly_differ(first.fields.get("title", ""), title):
                    label = name.upper()
                    raise _Refused(
                        _refusal(
                            entry,
                            f"its {label} {value} is also that of {first.where}, whose title is "
                            f"“{first.fields.get('title', '')}”, but its own is “{title}”: "
                            f"one {label} is one work. Correct the file.",
                            conflict=True,
                        ),
                        _refusal(
                            first,
                            f"its {label} {value} is also that of {entry.where}, with another title, "
                            f"“{title}”. Correct the file.",
                            conflict=True,
                        ),
                        dropping=first,
                    )
                return outcome
    for outcome in firsts:
        if entry.key and outcome.parsed.key == entry.key:
            if _conflicts(entry.fields, outcome.parsed.fields) or (
                entry.fields.get("title", "").casefold() != outcome.parsed.fields.get("title", "").casefold()
            ):
                raise _Refused(
                    _refusal(entry, f"the key “{entry.key}” is already used by {outcome.parsed.where}.")
                )
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
            first.before.setdefault(name, getattr(first.reference, name))
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
        raise _Refused(
            _refusal(
                entry,
                f"its DOI is that of {by_doi.key} but its PMID that of {by_pmid.key}; "
                "correct the entry or merge those two references first.",
                conflict=True,
            )
        )
    found, how = (by_doi, "DOI") if by_doi else (by_pmid, "PMID")
    if found is not None:
        other = "pmid" if how == "DOI" else "doi"
        if _conflicts(fields, _identifiers(found)):
            raise _Refused(
                _refusal(
                    entry,
                    f"its {how} {fields[how.lower()]} is that of {found.key}, whose {other.upper()} is "
                    f"{getattr(found, other)}, but its own {other.upper()} is {fields[other]}; nothing was "
                    f"changed. Correct the file, or {found.key} if that is the one that is wrong.",
                    conflict=True,
                )
            )
        title = fields.get("title", "")
        if titles_clearly_differ(found.title, title):
            raise _Refused(
                _refusal(
                    entry,
                    f"its {how} {fields[how.lower()]} is that of {found.key}, “{found.title}”, but its "
                    f"title is “{title}”; nothing was changed. Correct the {how} in the file, or in "
                    f"{found.key} if that is the one that is wrong.",
                    conflict=True,
                )
            )
        return found, how
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
    changes, before = [], {}
    for name, value in entry.fields.items():
        # "other" is what a format says when it cannot tell; it does not undo a known kind.
        if name == "kind" and value == Kind.OTHER:
            continue
        if getattr(existing, name) != value:
            before[name] = getattr(existing, name)
            setattr(existing, name, value)
            changes.append(name)
    action = UPDATED if changes else SKIPPED
    return Outcome(entry, action, existing, how=how, changes=changes, before=before)


def _validate(outcome: Outcome) -> list[str]:
    """Field lengths, URL syntax and uniqueness, as the model defines them: what is wrong."""
    reference = outcome.reference
    try:
        # Not full_clean(): the model's clean() asks for an access date, which the publish gate
        # reports; a reference file without one is still worth importing.
        reference.clean_fields()
        reference.validate_unique()
        reference.validate_constraints()
    except ValidationError as exc:
        return [
            f"{name.replace('_', ' ')}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        ]
    return []
