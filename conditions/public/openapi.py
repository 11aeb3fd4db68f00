"""The read-only API described for other programs: an OpenAPI 3.1 document and a page for people.

The description is written by hand, next to what it describes (``conditions.public.api``), so it
says what the API promises rather than what a generator can infer. Every object is closed
(``additionalProperties: false``): a field the API starts serving without a line here fails
``tests/conditions/public/test_openapi.py``, which checks real responses against these schemas
and runs schemathesis over every operation. The page at ``/api/docs/`` is made from the same
dictionary, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import ascii_uppercase
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from conditions.public.api import CACHE_SECONDS, PAGE_SIZE, read_only
from images.licences import Licence

# The description's own version: bump the minor number when an operation, parameter or field is
# added, the major one when a field changes meaning or goes away.
VERSION = "1.1.0"

JSON = "application/json"


def _nullable(schema: dict) -> dict:
    """``schema`` or null: OpenAPI 3.1 writes it as a list of types."""
    return {**schema, "type": [schema["type"], "null"]}


def _string(description: str, **extra: Any) -> dict:
    return {"type": "string", "description": description, **extra}


def _object(description: str, properties: dict[str, dict], *, optional: tuple[str, ...] = ()) -> dict:
    """A closed object: every property listed, all required but ``optional``."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
URI = {"type": "string", "format": "uri"}
NAMES = {"type": "array", "items": {"type": "string"}}
CODES = {
    "type": "array",
    "items": {"$ref": "#/components/schemas/Code"},
    "description": "The condition's codes, as approved.",
}
# A code as the code filter takes it and the pages give it: SYSTEM:CODE in each system's own form.
CODE_PATTERN = (
    r"^(ICD10CM:[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?"
    r"|SNOMEDCT:[1-9][0-9]{5,17}"
    r"|MESH:(D([0-9]{6}|[0-9]{9})|[A-Z][0-9]{2}(\.[0-9]{3})*))$"
)

# The publisher's terms for reuse (settings), stated with every page served.
TERMS = {
    "license": {
        **_nullable(URI),
        "description": "The licence the content is offered under; null if none is set.",
    },
    "copyright_holder": _string("Who holds the copyright."),
    "attribution": _string("The credit a reuser is asked to give, next to the content."),
}
PAGE_URLS = {
    "url": {**URI, "description": "The page on the public site."},
    "api_url": {**URI, "description": "The page in this API (getCondition)."},
}
PAGINATION = {
    "count": {"type": "integer", "minimum": 0, "description": "How many items match, on every page."},
    "next": {**_nullable(URI), "description": "The next page of items; null on the last."},
    "previous": {**_nullable(URI), "description": "The previous page of items; null on the first."},
}

