"""Readers for the reference-manager formats: BibTeX (bibtexparser), RIS (rispy), CSL-JSON and
MEDLINE, each turning a file's text into raw entries with the line each came from, plus the
name, date and LaTeX clean-ups they share. :mod:`references.importers` validates and writes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import bibtexparser
import rispy
from bibtexparser import middlewares
from bibtexparser.exceptions import BlockAbortedException
from bibtexparser.model import DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text

from .models import Reference
from .parsing import parse_date

Kind = Reference.Kind

_RIS_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])  - ?(?P<value>.*)$")
_MEDLINE_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{1,3}) *- (?P<value>.*)$")

# --- what parsing produces -------------------------------------------------------------------


@dataclass
class RawEntry:
    """One entry as a format reader found it: values still as written, each with its line."""

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


# --- names, dates and the other shared clean-ups ---------------------------------------------

_DECODER = LatexNodes2Text(keep_braced_groups=False, math_mode="verbatim")
_UNESCAPED_PERCENT = re.compile(r"(?<!\\)%")
_SUFFIX = re.compile(r"(?:Jr|Sr|II|III|IV)\.?")
# How the site stores a person: "Doe JA", "van der Berg M", "Smith J Jr". For a stripped name. The
# spaces before the initials are taken from the start of their run: the lazy family name would
# otherwise stop at each place inside a run and rescan the rest of it (quadratic: a 144 KB run in
# an author's line held an export for 43 s).
AMA_PERSON = re.compile(
    r"(?P<family>.+?)(?<!\s)\s+(?P<initials>[A-Z]{1,4})(?:\s+(?P<suffix>Jr|Sr|II|III|IV))?"
)


def latex_to_text(value: str) -> str:
    """BibTeX text with LaTeX markup ({\\"u}, {T}he, \\&) as plain Unicode."""
    # A bare "%" in a BibTeX value is literal, but LaTeX would read it as a comment.
    return _DECODER.latex_to_text(_UNESCAPED_PERCENT.sub(r"\\%", value))


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


def parse_day(value: Any) -> date | None:
    """A full date: "2020-08-24", "2020/08/24/", "24 Aug 2020", "Aug 24, 2020"; else None."""
    text = str(value).strip().rstrip("/")
    match = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T /].*)?", text)
    if match:
        try:
            return date(*map(int, match.groups()))
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


# --- BibTeX (bibtexparser) -------------------------------------------------------------------

# Our field: the BibTeX fields it is read from, the first one present winning.
_BIBTEX_FIELDS = {
    "title": ("title",),
    "container_title": ("journal", "journaltitle", "booktitle"),
    "edition": ("edition",),
    "publisher": ("publisher", "institution"),
    "place": ("address", "location"),
    "year": ("year", "date"),
    "volume": ("volume",),
    "issue": ("number", "issue"),
    "pages": ("pages",),
    "url": ("url",),
    "doi": ("doi",),
    "pmid": ("pmid",),
    "accessed_on": ("urldate",),
    "note": ("note",),
}
_BIBTEX_LATEX = {"title", "container_title", "edition", "publisher", "place", "note"}
_BIBTEX_KINDS = {
    "article": Kind.JOURNAL_ARTICLE,
    "book": Kind.BOOK,
    "mvbook": Kind.BOOK,
    "inbook": Kind.BOOK_CHAPTER,
    "incollection": Kind.BOOK_CHAPTER,
    "bookinbook": Kind.BOOK_CHAPTER,
    "online": Kind.WEB_PAGE,
    "www": Kind.WEB_PAGE,
    "electronic": Kind.WEB_PAGE,
}


def read_bibtex(text: str) -> tuple[list[RawEntry], list[str]]:
    stack = [middlewares.NormalizeFieldKeys(), middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()]
    library = bibtexparser.parse_string(text, append_middleware=stack)
    problems = [
        f"line {(block.start_line or 0) + 1}: {_bibtex_failure(block)}" for block in library.failed_blocks
    ]
    return [_bibtex_entry(entry) for entry in library.entries], problems


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


