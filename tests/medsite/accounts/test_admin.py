"""Preferences in the admin: everyone their own, from the user tools; superusers anyone's, on the
user admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medsite.accounts.models import Preferences
from medsite.accounts.timezones import SESSION_KEY

pytestmark = pytest.mark.django_db

URL = reverse("preferences")


def test_every_admin_screen_links_to_your_preferences(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert f'<a href="{URL}">Your preferences</a>' in page


def test_a_staff_member_sets_their_own_zone_and_reads_in_it_at_once(client, editor, settings):
    settings.TIME_ZONE = "UTC"
    client.force_login(editor)
    page = client.get(URL)
    assert page.status_code == 200
    assert '<option value="UTC" selected>UTC</option>' in page.content.decode()

    response = client.post(URL, {"time_zone": "America/Sao_Paulo"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert Preferences.objects.get(user=editor).time_zone == "America/Sao_Paulo"
    assert client.session[SESSION_KEY] == "America/Sao_Paulo"
    text = response.content.decode()
    assert "Times are shown in America/Sao_Paulo" in text
    assert '<option value="America/Sao_Paulo" selected>' in text


def test_a_zone_that_is_not_one_is_refused_and_nothing_saved(client, editor):
    client.force_login(editor)
    response = client.post(URL, {"time_zone": "Europe/Nowhere"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Preferences.objects.exists()


def test_nobody_can_change_another_person_s_preferences_from_their_own_page(client, editor, editor2):
    theirs = Preferences.objects.create(user=editor2, time_zone="Asia/Tokyo")
    client.force_login(editor)
    client.post(URL, {"time_zone": "Europe/Oslo", "user": editor2.pk, "id": theirs.pk, "pk": theirs.pk})
    assert Preferences.objects.get(user=editor2).time_zone == "Asia/Tokyo"
    assert Preferences.objects.get(user=editor).time_zone == "Europe/Oslo"
    # Another person's preferences are on their user page, which only superusers may open.
    user_page = reverse("admin:auth_user_change", args=[editor2.pk])
    assert client.get(user_page).status_code == 403


def test_people_who_are_not_staff_are_sent_to_log_in(client, stranger):
    client.force_login(stranger)
    response = client.post(URL, {"time_zone": "Asia/Tokyo"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert not Preferences.objects.exists()


def test_a_superuser_sets_someone_s_zone_on_their_user_page(client, superuser, editor):
    client.force_login(superuser)
    url = reverse("admin:auth_user_change", args=[editor.pk])
    page = client.get(url).content.decode()
    assert 'name="preferences-0-time_zone"' in page
    data = {
        "username": editor.username,
        "first_name": editor.first_name,
        "last_name": editor.last_name,
        "email": editor.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [group.pk for group in editor.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "preferences-TOTAL_FORMS": "1",
        "preferences-INITIAL_FORMS": "0",
        "preferences-0-time_zone": "Africa/Nairobi",
        "preferences-0-user": editor.pk,
    }
    assert client.post(url, data).status_code == 302
    assert Preferences.objects.get(user=editor).time_zone == "Africa/Nairobi"
    # The add form stays Django's: a username and a password.
    assert "preferences-TOTAL_FORMS" not in client.get(reverse("admin:auth_user_add")).content.decode()
