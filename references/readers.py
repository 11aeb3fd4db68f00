"""Readers for the reference-manager formats: BibTeX (bibtexparser), RIS (rispy), CSL-JSON and
MEDLINE, each turning a file's text into raw entries with the line each came from, plus the
name, date and note clean-ups they share. :mod:`references.importers` validates and writes them.

Every reader is ``read_x(text) -> (entries, problems)`` and never raises: a record it cannot
read becomes one :class:`Problem` (a ``str`` naming its line) and the other records are still
read; a file that cannot be read at all (JSON nested beyond any real export) is one problem.
A record that is not a reference (a biblatex ``@set``) is a problem marked ``skipped``.

Export notes are sorted (:func:`sort_note`): what a person wrote for the reference list stays
in ``note``, which AMA prints; export metadata (Scopus's "Cited By", Zotero's "tex.*" lines,
a second "doi: …") goes to ``private_note``, and the identifiers found there fill their fields.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import bibtexparser
import rispy
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.middlewares.names import (
    InvalidNameError,
    NameParts,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry, ParsingFailedBlock

from .latex import LatexTooDeep, latex_to_text
from .models import Reference
from .parsing import parse_date

Kind = Reference.Kind
__all__ = ["Problem", "RawEntry", "latex_to_text", "read_bibtex", "read_csl_json", "read_medline", "read_ris"]

_RIS_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])  - ?(?P<value>.*)$")
_MEDLINE_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{1,3}) *- (?P<value>.*)$")

# --- what parsing produces -------------------------------------------------------------------


@dataclass
class RawEntry:
    """One entry as a format reader found it: values still as written, each with its line.

    Values are named after Reference fields; ``authors`` and ``editors`` are lists of names,
    ``published_online`` and ``accessed_on`` a date or the text given.
    """

    line: int
    kind: str
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)  # field -> (value, line)
    key: str = ""
    item: int | None = None  # CSL-JSON: the item's number in the array

    def where(self, name: str | None = None) -> str:
        if self.item is not None:
            return f"item {self.item} (line {self.line})"
        return f"line {self.values[name][1] if name in self.values else self.line}"

    def put(self, name: str, value: Any, line: int | None = None) -> None:
        if value not in (None, "", []) and name not in self.values:
            self.values[name] = (value, line or self.line)


class Problem(str):
    """One problem of a file, as the message the importer shows ("line 12: …").

    ``line`` is where it is (0 for the whole file); ``skipped`` is True for a record that is
    not a reference (a biblatex ``@set``), which leaving out loses nothing.
    """

    line: int
    skipped: bool

    def __new__(cls, line: int, message: str, *, skipped: bool = False, where: str = "") -> Problem:
        problem = super().__new__(cls, f"{where or f'line {line}'}: {message}" if line else message)
        problem.line = line
        problem.skipped = skipped
        return problem


_TOO_DEEP = (
    "the file nests brackets or braces more deeply than any reference manager writes, "
    "so it cannot be read safely; check that it is an export and not damaged."
)

# --- names, dates and the other shared clean-ups ---------------------------------------------

_SUFFIX = re.compile(r"(?:Jr|Sr|II|III|IV)\.?")
# How the site stores a person: "Doe JA", "van der Berg M", "Smith J Jr". For a stripped name. The
# spaces before the initials are taken from the start of their run: the lazy family name would
# otherwise stop at each place inside a run and rescan the rest of it (quadratic: a 144 KB run in
# an author's line held an export for 43 s).
AMA_PERSON = re.compile(
    r"(?P<family>.+?)(?<!\s)\s+(?P<initials>[A-Z]{1,4})(?:\s+(?P<suffix>Jr|Sr|II|III|IV))?"
)


def initials(given: str) -> str:
    """ "John A." -> "JA", "Jean-Paul" -> "JP"; initials already run together ("JA") are kept."""
    out = []
    for token in re.split(r"[\s.]+", given):
        for part in token.split("-"):
            if re.fullmatch(r"[A-Z]{2,3}", part):
                out.append(part)
            elif part[:1].isalpha():
                out.append(part[0].upper())
    return "".join(out)


def ama_name(family: str, given: str = "", suffix: str = "") -> str:
    """One author as the site stores it: family name, initials, suffix ("Smith J Jr")."""
    parts = (" ".join(family.split()), initials(given), suffix.strip().rstrip("."))
    return " ".join(part for part in parts if part)


def name_from_text(text: str) -> str:
    """An author written "Family, Given[, Suffix]" (RIS, MEDLINE FAU); without a comma the name
    is already "Doe JA" or is an organisation, and is kept as written."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) == 1 or not parts[0]:
        return " ".join(text.split())
    suffix = parts[2] if len(parts) > 2 and _SUFFIX.fullmatch(parts[2]) else ""
    return ama_name(parts[0], parts[1], suffix)


def parse_year(value: Any) -> int | None:
    """The year a date-ish value starts with: 2021, "2021", "2021///", "2021 Mar 15", "2021-03"."""
    match = re.match(r"\s*(\d{4})(?!\d)", str(value))
    year = int(match.group(1)) if match else 0
    return year if 1000 <= year <= 2999 else None


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def parse_day(value: Any) -> date | None:
    """A full date: "2020-08-24", "2020/08/24/", "20200824", "2020 Aug 24", "24 Aug 2020",
    "Aug 24, 2020"; else None."""
    text = str(value).strip().rstrip("/")
    match = re.fullmatch(r"(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})(?:[T /].*)?", text)
    if match and (len(text) != 8 or text.isdigit()):
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    match = re.fullmatch(r"(\d{4}) ([A-Za-z]{3})[a-z]*\.? (\d{1,2})", text)  # MEDLINE and PubMed's way
    if match and match.group(2).lower() in _MONTHS:
        try:
            return date(int(match.group(1)), _MONTHS.index(match.group(2).lower()) + 1, int(match.group(3)))
        except ValueError:
            return None
    return parse_date(text)


