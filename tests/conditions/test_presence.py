"""Editing sessions: who else has a page's editor open, since when, and whether they saved since."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conditions import presence, workflow
from conditions.models import Condition, EditingSession
from tests.factories import make_condition

pytestmark = pytest.mark.django_db


def _fresh(condition: Condition) -> Condition:
    return Condition.objects.select_related("updated_by__reviewer_profile").get(pk=condition.pk)


def test_each_sees_the_other_by_display_name_and_since_when(editor, reviewer):
    page = make_condition(editor)
    opened = timezone.now()
    presence.beat(page, editor, lock_version=page.lock_version, now=opened)
    seen_by_reviewer = presence.beat(
        page, reviewer, lock_version=page.lock_version, now=opened + timedelta(seconds=5)
    )
    seen_by_editor = presence.beat(
        page, editor, lock_version=page.lock_version, now=opened + timedelta(seconds=20)
    )
    assert seen_by_reviewer.others == [presence.OtherEditor("Edna Editor", opened)]
    assert [other.name for other in seen_by_editor.others] == ["Rita Reviewer, MD"]
    assert seen_by_editor.others[0].text.startswith("Rita Reviewer, MD, since ")


def test_a_heartbeat_keeps_the_time_the_session_started(editor, editor2):
    page = make_condition(editor)
    opened = timezone.now()
    for seconds in (0, 25, 50, 75, 100):
        presence.beat(page, editor, lock_version=0, now=opened + timedelta(seconds=seconds))
    others = presence.others(page, editor2, now=opened + timedelta(seconds=110))
    assert others == [presence.OtherEditor("Edna Editor", opened)]
    assert EditingSession.objects.count() == 1


def test_a_session_not_heard_from_expires_and_starts_afresh(editor, editor2):
    page = make_condition(editor)
    opened = timezone.now()
    presence.beat(page, editor, lock_version=0, now=opened)
    later = opened + presence.EXPIRY + timedelta(seconds=1)
    assert presence.others(page, editor2, now=later) == []
    presence.beat(page, editor, lock_version=0, now=later)
    assert presence.others(page, editor2, now=later) == [presence.OtherEditor("Edna Editor", later)]


def test_leaving_ends_the_session_unless_the_same_person_is_back_at_once(editor, editor2):
    page = make_condition(editor)
    opened = timezone.now()
    presence.beat(page, editor, lock_version=0, now=opened)
    left = opened + timedelta(seconds=30)
    presence.leave(page, editor, now=left)
    after_grace = left + presence.LEAVING_GRACE + timedelta(seconds=1)
    assert presence.others(page, editor2, now=after_grace) == []
    # Save and continue editing: the page is left and opened again within a second.
    back = after_grace + timedelta(seconds=5)
    presence.beat(page, editor, lock_version=1, now=back)
    presence.leave(page, editor, now=back + timedelta(seconds=20))
    presence.beat(page, editor, lock_version=2, now=back + timedelta(seconds=21))
    assert presence.others(page, editor2, now=back + timedelta(seconds=30))[0].since == back


def test_the_one_asking_is_not_listed_and_other_pages_do_not_count(editor, editor2):
    page, other_page = make_condition(editor, "Gout"), make_condition(editor, "Migraine")
    presence.beat(other_page, editor2, lock_version=0)
    found = presence.beat(page, editor, lock_version=0)
    assert found.others == []


def test_someone_saving_after_the_page_was_opened_is_named_with_the_time(editor, editor2):
    page = make_condition(editor)
    opened_at = page.lock_version
    assert presence.beat(_fresh(page), editor2, lock_version=opened_at).newer is None
    workflow.save_draft(page, by=editor, lock_version=opened_at)
    newer = presence.beat(_fresh(page), editor2, lock_version=opened_at).newer
    assert newer is not None and newer.saved_by == "Edna Editor"
    assert newer.saved_at == _fresh(page).updated_at
    assert "Edna Editor saved a newer version on" in newer.text and "your save will be refused" in newer.text
    # Their own save in another window is theirs.
    assert presence.beat(_fresh(page), editor, lock_version=opened_at).newer.saved_by == "You"
