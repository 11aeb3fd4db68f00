"""The client's address for login throttling (django-axes' ``AXES_CLIENT_IP_CALLABLE``)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as the outermost of our own proxies saw it.

    Each of the ``MEDSITE_PROXY_COUNT`` proxies in front of the site appends the address it was
    reached from to X-Forwarded-For, so the client is that many entries from the right; anything
    further left was written by the client and may be forged. With no proxy (the default) the
    header is ignored altogether. (django-ipware counts proxies differently, and answers None
    when the header is shorter than it expects, which would put every client in one bucket.)
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.MEDSITE_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        # Not through the proxies at all (a request to the app server itself).
        return remote
    # Fewer entries than proxies: the request entered the chain part-way, and the left-most entry
    # is still written by a proxy of ours.
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Not an address a proxy of ours writes; never store it (PostgreSQL's inet would refuse it).
        return remote
