"""The read-only JSON API: what the public site shows, for other programs to reuse.

Everything comes from live publications (what a medical reviewer approved), never from the
working copy: a draft edit appears here only once it is approved. Errors are JSON too, with a
sentence a developer can act on (``conditions.public.middleware.ApiMiddleware`` makes every
``/api/`` answer JSON, adds CORS and says how long errors may be kept).

Responses are ``public, no-cache`` with an ETag and Last-Modified: clients keep a copy but ask
before each use (a 304 costs nothing), so a page taken offline is gone from every copy at once.
A mirror follows ``updated_since`` (with its ``removed`` addresses) or the changes feed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import wraps
from string import ascii_uppercase

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db.models import F, QuerySet
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from conditions.codes import Code, coded_with, parse_code, parse_codes
from conditions.models import Condition
from conditions.public import changes
from conditions.public import search as site_search
from conditions.public.caching import BROWSER_CACHE_CONTROL, cached_page, page_response, set_last_modified
from conditions.public.discovery import question_path
from conditions.public.structured import first_published
from conditions.public.views import Gone, _get_live_condition, _letter
from conditions.publishedpage import PublishedImage, PublishedPage, PublishedReference
from medsite.htmltext import html_to_text
from medsite.siteurl import absolute

PAGE_SIZE = 50
# How long a document that changes only with a release (the API's description) may be kept.
CACHE_SECONDS = 300
# The methods the API answers (OPTIONS by conditions.public.middleware, for CORS preflights).
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 200:
        # Kept, but checked before each use (see the module doc); errors get theirs from the middleware.
        patch_cache_control(response, **BROWSER_CACHE_CONTROL)
    return response


def _error(message: str, http_status: int, **details: object) -> JsonResponse:
    return _json({"error": message, **details}, status=http_status)


class InvalidParameter(ValueError):
    """A query parameter the API cannot use: answered 400, naming ``parameter``."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def _invalid(error: InvalidParameter) -> JsonResponse:
    return _error(str(error), 400, parameter=error.parameter)


def read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD only; anything else is a JSON 405."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _error(f"This API is read-only: {request.method} is not allowed, use GET.", 405)
            response["Allow"] = ALLOWED_METHODS
            return response
        return view(request, *args, **kwargs)

    # Nothing here writes, so there is nothing for CSRF to protect: a POST gets the 405 above
    # rather than a CSRF failure page.
    return csrf_exempt(wrapper)


