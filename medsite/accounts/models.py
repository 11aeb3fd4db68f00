"""Preferences: what one person chose for how the admin shows things to them."""

from __future__ import annotations

from zoneinfo import available_timezones

from django.conf import settings
from django.db import models

# Names zoneinfo lists that are no place anybody lives in.
_NOT_PLACES = {"Factory", "localtime", "posixrules"}


def zone_choices() -> list[tuple[str, str]]:
    """Every IANA time zone the system knows, by name ("Europe/Paris"), sorted."""
    names = (available_timezones() - _NOT_PLACES) | {settings.TIME_ZONE}
    return [(name, name.replace("_", " ")) for name in sorted(names)]


def default_time_zone() -> str:
    return settings.TIME_ZONE


class Preferences(models.Model):
    """One person's preferences. A person without a row has the defaults (the site's time zone)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences"
    )
    time_zone = models.CharField(
        max_length=64,
        choices=zone_choices,
        default=default_time_zone,
        help_text="Every date and time in the admin, and in workflow email to you, is shown in this zone.",
    )

    class Meta:
        verbose_name = "preferences"
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
