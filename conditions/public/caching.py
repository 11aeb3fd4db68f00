"""Whole rendered public pages, kept in the shared cache for anonymous readers.

Public pages change only through the workflow: a version goes live, a page is taken offline or
renamed. Each cached response is tagged with the keys it depends on (:func:`surrogate_keys`): a
page's own addresses (the page, its questions, its history, its API entry) with ``page:<id>``,
each listing (home, A–Z, feed, sitemap, search, the API's lists, the Infobutton) with its name.
A change retires exactly its page's key and the listings' (:func:`page_changed`), in its own
transaction, in the database (medsite/frontcache/retirement.py): every server asks there, with
one indexed query, before it answers from its cache, so a cache write that failed, or a Redis
restarted from old data, cannot bring a retired page back. Other pages stay cached. The same
keys go out as ``Surrogate-Key`` and ``Cache-Tag`` for a cache in front, and the change queues
a purge of them for it (medsite/frontcache/queue.py).

Views opt in with :func:`cached_page`; :class:`PublicPageCacheMiddleware` does the caching.

A request carrying a session cookie may be an editor's: it is never answered from the cache nor
stored, and its response is marked ``private, no-store``. Whether the session is logged in is not
asked, since that would cost a query on every page. Nor is a request with a query string cached:
the API list and the sitemap page by theirs, and ``?utm_…`` tails would fill the cache with copies.

Cached or not, an anonymous page says ``Cache-Control: public, no-cache`` with an ETag: browsers
and proxies keep a copy but ask before each use, and ConditionalGetMiddleware answers with 304
(from this cache, without rendering). A freshness lifetime, even a minute, would let a reader
who saw a page just before it was taken offline keep seeing it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db import DatabaseError, InterfaceError
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, has_vary_header, patch_cache_control, set_response_etag
from django.utils.http import http_date

from conditions.models import Condition, SlugHistory
from medsite.frontcache import queue as purges
from medsite.frontcache import retirement
from medsite.siteurl import absolute

logger = logging.getLogger(__name__)

# What browsers and proxies are told about anonymous pages (see the module doc).
BROWSER_CACHE_CONTROL = {"public": True, "no_cache": True}
# The attribute cached_page sets on the responses the middleware may keep.
_PUBLIC_PAGE = "is_public_page"

SURROGATE_KEY_HEADER = "Surrogate-Key"  # Varnish (deploy/varnish.vcl), Fastly
CACHE_TAG_HEADER = "Cache-Tag"  # Cloudflare
# Every cached response carries SITE_KEY: a restore retires them all.
SITE_KEY = "site"
# The listings: every public change retires them all.
LISTING_KEYS = ("home", "az", "feed", "sitemap", "search", "api-list", "api-changes", "infobutton")
# Any other cached answer, and an address no page has (yet): retired by every change too.
OTHER_KEY = "other"
_LISTING_VIEWS = {
    "home": "home",
    "conditions:index": "az",
    "feed-updates": "feed",
    "sitemap": "sitemap",
    "conditions:search": "search",
    "conditions:api-list": "api-list",
    "conditions:api-changes": "api-changes",
    "infobutton-service": "infobutton",
    "infobutton-application": "infobutton",
}
# The views of one page's addresses, each with a ``slug``.
_PAGE_VIEWS = {
    "conditions:detail",
    "conditions:question",
    "conditions:history",
    "conditions:publication",
    "conditions:api-detail",
}
# The addresses of a page that a cache in front keeps by address (besides its keys).
_PAGE_PATHS = ("/conditions/{slug}/", "/conditions/{slug}/history/", "/api/conditions/{slug}/")
_LISTING_PATHS = ("/", "/conditions/", "/feeds/updates/", "/sitemap.xml", "/api/conditions/", "/api/changes/")


def page_changed(condition: Condition) -> None:
    """Retire what a public change to ``condition`` affects; call inside the change's transaction.

    The retirement commits or rolls back with the change. A purge of the same keys, and of the
    page's addresses old and new, is queued for the cache in front and sent once it commits.
    """
    keys = [f"page:{condition.pk}", *LISTING_KEYS, OTHER_KEY]
    retirement.retire(keys)
    slugs = [condition.slug, *SlugHistory.objects.filter(condition=condition).values_list("slug", flat=True)]
    paths = [path.format(slug=slug) for slug in slugs for path in _PAGE_PATHS]
    purges.enqueue(keys, [absolute(path) for path in [*paths, *_LISTING_PATHS]])


def site_changed() -> None:
    """Retire every cached public page (a restore); call inside the change's transaction."""
    retirement.retire([SITE_KEY])
    purges.enqueue([SITE_KEY], [])


_PAGE_ID = "_medsite_page_id"


def page_response(response: HttpResponse, condition_id: int) -> HttpResponse:
    """Note on one page's response which page it shows, so its keys cost no second look-up."""
    setattr(response, _PAGE_ID, condition_id)
    return response


