"""Checking that the web addresses of references still answer.

Standard library only (urllib + a thread pool): a link check needs a handful of requests with a
timeout each, which does not justify an HTTP client dependency. Each link is asked with HEAD
first (cheap: no body), then with GET when the server refuses HEAD.
"""

from __future__ import annotations

import http.client
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

DEFAULT_TIMEOUT = 10.0
DEFAULT_CONCURRENCY = 8
USER_AGENT = "MedSite-linkcheck/1.0 (reference link checker of the MedSite CMS)"
WEB_SCHEMES = ("http", "https")
# Status codes by which a server says "no HEAD here" rather than "no such page".
HEAD_REFUSED = (405, 501)
PERMANENT_REDIRECTS = (301, 308)


@dataclass(frozen=True)
class LinkResult:
    key: str
    url: str
    status: int | None = None  # the final HTTP status, when a server answered
    error: str = ""  # why the link is broken; empty when it works
    moved_to: str = ""  # the final address, when every redirect on the way was permanent

    @property
    def broken(self) -> bool:
        return bool(self.error)


def _hops(request: urllib.request.Request) -> list[int]:
    """The statuses of the redirects that led to ``request``: one list along the chain, kept on
    the requests themselves, as urllib keeps its own ``redirect_dict``."""
    return request.__dict__.setdefault("hops", [])


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects like urllib does, but keeps HEAD a HEAD and records each hop's status."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in WEB_SCHEMES:
            # urllib would follow a redirect to ftp://; a reader's browser would not.
            raise HTTPError(req.full_url, code, f"redirects to a non-web address {newurl}", headers, fp)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            # Python 3.11 re-asks every redirect with GET, which would download the body.
            new.method = req.get_method()
            new.__dict__["hops"] = hops = _hops(req)
            hops.append(code)
        return new


def check_links(
    links: Iterable[tuple[str, str]],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[LinkResult]:
    """Check each ``(key, url)``; results in the same order.

    At most ``concurrency`` requests are in flight at once (kind to the sites we link to), and
    each waits at most ``timeout`` seconds for the connection and for each read.
    """
    # Built per call so proxy settings are read from the environment as it is now.
    opener = urllib.request.build_opener(_RedirectHandler)
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="linkcheck") as pool:
        return list(pool.map(lambda link: check_link(*link, timeout=timeout, opener=opener), links))


def check_link(
    key: str,
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    opener: urllib.request.OpenerDirector | None = None,
) -> LinkResult:
    """Whether one reference's URL answers, and where it ends up."""
    if not _is_web_address(url):
        return LinkResult(key, url, error="invalid URL: only http and https addresses are checked")
    opener = opener or urllib.request.build_opener(_RedirectHandler)
    try:
        try:
            return _fetch(key, url, "HEAD", timeout, opener)
        except HTTPError as exc:
            exc.close()
            if exc.code not in HEAD_REFUSED:
                raise
        return _fetch(key, url, "GET", timeout, opener)
    except HTTPError as exc:
        exc.close()
        return LinkResult(key, url, status=exc.code, error=f"HTTP {exc.code} {exc.reason}".strip())
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return LinkResult(key, url, error=_describe(exc, timeout))


def _is_web_address(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed "[" in the host
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


def _fetch(
    key: str, url: str, method: str, timeout: float, opener: urllib.request.OpenerDirector
) -> LinkResult:
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 - scheme checked
    # The body is never read: the status line and headers answer the question.
    with opener.open(request, timeout=timeout) as response:
        final_url = response.geturl()
        status = response.status
    hops = _hops(request)
    moved = bool(hops) and all(code in PERMANENT_REDIRECTS for code in hops)
    return LinkResult(key, url, status=status, moved_to=final_url if moved else "")


def _describe(exc: BaseException, timeout: float) -> str:
    """A short reason a person can read, for a failure below HTTP (no status to show)."""
    reason = exc.reason if isinstance(exc, URLError) else exc
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return f"connection error: {reason.strerror}"
    if isinstance(reason, ValueError):
        return f"invalid URL: {reason}"
    return f"connection error: {reason or type(reason).__name__}"