def clean_key(key: Any) -> str:
    """A key from the file as a valid citation key: [A-Za-z0-9_-], not starting with "-"."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(key or "")).strip("-")[:80]


_EDITION_WORDS = {
    word: str(number)
    for number, word in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), 1
    )
}


def clean_edition(value: str) -> str:
    """ "11th ed." or "Eleventh edition" -> "11" (the site adds "th ed."); other text is kept."""
    match = re.fullmatch(r"(\w+?)(?:st|nd|rd|th)?\.?(?:\s+ed(?:ition)?\.?)?", value.strip(), re.IGNORECASE)
    if match and match.group(1).isdigit():
        return match.group(1)
    word = re.fullmatch(r"(\w+)(?:\s+ed(?:ition)?\.?)?", value.strip(), re.IGNORECASE)
    return _EDITION_WORDS.get(word.group(1).lower(), value.strip()) if word else value.strip()


def clean_abbreviation(value: str) -> str:
    """A journal abbreviation as NLM and AMA write it, without full stops: Scopus and Crossref
    write "N. Engl. J. Med.", PubMed and AMA "N Engl J Med"."""
    return " ".join(re.sub(r"\.(?=\w)", " ", value).replace(".", "").split())


def clean_pages(value: Any) -> Any:
    """Pages with a hyphen between the first and last, whatever dash the file used."""
    return re.sub(r"\s*(?:--|[–—‐‑−])\s*", "-", value) if isinstance(value, str) else value


def with_subtitle(title: str, subtitle: str) -> str:
    """ "Title: Subtitle", unless the title already ends with it or with its own colon."""
    title, subtitle = title.strip(), subtitle.strip()
    if not subtitle or title.casefold().endswith(subtitle.casefold()):
        return title
    return f"{title}{'' if title.endswith((':', '?', '!')) else ':'} {subtitle}" if title else subtitle


# PubMed addresses: today's and the old www.ncbi.nlm.nih.gov/pubmed/N (also "?term=N").
_PUBMED_URL = re.compile(
    r"https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/(?:pubmed|entrez/query\.fcgi\?.*?"
    r"list_uids=)/?(?:\?term=)?)(\d{1,9})(?!\d)",
    re.IGNORECASE,
)


def pmid_from_url(url: Any) -> str | None:
    match = _PUBMED_URL.match(str(url).strip()) if url else None
    return match.group(1) if match else None


# --- notes: what AMA prints, and what only editors should see ---------------------------------

# A note part that is export metadata: a label reference managers and databases write.
_METADATA_LABELS = (
    r"cited by|export date|source|correspondence address|references|funding details|funding text(?: \d+)?"
    r"|chemicals/cas|tradenames|manufacturers|molecular sequence numbers|language of original document"
    r"|abbreviated source title|document type|publication stage|open access|coden|issn|isbn|pubmed id"
    r"|pmid|pmcid|nihmsid|doi|publisher|place|type|num(?:ber of)? pages|accepted|issue|section|medium"
    r"|accession number|abstract|keywords|author keywords|index keywords|citation key|status|version"
    r"|archive|loc\. in archive|library catalog|call number|rights|extra|art\. no\.?|article number"
    r"|journal abbreviation|short title|url|accessed|date added|date modified|language|epub"
    r"|tex\.[\w-]+|_[\w-]+|[a-z]+(?:[-_][a-z]+)+"
)
_METADATA = re.compile(rf"(?:{_METADATA_LABELS})\s*:", re.IGNORECASE)
# Zotero's "original-date: 2019", Manubot's "standard_id: doi:10.1000/x".
_CSL_VARIABLE = re.compile(r"[a-z]+(?:[-_][a-z]+)+\s*:")
_SPLIT_NOTE = re.compile(rf"\s*;\s*(?=(?:{_METADATA_LABELS})\s*:)", re.IGNORECASE)
_MACHINE_TEXT = re.compile(
    r"<\w[^<>]*>|\[Indexed for MEDLINE\]|\b(?:ppublish|aheadofprint|epublish)\b|^Epub\b"
    r"|\b(?:generated|exported|imported) (?:by|from|with)\b",
    re.IGNORECASE,
)
_NOTE_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.IGNORECASE)
_NOTE_DOI = re.compile(r"\bdoi\s*:\s*(10\.\d{4,9}/\S+?)[.;,]?(?:\s|$)", re.IGNORECASE)
_NOTE_ARTICLE_NUMBER = re.compile(r"^(?:art\. no\.?|article number)\s*:\s*(\S+?)\.?$", re.IGNORECASE)
_NOTE_ABBREVIATION = re.compile(r"^(?:journal abbreviation|container-title-short)\s*:\s*(.+)$", re.IGNORECASE)
# Longer than any note AMA prints: an abstract or a pasted record.
_LONGEST_PUBLIC_NOTE = 300
_MOST_NOTE_LINES = 3


@dataclass
class SortedNote:
    public: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)  # pmid, doi, elocator, journal_abbreviation


def sort_note(texts: Iterable[str]) -> SortedNote:
    """Split notes into parts (lines, and "; " before a metadata label as Scopus writes them)
    and sort each: metadata and machine text to private, the rest to public. PMIDs, DOIs,
    article numbers and journal abbreviations found in them are returned in ``found``."""
    note = SortedNote()
    for text in texts:
        lines = [line.strip() for line in str(text).splitlines() if line.strip()]
        # Three lines or more is a record's leftovers (EndNote's N1 of a PubMed record: ISSN,
        # author, publication type, country, citation), not a note written for the list.
        leftovers = len(lines) >= _MOST_NOTE_LINES
        for line in lines:
            for part in _SPLIT_NOTE.split(line):
                _sort_part(part.strip(), note, private=leftovers)
    return note


def _sort_part(part: str, note: SortedNote, *, private: bool = False) -> None:
    if not part:
        return
    for name, pattern in (("pmid", _NOTE_PMID), ("doi", _NOTE_DOI)):
        if match := pattern.search(part):
            note.found.setdefault(name, match.group(1))
    for name, pattern in (("elocator", _NOTE_ARTICLE_NUMBER), ("journal_abbreviation", _NOTE_ABBREVIATION)):
        if match := pattern.match(part):
            note.found.setdefault(name, match.group(1).strip())
    machine = _METADATA.match(part) or _CSL_VARIABLE.match(part) or _MACHINE_TEXT.search(part)
    if private or machine or len(part) > _LONGEST_PUBLIC_NOTE:
        note.private.append(part)
    else:
        note.public.append(part)


def finish_entry(raw: RawEntry, public: Iterable[str], private: Iterable[str], line: int | None) -> None:
    """The last step of the BibTeX, RIS and CSL-JSON readers: the notes sorted into ``note`` and
    ``private_note`` (identifiers found there fill their fields); pages dropped that are only the
    article number again (Zotero writes "e0281234" as both), which AMA prints once, in their
    place; and a journal title written abbreviated ("J. Clin. Hypertens.", as JabRef and some
    RIS exports give it) taken as the abbreviation AMA prints."""
    note = sort_note(public)
    note.private += [part.strip() for text in private for part in str(text).splitlines() if part.strip()]
    raw.put("note", "; ".join(note.public), line)
    raw.put("private_note", "\n".join(note.private), line)
    for name, value in note.found.items():
        raw.put(name, clean_abbreviation(value) if name == "journal_abbreviation" else value, line)
    if "elocator" in raw.values and raw.values.get("pages", ("",))[0] == raw.values["elocator"][0]:
        del raw.values["pages"]
    journal, where = raw.values.get("container_title", ("", None))
    if raw.kind == Kind.JOURNAL_ARTICLE and isinstance(journal, str) and _ABBREVIATED.fullmatch(journal):
        raw.put("journal_abbreviation", clean_abbreviation(journal), where)


# Two words or more, each abbreviated with a full stop or short and capitalised: "J. Clin. Invest."
_ABBREVIATED_WORD = r"(?:[A-Z][A-Za-z]*\.(?:[A-Z]\.)*|[A-Z][A-Za-z]{0,3}|&)"
_ABBREVIATED = re.compile(rf"(?=(?:.*\.){{2}}){_ABBREVIATED_WORD}(?: {_ABBREVIATED_WORD})+")


# --- BibTeX (bibtexparser) -------------------------------------------------------------------

# Our field: the BibTeX and biblatex fields it is read from, the first one present winning.
_BIBTEX_FIELDS = {
    "container_title": ("journaltitle", "journal", "booktitle"),
    "journal_abbreviation": ("shortjournal", "journalabbreviation", "journal-abbreviation", "journalabbrev"),
    "series": ("series",),
    "edition": ("edition",),
    "publisher": ("publisher", "institution"),
    "place": ("location", "address"),
    "year": ("year", "date"),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "elocator": ("eid", "articleno", "article-number", "articlenumber"),
    "url": ("url",),
    "doi": ("doi",),
    "pmid": ("pmid",),
    "accessed_on": ("urldate",),
    "published_online": ("published-online",),  # written by this site's own export
}
_BIBTEX_LATEX = {"container_title", "journal_abbreviation", "series", "edition", "publisher", "place"}
_BIBTEX_KINDS = {
    "article": Kind.JOURNAL_ARTICLE,
    "book": Kind.BOOK,
    "mvbook": Kind.BOOK,
    "inbook": Kind.BOOK_CHAPTER,
    "incollection": Kind.BOOK_CHAPTER,
    "bookinbook": Kind.BOOK_CHAPTER,
    "collection": Kind.BOOK,
    "mvcollection": Kind.BOOK,
    "reference": Kind.BOOK,
    "mvreference": Kind.BOOK,
    "inreference": Kind.BOOK_CHAPTER,
    "online": Kind.WEB_PAGE,
    "www": Kind.WEB_PAGE,
    "electronic": Kind.WEB_PAGE,
}
# biblatex entry types that group or hold data for other entries: not references themselves.
_BIBTEX_GROUPS = ("set", "xdata")
# Fields a child does not take from its crossref parent: they are the parent's own.
_NOT_INHERITED = {"ids", "crossref", "xref", "xdata", "doi", "pmid", "url", "urldate", "pages", "note"}
_NOT_INHERITED |= {"annote", "annotation", "abstract", "keywords", "eprint", "eprinttype", "file", "eid"}
_INHERITED_AS = {"title": "booktitle", "subtitle": "booksubtitle", "author": "bookauthor"}
_BIBTEX_MONTHS = {name: name.capitalize() for name in _MONTHS}


def read_bibtex(text: str) -> tuple[list[RawEntry], list[str]]:
    try:
        # No middleware: macros, "#" and braces are resolved below, where "#" is understood.
        library = bibtexparser.parse_string(text, parse_stack=[])
    except RecursionError:
        return [], [Problem(0, _TOO_DEEP)]
    problems: list[str] = [
        Problem((block.start_line or 0) + 1, _bibtex_failure(block)) for block in library.failed_blocks
    ]
    strings: dict[str, str] = dict(_BIBTEX_MONTHS)
    for string in library.strings:  # in file order: a macro may use those defined before it
        strings[string.key.lower()] = _bibtex_value(string.value, strings)
    fields_of = {}
    for entry in library.entries:
        fields_of[entry.key.lower()] = {f.key.lower(): _bibtex_value(f.value, strings) for f in entry.fields}
    entries = []
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        if entry.entry_type.lower() in _BIBTEX_GROUPS:
            what = "a set of other entries" if entry.entry_type.lower() == "set" else "data for other entries"
            message = f"“@{entry.entry_type}{{{entry.key}}}” is {what} (biblatex), not a reference: skipped."
            problems.append(Problem(line, message, skipped=True))
            continue
        values = _inherit(fields_of[entry.key.lower()], fields_of)
        try:
            entries.append(_bibtex_entry(entry, values))
        except LatexTooDeep as exc:
            problems.append(Problem(line, f"the entry cannot be read: {exc}."))
    return entries, problems


def _bibtex_failure(block: ParsingFailedBlock) -> str:
    error = block.error
    if isinstance(block, DuplicateBlockKeyBlock):
        first = (block.previous_block.start_line or 0) + 1
        return f"the key “{block.key}” is already used by the entry on line {first}."
    if isinstance(block, DuplicateFieldKeyBlock):
        return f"the entry has more than one {', '.join(sorted(block.duplicate_keys))} field."
    if isinstance(error, BlockAbortedException):
        return (
            f"this entry cannot be read (check its braces, quotes and commas): {error.abort_reason.strip()}"
        )
    return f"this entry cannot be read: {error}"


def _bibtex_value(value: Any, strings: dict[str, str]) -> str:
    """A value as written ("{…}", "\\"…\\"", a number, a macro, or parts joined by "#") as its text:
    macros replaced by their @string (or month) text, the outer braces or quotes removed."""
    value = str(value).strip()
    if "#" not in value:  # nearly every value: one braced or quoted text, a number or a macro
        if value[:1] + value[-1:] in ("{}", '""'):
            return value[1:-1]
        return strings.get(value.lower(), value)
    parts, index = [], 0
    while index < len(value):
        opening = value[index]
        if opening in '{"':
            end = _closing(value, index)
            if end is None:
                return value  # unbalanced: kept as written for the reader to see
            parts.append(value[index + 1 : end])
            index = end + 1
        else:
            word = re.compile(r"[^\s#]+").match(value, index)
            if word is None:
                return value
            parts.append(strings.get(word.group().lower(), word.group()))
            index = word.end()
        separator = re.compile(r"\s*#\s*").match(value, index)
        if separator is None:
            break
        index = separator.end()
    return "".join(parts) if not value[index:].strip() else value


def _closing(text: str, start: int) -> int | None:
    """Where the brace group or quoted text opening at ``start`` ends (a quote ends only outside
    braces); None if it does not."""
    depth, index = 0, start + 1 if text[start] == '"' else start
    while index < len(text):
        character = text[index]
        if character == "\\":
            index += 2
            continue
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
            if depth == 0 and text[start] == "{":
                return index
        elif character == '"' and depth == 0 and text[start] == '"':
            return index
        index += 1
    return None


def _inherit(values: dict[str, str], entries: dict[str, dict[str, str]]) -> dict[str, str]:
    """The entry's fields with what its ``crossref`` (or ``xdata``) parent gives and it lacks:
    the parent's title is the child's book title, as BibTeX and biblatex define it."""
    values = dict(values)
    seen = set()
    parent_key = values.get("crossref") or values.get("xdata")
    while parent_key and parent_key.lower() in entries and parent_key.lower() not in seen:
        seen.add(parent_key.lower())
        parent = entries[parent_key.lower()]
        for name, value in parent.items():
            if name in _NOT_INHERITED:
                continue
            values.setdefault(_INHERITED_AS.get(name, name), value)
        parent_key = parent.get("crossref") or parent.get("xdata")
    return values


def _bibtex_kind(entry_type: str, values: dict[str, str]) -> str:
    subtype = values.get("type", "").lower()  # biblatex's free-text subtype, e.g. "Guideline"
    for word, kind in (("database", Kind.DATABASE), ("guideline", Kind.GUIDELINE)):
        if word in subtype:
            return kind
    if re.search(r"personal communication|expert opinion", subtype):
        return Kind.EXPERT_OPINION
    if entry_type in _BIBTEX_KINDS:
        return _BIBTEX_KINDS[entry_type]
    if entry_type in ("report", "techreport", "manual") and "guideline" in values.get("title", "").lower():
        return Kind.GUIDELINE
    # A @misc with a URL is how plain BibTeX writes a web page; a "type" says it is something else.
    has_url = "url" in values or "\\url{" in values.get("howpublished", "")
    if entry_type == "misc" and has_url and not subtype.strip():
        return Kind.WEB_PAGE
    return Kind.OTHER


def _bibtex_entry(entry: Entry, texts: dict[str, str]) -> RawEntry:
    start = (entry.start_line or 0) + 1
    lines = {f.key.lower(): (f.start_line or entry.start_line or 0) + 1 for f in entry.fields}

    def line(*names: str) -> int:
        return next((lines[name] for name in names if name in lines), start)

    raw = RawEntry(line=start, kind=_bibtex_kind(entry.entry_type.lower(), texts), key=entry.key)
    if raw.kind in (Kind.WEB_PAGE, Kind.DATABASE):
        raw.put("container_title", latex_to_text(texts.get("organization", "")), line("organization"))
    for people in ("author", "editor"):
        if texts.get(people, "").strip():
            raw.put(f"{people}s", _bibtex_people(texts[people]), line(people))
    title = with_subtitle(latex_to_text(texts.get("title", "")), latex_to_text(texts.get("subtitle", "")))
    raw.put("title", title, line("title", "subtitle"))
    if raw.kind == Kind.BOOK_CHAPTER and texts.get("booktitle"):
        book = latex_to_text(texts["booktitle"])
        raw.put("container_title", with_subtitle(book, latex_to_text(texts.get("booksubtitle", ""))))
    for name, sources in _BIBTEX_FIELDS.items():
        for source in sources:
            if texts.get(source, "").strip():
                value = latex_to_text(texts[source]) if name in _BIBTEX_LATEX else texts[source].strip()
                raw.put(name, value, line(source))
                break
    if "journal_abbreviation" in raw.values:
        abbreviation, where = raw.values.pop("journal_abbreviation")
        raw.put("journal_abbreviation", clean_abbreviation(abbreviation), where)
    raw.put("pages", clean_pages(texts.get("pages", "").strip()), line("pages"))
    eprint_type = (texts.get("eprinttype") or texts.get("archiveprefix") or "").strip().lower()
    if eprint_type in ("pubmed", "pmid"):
        raw.put("pmid", texts.get("eprint"), line("eprint"))
    elif eprint_type == "doi":
        raw.put("doi", texts.get("eprint"), line("eprint"))
    published = texts.get("howpublished", "")
    # Up to its last "}": no "\url{" after it can close, and each would be rescanned to the end.
    howpublished = re.search(r"\\url\{([^}]+)\}", published[: published.rfind("}") + 1])
    if howpublished:
        raw.put("url", howpublished.group(1), line("howpublished"))
    raw.put("pmid", pmid_from_url(texts.get("url")), line("url"))
    # annote (BibTeX), annotation (biblatex) and JabRef's comment are the editor's own remarks.
    mine = ("annote", "annotation", "comment")
    private = [latex_to_text(texts[name]) for name in mine if texts.get(name, "").strip()]
    notes = [latex_to_text(texts[name]) for name in ("note",) if texts.get(name, "").strip()]
    finish_entry(raw, notes, private, line("note", "annote", "annotation"))
    return raw


def _bibtex_people(value: str) -> list[str]:
    return [_bibtex_name(name.strip()) for name in split_multiple_persons_names(value)]


@functools.lru_cache(maxsize=16384)  # the same people recur through a library
def _bibtex_name(name: str) -> str:
    if name == "others":
        return "et al"
    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except InvalidNameError:
        return " ".join(latex_to_text(name).split())
    return _bibtex_person(parts)


def _bibtex_person(parts: NameParts) -> str:
    family = " ".join(latex_to_text(part) for part in [*parts.von, *parts.last])
    given = " ".join(latex_to_text(part) for part in parts.first)
    return ama_name(family, given, " ".join(latex_to_text(part) for part in parts.jr))


# --- RIS (rispy) -----------------------------------------------------------------------------

_RIS_KINDS = {
    "JOUR": Kind.JOURNAL_ARTICLE,
    "JFULL": Kind.JOURNAL_ARTICLE,
    "EJOUR": Kind.JOURNAL_ARTICLE,
    "INPR": Kind.JOURNAL_ARTICLE,
    "BOOK": Kind.BOOK,
    "EBOOK": Kind.BOOK,
    "EDBOOK": Kind.BOOK,
    "CHAP": Kind.BOOK_CHAPTER,
    "ECHAP": Kind.BOOK_CHAPTER,
    "ELEC": Kind.WEB_PAGE,
    "BLOG": Kind.WEB_PAGE,
    "WEB": Kind.WEB_PAGE,
    "DBASE": Kind.DATABASE,
    "AGGR": Kind.DATABASE,
    "PCOMM": Kind.EXPERT_OPINION,
}
_RIS_REPORTS = ("RPRT", "GOVDOC", "STAND")
_RIS_TAGS = {name: tag for tag, name in rispy.TAG_KEY_MAPPING.items()}
# Research notes (RN) are the editor's own, one line each: read as a list, not run together.
RIS_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "RN"]
# An article number as EndNote and Scopus write it in M1 or C7: "e0123456", "102345", "CD001234".
_ARTICLE_NUMBER = re.compile(r"(?:[A-Za-z]{1,3}\d{3,}|\d{5,})")


@dataclass
class _RisRecord:
    start: int
    lines: list[str]
    tags: dict[str, int]  # first line of each tag


def _ris_records(text: str) -> tuple[list[_RisRecord], list[str]]:
    """The TY … ER records, with the line each tag is on; text between records is ignored
    (exporters put headers and numbers there), a tag outside a record is not."""
    records: list[_RisRecord] = []
    problems: list[str] = []
    current: _RisRecord | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _RIS_TAG.match(line)
        tag = match["tag"] if match else None
        if tag == "TY":
            if current is not None:
                problems.append(
                    Problem(current.start, f"the record has no “ER  - ” line before line {number}.")
                )
            current = _RisRecord(number, [line], {"TY": number})
        elif current is None:
            if tag:
                problems.append(
                    Problem(number, f"“{tag}” is outside a record (records start with “TY  - ”).")
                )
        else:
            current.lines.append(line)
            if tag:
                current.tags.setdefault(tag, number)
            if tag == "ER":
                records.append(current)
                current = None
    if current is not None:
        problems.append(Problem(current.start, "the record has no “ER  - ” line (the file ends first)."))
    return records, problems


def read_ris(text: str) -> tuple[list[RawEntry], list[str]]:
    records, problems = _ris_records(text)
    entries = []
    for record in records:
        try:
            # One URL per UR line: rispy would otherwise split URLs that contain ";".
            (data,) = rispy.loads(_ris_text(record.lines), delimiter_tags_mapping={}, list_tags=RIS_LIST_TAGS)
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            problems.append(Problem(record.start, f"the record cannot be read ({exc})."))
            continue
        entries.append(_ris_entry(record, data))
    return entries, problems


def _ris_text(lines: list[str]) -> str:
    """A record's lines with each value on one line: a line without a tag continues the value
    above (joined with a space), or in a note is a note line of its own. rispy would join them
    itself, but by copying the value so far at each line (quadratic in a value of many lines)."""
    values: list[list[str]] = []
    for line in lines:
        if _RIS_TAG.match(line) or not values:
            values.append([line])
        elif values[-1][0].startswith("N1  -"):
            values.append([f"N1  - {line.strip()}"])
        elif line.strip():
            values[-1].append(line.strip())
    return "\n".join(" ".join(parts) for parts in values)


def _ris_kind(data: dict) -> str:
    kind_tag = str(data.get("type_of_reference", "")).strip().upper()
    subtype = f"{data.get('type_of_work', '')} {data.get('title') or data.get('primary_title') or ''}"
    if kind_tag in _RIS_REPORTS and "guideline" in subtype.lower():
        return Kind.GUIDELINE
    if kind_tag in ("ELEC", "WEB") and "database" in str(data.get("type_of_work", "")).lower():
        return Kind.DATABASE
    return _RIS_KINDS.get(kind_tag, Kind.OTHER)


def _ris_entry(record: _RisRecord, data: dict) -> RawEntry:
    raw = RawEntry(line=record.start, kind=_ris_kind(data), key=str(data.get("id", "")))
    unknown = data.get("unknown_tag", {})

    def tag_line(key: str) -> int | None:
        return record.tags.get(_RIS_TAGS.get(key, key))

    def first(*keys: str) -> tuple[str, int | None]:
        for key in keys:
            value = unknown.get(key, [""])[0] if key in unknown else data.get(key)
            if isinstance(value, list):
                value = value[0] if value else ""
            if value and str(value).strip():
                return str(value).strip(), tag_line(key)
        return "", None

    def take(name: str, *keys: str) -> None:
        value, line = first(*keys)
        raw.put(name, value, line)

    article = raw.kind == Kind.JOURNAL_ARTICLE
    names = [*data.get("first_authors", []), *data.get("authors", [])]
    raw.put("authors", [name_from_text(name) for name in names], record.tags.get("AU", record.tags.get("A1")))
    # A2 is the book's editor in a chapter or book; ED says so in any kind.
    editors = [*unknown.get("ED", []), *(data.get("secondary_authors", []) if not article else [])]
    raw.put(
        "editors", [name_from_text(name) for name in editors], record.tags.get("ED", record.tags.get("A2"))
    )
    take("title", "title", "primary_title")
    if raw.kind == Kind.BOOK:  # a book's T2 is its series, BT (EndNote) its title
        take("title", "BT")
        take("series", "tertiary_title", "secondary_title")
    else:
        take("series", "tertiary_title")
        take("container_title", "secondary_title", "alternate_title3", "BT")
    # JO, JA and J2 are abbreviations when a full title (T2, JF) is given; alone, JO is the title.
    abbreviations = ("alternate_title2", "journal_name", "alternate_title1")
    abbreviation, line = first(*abbreviations)
    if "container_title" not in raw.values:
        take("container_title", *abbreviations)
        abbreviation, line = first(*abbreviations[abbreviations.index(_key_of(data, abbreviation)) + 1 :])
    if abbreviation:
        raw.put("journal_abbreviation", clean_abbreviation(abbreviation), line)
    edition, line = first("edition")
    online = parse_day(edition) if article and edition else None
    if online:  # EndNote's journal article has no edition: its ET is the "Epub Date"
        raw.put("published_online", online, line)
    else:
        raw.put("edition", edition, line)
    for key in ("date", "access_date"):  # DA or Y2 given as an online date: "Epub 2020 Jan 5"
        value, line = first(key)
        if re.match(r"(?:epub|published online)\b", value, re.IGNORECASE):
            raw.put("published_online", parse_day(re.sub(r"^\D+", "", value)) or value, line)
        elif key == "access_date":
            raw.put("accessed_on", value, line)
    take("publisher", "publisher")
    take("place", "place_published")
    take("year", "year", "publication_year", "date")
    take("volume", "volume")
    take("issue", "number")
    start, end = data.get("start_page", ""), data.get("end_page", "")
    pages = f"{start}-{end}" if start and end and start != end else start or end
    raw.put("pages", clean_pages(pages), record.tags.get("SP"))
    value, line = first("custom7")  # C7 is "Article Number"; M1 holds one in some EndNote shapes
    if article and value:
        raw.put("elocator", value, line)
    value, line = first("note")
    if article and _ARTICLE_NUMBER.fullmatch(value) and value != data.get("number"):
        raw.put("elocator", value, line)
    if data.get("urls"):
        raw.put("url", data["urls"][0], record.tags.get("UR"))
    take("doi", "doi")
    _ris_pmid(raw, data, first)
    notes = ["\n".join(data.get("notes", []))]  # N1 lines, one note: EndNote writes a record's leftovers
    private = data.get("research_notes", [])
    finish_entry(raw, notes, private, record.tags.get("N1", record.tags.get("RN")))
    return raw


def _key_of(data: dict, value: str) -> str:
    """Which of the journal's abbreviation keys holds ``value`` (the one taken as its title)."""
    keys = ("alternate_title2", "journal_name", "alternate_title1")
    return next((key for key in keys if str(data.get(key, "")).strip() == value), keys[-1])


