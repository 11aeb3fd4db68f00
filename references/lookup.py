"""Looking a reference up by DOI (Crossref) or PMID (NCBI E-utilities): the fields of the
Reference form, filled for an editor to confirm before anything is saved.

Standard library only, as references/linkcheck.py: one GET per look-up, with a bounded wait
(``REFERENCE_LOOKUP_TIMEOUT`` for the connection, each read and the whole answer) and a bounded
size. Every failure is a :class:`LookupFailed` whose message an editor can act on; none is a
traceback.
"""

from __future__ import annotations

import html
import http.client
import json
import re
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, unquote, urlencode, urlsplit

from django.conf import settings
from django.utils.html import strip_tags

from .identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from .models import Reference
from .parsing import base_key, unique_key
from .readers import ama_name

Kind = Reference.Kind

# A work's record is a few kilobytes; a list of notices tens. More is not an answer to our question.
MAX_BYTES = 2 * 1024 * 1024
CROSSREF = "Crossref"
LATER = "Try again later, or fill the fields in by hand."
PUBMED = "PubMed"

# Crossref's work types (https://api.crossref.org/types) as the site's kinds; others are "other".
_CROSSREF_KINDS = {
    "journal-article": Kind.JOURNAL_ARTICLE,
    "book-chapter": Kind.BOOK_CHAPTER,
    "book-section": Kind.BOOK_CHAPTER,
    "book-part": Kind.BOOK_CHAPTER,
    "reference-entry": Kind.BOOK_CHAPTER,
    "book": Kind.BOOK,
    "monograph": Kind.BOOK,
    "edited-book": Kind.BOOK,
    "reference-book": Kind.BOOK,
    "dataset": Kind.DATABASE,
}
_PUBMED_KINDS = {"citation": Kind.JOURNAL_ARTICLE, "chapter": Kind.BOOK_CHAPTER, "book": Kind.BOOK}
_BOOKISH = (Kind.BOOK, Kind.BOOK_CHAPTER)
_DOI_IN_TEXT = re.compile(r"10\.[0-9]{4,9}/[^\s?#]+")
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
)}  # fmt: skip


class LookupFailed(Exception):
    """The look-up gave no record; ``str()`` is a sentence for the editor."""


class NotRecorded(LookupFailed):
    """The service answered, and holds no record of the identifier."""


@dataclass(frozen=True)
class LookupResult:
    """What a service holds about one work, as the Reference form takes it.

    ``fields`` maps form field names to the values to fill in, all text as a form posts them
    (a year "2021", a date "2021-03-05"); fields the service left empty are absent.
    """

    source: str  # CROSSREF or PUBMED
    identifier: str  # "DOI 10.1056/..." or "PMID 123": what was asked, as an editor reads it
    fields: dict[str, str]
    existing_key: str = ""  # a stored reference with the same DOI or PMID
    notices: list[dict[str, str]] = field(default_factory=list)  # Crossref's `updated-by`, as given


def parse_identifier(text: str) -> tuple[str, str]:
    """``("pmid", "31234567")`` or ``("doi", "10.1000/xyz")`` from what an editor pasted: a PMID,
    a DOI, a doi.org or PubMed address, or a publisher's address with a DOI in its path."""
    text = (text or "").strip()
    if not text:
        raise LookupFailed("Paste a DOI (10.1000/xyz123), a PMID (31234567) or a doi.org or PubMed link.")
    for kind, normalize in (("pmid", normalize_pmid), ("doi", normalize_doi)):
        try:
            value = normalize(text)
        except InvalidIdentifier:
            continue
        if value:
            return kind, value
    found = _DOI_IN_TEXT.search(unquote(urlsplit(text).path) if "://" in text else text)
    if found:
        try:
            return "doi", normalize_doi(found.group(0))
        except InvalidIdentifier:
            pass
    raise LookupFailed(
        f"“{text[:200]}” is not a DOI or a PMID: a DOI looks like 10.1000/xyz123, a PMID like 31234567."
    )


