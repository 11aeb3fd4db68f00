"""Free-text references -> Reference fields.

Scraped pages list their sources as AMA-style strings ("Feldman M, et al. Title. In: Book. 11th
ed. Elsevier; 2021. URL. Accessed Aug. 24, 2020."). :func:`parse_reference` makes a best guess at
the structured fields; it never fails, and the caller always keeps the string itself in
``original_text`` so an editor can check and correct the guess.
"""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import date
from urllib.parse import urlsplit

from django.utils.text import slugify

from .models import Reference

Kind = Reference.Kind

_MONTH_NUMBERS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Longest names first, so "Sept" is not read as "Sep" followed by a stray "t".
_MONTH = r"(?:%s)\.?" % "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True))  # noqa: UP031
_DATE_FORMS = [
    re.compile(rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH}),?\s+(?P<year>\d{{4}})", re.IGNORECASE),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
]


_NUMERIC_DATE = re.compile(r"(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})")


def parse_date(text: str, *, numeric: bool = False) -> date | None:
    """A date written as "Jul 07, 2022", "July 7 2022", "7 July 2022" or "2022-07-07"; else None.

    With ``numeric``, for a date a label announces ("Accessed 10/1/2024"), also "10/1/2024":
    month first, as US sites write it, unless the first number cannot be a month.
    """
    text = text.strip().rstrip(".").strip()
    if numeric and (match := _NUMERIC_DATE.fullmatch(text)):
        first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
        if first > 12 >= second:
            first, second = second, first
        try:
            return date(year, first, second)
        except ValueError:
            return None
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            month = match["month"].rstrip(".").lower()
            number = int(month) if month.isdigit() else _MONTH_NUMBERS[month]
            try:
                return date(int(match["year"]), number, int(match["day"]))
            except ValueError:
                return None
    return None


FIELD_NAMES = (
    "kind", "authors", "title", "container_title", "edition", "publisher", "place", "year",
    "volume", "issue", "pages", "url", "doi", "pmid", "accessed_on", "note", "original_text",
)  # fmt: skip