def _ris_pmid(raw: RawEntry, data: dict, first: Any) -> None:
    """RIS has no PMID tag: PubMed records carry it as the accession number (EndNote adds
    "DP  - NLM"), Scopus in C2, some databases as "PMID: N" in C2 or M3; or only the URL."""
    database = f"{data.get('name_of_database', '')} {data.get('database_provider', '')}".lower()
    accession, line = first("accession_number")
    if accession.isdigit() and (not database.strip() or re.search(r"pubmed|nlm|medline", database)):
        raw.put("pmid", accession, line)
    for key in ("custom2", "type_of_work"):
        value, line = first(key)
        match = re.fullmatch(r"(?:PMID\s*:?\s*)?(\d{1,9})", value, re.IGNORECASE)
        if match and (key == "custom2" or value.upper().startswith("PMID")):
            raw.put("pmid", match.group(1), line)
    for url in data.get("urls", []):
        raw.put("pmid", pmid_from_url(url), raw.values.get("url", (None, None))[1])


# --- CSL-JSON --------------------------------------------------------------------------------

_CSL_KINDS = {
    "article-journal": Kind.JOURNAL_ARTICLE,
    "article": Kind.JOURNAL_ARTICLE,
    "review": Kind.JOURNAL_ARTICLE,
    "book": Kind.BOOK,
    "chapter": Kind.BOOK_CHAPTER,
    "webpage": Kind.WEB_PAGE,
    "post": Kind.WEB_PAGE,
    "post-weblog": Kind.WEB_PAGE,
    "personal_communication": Kind.EXPERT_OPINION,
}
_CSL_FIELDS = {
    "container_title": ("container-title",),
    "journal_abbreviation": ("container-title-short", "journalAbbreviation"),
    "series": ("collection-title",),
    "edition": ("edition",),
    "publisher": ("publisher",),
    "place": ("publisher-place",),
    "volume": ("volume",),
    "issue": ("issue",),
    "pages": ("page",),
    "url": ("URL",),
    "doi": ("DOI",),
    "pmid": ("PMID",),
}