SCHEMAS: dict[str, dict] = {
    "Code": _object(
        "A code of the condition in a medical coding system.",
        {
            "system": {
                "type": "string",
                "enum": ["ICD10CM", "SNOMEDCT", "MESH"],
                "description": "The system, as the code filter names it.",
            },
            "value": _string("The code in that system (E34.0, 90560007, D006073)."),
            "system_name": _string("The system's name as people write it (ICD-10-CM, SNOMED CT, MeSH)."),
            "oid": _string("HL7's identifier of the system (2.16.840.1.113883.6.90 for ICD-10-CM)."),
        },
    ),
    "Error": _object(
        "Every error is JSON: a sentence saying what went wrong, and for some errors the details.",
        {
            "error": _string("What went wrong, for the developer of the client."),
            "parameter": _string("400: the query parameter that could not be used."),
            "slug": _string("410: the address asked for."),
            "name": _string("410: the page's name when it was last published."),
            "status": {
                "type": "string",
                "enum": ["withdrawn"],
                "description": "410: the page was withdrawn.",
            },
            "withdrawn_at": {**_nullable(DATE_TIME), "description": "410: when it was taken offline."},
        },
        optional=("parameter", "slug", "name", "status", "withdrawn_at"),
    ),
    "ConditionListItem": _object(
        "One live condition page, as the list shows it (its text and images are in getCondition).",
        {
            "name": _string("The page's name (its title)."),
            "slug": _string("The page's address part; use it with getCondition."),
            "status": {"type": "string", "enum": ["published"], "description": "Always published here."},
            "also_called": {**NAMES, "description": "Other names for the condition."},
            "code": CODES,
            "summary": _string("One or two sentences on what the condition is; may be empty."),
            "language": _string("The page's language (BCP 47, such as en)."),
            "first_published": {**_nullable(DATE_TIME), "description": "When the page first went live."},
            "last_reviewed": {
                **_nullable(DATE),
                "description": "When a medical reviewer last checked the page.",
            },
            "next_review_due": {
                **_nullable(DATE),
                "description": "When the page is due to be reviewed again.",
            },
            **PAGE_URLS,
            "updated": {**_nullable(DATE_TIME), "description": "When the version now shown went live."},
            **TERMS,
        },
    ),
    "MovedTo": _object(
        "Where a renamed page is now.",
        {"slug": _string("The page's address part now."), **PAGE_URLS},
    ),
    "Removal": _object(
        "An address that stopped serving its page since updated_since and serves none now: remove "
        "the page from a copy (withdrawn), or move it (renamed).",
        {
            "slug": _string("The address part that no longer serves the page."),
            "name": _string("The page's name when it was there."),
            "status": {"type": "string", "enum": ["renamed", "withdrawn"]},
            "date": {**DATE_TIME, "description": "When the address stopped serving the page."},
            "api_url": {**URI, "description": "The old address in this API (it answers 301 or 410)."},
            "moved_to": {
                "oneOf": [_ref("MovedTo"), {"type": "null"}],
                "description": "renamed: the page's address now; null when withdrawn.",
            },
        },
    ),
    "ConditionList": _object(
        f"One page of the list, {PAGE_SIZE} items at most, with links to the pages either side.",
        {
            **PAGINATION,
            "results": {"type": "array", "items": _ref("ConditionListItem")},
            "removed": {
                "type": "array",
                "items": _ref("Removal"),
                "description": "Only with updated_since: addresses removed since then.",
            },
        },
        optional=("removed",),
    ),
    "Change": _object(
        "One change the public could see.",
        {
            "status": {
                "type": "string",
                "enum": ["published", "renamed", "withdrawn", "retracted"],
                "description": (
                    "published: a version went live at slug; renamed: the page left slug for moved_to; "
                    "withdrawn: the page was taken offline from slug; retracted: an archived version "
                    "was withdrawn from the archive."
                ),
            },
            "date": {**DATE_TIME, "description": "When it happened."},
            "slug": _string("The address part concerned."),
            "name": _string("The page's name then."),
            "version": {
                "type": ["integer", "null"],
                "description": "The version concerned (published, retracted); null otherwise.",
            },
            "url": {
                **URI,
                "description": "The page on the public site (the archived version when retracted).",
            },
            "api_url": {**URI, "description": "The address in this API."},
            "moved_to": {
                "oneOf": [_ref("MovedTo"), {"type": "null"}],
                "description": "renamed: the page's address now; null otherwise.",
            },
        },
    ),
    "ChangeList": _object(
        f"A page of the changes feed, oldest first, {PAGE_SIZE} at most.",
        {
            "since": {**_nullable(DATE_TIME), "description": "The since asked for; null without it."},
            "as_of": {**DATE_TIME, "description": "When this answer was made."},
            "next_since": {
                **DATE_TIME,
                "description": (
                    "What to ask with next as since: a little before as_of, since a change is dated "
                    "when its step began and may be committed a moment later."
                ),
            },
            **PAGINATION,
            "results": {"type": "array", "items": _ref("Change")},
        },
    ),
    "InfobuttonFeed": _object(
        "The knowledge response as JSON: the Atom feed's elements as MedlinePlus Connect writes "
        "them (text in _value), each entry also with its other names and last review as plain fields.",
        {
            "feed": _object(
                "The feed.",
                {
                    "lang": _string("The pages' language."),
                    "title": _ref("InfobuttonText"),
                    "subtitle": _ref("InfobuttonText"),
                    "author": _object(
                        "The publisher.",
                        {
                            "name": _object("Its name.", {"_value": _string("The publisher's name.")}),
                            "uri": _object("Its site.", {"_value": URI}),
                        },
                    ),
                    "updated": _object("When a page in it last changed.", {"_value": DATE_TIME}),
                    "id": _object("The request's own address.", {"_value": URI}),
                    "category": {
                        "type": "array",
                        "items": _object(
                            "One parameter of the request, echoed.",
                            {
                                "scheme": _string("The parameter's name (mainSearchCriteria.v.c …)."),
                                "term": _string("Its value."),
                            },
                        ),
                    },
                    "entry": {"type": "array", "items": _ref("InfobuttonEntry")},
                },
            )
        },
    ),
    "InfobuttonText": _object(
        "A text element.",
        {"_value": _string("The text."), "type": {"type": "string", "enum": ["text", "html"]}},
    ),
    "InfobuttonEntry": _object(
        "One matching page.",
        {
            "lang": _string("The page's language."),
            "title": _ref("InfobuttonText"),
            "link": {
                "type": "array",
                "items": _object(
                    "The page on the public site.",
                    {"href": URI, "rel": _string("alternate"), "type": _string("text/html")},
                ),
            },
            "id": _object("The page's address.", {"_value": URI}),
            "updated": _object("When the version shown went live.", {"_value": DATE_TIME}),
            "summary": _ref("InfobuttonText"),
            "also_called": {**NAMES, "description": "Other names for the condition."},
            "last_reviewed": {
                **_nullable(DATE),
                "description": "When a medical reviewer last checked the page.",
            },
        },
    ),
    "Section": _object(
        "One section of the page, in page order.",
        {
            "id": _string("The section's anchor on the public page (#causes)."),
            "kind": _string(
                "What the section is about: overview, symptoms, when_to_see_a_doctor, causes, "
                "risk_factors, complications, diagnosis, treatment, prevention, living_with or other."
            ),
            "heading": _string("The section's heading."),
            "markdown": _string("The text as the editor wrote it (Markdown, citations as [@key])."),
            "html": _string(
                "The text as published: sanitised HTML, citations as numbered links, images as "
                "<figure> elements naming their renditions at absolute addresses."
            ),
        },
    ),
    "ShortAnswer": _object(
        "A common question and its short answer.",
        {
            "question": _string("The question."),
            "answer_markdown": _string("The short answer, as written (Markdown)."),
            "answer_html": _string("The short answer, as published (sanitised HTML)."),
            "details_markdown": _string("More detail, as written; may be empty."),
            "details_html": _string("More detail, as published; may be empty."),
            "url": {**URI, "description": "The question's own page, when it has one."},
        },
        optional=("url",),
    ),
    "Reference": _object(
        "One entry of the page's numbered reference list, every field as the reviewer approved it.",
        {
            "number": {"type": "integer", "minimum": 1, "description": "Its number in the text."},
            "key": _string("The citation key editors write as [@key]."),
            "kind": _string(
                "journal-article, book, book-chapter, web-page, database, guideline, expert-opinion or other."
            ),
            "authors": {**NAMES, "description": "Authors, one a string, as 'Family G' or an organisation."},
            "title": _string("The work's title."),
            "container_title": _string("The journal, book or website it appeared in."),
            "edition": _string("The edition, for books."),
            "publisher": _string("The publisher."),
            "year": {"type": ["integer", "null"], "description": "The year it was published."},
            "volume": _string("The volume."),
            "issue": _string("The issue."),
            "pages": _string("The pages or article number."),
            "url": _string("Where to read it; may be empty."),
            "doi": _string("Its DOI, without https://doi.org/; may be empty."),
            "pmid": _string("Its PubMed id; may be empty."),
            "accessed_on": {**_nullable(DATE), "description": "When a web page was read."},
            "text": _string("The formatted entry (AMA style) as plain text."),
            "html": _string("The formatted entry as published (sanitised HTML)."),
        },
    ),
    "Rendition": _object(
        "One size of an image, in one format.",
        {
            "url": {**URI, "description": "Where to fetch it; it never changes (cache it for a year)."},
            "width": {"type": "integer", "minimum": 1, "description": "Its width in pixels."},
            "height": {"type": "integer", "minimum": 1, "description": "Its height in pixels."},
            "type": {
                "type": "string",
                "enum": ["image/webp", "image/jpeg", "image/png"],
                "description": "WebP, or the image's own JPEG or PNG for browsers without WebP.",
            },
        },
    ),
    "Licence": _object(
        "The terms an image may be reused on.",
        {
            "code": {
                "type": "string",
                "enum": list(Licence.values),
                "description": "The licence: all-rights-reserved (used with the holder's permission: "
                "ask the source before reusing it), a Creative Commons licence or public domain.",
            },
            "name": _string("The licence's short name, as the caption prints it (CC BY 4.0)."),
            "url": {**_nullable(URI), "description": "The licence's deed; null for all rights reserved."},
        },
    ),
    "Image": _object(
        "One image the page shows (in the order it first shows them; the first is its lead "
        "image), every field as the reviewer approved it.",
        {
            "key": _string("The image's name in the site's library, as pages write ![alt](image:key)."),
            "url": {**URI, "description": "The largest JPEG or PNG rendition, the one <img src> names."},
            "width": {"type": "integer", "minimum": 1, "description": "Its width in pixels."},
            "height": {"type": "integer", "minimum": 1, "description": "Its height in pixels."},
            "type": {
                "type": "string",
                "enum": ["image/jpeg", "image/png"],
                "description": "Its media type.",
            },
            "alt": _string(
                "What the image shows, for people who cannot see it; empty for a decorative image "
                "(one that adds nothing the text does not say)."
            ),
            "caption": _string("The caption under the image on the page; may be empty."),
            "credit": _string("Who made the image, to be credited next to it; may be empty."),
            "licence": _ref("Licence"),
            "source_url": {
                **_nullable(URI),
                "description": "Where the image and its licence or permission come from.",
            },
            "copyright_notice": _string(
                "The copyright notice to keep with it (© 2026 Example Clinic); may be empty."
            ),
            "renditions": {
                "type": "array",
                "items": _ref("Rendition"),
                "description": "Every width made: WebP, then JPEG or PNG, narrowest first in each.",
            },
            "og_image": {
                **URI,
                "description": "A 1200 × 630 JPEG crop around the image's focal point, for link previews.",
            },
        },
    ),
    "Review": _object(
        "Who reviewed the version shown, and when.",
        {
            "reviewed_by": _string("The medical reviewer's name and credentials, as printed on the page."),
            "last_reviewed": {**_nullable(DATE), "description": "When the reviewer checked it."},
            "next_review_due": {**_nullable(DATE), "description": "When it is due to be reviewed again."},
            "kind": {
                "type": "string",
                "enum": ["clinical", "editorial"],
                "description": "clinical: a medical review; editorial: a change of wording approved as such.",
            },
            "approved_at": {**DATE_TIME, "description": "When the version was approved."},
        },
    ),
    "Condition": _object(
        "One live condition page as a medical reviewer approved it.",
        {
            "name": _string("The page's name (its title)."),
            "slug": _string("The page's address part."),
            "status": {"type": "string", "enum": ["published"], "description": "Always published here."},
            "also_called": {**NAMES, "description": "Other names for the condition."},
            "code": CODES,
            "summary": _string("One or two sentences on what the condition is; may be empty."),
            "language": _string("The page's language (BCP 47, such as en)."),
            **PAGE_URLS,
            "version": {"type": "integer", "minimum": 1, "description": "The published version's number."},
            "first_published": {**_nullable(DATE_TIME), "description": "When the page first went live."},
            "updated": {**_nullable(DATE_TIME), "description": "When this version went live."},
            "sections": {"type": "array", "items": _ref("Section")},
            "short_answers": {"type": "array", "items": _ref("ShortAnswer")},
            "references": {"type": "array", "items": _ref("Reference")},
            "images": {"type": "array", "items": _ref("Image")},
            "review": _ref("Review"),
            **TERMS,
        },
    ),
}


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "headers": {
            "Cache-Control": {
                "description": "How long the error may be kept: briefly, as a page may be published there.",
                "schema": {"type": "string"},
            }
        },
        "content": {JSON: {"schema": _ref("Error")}},
    }


