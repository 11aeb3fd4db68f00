from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from medsite.accounts.models import Preferences, zone_choices


def test_the_zones_offered_are_places_sorted_by_name(settings):
    names = [name for name, _ in zone_choices()]
    assert names == sorted(names)
    assert {"Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC", settings.TIME_ZONE} <= set(names)
    assert "Factory" not in names and "localtime" not in names
    assert dict(zone_choices())["America/Los_Angeles"] == "America/Los Angeles"


@pytest.mark.django_db
def test_preferences_start_with_the_site_zone_and_refuse_an_unknown_one(editor, settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    preferences = Preferences(user=editor)
    assert preferences.time_zone == "Europe/Lisbon"
    preferences.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError, match="not a valid choice"):
        preferences.full_clean()
