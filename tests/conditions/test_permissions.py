"""The edit guard and the fields the workflow owns (conditions/permissions.py), and how a step's
refusal relates to what the page's state allows; the refusals of each transition are tested
through the transitions (test_workflow.py, test_permission_matrix.py)."""

from __future__ import annotations

import pytest

from conditions import workflow
from conditions.models import Condition
from conditions.permissions import check_editable, owned_fields
from tests.factories import make_condition

pytestmark = pytest.mark.django_db


def test_the_workflow_owns_every_field_no_form_edits():
    owned = set(owned_fields())
    assert {
        "status",
        "live_publication_id",
        "scheduled_publication_id",
        "last_reviewed_on",
        "next_review_due",
        "lock_version",
        "created_at",
        "created_by_id",
    } <= owned
    assert not {"id", "name", "slug", "also_called", "summary", "review_interval_months"} & owned


def test_the_edit_guard_locks_and_returns_the_page(editor):
    condition = make_condition(editor)
    assert check_editable(condition, editor, lock_version=condition.lock_version) == condition
    assert check_editable(Condition(name="New"), editor) is None


def test_the_edit_guard_refuses_a_copy_someone_saved_over(editor):
    condition = make_condition(editor)
    with pytest.raises(workflow.EditConflict, match="while you were editing it") as conflict:
        check_editable(condition, editor, lock_version=condition.lock_version - 1)
    assert conflict.value.current == condition


def test_the_edit_guard_refuses_a_page_in_review_and_a_user_who_may_not_edit(editor, stranger):
    condition = make_condition(editor)
    with pytest.raises(workflow.WorkflowError, match="permission to edit"):
        check_editable(condition, stranger)
    workflow.submit(condition, by=editor)
    with pytest.raises(workflow.WorkflowError, match="is in expert review and cannot be changed"):
        check_editable(condition, editor)


# --- a step the page's state allows, and a person who may not take it ----------------------------


def test_a_step_the_state_rules_out_is_refused_for_everybody_with_the_same_sentence(editor, superuser):
    draft = make_condition(editor)
    for name in ("withdraw", "request_changes", "approve", "cancel_schedule", "unpublish", "retract"):
        transition = workflow.TRANSITIONS[name]
        unavailable = transition.unavailable(draft)
        assert unavailable, name
        # Whoever asks: anyone allowed by role hears the state's sentence itself.
        assert transition.refusal(draft, superuser) == unavailable, name
    assert workflow.TRANSITIONS["submit"].unavailable(draft) is None


def test_approving_your_own_edit_is_open_to_others_so_you_hear_why_not(editor, reviewer, reviewer2):
    condition = make_condition(reviewer)
    workflow.submit(condition, by=editor)
    condition = Condition.objects.get(pk=condition.pk)
    approve = workflow.TRANSITIONS["approve"]
    assert approve.unavailable(condition) is None
    assert "another medical reviewer must approve it" in approve.refusal(condition, reviewer)
    assert approve.refusal(condition, editor) == "Only medical reviewers can approve pages for publication."
    assert approve.refusal(condition, reviewer2) is None