def read_csl_json(text: str) -> tuple[list[RawEntry], list[str]]:
    try:
        data = json.loads(text)
        lines = _item_lines(text, len(data)) if isinstance(data, list) else [1]
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return [], [Problem(exc.lineno, f"this is not valid JSON ({exc.msg}).", where=where)]
    except RecursionError:
        return [], [Problem(0, _TOO_DEEP)]
    if isinstance(data, dict):
        items = [data]
    elif isinstance(data, list):
        items = data
    else:
        return [], [Problem(1, "CSL-JSON is an array of items (or one item object).")]
    entries: list[RawEntry] = []
    problems: list[str] = []
    for number, (item, line) in enumerate(zip(items, lines, strict=True), start=1):
        where = f"item {number} (line {line})"
        if not isinstance(item, dict):
            problems.append(Problem(line, "an item is an object with “type” and “title”.", where=where))
            continue
        entry = _csl_entry(item, line, number, problems)
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _item_lines(text: str, count: int) -> list[int]:
    """The line each top-level array item starts on (json.loads does not say)."""
    decoder, index, lines = json.JSONDecoder(), text.index("[") + 1, []
    line, counted = 1, 0  # lines counted up to ``counted``: each stretch once, not from the start
    for _ in range(count):
        while text[index] in " \t\r\n,":
            index += 1
        line += text.count("\n", counted, index)
        counted = index
        lines.append(line)
        _, index = decoder.raw_decode(text, index)
    return lines


