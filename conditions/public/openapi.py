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
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from conditions.public.api import CACHE_SECONDS, PAGE_SIZE, read_only

# The description's own version: bump the minor number when an operation, parameter or field is
# added, the major one when a field changes meaning or goes away.
VERSION = "1.0.0"

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

SCHEMAS: dict[str, dict] = {
    "Error": _object(
        "Every error is JSON: a sentence saying what went wrong and what to send instead.",
        {"error": _string("What went wrong, for the developer of the client.")},
    ),
    "ConditionListItem": _object(
        "One live condition page, as the list shows it.",
        {
            "name": _string("The page's name (its title)."),
            "slug": _string("The page's address part; use it with the detail operation."),
            "summary": _string("One or two sentences on what the condition is; may be empty."),
            "last_reviewed": {
                **_nullable(DATE),
                "description": "When a medical reviewer last checked the page.",
            },
            "next_review_due": {
                **_nullable(DATE),
                "description": "When the page is due to be reviewed again.",
            },
            "url": {**URI, "description": "The page on the public site."},
            "api_url": {**URI, "description": "The page in this API (the detail operation)."},
            "updated": {
                **_nullable(DATE_TIME),
                "description": "When the version now shown went live.",
            },
        },
    ),
    "ConditionList": _object(
        f"One page of the list, {PAGE_SIZE} items at most, with links to the pages either side.",
        {
            "count": {"type": "integer", "minimum": 0, "description": "How many pages match, on every page."},
            "next": {**_nullable(URI), "description": "The next page of the list; null on the last."},
            "previous": {
                **_nullable(URI),
                "description": "The previous page of the list; null on the first.",
            },
            "results": {"type": "array", "items": _ref("ConditionListItem")},
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
            "html": _string("The text as published: sanitised HTML, citations as numbered links."),
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
            "authors": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Authors, one a string, as 'Family G' or an organisation.",
            },
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
            "also_called": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Other names for the condition.",
            },
            "summary": _string("One or two sentences on what the condition is; may be empty."),
            "url": {**URI, "description": "The page on the public site."},
            "api_url": {**URI, "description": "This page in the API."},
            "version": {"type": "integer", "minimum": 1, "description": "The published version's number."},
            "updated": {**_nullable(DATE_TIME), "description": "When this version went live."},
            "sections": {"type": "array", "items": _ref("Section")},
            "short_answers": {"type": "array", "items": _ref("ShortAnswer")},
            "references": {"type": "array", "items": _ref("Reference")},
            "review": _ref("Review"),
        },
    ),
}


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {JSON: {"schema": _ref("Error")}},
    }


CACHED = {
    "Cache-Control": {
        "description": f"Successful answers may be cached for {CACHE_SECONDS} seconds.",
        "schema": {"type": "string"},
    }
}


def _ok(description: str, schema: str) -> dict:
    return {"description": description, "headers": CACHED, "content": {JSON: {"schema": _ref(schema)}}}


NOT_ALLOWED = {
    "description": "This API is read-only: any method but GET or HEAD.",
    "headers": {"Allow": {"description": "GET, HEAD", "schema": {"type": "string"}}},
    "content": {JSON: {"schema": _ref("Error")}},
}

PATHS: dict[str, dict] = {
    "/api/conditions/": {
        "get": {
            "operationId": "listConditions",
            "summary": "List live condition pages",
            "description": (
                f"Every live page, by name, {PAGE_SIZE} a page. Follow `next` until it is null to read "
                "them all. Only what a medical reviewer approved is listed."
            ),
            "parameters": [
                {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "description": "Which page of the list, from 1.",
                    "schema": {"type": "integer", "minimum": 1, "default": 1},
                },
                {
                    "name": "updated_since",
                    "in": "query",
                    "required": False,
                    "description": (
                        "Only pages whose version went live at or after this moment: a date "
                        "(YYYY-MM-DD, from midnight site time) or an ISO 8601 date and time "
                        "(write a '+' in an offset as %2B)."
                    ),
                    "schema": {"anyOf": [DATE, DATE_TIME]},
                },
            ],
            "responses": {
                "200": _ok("A page of the list.", "ConditionList"),
                "400": _error_response("A parameter could not be read (page or updated_since)."),
                "404": _error_response("There is no such page of the list (past the last one)."),
                "405": NOT_ALLOWED,
            },
        },
    },
    "/api/conditions/{slug}/": {
        "get": {
            "operationId": "getCondition",
            "summary": "One live condition page",
            "description": (
                "The page as approved: its sections, short answers, references and review. A page's "
                "old address redirects (301) to its new one."
            ),
            "parameters": [
                {
                    "name": "slug",
                    "in": "path",
                    "required": True,
                    "description": "The page's address part, as `slug` in the list.",
                    "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                }
            ],
            "responses": {
                "200": _ok("The page.", "Condition"),
                "301": {
                    "description": "The page was renamed: Location gives its address now.",
                    "headers": {"Location": {"description": "The new address.", "schema": URI}},
                },
                "404": _error_response("No page was ever published at this address."),
                "405": NOT_ALLOWED,
                "410": _error_response("The page was taken offline: remove it from a copy."),
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
                "Every answer is JSON, errors included. Nothing here needs a key or a login, and "
                "nothing here changes anything: only GET and HEAD are allowed."
            ),
        },
        "servers": [{"url": settings.MEDSITE_BASE_URL, "description": "This site."}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }


@read_only
def openapi_json(request: HttpRequest) -> JsonResponse:
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
    if "anyOf" in schema:
        return " or ".join(_type(option) for option in schema["anyOf"])
    types = schema.get("type", "object")
    words = []
    for kind in types if isinstance(types, list) else [types]:
        if kind == "array":
            words.append(f"array of {_type(schema['items'])}")
        elif kind != "null" and "format" in schema:
            words.append(f"{kind} ({schema['format']})")
        else:
            words.append(kind)
    if "enum" in schema:
        words.append("one of " + ", ".join(schema["enum"]))
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
                        for status, response in operation["responses"].items()
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
