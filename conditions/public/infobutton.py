"""The HL7 Infobutton service: the pages about a coded problem, for electronic health records.

An electronic health record asks with the parameters of HL7's Context-Aware Knowledge Retrieval
(Infobutton) URL-based implementation guide, as MedlinePlus Connect does::

    /infobutton/service/?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90
        &mainSearchCriteria.v.c=E34.01&informationRecipient=PAT&knowledgeResponseType=application/json

and gets the live pages coded with that code (``Condition.codes``, as approved) in an Atom feed
(``text/xml``, the default) or the same feed as JSON (``application/json``): each page's title,
link, summary, other names and the date of its last review. An ICD-10-CM code also finds the
pages coded with a code above it (``E34.01`` finds ``E34.0`` and ``E34``), since a record often
holds a more specific code than a patient page is written for. A code no page carries gets an
empty feed, which is a valid answer.

``/infobutton/application/`` answers the same request for a person following a link from a
patient portal: a page listing the matches, or straight to the page when there is one.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from conditions.codes import BY_OID, Code, CodeSystem, coded_with, normal_code
from conditions.models import Condition
from conditions.public.api import LISTED_FIELDS
from conditions.public.caching import cached_page
from medsite.siteurl import absolute

CODE = "mainSearchCriteria.v.c"
CODE_SYSTEM = "mainSearchCriteria.v.cs"
DISPLAY_NAME = "mainSearchCriteria.v.dn"
RECIPIENT = "informationRecipient"
RESPONSE_TYPE = "knowledgeResponseType"

# Who the information is for (HL7's InformationRecipientType): every page here is written for
# patients, and is answered to each of them alike.
RECIPIENTS = ("PAT", "PROV", "PAYOR")
ATOM, JSON = "text/xml", "application/json"
# The Atom feed also answers to Atom's own media type.
RESPONSE_TYPES = {ATOM: ATOM, "application/atom+xml": ATOM, JSON: JSON}
ATOM_NS = "http://www.w3.org/2005/Atom"


class BadRequest(ValueError):
    """A request the service cannot answer: a 400 with this sentence."""


@dataclass(frozen=True)
class KnowledgeRequest:
    system: CodeSystem
    code: str  # as sent, trimmed
    display_name: str = ""
    recipient: str = "PAT"
    response_type: str = ATOM

    @property
    def normal(self) -> Code | None:
        """The code in its written form, or None if it is not a code of its system at all (it
        then matches no page)."""
        try:
            return Code(self.system, normal_code(self.system, self.code))
        except ValueError:
            return None


def parse_request(query: QueryDict) -> KnowledgeRequest:
    """The request's parameters, checked; :class:`BadRequest` says what is missing or wrong."""

    def text(name: str) -> str:
        return query.get(name, "").strip()

    code, oid = text(CODE), text(CODE_SYSTEM)
    if not code or not oid:
        raise BadRequest(
            f"Give the problem's code as {CODE} and its code system's OID as {CODE_SYSTEM} ({_oids()})."
        )
    system = BY_OID.get(oid.removeprefix("urn:oid:"))
    if system is None:
        raise BadRequest(f"{CODE_SYSTEM} “{oid}” is not a code system this service knows: use {_oids()}.")
    recipient = text(RECIPIENT).upper() or "PAT"
    if recipient not in RECIPIENTS:
        raise BadRequest(f"{RECIPIENT} “{recipient}” is not one of {', '.join(RECIPIENTS)}.")
    response_type = text(RESPONSE_TYPE) or ATOM
    if response_type not in RESPONSE_TYPES:
        raise BadRequest(f"{RESPONSE_TYPE} “{response_type}” is not one of {', '.join(RESPONSE_TYPES)}.")
    return KnowledgeRequest(system, code, text(DISPLAY_NAME), recipient, RESPONSE_TYPES[response_type])


def _oids() -> str:
    return ", ".join(f"{system.name} {system.oid}" for system in BY_OID.values())


def matching_pages(request: KnowledgeRequest) -> list[Condition]:
    """The live pages the request is about, by name."""
    code = request.normal
    if code is None:
        return []
    # Queries: 1 the matching conditions joined to their live publications (not their frozen pages).
    conditions = Condition.objects.live().only(*LISTED_FIELDS)
    return list(coded_with(conditions, code).order_by(Lower("live_publication__title"), "slug"))


@dataclass(frozen=True)
class Entry:
    """One matching page as the response gives it."""

    title: str
    url: str
    summary: str
    also_called: list[str]
    last_reviewed: str | None
    updated: datetime

    @classmethod
    def of(cls, condition: Condition) -> Entry:
        publication = condition.public_version
        return cls(
            title=publication.title,
            url=absolute(condition.get_absolute_url()),
            summary=publication.summary,
            also_called=publication.synonyms,
            last_reviewed=publication.reviewed_on.isoformat() if publication.reviewed_on else None,
            # A live publication has gone live; its approval time stands in for a row that says not.
            updated=publication.went_live_at or publication.approved_at,
        )

    @property
    def summary_html(self) -> str:
        """The summary as MedlinePlus Connect gives it: HTML, other names and review date in
        paragraphs of their own classes."""
        parts = [f"<p>{escape(self.summary)}</p>"] if self.summary else []
        if self.also_called:
            parts.append(f'<p class="also-called">Also called: {escape(", ".join(self.also_called))}</p>')
        if self.last_reviewed:
            parts.append(f'<p class="last-reviewed">Last reviewed: {self.last_reviewed}</p>')
        return "".join(parts)


