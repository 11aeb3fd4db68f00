"""The review workflow: draft -> expert review -> published.

Every state change of a condition happens here, one function per transition. Each runs in a
transaction holding the condition's row lock, checks the starting state and the actor's rights
(through the same ``refusal_*`` helper that decides which buttons the admin shows), records a
ReviewEvent and a reversion revision, and raises :class:`WorkflowError` with a sentence the
person can act on. Views and admin actions call these functions; nothing else sets ``status``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import reversion
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from reversion.models import Version

from .checks import publish_problems
from .models import Condition, Publication, ReviewEvent, Status, display_name
from .rendering import ReviewInfo, render_condition

Action = ReviewEvent.Action

EDIT = "conditions.change_condition"
REVIEW = "conditions.review_condition"
UNPUBLISH = "conditions.unpublish_condition"


class WorkflowError(Exception):
    """A transition was refused; the message says why and what to do."""


class EditConflict(WorkflowError):
    """The page changed since the editor opened it."""


# --- who may do what -------------------------------------------------------------------------


def _last_approval_id(condition: Condition) -> int:
    last = condition.review_events.filter(action=Action.APPROVE).aggregate(last=Max("id"))["last"]
    return last or 0


def contributors(condition: Condition) -> set[int]:
    """Ids of everyone who edited or submitted the version now in the working copy."""
    return set(
        condition.review_events.filter(
            action__in=[Action.EDIT, Action.SUBMIT], id__gt=_last_approval_id(condition)
        ).values_list("actor_id", flat=True)
    )


def _submitter_id(condition: Condition) -> int | None:
    event = condition.review_events.filter(action=Action.SUBMIT).order_by("-id").first()
    return event.actor_id if event else None


def refusal_edit(condition: Condition, user) -> str | None:
    if not user.has_perm(EDIT):
        return "You do not have permission to edit condition pages."
    if condition.status == Status.EXPERT_REVIEW:
        return (
            f"“{condition}” is in expert review and cannot be changed. "
            "Withdraw it from review first, or wait for the reviewer's decision."
        )
    return None


def refusal_submit(condition: Condition, user) -> str | None:
    if not user.has_perm(EDIT):
        return "You do not have permission to submit pages for review."
    if condition.status != Status.DRAFT:
        state = condition.get_status_display().lower()
        return f"Only a draft can be submitted for review; “{condition}” is {state}."
    return None


def refusal_withdraw(condition: Condition, user) -> str | None:
    if condition.status != Status.EXPERT_REVIEW:
        return f"“{condition}” is not in expert review, so there is nothing to withdraw."
    if not (user.has_perm(REVIEW) or (user.has_perm(EDIT) and _submitter_id(condition) == user.pk)):
        return "Only the person who submitted this page, or a medical reviewer, can withdraw it."
    return None


def refusal_request_changes(condition: Condition, user) -> str | None:
    if not user.has_perm(REVIEW):
        return "Only medical reviewers can send a page back with requested changes."
    if condition.status != Status.EXPERT_REVIEW:
        return f"“{condition}” is not in expert review."
    return None


def refusal_approve(condition: Condition, user) -> str | None:
    if not user.has_perm(REVIEW):
        return "Only medical reviewers can approve pages for publication."
    if condition.status != Status.EXPERT_REVIEW:
        return f"“{condition}” is not in expert review; submit it for review first."
    if user.pk in contributors(condition):
        return (
            "You edited or submitted this version, so another medical reviewer must approve it "
            "(no one approves their own edit)."
        )
    return None


def refusal_unpublish(condition: Condition, user) -> str | None:
    if not user.has_perm(UNPUBLISH):
        return "You do not have permission to take pages offline."
    if not condition.is_live:
        return f"“{condition}” is not published."
    return None


def can_edit(condition: Condition, user) -> bool:
    return refusal_edit(condition, user) is None


def can_submit(condition: Condition, user) -> bool:
    return refusal_submit(condition, user) is None


def can_withdraw(condition: Condition, user) -> bool:
    return refusal_withdraw(condition, user) is None


def can_request_changes(condition: Condition, user) -> bool:
    return refusal_request_changes(condition, user) is None


def can_approve(condition: Condition, user) -> bool:
    return refusal_approve(condition, user) is None


def can_unpublish(condition: Condition, user) -> bool:
    return refusal_unpublish(condition, user) is None


# --- transitions -----------------------------------------------------------------------------


def _refuse_unless(refusal: Callable[[Condition, object], str | None], condition: Condition, user) -> None:
    message = refusal(condition, user)
    if message:
        raise WorkflowError(message)


@dataclass
class _Step:
    condition: Condition
    event: ReviewEvent | None = None
    publication: Publication | None = None


@contextmanager
def _transition(condition: Condition, *, by, comment: str) -> Iterator[_Step]:
    """Lock the row, open a revision, and hand the locked condition to the transition body.

    The body checks, changes and saves; the revision then records the condition with its
    sections, short answers and references as they stand, and the event (and publication) the
    body wrote are linked to that revision. ``condition`` is refreshed afterwards.
    """
    with transaction.atomic():
        with reversion.create_revision():
            step = _Step(Condition.objects.select_for_update().get(pk=condition.pk))
            reversion.set_user(by)
            reversion.set_comment(comment)
            yield step
            reversion.add_to_revision(step.condition)
        revision = Version.objects.get_for_object(step.condition).order_by("-pk").first().revision
        for record in (step.event, step.publication):
            if record is not None:
                record.revision = revision
                record.save(update_fields=["revision"])
    condition.refresh_from_db()


def _event(
    condition: Condition, *, by, action: str, from_status: str, comment: str = "", **extra
) -> ReviewEvent:
    return ReviewEvent.objects.create(
        condition=condition,
        actor=by,
        action=action,
        from_status=from_status,
        to_status=condition.status,
        comment=comment,
        **extra,
    )


def save_draft(condition: Condition, *, by, comment: str = "", lock_version: int | None = None) -> None:
    """Save an edit of ``condition`` (already changed in memory) as the new working draft.

    Call inside the caller's transaction and revision block, before saving sections and other
    children. ``lock_version`` is the version the editor's form was opened at; a mismatch means
    somebody else saved first, and the edit is refused so it overwrites nothing.
    """
    from_status = Status.DRAFT
    current = None
    if condition.pk is not None:
        current = Condition.objects.select_for_update().filter(pk=condition.pk).first()
    _refuse_unless(refusal_edit, current or condition, by)
    if current is None:
        condition.created_by = by
    else:
        if lock_version is not None and lock_version != current.lock_version:
            raise EditConflict(
                f"Someone else saved “{current}” while you were editing it. Your changes were not "
                "saved; they are shown below so you can copy them into the current version."
            )
        from_status = current.status
        condition.lock_version = current.lock_version + 1
    condition.status = Status.DRAFT
    condition.updated_by = by
    condition.save()
    _event(condition, by=by, action=Action.EDIT, from_status=from_status, comment=comment)


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - some day in 28..31 always exists


def submit(condition: Condition, *, by, comment: str = "") -> None:
    """Send the draft to expert review; its content is frozen until a decision."""
    with _transition(condition, by=by, comment=comment or "Submitted for expert review") as step:
        locked = step.condition
        _refuse_unless(refusal_submit, locked, by)
        problems = publish_problems(locked)
        if problems:
            raise WorkflowError("This page cannot go to review yet. " + " ".join(problems))
        locked.status = Status.EXPERT_REVIEW
        locked.save(update_fields=["status", "updated_at"])
        step.event = _event(locked, by=by, action=Action.SUBMIT, from_status=Status.DRAFT, comment=comment)


def withdraw(condition: Condition, *, by, comment: str = "") -> None:
    """Take a page back out of review, to edit it further."""
    with _transition(condition, by=by, comment=comment or "Withdrawn from expert review") as step:
        locked = step.condition
        _refuse_unless(refusal_withdraw, locked, by)
        locked.status = Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        step.event = _event(
            locked, by=by, action=Action.WITHDRAW, from_status=Status.EXPERT_REVIEW, comment=comment
        )


def request_changes(condition: Condition, *, by, comment: str) -> None:
    """Send the page back to its editors, saying what must change."""
    with _transition(condition, by=by, comment=f"Changes requested: {comment}") as step:
        locked = step.condition
        _refuse_unless(refusal_request_changes, locked, by)
        if not (comment or "").strip():
            raise WorkflowError("Say what needs to change: a comment is required when requesting changes.")
        locked.status = Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        step.event = _event(
            locked, by=by, action=Action.REQUEST_CHANGES, from_status=Status.EXPERT_REVIEW, comment=comment
        )


def _previous_clinical(condition: Condition) -> Publication | None:
    return condition.publications.filter(kind=Publication.Kind.CLINICAL).order_by("-number").first()


def approve(condition: Condition, *, by, comment: str = "", kind: str = "clinical") -> Publication:
    """Approve the version under review and publish it as a frozen Publication.

    ``kind="clinical"`` is a medical review: it sets the review dates. ``kind="editorial"``
    (a copy edit) publishes without changing them, and needs an earlier clinical review.
    """
    if kind not in Publication.Kind.values:
        raise WorkflowError(f"Unknown approval kind “{kind}”: use “clinical” or “editorial”.")
    with _transition(condition, by=by, comment=comment or f"Approved ({kind} review) and published") as step:
        locked = step.condition
        _refuse_unless(refusal_approve, locked, by)
        problems = publish_problems(locked)
        if problems:
            raise WorkflowError("This page cannot be published. " + " ".join(problems))
        now = timezone.now()
        if kind == Publication.Kind.CLINICAL:
            reviewed_on = timezone.localdate(now)
            reviewer = display_name(by)
            next_due = _add_months(reviewed_on, locked.review_interval_months)
        else:
            previous = _previous_clinical(locked)
            if previous is None:
                raise WorkflowError(
                    "This page has never had a clinical review, so it cannot be published as an "
                    "editorial change. Approve it as a clinical review."
                )
            reviewed_on, reviewer, next_due = (
                locked.last_reviewed_on,
                previous.reviewed_by_name,
                locked.next_review_due,
            )
        page = render_condition(
            locked,
            ReviewInfo(
                reviewed_by=reviewer,
                reviewed_on=reviewed_on,
                next_review_due=next_due,
                updated_on=timezone.localdate(now),
            ),
        )
        number = (locked.publications.aggregate(n=Max("number"))["n"] or 0) + 1
        step.publication = Publication.objects.create(
            condition=locked,
            number=number,
            title=locked.name,
            summary=locked.summary,
            html=page.html,
            structured_data=page.structured_data,
            approved_by=by,
            kind=kind,
            approved_at=now,
            go_live_at=now,
            went_live_at=now,
            reviewed_on=reviewed_on,
            reviewed_by_name=reviewer,
            next_review_due=next_due,
            change_summary=comment,
        )
        locked.status = Status.PUBLISHED
        locked.live_publication = step.publication
        locked.last_reviewed_on, locked.next_review_due = reviewed_on, next_due
        locked.save(
            update_fields=["status", "live_publication", "last_reviewed_on", "next_review_due", "updated_at"]
        )
        step.event = _event(
            locked,
            by=by,
            action=Action.APPROVE,
            from_status=Status.EXPERT_REVIEW,
            comment=comment,
            publication=step.publication,
        )
    return step.publication


def unpublish(condition: Condition, *, by, reason: str) -> None:
    """Take the page offline; its URL then answers 410 Gone. The working copy is kept."""
    with _transition(condition, by=by, comment=f"Unpublished: {reason}") as step:
        locked = step.condition
        _refuse_unless(refusal_unpublish, locked, by)
        if not (reason or "").strip():
            raise WorkflowError("Give a reason for taking the page offline.")
        from_status = locked.status
        locked.live_publication = None
        if locked.status == Status.PUBLISHED:
            locked.status = Status.DRAFT
        locked.save(update_fields=["status", "live_publication", "updated_at"])
        step.event = _event(locked, by=by, action=Action.UNPUBLISH, from_status=from_status, comment=reason)
