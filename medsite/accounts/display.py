"""How the admin names people and shows dates and times: one name per person, and one format,
in the reader's time zone, with the zone named ("7 Dec 2026, 14:05 CET").

The formats themselves are Django's named formats (``DATE_FORMAT``, ``DATETIME_FORMAT``, set in
medsite/formats/en/formats.py), so the admin's own screens (lists, read-only fields, history)
and templates using ``|date:"DATETIME_FORMAT"`` agree with the messages built here. The zone is
Django's current one: the reader's, activated by :class:`medsite.accounts.timezones.TimeZoneMiddleware`.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from django.utils import formats, timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def display_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """A person as the site names them: a medical reviewer by the name and credentials of their
    reviewer profile ("Amara Okafor, MD"), anyone else by their full name, else their username.

    Read ``reviewer_profile`` with the user (``select_related("…__reviewer_profile")``) where a
    list names many people.
    """
    if user is None:
        return ""
    profile = getattr(user, "reviewer_profile", None)  # the conditions app's ReviewerProfile
    if profile is not None and profile.display_name:
        return profile.display_name
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or user.get_username()


def when(moment: datetime, zone: tzinfo | None = None) -> str:
    """A moment as "7 Dec 2026, 14:05 CET": in ``zone``, or else the reader's (the current zone)."""
    return formats.date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")


def day(value: date | datetime, zone: tzinfo | None = None) -> str:
    """A day as "7 Dec 2026"; a moment gives its day in ``zone``, or else the reader's."""
    if isinstance(value, datetime):
        value = timezone.localtime(value, zone).date()
    return formats.date_format(value, "DATE_FORMAT")
