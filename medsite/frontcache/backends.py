"""Purging the caches in front of the app servers: Varnish or nginx (HTTP BAN/PURGE), Cloudflare.

Chosen by ``MEDSITE_PURGE_BACKEND``. Each backend's :meth:`purge` raises :class:`PurgeFailed`
when the cache did not confirm; the queue (medsite/frontcache/queue.py) then tries again later.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TIMEOUT_SECONDS = 5
# What a surrogate key may hold (conditions/public/caching.py makes them): ``page:12``, ``api-list``.
KEY_RE = re.compile(r"[a-z0-9:-]+")


class PurgeFailed(Exception):
    """The cache in front did not confirm a purge."""


class Backend:
    def purge(self, keys: Sequence[str], urls: Sequence[str]) -> None:
        raise NotImplementedError


class NoBackend(Backend):
    """No cache in front: nothing to purge."""

    def purge(self, keys: Sequence[str], urls: Sequence[str]) -> None:
        return None


class VarnishBackend(Backend):
    """A BAN of every object whose ``Surrogate-Key`` holds one of the keys, then a PURGE of each
    address, sent to each Varnish (deploy/varnish.vcl accepts both from its own machine only)."""

    def __init__(self, servers: Sequence[str]) -> None:
        if not servers:
            raise ImproperlyConfigured("PURGE_VARNISH_URLS must name at least one Varnish address.")
        self.servers = list(servers)

    def purge(self, keys: Sequence[str], urls: Sequence[str]) -> None:
        for server in self.servers:
            if keys:
                _send(server, "BAN", {"X-Ban-Keys": ban_pattern(keys)})
            for url in urls:
                parts = urlsplit(url)
                target = server.rstrip("/") + parts.path
                _send(target, "PURGE", {"Host": parts.netloc})


def ban_pattern(keys: Sequence[str]) -> str:
    """A regular expression matching a Surrogate-Key header (keys separated by spaces) holding one
    of ``keys``; written without spaces or backslashes, which Varnish's ban syntax would split."""
    for key in keys:
        if not KEY_RE.fullmatch(key):
            raise ValueError(f"Not a surrogate key: {key!r}")
    return "(^|[[:space:]])(" + "|".join(keys) + ")([[:space:]]|$)"


class CloudflareBackend(Backend):
    """Cloudflare's purge_cache API: by Cache-Tag, and by address."""

    def __init__(self, api: str, zone: str, token: str) -> None:
        if not (zone and token):
            raise ImproperlyConfigured("PURGE_CLOUDFLARE_ZONE and PURGE_CLOUDFLARE_TOKEN must be set.")
        self.endpoint = f"{api.rstrip('/')}/zones/{zone}/purge_cache"
        self.token = token

    def purge(self, keys: Sequence[str], urls: Sequence[str]) -> None:
        for body in ({"tags": list(keys)}, {"files": list(urls)}):
            if not next(iter(body.values())):
                continue
            answer = _send(
                self.endpoint,
                "POST",
                {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
                data=json.dumps(body).encode(),
            )
            try:
                success = json.loads(answer).get("success") is True
            except (ValueError, AttributeError):
                success = False
            if not success:
                raise PurgeFailed(f"Cloudflare did not confirm the purge: {answer[:200]!r}")


def _send(url: str, method: str, headers: dict[str, str], *, data: bytes | None = None) -> bytes:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"A purge address must be http or https (got {url!r}).")
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise PurgeFailed(f"{method} {url}: {exc}") from exc


def configured() -> Backend:
    name = settings.MEDSITE_PURGE_BACKEND
    if name == "none":
        return NoBackend()
    if name == "varnish":
        return VarnishBackend(settings.MEDSITE_PURGE_VARNISH_URLS)
    if name == "cloudflare":
        return CloudflareBackend(
            settings.MEDSITE_PURGE_CLOUDFLARE_API,
            settings.MEDSITE_PURGE_CLOUDFLARE_ZONE,
            settings.MEDSITE_PURGE_CLOUDFLARE_TOKEN,
        )
    raise ImproperlyConfigured(f"PURGE_BACKEND must be none, varnish or cloudflare (got {name!r}).")