def _csl_kind(item: dict) -> str:
    kind = str(item.get("type", ""))
    genre = str(item.get("genre", "")).lower()
    for word, found in (("database", Kind.DATABASE), ("guideline", Kind.GUIDELINE)):
        if word in genre:
            return found
    if kind in ("report", "standard") and "guideline" in str(item.get("title", "")).lower():
        return Kind.GUIDELINE
    return _CSL_KINDS.get(kind, Kind.OTHER)


def _csl_text(value: Any) -> Any:
    """Crossref's JSON gives titles as lists of one; keep the first."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _csl_entry(item: dict, line: int, number: int, problems: list[str]) -> RawEntry | None:
    key = str(item.get("id", ""))
    # Zotero's own export names each item by its address ("http://zotero.org/users/…/items/…"):
    # no citation key, so one is made from the author and year, as for RIS.
    key = "" if "://" in key else key
    raw = RawEntry(line=line, kind=_csl_kind(item), key=key, item=number)
    for people in ("author", "editor"):
        names = item.get(people, [])
        if not isinstance(names, list) or not all(isinstance(name, dict) for name in names):
            problems.append(Problem(line, f"“{people}” should be a list of name objects.", where=raw.where()))
            return None
        raw.put(f"{people}s", [_csl_person(name) for name in names])
    title, subtitle = _csl_text(item.get("title")), _csl_text(item.get("subtitle"))
    if isinstance(title, str) and isinstance(subtitle, str):
        title = with_subtitle(title, subtitle)
    raw.put("title", title)
    for name, sources in _CSL_FIELDS.items():
        for source in sources:
            raw.put(name, _csl_text(item.get(source)))
    for name, clean in (("journal_abbreviation", clean_abbreviation), ("pages", clean_pages)):
        if isinstance(raw.values.get(name, (None,))[0], str):
            raw.values[name] = (clean(raw.values[name][0]), line)
    if raw.kind == Kind.JOURNAL_ARTICLE:  # an article's number is its article number (e-locator)
        raw.put("elocator", item.get("article-number") or item.get("number"))
    _csl_dates(raw, item)
    raw.put("pmid", pmid_from_url(item.get("URL")))
    notes = [item["note"]] if isinstance(item.get("note"), str) else []
    private = [item["annote"]] if isinstance(item.get("annote"), str) else []
    finish_entry(raw, notes, private, line)
    return raw


def _csl_dates(raw: RawEntry, item: dict) -> None:
    """The year of the issue, and the online date when the article was online first.

    Crossref and Manubot give ``issued`` as the earliest date, ``published-print`` as the
    issue's and ``published-online`` as the online one; Zotero gives ``issued`` alone."""
    printed = item.get("published-print") or item.get("issued")
    if printed not in (None, "", {}):
        year = _csl_date(printed, whole=False)
        raw.put("year", year if year is not None else json.dumps(printed))
    online = item.get("published-online")
    if online in (None, "", {}) and item.get("published-print"):
        online = item.get("issued")  # issued before the issue: the online date
    if online not in (None, "", {}):
        day = _csl_date(online, whole=True)
        if day is not None and (not printed or day != _csl_date(printed, whole=True)):
            raw.put("published_online", day)
    if item.get("accessed") not in (None, "", {}):
        value = _csl_date(item["accessed"], whole=True)
        raw.put("accessed_on", value if value is not None else json.dumps(item["accessed"]))


