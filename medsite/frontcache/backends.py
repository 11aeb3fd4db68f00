"""Purging the caches in front of the app servers: Varnish or nginx (HTTP BAN/PURGE), Cloudflare,
CloudFront.

Chosen by ``MEDSITE_PURGE_BACKEND``. Each backend's :meth:`purge` raises :class:`PurgeFailed`
when the cache did not confirm; the queue (medsite/frontcache/queue.py) then tries again later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

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


class CloudFrontBackend(Backend):
    """CloudFront's CreateInvalidation, signed with AWS Signature Version 4. CloudFront purges by
    address only: a page's address is invalidated with everything under it (its questions and
    history); a restore (key ``site``) invalidates everything."""

    API_VERSION = "2020-05-31"

    def __init__(self, endpoint: str, distribution: str, access_key: str, secret_key: str) -> None:
        if not (distribution and access_key and secret_key):
            raise ImproperlyConfigured(
                "PURGE_CLOUDFRONT_DISTRIBUTION, PURGE_CLOUDFRONT_ACCESS_KEY and "
                "PURGE_CLOUDFRONT_SECRET_KEY must be set."
            )
        self.url = f"{endpoint.rstrip('/')}/{self.API_VERSION}/distribution/{distribution}/invalidation"
        self.access_key = access_key
        self.secret_key = secret_key

    @staticmethod
    def paths(keys: Sequence[str], urls: Sequence[str]) -> list[str]:
        if "site" in keys:
            return ["/*"]
        paths = {urlsplit(url).path or "/" for url in urls}
        return sorted(path + "*" if path.endswith("/") and path != "/" else path for path in paths)

    def purge(self, keys: Sequence[str], urls: Sequence[str]) -> None:
        paths = self.paths(keys, urls)
        if not paths:
            return
        items = "".join(f"<Path>{escape(path)}</Path>" for path in paths)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<InvalidationBatch xmlns="http://cloudfront.amazonaws.com/doc/{self.API_VERSION}/">'
            f"<Paths><Quantity>{len(paths)}</Quantity><Items>{items}</Items></Paths>"
            f"<CallerReference>medsite-{uuid.uuid4().hex}</CallerReference>"
            "</InvalidationBatch>"
        ).encode()
        headers = {"Content-Type": "application/xml"}
        headers.update(
            sigv4_headers(
                "POST",
                self.url,
                headers,
                body,
                access_key=self.access_key,
                secret_key=self.secret_key,
                region="us-east-1",
                service="cloudfront",
                now=datetime.now(UTC),
            )
        )
        _send(self.url, "POST", headers, data=body)


def sigv4_headers(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    *,
    access_key: str,
    secret_key: str,
    region: str,
    service: str,
    now: datetime,
) -> dict[str, str]:
    """The X-Amz-Date and Authorization headers of AWS Signature Version 4 for this request."""
    parts = urlsplit(url)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    signed = {name.lower(): " ".join(value.split()) for name, value in headers.items()}
    signed["host"] = parts.netloc
    signed["x-amz-date"] = amz_date
    names = sorted(signed)
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    canonical = "\n".join(
        [
            method,
            quote(parts.path or "/", safe="/-_.~"),
            query,
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "X-Amz-Date": amz_date,
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, "
            f"SignedHeaders={';'.join(names)}, Signature={signature}"
        ),
    }


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
    if name == "cloudfront":
        return CloudFrontBackend(
            settings.MEDSITE_PURGE_CLOUDFRONT_API,
            settings.MEDSITE_PURGE_CLOUDFRONT_DISTRIBUTION,
            settings.MEDSITE_PURGE_CLOUDFRONT_ACCESS_KEY,
            settings.MEDSITE_PURGE_CLOUDFRONT_SECRET_KEY,
        )
    raise ImproperlyConfigured(
        f"PURGE_BACKEND must be none, varnish, cloudflare or cloudfront (got {name!r})."
    )
