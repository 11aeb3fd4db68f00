"""Free-text references -> Reference fields.

Scraped pages list their sources as AMA- or NLM-style strings ("Feldman M, et al. Title. In:
Book. 11th ed. Elsevier; 2021. URL. Accessed Aug. 24, 2020." · "Doe J, Roe A; Writing Group.
Title. N Engl J Med. 2015 Jan-Feb;10(1):3-12. doi: 10.xxx. Epub 2014 Dec 3. PMID: 1."), often
with the links of the site they were copied from ("[PubMed]", "[Google Scholar]"), and a few
sites in shapes of their own (APA's "(2020)", WebMD's 'Publisher: "Title."', Patient.info's
"Topic; Publisher, Month Year"). Each shape has a row in tests/references/test_parsing.py.
:func:`parse_reference` makes a best guess at the structured fields; it never fails, and the
caller always keeps the string itself in ``original_text`` so an editor can check and correct
the guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container
from datetime import date
from urllib.parse import urlsplit

from django.utils.text import slugify

from .models import ONLINE_KINDS, Reference

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
    # MEDLINE's order: "2014 Dec 3".
    re.compile(rf"(?P<year>\d{{4}})\s+(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})", re.IGNORECASE),
]


_NUMERIC_DATE = re.compile(r"(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})")


def parse_date(text: str, *, numeric: bool = False) -> date | None:
    """A date written as "Jul 07, 2022", "July 7 2022", "7 July 2022", "2022-07-07" or
    "2022 Jul 7" (MEDLINE); else None.

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
    "kind", "authors", "editors", "title", "container_title", "journal_abbreviation", "series",
    "edition", "publisher", "place", "year", "volume", "issue", "pages", "elocator",
    "published_online", "url", "doi", "pmid", "accessed_on", "note", "private_note",
    "original_text",
)  # fmt: skip


