"""Public pages (served from frozen publications) and the editor's preview endpoints."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from itertools import groupby
from string import ascii_uppercase

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from conditions.codes import medical_codes
from conditions.models import Condition, Publication, SlugHistory
from conditions.public import search as site_search
from conditions.public import structured
from conditions.public.caching import cached_page, page_response, set_last_modified
from medsite.siteurl import absolute

RECENT_COUNT = 6


def _letter(name: str) -> str:
    first = unicodedata.normalize("NFKD", name[:1]).upper()[:1]
    return first if first in ascii_uppercase else "#"


@dataclass(frozen=True)
class AtoZEntry:
    """A line of the A–Z: a condition, or another name for one ("see" entry)."""

    name: str
    condition: Condition
    is_synonym: bool = False


def _a_to_z(conditions: list[Condition]) -> list[dict]:
    """Every letter with its entries (conditions and their other names, sorted together)."""
    entries = [AtoZEntry(c.public_version.title, c) for c in conditions]
    entries += [
        AtoZEntry(other, c, is_synonym=True) for c in conditions for other in c.public_version.synonyms
    ]
    entries.sort(key=lambda entry: (_letter(entry.name), entry.name.casefold()))
    by_letter = {letter: list(items) for letter, items in groupby(entries, key=lambda e: _letter(e.name))}
    return [
        {
            "letter": letter,
            "entries": by_letter.get(letter, []),
            "count": sum(not e.is_synonym for e in by_letter.get(letter, [])),
        }
        for letter in [*ascii_uppercase, "#"]
    ]


def _live_conditions():
    """Live pages for the lists, with the name, other names and summary they were approved with."""
    return Condition.objects.live().only(
        "slug",
        "live_publication__slug",
        "live_publication__title",
        "live_publication__summary",
        "live_publication__also_called",
        "live_publication__reviewed_on",
        "live_publication__approved_at",
        "live_publication__went_live_at",
    )


@cached_page
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    conditions = list(_live_conditions().order_by("live_publication__title"))
    recent = sorted(conditions, key=lambda c: c.public_version.approved_at, reverse=True)[:RECENT_COUNT]
    return render(request, "conditions/home.html", {"recent": recent, "letters": _a_to_z(conditions)})


@cached_page
@require_safe
def condition_index(request: HttpRequest) -> HttpResponse:
    conditions = list(_live_conditions().order_by("live_publication__title"))
    return render(
        request, "conditions/index.html", {"letters": _a_to_z(conditions), "count": len(conditions)}
    )


def _get_live_condition(slug: str) -> Condition:
    """The condition the public reads at ``slug``, with its live publication.

    Addresses belong to publications: a page is read at its live version's address, which only
    an approval changes. An address the page had before redirects (:class:`Moved`, answered with
    a 301 by conditions.public.middleware); one whose page was taken offline is :class:`Gone` (410);
    any other, including a draft's proposed address, is not found.
    """
    condition = (
        Condition.objects.select_related("live_publication__approved_by__reviewer_profile")
        .annotate(first_published=structured.first_published())
        .filter(live_publication__slug=slug)
        .first()
    )
    if condition is not None:
        return condition
    moved = SlugHistory.objects.filter(slug=slug).select_related("condition__live_publication").first()
    last = moved.condition if moved else _last_public_holder(slug)
    if last is None:
        raise Http404("No condition page at this address.")
    if last.live_publication is not None:
        raise Moved(last.public_slug)
    raise Gone(last)


def _last_public_holder(slug: str) -> Condition | None:
    """The page whose public version was last read at ``slug``."""
    publication = (
        Publication.objects.public()
        .filter(slug=slug)
        .select_related("condition__live_publication")
        .only("condition")
        .order_by("-went_live_at", "-pk")
        .first()
    )
    return publication.condition if publication else None


class Gone(Exception):
    """What the public read at this address was taken offline: the page, or (``retracted``) the
    version of it asked for, withdrawn from the archive.

    Raised by the lookups here, which alone decide what is gone; :func:`answers_gone` answers it
    with a page, the API (``conditions.public.api``) with JSON, both with 410.
    """

    def __init__(self, condition: Condition, retracted: Publication | None = None) -> None:
        super().__init__(condition.slug)
        self.condition = condition
        self.retracted = retracted


class Moved(Exception):
    """The page now lives at ``slug``: the same view answers there (see conditions.public.middleware)."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


