"""The edit page's heartbeat endpoint: who may report, what it answers, what it costs."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission, User
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conditions import presence, workflow
from conditions.models import EditingSession
from tests.factories import make_condition

pytestmark = pytest.mark.django_db


def _url(condition) -> str:
    return reverse("editor-editing-session", args=[condition.pk])


def _beat(client, condition, lock_version=0, **data):
    return client.post(_url(condition), {"lock_version": lock_version, **data})


@pytest.fixture
def page(editor):
    return make_condition(editor, "Gout")


def test_editors_see_each_other_by_display_name(client, page, editor, reviewer):
    client.force_login(editor)
    first = _beat(client, page)
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    assert first.json()["others"] == [] and first.json()["newer"] is None
    client.force_login(reviewer)
    second = _beat(client, page).json()
    assert [other["name"] for other in second["others"]] == ["Edna Editor"]
    assert second["others"][0]["text"].startswith("Edna Editor, since ")
    assert second["heartbeat"] == presence.HEARTBEAT.total_seconds()
    client.force_login(editor)
    assert [other["name"] for other in _beat(client, page).json()["others"]] == ["Rita Reviewer, MD"]


def test_a_newer_save_is_reported_to_the_one_still_on_the_old_version(client, page, editor, editor2):
    client.force_login(editor2)
    assert _beat(client, page, lock_version=0).json()["newer"] is None
    workflow.save_draft(page, by=editor, lock_version=0)
    newer = _beat(client, page, lock_version=0).json()["newer"]
    assert newer["saved_by"] == "Edna Editor"
    assert newer["text"].startswith("Edna Editor saved a newer version on ")
    assert _beat(client, page, lock_version=1).json()["newer"] is None


def test_leaving_ends_the_session(client, page, editor, editor2):
    client.force_login(editor)
    _beat(client, page)
    assert client.post(_url(page), {"state": "leave"}).json() == {"others": [], "newer": None}
    later = timezone.now() + presence.LEAVING_GRACE + timedelta(seconds=1)
    assert presence.others(page, editor2, now=later) == []


def test_a_session_not_heard_from_is_not_shown(client, page, editor, editor2):
    EditingSession.objects.create(
        condition=page,
        user=editor,
        started_at=timezone.now() - timedelta(minutes=10),
        last_seen_at=timezone.now() - presence.EXPIRY - timedelta(seconds=1),
    )
    client.force_login(editor2)
    assert _beat(client, page).json()["others"] == []


@pytest.mark.parametrize("who", ["anonymous", "stranger", "staff without the editor role"])
def test_only_people_who_may_edit_pages_may_report(client, page, who, stranger, db):
    if who == "stranger":
        client.force_login(stranger)
    elif who != "anonymous":
        client.force_login(User.objects.create_user("stan", is_staff=True))
    response = _beat(client, page)
    assert response.status_code == 403
    assert response.json()["error"] == "You do not have permission to edit condition pages."
    assert not EditingSession.objects.exists()


def test_staff_given_the_change_permission_alone_may_report(client, page):
    staff = User.objects.create_user("stan", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_condition"))
    client.force_login(staff)
    assert _beat(client, page).status_code == 200


def test_get_is_refused_as_json(client, page, editor):
    client.force_login(editor)
    response = client.get(_url(page))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "error" in response.json()


def test_a_post_without_the_csrf_token_is_refused(page, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert _beat(client, page).status_code == 403
    assert not EditingSession.objects.exists()


def test_an_unknown_page_is_answered_404(client, editor):
    client.force_login(editor)
    response = client.post(reverse("editor-editing-session", args=[10**12]), {"lock_version": 0})
    assert response.status_code == 404 and response.json()["others"] == []


def test_a_database_error_answers_503_and_the_edit_page_still_opens(client, page, editor):
    client.force_login(editor)
    with mock.patch.object(presence, "others", side_effect=OperationalError("database is locked")):
        response = _beat(client, page)
    assert response.status_code == 503
    assert response.json() == {
        "error": "Who else is editing cannot be shown just now.",
        "others": [],
        "newer": None,
    }
    # The edit page never waits on the sessions: it opens whatever their table does.
    with mock.patch.object(EditingSession.objects, "filter", side_effect=OperationalError("gone")):
        edit_page = client.get(reverse("admin:conditions_condition_change", args=[page.pk]))
    assert edit_page.status_code == 200
    assert 'id="medsite-editing-session"' in edit_page.content.decode()


def _heartbeat_queries(client, page) -> tuple[list[str], dict]:
    with CaptureQueriesContext(connection) as queries:
        response = _beat(client, page)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries], response.json()


def test_a_heartbeat_costs_the_same_however_many_are_on_the_page(client, page, editor):
    client.force_login(editor)
    _beat(client, page)  # the session exists: from now on each beat keeps it
    alone, _ = _heartbeat_queries(client, page)
    for n in range(5):
        EditingSession.objects.create(
            condition=page,
            user=User.objects.create_user(f"other{n}", first_name=f"Other {n}"),
            started_at=timezone.now(),
            last_seen_at=timezone.now(),
        )
    crowded, answer = _heartbeat_queries(client, page)
    assert len(answer["others"]) == 5
    # Session, user, SAVEPOINT, the page with its last editor, permissions and group permissions,
    # the update of the editor's session, the others with their names and credentials, RELEASE.
    assert len(alone) == len(crowded) == 9, "\n".join(crowded)