def lookup(identifier: str, *, timeout: float | None = None) -> LookupResult:
    """The fields of the work that ``identifier`` (DOI, PMID or a link to either) names."""
    kind, value = parse_identifier(identifier)
    if kind == "doi":
        message = crossref_work(value, timeout=timeout)
        fields = crossref_fields(message)
        fields.setdefault("doi", value)
        result_fields, asked = fields, f"DOI {value}"
        notices = [notice for notice in message.get("updated-by") or [] if isinstance(notice, dict)]
    else:
        summary = pubmed_summary(value, timeout=timeout)
        result_fields, asked, notices = pubmed_fields(summary), f"PMID {value}", []
        result_fields.setdefault("pmid", value)
    existing = _existing(result_fields)
    if not existing:
        result_fields["key"] = _free_key(result_fields)
    return LookupResult(
        source=CROSSREF if kind == "doi" else PUBMED,
        identifier=asked,
        fields=result_fields,
        existing_key=existing,
        notices=notices,
    )


# --- asking the services ---------------------------------------------------------------------


def user_agent() -> str:
    contact = settings.REFERENCE_LOOKUP_MAILTO
    return "MedSite/1.0 (reference look-up of the MedSite CMS" + (f"; mailto:{contact})" if contact else ")")


def fetch_json(url: str, *, service: str, timeout: float | None = None) -> tuple[int, Any]:
    """GET ``url`` and read its JSON: ``(HTTP status, data)``. A 404 is returned (the caller says
    what was not found); every other failure is a :class:`LookupFailed` naming ``service``."""
    wait = float(timeout if timeout is not None else settings.REFERENCE_LOOKUP_TIMEOUT)
    request = urllib.request.Request(  # noqa: S310 - the base URLs are the site's settings
        url, headers={"User-Agent": user_agent(), "Accept": "application/json"}
    )
    deadline = time.monotonic() + wait
    try:
        with urllib.request.urlopen(request, timeout=wait) as response:  # noqa: S310
            status, body = response.status, _read(response, deadline, wait, service)
    except HTTPError as exc:
        exc.close()
        if exc.code == 404:
            return 404, None
        if exc.code == 429:
            raise LookupFailed(f"{service} is limiting requests just now: try again in a minute.") from None
        raise LookupFailed(f"{service} answered with an error (HTTP {exc.code}). {LATER}") from None
    except TimeoutError:
        raise LookupFailed(_timed_out(service, wait)) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        reason = exc.reason if isinstance(exc, URLError) else exc
        if isinstance(reason, TimeoutError):
            raise LookupFailed(_timed_out(service, wait)) from None
        raise LookupFailed(f"{service} could not be reached ({_describe(reason)}). {LATER}") from None
    try:
        return status, json.loads(body)
    except (ValueError, RecursionError):
        raise LookupFailed(
            f"{service}'s answer could not be read (it was not the JSON it sends). Try again later, "
            "or fill the fields in by hand."
        ) from None


