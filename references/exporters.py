"""A page's references as BibTeX, RIS and CSL-JSON, for editors' reference managers.

Each serialiser writes every structured field of :class:`~references.models.Reference`, so
importing the file again (``import_references``) gives back the same fields. Kinds that a
format has no type for (database, guideline, expert opinion) are written the way
:mod:`references.importers` recognises them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date

import bibtexparser
import rispy
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from .models import Reference
from .readers import AMA_PERSON, RIS_LIST_TAGS

Kind = Reference.Kind

# --- authors ---------------------------------------------------------------------------------


def split_author(name: str) -> tuple[str, str, str] | None:
    """ "Doe JA" -> ("Doe", "J. A.", ""); "Smith J Jr" -> ("Smith", "J.", "Jr"); None for an
    organisation (or "et al"), which has no initials."""
    match = AMA_PERSON.fullmatch(name.strip())
    if not match:
        return None
    given = " ".join(f"{letter}." for letter in match["initials"])
    return match["family"], given, match["suffix"] or ""


# --- BibTeX (bibtexparser's writer) ----------------------------------------------------------

# kind: (entry type, container field, publisher field, "type" field)
_BIBTEX_TYPES: dict[str, tuple[str, str, str, str]] = {
    Kind.JOURNAL_ARTICLE: ("article", "journal", "publisher", ""),
    Kind.BOOK: ("book", "booktitle", "publisher", ""),
    Kind.BOOK_CHAPTER: ("incollection", "booktitle", "publisher", ""),
    Kind.WEB_PAGE: ("online", "organization", "publisher", ""),
    Kind.DATABASE: ("online", "organization", "publisher", "Database"),
    Kind.GUIDELINE: ("report", "booktitle", "institution", "Guideline"),
    Kind.EXPERT_OPINION: ("misc", "booktitle", "publisher", "Personal communication"),
    Kind.OTHER: ("misc", "booktitle", "publisher", ""),
}
# LaTeX's special characters, and the ligatures "--", "``", "''", "!`", "?`" broken with "{}",
# so that a reader decoding LaTeX (as our importer does) gets the text back unchanged.
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
}
_LATEX_RE = re.compile("|".join(map(re.escape, _LATEX_SPECIALS)) + r"|(?<=-)(?=-)|(?<=[`'!?])(?=[`'])")


def latex_escape(text: str) -> str:
    return _LATEX_RE.sub(lambda match: _LATEX_SPECIALS.get(match.group(0), "{}"), text)


def _bibtex_author(name: str) -> str:
    if name == "et al":
        return "others"
    parts = split_author(name)
    if parts is None:
        return "{" + latex_escape(name) + "}"  # braces: an organisation is one "last name"
    family, given, suffix = map(latex_escape, parts)
    return f"{family}, {suffix}, {given}" if suffix else f"{family}, {given}"


def _bibtex_fields(ref: Reference) -> list[tuple[str, str]]:
    _, container, publisher, subtype = _BIBTEX_TYPES[ref.kind]
    text = {
        "title": "{" + latex_escape(ref.title) + "}" if ref.title else "",  # braces keep its capitals
        container: latex_escape(ref.container_title),
        "edition": latex_escape(ref.edition),
        publisher: latex_escape(ref.publisher),
        "address": latex_escape(ref.place),
        "note": latex_escape(ref.note),
    }
    fields = [
        ("author", " and ".join(_bibtex_author(name) for name in ref.author_list)),
        ("editor", " and ".join(_bibtex_author(name) for name in ref.editor_list)),
        ("title", text["title"]),
        (container, text[container]),
        ("shortjournal", latex_escape(ref.journal_abbreviation)),
        ("series", latex_escape(ref.series)),
        ("edition", text["edition"]),
        (publisher, text[publisher]),
        ("address", text["address"]),
        ("year", str(ref.year or "")),
        ("volume", ref.volume),
        ("number", ref.issue),
        ("pages", re.sub(r"(?<=\w)-(?=\w)", "--", ref.pages)),
        ("eid", ref.elocator),  # biblatex's article number
        # biblatex has no field for it; named as in CSL, so this site reads it back.
        ("published-online", ref.published_online.isoformat() if ref.published_online else ""),
        ("doi", ref.doi),
        ("pmid", ref.pmid),
        ("url", ref.url),
        ("urldate", ref.accessed_on.isoformat() if ref.accessed_on else ""),
        ("type", subtype or ("Document" if ref.kind == Kind.OTHER and ref.url else "")),
        ("note", text["note"]),
        ("annote", latex_escape(ref.private_note)),  # not printed by BibTeX styles
    ]
    return [(name, value) for name, value in fields if value]


def to_bibtex(references: Iterable[Reference]) -> str:
    library = Library()
    for ref in references:
        entry_type = _BIBTEX_TYPES[ref.kind][0]
        library.add(Entry(entry_type, ref.key, [Field(k, v) for k, v in _bibtex_fields(ref)]))
    return bibtexparser.write_string(library)


# --- RIS (rispy) -----------------------------------------------------------------------------

_RIS_TYPES: dict[str, tuple[str, str]] = {
    Kind.JOURNAL_ARTICLE: ("JOUR", ""),
    Kind.BOOK: ("BOOK", ""),
    Kind.BOOK_CHAPTER: ("CHAP", ""),
    Kind.WEB_PAGE: ("ELEC", ""),
    Kind.DATABASE: ("DBASE", ""),
    Kind.GUIDELINE: ("RPRT", "Guideline"),
    Kind.EXPERT_OPINION: ("PCOMM", ""),
    Kind.OTHER: ("GEN", ""),
}


class _RisWriter(rispy.RisWriter):
    def set_header(self, count: int) -> str:
        return ""  # no "1.", "2." line before each record: not part of RIS


def _ris_author(name: str) -> str:
    parts = split_author(name)
    if parts is None:
        return name
    family, given, suffix = parts
    return f"{family}, {given}, {suffix}" if suffix else f"{family}, {given}"


def _ris_record(ref: Reference) -> dict:
    ris_type, type_of_work = _RIS_TYPES[ref.kind]
    start, _, end = ref.pages.partition("-")
    article = ref.kind == Kind.JOURNAL_ARTICLE
    online = ref.published_online.strftime("%Y/%m/%d") if ref.published_online else ""
    editors = [_ris_author(name) for name in ref.editor_list]
    # A2 is the book's editor in EndNote and Zotero; ED names editors in any other kind.
    book = ref.kind in (Kind.BOOK, Kind.BOOK_CHAPTER)
    record = {
        "type_of_reference": ris_type,
        "id": ref.key,
        "authors": [_ris_author(name) for name in ref.author_list],
        "title": ref.title,
        "secondary_authors": editors if book else [],
        "secondary_title": "" if ref.kind == Kind.BOOK else ref.container_title,
        "tertiary_title": ref.series,
        "alternate_title1": ref.journal_abbreviation,  # J2
        "edition": ref.edition,
        "publisher": ref.publisher,
        "place_published": ref.place,
        "year": str(ref.year or ""),
        "volume": ref.volume,
        "number": ref.issue,
        "start_page": start,
        "end_page": end,
        "urls": [ref.url] if ref.url else [],
        "doi": ref.doi,
        "custom7": ref.elocator,  # C7: "Article Number"
        "accession_number": ref.pmid,  # where PubMed's own RIS puts the PMID
        "access_date": ref.accessed_on.strftime("%Y/%m/%d") if ref.accessed_on else "",
        "type_of_work": type_of_work,
        "notes": [ref.note] if ref.note else [],
        "research_notes": ref.private_note.splitlines(),
        "unknown_tag": {"ED": editors} if editors and not book else {},
    }
    if online and article and not ref.edition:
        record["edition"] = online  # ET, EndNote's "Epub Date" of a journal article
    elif online:
        record["date"] = f"Epub {online}"
    return {name: value for name, value in record.items() if value}


def to_ris(references: Iterable[Reference]) -> str:
    records = [_ris_record(ref) for ref in references]
    return rispy.dumps(records, implementation=_RisWriter, list_tags=RIS_LIST_TAGS)


# --- CSL-JSON --------------------------------------------------------------------------------

_CSL_TYPES: dict[str, tuple[str, str]] = {
    Kind.JOURNAL_ARTICLE: ("article-journal", ""),
    Kind.BOOK: ("book", ""),
    Kind.BOOK_CHAPTER: ("chapter", ""),
    Kind.WEB_PAGE: ("webpage", ""),
    Kind.DATABASE: ("webpage", "Database"),
    Kind.GUIDELINE: ("report", "Guideline"),
    Kind.EXPERT_OPINION: ("personal_communication", ""),
    Kind.OTHER: ("document", ""),
}


def _csl_author(name: str) -> dict:
    parts = split_author(name)
    if parts is None:
        return {"literal": name}
    family, given, suffix = parts
    return {"family": family, "given": given, **({"suffix": suffix} if suffix else {})}


def _csl_date(day: date | None) -> dict | None:
    return {"date-parts": [[day.year, day.month, day.day]]} if day else None


def csl_item(ref: Reference) -> dict:
    """One reference as a CSL-JSON item (the format citeproc, Zotero and Pandoc read)."""
    csl_type, genre = _CSL_TYPES[ref.kind]
    item = {
        "id": ref.key,
        "type": csl_type,
        "genre": genre,
        "author": [_csl_author(name) for name in ref.author_list],
        "editor": [_csl_author(name) for name in ref.editor_list],
        "title": ref.title,
        "container-title": ref.container_title,
        "container-title-short": ref.journal_abbreviation,
        "collection-title": ref.series,
        "edition": ref.edition,
        "publisher": ref.publisher,
        "publisher-place": ref.place,
        "issued": {"date-parts": [[ref.year]]} if ref.year else None,
        "volume": ref.volume,
        "issue": ref.issue,
        "page": ref.pages,
        "number": ref.elocator,
        "published-online": _csl_date(ref.published_online),
        "URL": ref.url,
        "DOI": ref.doi,
        "PMID": ref.pmid,
        "accessed": _csl_date(ref.accessed_on),
        "note": ref.note,
        "annote": ref.private_note,
    }
    return {name: value for name, value in item.items() if value}


def to_csl_json(references: Iterable[Reference]) -> str:
    return json.dumps([csl_item(ref) for ref in references], indent=2, ensure_ascii=False) + "\n"


# file extension: (serialiser, content type)
EXPORTS = {
    "bib": (to_bibtex, "application/x-bibtex; charset=utf-8"),
    "ris": (to_ris, "application/x-research-info-systems; charset=utf-8"),
    "json": (to_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8"),
}