@dataclass(frozen=True)
class Feed:
    request: KnowledgeRequest
    entries: list[Entry]
    query_string: str

    @property
    def title(self) -> str:
        return f"{settings.MEDSITE_SITE_NAME}: pages about a coded problem"

    @property
    def subtitle(self) -> str:
        named = f" ({self.request.display_name})" if self.request.display_name else ""
        return f"Pages for {self.request.system.name} {self.request.code}{named}"

    @property
    def id(self) -> str:
        return absolute(f"{reverse('infobutton-service')}?{self.query_string}")

    @property
    def updated(self) -> datetime:
        return max((entry.updated for entry in self.entries), default=timezone.now())

    def categories(self) -> list[tuple[str, str]]:
        """The request, echoed as the implementation guide's response does (scheme, term)."""
        return [
            (CODE, self.request.code),
            (CODE_SYSTEM, self.request.system.oid),
            (RECIPIENT, self.request.recipient),
        ]


def atom(feed: Feed) -> bytes:
    """The feed as Atom (RFC 4287)."""
    ET.register_namespace("", ATOM_NS)

    def element(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
        child = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
        child.text = text
        return child

    root = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": _language()})
    element(root, "title", feed.title, type="text")
    element(root, "subtitle", feed.subtitle, type="text")
    author = element(root, "author")
    element(author, "name", settings.MEDSITE_PUBLISHER_NAME)
    element(author, "uri", absolute("/"))
    element(root, "updated", _moment(feed.updated))
    element(root, "id", feed.id)
    for scheme, term in feed.categories():
        element(root, "category", scheme=scheme, term=term)
    for entry in feed.entries:
        item = element(root, "entry")
        element(item, "title", entry.title, type="text")
        element(item, "link", href=entry.url, rel="alternate", type="text/html")
        element(item, "id", entry.url)
        element(item, "updated", _moment(entry.updated))
        element(item, "summary", entry.summary_html, type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def as_json(feed: Feed) -> dict:
    """The feed as MedlinePlus Connect's JSON gives it (Atom's elements, text as ``_value``), each
    entry also with its other names and review date as plain fields."""
    return {
        "feed": {
            "lang": _language(),
            "title": {"_value": feed.title, "type": "text"},
            "subtitle": {"_value": feed.subtitle, "type": "text"},
            "author": {
                "name": {"_value": settings.MEDSITE_PUBLISHER_NAME},
                "uri": {"_value": absolute("/")},
            },
            "updated": {"_value": _moment(feed.updated)},
            "id": {"_value": feed.id},
            "category": [{"scheme": scheme, "term": term} for scheme, term in feed.categories()],
            "entry": [
                {
                    "lang": _language(),
                    "title": {"_value": entry.title, "type": "text"},
                    "link": [{"href": entry.url, "rel": "alternate", "type": "text/html"}],
                    "id": {"_value": entry.url},
                    "updated": {"_value": _moment(entry.updated)},
                    "summary": {"_value": entry.summary_html, "type": "html"},
                    "also_called": entry.also_called,
                    "last_reviewed": entry.last_reviewed,
                }
                for entry in feed.entries
            ],
        }
    }


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _language() -> str:
    return settings.LANGUAGE_CODE.split("-")[0]


def _feed(request: HttpRequest, knowledge: KnowledgeRequest) -> Feed:
    entries = [Entry.of(condition) for condition in matching_pages(knowledge)]
    return Feed(knowledge, entries, request.GET.urlencode())


@csrf_exempt  # nothing here writes: another method gets require_safe's 405, not a CSRF failure
@cached_page
@require_safe
def service(request: HttpRequest) -> HttpResponse:
    """The knowledge response for an electronic health record: Atom or JSON."""
    try:
        knowledge = parse_request(request.GET)
    except BadRequest as error:
        wants_json = request.GET.get(RESPONSE_TYPE, "").strip() == JSON
        if wants_json:
            return _json_response({"error": str(error)}, status=400)
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    feed = _feed(request, knowledge)
    if knowledge.response_type == JSON:
        return _json_response(as_json(feed))
    return HttpResponse(atom(feed), content_type="application/atom+xml; charset=utf-8")


def _json_response(data: dict, *, status: int = 200) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


@csrf_exempt  # nothing here writes: another method gets require_safe's 405, not a CSRF failure
@cached_page
@require_safe
def application(request: HttpRequest) -> HttpResponse:
    """The same request for a person following a link from a patient portal: the one matching
    page, or a page listing the matches (none is said so, with where to look instead)."""
    try:
        knowledge = parse_request(request.GET)
    except BadRequest as error:
        return render(request, "conditions/infobutton.html", {"error": str(error)}, status=400)
    feed = _feed(request, knowledge)
    if len(feed.entries) == 1:
        # Relative to this site only: the entry's address is built from MEDSITE_BASE_URL.
        return HttpResponseRedirect(urlsplit(feed.entries[0].url).path)
    context = {"feed": feed, "display_name": knowledge.display_name}
    return render(request, "conditions/infobutton.html", context)