def _csl_person(author: dict) -> str:
    if author.get("literal"):
        return str(author["literal"])
    particles = (author.get("dropping-particle", ""), author.get("non-dropping-particle", ""))
    family = " ".join(str(part) for part in (*particles, author.get("family", "")) if part)
    return ama_name(family, str(author.get("given", "")), str(author.get("suffix", "")))


def _csl_date(value: Any, *, whole: bool) -> Any:
    """A CSL date as a year (``whole=False``) or a full date; None when it is not one."""
    if isinstance(value, dict) and value.get("date-parts"):
        try:
            parts = [int(part) for part in value["date-parts"][0]]
            return date(*parts) if whole else parts[0]
        except (TypeError, ValueError, IndexError):
            return None
    text = value.get("raw") or value.get("literal") if isinstance(value, dict) else value
    if text is None:
        return None
    return parse_day(text) if whole else text


# --- MEDLINE (PubMed .nbib) ------------------------------------------------------------------


def _medline_records(text: str) -> tuple[list[list[tuple[str, str, int]]], list[str]]:
    """Blank-line separated records of (tag, value, line); six-space lines continue a value."""
    # Each value as its lines, joined at the end: joining at each continuation line would copy
    # the value so far every time (quadratic in a value of many lines).
    records: list[list[tuple[str, list[str], int]]] = [[]]
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MEDLINE_TAG.match(line)
        if not line.strip():
            if records[-1]:
                records.append([])
        elif match and line[4:6] == "- ":
            records[-1].append((match["tag"], [match["value"].strip()], number))
        elif line.startswith("      ") and records[-1]:
            records[-1][-1][1].append(line.strip())
        else:
            problems.append(Problem(number, "not a MEDLINE line (“TAG - value”, or six spaces to continue)."))
    joined = [[(tag, " ".join(parts), first) for tag, parts, first in record] for record in records if record]
    return joined, problems