def _get_archived_version(slug: str, number: int) -> tuple[Condition, Publication]:
    """The page at ``slug`` and its version ``number`` as the public archive serves it.

    A version withdrawn from the archive is :class:`Gone` with its reason, whether or not the page
    is still live; any other version of a page taken offline is gone with the page.
    """
    try:
        condition = _get_live_condition(slug)
    except Gone as gone:
        withdrawn = gone.condition.publications.public().filter(number=number, retracted_at__isnull=False)
        raise Gone(gone.condition, retracted=withdrawn.first()) from None
    publication = get_object_or_404(Publication.objects.public(), condition=condition, number=number)
    if publication.is_retracted:
        raise Gone(condition, retracted=publication)
    return condition, publication


def answers_gone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer :class:`Gone` raised by ``view`` with a 410 page: the notice of a withdrawn version,
    saying when and why and where the page is now, or of a page taken offline."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Gone as gone:
            return _gone_page(request, gone)

    return wrapper


def _gone_page(request: HttpRequest, gone: Gone) -> HttpResponse:
    if gone.retracted is not None:
        context = {"condition": gone.condition, "publication": gone.retracted}
        return render(request, "conditions/retracted.html", context, status=410)
    # Named as the public last saw it, not as the working copy now reads.
    publications = gone.condition.publications.public().order_by("-number")
    last = publications.values_list("title", flat=True).first()
    return render(request, "conditions/gone.html", {"name": last or gone.condition.name}, status=410)


@cached_page
@require_safe
@answers_gone
def condition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Queries: 1 (the condition joined to its live publication, its approver's reviewer profile,
    # and the date it first went live). The body is frozen HTML.
    condition = _get_live_condition(slug)
    publication = condition.public_version
    context = {
        "condition": condition,
        "publication": publication,
        "is_current": True,
        "json_ld": _json_ld(request, condition, publication),
    }
    return _dated(render(request, "conditions/detail.html", context), condition)


def _dated(response: HttpResponse, condition: Condition) -> HttpResponse:
    """Last-Modified of a page built from ``condition`` and its live publication.

    The page links to its own address, which a save of the working copy can move, so that save
    counts as well.
    """
    set_last_modified(response, condition.public_version.went_live_at, condition.updated_at)
    return page_response(response, condition.pk)


def _json_ld(request: HttpRequest, condition: Condition, publication: Publication) -> str:
    graph = structured.condition_graph(
        condition,
        publication,
        page_url=absolute(condition.get_absolute_url()),
        home_url=absolute(reverse("home")),
        index_url=absolute(reverse("conditions:index")),
        first_published=getattr(condition, "first_published", None),  # annotated by _get_live_condition
        reviewer_specialty=structured.reviewer_specialty(publication),
        codes=medical_codes(publication.page.codes),
    )
    return structured.json_ld(graph)


@cached_page
@require_safe
@answers_gone
def question_detail(request: HttpRequest, slug: str, question: str) -> HttpResponse:
    """One short answer on its own page, as it was approved with the live page."""
    # Queries: 1 (the condition joined to its live publication).
    condition = _get_live_condition(slug)
    publication = condition.public_version
    answer = next((a for a in publication.page.short_answers if a.slug == question), None)
    if answer is None:
        raise Http404("This page has no such question.")
    graph = structured.question_graph(
        condition,
        publication,
        answer,
        page_url=absolute(reverse("conditions:question", args=[condition.public_slug, answer.slug])),
        condition_url=absolute(condition.get_absolute_url()),
        home_url=absolute(reverse("home")),
        index_url=absolute(reverse("conditions:index")),
        reviewer_specialty=structured.reviewer_specialty(publication),
        codes=medical_codes(publication.page.codes),
    )
    context = {
        "condition": condition,
        "publication": publication,
        "answer": answer,
        "references": structured.cited_references(publication.page, answer),
        "json_ld": structured.json_ld(graph),
    }
    return _dated(render(request, "conditions/question.html", context), condition)


@cached_page
@require_safe
@answers_gone
def condition_history(request: HttpRequest, slug: str) -> HttpResponse:
    condition = _get_live_condition(slug)
    # Queries: 1 condition with its live publication, 1 publications that went live.
    publications = condition.publications.public().defer("html", "structured_data").order_by("-number")
    response = render(
        request, "conditions/history.html", {"condition": condition, "publications": publications}
    )
    return _dated(response, condition)


@cached_page
@require_safe
@answers_gone
def publication_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    condition, publication = _get_archived_version(slug, number)
    response = render(
        request,
        "conditions/detail.html",
        {
            "condition": condition,
            "publication": publication,
            "is_current": publication.pk == condition.live_publication_id,
        },
    )
    return _dated(response, condition)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Public search of the live pages: ``?q=words&page=n``.

    Queries: 1 every match's id and score (to rank them), 1 this page's conditions joined to their
    live publications; none for an empty query.
    """
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:  # not a number, or one too long to read: start at the beginning
        page = 1
    results = site_search.search(request.GET.get("q", ""), page=page)
    return render(request, "conditions/search.html", {"results": results, "query": results.query})
