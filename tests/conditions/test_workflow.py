from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from reversion.models import Version

from conditions import workflow
from conditions.content import ConditionData, SectionData, write_condition
from conditions.models import Condition, Publication, ReviewEvent, Status
from conditions.workflow import WorkflowError
from medsite.dates import add_months
from tests.factories import CHECKED, make_condition, make_reference, publish

pytestmark = pytest.mark.django_db


def test_submit_moves_draft_to_expert_review_and_logs_it(editor):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor, comment="Ready")
    assert condition.status == Status.EXPERT_REVIEW
    event = condition.review_events.first()
    assert (event.action, event.actor, event.from_status, event.to_status, event.comment) == (
        "submit",
        editor,
        "draft",
        "expert_review",
        "Ready",
    )
    assert event.revision is not None
    assert event.revision.user == editor


def test_submit_refused_by_publish_gate_names_every_problem(editor):
    condition = make_condition(
        editor, summary="", sections=[("symptoms", "See [@nosuchkey]."), ("causes", "  ")]
    )
    with pytest.raises(WorkflowError) as exc:
        workflow.submit(condition, by=editor)
    message = str(exc.value)
    assert "summary" in message
    assert "Overview" in message
    assert "“Causes” is empty" in message
    assert "[@nosuchkey]" in message
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert not condition.review_events.filter(action="submit").exists()


def test_stranger_cannot_submit(editor, stranger):
    condition = make_condition(editor)
    with pytest.raises(WorkflowError, match="permission"):
        workflow.submit(condition, by=stranger)


def test_cannot_submit_twice(editor):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="Only a draft"):
        workflow.submit(condition, by=editor)


def test_approve_publishes_frozen_snapshot_with_review_dates(editor, reviewer):
    make_reference("smith2020", title="Flushing in practice")
    condition = make_condition(
        editor, sections=[("overview", "Flushing is common [@smith2020].")], reference_keys=["smith2020"]
    )
    publication = publish(condition, editor=editor, reviewer=reviewer, comment="First review")
    condition.refresh_from_db()
    today = timezone.localdate()
    assert condition.status == Status.PUBLISHED
    assert condition.live_publication == publication
    assert publication.number == 1
    assert publication.kind == "clinical"
    assert publication.reviewed_on == today == condition.last_reviewed_on
    assert condition.next_review_due == publication.next_review_due
    assert (condition.next_review_due.year, condition.next_review_due.month) == (today.year + 3, today.month)
    assert publication.reviewed_by_name == "Rita Reviewer, MD"
    assert "Medically reviewed by <strong>Rita Reviewer, MD</strong>" in publication.html
    assert 'href="#ref-1"' in publication.html
    assert "Flushing in practice" in publication.html
    assert publication.revision is not None and publication.revision.user == reviewer
    event = condition.review_events.get(action="approve")
    assert event.publication == publication


def test_no_one_approves_their_own_edit(editor, reviewer, reviewer2):
    condition = make_condition(reviewer)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="another medical reviewer"):
        workflow.approve(condition, by=reviewer)
    assert not workflow.can_approve(condition, reviewer)
    assert workflow.can_approve(condition, reviewer2)
    workflow.approve(condition, by=reviewer2, attestation=CHECKED)


def test_submitter_cannot_approve(reviewer, reviewer2, editor):
    condition = make_condition(editor)
    workflow.submit(condition, by=reviewer)
    with pytest.raises(WorkflowError, match="edited or submitted"):
        workflow.approve(condition, by=reviewer)


def test_earlier_edits_do_not_block_after_an_approval(editor, reviewer, reviewer2):
    condition = make_condition(reviewer)
    publish(condition, editor=editor, reviewer=reviewer2)
    write_condition(
        ConditionData(name=condition.name, slug=condition.slug, summary="Updated summary."),
        by=editor,
        comment="Copy edit",
    )
    workflow.submit(condition, by=editor)
    assert workflow.can_approve(condition, reviewer)


def test_editor_cannot_approve(editor, editor2):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="Only medical reviewers"):
        workflow.approve(condition, by=editor2)


def test_approve_requires_expert_review_state(editor, reviewer):
    condition = make_condition(editor)
    with pytest.raises(WorkflowError, match="not in expert review"):
        workflow.approve(condition, by=reviewer)


def test_request_changes_requires_comment_and_returns_to_draft(editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="comment is required"):
        workflow.request_changes(condition, by=reviewer, comment="  ")
    workflow.request_changes(condition, by=reviewer, comment="Cite the guideline for treatment.")
    assert condition.status == Status.DRAFT
    assert condition.review_events.first().comment == "Cite the guideline for treatment."


