"""Old addresses of renamed condition pages answer with a permanent redirect."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse

from conditions.public.views import Moved


class RenamedConditionMiddleware:
    """Answer :class:`conditions.public.views.Moved` with a 301 to the same view at the page's new slug.

    Every public view that finds its page through ``views._get_live_condition`` (page, history,
    archived version, question, API) follows a rename this way, with no redirect code of its own:
    ``/conditions/old/history/2/`` -> ``/conditions/new/history/2/``, query string kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Moved) or request.resolver_match is None:
            return None
        match = request.resolver_match
        url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": exception.slug})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
