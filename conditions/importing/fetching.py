"""Fetching web pages for ``import_condition --url``: a few at a time, each within a time limit
and a size limit, only HTML, and every failure one sentence naming its URL."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPException
from urllib.parse import urlsplit

from .webpages import MAX_HTML_CHARACTERS

# Seconds to connect, and to wait for each part of the answer; and for the whole page.
TIMEOUT = 10.0
DEADLINE = 30.0
MAX_BYTES = MAX_HTML_CHARACTERS
# Pages fetched at once: a back catalogue's site is one publisher's server, not to be flooded.
CONCURRENCY = 4
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 64 * 1024


@dataclass
class Fetched:
    url: str
    text: str = ""
    problem: str = ""  # why the page could not be fetched, as a sentence without the URL


def fetch_pages(urls: Sequence[str]) -> list[Fetched]:
    """Every URL fetched, at most :data:`CONCURRENCY` at a time, in the order given."""
    if not urls:
        return []
    with ThreadPoolExecutor(max_workers=min(CONCURRENCY, len(urls))) as pool:
        return list(pool.map(fetch_page, urls))


def fetch_page(url: str) -> Fetched:
    """One page: its text, or why not (not http(s), no answer in time, an error status, not
    HTML, too large). Redirects are followed (to http and https addresses only)."""
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        return Fetched(url, problem="is not an http:// or https:// address.")
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, headers={"User-Agent": "MedSite import_condition", "Accept": "text/html"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            content_type = response.headers.get_content_type()
            if content_type not in _HTML_TYPES:
                return Fetched(url, problem=f"is not an HTML page (its content type is {content_type}).")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                return Fetched(url, problem=_too_large())
            raw = _read(response)
            if raw is None:
                return Fetched(url, problem=_too_large())
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        return Fetched(url, problem=f"answered {exc.code} {exc.reason}.")
    except TimeoutError:
        return Fetched(url, problem=f"did not answer within {TIMEOUT:g} seconds.")
    except _Slow:
        return Fetched(url, problem=f"did not send the whole page within {DEADLINE:g} seconds.")
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return Fetched(url, problem=f"did not answer within {TIMEOUT:g} seconds.")
        return Fetched(url, problem=f"could not be reached ({exc.reason}).")
    except (HTTPException, OSError) as exc:
        return Fetched(url, problem=f"could not be read ({exc}).")
    try:
        return Fetched(url, text=raw.decode(charset, errors="replace"))
    except LookupError:
        return Fetched(url, problem=f"says its text is in {charset}, which is not a known encoding.")


class _Slow(Exception):
    """The page came too slowly: each part in time, the whole not."""


def _read(response) -> bytes | None:
    """The body, or None if it is larger than :data:`MAX_BYTES`; raises _Slow past the deadline."""
    started, chunks, size = time.monotonic(), [], 0
    while chunk := response.read(_CHUNK):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            return None
        if time.monotonic() - started > DEADLINE:
            raise _Slow
    return b"".join(chunks)


def _too_large() -> str:
    return f"is larger than a web page may be ({MAX_BYTES // 2**20} MB)."