def _character_class(wanted: Callable[[str], bool]) -> str:
    """A regex class of the characters below U+2000 for which ``wanted(char)`` is true."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x2000):
        if wanted(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "[%s]" % "".join(  # noqa: UP031
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Capital letters of every script a name may be written in ("Østergaard L", "Çelik Ö").
_UPPER = _character_class(str.isupper)

_LIST_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+")
_DOI = re.compile(
    r"(?:\bdoi:?\s*|\b(?:https?://)?(?:dx\.|www\.)?doi\.org/)(?P<doi>10\.\d{4,9}/[^\s\]]+)", re.IGNORECASE
)
_PMID = re.compile(r"\bPMID:?\s*(?P<pmid>\d{1,9})\b\.?", re.IGNORECASE)
_PMCID = re.compile(r"\bPMCID:?\s*(?P<pmcid>PMC\d+)\b\.?", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"]+|(?<![\w@./-])www\.[\w-]+\.[^\s<>\"]+", re.IGNORECASE)
# The words a site puts before a link: "Available from: https://…".
_URL_LEAD = re.compile(
    r"(?:\bAvailable\s+(?:from|at|online(?:\s+at)?)|\bRetrieved\s+from|\bURL|,\s*from)\s*:?\s*$", re.I
)
# PubMed's links to other records ("Erratum in: Lancet. 2020;395:e50."), to the end: for editors.
_RELATED_RECORDS = re.compile(
    r"\b(?:Erratum|Comment|Retraction|Retracted|Update|Expression of concern|(?:Corrected and )?republished)"
    r"\s+(?:in|for|of|from):\s.*",
    re.IGNORECASE,
)
# PubMed's publication types after a record: not part of the reference.
_PUBLICATION_TYPE = re.compile(
    r"(?:Review|Systematic Review|Meta-Analysis|Editorial|Comment|Letter|Case Reports?|Practice Guideline)",
    re.IGNORECASE,
)
# Links of the site a list was copied from, and medium designators: nothing of the source.
_LINK_LABEL = re.compile(
    r"\[\s*(?:Google Scholar|PubMed|PubMed Central|PMC free article|Free PMC article|CrossRef|"
    r"Cross Ref|Ref list|DOI|Free full text|Medline|Web of Science|"
    r"Scopus|Green Version|Internet|internet publication|online|Context Link)\s*\]",
    re.IGNORECASE,
)
_EPUB_AHEAD = re.compile(r"\[?\s*\bEpub ahead of print\b\s*\]?\.?", re.IGNORECASE)
# Labels that may be the reference's own ("Title [abstract]") unless they end it.
_TRAILING_LABEL = re.compile(r"\[\s*(?:Abstract|Article|Full text)\s*\]", re.IGNORECASE)
_UNBRACKETED_LABELS = re.compile(
    r"(?:(?:Full text|Abstract|View abstract|PubMed|Google Scholar|CrossRef|Web of Science)\s*)+", re.I
)
# PubMed's own remark on a free copy, unbracketed.
_FREE_COPY = re.compile(r"\bFree (?:PMC |full[- ]text )?article\b\.?", re.IGNORECASE)
# NLM writes its dates in brackets: "[Updated 2023 Jan 5]", "[cited 2024 Feb 1]".
_BRACKETED_LABEL = r"(?:Updated|cited|accessed|reviewed|modified|Last update[d]?)\s+[^\[\];]{1,40}"
# ... and several in one pair: "[reviewed 2023 Jan 1; cited 2024 Jul 1]".
_BRACKETED_DATE = re.compile(rf"\[\s*(?P<dates>{_BRACKETED_LABEL}(?:;\s*{_BRACKETED_LABEL})*)\s*\]\.?", re.I)
_LABEL = (
    r"\b(?P<label>Accessed|Cited|Retrieved|Published online|Published|Epub|Updated|Last updated"
    r"|Last update|Reviewed|Revised)(?: on)?:?\s++"
)
_DATED_HEAD = re.compile(_LABEL, re.IGNORECASE)
# "Accessed August 24, 2020." · "Published online Nov. 4, 2020" · "Epub 2014 Dec 3": up to the
# year (or MEDLINE's day after it), within one part.
_DATED = re.compile(
    _LABEL + rf"(?P<date>\d{{4}}-\d{{1,2}}-\d{{1,2}}\b|\d{{4}}\s+{_MONTH}(?:\s+\d{{1,2}})?(?!\w)"
    r"|[^.;]*?(?:\.\s*+\d[^.;]*?)?\d{4})\b\.?",
    re.IGNORECASE,
)
_PART_END = re.compile(r"[.;]")
# Point-of-care databases: cited as a topic with an access date, not a dated publication.
_DATABASE_HOSTS = ("uptodate.com", "dynamed.com", "bestpractice.bmj.com", "emedicine.medscape.com")


def _empty_fields(original: str) -> dict:
    fields: dict = dict.fromkeys(FIELD_NAMES, "")
    fields.update(kind=Kind.OTHER, year=None, accessed_on=None, published_online=None, original_text=original)
    return fields


def parse_reference(text: str) -> dict:
    """Reference model fields guessed from one free-text (AMA- or NLM-like) reference.

    Returns every field of :data:`FIELD_NAMES` (empty when unknown); ``authors`` and
    ``editors`` are one name per line; ``original_text`` is the input with its whitespace tidied.
    """
    original = " ".join(text.split())
    fields = _empty_fields(original)
    rest = _take_identifiers(_LIST_NUMBER.sub("", original), fields)
    # One-part shapes: nothing to split at full stops.
    if quoted := _QUOTED_SOURCE.fullmatch(rest):
        _assign_quoted(quoted, fields)
        return fields
    if (topic := _TOPIC_SOURCE.fullmatch(rest)) and _names(topic["title"]) is None:
        _assign_topic(topic, fields)
        return fields
    page = _ORGANISATION_PAGE.fullmatch(rest)
    if page and len(split_segments(page["source"])) == 1 and _is_organisation(page["source"]):
        fields.update(authors=page["source"].strip(), title=page["title"].strip())
        fields["kind"] = _guess_kind(fields, expert=False)
        _keep_storable(fields)
        return fields
    segments = split_segments(rest)
    expert = bool(segments) and _take_authors(segments, fields)
    _assign_segments(segments, fields, expert=expert)
    fields["kind"] = _guess_kind(fields, expert=expert)
    _keep_storable(fields)
    if fields["kind"] == Kind.JOURNAL_ARTICLE and _looks_abbreviated(fields["container_title"]):
        fields["journal_abbreviation"] = fields["container_title"]
    return fields


def _assign_quoted(quoted: re.Match[str], fields: dict) -> None:
    """A quoted title and the site or organisation that published it."""
    fields.update(title=quoted["title"].strip(), container_title=quoted["source"].strip())
    fields["year"] = fields["year"] or _last_year(quoted["date"] or "")
    fields["kind"] = _guess_kind(fields, expert=False)
    _keep_storable(fields)


def _assign_topic(topic: re.Match[str], fields: dict) -> None:
    """A topic and who published it, with the date and a remark in brackets."""
    remark = (topic["remark"] or "").strip()
    fields.update(title=topic["title"].strip(), publisher=topic["publisher"].strip())
    if _YEAR.fullmatch(remark):
        fields["year"], remark = int(remark), ""
    fields["year"] = fields["year"] or _last_year(topic["date"] or "")
    if topic["date"] and not _YEAR.fullmatch(topic["date"]):
        _add_note(fields, "note", f"Published {topic['date']}", first=True)
    if remark:
        _add_note(fields, "private_note", remark)
    fields["kind"] = _guess_kind(fields, expert=False)
    _keep_storable(fields)


def _keep_storable(fields: dict) -> None:
    """A page read online must say when (the model refuses it otherwise); a scraped one that
    does not is kept as "other", with a remark for the editor, rather than refused."""
    if fields["kind"] in ONLINE_KINDS and fields["url"] and fields["accessed_on"] is None:
        label = Kind(fields["kind"]).label.lower()
        _add_note(fields, "private_note", f"Read as a {label} with no date it was accessed: add one.")
        fields["kind"] = Kind.OTHER


def _add_note(fields: dict, name: str, text: str, *, first: bool = False) -> None:
    parts = [text, fields[name]] if first else [fields[name], text]
    fields[name] = "; ".join(filter(None, parts))


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _take_identifiers(text: str, fields: dict) -> str:
    """Move DOI, PMID, URL and dated remarks into ``fields``; return what is left."""
    # Spaces tidied after each removal: patterns that start with spaces rescan a run of them.
    text = " ".join(_FREE_COPY.sub(" ", _LINK_LABEL.sub(" ", text)).split())
    text = _without_trailing_labels(text)
    if _EPUB_AHEAD.search(text):
        fields["private_note"] = "Epub ahead of print"
        text = " ".join(_EPUB_AHEAD.sub(" ", text).split())
    text = " ".join(_BRACKETED_DATE.sub(_unbracketed_date, text).split())
    if doi := _DOI.search(text):
        fields["doi"] = _strip_closing(doi["doi"].rstrip(".,;"))
        text = " ".join(_DOI.sub(" ", text).split())  # a second "doi: …" is the same one again
    if match := _PMID.search(text):
        fields["pmid"] = match["pmid"]
        text = _cut(text, match)
    if match := _PMCID.search(text):
        _add_note(fields, "private_note", f"PMCID: {match['pmcid']}")
        text = _cut(text, match)
    if related := _RELATED_RECORDS.search(text):
        _add_note(fields, "private_note", related.group(0).strip())
        text = text[: related.start()]
    if match := _URL.search(text):
        url = _strip_closing(match.group(0).rstrip(".,;"))
        fields["url"] = url if "://" in url else f"https://{url}"
        # "Hiccups (https://…)." leaves no empty brackets behind; "Available from:" goes too.
        before = re.sub(r"\(\s*$", "", _URL_LEAD.sub("", text[: match.start()]))
        text = before + " " + re.sub(r"^\s*\)", "", text[match.start() + len(url) :])
    dated = _dated_remarks(text)
    dated_notes, undated_epubs = [], []
    for match in reversed(dated):
        day = parse_date(match["date"], numeric=True)
        label = match["label"].lower()
        if label in ("accessed", "cited", "retrieved") and day:
            fields["accessed_on"] = day
        elif label in ("published online", "epub") and day:
            fields["published_online"] = day
            fields["year"] = fields["year"] or day.year
        elif label == "epub":
            undated_epubs.append(f"Epub {match['date']}")
        else:
            label_text = "Last updated" if label == "last update" else match["label"]
            dated_notes.append(f"{label_text} {match['date']}")
            year = day.year if day else _last_year(match["date"])
            if year and (label == "published" or fields["year"] is None):
                fields["year"] = year
    fields["note"] = "; ".join(dated_notes[::-1])
    if undated_epubs:
        _add_note(fields, "private_note", "; ".join(undated_epubs[::-1]), first=True)
    ends = [0, *(end for match in dated for end in match.span()), len(text)]
    text = "".join(text[start:end] for start, end in zip(ends[::2], ends[1::2], strict=True))
    text = re.sub(r"\[\s*\]|\(\s*\)", " ", text)  # what held a PMID or "(accessed …)"
    text = re.sub(r"\s+([.,;])", r"\1", " ".join(text.split()))
    # What removing left between two parts: "287-95. ; Epub" -> "287-95. Epub"; "(US); ." -> "(US).".
    text = re.sub(r"[.;,](?:\s?[.;,])++", _one_stop, text)
    return text.strip(" .,;")


def _one_stop(match: re.Match[str]) -> str:
    """A run of stops with spaces between them as one; "al.," and "..." are left as they are."""
    run = match.group(0)
    if " " not in run:
        return run
    return "." if "." in run else run[0]


def _without_trailing_labels(text: str) -> str:
    """``text`` without the "[Abstract] [Full text]" links after it (label by label from the
    end: a regex for the run would rescan it from each bracket), or BMJ's unbracketed "Full text
    Abstract" after its last full stop."""
    text = text.rstrip()
    while text.endswith("]"):
        start = text.rfind("[")
        if start < 0 or not _TRAILING_LABEL.fullmatch(text, start):
            break
        text = text[:start].rstrip()
    last_stop = text.rfind(". ")
    if last_stop >= 0 and _UNBRACKETED_LABELS.fullmatch(text, last_stop + 2):
        text = text[: last_stop + 1]
    return text


