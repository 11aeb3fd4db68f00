"""Workflow email (conditions/notifications.py): who hears of what, and when not."""

from __future__ import annotations

import pytest
from django.core import mail

from conditions import workflow
from conditions.workflow import WorkflowError
from tests.factories import CHECKED, make_condition

pytestmark = pytest.mark.django_db


# --- notifications --------------------------------------------------------------------------


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDSITE_NOTIFICATIONS = True
    return mail.outbox


def _run_on_commit(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        action()


def test_reviewers_are_told_of_a_submission(
    mailbox, editor, reviewer, reviewer2, django_capture_on_commit_callbacks
):
    condition = make_condition(editor)
    _run_on_commit(
        django_capture_on_commit_callbacks, lambda: workflow.submit(condition, by=editor, comment="Ready")
    )
    assert len(mailbox) == 1
    message = mailbox[0]
    assert sorted(message.to) == ["ravi@example.org", "rita@example.org"]
    assert "Please review: Example syndrome" in message.subject
    assert "Their note: Ready" in message.body
    assert f"/admin/conditions/condition/{condition.pk}/change/" in message.body


def test_submitter_hears_of_changes_requested_and_publication(
    mailbox, editor, reviewer, django_capture_on_commit_callbacks
):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    _run_on_commit(
        django_capture_on_commit_callbacks,
        lambda: workflow.request_changes(condition, by=reviewer, comment="Add the dosing table."),
    )
    assert mailbox[-1].to == ["edna@example.org"] and "Add the dosing table." in mailbox[-1].body
    workflow.submit(condition, by=editor)
    _run_on_commit(
        django_capture_on_commit_callbacks,
        lambda: workflow.approve(condition, by=reviewer, attestation=CHECKED),
    )
    assert mailbox[-1].to == ["edna@example.org"]
    assert mailbox[-1].subject.endswith("Published: Example syndrome")


def test_no_email_for_a_refused_transition(mailbox, editor, django_capture_on_commit_callbacks):
    condition = make_condition(editor, summary="")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkflowError):
        workflow.submit(condition, by=editor)
    assert mailbox == []


def test_notifications_can_be_turned_off(
    mailbox, settings, editor, reviewer, django_capture_on_commit_callbacks
):
    settings.MEDSITE_NOTIFICATIONS = False
    condition = make_condition(editor)
    _run_on_commit(django_capture_on_commit_callbacks, lambda: workflow.submit(condition, by=editor))
    assert mailbox == []