def _bibtex_entry(entry: bibtexparser.model.Entry) -> RawEntry:
    lines = {f.key: (f.start_line or entry.start_line or 0) + 1 for f in entry.fields}
    texts = {f.key: f.value for f in entry.fields if isinstance(f.value, str)}
    raw = RawEntry(line=(entry.start_line or 0) + 1, kind=_bibtex_kind(entry.entry_type.lower(), texts))
    raw.key = entry.key
    if raw.kind in (Kind.WEB_PAGE, Kind.DATABASE):
        raw.put("container_title", texts.get("organization"), lines.get("organization"))
    if "author" in entry.fields_dict:
        raw.put("authors", [_bibtex_person(name) for name in entry["author"]], lines["author"])
    for name, sources in _BIBTEX_FIELDS.items():
        for source in sources:
            if texts.get(source, "").strip():
                value = latex_to_text(texts[source]) if name in _BIBTEX_LATEX else texts[source].strip()
                raw.put(name, value, lines[source])
                break
    if texts.get("eprinttype", "").lower() == "pubmed":
        raw.put("pmid", texts.get("eprint"), lines.get("eprint"))
    published = texts.get("howpublished", "")
    # Up to its last "}": no "\url{" after it can close, and each would be rescanned to the end.
    howpublished = re.search(r"\\url\{([^}]+)\}", published[: published.rfind("}") + 1])
    if howpublished:
        raw.put("url", howpublished.group(1), lines["howpublished"])
    return raw


def _bibtex_person(parts: middlewares.NameParts) -> str:
    family = " ".join(latex_to_text(part) for part in [*parts.von, *parts.last])
    if family == "others":
        return "et al"
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
                    f"line {current.start}: the record has no “ER  - ” line before line {number}."
                )
            current = _RisRecord(number, [line], {"TY": number})
        elif current is None:
            if tag:
                problems.append(f"line {number}: “{tag}” is outside a record (records start with “TY  - ”).")
        else:
            current.lines.append(line)
            if tag:
                current.tags.setdefault(tag, number)
            if tag == "ER":
                records.append(current)
                current = None
    if current is not None:
        problems.append(f"line {current.start}: the record has no “ER  - ” line (the file ends first).")
    return records, problems


def read_ris(text: str) -> tuple[list[RawEntry], list[str]]:
    records, problems = _ris_records(text)
    entries = []
    for record in records:
        # One URL per UR line: rispy would otherwise split URLs that contain ";".
        (data,) = rispy.loads("\n".join(record.lines), delimiter_tags_mapping={})
        entries.append(_ris_entry(record, data))
    return entries, problems


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

    def take(name: str, *keys: str) -> None:
        for key in keys:
            if data.get(key):
                raw.put(name, data[key], record.tags.get(_RIS_TAGS.get(key, "")))

    names = [*data.get("first_authors", []), *data.get("authors", [])]
    raw.put("authors", [name_from_text(name) for name in names], record.tags.get("AU", record.tags.get("A1")))
    take("title", "title", "primary_title")
    take("container_title", "secondary_title", "journal_name", "alternate_title3", "alternate_title2")
    take("container_title", "alternate_title1")
    if unknown.get("BT"):
        raw.put("title" if raw.kind == Kind.BOOK else "container_title", unknown["BT"][0], record.tags["BT"])
    take("edition", "edition")
    take("publisher", "publisher")
    take("place", "place_published")
    take("year", "year", "publication_year", "date")
    take("volume", "volume")
    take("issue", "number")
    start, end = data.get("start_page", ""), data.get("end_page", "")
    raw.put("pages", f"{start}-{end}" if start and end else start or end, record.tags.get("SP"))
    if data.get("urls"):
        raw.put("url", data["urls"][0], record.tags.get("UR"))
    take("doi", "doi")
    # RIS has no PMID tag: PubMed-derived records carry it as the accession number.
    database = f"{data.get('name_of_database', '')} {data.get('database_provider', '')}".lower()
    if str(data.get("accession_number", "")).isdigit() and (not database.strip() or "pubmed" in database):
        take("pmid", "accession_number")
    take("accessed_on", "access_date")
    if data.get("notes"):
        raw.put("note", "; ".join(data["notes"]), record.tags.get("N1"))
    return raw


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
    "title": "title",
    "container_title": "container-title",
    "edition": "edition",
    "publisher": "publisher",
    "place": "publisher-place",
    "volume": "volume",
    "issue": "issue",
    "pages": "page",
    "url": "URL",
    "doi": "DOI",
    "pmid": "PMID",
    "note": "note",
}