def _unbracketed_date(match: re.Match[str]) -> str:
    """``[cited 2024 Feb 1]`` -> ``Accessed 2024 Feb 1.``; ``[Updated …]`` -> ``Updated ….``"""
    written = []
    for dated in match["dates"].split(";"):
        label, day = dated.split(None, 1)
        label = {"cited": "Accessed", "accessed": "Accessed", "reviewed": "Reviewed"}.get(
            label.lower(), "Updated"
        )
        written.append(f"{label} {day.strip()}. ")
    return "".join(written)


def _strip_closing(text: str) -> str:
    """``text`` without the closing brackets at its end that it does not open (a link written
    "(…/page)"), nor the punctuation around them."""
    unopened = {")": text.count(")") - text.count("("), "]": text.count("]") - text.count("[")}
    end = len(text)
    while end and (text[end - 1] in ".,;" or unopened.get(text[end - 1], 0) > 0):
        if text[end - 1] in unopened:
            unopened[text[end - 1]] -= 1
        end -= 1
    return text[:end]


def _last_year(text: str) -> int | None:
    years = re.findall(r"\b(?:1[89]|20)\d{2}\b", text)
    return int(years[-1]) if years else None


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
# "U.S. Preventive Services Task Force" is one name, not initials and a title.
_NO_BREAK = _words("vol no nos vs st dr fig ch chap e.g i.e u.s u.k e.u u.n")
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