def parse_moment(value: str, parameter: str = "updated_since") -> datetime:
    """A date (midnight at the start of it, site time) or an ISO 8601 date and time."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise InvalidParameter(
            parameter,
            f"{parameter} “{value}” is not a date or date and time: use YYYY-MM-DD or ISO 8601, "
            "such as 2025-03-01 or 2025-03-01T09:30:00Z (write a “+” in a time zone offset as %2B).",
        )
    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    try:
        # In UTC, as the database stores it: PostgreSQL refuses offsets past ±15:59, which ISO 8601 allows.
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise InvalidParameter(
            parameter, f"{parameter} “{value}” is outside the dates this API can compare."
        ) from None
    return moment


# How far back a mirror should ask again after an answer (see change_list).
SYNC_OVERLAP = timedelta(minutes=1)

# order_by's values: the columns each sorts by; the name, then the address, break ties.
ORDERINGS = {
    "name": "live_publication__title",
    "updated": "live_publication__went_live_at",
    "last_reviewed": "live_publication__reviewed_on",
    "next_review_due": "live_publication__next_review_due",
}
LETTERS = [*ascii_uppercase, "#"]


@dataclass(frozen=True)
class ListQuery:
    """The list's query parameters, read and checked. A filter is added here as one more field
    (read in :func:`parse_list_query`) and one more step of :func:`_filtered`."""

    page: int = 1
    updated_since: datetime | None = None
    order_by: str = "name"
    letter: str = ""
    q: str = ""
    code: Code | None = None  # pages coded with it, or with a code above it (ICD-10-CM)


def _text(query: QueryDict, name: str) -> str:
    return query.get(name, "").strip()


def parse_page(query: QueryDict) -> int:
    value = _text(query, "page") or "1"
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    if not (value.isascii() and value.isdigit()) or not value.strip("0"):
        raise InvalidParameter("page", f"page “{value}” is not a page number: a whole number, starting at 1.")
    # Past any last page, however long (int() refuses more than 4,300 digits).
    return int(value) if len(value.lstrip("0")) <= 18 else sys.maxsize


def parse_list_query(query: QueryDict) -> ListQuery:
    """The list's parameters from ``query``; :class:`InvalidParameter` names the first it cannot use.

    Parameters it does not know are left alone (a link's ``utm_…`` tail, say).
    """
    order_by = _text(query, "order_by") or "name"
    if order_by.removeprefix("-") not in ORDERINGS:
        choices = ", ".join(ORDERINGS)
        raise InvalidParameter(
            "order_by", f"order_by “{order_by}” is not one of {choices} (put “-” first for descending)."
        )
    letter = _text(query, "letter").upper()
    if letter and letter not in LETTERS:
        raise InvalidParameter("letter", f"letter “{letter}” is not a letter A to Z, or “#” for the others.")
    since = _text(query, "updated_since")
    parsed = ListQuery(
        page=parse_page(query),
        updated_since=parse_moment(since) if since else None,
        order_by=order_by,
        letter=letter,
        q=_text(query, "q"),
        code=parse_code_filter(_text(query, "code")),
    )
    if parsed.q:
        # Search results come by relevance, a page at a time, from the site's search.
        for name in ("order_by", "letter", "updated_since", "code"):
            if _text(query, name):
                raise InvalidParameter(
                    name, f"{name} cannot be used with q: search results come by relevance."
                )
    return parsed


def parse_code_filter(value: str) -> Code | None:
    """``code``: ``SYSTEM:CODE``, as the pages' ``code`` lists give them (``ICD10CM:E34.0``)."""
    if not value:
        return None
    try:
        return parse_code(value)
    except ValueError as error:
        raise InvalidParameter("code", f"code: {error}") from None


def _codes(keys: Iterable[str]) -> list[dict]:
    return [code.as_json() for code in parse_codes("\n".join(keys))]


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return absolute(f"{request.path}?{query.urlencode()}")


def terms() -> dict[str, str | None]:
    """The terms the publisher sets for reusing its pages (settings), stated with every page."""
    return {
        "license": settings.MEDSITE_CONTENT_LICENSE or None,
        "copyright_holder": settings.MEDSITE_COPYRIGHT_HOLDER,
        "attribution": settings.MEDSITE_API_ATTRIBUTION,
    }


def language() -> str:
    """The pages' language (BCP 47), as their HTML and structured data give it."""
    return settings.LANGUAGE_CODE.split("-")[0]


# What a listing of live pages reads of each (the API's list, the Infobutton service's answers).
LISTED_FIELDS = (
    "slug",
    "live_publication__slug",
    "live_publication__title",
    "live_publication__summary",
    "live_publication__also_called",
    "live_publication__codes",
    "live_publication__reviewed_on",
    "live_publication__next_review_due",
    "live_publication__went_live_at",
)


def _live() -> QuerySet[Condition]:
    return Condition.objects.live().only(*LISTED_FIELDS).annotate(first_published=first_published())


def _ordered(conditions: QuerySet[Condition], order_by: str) -> QuerySet[Condition]:
    column = ORDERINGS[order_by.removeprefix("-")]
    descending = order_by.startswith("-")
    key = Lower(column) if order_by.removeprefix("-") == "name" else F(column)
    first = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
    return conditions.order_by(first, Lower("live_publication__title"), "live_publication__slug")


def _filtered(conditions: QuerySet[Condition], query: ListQuery) -> QuerySet[Condition]:
    if query.updated_since is not None:
        conditions = conditions.filter(live_publication__went_live_at__gte=query.updated_since)
    if query.letter:
        # By the A–Z's own rule (accents folded, "#" for the rest), which SQL cannot say.
        names = Condition.objects.live().values_list("pk", "live_publication__title")
        conditions = conditions.filter(pk__in=[pk for pk, name in names if _letter(name) == query.letter])
    if query.code is not None:
        conditions = coded_with(conditions, query.code)
    return conditions


@cached_page
@read_only
def condition_list(request: HttpRequest) -> HttpResponse:
    """Every live page, by name, 50 a page (see ListQuery for the parameters).

    With ``updated_since``, only the pages that went live since, and ``removed``: the addresses
    that stopped serving their page since then (withdrawn, or renamed to ``moved_to``).
    """
    try:
        query = parse_list_query(request.GET)
    except InvalidParameter as error:
        return _invalid(error)
    if query.q:
        return _search(request, query)
    # Queries: 1 count, 1 page of conditions joined to their live publications (with the date each
    # first went live), 2 the latest change (Last-Modified); with letter, 1 the names of live pages;
    # with updated_since, 2 the history of the pages that changed since.
    conditions = _ordered(_filtered(_live(), query), query.order_by)
    paginator = Paginator(conditions, PAGE_SIZE)
    try:
        page = paginator.page(query.page)
    except EmptyPage:
        return _error(f"There is no page {query.page}: the last page is {paginator.num_pages}.", 404)
    body = {
        "count": paginator.count,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "results": [_list_item(request, condition) for condition in page],
    }
    if query.updated_since is not None:
        body["removed"] = [_removal(removal) for removal in changes.removed_since(query.updated_since)]
    return set_last_modified(_json(body), changes.last_change())


def _search(request: HttpRequest, query: ListQuery) -> HttpResponse:
    """``q``: the site search's matches, best first, as list items."""
    found = site_search.search(query.q, page=query.page, per_page=PAGE_SIZE)
    if query.page > found.num_pages:
        return _error(f"There is no page {query.page}: the last page is {found.num_pages}.", 404)
    slugs = [result.slug for result in found.results]
    by_slug = {c.public_slug: c for c in _live().filter(live_publication__slug__in=slugs)}
    conditions = [by_slug[slug] for slug in slugs if slug in by_slug]
    body = {
        "count": found.total,
        "next": _page_url(request, query.page + 1) if found.searched and found.has_next else None,
        "previous": _page_url(request, query.page - 1) if found.searched and found.has_previous else None,
        "results": [_list_item(request, condition) for condition in conditions],
    }
    return set_last_modified(_json(body), changes.last_change())


def _list_item(request: HttpRequest, condition: Condition) -> dict:
    publication = condition.public_version
    return {
        "name": publication.title,
        "slug": condition.public_slug,
        "status": changes.PUBLISHED,
        "also_called": publication.synonyms,
        "code": _codes(publication.codes.splitlines()),
        "summary": publication.summary,
        "language": language(),
        "first_published": _date(getattr(condition, "first_published", None)),
        "last_reviewed": _date(publication.reviewed_on),
        "next_review_due": _date(publication.next_review_due),
        **_urls_for(condition.public_slug),
        "updated": _date(publication.went_live_at),
        **terms(),
    }


def _removal(removal: changes.Removal) -> dict:
    return {
        "slug": removal.slug,
        "name": removal.name,
        "status": removal.status,
        "date": _date(removal.date),
        "api_url": absolute(reverse("conditions:api-detail", args=[removal.slug])),
        "moved_to": _moved_to(removal.moved_to),
    }


def _moved_to(slug: str | None) -> dict | None:
    if slug is None:
        return None
    return {"slug": slug, **_urls_for(slug)}


def _urls_for(slug: str) -> dict[str, str]:
    return {
        "url": absolute(reverse("conditions:detail", args=[slug])),
        "api_url": absolute(reverse("conditions:api-detail", args=[slug])),
    }


@cached_page
@read_only
def change_list(request: HttpRequest) -> HttpResponse:
    """Every public change at ``since`` or later (all without it), oldest first, 50 a page.

    ``as_of`` is when the answer was made; ``next_since``, what to ask with next: a little
    earlier, since a change is dated when its transaction began and may be committed (and seen)
    a moment later. Changes in the overlap come again; applying one twice does no harm.
    """
    try:
        page_number = parse_page(request.GET)
        since_text = _text(request.GET, "since")
        since = parse_moment(since_text, "since") if since_text else None
    except InvalidParameter as error:
        return _invalid(error)
    as_of = timezone.now()
    # Queries: 2 the history of the pages that changed since, 2 the latest change (Last-Modified).
    paginator = Paginator(changes.changes_since(since), PAGE_SIZE)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return _error(f"There is no page {page_number}: the last page is {paginator.num_pages}.", 404)
    body = {
        "since": _date(since),
        "as_of": _date(as_of),
        "next_since": _date(as_of - SYNC_OVERLAP),
        "count": paginator.count,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
        "results": [_change(change) for change in page],
    }
    return set_last_modified(_json(body), changes.last_change())


def _change(change: changes.Change) -> dict:
    if change.status == changes.RETRACTED:
        url = absolute(reverse("conditions:publication", args=[change.slug, change.version]))
    else:
        url = absolute(reverse("conditions:detail", args=[change.slug]))
    return {
        "status": change.status,
        "date": _date(change.date),
        "slug": change.slug,
        "name": change.name,
        "version": change.version,
        "url": url,
        "api_url": absolute(reverse("conditions:api-detail", args=[change.slug])),
        "moved_to": _moved_to(change.moved_to),
    }


@cached_page
@read_only
def condition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One live page as approved; an old slug redirects (conditions.public.middleware).

    Everything comes from the live publication, references included (every field was frozen at
    approval), so it changes only when the workflow retires cached pages.
    """
    # Queries: 1 the condition joined to its live publication (and when it first went live),
    # 1 its references; a page taken offline: 1 its last public version, 1 when it was withdrawn.
    try:
        condition = _get_live_condition(slug)
    except Gone as gone:
        return _gone(slug, gone.condition)
    except Http404:
        return _error(f"No published condition page has the slug “{slug}”.", 404)
    publication = condition.public_version
    page = publication.page
    response = _json(
        {
            "name": page.name,
            "slug": condition.public_slug,
            "status": changes.PUBLISHED,
            "also_called": list(page.also_called),
            "code": _codes(page.codes),
            "summary": page.summary,
            "language": language(),
            **_urls_for(condition.public_slug),
            "version": publication.number,
            "first_published": _date(getattr(condition, "first_published", None)),
            "updated": _date(publication.went_live_at),
            "sections": [
                _with_absolute_images(_fields(section, _SECTION_FIELDS), page) for section in page.sections
            ],
            "short_answers": _short_answers(request, condition, page),
            "references": [_reference(reference) for reference in page.references],
            "images": [_image(image) for image in page.images],
            "review": {
                "reviewed_by": publication.reviewed_by_name,
                "last_reviewed": _date(publication.reviewed_on),
                "next_review_due": _date(publication.next_review_due),
                "kind": publication.kind,
                "approved_at": _date(publication.approved_at),
            },
            **terms(),
        }
    )
    return page_response(set_last_modified(response, publication.went_live_at), condition.pk)


def _gone(slug: str, condition: Condition) -> JsonResponse:
    """410: the page read at ``slug`` was taken offline; when, so a copy can say so and remove it."""
    last = condition.publications.public().order_by("-number").values_list("title", flat=True).first()
    withdrawn = changes.withdrawn_at(condition)
    return _error(
        f"The page “{slug}” was taken offline on {withdrawn:%Y-%m-%d}; it is no longer published."
        if withdrawn
        else f"The page “{slug}” has been taken offline; it is no longer published.",
        410,
        slug=slug,
        name=last or condition.name,
        status=changes.WITHDRAWN,
        withdrawn_at=_date(withdrawn),
    )


# What the API shows of each part of the page: named here, so a field added to the published
# page is not served until it is meant to be.
_SECTION_FIELDS = ("id", "kind", "heading", "markdown", "html")
_ANSWER_FIELDS = ("question", "answer_markdown", "answer_html", "details_markdown", "details_html")
_REFERENCE_FIELDS = (
    "number",
    "key",
    "kind",
    "authors",
    "title",
    "container_title",
    "edition",
    "publisher",
    "year",
    "volume",
    "issue",
    "pages",
    "url",
    "doi",
    "pmid",
    "accessed_on",
)


def _fields(part: object, names: tuple[str, ...]) -> dict:
    return {name: getattr(part, name) for name in names}


def _short_answers(request: HttpRequest, condition: Condition, page: PublishedPage) -> list[dict]:
    answers = []
    for answer in page.short_answers:
        item = _with_absolute_images(_fields(answer, _ANSWER_FIELDS), page)
        path = question_path(condition.public_slug, answer.slug)
        if path is not None:
            item["url"] = absolute(path)
        answers.append(item)
    return answers


def _reference(reference: PublishedReference) -> dict:
    """One entry of the reference list as published: every field as the reviewer approved it."""
    return {
        **_fields(reference, _REFERENCE_FIELDS),
        "authors": list(reference.authors),
        "accessed_on": _date(reference.accessed_on),
        "text": html_to_text(reference.html),
        "html": reference.html,
    }


def _image(image: PublishedImage) -> dict:
    """One image the page shows, as approval froze it: its renditions at absolute addresses (the
    storage's, for an S3 store; the site's, for local files), what it shows, and its terms."""
    fallback = next((r for r in image.renditions if r.url == image.src), None)
    return {
        "key": image.key,
        "url": absolute(image.src),
        "width": image.width,
        "height": image.height,
        "type": fallback.type if fallback else "",
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "licence": {
            "code": image.licence,
            "name": image.licence_name,
            "url": image.licence_url or None,
        },
        "source_url": image.source_url or None,
        "copyright_notice": image.copyright_notice,
        "renditions": [
            {"url": absolute(r.url), "width": r.width, "height": r.height, "type": r.type}
            for r in image.renditions
        ],
        "og_image": absolute(image.og_image),
    }


def _with_absolute_images(fields: dict, page: PublishedPage) -> dict:
    """``fields`` with the images in their HTML at absolute addresses: the public page names
    local renditions by path (``/media/…``), which means nothing to a program that reads the
    HTML elsewhere."""
    relative = {r.url for image in page.images for r in image.renditions if r.url.startswith("/")}
    if not relative:
        return fields
    # Whole addresses only, as src and srcset write them: after a quote, a space or a comma.
    pattern = re.compile(
        r'(?<=[",\s])('
        + "|".join(re.escape(url) for url in sorted(relative, key=len, reverse=True))
        + r')(?=[",\s])'
    )
    return {
        name: pattern.sub(lambda found: absolute(found.group(1)), value) if name.endswith("html") else value
        for name, value in fields.items()
    }
