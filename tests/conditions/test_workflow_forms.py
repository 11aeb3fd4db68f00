"""Each transition's input, as its form takes it (conditions/workflow_forms.py), and the table of
transitions that names the forms (workflow.TRANSITIONS)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from conditions import workflow
from conditions import workflow_forms as forms
from conditions.models import Condition
from conditions.submissions import ReviewedVersion
from tests.factories import make_condition, publish, reviewed_fields

pytestmark = pytest.mark.django_db


def _fresh(condition: Condition) -> Condition:
    return Condition.objects.get(pk=condition.pk)


# --- the table ----------------------------------------------------------------------------------


def test_every_transition_of_the_table_has_a_refusal_a_form_and_a_button():
    for name, transition in workflow.TRANSITIONS.items():
        assert transition.name == name
        assert transition.refusal.__name__ == f"refusal_{transition.verb.__name__}"
        assert transition.unavailable.__name__ == f"unavailable_{transition.verb.__name__}"
        assert issubclass(transition.form, forms.TransitionForm)
        assert transition.done and transition.button and transition.heading


def test_each_step_has_a_heading_and_a_button_of_its_own():
    # Shown side by side, no two steps look alike: each box is named apart from the others.
    transitions = workflow.TRANSITIONS.values()
    headings = [t.heading for t in transitions]
    buttons = [t.button for t in transitions]
    assert len(set(headings)) == len(headings) and len(set(buttons)) == len(buttons)
    assert not set(headings) & set(buttons)
    assert {t.name for t in transitions if t.confirm} == {"unpublish", "retract"}


def test_the_decisions_are_the_transitions_bound_to_the_version_in_review():
    decisions = {name for name, transition in workflow.TRANSITIONS.items() if transition.decision}
    assert decisions == {"request_changes", "approve"}


def test_can_predicates_answer_from_the_table(editor, reviewer):
    condition = make_condition(editor)
    assert workflow.can_submit(condition, editor) and not workflow.can_approve(condition, reviewer)
    workflow.submit(condition, by=editor)
    condition = _fresh(condition)
    assert workflow.can_approve(condition, reviewer) and not workflow.can_approve(condition, editor)


# --- approve --------------------------------------------------------------------------------------


def _approve_form(condition: Condition, **data) -> forms.ApproveForm:
    return forms.ApproveForm(data, condition=condition)


def test_go_live_is_read_in_the_users_time_zone(editor):
    condition = make_condition(editor)
    with timezone.override("Europe/London"):
        form = _approve_form(condition, go_live_at="2030-07-01T09:00")
        assert form.is_valid(), form.errors
    assert form.arguments()["go_live_at"] == datetime(2030, 7, 1, 8, 0, tzinfo=UTC)


def test_go_live_names_the_users_time_zone_next_to_the_field(editor):
    with timezone.override("America/New_York"):
        form = forms.ApproveForm(condition=make_condition(editor))
        html = str(form["go_live_at"].label_tag()) + str(form["go_live_at"])
    assert "America/New_York" in form["go_live_at"].label
    assert "America/New_York" in form["go_live_at"].help_text
    assert 'aria-describedby="wf-go-live-help"' in html


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # The clocks go forward at 02:00 on the last Sunday of March 2030 in Berlin: 02:30 is skipped.
        ("2030-03-31T02:30", "31 Mar 2030, 02:30 does not exist in Europe/Berlin: the clocks go forward"),
        # And back at 03:00 on the last Sunday of October: 02:30 comes twice.
        ("2030-10-27T02:30", "27 Oct 2030, 02:30 happens twice in Europe/Berlin: the clocks go back"),
    ],
)
def test_a_go_live_the_clocks_skip_or_repeat_is_refused_with_a_reason(editor, typed, expected):
    with timezone.override("Europe/Berlin"):
        form = _approve_form(make_condition(editor), go_live_at=typed)
        assert not form.is_valid()
    assert expected in form.error_message()


def test_a_go_live_beside_a_change_of_the_clocks_is_read_as_typed(editor):
    with timezone.override("Europe/Berlin"):
        before = _approve_form(make_condition(editor), go_live_at="2030-03-31T01:59")
        after = _approve_form(make_condition(editor, "Other"), go_live_at="2030-03-31T03:00")
        assert before.is_valid() and after.is_valid()
    assert before.arguments()["go_live_at"] == datetime(2030, 3, 31, 0, 59, tzinfo=UTC)  # CET, UTC+1
    assert after.arguments()["go_live_at"] == datetime(2030, 3, 31, 1, 0, tzinfo=UTC)  # CEST, UTC+2


@pytest.mark.parametrize("typed", ["next tuesday", "2030-02-30T09:00", "9999-12-31T23:59-05:00"])
def test_a_go_live_that_is_not_a_storable_time_is_refused(editor, typed):
    form = _approve_form(make_condition(editor), go_live_at=typed)
    assert not form.is_valid()
    assert f"“{typed}” is not a date and time" in form.error_message()


def test_an_approval_without_a_kind_is_a_clinical_review(editor):
    form = _approve_form(make_condition(editor))
    assert form.is_valid(), form.errors
    arguments = form.arguments()
    assert arguments["kind"] == "clinical" and arguments["attestation"] == []
    assert arguments["go_live_at"] is None and arguments["comment"] == ""


def test_unknown_kinds_and_checklist_items_are_named(editor):
    form = _approve_form(make_condition(editor), kind="glance", attestation=["nonsense"])
    assert not form.is_valid()
    message = form.error_message()
    assert "Unknown approval kind “glance”" in message and "Unknown checklist item(s): nonsense." in message


def test_an_editorial_change_is_offered_only_after_a_clinical_review(editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    offered = forms.ApproveForm(condition=_fresh(condition)).fields["kind"].choices
    assert [value for value, _ in offered] == ["clinical"]
    workflow.withdraw(condition, by=editor)
    publish(condition, editor=editor, reviewer=reviewer)
    make_condition(editor, slug=condition.slug, summary="A copy edit.")
    workflow.submit(condition, by=editor)
    offered = forms.ApproveForm(condition=_fresh(condition)).fields["kind"].choices
    assert [value for value, _ in offered] == ["clinical", "editorial"]


# --- decisions name the version in review -----------------------------------------------------


def test_a_decision_form_carries_the_version_in_review_and_posts_it_back(editor):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    condition = _fresh(condition)
    version = workflow.reviewed_version(condition)
    form = forms.RequestChangesForm(condition=condition)
    assert form["reviewed_revision"].value() == version.revision_id
    assert form["reviewed_hash"].value() == version.content_hash
    posted = forms.RequestChangesForm({"text": "Cite it.", **reviewed_fields(condition)}, condition=condition)
    assert posted.is_valid(), posted.errors
    assert posted.arguments() == {"comment": "Cite it.", "reviewed": version}


def test_a_decision_naming_no_version_names_none(editor):
    form = forms.RequestChangesForm(
        {"text": "Cite it.", "reviewed_revision": "abc"}, condition=make_condition(editor)
    )
    assert form.is_valid(), form.errors
    assert form.arguments()["reviewed"] == ReviewedVersion(0, "")


def test_a_request_for_changes_needs_its_comment(editor):
    form = forms.RequestChangesForm({"text": "   "}, condition=make_condition(editor))
    assert not form.is_valid()
    assert form.error_message() == "Say what needs to change: a comment is required when requesting changes."


# --- unpublish and retract: versions from the archive -------------------------------------------


@pytest.fixture
def revised(editor, reviewer, reviewer2) -> Condition:
    """A page live in its second version."""
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    make_condition(editor, slug=condition.slug, summary="Second version.")
    publish(condition, editor=editor, reviewer=reviewer2)
    return _fresh(condition)


def _offered(form: forms.TransitionForm) -> list[str]:
    return [label for _, label in form.fields["retract"].choices]


def test_unpublishing_offers_every_archived_version_and_retracting_only_earlier_ones(revised):
    unpublish = _offered(forms.UnpublishForm(condition=revised))
    assert [label.split(",")[0] for label in unpublish] == ["Version 2", "Version 1"]
    assert unpublish[0].endswith("(the current one)") and not unpublish[1].endswith(")")
    assert [label.split(",")[0] for label in _offered(forms.RetractForm(condition=revised))] == ["Version 1"]


def test_versions_not_in_the_archive_are_refused(revised):
    form = forms.RetractForm({"text": "A dosing error.", "retract": ["1", "7"]}, condition=revised)
    assert not form.is_valid()
    assert form.error_message() == "Choose the versions from the list."
    form = forms.UnpublishForm({"text": "Unsafe.", "retract": ["2", "1"]}, condition=revised)
    assert form.is_valid(), form.errors
    assert form.arguments() == {"reason": "Unsafe.", "retract": [2, 1]}


def test_taking_a_page_offline_needs_a_reason(revised):
    form = forms.UnpublishForm({"text": ""}, condition=revised)
    assert not form.is_valid()
    assert form.error_message() == "Give a reason for taking the page offline."