# --- who wrote or edited it --------------------------------------------------------------------

_PERSON = re.compile(
    r"(?:(?:van|von|de|der|den|da|di|du|del|della|la|le|dos|das|ten|ter|op)\s+)*(?:al-|el-|d['’]|St\.\s+)?"
    rf"{_UPPER}[\w'’-]*(?:\s+{_UPPER}[\w'’-]*)*\s+{_UPPER}{{1,4}}(?:-{_UPPER}{{1,2}})?"
    r"(?:\s+(?:Jr|Sr|II|III|IV|2nd|3rd|4th))?"
)
_ET_AL = re.compile(r"et\.?\s+al\.?", re.IGNORECASE)
# Only from the start of a run of spaces: from inside one, each start rescanned the run's rest.
_EXPERT = re.compile(r"(?<!\s)\s*\((?:expert opinion|personal communication)\)", re.IGNORECASE)
# "Landon MB, et al., eds" · "Smith J, editors" · "Smith J (ed.)": a list of editors.
_EDITORS = re.compile(r"(?P<editors>.*?[^\s,(])(?:\s*,\s*|\s*\(\s*|\s+)(?:eds?|editors?)\.?\)?", re.I)
# Words only the name of an organisation has: a group author, not a title.
_ORGANISATION = re.compile(
    r"\b(?:Society|Associations?|Institutes?|College|Academy|Foundation|Organi[sz]ation|Council|"
    r"Agency|Department|Centers?|Centres?|Task Force|Committee|Group|Board|Ministry|Services?|"
    r"Network|Collaborat\w*|Consortium|Clinic|Hospitals?|University|Administration|Commission|"
    r"Federation|Alliance|League|Trust|Investigators|Working Party|Panel|Coalition|Programme|"
    r"Program|Office|Union|Registry|Bureau|Authority|Library|Initiative|Partnership|Forum|"
    r"Corporation|Company|Inc|Ltd|NHS|Health System|Publishing|Publications|Press|Staff)\b"
)
_SMALL_WORDS = _words("of for the and on in to at a an de du des la le y et und &")


