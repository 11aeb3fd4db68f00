"""Old addresses of renamed condition pages answer with a permanent redirect; the API answers
JSON, with CORS, whatever happens."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers

from conditions.public.api import ALLOWED_METHODS
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


# --- the API ----------------------------------------------------------------------------------

API_PREFIX = "/api/"
# How long a client or proxy may keep an API answer that is not a page of data: a redirect or a
# client error may change with the next approval, so briefly; a server error not at all.
ERROR_MAX_AGE = 60
# The request headers a browser script may send (conditional GETs), and the response headers it
# may read beyond the safelisted ones.
CORS_REQUEST_HEADERS = "Accept, Accept-Language, If-Modified-Since, If-None-Match"
CORS_EXPOSED_HEADERS = "ETag, Last-Modified, Location"
CORS_PREFLIGHT_SECONDS = 86400

_STATUS_MESSAGES = {
    400: "The request could not be understood: check its parameters (at most {fields}) and their encoding.",
    403: "The request was refused.",
    404: "Nothing is published at {path}: /api/docs/ lists the API's addresses.",
    405: "This API is read-only: {method} is not allowed, use GET.",
    503: "The database is unavailable just now; try again after the Retry-After seconds.",
}
_SERVER_ERROR = "The server failed to answer this request; the failure was logged. Try again later."


class ApiMiddleware:
    """Every ``/api/`` answer is JSON, says how long it may be kept, and may be read cross-origin.

    - An answer that is not JSON (Django's 404 for an unknown address, a 500 after a view raised)
      is replaced by ``{"error": ...}`` with the same status.
    - Redirects and errors get a Cache-Control of their own: ``public, max-age=60`` (a page may be
      published at a 404's address with the next approval), ``no-store`` for 5xx.
    - CORS for a read-only API: ``Access-Control-Allow-Origin`` from ``MEDSITE_API_CORS_ORIGINS``
      ("*", or the request's Origin when it is listed), never credentials; OPTIONS answers a
      preflight for GET and HEAD only, so a browser refuses to send anything else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _is_api(request.path_info):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = _options(request)
        else:
            response = self.get_response(request)
            if response.status_code >= 400 and not _is_json(response):
                response = _json_error(request, response)
        if response.status_code >= 500:
            response["Cache-Control"] = "no-store"
        elif 300 <= response.status_code != 304 and "private" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = f"public, max-age={ERROR_MAX_AGE}"
        _allow_origin(request, response)
        return response


def _is_api(path: str) -> bool:
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _json_error(request: HttpRequest, response: HttpResponse) -> JsonResponse:
    status = response.status_code
    template = _STATUS_MESSAGES.get(status, _SERVER_ERROR if status >= 500 else "The request failed.")
    replaced = JsonResponse(
        {
            "error": template.format(
                path=request.path, method=request.method, fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            )
        },
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    for header in ("Allow", "Retry-After"):
        if response.has_header(header):
            replaced[header] = response[header]
    return replaced


def _options(request: HttpRequest) -> HttpResponse:
    """The methods an API address answers; for a CORS preflight, which the browser may send."""
    try:
        resolve(request.path_info)
    except Resolver404:
        return _json_error(request, HttpResponse(status=404))
    response = HttpResponse(status=204)
    response["Allow"] = ALLOWED_METHODS
    if request.headers.get("Access-Control-Request-Method"):
        response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response["Access-Control-Allow-Headers"] = CORS_REQUEST_HEADERS
        response["Access-Control-Max-Age"] = str(CORS_PREFLIGHT_SECONDS)
    return response


def _allow_origin(request: HttpRequest, response: HttpResponse) -> None:
    origins = settings.MEDSITE_API_CORS_ORIGINS
    if "*" in origins:
        response["Access-Control-Allow-Origin"] = "*"
    else:
        # The answer differs by Origin: caches must keep one copy per origin.
        patch_vary_headers(response, ["Origin"])
        origin = request.headers.get("Origin", "")
        if origin not in origins:
            return
        response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Expose-Headers"] = CORS_EXPOSED_HEADERS
