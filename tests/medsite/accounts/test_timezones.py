"""Each staff member's requests run in their own zone; everyone else's in the site's."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from medsite.accounts.display import when
from medsite.accounts.models import Preferences
from medsite.accounts.timezones import SESSION_KEY, TimeZoneMiddleware, zone_of
from tests.factories import make_condition

pytestmark = pytest.mark.django_db


def _zone_during(request) -> str:
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    TimeZoneMiddleware(view)(request)
    return seen["zone"]


def test_a_staff_member_reads_admin_times_in_their_own_zone(client, editor):
    Preferences.objects.create(user=editor, time_zone="Asia/Kolkata")
    condition = make_condition(editor)
    client.force_login(editor)
    assert client.session[SESSION_KEY] == "Asia/Kolkata"
    page = client.get(reverse("admin:conditions_condition_changelist")).content.decode()
    shown = when(condition.updated_at, ZoneInfo("Asia/Kolkata"))
    assert shown.endswith(" IST") and shown in page


def test_the_middleware_activates_the_session_zone_only_for_the_request(client, editor, settings):
    settings.TIME_ZONE = "UTC"
    Preferences.objects.create(user=editor, time_zone="America/Chicago")
    client.force_login(editor)
    request = RequestFactory().get("/admin/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = client.session.session_key
    request.session = client.session
    request.user = editor
    assert _zone_during(request) == "America/Chicago"
    assert timezone.get_current_timezone_name() == "UTC"


def test_without_preferences_or_a_session_the_site_zone_is_used(client, editor, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    client.force_login(editor)
    assert client.session[SESSION_KEY] == ""
    request = RequestFactory().get("/")  # an anonymous reader: no session cookie at all
    assert _zone_during(request) == "Europe/Berlin"
    assert zone_of(editor).key == "Europe/Berlin"


def test_an_anonymous_reader_s_session_is_not_touched(client, settings):
    """Reading it would make public pages vary by cookie, and the page cache would not keep them."""
    request = RequestFactory().get("/")

    class Untouchable:
        def get(self, key, default=None):
            raise AssertionError("the session was read")

    request.session = Untouchable()
    assert _zone_during(request) == settings.TIME_ZONE


def test_a_zone_this_system_no_longer_knows_fails_soft(client, editor, settings):
    settings.TIME_ZONE = "UTC"
    Preferences.objects.create(user=editor, time_zone="Europe/Kyiv")
    Preferences.objects.filter(user=editor).update(time_zone="Europe/Atlantis")
    client.force_login(editor)
    assert client.get(reverse("review-dashboard")).status_code == 200
    assert zone_of(editor).key == "UTC"


def test_a_session_from_before_zones_were_kept_reads_them_once(client, editor):
    Preferences.objects.create(user=editor, time_zone="Australia/Perth")
    client.force_login(editor)
    session = client.session
    del session[SESSION_KEY]
    session.save()
    client.get(reverse("review-dashboard"))
    assert client.session[SESSION_KEY] == "Australia/Perth"


def test_someone_who_is_not_staff_reads_the_site_zone(client, stranger):
    Preferences.objects.create(user=stranger, time_zone="Asia/Tokyo")
    client.force_login(stranger)
    assert client.session[SESSION_KEY] == ""
    assert User.objects.get(pk=stranger.pk).preferences.time_zone == "Asia/Tokyo"