def _names(segment: str) -> list[str] | None:
    """The people of a comma-separated author list ("Smith J, Lee K, et al"), or None."""
    # "Smith J et al": the "et al" as its own name; "Smith J, Lee K and Chan M": three names.
    segment = re.sub(r"(?<=[^,\s])\s+(?=et\.?\s+al\.?$)", ", ", segment)
    segment = re.sub(r",?\s+(?:and|&)\s+", ", ", segment)
    names = [name.strip() for name in segment.split(",") if name.strip()]
    people = [name for name in names if _PERSON.fullmatch(name)]
    if people and all(_PERSON.fullmatch(name) or _ET_AL.fullmatch(name) for name in names):
        return ["et al" if _ET_AL.fullmatch(name) else name for name in names]
    return None


def _author_lines(segment: str) -> tuple[list[str], str] | None:
    """People, then the groups NLM adds after a semicolon ("Smith J, Lee K; Writing Group"),
    and what follows them instead when it is no group: Patient.info's "Smith J; Title"."""
    first, _, rest = segment.partition(";")
    people = _names(first.strip())
    if people is None:
        return None
    groups = [part.strip() for part in rest.split(";")] if rest else []
    if all(groups) and all(_is_title_case(group) and ":" not in group for group in groups):
        return [*people, *groups], ""
    return people, rest.strip()


def _is_organisation(segment: str) -> bool:
    """Whether ``segment`` reads as the name of an organisation: in Title Case, with a word only
    organisations use, or in one word of capitals (WHO, AskMayoExpert)."""
    words = re.findall(r"[\w'’.&-]+", segment)
    if not words or ":" in segment or "?" in segment:
        return False
    if not _is_title_case(segment):
        return False
    return bool(_ORGANISATION.search(segment)) or (len(words) == 1 and _is_coined(words[0]))


def _is_coined(word: str) -> bool:
    """An acronym or a run-together name: "NICE", "MedlinePlus", "AskMayoExpert"."""
    return (word.isupper() and len(word) > 1) or bool(re.fullmatch(r"[A-Z][a-z]+(?:[A-Z][a-z]*)+", word))


def _is_title_case(segment: str) -> bool:
    """Every word capitalised but the small ones ("Centers for Disease Control")."""
    words = [word for word in re.findall(r"[\w'’.&-]+", segment) if word.lower() not in _SMALL_WORDS]
    return bool(words) and all(word[0].isupper() or word[0].isdigit() for word in words)


def _take_authors(segments: list[str], fields: dict) -> bool:
    """Move the leading author (or editor) segment out; True for an expert opinion."""
    first = segments[0]
    expert = bool(_EXPERT.search(first))
    first = _EXPERT.sub("", first).strip()
    if (editors := _EDITORS.fullmatch(first)) and (names := _names(editors["editors"])):
        fields["editors"] = "\n".join(names)
    elif found := _author_lines(first):
        lines, title = found
        fields["authors"] = "\n".join(lines)
        if title:
            segments.insert(1, title)
    elif expert or _is_group_author(first, segments[1:]):
        fields["authors"] = first
    else:
        return False
    del segments[0]
    return expert


def _is_group_author(first: str, following: list[str]) -> bool:
    """An organisation stands first only when something follows it; a title in Title Case
    first is the title of a book ("… 21st ed."), or of a page an organisation published."""
    if not following or _classify(first) or ":" in first or first.endswith("?"):
        return False
    if _is_organisation(first):
        return True
    if len(first.split()) < 2 or not _is_title_case(first) or len(following) < 2:
        return False
    if _is_organisation(following[0]):
        return False
    # A group's work needs its own title before the imprint, and a journal too before a locator.
    kinds = [_classify(segment) for segment in following[:3]]
    untitled = next((number for number, kind in enumerate(kinds) if kind), len(kinds))
    return untitled >= (2 if "locator" in kinds[untitled : untitled + 1] else 1)


# --- the parts after the authors ---------------------------------------------------------------