# Pages of data are kept but checked before each use, with these validators.
REVALIDATED = {
    "Cache-Control": {
        "description": "Browsers ask before each use, so a page taken offline is gone at once.",
        "required": True,
        "schema": {"type": "string"},
    },
    "ETag": {"description": "For If-None-Match.", "required": True, "schema": {"type": "string"}},
    "Last-Modified": {"description": "For If-Modified-Since.", "schema": {"type": "string"}},
}


def _ok(description: str, schema: str) -> dict:
    return {"description": description, "headers": REVALIDATED, "content": {JSON: {"schema": _ref(schema)}}}


NOT_ALLOWED = {
    "description": "This API is read-only: any method but GET, HEAD or OPTIONS.",
    "headers": {"Allow": {"description": "GET, HEAD, OPTIONS", "schema": {"type": "string"}}},
    "content": {JSON: {"schema": _ref("Error")}},
}
# What any /api/ address may answer when the server fails: JSON too, never to be kept.
SERVER_ERROR = {
    "description": "The server failed (500), or its database is unreachable just now (503): try again later.",
    "headers": {
        "Retry-After": {
            "description": "503: seconds to wait before asking again.",
            "schema": {"type": "string"},
        },
        "Cache-Control": {"description": "no-store.", "schema": {"type": "string"}},
    },
    "content": {JSON: {"schema": _ref("Error")}},
}
NOT_MODIFIED = {
    "description": "Not changed since the ETag or date the request sent (If-None-Match, If-Modified-Since)."
}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