def test_editor_cannot_request_changes(editor, editor2):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="Only medical reviewers"):
        workflow.request_changes(condition, by=editor2, comment="No")


def test_withdraw_by_submitter_but_not_by_another_editor(editor, editor2):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="submitted this page"):
        workflow.withdraw(condition, by=editor2)
    workflow.withdraw(condition, by=editor)
    assert condition.status == Status.DRAFT


def test_reviewer_may_withdraw(editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    workflow.withdraw(condition, by=reviewer)
    assert condition.status == Status.DRAFT


def test_withdraw_requires_review_state(editor):
    condition = make_condition(editor)
    with pytest.raises(WorkflowError, match="nothing to withdraw"):
        workflow.withdraw(condition, by=editor)


def test_content_is_read_only_in_review(editor):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="in expert review"):
        write_condition(
            ConditionData(name=condition.name, slug=condition.slug, summary="Sneaky change"),
            by=editor,
            comment="x",
        )
    condition.refresh_from_db()
    assert condition.summary == "A condition used in tests."


def test_edit_after_publication_keeps_public_version(editor, reviewer):
    condition = make_condition(editor)
    publication = publish(condition, editor=editor, reviewer=reviewer)
    html = publication.html
    write_condition(
        ConditionData(
            name=condition.name,
            slug=condition.slug,
            sections=[SectionData("overview", "A completely new overview.")],
        ),
        by=editor,
        comment="Rewrite",
    )
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert condition.live_publication == publication
    publication.refresh_from_db()
    assert publication.html == html
    assert "completely new" not in publication.html


def test_editorial_approval_keeps_review_dates_and_reviewer(editor, reviewer, reviewer2):
    condition = make_condition(editor)
    first = publish(condition, editor=editor, reviewer=reviewer)
    Condition.objects.filter(pk=condition.pk).update(
        last_reviewed_on=date(2024, 1, 2), next_review_due=date(2027, 1, 2)
    )
    write_condition(
        ConditionData(name=condition.name, slug=condition.slug, summary="Typo fixed."),
        by=editor,
        comment="Typo",
    )
    second = publish(condition, editor=editor, reviewer=reviewer2, kind="editorial")
    condition.refresh_from_db()
    assert second.number == 2
    assert condition.last_reviewed_on == date(2024, 1, 2)
    assert second.reviewed_on == date(2024, 1, 2)
    assert second.reviewed_by_name == first.reviewed_by_name == "Rita Reviewer, MD"
    assert condition.next_review_due == date(2027, 1, 2)


def test_editorial_approval_needs_an_earlier_clinical_review(editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError, match="never had a clinical review"):
        workflow.approve(condition, by=reviewer, kind="editorial")
    with pytest.raises(WorkflowError, match="Unknown approval kind"):
        workflow.approve(condition, by=reviewer, kind="quick")


def test_unpublish_requires_reason_and_permission(editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    with pytest.raises(WorkflowError, match="permission"):
        workflow.unpublish(condition, by=editor, reason="Outdated")
    with pytest.raises(WorkflowError, match="reason"):
        workflow.unpublish(condition, by=reviewer, reason="")
    workflow.unpublish(condition, by=reviewer, reason="Guideline changed")
    assert condition.live_publication is None
    assert condition.status == Status.DRAFT
    assert condition.publications.count() == 1
    with pytest.raises(WorkflowError, match="not published"):
        workflow.unpublish(condition, by=reviewer, reason="Again")


def test_every_transition_records_a_revision_with_user_and_comment(editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer, comment="Looks right")
    revisions = [v.revision for v in Version.objects.get_for_object(condition).order_by("pk")]
    assert [(r.user, r.get_comment()) for r in revisions] == [
        (editor, "Written in a test. Added the page, with sections “Overview”, “Symptoms”."),
        (editor, "Submitted for expert review"),
        (reviewer, "Looks right"),
    ]
    assert ReviewEvent.objects.filter(condition=condition).count() == 3


def test_publication_numbers_increase(editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    write_condition(
        ConditionData(name=condition.name, slug=condition.slug, summary="Second."), by=editor, comment="x"
    )
    publish(condition, editor=editor, reviewer=reviewer, kind="editorial")
    assert list(Publication.objects.filter(condition=condition).values_list("number", flat=True)) == [2, 1]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 36, date(2027, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
    ],
)
def test_review_interval_arithmetic(day, months, expected):
    assert add_months(day, months) == expected