_IN = re.compile(r"In:\s*(?P<container>.+)", re.IGNORECASE)
_EDITION = re.compile(
    r"(?P<number>\d+)(?:st|nd|rd|th)\s+ed(?:ition)?|(?P<word>Rev(?:ised)?)\s+ed(?:ition)?", re.I
)
_PERIOD = rf"(?:{_MONTH}|Spring|Summer|Fall|Autumn|Winter|[A-Z][a-z]{{2,8}}\.?)"
# "2015 Jan-Feb" · "2019 Spring" · "2020 Dec 15" · "2021 Nov-Dec": a journal issue's date.
_ISSUE_DATE = rf"\s+{_PERIOD}(?:\s+\d{{1,2}})?(?:\s*[-–/]\s*(?:{_PERIOD}(?:\s+\d{{1,2}})?|\d{{1,2}}))?"
# 2019;104(7):2870-2881 · 2018 Mar;31:1-9 · 2020;12(Suppl 2) · 2021;11:e045123 — the locator.
_LOCATOR = re.compile(
    rf"(?P<year>\d{{4}})(?:{_ISSUE_DATE})?\s*;\s*(?P<volume>[^():;]*?)\s*"
    r"(?:\((?P<issue>[^)]+)\))?\s*(?::\s*(?P<pages>[\w–-]+))?",
    re.IGNORECASE,
)
# An article number in place of pages: e045123, e0227890, l1234 (BMJ), CD012345 (Cochrane).
_ELOCATOR = re.compile(r"(?:[a-z]|CD)\d{3,}")
_PAGES = r"(?:chap(?:ter)?\.?\s*)?[\w–-]+"
# "2022 Jan-" (a book updated continuously) · "2021 Mar" · "March 2020": a book's date.
_IMPRINT_DATE = (
    rf"(?:{_MONTH}\s+(?:\d{{1,2}},?\s+)?)?(?P<year>\d{{4}})[a-z]?"
    rf"(?:\s+{_MONTH}(?:\s+\d{{1,2}})?)?(?:\s*[-–]\s*)?"
)
# Philadelphia, PA: Elsevier; 2021 · Mayo Clinic; 2020 — the imprint of a book or report.
_IMPRINT = re.compile(
    rf"(?:(?P<place>[^:;]+):\s*)?(?P<publisher>[^:;]+?);\s*{_IMPRINT_DATE}(?::\s*(?P<pages>{_PAGES}))?",
    re.IGNORECASE,
)
# Geneva; World Health Organization: March 2019 — the same, as some sites write it.
_PLACE_FIRST_IMPRINT = re.compile(
    rf"(?P<place>[^:;]+);\s*(?P<publisher>[^:;]+?):\s*{_IMPRINT_DATE}", re.IGNORECASE
)
_PAGE_RANGE = re.compile(r"pp?(?:\.\s*|\s+)(?P<pages>\w+(?:\s*[-–]\s*\w+)?)")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_MONTH_YEAR = re.compile(
    rf"{_MONTH}\s+(?P<year>(?:19|20)\d{{2}})|(?P<first>(?:19|20)\d{{2}})\s+{_MONTH}", re.I
)
# APA's date after the authors: "(2020)", "(2021, March 3)".
_BRACKETED_YEAR = re.compile(r"\((?P<year>(?:19|20)\d{2})[a-z]?(?:,\s*(?P<day>[^()]{1,30}))?\)")
# WebMD's sources: 'Example Academy of Dermatology: "Cold sores," March 2023.'
_QUOTED_SOURCE = re.compile(
    r"(?P<source>[^:\"“”]{2,200}):\s*[\"“](?P<title>[^\"“”]+?)[.,]?[\"”][.,]?(?:\s*(?P<date>[^\"“”]*?))?"
)
# Patient.info's further reading: "Gout; NICE CKS, June 2022 (UK access only)".
_TOPIC_SOURCE = re.compile(
    rf"(?P<title>[^;.]+);\s*(?P<publisher>[^;,()\d][^;,()]*?)"
    rf"(?:,\s*(?P<date>(?:{_MONTH}\s+)?(?:19|20)\d{{2}}))?\s*(?:\((?P<remark>[^()]*)\))?",
    re.IGNORECASE,
)
# Healthdirect's sources: "Example Department of Health (Treating head lice) (https://…)".
_ORGANISATION_PAGE = re.compile(r"(?P<source>[^()]+?)\s*\((?P<title>[^()]+)\)")
_CHAPTER = re.compile(r"(?:^|[.?!\]]\s)In:\s", re.IGNORECASE)


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
    if _PLACE_FIRST_IMPRINT.fullmatch(segment):
        return "place-first imprint"
    if _PAGE_RANGE.fullmatch(segment):
        return "pages"
    if parse_date(segment):
        return "date"
    if _YEAR.fullmatch(segment):
        return "year"
    if _MONTH_YEAR.fullmatch(segment):
        return "month"
    if _BRACKETED_YEAR.fullmatch(segment):
        return "bracketed year"
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
    dates: list[str] = []  # dates standing alone, noted before the dated remarks
    parts = [pair for segment in segments for pair in _classified(segment)]
    for number, (segment, part) in enumerate(parts):
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
            if len(free) > 1 and not fields["title"]:
                # "Recommendations for gout. Part II: Management. Ann Rheum Dis. 2006;…": one title.
                free[:] = [_rejoined(free)]
            pages = match["pages"] or ""
            fields.update(year=int(match["year"]), volume=match["volume"] or "", issue=match["issue"] or "")
            if _ELOCATOR.fullmatch(pages):
                fields["elocator"] = pages
            else:
                fields["pages"] = pages
        elif part in ("imprint", "place-first imprint"):
            match = _matched(_IMPRINT if part == "imprint" else _PLACE_FIRST_IMPRINT, segment)
            fields.update(place=(match["place"] or "").strip(), publisher=match["publisher"].strip())
            fields["pages"] = fields["pages"] or match.groupdict().get("pages") or ""
            fields["year"] = int(match["year"])
        elif part == "pages":
            pages = _matched(_PAGE_RANGE, segment)["pages"]
            fields["pages"] = fields["pages"] or re.sub(r"\s*([-–])\s*", r"\1", pages)
        elif part == "bracketed year":
            match = _matched(_BRACKETED_YEAR, segment)
            fields["year"] = fields["year"] or int(match["year"])
            if match["day"] and parse_date(written := f"{match['day']}, {match['year']}"):
                dates.append(f"Published {written}")
        elif part == "month":
            match = _matched(_MONTH_YEAR, segment)
            fields["year"] = fields["year"] or int(match["year"] or match["first"])
            dates.append(f"Published {segment}")
        elif part in ("date", "year"):
            # The date's own year: "2019-03-04" does not end in it.
            day = parse_date(segment) if part == "date" else None
            fields["year"] = fields["year"] or (day.year if day else int(segment))
            if part == "date" and day and fields["private_note"].startswith("Epub ahead of print"):
                # The only date of an article not yet in an issue: when it went online.
                fields["published_online"] = fields["published_online"] or day
            elif part == "date" and number + 1 < len(parts) and parts[number + 1][1] == "in":
                # PubMed's citation of a chapter of a living book (StatPearls): its last update.
                dates.append(f"Updated {segment}")
            elif part == "date":
                dates.append(segment)
        else:
            free.append(segment)
    if dates:
        _add_note(fields, "note", "; ".join(dates), first=True)
    if book_follows and len(free) > 1:
        fields["container_title"] = free.pop(1)
    elif book_follows and free and not fields["container_title"] and fields["editors"]:
        # "In: Editors, eds. Book." with no chapter title before it.
        fields["container_title"] = free.pop()
    _assign_free(free, fields, expert=expert)