def _read(response: http.client.HTTPResponse, deadline: float, wait: float, service: str) -> bytes:
    """The body, read in pieces so that a server sending slowly is given ``wait`` in all."""
    chunks, size = [], 0
    while chunk := response.read(64 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise LookupFailed(f"{service}'s answer was far larger than a record: it was not read.")
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(chunks)


def _timed_out(service: str, wait: float) -> str:
    return f"{service} did not answer within {wait:g} second{'' if wait == 1 else 's'}. {LATER}"


def _describe(reason: object) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def crossref_work(doi: str, *, timeout: float | None = None) -> dict:
    """Crossref's record of ``doi``: the ``message`` of ``/works/{doi}``."""
    query = (
        f"?{urlencode({'mailto': settings.REFERENCE_LOOKUP_MAILTO})}"
        if settings.REFERENCE_LOOKUP_MAILTO
        else ""
    )
    url = f"{settings.CROSSREF_API_URL}/works/{quote(doi, safe='')}{query}"
    status, data = fetch_json(url, service=CROSSREF, timeout=timeout)
    if status == 404:
        raise NotRecorded(
            f"Crossref has no record of the DOI {doi}. Check it (a DOI from DataCite, e.g. a data set, is "
            "not in Crossref), or fill the fields in by hand."
        )
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise LookupFailed(f"Crossref's answer held no record of the DOI {doi}. Fill the fields in by hand.")
    return message


def pubmed_summary(pmid: str, *, timeout: float | None = None) -> dict:
    """PubMed's document summary of ``pmid`` (E-utilities ``esummary``, JSON)."""
    params = {"db": "pubmed", "id": pmid, "retmode": "json", "tool": "medsite"}
    if settings.REFERENCE_LOOKUP_MAILTO:
        params["email"] = settings.REFERENCE_LOOKUP_MAILTO
    url = f"{settings.EUTILS_API_URL}/esummary.fcgi?{urlencode(params)}"
    status, data = fetch_json(url, service=PUBMED, timeout=timeout)
    result = data.get("result") if isinstance(data, dict) else None
    summary = result.get(pmid) if isinstance(result, dict) else None
    # An unknown PMID is a 200 whose summary says {"uid": ..., "error": "cannot get document summary"}.
    if status == 404 or not isinstance(summary, dict) or summary.get("error") or not summary.get("uid"):
        raise NotRecorded(
            f"PubMed has no record of the PMID {pmid}. Check it, or fill the fields in by hand."
        )
    return summary


# --- their records as the form's fields ----------------------------------------------------


def _text(value: Any) -> str:
    """One line of plain text from a service's value (Crossref titles carry JATS and HTML tags)."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    if not isinstance(value, str | int):
        return ""
    return " ".join(html.unescape(strip_tags(str(value))).split())


def _people(people: Any) -> str:
    names = []
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        family, given = _text(person.get("family")), _text(person.get("given"))
        # A person with one name only (Crossref puts it in "given" or "family"), or a group ("name").
        name = (
            ama_name(family, given, _text(person.get("suffix")))
            if family
            else _text(person.get("name")) or given
        )
        if name:
            names.append(name)
    return "\n".join(names)


def _date_parts(value: Any) -> list[int]:
    """``{"date-parts": [[2021, 3, 5]]}`` -> ``[2021, 3, 5]``; ``[]`` when there is none."""
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    return [part for part in first if isinstance(part, int)]


def _full_date(parts: list[int]) -> str:
    if len(parts) < 3:
        return ""
    try:
        return date(parts[0], parts[1], parts[2]).isoformat()
    except ValueError:
        return ""


def expand_pages(pages: str) -> str:
    """A page range written out in full, with a hyphen: "911-20" -> "911-920", "e12–e19" kept."""
    match = re.fullmatch(r"\s*([A-Za-z]?)(\d+)\s*[-\u2010-\u2015]\s*([A-Za-z]?)(\d+)\s*", pages)
    if not match:
        return pages.strip()
    prefix, first, prefix2, last = match.groups()
    if len(last) < len(first) and not prefix2:
        last = first[: len(first) - len(last)] + last
    return f"{prefix}{first}-{prefix2 or prefix}{last}"


def crossref_fields(message: dict) -> dict[str, str]:
    """The form's fields from a Crossref work (the ``message`` of ``/works/{doi}``)."""
    kind = _CROSSREF_KINDS.get(_text(message.get("type")), Kind.OTHER)
    title, subtitle = _text(message.get("title")), _text(message.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    printed = _date_parts(message.get("published-print")) or _date_parts(message.get("issued"))
    online = _date_parts(message.get("published-online"))
    fields = {
        "kind": kind,
        "title": title,
        "container_title": _text(message.get("container-title")),
        "authors": _people(message.get("author")),
        "year": str(printed[0]) if printed else (str(online[0]) if online else ""),
        "volume": _text(message.get("volume")),
        "issue": _text(message.get("issue")),
        "pages": expand_pages(_text(message.get("page"))),
        "elocator": _text(message.get("article-number")),
        "doi": _doi(message.get("DOI")),
    }
    if not fields["elocator"] and re.fullmatch(r"e\d+", fields["pages"]):  # an article number as the page
        fields["pages"], fields["elocator"] = "", fields["pages"]
    if kind == Kind.JOURNAL_ARTICLE:
        fields["journal_abbreviation"] = _text(message.get("short-container-title"))
        # "Published online" is printed for an article not yet in an issue.
        if not fields["volume"] and not fields["pages"]:
            fields["published_online"] = _full_date(online)
    if kind in _BOOKISH:
        fields["editors"] = _people(message.get("editor"))
        fields["publisher"] = _text(message.get("publisher"))
        fields["place"] = _text(message.get("publisher-location"))
        edition = _text(message.get("edition-number"))
        fields["edition"] = "" if edition in ("1", "1st") else edition
    if kind == Kind.BOOK:  # a book is its own container
        fields["container_title"] = ""
    return {name: value for name, value in fields.items() if value}


def _doi(value: Any) -> str:
    try:
        return normalize_doi(_text(value))
    except InvalidIdentifier:
        return ""


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _pubmed_date(text: str) -> str:
    """ "2021 Mar 5" -> "2021-03-05"; "" for a date without a day ("2021 Mar", "2021 Winter")."""
    match = re.fullmatch(r"(\d{4}) ([A-Za-z]{3}) (\d{1,2})", text.strip())
    if not match or match.group(2).lower() not in _MONTHS:
        return ""
    return _full_date([int(match.group(1)), _MONTHS[match.group(2).lower()], int(match.group(3))])


def pubmed_fields(summary: dict) -> dict[str, str]:
    """The form's fields from an E-utilities ``esummary`` document summary (JSON)."""
    kind = _PUBMED_KINDS.get(_text(summary.get("doctype")), Kind.JOURNAL_ARTICLE)
    # Books list their editors with authtype "Editor", among the authors or the contributors.
    people = {name: _dicts(summary.get(name)) for name in ("authors", "srccontriblist", "doccontriblist")}
    editors = [p for group in people.values() for p in group if _text(p.get("authtype")) == "Editor"]
    authors = [person for person in people["authors"] if person not in editors]
    ids = {_text(item.get("idtype")): _text(item.get("value")) for item in _dicts(summary.get("articleids"))}
    pages = expand_pages(_text(summary.get("pages")))
    elocator = ""
    if re.fullmatch(r"e\d+", pages):  # MEDLINE writes an article number where the pages go
        pages, elocator = "", pages
    title = _text(summary.get("title"))
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    year = re.match(r"\d{4}", _text(summary.get("pubdate")))
    fields = {
        "kind": kind,
        "title": title,
        "authors": _people(authors),
        "year": year.group(0) if year else "",
        "volume": _text(summary.get("volume")),
        "issue": _text(summary.get("issue")),
        "pages": pages,
        "elocator": elocator,
        "doi": _doi(ids.get("doi")),
        "pmid": _text(summary.get("uid")),
    }
    if kind == Kind.JOURNAL_ARTICLE:
        fields["container_title"] = _text(summary.get("fulljournalname"))
        fields["journal_abbreviation"] = _text(summary.get("source"))
        if not fields["volume"] and not fields["pages"]:
            fields["published_online"] = _pubmed_date(_text(summary.get("epubdate")))
    else:
        fields["title"] = title if kind == Kind.BOOK_CHAPTER else _text(summary.get("booktitle")) or title
        fields["container_title"] = _text(summary.get("booktitle")) if kind == Kind.BOOK_CHAPTER else ""
        fields["editors"] = _people(editors)
        fields["publisher"] = _text(summary.get("publishername"))
        fields["place"] = _text(summary.get("publisherlocation"))
        fields["edition"] = _text(summary.get("edition"))
    return {name: value for name, value in fields.items() if value}


# --- the site's own references -----------------------------------------------------------


def _existing(fields: dict[str, str]) -> str:
    """The key of a stored reference with the same DOI or PMID, if there is one."""
    for name in ("doi", "pmid"):
        if fields.get(name):
            key = Reference.objects.filter(**{name: fields[name]}).values_list("key", flat=True).first()
            if key:
                return key
    return ""


def _free_key(fields: dict[str, str]) -> str:
    base = base_key(
        {"authors": fields.get("authors", ""), "title": fields.get("title", ""), "year": fields.get("year")}
    )
    taken = set(Reference.objects.filter(key__startswith=base).values_list("key", flat=True))
    return unique_key(base, taken)