_LIST_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+")
_DOI = re.compile(r"(?:\bdoi:\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/[^\s]+)", re.IGNORECASE)
_PMID = re.compile(r"\bPMID:?\s*(?P<pmid>\d{1,9})\.?", re.IGNORECASE)
_PMCID = re.compile(r"\bPMCID:?\s*(?P<pmcid>PMC\d+)\.?", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_LABEL = r"\b(?P<label>Accessed|Published|Updated|Last updated|Reviewed|Revised)(?: on)?:?\s++"
_DATED_HEAD = re.compile(_LABEL, re.IGNORECASE)
# "Accessed August 24, 2020." · "Published online Nov. 4, 2020": up to the year, within one part.
_DATED = re.compile(_LABEL + r"(?P<date>[^.;]*?(?:\.\s*+\d[^.;]*?)?\d{4})\b\.?", re.IGNORECASE)
_PART_END = re.compile(r"[.;]")
# Point-of-care databases: cited as a topic with an access date, not a dated publication.
_DATABASE_HOSTS = ("uptodate.com", "dynamed.com", "bestpractice.bmj.com", "emedicine.medscape.com")


def _empty_fields(original: str) -> dict:
    fields: dict = dict.fromkeys(FIELD_NAMES, "")
    fields.update(kind=Kind.OTHER, year=None, accessed_on=None, original_text=original)
    return fields


def parse_reference(text: str) -> dict:
    """Reference model fields guessed from one free-text (AMA-like) reference.

    Returns every field of :data:`FIELD_NAMES` (empty when unknown); ``authors`` is one author
    per line; ``original_text`` is the input with its whitespace tidied.
    """
    original = " ".join(text.split())
    fields = _empty_fields(original)
    rest = _take_identifiers(_LIST_NUMBER.sub("", original), fields)
    segments = split_segments(rest)
    expert = bool(segments) and _take_authors(segments, fields)
    _assign_segments(segments, fields, expert=expert)
    fields["kind"] = _guess_kind(fields, expert=expert)
    return fields


def _take_identifiers(text: str, fields: dict) -> str:
    """Move DOI, PMID, URL and dated remarks into ``fields``; return what is left."""
    notes = []
    if match := _DOI.search(text):
        fields["doi"] = match["doi"].rstrip(".,;")
        text = text[: match.start()] + text[match.end() :]
    if match := _PMID.search(text):
        fields["pmid"] = match["pmid"]
        text = text[: match.start()] + text[match.end() :]
    if match := _PMCID.search(text):
        notes.append(f"PMCID: {match['pmcid']}")
        text = text[: match.start()] + text[match.end() :]
    if match := _URL.search(text):
        fields["url"] = match.group(0).rstrip(".,;)")
        # "Hiccups (https://…)." leaves no empty brackets behind.
        text = re.sub(r"\(\s*\)?\s*$|\(\s*\)", "", text[: match.start()]) + text[match.end() :].lstrip(")")
    dated = _dated_remarks(text)
    dated_notes = []
    for match in reversed(dated):
        day = parse_date(match["date"], numeric=True)
        label = match["label"].lower()
        if label == "accessed" and day:
            fields["accessed_on"] = day
        else:
            dated_notes.append(f"{match['label']} {match['date']}")
            if day and (label == "published" or fields["year"] is None):
                fields["year"] = day.year
    fields["note"] = "; ".join(dated_notes[::-1] + notes)
    ends = [0, *(end for match in dated for end in match.span()), len(text)]
    text = "".join(text[start:end] for start, end in zip(ends[::2], ends[1::2], strict=True))
    return re.sub(r"\s+([.,;])", r"\1", " ".join(text.split())).strip(" .,;")


def _dated_remarks(text: str) -> list[re.Match]:
    """``_DATED.finditer(text)``, in linear time.

    The regex alone is quadratic: each label ("Accessed", "Updated"…) scans to the end of its
    part for a year, so a part of many labels and no year (144 KB took 100 s) is scanned once per
    label. When that scan fails, every later label in the same part fails the same way, so the
    search skips to the part's end.
    """
    found: list[re.Match] = []
    position = 0
    while head := _DATED_HEAD.search(text, position):
        if match := _DATED.match(text, head.start()):
            found.append(match)
            position = match.end()
        else:
            part_end = _PART_END.search(text, head.end())
            position = part_end.start() if part_end else len(text)
    return found


# Abbreviations whose full stop does not end a part of the reference ("Nov. 4", "Vol. 3").
_NO_BREAK = {"vol", "no", "nos", "vs", "st", "dr", "fig", "ch", "chap", "e.g", "i.e"}
# Page abbreviations only in lower case: "P." is an initial that ends an author list.
_PAGE_ABBREVIATIONS = {"p", "pp"}


def split_segments(text: str) -> list[str]:
    """The full-stop separated parts of a reference, without their final full stop."""
    pieces = re.split(r"(?<=[.?!])\s+", text.strip())
    # Each segment as its pieces, joined once at the end: joining as we go was quadratic when
    # many pieces join ("p. p. p. …").
    segments: list[list[str]] = []
    for piece in pieces:
        if segments and _joins_previous(segments[-1][-1], piece):
            segments[-1].append(piece)
        else:
            segments.append([piece])
    joined = (" ".join(parts) for parts in segments)
    return [segment.rstrip(".").strip() for segment in joined if segment.strip(" .")]


def _joins_previous(previous: str, piece: str) -> bool:
    """Whether ``piece`` continues the segment whose last piece is ``previous``."""
    if not previous.endswith("."):
        return False
    last_word = previous.rsplit(None, 1)[-1].rstrip(".")
    if last_word in _PAGE_ABBREVIATIONS or last_word.lower() in _NO_BREAK:
        return True
    return last_word.lower() in _MONTH_NUMBERS and piece[:1].isdigit()


_PERSON = re.compile(
    r"(?:(?:van|von|de|der|den|da|di|du|del|la|le|dos)\s+)*"
    r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s+[A-Z]{1,4}(?:\s+(?:Jr|Sr|II|III|IV))?"
)
_ET_AL = re.compile(r"et\s+al", re.IGNORECASE)
# Only from the start of a run of spaces: from inside one, each start rescanned the run's rest.
_EXPERT = re.compile(r"(?<!\s)\s*\((?:expert opinion|personal communication)\)", re.IGNORECASE)


def _looks_like_people(segment: str) -> bool:
    names = [name.strip() for name in segment.split(",") if name.strip()]
    people = [name for name in names if _PERSON.fullmatch(name)]
    return bool(people) and all(_PERSON.fullmatch(name) or _ET_AL.fullmatch(name) for name in names)


def _take_authors(segments: list[str], fields: dict) -> bool:
    """Move the leading author segment (people or an organisation) out; True for expert opinion."""
    first = segments[0]
    expert = bool(_EXPERT.search(first))
    first = _EXPERT.sub("", first).strip()
    # A group author has no initials; it stands first only when a title and more follow it.
    if not (_looks_like_people(first) or expert or (len(segments) >= 3 and not _classify(first))):
        return False
    if _looks_like_people(first):
        names = [name.strip() for name in first.split(",") if name.strip()]
        fields["authors"] = "\n".join("et al" if _ET_AL.fullmatch(name) else name for name in names)
    else:
        fields["authors"] = first
    del segments[0]
    return expert


_IN = re.compile(r"In:\s*(?P<container>.+)", re.IGNORECASE)
# The spaces before "eds" from the start of their run (the lazy name would otherwise try each
# place inside it and rescan the rest: quadratic).
_EDITORS = re.compile(r"(?P<editors>.+?),?(?<!\s)\s+eds?$")
_EDITION = re.compile(
    r"(?P<number>\d+)(?:st|nd|rd|th)\s+ed(?:ition)?|(?P<word>Rev(?:ised)?)\s+ed(?:ition)?", re.I
)
# 2019;104(7):2870-2881 · 2018 Mar;31:1-9 · 2020;12(Suppl 2) — the journal locator.
_LOCATOR = re.compile(
    r"(?P<year>\d{4})(?:\s+[A-Z][a-z]{2,8}\.?(?:\s+\d{1,2})?)?\s*;\s*(?P<volume>[^():;]*?)\s*"
    r"(?:\((?P<issue>[^)]+)\))?\s*(?::\s*(?P<pages>[\w–-]+))?"
)
# Philadelphia, PA: Elsevier; 2021 · Mayo Clinic; 2020 — the imprint of a book or report.
_IMPRINT = re.compile(
    r"(?:(?P<place>[^:;]+):\s*)?(?P<publisher>[^:;]+?);\s*(?P<year>\d{4})[a-z]?(?::\s*(?P<pages>[\w–-]+))?"
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_CHAPTER = re.compile(r"(?:^|[.?!]\s)In:\s")


def _classify(segment: str) -> str | None:
    """Which structural part of a reference ``segment`` is, if it is one we can recognise."""
    if _IN.fullmatch(segment):
        return "in"
    if _EDITION.fullmatch(segment):
        return "edition"
    match = _LOCATOR.fullmatch(segment)
    if match and (match["volume"] or match["pages"]):
        return "locator"
    if _IMPRINT.fullmatch(segment):
        return "imprint"
    if parse_date(segment):
        return "date"
    if _YEAR.fullmatch(segment):
        return "year"
    return None


def _matched(pattern: re.Pattern[str], segment: str) -> re.Match[str]:
    """``segment`` read by ``pattern``, which :func:`_classify` found it matches."""
    match = pattern.fullmatch(segment)
    if match is None:
        raise ValueError(f"“{segment}” does not match {pattern.pattern!r}.")
    return match


def _assign_segments(segments: list[str], fields: dict, *, expert: bool) -> None:
    free: list[str] = []  # segments no pattern claimed, in order: title, then container, then notes
    book_follows = False
    for segment in segments:
        part = _classify(segment)
        if part == "in":
            book_follows = _assign_container(_matched(_IN, segment)["container"], fields)
        elif part == "edition":
            match = _matched(_EDITION, segment)
            fields["edition"] = match["number"] or "Rev"
        elif part == "locator":
            match = _matched(_LOCATOR, segment)
            # In a journal reference the journal name stands just before the locator.
            if len(free) >= 2 or (free and fields["title"]):
                fields["container_title"] = free.pop()
            fields.update(
                year=int(match["year"]),
                volume=match["volume"] or "",
                issue=match["issue"] or "",
                pages=match["pages"] or "",
            )
        elif part == "imprint":
            match = _matched(_IMPRINT, segment)
            fields.update(place=(match["place"] or "").strip(), publisher=match["publisher"].strip())
            fields["pages"] = fields["pages"] or match["pages"] or ""
            fields["year"] = int(match["year"])
        elif part in ("date", "year"):
            # The date's own year: "2019-03-04" does not end in it.
            day = parse_date(segment) if part == "date" else None
            fields["year"] = fields["year"] or (day.year if day else int(segment))
            if part == "date":
                fields["note"] = "; ".join(filter(None, [segment, fields["note"]]))
        else:
            free.append(segment)
    if book_follows and len(free) > 1:
        fields["container_title"] = free.pop(1)
    _assign_free(free, fields, expert=expert)


def _assign_container(text: str, fields: dict) -> bool:
    """Read "In: Book title" or "In: Smith A, Roe B, eds"; True when the book title follows."""
    editors = _EDITORS.fullmatch(text)
    if editors and _looks_like_people(editors["editors"]):
        fields["note"] = "; ".join(filter(None, [f"Edited by {editors['editors']}", fields["note"]]))
        return True
    fields["container_title"] = text.strip()
    return False


def _assign_free(free: list[str], fields: dict, *, expert: bool) -> None:
    if expert:
        # An expert opinion names the expert's institution, not a title.
        if free and not fields["publisher"]:
            fields["publisher"] = free.pop(0)
    elif free and not fields["title"]:
        fields["title"] = free.pop(0)
    if free and not fields["container_title"]:
        fields["container_title"] = free.pop(0)
    if free:
        fields["note"] = "; ".join(filter(None, [*free, fields["note"]]))


def _guess_kind(fields: dict, *, expert: bool) -> str:
    host = urlsplit(fields["url"]).hostname or ""
    if expert:
        return Kind.EXPERT_OPINION
    if _CHAPTER.search(fields["original_text"]):
        return Kind.BOOK_CHAPTER
    if any(host == name or host.endswith("." + name) for name in _DATABASE_HOSTS):
        return Kind.DATABASE
    if fields["doi"] or fields["pmid"] or fields["volume"] or fields["pages"]:
        return Kind.JOURNAL_ARTICLE
    if re.search(r"\b(?:guidelines?|consensus statement|practice parameter)\b", fields["title"], re.I):
        return Kind.GUIDELINE
    if fields["edition"] or fields["place"]:
        return Kind.BOOK
    if fields["url"] and not fields["publisher"]:
        return Kind.WEB_PAGE
    return Kind.OTHER


# --- citation keys ---------------------------------------------------------------------------

_STOP_WORDS = {"a", "an", "the", "of", "on", "in", "and", "for", "to"}


def base_key(fields: dict) -> str:
    """The citation key a reference would like: first author's family name (or the organisation)
    and the year, e.g. ``feldman2021`` or ``askmayoexpert2020``."""
    authors = [name for name in fields["authors"].splitlines() if name and not _ET_AL.fullmatch(name)]
    if authors and _PERSON.fullmatch(authors[0]):
        stem = authors[0].rsplit(None, 1)[0]  # drop the initials
    elif authors:
        stem = authors[0]
    else:
        words = [w for w in re.findall(r"\w+", fields["title"]) if w.lower() not in _STOP_WORDS]
        stem = words[0] if words else "ref"
    stem = slugify(stem).replace("-", "")[:40] or "ref"
    return f"{stem}{fields['year'] or ''}"


def unique_key(base: str, taken: Container[str]) -> str:
    """``base``, or ``base`` with the first free letter suffix (feldman2021b, feldman2021c, ...)."""
    if base not in taken:
        return base
    for n in range(2, 10_000):
        suffix = ""
        while n:
            n, digit = divmod(n - 1, 26)
            suffix = chr(ord("a") + digit) + suffix
        if f"{base}{suffix}" not in taken:
            return f"{base}{suffix}"
    raise ValueError(f"No free citation key starting with {base}.")