def _rejoined(parts: list[str]) -> str:
    """Parts of one sentence split at their full stops, joined again ("?" and "!" kept alone)."""
    return " ".join(part if part[-1:] in "?!" else f"{part}." for part in parts[:-1]) + f" {parts[-1]}"


_YEAR_AFTER_SPACE = re.compile(r"\s(?=(?:19|20)\d{2}\b)")


def _classified(segment: str) -> list[tuple[str, str | None]]:
    """``segment`` and what :func:`_classify` finds it is; ``"N Engl J Med 2019;380:1-10"`` (no
    full stop after the journal) as the journal and the locator."""
    part = _classify(segment)
    if part is None:
        spaces = [match.start() for match in _YEAR_AFTER_SPACE.finditer(segment)]
        if spaces and _classify(tail := segment[spaces[-1] + 1 :]) == "locator":
            head = segment[: spaces[-1]]
            return [(head, _classify(head)), (tail, "locator")]
    return [(segment, part)]


def _assign_container(text: str, fields: dict) -> bool:
    """Read "In: Book title", "In: Smith A, Roe B, eds" or "In: McPhee SJ, et al" (an older
    form without "eds"); True when the book title follows."""
    text = text.strip()
    editors = _EDITORS.fullmatch(text)
    names = _names(editors["editors"]) if editors else _names(text)
    if names:
        fields["editors"] = "\n".join(names)
        return True
    fields["container_title"] = text
    return False


def _assign_free(free: list[str], fields: dict, *, expert: bool) -> None:
    if expert:
        # An expert opinion names the expert's institution, not a title.
        if free and not fields["publisher"]:
            fields["publisher"] = free.pop(0)
    elif free and not fields["title"]:
        # "Does it work? A randomised trial": a question and its subtitle are one title, when
        # a part is left for the container.
        spare = len(free) - (1 if fields["container_title"] else 2)
        parts = 1
        while parts <= spare and free[parts - 1][-1:] in "?!":
            parts += 1
        fields["title"] = " ".join(free[:parts])
        del free[:parts]
    if free and not fields["container_title"]:
        fields["container_title"] = free.pop(0)
    types = [part for part in free if _PUBLICATION_TYPE.fullmatch(part)]
    if types:
        _add_note(fields, "private_note", "; ".join(types))
    if free := [part for part in free if part not in types]:
        fields["note"] = "; ".join(filter(None, [*free, fields["note"]]))


