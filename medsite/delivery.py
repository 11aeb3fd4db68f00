"""How every response leaves the site: what browsers and shared caches may keep, and compressed.

:class:`DeliveryMiddleware` sits just inside WhiteNoise (static files are WhiteNoise's: hashed,
long-cached, compressed at ``collectstatic``) and outside everything else, so it sees the final
response, whether it came from a view, the page cache (conditions/public/caching.py) or a 304.

**Cache-Control.** Every response gets one it chose or a view chose:

- Admin and editor addresses: ``private, no-store``, added to whatever the view said.
- A request with a session cookie may be an editor's: ``private, no-store`` on the public site too
  (the page cache answers such requests afresh, and so must every other cache).
- Public 200 and 304 answers that ask nothing special (the pages' and API's ``public, no-cache``)
  get :func:`public_cache_control`: browsers check before each use (``max-age`` from
  ``MEDSITE_BROWSER_CACHE_SECONDS``, 0 by default, so a withdrawn page is gone from every reader's
  screen at once); shared caches keep the answer ``MEDSITE_SHARED_CACHE_SECONDS`` (``s-maxage``)
  and may serve it ``MEDSITE_STALE_WHILE_REVALIDATE`` seconds longer while they fetch it again.
  A shared cache may keep a page only because MEDSITE purges it on every change; with
  ``MEDSITE_SHARED_CACHE_SECONDS`` at 0 (the default, for a site without a purge backend) shared
  caches check each use too (``public, no-cache``). The API is treated alike: ``max-age=0`` is
  the same promise to a browser as ``no-cache``, while ``no-cache`` would also forbid a CDN to
  keep it.
- Answers to a query string (search results, the API's filters, the Infobutton), which a purge
  by address cannot name, are kept by shared caches at most :data:`QUERY_SHARED_SECONDS`.
- Redirects (a renamed page's old address, 301) and client errors (404, 410) are kept briefly by
  browsers (``conditions.public.middleware.ERROR_MAX_AGE``; without a Cache-Control a browser keeps
  a 301 for good): a page may be published at their address with the next approval, which purges
  it from shared caches. Server errors: ``no-store``.

Every public answer says ``Vary: Cookie``, since a session cookie makes it private.

**Compression.** Text (HTML, JSON, XML, Atom, plain text) of at least :data:`MIN_COMPRESS_BYTES`
is sent br or gzip, whichever the request's ``Accept-Encoding`` rates higher (br on a tie; ``q=0``
refuses one), with ``Vary: Accept-Encoding``, the compressed length and a weak ETag (the bytes
differ, the content does not; ConditionalGetMiddleware, inside this one, compares weakly). Only
answers with no secret in them are compressed (BREACH): never a response that sets a cookie or
carries a CSRF token, never one to a request with a session cookie, never an admin or editor page.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable

import brotli  # type: ignore[import-untyped]  # no type information shipped
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers

from conditions.public.middleware import ERROR_MAX_AGE

QUERY_SHARED_SECONDS = 60
# Below this, the compressed body and its header save less than they cost.
MIN_COMPRESS_BYTES = 500
COMPRESSIBLE_TYPES = frozenset(
    {"text/html", "application/json", "application/xml", "application/atom+xml", "text/plain"}
)
# Quality 5 is most of br's gain at a fraction of quality 11's time, paid on every response.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
_CSRF_FIELD = b'name="csrfmiddlewaretoken"'
_Q_VALUE = re.compile(r"^\s*q\s*=\s*([0-9.]+)\s*$", re.IGNORECASE)


class DeliveryMiddleware:
    """Cache-Control, Vary and compression of the final response (see the module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_private_path(request.path_info):
            patch_cache_control(response, private=True, no_store=True)
            return response
        if request.path_info == "/healthz":
            return response  # for load balancers, never cached (never_cache)
        if request.path_info.startswith(settings.MEDIA_URL):
            return response  # image files (images/views.py): content-addressed, a year's caching of their own
        set_cache_control(request, response)
        patch_vary_headers(response, ["Cookie"])
        if _may_compress(request, response):
            compress(request, response)
        elif response.status_code == 304 and accepted_encoding(request.headers.get("Accept-Encoding", "")):
            # The 200 it stands for was sent compressed, with its ETag made weak.
            patch_vary_headers(response, ["Accept-Encoding"])
            _weaken_etag(response)
        return response


def public_cache_control() -> str:
    """What a public page or API answer tells browsers and shared caches."""
    shared = settings.MEDSITE_SHARED_CACHE_SECONDS
    browser = settings.MEDSITE_BROWSER_CACHE_SECONDS
    if shared == 0:
        return f"public, max-age={browser}" if browser else "public, no-cache"
    directives = f"public, max-age={browser}, s-maxage={shared}"
    if settings.MEDSITE_STALE_WHILE_REVALIDATE:
        directives += f", stale-while-revalidate={settings.MEDSITE_STALE_WHILE_REVALIDATE}"
    return directives


def set_cache_control(request: HttpRequest, response: HttpResponse) -> None:
    """Give a public-site response the Cache-Control of its kind, unless its view chose one."""
    status = response.status_code
    if settings.SESSION_COOKIE_NAME in request.COOKIES or response.cookies:
        response["Cache-Control"] = "private, no-store"
    elif status >= 500:
        response["Cache-Control"] = "no-store"
    elif _private(response):
        return
    elif status in (200, 304):
        if _says_nothing_special(response):
            response["Cache-Control"] = public_cache_control()
            if request.META.get("QUERY_STRING"):
                _cap_shared(response, QUERY_SHARED_SECONDS)
    elif status >= 300:
        response["Cache-Control"] = _brief(ERROR_MAX_AGE)
    elif not response.has_header("Cache-Control"):
        response["Cache-Control"] = public_cache_control()


def _brief(browser_seconds: int) -> str:
    shared = settings.MEDSITE_SHARED_CACHE_SECONDS
    return f"public, max-age={browser_seconds}" + (f", s-maxage={shared}" if shared else "")


def _cap_shared(response: HttpResponse, seconds: int) -> None:
    if seconds < settings.MEDSITE_SHARED_CACHE_SECONDS:
        patch_cache_control(response, s_maxage=seconds)


def _directives(response: HttpResponse) -> set[str]:
    return {
        d.split("=")[0].strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", "")) if d
    }


def _private(response: HttpResponse) -> bool:
    return bool(_directives(response) & {"private", "no-store"})


def _says_nothing_special(response: HttpResponse) -> bool:
    """No Cache-Control, or the public site's default ``public, no-cache`` (caching.py, api.py)."""
    return _directives(response) <= {"public", "no-cache"}


def _is_private_path(path: str) -> bool:
    return path.startswith((f"/{settings.MEDSITE_ADMIN_URL}", "/editor/"))


# --- compression -----------------------------------------------------------------------------------


def accepted_encoding(accept_encoding: str) -> str | None:
    """``"br"``, ``"gzip"`` or None, by the q-values of an Accept-Encoding header; br on a tie."""
    ratings: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *parameters = item.split(";")
        name = name.strip().lower()
        if not name:
            continue
        quality = 1.0
        for parameter in parameters:
            found = _Q_VALUE.match(parameter)
            if found:
                try:
                    quality = float(found.group(1))
                except ValueError:
                    quality = 0.0
        ratings[name] = quality
    wildcard = ratings.get("*", 0.0)
    best = None
    for coding in ("br", "gzip"):
        quality = ratings.get(coding, wildcard)
        if quality > 0 and (best is None or quality > best[1]):
            best = (coding, quality)
    return best[0] if best else None


def _may_compress(request: HttpRequest, response: HttpResponse) -> bool:
    if response.streaming or response.has_header("Content-Encoding") or response.cookies:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or _private(response):
        return False
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in COMPRESSIBLE_TYPES:
        return False
    # A response that carries a secret next to text a visitor chose can leak it (BREACH).
    return _CSRF_FIELD not in response.content and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def compress(request: HttpRequest, response: HttpResponse) -> None:
    """Compress ``response`` in place if the request accepts br or gzip and it saves bytes."""
    # Another client may be sent the same address compressed otherwise.
    patch_vary_headers(response, ["Accept-Encoding"])
    coding = accepted_encoding(request.headers.get("Accept-Encoding", ""))
    if coding is None or len(response.content) < MIN_COMPRESS_BYTES:
        return
    if coding == "br":
        body = brotli.compress(response.content, quality=BROTLI_QUALITY)
    else:
        # mtime=0: the same page compresses to the same bytes every time.
        body = gzip.compress(response.content, compresslevel=GZIP_LEVEL, mtime=0)
    if len(body) >= len(response.content):
        return
    response.content = body
    response["Content-Length"] = str(len(body))
    response["Content-Encoding"] = coding
    _weaken_etag(response)


def _weaken_etag(response: HttpResponse) -> None:
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response["ETag"] = f"W/{etag}"
