"""Absolute addresses of the site's pages, from the configured site address
(``MEDSITE_BASE_URL``), never from the request: a request's Host header is the client's to
choose, and a canonical link, structured data, a feed id or an API link must name the one site."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def absolute(path: str) -> str:
    """``/conditions/gout/`` -> ``https://health.example.org/conditions/gout/``; an address that
    is already absolute is returned as it is."""
    if urlsplit(path).scheme:
        return path
    return settings.MEDSITE_BASE_URL + ("" if path.startswith("/") else "/") + path


def site_domain() -> str:
    """The site's host (and port, if any), for what needs a domain rather than an address."""
    return urlsplit(settings.MEDSITE_BASE_URL).netloc


def site_scheme() -> str:
    return urlsplit(settings.MEDSITE_BASE_URL).scheme or "https"
