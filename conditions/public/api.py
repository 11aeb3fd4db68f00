"""The read-only JSON API: what the public site shows, for other programs to reuse.

Everything comes from live publications (what a medical reviewer approved), never from the
working copy: a draft edit appears here only once it is approved. Errors are JSON too, with a
sentence a developer can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time
from functools import wraps

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from conditions.models import Condition
from conditions.public.caching import cached_page
from conditions.public.discovery import question_path
from conditions.public.views import Gone, _get_live_condition
from conditions.publishedpage import PublishedPage, PublishedReference
from medsite.htmltext import html_to_text
from medsite.siteurl import absolute

PAGE_SIZE = 50
CACHE_SECONDS = 300


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    if status == 200:
        # Published content changes only when a version goes live; a few minutes' staleness is fine.
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


def _error(message: str, status: int) -> JsonResponse:
    return _json({"error": message}, status=status)


def read_only(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """GET and HEAD only; anything else is a JSON 405."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = _error(f"This API is read-only: {request.method} is not allowed, use GET.", 405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    # Nothing here writes, so there is nothing for CSRF to protect: a POST gets the 405 above
    # rather than a CSRF failure page.
    return csrf_exempt(wrapper)


def parse_updated_since(value: str) -> datetime:
    """A date (midnight at the start of it, site time) or an ISO 8601 date and time."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(
            f"updated_since “{value}” is not a date or date and time: use YYYY-MM-DD or ISO 8601, "
            "such as 2025-03-01 or 2025-03-01T09:30:00Z (write a “+” in a time zone offset as %2B)."
        )
    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    try:
        moment.astimezone(UTC)  # how the database stores it
    except OverflowError:
        raise ValueError(f"updated_since “{value}” is outside the dates this API can compare.") from None
    return moment


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _urls(request: HttpRequest, slug: str) -> dict[str, str]:
    return {
        "url": absolute(reverse("conditions:detail", args=[slug])),
        "api_url": absolute(reverse("conditions:api-detail", args=[slug])),
    }


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return absolute(f"{request.path}?{query.urlencode()}")


@cached_page
@read_only
def condition_list(request: HttpRequest) -> JsonResponse:
    """Every live page, by name, 50 a page; ``updated_since`` keeps those that went live since."""
    conditions = (
        Condition.objects.live()
        .only(
            "slug",
            "live_publication__slug",
            "live_publication__title",
            "live_publication__summary",
            "live_publication__reviewed_on",
            "live_publication__next_review_due",
            "live_publication__went_live_at",
        )
        .order_by(Lower("live_publication__title"), "live_publication__slug")
    )
    if request.GET.get("updated_since", "").strip():
        try:
            since = parse_updated_since(request.GET["updated_since"].strip())
        except ValueError as exc:
            return _error(str(exc), 400)
        conditions = conditions.filter(live_publication__went_live_at__gte=since)
    # Queries: 1 count, 1 page of conditions joined to their live publications.
    paginator = Paginator(conditions, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return _error("page must be a whole number, starting at 1.", 400)
    except EmptyPage:
        return _error(f"There is no page {request.GET['page']}: the last page is {paginator.num_pages}.", 404)
    return _json(
        {
            "count": paginator.count,
            "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
            "results": [_list_item(request, condition) for condition in page],
        }
    )


def _list_item(request: HttpRequest, condition: Condition) -> dict:
    publication = condition.public_version
    return {
        "name": publication.title,
        "slug": condition.public_slug,
        "summary": publication.summary,
        "last_reviewed": _date(publication.reviewed_on),
        "next_review_due": _date(publication.next_review_due),
        **_urls(request, condition.public_slug),
        "updated": _date(publication.went_live_at),
    }


@cached_page
@read_only
def condition_detail(request: HttpRequest, slug: str) -> JsonResponse:
    """One live page as approved; an old slug redirects (conditions.public.middleware).

    Everything comes from the live publication, references included (every field was frozen at
    approval), so it changes only when the workflow retires cached pages.
    """
    # Queries: 1 the condition joined to its live publication.
    try:
        condition = _get_live_condition(slug)
    except Gone:
        return _error(f"The page “{slug}” has been taken offline; it is no longer published.", 410)
    except Http404:
        return _error(f"No published condition page has the slug “{slug}”.", 404)
    publication = condition.public_version
    page = publication.page
    return _json(
        {
            "name": page.name,
            "slug": condition.public_slug,
            "also_called": list(page.also_called),
            "summary": page.summary,
            **_urls(request, condition.public_slug),
            "version": publication.number,
            "updated": _date(publication.went_live_at),
            "sections": [_fields(section, _SECTION_FIELDS) for section in page.sections],
            "short_answers": _short_answers(request, condition, page),
            "references": [_reference(reference) for reference in page.references],
            "review": {
                "reviewed_by": publication.reviewed_by_name,
                "last_reviewed": _date(publication.reviewed_on),
                "next_review_due": _date(publication.next_review_due),
                "kind": publication.kind,
                "approved_at": _date(publication.approved_at),
            },
        }
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
        item = _fields(answer, _ANSWER_FIELDS)
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
