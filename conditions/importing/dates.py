"""The date a page gives for itself ("Last updated: …", "Page last reviewed: …", a date alone on
its line), and the print furniture around a printed page, whose dates are not the page's.

Only whole lines are read, by explicit patterns: a date is never guessed from numbers in prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from references.parsing import parse_date

_MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
_MONTH = rf"(?:{_MONTH_NAMES})\.?"
# "Jul 07, 2022", "March 26 2016", "Aug. 17, 2016", "12 March 2024", "2026-05-08".
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_WORDED = rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+{_MONTH},?\s+\d{{4}})"
_ISO = r"\d{4}-\d{2}-\d{2}"
# Forms read only after a label, where they cannot be anything but the page's date: "3/26/2024"
# (month first, as US sites write it) and "May 2023" (the first of the month).
_NUMERIC = r"\d{1,2}/\d{1,2}/\d{4}"
_MONTH_YEAR = rf"{_MONTH}\s+\d{{4}}"
_ANY_DATE = rf"(?P<date>{_WORDED}|{_ISO}|{_NUMERIC}|{_MONTH_YEAR})"

# What a page calls its own date. "Next review due" is the site's plan, not the page's date.
_LABEL = (
    r"(?:(?:page|article|content|information)\s+)?(?:(?:last|medically|clinically)\s+)?"
    r"(?:(?:reviewed|updated)\s*/\s*(?:revised|updated|reviewed)|"
    r"updated|reviewed|modified|revised|review\s+date|reviewed\s+date|published|posted|answered|"
    r"date\s+of\s+(?:publication|issue)|publication\s+date|date\s+published|issue\s+date|"
    r"date\s+(?:reviewed|updated|last\s+reviewed))"
    # "Last reviewed by a clinic medical professional on 11/19/2024."
    r"(?:\s+by\s+[\w .,'’&-]{2,80}?(?=\s+on\b))?(?:\s+on)?"
)
_LABELLED = re.compile(rf"(?P<label>{_LABEL})\s*[:\-–—]?\s*{_ANY_DATE}\.?", re.IGNORECASE)
_NEXT_REVIEW = re.compile(
    rf"next\s+review(?:\s+(?:due|date))?(?:\s+on)?\s*[:\-–—]?\s*{_ANY_DATE}\.?", re.IGNORECASE
)
# A date alone on its line, perhaps with the text of the link after it glued on by the copy
# ("May 3, 2024Print", "Jul 07, 2022 Share"): at most a few title-case words, no punctuation.
_BARE = re.compile(rf"(?i:(?P<date>{_WORDED}|{_ISO}))(?:\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+){{0,3}})?\.?")
_KIND_OF_PAGE = re.compile(r"[A-Za-z][a-z]+(?: [a-z]+){0,2}")
_SEPARATORS = re.compile(r"\s*[|·•—–]\s*|\s+-\s+")
# Who wrote or reviewed it, beside the date on a byline: "Medically reviewed by Jane Doe, MD".
_CREDIT = re.compile(
    r"(?:(?:medically|clinically)\s+)?(?:reviewed|written|edited|fact[- ]checked|updated)"
    r"\s+by\b[^|·•—–]{2,80}",
    re.IGNORECASE,
)

# Print furniture: the header and footer a browser or PDF prints on every page.
_PAGE_COUNTER = re.compile(
    r"(?:\bpage\s+)?\b\d{1,3}\s*(?:/|\bof\b)\s*\d{1,3}$|^page\s+\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE
)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?:\s*[AP]M)?\b", re.IGNORECASE)
_SHORT_NUMERIC = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)


@dataclass(frozen=True)
class PageDate:
    """A date a line gives, and how surely it is the page's own date (higher is surer)."""

    day: date
    rank: int  # 2: "last reviewed/updated", 1: a date alone, 0: "published"


def _read(text: str) -> date | None:
    """One date matched by :data:`_ANY_DATE`, including the forms only a label allows."""
    text = text.strip().rstrip(".")
    if day := parse_date(re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", text)):
        return day
    if numeric := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        month, day_of_month, year = map(int, numeric.groups())
        if month > 12 >= day_of_month:  # only a day-first date can have a first part over 12
            month, day_of_month = day_of_month, month
        return _checked(year, month, day_of_month)
    if month_year := re.fullmatch(rf"({_MONTH})\s+(\d{{4}})", text, re.IGNORECASE):
        return parse_date(f"{month_year[1]} 1, {month_year[2]}")
    return None


def _checked(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def page_date(line: str) -> PageDate | None:
    """The page's date if ``line`` is a date line ("Last updated: March 3, 2025", "Jul 07, 2022",
    "Page last reviewed: 12 March 2024 Next review due: 12 March 2027"); else None.

    The whole line must be dates and their labels: a date inside a sentence is not the page's.
    """
    line = line.strip()
    if not line or len(line) > 160:
        return None
    if bare := _BARE.fullmatch(line):
        day = _read(bare["date"])
        return PageDate(day, 1) if day else None
    # A date with the kind of page after it: "5 June 2024 | Fact sheet".
    first, *others = _SEPARATORS.split(line)
    if others and (bare := _BARE.fullmatch(first)) and all(_KIND_OF_PAGE.fullmatch(o) for o in others):
        day = _read(bare["date"])
        return PageDate(day, 1) if day else None
    found: PageDate | None = None
    rest = line
    for match in _LABELLED.finditer(line):
        day = _read(match["date"])
        if day is None:
            return None
        label = match["label"].lower()
        first_out = ("published", "posted", "date of", "publication", "date published", "issue")
        rank = 0 if label.startswith(first_out) else 2  # a later review or update outranks them
        if found is None or rank > found.rank:
            found = PageDate(day, rank)
        rest = rest.replace(match.group(), " ", 1)
    if found is None:
        return None
    rest = _CREDIT.sub(" ", _NEXT_REVIEW.sub(" ", rest))
    # Nothing else on the line but separators: "Updated: … | Published: …".
    return found if not _SEPARATORS.sub(" ", rest).strip(" .,;") else None


# A date's label on a line of its own, the date on the next: "Last updated:" then "14 November 2023".
_LABEL_ALONE = re.compile(rf"(?:{_LABEL}|next\s+review(?:\s+(?:due|date))?)\s*:?", re.IGNORECASE)


def is_date_line(line: str) -> bool:
    """A line that is only dates (the page's own, or when its next review is due), or only a
    date's label ("Last updated:"), which the next line's date goes with."""
    text = line.strip()
    return page_date(line) is not None or bool(_NEXT_REVIEW.fullmatch(text) or _LABEL_ALONE.fullmatch(text))


def is_print_furniture(line: str) -> bool:
    """A browser's or PDF's page header or footer: a page counter ("Page 2 of 5", "2/5" after a
    URL), or a print date and time with the page's address or title ("3/26/24, 2:14 PM  Gout -
    Mayo Clinic")."""
    text = line.strip()
    if not text or len(text) > 240:
        return False
    if _PAGE_COUNTER.fullmatch(text):
        return True
    counter = _PAGE_COUNTER.search(text)
    url = _URL.search(text)
    stamped = bool(_CLOCK.search(text)) or bool(_SHORT_NUMERIC.search(text))
    sentence = bool(re.search(r"[a-z]{2}[.!?](?:\s|$)", _URL.sub("", text)))
    if sentence:
        return False
    return bool(counter and (url or stamped or "  " in text)) or bool(stamped and (url or "  " in text))