def surrogate_keys(request: HttpRequest, response: HttpResponse | None = None) -> list[str]:
    """The keys of what the response to ``request`` depends on (``Surrogate-Key``, ``Cache-Tag``)."""
    match = request.resolver_match
    name = match.view_name if match is not None else ""
    if name in _LISTING_VIEWS:
        return [SITE_KEY, _LISTING_VIEWS[name]]
    if match is not None and name in _PAGE_VIEWS and "slug" in match.kwargs:
        page = getattr(response, _PAGE_ID, None) or _page_id(match.kwargs["slug"])
        if page is not None:
            return [SITE_KEY, f"page:{page}"]
    return [SITE_KEY, OTHER_KEY]


def _page_id(slug: str) -> int | None:
    found = Condition.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if found is None:  # an old address, which redirects to the page's current one
        found = SlugHistory.objects.filter(slug=slug).values_list("condition_id", flat=True).first()
    return found


class PublicPageCacheMiddleware:
    """Answer anonymous GET/HEAD requests from the cache, and keep the pages of views marked with
    :func:`cached_page`.

    It sits before the session, CSRF, authentication and messages middleware: a cached page needs
    none of them, and what they add to a response (or would: a cookie, ``Vary: Cookie``) is in
    the final response this stores.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = _key(request) if _cacheable(request) else None
        generation = None
        if key is not None:
            cached = _read(key)
            if cached is not None:
                return cached
            # Read before rendering: a change committed meanwhile retires what is stored under it.
            generation = _current_generation()
        response = self.get_response(request)
        if (
            key is not None
            and generation is not None
            and getattr(response, _PUBLIC_PAGE, False)
            and _storable(response)
            and not _used_csp_nonce(request)
        ):
            _store(key, response, generation)
        return response


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark ``view``'s 200 responses as the same for every anonymous reader (see the module doc)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            # Perhaps an editor, who may one day see what readers do not: nobody keeps a copy.
            response["Cache-Control"] = "private, no-store"
        elif response.status_code == 200:
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, **BROWSER_CACHE_CONTROL)
            keys = surrogate_keys(request, response)
            response[SURROGATE_KEY_HEADER] = " ".join(keys)
            response[CACHE_TAG_HEADER] = ",".join(keys)
            setattr(response, _PUBLIC_PAGE, True)
        return response

    return wrapper


def set_last_modified(response: HttpResponse, *moments: datetime | None) -> HttpResponse:
    """Date ``response`` by the latest of ``moments`` (for If-Modified-Since)."""
    known = [moment for moment in moments if moment is not None]
    if known:
        response.headers["Last-Modified"] = http_date(max(known).timestamp())
    return response


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.MEDSITE_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _key(request: HttpRequest) -> str:
    # Host and scheme are part of the page (canonical link, JSON-LD, "Cite this page").
    address = hashlib.sha256(f"{request.scheme}://{request.get_host()}{request.path}".encode()).hexdigest()
    return f"medsite:page:{address}"


def _read(key: str) -> HttpResponse | None:
    try:
        stored = _cache().get(key)
    except Exception:
        logger.exception("The page cache is unavailable; serving the page without it.")
        return None
    if not (isinstance(stored, tuple) and len(stored) == 5):
        return None
    generation, keys, status, headers, content = stored
    try:
        if retirement.retired_since(keys, generation):
            return None
    except (DatabaseError, InterfaceError) as exc:  # refused, or a connection already closed
        # Nothing can be published while the database is down: what is cached is what was live.
        logger.warning("Serving a cached page unchecked, the database is unavailable: %s", exc)
    return HttpResponse(content, status=status, headers=headers)


def _current_generation() -> int | None:
    try:
        return retirement.current_generation()
    except (DatabaseError, InterfaceError):
        return None  # the page is not stored; rendering it will say what is wrong


def _store(key: str, response: HttpResponse, generation: int) -> None:
    # Hashed once here rather than by ConditionalGetMiddleware on every hit.
    set_response_etag(response)
    keys = response.get(SURROGATE_KEY_HEADER, "").split() or [SITE_KEY, OTHER_KEY]
    stored = (generation, keys, response.status_code, dict(response.headers.items()), response.content)
    try:
        _cache().set(key, stored, timeout=settings.MEDSITE_PAGE_CACHE_SECONDS)
    except Exception:
        logger.exception("The page cache is unavailable; the page was not stored.")


def _used_csp_nonce(request: HttpRequest) -> bool:
    """Whether the page has an inline script allowed by this response's CSP nonce (django-csp makes
    one only when a template asks): another reader's response would carry a different one."""
    return bool(getattr(request, "csp_nonce", None))


def _storable(response: HttpResponse) -> bool:
    """Only a plain 200 that is the same for every anonymous reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # The page read the session (SessionMiddleware then says so) or issued a CSRF token.
    if has_vary_header(response, "Cookie"):
        return False
    directives = {
        d.split("=")[0].strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    # (no-cache only asks other caches to check with the server; this cache is the server's own.)
    return not directives & {"private", "no-store"}


def _cache() -> BaseCache:
    return caches["default"]
