"""Crossref and NCBI E-utilities on 127.0.0.1, for tests: the look-up and the retraction check
never reach the internet.

The answers have the services' real shapes (a Crossref ``work`` and ``work-list`` envelope, an
E-utilities ``esummary`` JSON document with its per-id ``error`` for an unknown PMID, Crossref's
plain-text 404); the records are made up. A few identifiers misbehave on purpose: see FAULTS.

Use :func:`serving` as a context manager; it points the settings' base URLs at the server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from django.test import override_settings

SLOW_SECONDS = 3.0  # longer than the tests' timeout, which they set themselves


def _date(*parts: int) -> dict:
    return {"date-parts": [list(parts)]}


def _stamped(*parts: int) -> dict:
    # An update's date, as Crossref writes it: parts, an ISO time and a timestamp.
    year, month, day_ = parts
    return {
        **_date(*parts),
        "date-time": f"{year:04d}-{month:02d}-{day_:02d}T00:00:00Z",
        "timestamp": 1_000_000_000_000,
    }


ARTICLE_DOI = "10.5555/jcm.2021.0042"
ONLINE_FIRST_DOI = "10.5555/jcm.2024.e240117"
CHAPTER_DOI = "10.5555/hrp.3e.ch7"
RETRACTED_DOI = "10.5555/jcm.2015.0117"
RETRACTION_NOTICE_DOI = "10.5555/jcm.2017.0201"
CORRECTED_DOI = "10.5555/jcm.2018.0330"
CORRECTION_NOTICE_DOI = "10.5555/jcm.2019.0012"
CLEAN_DOI = "10.5555/jcm.2020.0077"
PAGE_ELOCATOR_DOI = "10.5555/ohr.0281234"

CROSSREF_WORKS: dict[str, dict] = {
    ARTICLE_DOI: {
        "indexed": {"date-parts": [[2025, 3, 1]], "date-time": "2025-03-01T04:12:09Z", "timestamp": 1},
        "reference-count": 31,
        "publisher": "Example Medical Publishing",
        "issue": "3",
        "content-domain": {"domain": [], "crossmark-restriction": False},
        "short-container-title": ["J Community Med"],
        "published-print": _date(2021, 3),
        "DOI": "10.5555/JCM.2021.0042",  # Crossref keeps the case it was registered in
        "type": "journal-article",
        "created": {"date-parts": [[2021, 1, 14]], "date-time": "2021-01-14T10:00:00Z", "timestamp": 1},
        "page": "211-9",
        "source": "Crossref",
        "is-referenced-by-count": 12,
        "title": ["Stretching before sleep for <i>night-time</i> leg cramps"],
        "subtitle": ["a randomised trial in older adults"],
        "prefix": "10.5555",
        "volume": "12",
        "author": [
            {"given": "Maria J.", "family": "Okonkwo", "sequence": "first", "affiliation": []},
            {"given": "Tomás", "family": "Ferreira-Lind", "sequence": "additional", "affiliation": []},
            {"name": "Leg Cramp Study Group", "sequence": "additional", "affiliation": []},
        ],
        "member": "99999",
        "published-online": _date(2021, 1, 14),
        "container-title": ["Journal of Community Medicine"],
        "language": "en",
        "issued": _date(2021, 1, 14),
        "ISSN": ["0000-0001"],
        "URL": "https://doi.org/10.5555/jcm.2021.0042",
        "relation": {},
        "published": _date(2021, 1, 14),
    },
    ONLINE_FIRST_DOI: {
        "publisher": "Example Medical Publishing",
        "short-container-title": ["J Community Med"],
        "DOI": ONLINE_FIRST_DOI,
        "type": "journal-article",
        "title": ["Walking groups and loneliness in people over 70"],
        "author": [{"given": "Priya", "family": "Raman", "sequence": "first", "affiliation": []}],
        "article-number": "e240117",
        "published-online": _date(2024, 2, 9),
        "container-title": ["Journal of Community Medicine"],
        "issued": _date(2024, 2, 9),
        "published": _date(2024, 2, 9),
    },
    CHAPTER_DOI: {
        "publisher": "Example Academic Press",
        "publisher-location": "Oxford",
        "DOI": CHAPTER_DOI,
        "type": "book-chapter",
        "page": "101-128",
        "title": ["Assessing a chronic cough"],
        "author": [{"given": "Chidi", "family": "Eze", "sequence": "first", "affiliation": []}],
        "editor": [
            {"given": "Helen", "family": "Abara", "sequence": "first", "affiliation": []},
            {"given": "Lars P.", "family": "Nygaard", "sequence": "additional", "affiliation": []},
        ],
        "container-title": ["Handbook of Respiratory Practice"],
        "edition-number": "3",
        "issued": _date(2019),
        "published-print": _date(2019),
        "ISBN": ["9780000000001"],
    },
    RETRACTED_DOI: {
        "publisher": "Example Medical Publishing",
        "short-container-title": ["J Community Med"],
        "DOI": RETRACTED_DOI,
        "type": "journal-article",
        "title": ["RETRACTED: Magnesium tablets cure night cramps in a week"],
        "author": [{"given": "Ivo", "family": "Brandt", "sequence": "first", "affiliation": []}],
        "volume": "6",
        "issue": "2",
        "page": "44-51",
        "container-title": ["Journal of Community Medicine"],
        "issued": _date(2015, 4),
        "updated-by": [
            {
                "updated": _stamped(2016, 1, 20),
                "DOI": "10.5555/jcm.2016.0009",
                "type": "correction",
                "source": "retraction-watch",
                "label": "Correction",
                "record-id": "40001",
            },
            {
                "updated": _stamped(2017, 6, 2),
                "DOI": RETRACTION_NOTICE_DOI,
                "type": "retraction",
                "source": "retraction-watch",
                "label": "Retraction",
                "record-id": "40002",
            },
        ],
    },
    RETRACTION_NOTICE_DOI: {
        "DOI": RETRACTION_NOTICE_DOI,
        "type": "journal-article",
        "title": ["Retraction notice to “Magnesium tablets cure night cramps in a week”"],
        "container-title": ["Journal of Community Medicine"],
        "issued": _date(2017, 6, 2),
        "update-to": [
            {
                "updated": _stamped(2017, 6, 2),
                "DOI": RETRACTED_DOI,
                "type": "retraction",
                "source": "publisher",
                "label": "Retraction",
            }
        ],
    },
    # Corrected by a notice the publisher deposited, not linked back from the work itself: only
    # the search for notices that update it finds it.
    CORRECTED_DOI: {
        "DOI": CORRECTED_DOI,
        "type": "journal-article",
        "title": ["Footwear and falls in care homes"],
        "container-title": ["Journal of Community Medicine"],
        "issued": _date(2018, 9),
    },
    CORRECTION_NOTICE_DOI: {
        "DOI": CORRECTION_NOTICE_DOI,
        "type": "journal-article",
        "title": ["Correction to “Footwear and falls in care homes”"],
        "container-title": ["Journal of Community Medicine"],
        "issued": _date(2019, 1, 8),
        "update-to": [
            {
                "updated": _stamped(2019, 1, 8),
                "DOI": CORRECTED_DOI.upper(),
                "type": "erratum",
                "source": "publisher",
                "label": "Erratum",
            }
        ],
    },
    # An open-access journal registering its article number as the page, with a one-name author.
    PAGE_ELOCATOR_DOI: {
        "DOI": PAGE_ELOCATOR_DOI,
        "type": "journal-article",
        "title": ["Text message reminders and inhaler technique"],
        "author": [
            {"given": "Nadia", "family": "Haddad", "sequence": "first", "affiliation": []},
            {"given": "Sukarno", "sequence": "additional", "affiliation": []},
        ],
        "container-title": ["Open Health Reports"],
        "short-container-title": ["Open Health Rep"],
        "volume": "18",
        "issue": "2",
        "page": "e0281234",
        "issued": _date(2023, 2, 3),
        "published-online": _date(2023, 2, 3),
    },
    CLEAN_DOI: {
        "DOI": CLEAN_DOI,
        "type": "journal-article",
        "title": ["Hydration advice for people with kidney stones"],
        "container-title": ["Journal of Community Medicine"],
        "issued": _date(2020, 5),
    },
}


def _summary(uid: str, **fields) -> dict:
    """An esummary document summary with every field PubMed sends, empty unless given."""
    empty = {
        "uid": uid, "pubdate": "", "epubdate": "", "source": "", "authors": [], "lastauthor": "",
        "title": "", "sorttitle": "", "volume": "", "issue": "", "pages": "", "lang": ["eng"],
        "nlmuniqueid": "", "issn": "", "essn": "", "pubtype": ["Journal Article"],
        "recordstatus": "PubMed - indexed for MEDLINE", "pubstatus": "4", "articleids": [
            {"idtype": "pubmed", "idtypen": 1, "value": uid},
        ], "history": [], "references": [], "attributes": ["Has Abstract"], "pmcrefcount": "",
        "fulljournalname": "", "elocationid": "", "doctype": "citation", "srccontriblist": [],
        "booktitle": "", "medium": "", "edition": "", "publisherlocation": "", "publishername": "",
        "srcdate": "", "reportnumber": "", "availablefromurl": "", "locationlabel": "",
        "doccontriblist": [], "docdate": "", "bookname": "", "chapter": "", "sortpubdate": "",
        "sortfirstauthor": "", "vernaculartitle": "",
    }  # fmt: skip
    return {**empty, **fields}


def _author(name: str, authtype: str = "Author") -> dict:
    return {"name": name, "authtype": authtype, "clusterid": ""}


ARTICLE_PMID = "39000111"
ELOCATOR_PMID = "39000222"
AHEAD_PMID = "39000333"
CHAPTER_PMID = "39000444"

PUBMED_SUMMARIES: dict[str, dict] = {
    ARTICLE_PMID: _summary(
        ARTICLE_PMID,
        pubdate="2021 Mar",
        epubdate="2021 Jan 14",
        source="J Community Med",
        authors=[
            _author("Okonkwo MJ"),
            _author("Ferreira-Lind T"),
            _author("Leg Cramp Study Group", "CollectiveName"),
        ],
        lastauthor="Leg Cramp Study Group",
        title="Stretching before sleep for night-time leg cramps: a randomised trial in older adults.",
        volume="12",
        issue="3",
        pages="211-9",
        pubtype=["Journal Article", "Randomized Controlled Trial"],
        articleids=[
            {"idtype": "pubmed", "idtypen": 1, "value": ARTICLE_PMID},
            {"idtype": "doi", "idtypen": 3, "value": ARTICLE_DOI},
        ],
        fulljournalname="Journal of community medicine",
        elocationid=f"doi: {ARTICLE_DOI}",
        sortpubdate="2021/03/01 00:00",
    ),
    ELOCATOR_PMID: _summary(
        ELOCATOR_PMID,
        pubdate="2023 Feb 3",
        source="Open Health Rep",
        authors=[_author("Haddad N"), _author("Lindqvist E")],
        title="Text message reminders and inhaler technique.",
        volume="18",
        issue="2",
        pages="e0281234",
        fulljournalname="Open health reports",
        elocationid="doi: 10.5555/ohr.0281234",
        articleids=[
            {"idtype": "pubmed", "idtypen": 1, "value": ELOCATOR_PMID},
            {"idtype": "doi", "idtypen": 3, "value": "10.5555/ohr.0281234"},
        ],
    ),
    AHEAD_PMID: _summary(
        AHEAD_PMID,
        pubdate="2024 Feb 9",
        epubdate="2024 Feb 9",
        source="J Community Med",
        authors=[_author("Raman P")],
        title="Walking groups and loneliness in people over 70.",
        fulljournalname="Journal of community medicine",
        pubstatus="10",
        recordstatus="PubMed - as supplied by publisher",
    ),
    CHAPTER_PMID: _summary(
        CHAPTER_PMID,
        pubdate="2022",
        authors=[_author("Ruiz C"), _author("Mbeki T", "Editor"), _author("Olsen K", "Editor")],
        title="Heat-related illness",
        doctype="chapter",
        booktitle="Guide to Outdoor Medicine",
        bookname="outdoormed",
        publishername="Example University Press",
        publisherlocation="Bristol (UK)",
        pubtype=["Review", "Book Chapter"],
    ),
}

# Identifiers that misbehave, and how.
FAULTS = {
    "10.5555/fault.server-error": "503",
    "10.5555/fault.rate-limited": "429",
    "10.5555/fault.not-json": "html",
    "10.5555/fault.malformed": "truncated",
    "10.5555/fault.nested": "nested",
    "10.5555/fault.slow": "slow",
    "10.5555/fault.no-message": "no-message",
    "39999991": "503",
    "39999992": "slow",
}


def _envelope(kind: str, message: dict) -> dict:
    return {"status": "ok", "message-type": kind, "message-version": "1.0.0", "message": message}


class FakeServices(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.stopping = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up has hung up: nothing to report


class _Handler(BaseHTTPRequestHandler):
    server: FakeServices

    def log_message(self, format, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append((self.path, self.headers.get("User-Agent", "")))
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if parts.path.startswith("/crossref/works/"):
            doi = unquote(parts.path.removeprefix("/crossref/works/")).lower()
            if doi in FAULTS:
                return self._fault(FAULTS[doi])
            work = CROSSREF_WORKS.get(doi)
            if work is None:
                return self._reply(404, b"Resource not found.", "text/plain")
            return self._json(
                {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": work}
            )
        if parts.path == "/crossref/works":
            doi = query.get("filter", [""])[0].removeprefix("updates:").lower()
            if doi in FAULTS:
                return self._fault(FAULTS[doi])
            items = [
                work
                for work in CROSSREF_WORKS.values()
                if any(str(update.get("DOI", "")).lower() == doi for update in work.get("update-to", []))
            ]
            message = {
                "facets": {},
                "total-results": len(items),
                "items": items,
                "items-per-page": int(query.get("rows", ["20"])[0]),
                "query": {"start-index": 0, "search-terms": None},
            }
            return self._json(
                {"status": "ok", "message-type": "work-list", "message-version": "1.0.0", "message": message}
            )
        if parts.path == "/eutils/esummary.fcgi":
            pmid = query.get("id", [""])[0]
            if pmid in FAULTS:
                return self._fault(FAULTS[pmid])
            summary = PUBMED_SUMMARIES.get(pmid, {"uid": pmid, "error": "cannot get document summary"})
            return self._json(
                {"header": {"type": "esummary", "version": "0.3"}, "result": {"uids": [pmid], pmid: summary}}
            )
        self._reply(404, b"Not found", "text/plain")

    def _fault(self, fault: str) -> None:
        if fault in ("503", "429"):
            return self._reply(int(fault), b"<html><body>Service unavailable</body></html>", "text/html")
        if fault == "html":
            return self._reply(
                200, b"<!DOCTYPE html><title>Maintenance</title><p>Back soon.</p>", "text/html"
            )
        if fault == "truncated":
            return self._reply(200, b'{"status": "ok", "message": {"DOI": "10.5555/fa', "application/json")
        if fault == "nested":
            return self._reply(200, b"[" * 100_000 + b"]" * 100_000, "application/json")
        if fault == "no-message":
            return self._json({"status": "failed", "message-type": "validation-failure"})
        if fault == "slow":
            self.server.stopping.wait(SLOW_SECONDS)
            return self._json({"status": "ok", "message": {}})
        raise ValueError(fault)

    def _json(self, data: object) -> None:
        self._reply(200, json.dumps(data).encode(), "application/json;charset=utf-8")

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client timed out and left


@contextmanager
def serving(**settings) -> Iterator[FakeServices]:
    """The fake services, running; the settings point at them (and ``settings`` override more)."""
    server = FakeServices()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with override_settings(
            CROSSREF_API_URL=f"{server.base}/crossref",
            EUTILS_API_URL=f"{server.base}/eutils",
            **settings,
        ):
            yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