def _guess_kind(fields: dict, *, expert: bool) -> str:
    host = urlsplit(fields["url"]).hostname or ""
    if expert:
        return Kind.EXPERT_OPINION
    if _CHAPTER.search(fields["original_text"]):
        return Kind.BOOK_CHAPTER
    if any(host == name or host.endswith("." + name) for name in _DATABASE_HOSTS):
        return Kind.DATABASE
    if fields["doi"] or fields["pmid"] or fields["volume"] or fields["elocator"]:
        return Kind.JOURNAL_ARTICLE
    if fields["pages"] and not fields["publisher"]:
        return Kind.JOURNAL_ARTICLE
    issued_by = f"{fields['title']} {fields['authors']}"
    if re.search(r"\b(?:guidelines?|consensus statement|practice parameter)\b", issued_by, re.I):
        return Kind.GUIDELINE
    if fields["edition"] or fields["place"] or fields["editors"]:
        return Kind.BOOK
    if fields["url"] and not fields["publisher"]:
        return Kind.WEB_PAGE
    return Kind.OTHER


# --- journal abbreviations -----------------------------------------------------------------------

# Words of NLM (ISO 4) journal abbreviations in medicine that are not words of their own.
_ABBREVIATED_WORDS = _words(
    """
    acad adolesc allergy am anesth anesthesiol ann annu antimicrob arch assoc atheroscler aust
    behav biochem biol br bull can cardiol cardiovasc chemother chin clin commun crit curr dermatol
    diabetol dig dis educ emerg endocr endocrinol engl environ epidemiol eur evid exp fam fertil
    gastroenterol gen genet geriatr gerontol gynaecol gynecol haematol hematol hepatol hosp hyg
    immunol infect int intern investig jpn lab lett med ment metab microbiol mol morb mortal natl
    nephrol netw neurol neurosci neurosurg nurs nutr obes obstet occup oncol ophthalmol opin orthop
    otolaryngol paediatr palliat pathol pediatr perinatol pharm pharmacol physiol pract prev proc
    psychiatr psychol pulm radiol rehabil reprod res respir rev rheumatol sci scand soc steril surg
    syst ther thorac transl trop urol vasc wkly
    """
)


def _looks_abbreviated(title: str) -> bool:
    """Whether a journal title as a citation prints it is (clearly) an abbreviation: "N Engl J
    Med", "JAMA", "Lancet", but not "The New England Journal of Medicine" or "Clinical
    Infectious Diseases"."""
    words = title.split()
    if not words or len(title) > 100 or "." in title or any(word.lower() in _SMALL_WORDS for word in words):
        return False
    if len(words) == 1:
        return words[0][:1].isupper()
    return any(
        word.lower().strip("()") in _ABBREVIATED_WORDS
        or (len(word) == 1 and word.isupper())
        or (word.isupper() and len(word) > 1)
        for word in words
    )


# --- citation keys ---------------------------------------------------------------------------

_STOP_WORDS = {"a", "an", "the", "of", "on", "in", "and", "for", "to"}
# Letters that Unicode does not decompose into a letter and an accent, as they are spelt in ASCII.
_ASCII_SPELLING = str.maketrans(
    {"Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "ß": "ss", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d"}
    | {"Þ": "Th", "þ": "th", "Œ": "OE", "œ": "oe"}
)


def base_key(fields: dict) -> str:
    """The citation key a reference would like: first author's (else editor's) family name (or
    the organisation) and the year, e.g. ``feldman2021`` or ``askmayoexpert2020``."""
    people = fields["authors"] or fields.get("editors", "")
    authors = [name for name in people.splitlines() if name and not _ET_AL.fullmatch(name)]
    if authors and _PERSON.fullmatch(authors[0]):
        stem = authors[0].rsplit(None, 1)[0]  # drop the initials
    elif authors:
        stem = authors[0]
    else:
        words = [w for w in re.findall(r"\w+", fields["title"]) if w.lower() not in _STOP_WORDS]
        stem = words[0] if words else "ref"
    stem = unicodedata.normalize("NFKC", stem).translate(_ASCII_SPELLING)
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
