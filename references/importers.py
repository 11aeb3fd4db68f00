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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from conditions.models import Condition, Section, ShortAnswer, system_user
from medsite import audit
from medsite.textfiles import ImportProblem, read_text
from medsite.validators import CONTROL_CHARACTERS, describe

from .identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from .models import ConditionReference, Reference
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
        blocking = not getattr(problem, "skipped", False)
        where, _, reason = problem.partition(": ")
        match = re.search(r"line (\d+)", where)
        if match is None or getattr(problem, "line", None) == 0:  # about the whole file
            return cls(0, "", problem, record=record, blocking=blocking)
        return cls(int(match.group(1)), where, reason, record=record, blocking=blocking)

    def message(self) -> str:
        if not self.where:
            return self.reason
        return f"{self.where}: {'conflict: ' if self.conflict else ''}{self.reason}"

    def report_line(self) -> str:
        """The line of an import's report: not imported, and why."""
        if not self.blocking or not self.where:
            return self.message()
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
        """A digest of everything this plan would do, with each stored value it would replace:
        equal plans, equal digests."""
        plan = [
            [o.parsed.line, o.action, o.reference.key, o.how, o.changes, o.duplicate_of is not None]
            + [[name, str(o.before[name]), str(getattr(o.reference, name))] for name in sorted(o.before)]
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
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update a Reference for every parsed entry, all or nothing unless ``skip_invalid``.

    ``refusals`` are the entries the reader already refused; ``progress`` is :func:`plan_import`'s.
    Raises ImportProblem (and writes nothing) if any entry cannot be stored, or, with
    ``skip_invalid``, if none can. The writes share one reversion revision by ``by`` (the system
    user when None), "Imported from <source>"; an import that changes nothing makes no revision.
    """
    with transaction.atomic():
        report = plan_import(parsed, refusals=refusals, progress=progress)
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
            new = [reference for reference in changed if reference.pk is None]
            for reference in changed:
                if reference.pk is not None:
                    reference.save()
            # New rows a few hundred to an INSERT (a 20,000-entry file spent half its time in
            # one INSERT each), normalised as Reference.save() does, then added to the revision.
            for reference in new:
                reference.doi, reference.pmid = normalize_doi(reference.doi), normalize_pmid(reference.pmid)
            Reference.objects.bulk_create(new, batch_size=500)
            for reference in new:
                reversion.add_to_revision(reference)


AUDITED_REFUSALS = 200


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
        # The first few hundred, to say what went wrong without the record outgrowing the file.
        details["refused"] = [refusal.message() for refusal in report.refusals[:AUDITED_REFUSALS]]
        details["refused_count"] = report.refused_count
    audit.record(audit.Action.IMPORT, actor=actor, target=f"{via} {source}", **details)


class _Refused(Exception):
    """Raised while planning one entry; ``dropping``: an earlier entry refused with it."""

    def __init__(self, *refusals: Refusal, dropping: ParsedReference | None = None) -> None:
        super().__init__(refusals)
        self.refusals = list(refusals)
        self.dropping = dropping


def plan_import(
    parsed: list[ParsedReference],
    *,
    refusals: Iterable[Refusal] = (),
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """What importing would do with each entry, validated but unsaved: nothing is written.

    Entries that cannot be imported are refused (with ``refusals``, those the reader refused),
    among them conflicts: a DOI or PMID that names a stored reference (or an earlier entry) with
    a clearly different title. A conflict is never resolved by overwriting either one.
    ``progress(done, total)`` is called every few hundred entries, and at the end.
    """
    outcomes: list[Outcome] = []
    refusal_list = list(refusals)
    dropped: set[int] = set()  # ids of the parsed entries refused after they were planned
    stored = _Stored(parsed)
    firsts = _FirstInFile()
    for number, entry in enumerate(parsed, start=1):
        if progress is not None and (number % PROGRESS_EVERY == 0):
            progress(number, len(parsed))
        try:
            earlier = _same_in_file(entry, firsts)
            if earlier is not None:
                outcomes.append(_merge_into(earlier, entry))
                firsts.add(earlier)  # it may have gained a DOI or PMID
                continue
            outcome = _plan_one(entry, stored)
        except _Refused as exc:
            refusal_list += exc.refusals
            if exc.dropping is not None:
                dropped.add(id(exc.dropping))
            continue
        stored.keys.add(outcome.reference.key)
        firsts.add(outcome)
        outcomes.append(outcome)
    if progress is not None:
        progress(len(parsed), len(parsed))
    unique, in_review = _Unique(stored), _InReview()
    for outcome in outcomes:
        if id(outcome.parsed) in dropped:
            continue
        reasons = []
        if outcome.action != SKIPPED and outcome.duplicate_of is None:
            reasons = _validate(outcome) or unique.check(outcome.reference)
        if outcome.action == UPDATED and (frozen := in_review.refusal(outcome.reference)):
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


# Where a main title ends and its subtitle (or a note such as "(preprint)") begins.
_MAIN_TITLE = re.compile(r":|\(|\[|\s[-–—]\s|\?\s|\.\s")


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
    """1.0 for the same title however written, with a subtitle added, or with the main title (of
    two words or more, before a colon, bracket or dash) kept and the rest changed; otherwise the
    share of words in common (Dice's coefficient, spelling variants counted as the same word)."""
    words, others = _words(one), _words(other)
    if not words or not others or words == others:
        return 1.0
    for main, rest in (
        (_words(_MAIN_TITLE.split(one, 1)[0]), others),
        (_words(_MAIN_TITLE.split(other, 1)[0]), words),
    ):
        if len(set(main)) >= 2 and _matched(main, rest) == len(set(main)):
            return 1.0
    shorter, longer = sorted((words, others), key=len)
    matched, distinct = _matched(shorter, longer), len(set(shorter))
    if matched == distinct:
        return 1.0
    return 2 * matched / (distinct + len(set(longer)))


def _matched(words: list[str], others: list[str]) -> int:
    """How many of the distinct ``words`` have a word of their own among ``others``."""
    unmatched = list(dict.fromkeys(others))
    matched = 0
    for word in dict.fromkeys(words):
        found = next((candidate for candidate in unmatched if _same_word(word, candidate)), None)
        if found is not None:
            unmatched.remove(found)
            matched += 1
    return matched


def titles_clearly_differ(one: str, other: str) -> bool:
    """True when two titles are of different works; an empty title differs from nothing."""
    return title_similarity(one, other) < SAME_TITLE_THRESHOLD


# --- finding the entry's reference -----------------------------------------------------------


def _conflicts(fields: dict, other: dict) -> bool:
    """True if both name a DOI, or both a PMID, and they differ: two different sources."""
    return any(
        fields.get(name) and other.get(name) and fields[name] != other[name] for name in ("doi", "pmid")
    )


class _FirstInFile:
    """The first entry of the file with each DOI, PMID and key (repeats are merged into it)."""

    def __init__(self) -> None:
        self.firsts: dict[tuple[str, str], Outcome] = {}

    def add(self, outcome: Outcome) -> None:
        fields = outcome.parsed.fields
        for name in ("doi", "pmid"):
            if fields.get(name):
                self.firsts.setdefault((name, fields[name]), outcome)
        if outcome.parsed.key:
            self.firsts.setdefault(("key", outcome.parsed.key), outcome)

    def get(self, name: str, value: str) -> Outcome | None:
        return self.firsts.get((name, value)) if value else None


def _same_in_file(entry: ParsedReference, firsts: _FirstInFile) -> Outcome | None:
    """The earlier entry of this file that is the same source, or None; raises _Refused for an
    earlier entry that shares its identifier or key but not its title."""
    for name in ("doi", "pmid"):
        value = entry.fields.get(name, "")
        if (outcome := firsts.get(name, value)) is not None:
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
    if (outcome := firsts.get("key", entry.key)) is not None:
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


def _find_existing(entry: ParsedReference, stored: _Stored) -> tuple[Reference | None, str]:
    fields = entry.fields
    by_doi = stored.get("doi", fields.get("doi", ""))
    by_pmid = stored.get("pmid", fields.get("pmid", ""))
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
        found = stored.get("key", entry.key)
        return (found, "key") if found and not _conflicts(fields, _identifiers(found)) else (None, "")
    # No key of its own (RIS without ID, MEDLINE without PMID): the same title and year is the
    # same source, so importing the file again does not add a copy under a new generated key.
    found = stored.by_title(fields.get("title", ""), fields.get("year"))
    if found and not _conflicts(fields, _identifiers(found)):
        return found, "title and year"
    return None, ""


def _identifiers(reference: Reference) -> dict:
    return {"doi": reference.doi, "pmid": reference.pmid}


def _plan_one(entry: ParsedReference, stored: _Stored) -> Outcome:
    existing, how = _find_existing(entry, stored)
    if existing is None:
        base = entry.key or base_key({"authors": "", "title": "", "year": None, **entry.fields})
        reference = Reference(key=unique_key(base, stored.keys), **entry.fields)
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
    """Field lengths and URL syntax, as the model defines them: what is wrong. (Uniqueness is
    checked by :class:`_Unique`, without a query per reference.)"""
    reference = outcome.reference
    try:
        # Not full_clean(): the model's clean() asks for an access date, which the publish gate
        # reports; a reference file without one is still worth importing.
        reference.clean_fields()
    except ValidationError as exc:
        return [
            f"{name.replace('_', ' ')}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        ]
    return []


# --- the stored references, read once per import ---------------------------------------------

PROGRESS_EVERY = 500
# Values in one "IN (…)" query: well under SQLite's limit on a statement's parameters.
_CHUNK = 500


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


class _Stored:
    """The stored references an import's entries can match (by DOI, PMID, key, or title and
    year), read in a few queries for the whole file rather than several per entry; and every
    key in use, to give new references free ones. Each stored reference is one instance."""

    def __init__(self, parsed: list[ParsedReference]) -> None:
        self._by: dict[tuple[str, str], Reference] = {}
        self._titles: dict[str, list[Reference]] = {}
        instances: dict[int, Reference] = {}
        wanted = {name: {e.fields[name] for e in parsed if e.fields.get(name)} for name in ("doi", "pmid")}
        wanted["key"] = {e.key for e in parsed if e.key}
        for name, values in wanted.items():
            for chunk in _chunks(values):
                for ref in Reference.objects.filter(**{f"{name}__in": chunk}):
                    self._by[(name, getattr(ref, name))] = instances.setdefault(ref.pk, ref)
        # Titles are matched ignoring case, as far as the database's lower() goes (ASCII in SQLite).
        titles = {e.fields["title"] for e in parsed if not e.key and e.fields.get("title")}
        for chunk in _chunks(titles):
            lowered = [title.lower() for title in chunk]
            query = Q(title__in=chunk) | Q(lower_title__in=lowered)
            for ref in Reference.objects.annotate(lower_title=Lower("title")).filter(query).order_by("key"):
                matches = self._titles.setdefault(ref.title.casefold(), [])
                if ref not in matches:
                    matches.append(instances.setdefault(ref.pk, ref))
        self._years = {ref.pk: ref.year for refs in self._titles.values() for ref in refs}
        self.keys: set[str] = set(Reference.objects.values_list("key", flat=True))

    def get(self, name: str, value: str) -> Reference | None:
        return self._by.get((name, value)) if value else None

    def by_title(self, title: str, year: int | None) -> Reference | None:
        """The first stored reference (by key) with this title, whatever its case, and year."""
        candidates = self._titles.get(title.casefold(), []) if title else []
        return next((ref for ref in candidates if self._years[ref.pk] == year), None)


class _Unique:
    """The model's unique key, DOI and PMID, checked in memory across the planned references:
    the stored holders of the file's DOIs, PMIDs and keys were all read by :class:`_Stored`,
    and new keys were chosen free of every stored one."""

    def __init__(self, stored: _Stored) -> None:
        self.stored = stored
        self.planned: dict[tuple[str, str], Reference] = {}

    def check(self, reference: Reference) -> list[str]:
        problems = []
        for name in ("key", "doi", "pmid"):
            value = getattr(reference, name)
            if not value:
                continue
            holder = self.stored.get(name, value)
            if holder is None or holder is reference:
                holder = self.planned.setdefault((name, value), reference)
            if holder is not reference:
                label = name.upper() if name != "key" else "key"
                problems.append(f"{name}: another reference, {holder.key}, has this {label} too.")
        return problems


class _InReview:
    """Which references pages in expert review may show, read once: those the pages list, and
    those whose key their text holds. Only for these is :func:`refusal_change_in_review` asked,
    which decides (and reads the pages again, for one reference)."""

    def __init__(self) -> None:
        pages = Condition.objects.awaiting_review()
        self.listed = set(
            ConditionReference.objects.filter(condition__in=pages).values_list("reference_id", flat=True)
        )
        texts = [*Section.objects.filter(condition__in=pages).values_list("body", flat=True)]
        for answer, details in ShortAnswer.objects.filter(condition__in=pages).values_list(
            "answer", "details"
        ):
            texts += [answer, details]
        self.text = "\n".join(texts)

    def refusal(self, reference: Reference) -> str | None:
        if reference.pk not in self.listed and f"@{reference.key}" not in self.text:
            return None
        return refusal_change_in_review(reference)