def read_medline(text: str) -> tuple[list[RawEntry], list[str]]:
    records, problems = _medline_records(text)
    return [_medline_entry(record) for record in records], problems


def _medline_entry(record: list[tuple[str, str, int]]) -> RawEntry:
    tags: dict[str, list[tuple[str, int]]] = {}
    for tag, value, line in record:
        tags.setdefault(tag, []).append((value, line))
    types = " ".join(value for value, _ in tags.get("PT", [])).lower()
    book = bool(tags.get("BTI"))
    kind = Kind.GUIDELINE if "guideline" in types else Kind.JOURNAL_ARTICLE
    if book:
        kind = Kind.BOOK_CHAPTER if tags.get("TI") else Kind.BOOK
    raw = RawEntry(line=record[0][2], kind=kind)

    def take(name: str, *sources: str) -> None:
        for source in sources:
            if tags.get(source):
                raw.put(name, *tags[source][0])
                return

    for name, short, full in (("authors", "AU", "FAU"), ("editors", "ED", "FED")):
        people = short if short in tags else full
        found = [
            (value, line) for tag, value, line in record if tag in (people, "CN" if name == "authors" else "")
        ]
        raw.put(name, [name_from_text(value) for value, _ in found], found[0][1] if found else None)
    # PubMed ends every title with a full stop; AMA formatting adds its own.
    for tag in ("TI", "BTI"):
        tags[tag] = [(_medline_text(value.removesuffix(".")), line) for value, line in tags.get(tag, [])]
    take("pmid", "PMID")
    take("title", "TI", "BTI")
    if kind == Kind.BOOK_CHAPTER:
        take("container_title", "BTI")
    else:
        # JT with NLM's place qualifier dropped: "Lancet (London, England)" is the Lancet.
        journal = [(re.sub(r"\s*\([^()]*\)$", "", value), line) for value, line in tags.get("JT", [])]
        tags["JT"] = journal
        take("container_title", "JT", "TA")
        take("journal_abbreviation", "TA")
    take("series", "CTI")
    take("edition", "EN")
    take("publisher", "PB")
    if book:  # an article's PL is the journal's country, not a place of publication
        take("place", "PL")
    take("year", "DP")
    take("volume", "VI")
    take("issue", "IP")
    for value, line in tags.get("DEP", []):
        raw.put("published_online", parse_day(value) or value, line)
    pages = tags.get("PG", [("", 0)])[0]
    for value, line in [*tags.get("LID", []), *tags.get("AID", [])]:
        if value.endswith("[doi]"):
            raw.put("doi", value.removesuffix("[doi]").strip(), line)
        elif value.endswith("[pii]") and not book:
            # An article number, not a publisher's item id like "S0140-6736(20)30469-4": an
            # article that has no pages, or whose "pages" are that number.
            pii = value.removesuffix("[pii]").strip()
            if _ARTICLE_NUMBER.fullmatch(pii) and pages[0] in ("", pii):
                raw.put("elocator", pii, line)
    if pages[0] and pages[0] != raw.values.get("elocator", ("",))[0]:
        raw.put("pages", clean_pages(pages[0]), pages[1])
    return raw


def _medline_text(value: str) -> str:
    """MEDLINE is ASCII-minded: it writes "≥" and "≤" as ">/=" and "</="."""
    return value.replace(">/=", "≥").replace("</=", "≤")
