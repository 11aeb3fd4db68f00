"""The review workflow: draft -> expert review -> published.

Every state change of a condition happens here, one function per transition. Each runs in a
transaction holding the condition's row lock, checks the starting state and the actor's rights
(through the same ``refusal_*`` helper that decides which buttons the admin shows), records a
ReviewEvent and a reversion revision, and raises :class:`WorkflowError` with a sentence the
person can act on. Views and admin actions call these functions; nothing else sets ``status``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import reversion
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from reversion.models import Version

from medsite.dates import add_months
from references.models import PublicationReference

from . import caching, notifications, search
from .checks import publish_problems
from .models import Condition, Publication, ReviewEvent, SlugHistory, Status, display_name
from .rendering import ReviewInfo, render_condition

Action = ReviewEvent.Action

EDIT = "conditions.change_condition"
REVIEW = "conditions.review_condition"
UNPUBLISH = "conditions.unpublish_condition"


# What a clinical reviewer confirms before approving; stored with the publication.
CHECKLIST = {
    "accurate": "The content is medically accurate and current.",
    "evidence": "Every claim is supported by the evidence it cites.",
    "references": "The references have been checked and are accessible.",
    "patients": "The page is suitable and clear for patients.",
}


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
    notify: list[Callable[[], None]] = field(default_factory=list)


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
            if record is not None and record.revision_id is None:
                record.revision = revision
                record.save(update_fields=["revision"])
        for send in step.notify:
            transaction.on_commit(send)
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
        # ``condition`` may have been read before the lock: what the workflow owns (status,
        # publications, review dates: the fields no form edits) comes from the locked row, so
        # an edit never undoes an approval or go-live that committed in between.
        for owned in Condition._meta.concrete_fields:
            if not owned.editable:
                setattr(condition, owned.attname, getattr(current, owned.attname))
        from_status = current.status
        condition.lock_version = current.lock_version + 1
    moved = current is None or current.slug != condition.slug
    if moved:
        _move_address(condition, old_slug=current.slug if current else None)
    condition.status = Status.DRAFT
    condition.updated_by = by
    condition.save()
    _event(condition, by=by, action=Action.EDIT, from_status=from_status, comment=comment)
    if moved:
        # Public pages show what was approved, but link to the page's address, which a rename
        # moves at once: retire the cached pages once the caller's transaction commits.
        transaction.on_commit(caching.site_changed)


def _move_address(condition: Condition, *, old_slug: str | None) -> None:
    """Keep a renamed page's public address working, and give ``condition.slug`` to this page.

    An address the public has seen (the page went live) stays as a redirect to the page; one
    that was only ever a draft's is let go. An address points one place only, so a page taking a
    slug (back) ends any redirect from it.
    """
    SlugHistory.objects.filter(slug=condition.slug).delete()
    if old_slug and condition.publications.public().exists():
        SlugHistory.objects.update_or_create(slug=old_slug, defaults={"condition": condition})


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
        step.notify.append(lambda: notifications.submitted(locked, by=by, comment=comment))


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
        step.notify.append(lambda: notifications.changes_requested(locked, by=by, comment=comment))


def _previous_clinical(condition: Condition) -> Publication | None:
    return (
        condition.publications.filter(kind=Publication.Kind.CLINICAL, cancelled_at__isnull=True)
        .order_by("-number")
        .first()
    )


def _checked_attestation(kind: str, attestation: Iterable[str] | None) -> dict[str, str]:
    """The checklist a clinical reviewer confirmed, as stored: {item: the statement confirmed}."""
    ticked = set(attestation or ())
    unknown = ticked - set(CHECKLIST)
    if unknown:
        raise WorkflowError(f"Unknown checklist item(s): {', '.join(sorted(unknown))}.")
    if kind != Publication.Kind.CLINICAL:
        return {key: CHECKLIST[key] for key in CHECKLIST if key in ticked}
    missing = [statement for key, statement in CHECKLIST.items() if key not in ticked]
    if missing:
        raise WorkflowError(
            "A clinical review needs every item of the review checklist confirmed. Not yet confirmed: "
            + " ".join(missing)
        )
    return dict(CHECKLIST)


def _review_dates(locked: Condition, kind: str, by, today: date) -> tuple[date | None, str, date | None]:
    """Reviewed on, reviewed by, next review due: new for a clinical review, kept for a copy edit."""
    if kind == Publication.Kind.CLINICAL:
        return today, display_name(by), add_months(today, locked.review_interval_months)
    previous = _previous_clinical(locked)
    if previous is None:
        raise WorkflowError(
            "This page has never had a clinical review, so it cannot be published as an "
            "editorial change. Approve it as a clinical review."
        )
    return locked.last_reviewed_on, previous.reviewed_by_name, locked.next_review_due


def _flag_stale_short_answers(locked: Condition, previous: Publication | None, new_data: dict) -> None:
    """After a clinical review that changed the sections, unchanged short answers need a second look."""
    if previous is None:
        return

    def sections(data: dict) -> list[tuple]:
        return [(s["kind"], s["heading"], s["markdown"]) for s in data.get("sections", [])]

    if sections(previous.structured_data) == sections(new_data):
        return
    before = {
        (a["question"], a["answer_markdown"], a["details_markdown"])
        for a in previous.structured_data.get("short_answers", [])
    }
    for answer in locked.short_answers.all():
        if (answer.question, answer.answer, answer.details) in before and not answer.needs_review:
            answer.needs_review = True
            answer.save(update_fields=["needs_review"])


def _aware(moment: datetime | None, now: datetime) -> datetime:
    if moment is None:
        return now
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _cancel_scheduled(locked: Condition, now: datetime) -> None:
    pending = locked.scheduled_publication
    if pending is not None:
        pending.cancelled_at = now
        pending.save(update_fields=["cancelled_at"])
        locked.scheduled_publication = None


def approve(
    condition: Condition,
    *,
    by,
    comment: str = "",
    kind: str = "clinical",
    attestation: Iterable[str] | None = None,
    go_live_at: datetime | None = None,
) -> Publication:
    """Approve the version under review as a frozen Publication, live now or at ``go_live_at``.

    ``kind="clinical"`` is a medical review: every item of :data:`CHECKLIST` must be confirmed in
    ``attestation``, and the review dates are set. ``kind="editorial"`` (a copy edit) keeps the
    review dates and reviewer of the last clinical review, and needs one to exist.
    """
    if kind not in Publication.Kind.values:
        raise WorkflowError(f"Unknown approval kind “{kind}”: use “clinical” or “editorial”.")
    now = timezone.now()
    go_live_at = _aware(go_live_at, now)
    scheduled = go_live_at > now
    with _transition(condition, by=by, comment=comment or f"Approved ({kind} review)") as step:
        locked = step.condition
        _refuse_unless(refusal_approve, locked, by)
        problems = publish_problems(locked)
        if problems:
            raise WorkflowError("This page cannot be published. " + " ".join(problems))
        confirmed = _checked_attestation(kind, attestation)
        reviewed_on, reviewer, next_due = _review_dates(locked, kind, by, timezone.localdate(now))
        page = render_condition(
            locked,
            ReviewInfo(reviewer, reviewed_on, next_due, updated_on=timezone.localdate(go_live_at)),
        )
        if kind == Publication.Kind.CLINICAL:
            _flag_stale_short_answers(locked, locked.live_publication, page.structured_data)
        _cancel_scheduled(locked, now)
        step.publication = Publication.objects.create(
            condition=locked,
            number=(locked.publications.aggregate(n=Max("number"))["n"] or 0) + 1,
            title=locked.name,
            summary=locked.summary,
            also_called=locked.also_called,
            html=page.html,
            structured_data=page.structured_data,
            approved_by=by,
            kind=kind,
            approved_at=now,
            go_live_at=go_live_at,
            went_live_at=None if scheduled else now,
            reviewed_on=reviewed_on,
            reviewed_by_name=reviewer,
            next_review_due=next_due,
            change_summary=comment,
            attestation=confirmed,
        )
        PublicationReference.objects.bulk_create(
            PublicationReference(publication=step.publication, reference=reference, number=number)
            for number, reference in enumerate(page.references, start=1)
        )
        if scheduled:
            locked.scheduled_publication = step.publication
        else:
            locked.live_publication = step.publication
        locked.status = Status.PUBLISHED
        locked.last_reviewed_on, locked.next_review_due = reviewed_on, next_due
        locked.save()
        if not scheduled:  # live now: findable at once (a scheduled one is indexed by _go_live)
            search.index(locked)
        step.event = _event(
            locked,
            by=by,
            action=Action.APPROVE,
            from_status=Status.EXPERT_REVIEW,
            comment=comment,
            publication=step.publication,
        )
        step.notify.append(lambda: notifications.approved(locked, step.publication, by=by))
        step.notify.append(caching.site_changed)
    return step.publication


def go_live(condition: Condition, *, by, now: datetime | None = None) -> Publication | None:
    """Make a scheduled publication public if its time has come; None when nothing was due."""
    now = now or timezone.now()
    try:
        with _transition(condition, by=by, comment="Scheduled publication went live") as step:
            return _go_live(step, by=by, now=now)
    except _NothingDue:
        return None


class _NothingDue(Exception):
    """Raised inside a transition to roll it back: another run already did the work."""


def _go_live(step: _Step, *, by, now: datetime) -> Publication:
    locked = step.condition
    pending = locked.scheduled_publication
    if pending is None or pending.go_live_at > now:
        raise _NothingDue
    pending.went_live_at = now
    pending.save(update_fields=["went_live_at"])
    locked.live_publication, locked.scheduled_publication = pending, None
    locked.save(update_fields=["live_publication", "scheduled_publication", "updated_at"])
    search.index(locked)
    step.event = _event(locked, by=by, action=Action.GO_LIVE, from_status=locked.status, publication=pending)
    step.publication = pending
    step.notify.append(lambda: notifications.went_live(locked, pending))
    step.notify.append(caching.site_changed)
    return pending


def publish_scheduled(*, by, now: datetime | None = None) -> list[Publication]:
    """Every scheduled publication whose time has come goes live. Safe to run again at any time."""
    now = now or timezone.now()
    due = Condition.objects.filter(
        scheduled_publication__go_live_at__lte=now, scheduled_publication__cancelled_at__isnull=True
    ).order_by("scheduled_publication__go_live_at")
    published = []
    for condition in due:
        publication = go_live(condition, by=by, now=now)
        if publication is not None:
            published.append(publication)
    return published


def refusal_cancel_schedule(condition: Condition, user) -> str | None:
    if not user.has_perm(REVIEW):
        return "Only medical reviewers can cancel a scheduled publication."
    if condition.scheduled_publication_id is None:
        return f"“{condition}” has no scheduled publication."
    return None


def can_cancel_schedule(condition: Condition, user) -> bool:
    return refusal_cancel_schedule(condition, user) is None


def cancel_schedule(condition: Condition, *, by, comment: str = "") -> None:
    """Stop a scheduled publication; the working copy goes back to draft for another review."""
    with _transition(condition, by=by, comment=comment or "Scheduled publication cancelled") as step:
        locked = step.condition
        _refuse_unless(refusal_cancel_schedule, locked, by)
        step.publication = locked.scheduled_publication
        from_status = locked.status
        _cancel_scheduled(locked, timezone.now())
        if locked.status == Status.PUBLISHED:
            locked.status = Status.DRAFT
        locked.save(update_fields=["status", "scheduled_publication", "updated_at"])
        step.event = _event(
            locked,
            by=by,
            action=Action.CANCEL_SCHEDULE,
            from_status=from_status,
            comment=comment,
            publication=step.publication,
        )


def unpublish(condition: Condition, *, by, reason: str) -> None:
    """Take the page offline (its URL then answers 410 Gone), cancelling any scheduled version."""
    with _transition(condition, by=by, comment=f"Unpublished: {reason}") as step:
        locked = step.condition
        _refuse_unless(refusal_unpublish, locked, by)
        if not (reason or "").strip():
            raise WorkflowError("Give a reason for taking the page offline.")
        from_status = locked.status
        locked.live_publication = None
        _cancel_scheduled(locked, timezone.now())
        if locked.status == Status.PUBLISHED:
            locked.status = Status.DRAFT
        locked.save(update_fields=["status", "live_publication", "scheduled_publication", "updated_at"])
        search.remove(locked)
        step.event = _event(locked, by=by, action=Action.UNPUBLISH, from_status=from_status, comment=reason)
        step.notify.append(caching.site_changed)


def refusal_confirm_short_answers(condition: Condition, user) -> str | None:
    if not user.has_perm(EDIT):
        return "You do not have permission to edit condition pages."
    # Read through .all(), so the edit page's prefetched answers serve it (a page has a few).
    if not any(answer.needs_review for answer in condition.short_answers.all()):
        return f"No short answer of “{condition}” is waiting to be confirmed."
    return None


def can_confirm_short_answers(condition: Condition, user) -> bool:
    return refusal_confirm_short_answers(condition, user) is None


def confirm_short_answers(condition: Condition, *, by, comment: str = "") -> int:
    """An editor confirms that the flagged short answers still hold; returns how many were cleared."""
    with _transition(
        condition, by=by, comment=comment or "Short answers confirmed as still accurate"
    ) as step:
        locked = step.condition
        _refuse_unless(refusal_confirm_short_answers, locked, by)
        flagged = list(locked.short_answers.filter(needs_review=True))
        for answer in flagged:
            answer.needs_review = False
            answer.save(update_fields=["needs_review"])
        step.event = _event(
            locked, by=by, action=Action.CONFIRM_ANSWERS, from_status=locked.status, comment=comment
        )
    return len(flagged)
