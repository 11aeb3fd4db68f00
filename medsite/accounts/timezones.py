"""Each person's time zone: read from their preferences when they sign in, kept in their session,
and made Django's current zone for each of their requests, so every time the admin shows, and
every time typed into it (a go-live time), is in their zone.

Kept in the session so that a request reads no more than it did before: the preferences are read
once, at sign-in (and again when the person saves them). A change an administrator makes to
somebody else's zone reaches them at their next sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from medsite.accounts.models import Preferences

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The zone's name, or "" for the site's default (TIME_ZONE).
SESSION_KEY = "medsite_time_zone"


def zone_named(name: str) -> tzinfo | None:
    """The zone of that name; None for "" or a name this system does not know (any more)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def chosen_zone_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """The zone ``user`` chose in their preferences; "" if they have none (the site's default)."""
    if user is None or user.pk is None:
        return ""
    return Preferences.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first() or ""


def zone_of(user: AbstractBaseUser | AnonymousUser | None) -> tzinfo:
    """The zone to show ``user`` times in: theirs, or else the site's."""
    return zone_named(chosen_zone_name(user)) or timezone.get_default_timezone()


def remember(request: HttpRequest, name: str) -> None:
    """Show this session's requests in the zone ``name`` from now on ("" for the site's)."""
    request.session[SESSION_KEY] = name


def remember_time_zone(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
) -> None:
    """On sign-in (Django's ``user_logged_in``): keep the person's zone in their new session."""
    if request is not None and hasattr(request, "session"):
        remember(request, chosen_zone_name(user) if getattr(user, "is_staff", False) else "")


class TimeZoneMiddleware:
    """Activate the signed-in staff member's zone for the request (after the session and
    authentication middleware).

    Requests without a session cookie (anonymous readers) are not looked at: reading the session
    would mark their pages as varying by cookie, and the public page cache would not keep them.
    Fails soft: a person without preferences, or with a zone this system no longer knows, reads
    the site's zone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = self._zone(request)
        if zone is None:
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)

    def _zone(self, request: HttpRequest) -> tzinfo | None:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
            return None
        name = request.session.get(SESSION_KEY)
        if name is None:
            # A session that began before zones were kept in it: read the preferences once.
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return None
            name = chosen_zone_name(user) if user.is_staff else ""
            remember(request, name)
        return zone_named(name)