PAGE = _query(
    "page",
    "Which page of the answer, from 1; past the last, 404.",
    {"type": "integer", "minimum": 1, "default": 1},
)
MOMENT = {"anyOf": [DATE, DATE_TIME]}
MOMENT_HELP = (
    "a date (YYYY-MM-DD, from midnight site time) or an ISO 8601 date and time (write a '+' in an "
    "offset as %2B)"
)
ORDER_BY = [
    value for name in ("name", "updated", "last_reviewed", "next_review_due") for value in (name, f"-{name}")
]

ATOM, HTML = "application/atom+xml", "text/html"
INFOBUTTON_PARAMETERS = [
    {
        "name": "mainSearchCriteria.v.c",
        "in": "query",
        "required": True,
        "description": "The problem's code (E34.0, 90560007).",
        "schema": {"type": "string", "pattern": "\\S"},
    },
    {
        "name": "mainSearchCriteria.v.cs",
        "in": "query",
        "required": True,
        "description": (
            "The code system's OID (urn:oid: first is allowed): 2.16.840.1.113883.6.90 ICD-10-CM, "
            "2.16.840.1.113883.6.96 SNOMED CT, 2.16.840.1.113883.6.177 MeSH."
        ),
        "schema": {
            "type": "string",
            "enum": ["2.16.840.1.113883.6.90", "2.16.840.1.113883.6.96", "2.16.840.1.113883.6.177"],
        },
    },
    _query(
        "mainSearchCriteria.v.dn", "The problem's name, as the record shows it (echoed).", {"type": "string"}
    ),
    _query(
        "informationRecipient",
        "Who the information is for: PAT (patient, the default), PROV (provider) or PAYOR; every page is "
        "written for patients.",
        {"type": "string", "enum": ["PAT", "PROV", "PAYOR"]},
    ),
    _query(
        "knowledgeResponseType",
        "text/xml or application/atom+xml for Atom (the default), application/json for JSON.",
        {"type": "string", "enum": ["text/xml", ATOM, JSON]},
    ),
]

