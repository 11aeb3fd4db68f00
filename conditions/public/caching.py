"""Whole rendered public pages, kept in the shared cache for anonymous readers.

Public pages change only through the workflow: a version goes live, a page is taken
offline, a working copy is saved (its name and address show on the public pages). Rather than
track which cached pages a change touches (home, the A–Z, the sitemap and the feed list every
page), every cache key carries a *site version*, and :func:`site_changed` (registered with
``transaction.on_commit`` by each of those transitions in ``conditions.workflow``) replaces it: every
page is rebuilt on its next request, and the entries under the old version simply expire.

Views opt in with :func:`cached_page`; :class:`PublicPageCacheMiddleware` does the caching.

A request carrying a session cookie may be an editor's: it is never answered from the cache nor
stored, and its response is marked ``private, no-store``. Whether the session is logged in is not
asked, since that would cost a query on every page. Nor is a request with a query string cached:
the API list and the sitemap page by theirs, and ``?utm_…`` tails would fill the cache with copies.

Cached or not, an anonymous page says ``Cache-Control: public, no-cache`` with an ETag: browsers
and proxies keep a copy but ask before each use, and ConditionalGetMiddleware answers with 304
(from this cache, without the database). A freshness lifetime, even a minute, would let a reader
who saw a page just before it was taken offline keep seeing it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re, has_vary_header, patch_cache_control, set_response_etag
from django.utils.http import http_date

logger = logging.getLogger(__name__)

VERSION_KEY = "medsite:site-version"
# What browsers and proxies are told about anonymous pages (see the module doc).
BROWSER_CACHE_CONTROL = {"public": True, "no_cache": True}
# The attribute cached_page sets on the responses the middleware may keep.
_PUBLIC_PAGE = "is_public_page"


def site_changed() -> None:
    """Retire every cached public page; call once a change the public can see is committed."""
    try:
        if _cache_is_shared():
            _cache().set(VERSION_KEY, _new_version(), timeout=None)
        else:
            _write_version_file()
    except Exception:
        # The change itself is committed; failing the editor's request would not undo it.
        logger.exception(
            "Could not retire the cached public pages: they may be out of date for up to %s seconds.",
            settings.MEDSITE_PAGE_CACHE_SECONDS,
        )


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
        if key is not None:
            cached = _read(key)
            if cached is not None:
                return cached
        response = self.get_response(request)
        if (
            key is not None
            and getattr(response, _PUBLIC_PAGE, False)
            and _storable(response)
            and not _used_csp_nonce(request)
        ):
            _store(key, response)
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


def _key(request: HttpRequest) -> str | None:
    # Host and scheme are part of the page (canonical link, JSON-LD, "Cite this page").
    address = hashlib.sha256(f"{request.scheme}://{request.get_host()}{request.path}".encode()).hexdigest()
    try:
        return f"medsite:page:{_site_version()}:{address}"
    except Exception:
        logger.exception("The page cache is unavailable; serving the page without it.")
        return None


def _read(key: str) -> HttpResponse | None:
    try:
        stored = _cache().get(key)
    except Exception:
        logger.exception("The page cache is unavailable; serving the page without it.")
        return None
    if stored is None:
        return None
    status, headers, content = stored
    return HttpResponse(content, status=status, headers=headers)


def _store(key: str, response: HttpResponse) -> None:
    # Hashed once here rather than by ConditionalGetMiddleware on every hit.
    set_response_etag(response)
    stored = (response.status_code, dict(response.headers.items()), response.content)
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


# --- the site version ---------------------------------------------------------------------------


def _cache() -> BaseCache:
    return caches["default"]


def _cache_is_shared() -> bool:
    # Local memory is this process's alone: the version must then live where other workers and
    # cron commands on the machine can change it, a file.
    return not isinstance(_cache(), LocMemCache)


def _new_version() -> str:
    # Random, not a counter: a version lost from the cache (evicted, or Redis restarted) is
    # replaced by one no earlier page was stored under, so no stale page can come back.
    return uuid.uuid4().hex


def _site_version() -> str:
    if not _cache_is_shared():
        return _read_version_file()
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(VERSION_KEY) or _new_version()
    return version


# The version file as this process last read it: (path, inode, mtime, size) and its content.
_last_read: tuple[tuple, str] | None = None


def _read_version_file() -> str:
    """The version in the file; a stat() tells whether it changed since this process last read it.

    Every write replaces the file (a new inode, a new mtime). Two writes within one tick of the
    file system's clock could still look alike, so only a file over a second old is trusted by
    its stat alone: any later write then carries a later mtime.
    """
    global _last_read
    path = Path(settings.MEDSITE_PAGE_CACHE_VERSION_FILE)
    try:
        found = path.stat()
    except FileNotFoundError:
        return _write_version_file()
    identity = (str(path), found.st_ino, found.st_mtime_ns, found.st_size)
    remembered = _last_read
    if remembered is not None and remembered[0] == identity:
        return remembered[1]
    version = path.read_text().strip() or _write_version_file()
    if time.time_ns() - found.st_mtime_ns > 1_000_000_000:
        _last_read = (identity, version)
    return version


def _write_version_file() -> str:
    """Replace the version file atomically: a reader sees the old version or the new, never half."""
    path = Path(settings.MEDSITE_PAGE_CACHE_VERSION_FILE)
    version = _new_version()
    temporary = path.with_name(f"{path.name}.{version}.tmp")
    temporary.write_text(version)
    os.replace(temporary, path)
    return version