def read_csl_json(text: str) -> tuple[list[RawEntry], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [f"line {exc.lineno}, column {exc.colno}: this is not valid JSON ({exc.msg})."]
    if isinstance(data, dict):
        items, lines = [data], [1]
    elif isinstance(data, list):
        items, lines = data, _item_lines(text, len(data))
    else:
        return [], ["line 1: CSL-JSON is an array of items (or one item object)."]
    entries: list[RawEntry] = []
    problems: list[str] = []
    for number, (item, line) in enumerate(zip(items, lines, strict=True), start=1):
        if not isinstance(item, dict):
            problems.append(f"item {number} (line {line}): an item is an object with “type” and “title”.")
            continue
        entry = _csl_entry(item, line, number, problems)
        if entry is not None:
            entries.append(entry)
    return entries, problems


def _item_lines(text: str, count: int) -> list[int]:
    """The line each top-level array item starts on (json.loads does not say)."""
    decoder, index, lines = json.JSONDecoder(), text.index("[") + 1, []
    for _ in range(count):
        while text[index] in " \t\r\n,":
            index += 1
        lines.append(text.count("\n", 0, index) + 1)
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


def _csl_entry(item: dict, line: int, number: int, problems: list[str]) -> RawEntry | None:
    raw = RawEntry(line=line, kind=_csl_kind(item), key=str(item.get("id", "")), item=number)
    for name, source in _CSL_FIELDS.items():
        raw.put(name, item.get(source))
    authors = item.get("author", [])
    if not isinstance(authors, list) or not all(isinstance(a, dict) for a in authors):
        problems.append(f"{raw.where()}: “author” should be a list of name objects.")
        return None
    raw.put("authors", [_csl_person(author) for author in authors])
    for name, source in (("year", "issued"), ("accessed_on", "accessed")):
        if item.get(source) not in (None, "", {}):
            value = _csl_date(item[source], whole=name == "accessed_on")
            raw.put(name, value if value is not None else json.dumps(item[source]))
    return raw


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
    records: list[list[tuple[str, str, int]]] = [[]]
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _MEDLINE_TAG.match(line)
        if not line.strip():
            if records[-1]:
                records.append([])
        elif match and line[4:6] == "- ":
            records[-1].append((match["tag"], match["value"].strip(), number))
        elif line.startswith("      ") and records[-1]:
            tag, value, first = records[-1][-1]
            records[-1][-1] = (tag, f"{value} {line.strip()}", first)
        else:
            problems.append(f"line {number}: not a MEDLINE line (“TAG - value”, or six spaces to continue).")
    return [record for record in records if record], problems


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

    people = "AU" if "AU" in tags else "FAU"
    names = [name_from_text(value) for tag, value, _ in record if tag in (people, "CN")]
    raw.put("authors", names, next((line for tag, _, line in record if tag in (people, "CN")), None))
    # PubMed ends every title with a full stop; AMA formatting adds its own.
    for tag in ("TI", "BTI"):
        tags[tag] = [(value.removesuffix("."), line) for value, line in tags.get(tag, [])]
    take("pmid", "PMID")
    take("title", "TI", "BTI")
    # AMA style cites journals by their NLM abbreviation (TA), the full title (JT) only failing it.
    take("container_title", *(("BTI",) if kind == Kind.BOOK_CHAPTER else ("TA", "JT")))
    take("edition", "EN")
    take("publisher", "PB")
    if book:  # an article's PL is the journal's country, not a place of publication
        take("place", "PL")
    take("year", "DP")
    take("volume", "VI")
    take("issue", "IP")
    take("pages", "PG")
    for value, line in [*tags.get("LID", []), *tags.get("AID", [])]:
        if value.endswith("[doi]"):
            raw.put("doi", value.removesuffix("[doi]").strip(), line)
    return raw