PATHS: dict[str, dict] = {
    "/api/conditions/": {
        "get": {
            "operationId": "listConditions",
            "summary": "List live condition pages",
            "description": (
                f"Every live page, {PAGE_SIZE} a page. Follow next until it is null to read them all. "
                "To keep a copy in step, ask again with updated_since: the pages that went live since, "
                "and in removed the addresses withdrawn or renamed since. q searches instead, best "
                "match first, and cannot be combined with order_by, letter, updated_since or code (400)."
            ),
            "parameters": [
                PAGE,
                _query(
                    "updated_since",
                    f"Only pages that went live at or after this moment: {MOMENT_HELP}.",
                    MOMENT,
                ),
                _query(
                    "order_by",
                    "The order: by name (the default), updated, last_reviewed or next_review_due; "
                    "'-' first for descending. Pages without the date come last.",
                    {"type": "string", "enum": ORDER_BY, "default": "name"},
                ),
                _query(
                    "letter",
                    "Only pages whose name starts with this letter, as the A–Z groups them "
                    "(accents folded); '#' for names that start with anything else.",
                    {"type": "string", "enum": [*ascii_uppercase, "#"]},
                ),
                _query(
                    "code",
                    "Only pages coded with this code, written SYSTEM:CODE (ICD10CM:E34.0, SNOMEDCT:90560007, "
                    "MESH:D006073), or with an ICD-10-CM code above it (ICD10CM:E34.01 finds E34.0 and E34). "
                    "A SNOMED CT id's last digit must be its check digit.",
                    {"type": "string", "pattern": CODE_PATTERN},
                ),
                _query("q", "Search the live pages, as the site's search does.", {"type": "string"}),
            ],
            "responses": {
                "200": _ok("A page of the list.", "ConditionList"),
                "304": NOT_MODIFIED,
                "400": _error_response("A parameter could not be used; the error's parameter names it."),
                "404": _error_response("There is no such page of the list (past the last one)."),
                "405": NOT_ALLOWED,
                "5XX": SERVER_ERROR,
            },
        },
    },
    "/api/conditions/{slug}/": {
        "get": {
            "operationId": "getCondition",
            "summary": "One live condition page",
            "description": (
                "The page as approved: its sections, short answers, references and review. A page's "
                "old address redirects (301) to its new one; a page taken offline answers 410."
            ),
            "parameters": [
                {
                    "name": "slug",
                    "in": "path",
                    "required": True,
                    "description": "The page's address part, as slug in the list.",
                    "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                }
            ],
            "responses": {
                "200": _ok("The page.", "Condition"),
                "301": {
                    "description": "The page was renamed: Location gives its address now.",
                    "headers": {
                        "Location": {"description": "The new address.", "schema": {"type": "string"}}
                    },
                },
                "304": NOT_MODIFIED,
                "404": _error_response("No page is published at this address."),
                "405": NOT_ALLOWED,
                "5XX": SERVER_ERROR,
                "410": _error_response("The page was taken offline: remove it from a copy."),
            },
        },
    },
    "/api/changes/": {
        "get": {
            "operationId": "listChanges",
            "summary": "The changes feed",
            "description": (
                f"Every public change (published, renamed, withdrawn, retracted) at since or later, "
                f"oldest first, {PAGE_SIZE} a page. Ask next with since set to next_since: changes in the "
                "overlap come again, and applying one twice does no harm."
            ),
            "parameters": [
                PAGE,
                _query("since", f"Only changes at or after this moment: {MOMENT_HELP}.", MOMENT),
            ],
            "responses": {
                "200": _ok("A page of the feed.", "ChangeList"),
                "304": NOT_MODIFIED,
                "400": _error_response("A parameter could not be used; the error's parameter names it."),
                "404": _error_response("There is no such page of the feed (past the last one)."),
                "405": NOT_ALLOWED,
                "5XX": SERVER_ERROR,
            },
        },
    },
    "/infobutton/service/": {
        "get": {
            "operationId": "infobuttonService",
            "summary": "HL7 Infobutton knowledge request",
            "description": (
                "For electronic health records, as HL7's Context-Aware Knowledge Retrieval (Infobutton) "
                "URL-based implementation guide asks: the live pages coded with the problem's code, as "
                "Atom (the default) or JSON. An ICD-10-CM code also finds the pages coded with a code "
                "above it (E34.01 finds E34.0 and E34). A code no page carries answers an empty feed."
            ),
            "parameters": INFOBUTTON_PARAMETERS,
            "responses": {
                "200": {
                    "description": "The matching pages (perhaps none).",
                    "content": {
                        ATOM: {"schema": {"type": "string", "description": "An Atom feed (RFC 4287)."}},
                        JSON: {"schema": _ref("InfobuttonFeed")},
                    },
                },
                "400": {
                    "description": "A parameter is missing or not one this service knows.",
                    "content": {
                        "text/plain": {"schema": {"type": "string"}},
                        JSON: {"schema": _ref("Error")},
                    },
                },
                "405": {"description": "Only GET and HEAD."},
            },
        },
    },
    "/infobutton/application/": {
        "get": {
            "operationId": "infobuttonApplication",
            "summary": "HL7 Infobutton request from a person",
            "description": (
                "The same request for a person following a link from a patient portal: straight to "
                "the page when one matches, else a page listing the matches."
            ),
            "parameters": INFOBUTTON_PARAMETERS,
            "responses": {
                "200": {
                    "description": "A page listing the matches.",
                    "content": {HTML: {"schema": {"type": "string"}}},
                },
                "302": {
                    "description": "The one matching page.",
                    "headers": {"Location": {"description": "Its address.", "schema": {"type": "string"}}},
                },
                "400": {
                    "description": "A parameter is missing or wrong.",
                    "content": {HTML: {"schema": {"type": "string"}}},
                },
                "405": {"description": "Only GET and HEAD."},
            },
        },
    },
    "/api/openapi.json": {
        "get": {
            "operationId": "getDescription",
            "summary": "This description",
            "description": "The API described in OpenAPI 3.1 (this document).",
            "responses": {
                "200": {
                    "description": "The OpenAPI document.",
                    "content": {JSON: {"schema": {"type": "object", "required": ["openapi", "paths"]}}},
                },
                "405": NOT_ALLOWED,
                "5XX": SERVER_ERROR,
            },
        },
    },
}


def description() -> dict:
    """The OpenAPI document, with this site's own address as its server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.MEDSITE_SITE_NAME} condition pages API",
            "version": VERSION,
            "summary": "Read-only access to the condition pages a medical reviewer approved.",
            "description": (
                "Every /api/ answer is JSON, errors included; the Infobutton service answers Atom or "
                "JSON, as HL7's implementation guide asks. Nothing here needs a key or a login, and "
                "nothing here changes anything: only GET and HEAD are allowed (and OPTIONS, for CORS)."
            ),
        },
        "servers": [{"url": settings.MEDSITE_BASE_URL, "description": "This site."}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }


@read_only
def openapi_json(request: HttpRequest) -> JsonResponse:
    """The description for programs: it changes only with a release, so it may be kept a while."""
    response = JsonResponse(description(), json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


# --- the page for people ---------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str


def _type(schema: dict) -> str:
    """A schema's type in a word or two: "string (date) or null", "array of Section"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combined in ("anyOf", "oneOf"):
        if combined in schema:
            return " or ".join(_type(option) for option in schema[combined])
    if "enum" in schema:
        return "one of " + ", ".join(schema["enum"])
    types = schema.get("type", "object")
    words = []
    for kind in types if isinstance(types, list) else [types]:
        if kind == "array":
            words.append(f"array of {_type(schema['items'])}")
        elif kind != "null" and "format" in schema:
            words.append(f"{kind} ({schema['format']})")
        elif "pattern" in schema:
            words.append(f"{kind} matching {schema['pattern']}")
        elif kind == "integer" and "minimum" in schema:
            words.append(f"{kind} from {schema['minimum']}")
        else:
            words.append(kind)
    return " or ".join(words)


def _fields(schema: dict) -> list[Field]:
    return [
        Field(name, _type(prop), name in schema.get("required", ()), prop.get("description", ""))
        for name, prop in schema["properties"].items()
    ]


def _operations(document: dict) -> list[dict]:
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": operation["operationId"],
                    "summary": operation["summary"],
                    "description": operation["description"],
                    "parameters": [
                        Field(
                            parameter["name"],
                            f"{_type(parameter['schema'])}, in {parameter['in']}",
                            parameter["required"],
                            parameter["description"],
                        )
                        for parameter in operation.get("parameters", ())
                    ],
                    "responses": [
                        (status, response["description"], _response_type(response))
                        for status, response in sorted(operation["responses"].items())
                    ],
                }
            )
    return operations


def _response_type(response: dict) -> str:
    content = response.get("content", {}).get(JSON)
    return _type(content["schema"]) if content and "$ref" in content["schema"] else ""


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    """The description as a page: each operation, its parameters and answers, each object's fields."""
    document = description()
    schemas = [
        {"name": name, "description": schema["description"], "fields": _fields(schema)}
        for name, schema in document["components"]["schemas"].items()
    ]
    response = render(
        request,
        "conditions/api_docs.html",
        {
            "info": document["info"],
            "server": document["servers"][0]["url"],
            "operations": _operations(document),
            "schemas": schemas,
        },
    )
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
