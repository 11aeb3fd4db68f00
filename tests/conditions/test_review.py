"""Review experience: checklist, scheduled go-live, stale short answers, review dates."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conditions import workflow
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.models import Condition, Publication, ReviewEvent, Status
from conditions.workflow import WorkflowError
from medsite.dates import add_months
from tests.factories import CHECKED, make_condition, publish, reviewed_fields

pytestmark = pytest.mark.django_db


def _rewrite(condition, by, **changes):
    data = ConditionData(name=condition.name, slug=condition.slug, **changes)
    write_condition(data, by=by, comment="Edit in a test")
    condition.refresh_from_db()


# --- attestation --------------------------------------------------------------------------


def test_clinical_approval_needs_every_checklist_item(editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    with pytest.raises(WorkflowError) as refused:
        workflow.approve(condition, by=reviewer, attestation=["accurate", "evidence"])
    assert "references have been checked" in str(refused.value)
    assert "suitable and clear for patients" in str(refused.value)
    assert condition.publications.count() == 0
    with pytest.raises(WorkflowError, match="Unknown checklist item"):
        workflow.approve(condition, by=reviewer, attestation=[*CHECKED, "vibes"])


def test_checklist_is_stored_with_the_publication(editor, reviewer):
    publication = publish(make_condition(editor), editor=editor, reviewer=reviewer)
    assert publication.attestation == workflow.CHECKLIST
    event = ReviewEvent.objects.get(action="approve")
    assert event.publication.attestation["evidence"] == "Every claim is supported by the evidence it cites."


def test_editorial_change_needs_no_checklist(editor, reviewer, reviewer2):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    _rewrite(condition, editor, summary="A typo fixed.")
    workflow.submit(condition, by=editor)
    publication = workflow.approve(condition, by=reviewer2, kind="editorial")
    assert publication.attestation == {}


# --- review dates ---------------------------------------------------------------------------


def test_public_page_shows_last_clinical_review_not_copy_edit(client, editor, reviewer, reviewer2):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    Condition.objects.filter(pk=condition.pk).update(
        last_reviewed_on=date(2025, 3, 4), next_review_due=date(2028, 3, 4)
    )
    _rewrite(condition, editor, summary="Clearer wording.")
    publish(condition, editor=editor, reviewer=reviewer2, kind="editorial")
    page = client.get(condition.get_absolute_url()).content.decode()
    assert 'Last reviewed <time datetime="2025-03-04">4 March 2025</time>' in page
    assert "Rita Reviewer, MD" in page and "Ravi Reviewer" not in page
    assert "Next review due" in page and "March 2028" in page


def test_review_interval_sets_next_review_due(editor, reviewer):
    condition = make_condition(editor)
    Condition.objects.filter(pk=condition.pk).update(review_interval_months=12)
    condition.refresh_from_db()
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    today = timezone.localdate()
    assert condition.last_reviewed_on == today
    assert condition.next_review_due == add_months(today, 12)


# --- scheduled publishing -------------------------------------------------------------------


def test_future_approval_is_not_public_until_go_live(client, editor, reviewer):
    condition = make_condition(editor)
    tomorrow = timezone.now() + timedelta(days=1)
    publication = publish(condition, editor=editor, reviewer=reviewer, go_live_at=tomorrow)
    condition.refresh_from_db()
    assert condition.scheduled_publication == publication and condition.live_publication is None
    assert publication.went_live_at is None
    assert client.get(condition.get_absolute_url()).status_code == 404
    assert workflow.publish_scheduled(by=reviewer) == []
    published = workflow.publish_scheduled(by=reviewer, now=tomorrow + timedelta(minutes=1))
    assert published == [publication]
    condition.refresh_from_db()
    assert condition.live_publication == publication and condition.scheduled_publication is None
    assert client.get(condition.get_absolute_url()).status_code == 200
    assert ReviewEvent.objects.filter(condition=condition, action="go_live").count() == 1


def test_scheduled_update_keeps_current_version_public_meanwhile(client, editor, reviewer, reviewer2):
    condition = make_condition(editor, sections=[("overview", "First version.")])
    publish(condition, editor=editor, reviewer=reviewer)
    _rewrite(condition, editor, sections=[SectionData("overview", "Second version.")])
    publish(condition, editor=editor, reviewer=reviewer2, go_live_at=timezone.now() + timedelta(hours=2))
    page = client.get(condition.get_absolute_url()).content.decode()
    assert "First version." in page and "Second version." not in page
    history = client.get(reverse("conditions:history", args=[condition.slug])).content.decode()
    assert "Version 1" in history and "Version 2" not in history
    assert client.get(reverse("conditions:publication", args=[condition.slug, 2])).status_code == 404


def test_publish_scheduled_command_is_idempotent(editor, reviewer):
    condition = make_condition(editor)
    publication = publish(
        condition, editor=editor, reviewer=reviewer, go_live_at=timezone.now() + timedelta(seconds=1)
    )
    Publication.objects.filter(pk=publication.pk).update(go_live_at=timezone.now() - timedelta(minutes=5))
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    assert "Published “Example syndrome” version 1" in out.getvalue()
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    assert "Nothing was due" in out.getvalue()
    condition.refresh_from_db()
    assert condition.live_publication_id == publication.pk
    event = ReviewEvent.objects.get(action="go_live")
    assert event.actor.username == "medsite-system"


def test_go_live_twice_does_nothing_the_second_time(editor, reviewer):
    condition = make_condition(editor)
    go_live = timezone.now() + timedelta(minutes=1)
    publish(condition, editor=editor, reviewer=reviewer, go_live_at=go_live)
    later = go_live + timedelta(minutes=1)
    assert workflow.go_live(condition, by=reviewer, now=later) is not None
    revisions_before = ReviewEvent.objects.count()
    assert workflow.go_live(condition, by=reviewer, now=later) is None
    assert ReviewEvent.objects.count() == revisions_before


def test_cancel_scheduled_publication(client, editor, reviewer, reviewer2):
    condition = make_condition(editor)
    publication = publish(
        condition, editor=editor, reviewer=reviewer, go_live_at=timezone.now() + timedelta(days=2)
    )
    with pytest.raises(WorkflowError, match="Only medical reviewers"):
        workflow.cancel_schedule(condition, by=editor)
    workflow.cancel_schedule(condition, by=reviewer2, comment="Guideline update due next week")
    condition.refresh_from_db()
    publication.refresh_from_db()
    assert condition.scheduled_publication is None and condition.status == Status.DRAFT
    assert publication.cancelled_at is not None
    assert workflow.publish_scheduled(by=reviewer, now=timezone.now() + timedelta(days=3)) == []
    assert client.get(condition.get_absolute_url()).status_code == 404
    with pytest.raises(WorkflowError, match="no scheduled publication"):
        workflow.cancel_schedule(condition, by=reviewer2)


def test_admin_schedules_shows_and_cancels(client, editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    url = reverse("admin:conditions_condition_workflow", args=[condition.pk, "approve"])
    when = (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)
    data = {
        "kind": "clinical",
        "attestation": CHECKED,
        "go_live_at": when.strftime("%Y-%m-%dT%H:%M"),
        **reviewed_fields(condition),
    }
    page = client.post(url, data, follow=True).content.decode()
    assert f"it goes live on {when:%-d %b %Y, %H:%M} {when:%Z}" in page
    # The panel says when, with the zone named, by the button that cancels it.
    assert f"Version 1 goes live on {when:%-d %b %Y, %H:%M} {when:%Z} (UTC)" in page
    changelist = client.get(
        reverse("admin:conditions_condition_changelist"), {"live": "scheduled"}
    ).content.decode()
    assert "Example syndrome" in changelist and f"{when:%-d %b %Y, %H:%M} {when:%Z}" in changelist
    cancel = reverse("admin:conditions_condition_workflow", args=[condition.pk, "cancel_schedule"])
    page = client.post(cancel, {"text": "Not yet"}, follow=True).content.decode()
    assert "scheduled publication cancelled" in page
    condition.refresh_from_db()
    assert condition.scheduled_publication is None


def test_admin_rejects_a_garbled_go_live_time(client, editor, reviewer):
    condition = make_condition(editor)
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    url = reverse("admin:conditions_condition_workflow", args=[condition.pk, "approve"])
    page = client.post(
        url,
        {
            "kind": "clinical",
            "attestation": CHECKED,
            "go_live_at": "next tuesday",
            **reviewed_fields(condition),
        },
        follow=True,
    )
    assert "is not a date and time" in page.content.decode()
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW


def test_unpublish_cancels_a_scheduled_version(editor, reviewer, reviewer2):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    _rewrite(condition, editor, summary="Next version.")
    publish(condition, editor=editor, reviewer=reviewer2, go_live_at=timezone.now() + timedelta(days=1))
    workflow.unpublish(condition, by=reviewer, reason="Withdrawn pending safety alert")
    assert workflow.publish_scheduled(by=reviewer, now=timezone.now() + timedelta(days=2)) == []
    condition.refresh_from_db()
    assert condition.live_publication is None


# --- stale short answers --------------------------------------------------------------------


@pytest.fixture
def answered(editor, reviewer):
    condition = make_condition(
        editor,
        sections=[("overview", "Original overview.")],
        short_answers=[("Is it contagious?", "No.", "It does not spread between people.")],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def test_clinical_review_changing_sections_flags_unchanged_answers(answered, editor, reviewer2):
    _rewrite(answered, editor, sections=[SectionData("overview", "Revised overview with new evidence.")])
    publish(answered, editor=editor, reviewer=reviewer2)
    assert answered.short_answers.get().needs_review


def test_answers_edited_in_the_same_review_are_not_flagged(answered, editor, reviewer2):
    _rewrite(
        answered,
        editor,
        sections=[SectionData("overview", "Revised overview.")],
        short_answers=[ShortAnswerData("Is it contagious?", "No, never.", "Updated detail.")],
    )
    publish(answered, editor=editor, reviewer=reviewer2)
    assert not answered.short_answers.get().needs_review


def test_review_without_section_changes_flags_nothing(answered, editor, reviewer2):
    _rewrite(answered, editor, summary="Only the summary changed.")
    publish(answered, editor=editor, reviewer=reviewer2)
    assert not answered.short_answers.get().needs_review


def test_editor_confirms_flagged_answers(client, answered, editor, reviewer2, stranger):
    _rewrite(answered, editor, sections=[SectionData("overview", "Revised overview.")])
    publish(answered, editor=editor, reviewer=reviewer2)
    with pytest.raises(WorkflowError, match="permission"):
        workflow.confirm_short_answers(answered, by=stranger)
    client.force_login(editor)
    change = client.get(reverse("admin:conditions_condition_change", args=[answered.pk])).content.decode()
    assert "Confirm the short answers are still accurate" in change and "Is it contagious?" in change
    url = reverse("admin:conditions_condition_workflow", args=[answered.pk, "confirm_answers"])
    page = client.post(url, follow=True).content.decode()
    assert "short answers confirmed" in page
    assert not answered.short_answers.get().needs_review
    assert answered.review_events.first().action == "confirm_answers"
    answered.refresh_from_db()
    assert answered.status == Status.PUBLISHED
    with pytest.raises(WorkflowError, match="waiting to be confirmed"):
        workflow.confirm_short_answers(answered, by=editor)


def test_editing_a_flagged_answer_in_admin_clears_the_flag(client, answered, editor, reviewer2):
    _rewrite(answered, editor, sections=[SectionData("overview", "Revised overview.")])
    publish(answered, editor=editor, reviewer=reviewer2)
    answered.refresh_from_db()
    answer = answered.short_answers.get()
    section = answered.sections.get()
    client.force_login(editor)
    data = {
        "name": answered.name,
        "slug": answered.slug,
        "also_called": "",
        "summary": answered.summary,
        "review_interval_months": 36,
        "source_updated_on": "",
        "lock_version_seen": answered.lock_version,
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 1,
        "sections-0-id": section.pk,
        "sections-0-condition": answered.pk,
        "sections-0-kind": "overview",
        "sections-0-heading": "",
        "sections-0-body": section.body,
        "sections-0-position": 0,
        "short_answers-TOTAL_FORMS": 1,
        "short_answers-INITIAL_FORMS": 1,
        "short_answers-0-id": answer.pk,
        "short_answers-0-condition": answered.pk,
        "short_answers-0-question": answer.question,
        "short_answers-0-position": 0,
        "short_answers-0-answer": "No: it cannot pass between people.",
        "short_answers-0-details": answer.details,
        "short_answers-0-source_updated_on": "",
        "condition_references-TOTAL_FORMS": 0,
        "condition_references-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:conditions_condition_change", args=[answered.pk]), data)
    assert response.status_code == 302
    answer.refresh_from_db()
    assert not answer.needs_review and answer.answer.startswith("No: it cannot")


# --- public history -------------------------------------------------------------------------


def test_archived_versions_are_marked_and_not_indexed(client, editor, reviewer, reviewer2):
    condition = make_condition(editor, sections=[("overview", "What we said first.")])
    first = publish(condition, editor=editor, reviewer=reviewer, comment="First publication")
    _rewrite(condition, editor, sections=[SectionData("overview", "What we say now.")])
    publish(condition, editor=editor, reviewer=reviewer2, comment="Rewrote the overview")
    history = client.get(reverse("conditions:history", args=[condition.slug])).content.decode()
    assert '<meta name="robots" content="noindex">' in history
    assert (
        "Rewrote the overview" in history and "Rita Reviewer, MD" in history and "Clinical review" in history
    )
    old = client.get(reverse("conditions:publication", args=[condition.slug, first.number])).content.decode()
    assert "Archived version." in old and "What we said first." in old and "What we say now." not in old
    assert '<meta name="robots" content="noindex">' in old
    assert f'href="{condition.get_absolute_url()}"' in old
    current = client.get(condition.get_absolute_url()).content.decode()
    assert "noindex" not in current and "Archived version." not in current
