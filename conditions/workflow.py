"""The review workflow: draft -> expert review -> published.

Every state change of a condition happens here, one function per transition. Each runs in a
transaction holding the condition's row lock, checks the starting state and the actor's rights
(through the same ``refusal_*`` helper that decides which buttons the admin shows), records a
ReviewEvent and a reversion revision, and raises :class:`WorkflowError` with a sentence the
person can act on. Views and admin actions call these functions; nothing else sets ``status``.

:data:`TRANSITIONS` is the table of the transitions a person takes in the admin: each one's
verb, refusal, form and wording. Built from: :mod:`conditions.permissions` (who may do what, and
the edit guard), :mod:`conditions.steps` (the lock, revision and on-commit work every transition
runs in), :mod:`conditions.submissions` (the version in review), :mod:`conditions.approval` (the
checklist, review dates and the frozen publication) and :mod:`conditions.addresses`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import reversion
from django.utils import timezone

from conditions import authorship, notifications, steps
from conditions import workflow_forms as forms
from conditions.addresses import address_holder, check_address, take_address
from conditions.approval import CHECKLIST as CHECKLIST
from conditions.approval import checked_attestation, freeze, go_live_time, review_dates
from conditions.checks import publish_problems
from conditions.errors import EditConflict as EditConflict
from conditions.errors import StaleDecision as StaleDecision
from conditions.errors import WorkflowError
from conditions.models import Condition, Publication, ReviewEvent, Status
from conditions.pagecontent import content_of
from conditions.permissions import EDIT as EDIT
from conditions.permissions import (
    OWN_WORK,
    check_editable,
    owned_fields,
    refusal_approve,
    refusal_cancel_schedule,
    refusal_confirm_short_answers,
    refusal_request_changes,
    refusal_retract,
    refusal_submit,
    refusal_unpublish,
    refusal_withdraw,
    unavailable_approve,
    unavailable_cancel_schedule,
    unavailable_confirm_short_answers,
    unavailable_request_changes,
    unavailable_retract,
    unavailable_submit,
    unavailable_unpublish,
    unavailable_withdraw,
)
from conditions.permissions import REVIEW as REVIEW
from conditions.permissions import UNPUBLISH as UNPUBLISH
from conditions.permissions import can_edit as can_edit
from conditions.public import search
from conditions.rendering import ReviewInfo, render_page
from conditions.submissions import ReviewedVersion, check_reviewed, submitted_content
from conditions.submissions import contributors as contributors
from conditions.submissions import reviewed_version as reviewed_version
from conditions.submissions import submission_label as submission_label
from images.models import Image
from references.models import Reference

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    # A transition's ``refusal_<verb>`` (conditions.permissions): None, or why ``user`` may not.
    Refusal = Callable[[Condition, User | AnonymousUser], str | None]
    # Its ``unavailable_<verb>``: None, or why the page's state rules the step out for anybody.
    Unavailable = Callable[[Condition], str | None]

logger = logging.getLogger(__name__)

Action = ReviewEvent.Action


# --- shared by every transition -------------------------------------------------------------


def _refuse_unless(refusal: Refusal, condition: Condition, user: User) -> None:
    message = refusal(condition, user)
    if message:
        raise WorkflowError(message)


def _event(
    condition: Condition, *, by: User, action: str, from_status: str, comment: str = "", **extra
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


# --- edits -----------------------------------------------------------------------------------


def save_draft(condition: Condition, *, by: User, comment: str = "", lock_version: int | None = None) -> None:
    """Save an edit of ``condition`` (already changed in memory) as the new working draft.

    Call inside the caller's transaction and revision block, before saving sections and other
    children. ``lock_version`` is the version the editor's form was opened at; a mismatch means
    somebody else saved first, and the edit is refused so it overwrites nothing.

    The working copy's slug is only a proposal: the public address changes when a version
    carrying it is approved and goes live (:func:`conditions.addresses.take_address`).
    """
    current = check_editable(condition, by, lock_version=lock_version)
    from_status: str = Status.DRAFT
    if current is None:
        condition.created_by = by
    else:
        # ``condition`` may have been read before the lock: what the workflow owns comes from the
        # locked row, so an edit never undoes an approval or go-live that committed in between.
        for name in owned_fields():
            setattr(condition, name, getattr(current, name))
        from_status = current.status
        condition.lock_version = current.lock_version + 1
    condition.status = Status.DRAFT
    condition.updated_by = by
    if reversion.is_active():
        # The revision names who wrote it: authorship (four eyes) is read from the history.
        reversion.set_user(by)
    condition.save()
    _event(condition, by=by, action=Action.EDIT, from_status=from_status, comment=comment)


# --- transitions -----------------------------------------------------------------------------


def submit(condition: Condition, *, by: User, comment: str = "") -> None:
    """Send the draft to expert review; its content is frozen until a decision.

    The submission's revision holds the page and every reference and image it shows, so the page a
    reviewer approves is built from exactly what was submitted; the event records the content's
    hash and who wrote it (:mod:`conditions.authorship`).
    """
    with steps.transition(condition, by=by, comment=comment or "Submitted for expert review") as step:
        locked = step.condition
        _refuse_unless(refusal_submit, locked, by)
        problems = publish_problems(locked)
        if problems:
            raise WorkflowError("This page cannot go to review yet. " + " ".join(problems))
        content = content_of(locked)
        for reference in Reference.objects.filter(pk__in=list(content.references)):
            reversion.add_to_revision(reference)
        for image in Image.objects.filter(pk__in=[image.id for image in content.images.values()]):
            reversion.add_to_revision(image)
        locked.status = Status.EXPERT_REVIEW
        locked.save(update_fields=["status", "updated_at"])
        step.event = _event(
            locked,
            by=by,
            action=Action.SUBMIT,
            from_status=Status.DRAFT,
            comment=comment,
            content_hash=content.content_hash(),
        )
        step.event.contributors.set(authorship.contributors(locked, content))
        step.notify.append(lambda: notifications.submitted(locked, by=by, comment=comment))


def withdraw(condition: Condition, *, by: User, comment: str = "") -> None:
    """Take a page back out of review, to edit it further."""
    with steps.transition(condition, by=by, comment=comment or "Withdrawn from expert review") as step:
        locked = step.condition
        _refuse_unless(refusal_withdraw, locked, by)
        locked.status = Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        step.event = _event(
            locked, by=by, action=Action.WITHDRAW, from_status=Status.EXPERT_REVIEW, comment=comment
        )


def request_changes(
    condition: Condition, *, by: User, comment: str, reviewed: ReviewedVersion | None = None
) -> None:
    """Send the page back to its editors, saying what must change.

    ``reviewed`` is the version the reviewer read; a request about any other is refused.
    """
    with steps.transition(condition, by=by, comment=f"Changes requested: {comment}") as step:
        locked = step.condition
        _refuse_unless(refusal_request_changes, locked, by)
        if not (comment or "").strip():
            raise WorkflowError("Say what needs to change: a comment is required when requesting changes.")
        submission = check_reviewed(locked, reviewed)
        locked.status = Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        step.event = _event(
            locked,
            by=by,
            action=Action.REQUEST_CHANGES,
            from_status=Status.EXPERT_REVIEW,
            comment=comment,
            content_hash=submission.content_hash,
        )
        step.notify.append(lambda: notifications.changes_requested(locked, by=by, comment=comment))


def _flag_stale_short_answers(locked: Condition, previous: Publication | None, new_data: dict) -> None:
    """After a clinical review that changed the sections, unchanged short answers need a second look.

    ``new_data`` is the new page as it will be stored (``RenderedPage.structured_data``).
    """
    from conditions.publishedpage import PublishedPage

    if previous is None:
        return

    def sections(page: PublishedPage) -> list[tuple]:
        return [(s.kind, s.heading, s.markdown) for s in page.sections]

    if sections(previous.page) == sections(PublishedPage.from_json(new_data)):
        return
    before = {(a.question, a.answer_markdown, a.details_markdown) for a in previous.page.short_answers}
    for answer in locked.short_answers.all():
        if (answer.question, answer.answer, answer.details) in before and not answer.needs_review:
            answer.needs_review = True
            answer.save(update_fields=["needs_review"])


def _cancel_scheduled(locked: Condition, now: datetime) -> None:
    pending = locked.scheduled_publication
    if pending is not None:
        pending.cancelled_at = now
        pending.save(update_fields=["cancelled_at"])
        locked.scheduled_publication = None


def approve(
    condition: Condition,
    *,
    by: User,
    comment: str = "",
    kind: str = "clinical",
    attestation: Iterable[str] | None = None,
    go_live_at: datetime | None = None,
    reviewed: ReviewedVersion | None = None,
) -> Publication:
    """Approve the version under review as a frozen Publication, live now or at ``go_live_at``.

    ``kind="clinical"`` is a medical review: every item of :data:`CHECKLIST` must be confirmed in
    ``attestation``, and the review dates are set. ``kind="editorial"`` (a copy edit) keeps the
    review dates and reviewer of the last clinical review, and needs one to exist.

    ``reviewed`` is the version the reviewer read (the review screens send it); an approval of
    any other version is refused. The publication is built from the submission's revision.
    """
    if kind not in Publication.Kind.values:
        raise WorkflowError(f"Unknown approval kind “{kind}”: use “clinical” or “editorial”.")
    now = timezone.now()
    go_live_at = go_live_time(go_live_at, now)
    scheduled = go_live_at > now
    with steps.transition(condition, by=by, comment=comment or f"Approved ({kind} review)") as step:
        locked = step.condition
        _refuse_unless(refusal_approve, locked, by)
        submission = check_reviewed(locked, reviewed)
        content = submitted_content(locked, submission)
        if by.pk in authorship.contributors(locked, content) | {submission.actor_id}:
            raise WorkflowError(OWN_WORK)
        problems = publish_problems(locked)
        if problems:
            raise WorkflowError("This page cannot be published. " + " ".join(problems))
        check_address(locked, content.slug)
        confirmed = checked_attestation(kind, attestation, content.references)
        reviewed_on, reviewer, next_due = review_dates(locked, kind, by, timezone.localdate(now))
        page = render_page(
            content, ReviewInfo(reviewer, reviewed_on, next_due, updated_on=timezone.localdate(go_live_at))
        )
        if kind == Publication.Kind.CLINICAL:
            _flag_stale_short_answers(locked, locked.live_publication, page.structured_data)
        _cancel_scheduled(locked, now)
        step.publication = publication = freeze(
            locked,
            content,
            page,
            submission,
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
        if scheduled:
            locked.scheduled_publication = step.publication
        else:
            take_address(locked, step.publication)
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
            content_hash=step.publication.content_hash,
        )
        step.public_change = True
        step.notify.append(lambda: notifications.approved(locked, publication, by=by))
    return publication


def go_live(condition: Condition, *, by: User, now: datetime | None = None) -> Publication | None:
    """Make a scheduled publication public if its time has come; None when nothing was due."""
    now = now or timezone.now()
    try:
        with steps.transition(condition, by=by, comment="Scheduled publication went live") as step:
            return _go_live(step, by=by, now=now)
    except _NothingDue:
        return None


class _NothingDue(Exception):
    """Raised inside a transition to roll it back: another run already did the work."""


def _go_live(step: steps.Step, *, by: User, now: datetime) -> Publication:
    locked = step.condition
    pending = locked.scheduled_publication
    if pending is None or pending.go_live_at > now:
        raise _NothingDue
    holder = address_holder(pending.slug, exclude=locked)
    if holder is not None and holder.live_publication and holder.live_publication.slug == pending.slug:
        logger.error(
            "Version %s of “%s” was not put live: its address %s is taken by “%s”.",
            pending.number,
            locked,
            pending.slug,
            holder,
        )
        raise _NothingDue
    pending.went_live_at = now
    pending.save(update_fields=["went_live_at"])
    take_address(locked, pending)
    locked.live_publication, locked.scheduled_publication = pending, None
    locked.save(update_fields=["live_publication", "scheduled_publication", "updated_at"])
    search.index(locked)
    step.event = _event(locked, by=by, action=Action.GO_LIVE, from_status=locked.status, publication=pending)
    step.publication = pending
    step.public_change = True
    step.notify.append(lambda: notifications.went_live(locked, pending))
    return pending


def publish_scheduled(*, by: User, now: datetime | None = None) -> list[Publication]:
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


def cancel_schedule(condition: Condition, *, by: User, comment: str = "") -> None:
    """Stop a scheduled publication; the working copy goes back to draft for another review."""
    with steps.transition(condition, by=by, comment=comment or "Scheduled publication cancelled") as step:
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


def _retract(locked: Condition, numbers: Iterable[int], *, by: User, reason: str, now: datetime) -> list[int]:
    """Withdraw the public versions ``numbers`` from the archive; returns the numbers retracted."""
    wanted = sorted(set(numbers))
    found = {p.number: p for p in locked.publications.public().filter(number__in=wanted)}
    unknown = [n for n in wanted if n not in found]
    if unknown:
        listed = ", ".join(str(n) for n in unknown)
        raise WorkflowError(f"“{locked}” has no public version {listed} to withdraw.")
    for publication in found.values():
        if publication.retracted_at is None:
            publication.retracted_at, publication.retracted_by = now, by
            publication.retraction_reason = reason
            publication.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    return wanted


def unpublish(condition: Condition, *, by: User, reason: str, retract: Iterable[int] = ()) -> None:
    """Take the page offline (its URL then answers 410 Gone), cancelling any scheduled version.

    ``retract`` names versions (by number) to withdraw from the public archive as well, for a
    safety reason: they then answer 410 with ``reason``, and never come back.
    """
    with steps.transition(condition, by=by, comment=f"Unpublished: {reason}") as step:
        locked = step.condition
        _refuse_unless(refusal_unpublish, locked, by)
        if not (reason or "").strip():
            raise WorkflowError("Give a reason for taking the page offline.")
        now = timezone.now()
        retracted = _retract(locked, retract, by=by, reason=reason, now=now)
        from_status = locked.status
        locked.live_publication = None
        _cancel_scheduled(locked, now)
        if locked.status == Status.PUBLISHED:
            locked.status = Status.DRAFT
        locked.save(update_fields=["status", "live_publication", "scheduled_publication", "updated_at"])
        search.remove(locked)
        note = f" Withdrew version(s) {', '.join(map(str, retracted))} from the archive." if retracted else ""
        step.event = _event(
            locked, by=by, action=Action.UNPUBLISH, from_status=from_status, comment=reason + note
        )
        step.public_change = True


def retract(condition: Condition, *, by: User, numbers: Iterable[int], reason: str) -> list[int]:
    """Withdraw earlier public versions from the archive (for a safety reason).

    The live version cannot be withdrawn this way: unpublish the page (and retract it there).
    """
    numbers = list(numbers)
    with steps.transition(condition, by=by, comment=f"Withdrawn from the archive: {reason}") as step:
        locked = step.condition
        _refuse_unless(refusal_retract, locked, by)
        if not (reason or "").strip():
            raise WorkflowError("Give the reason these versions are withdrawn; the public will see it.")
        if not numbers:
            raise WorkflowError("Choose the versions to withdraw.")
        live = locked.live_publication
        if live is not None and live.number in numbers:
            raise WorkflowError(
                f"Version {live.number} is the one the public reads now: unpublish the page to withdraw it."
            )
        retracted = _retract(locked, numbers, by=by, reason=reason, now=timezone.now())
        step.event = _event(
            locked,
            by=by,
            action=Action.RETRACT,
            from_status=locked.status,
            comment=f"{reason} (version(s) {', '.join(map(str, retracted))})",
        )
        step.public_change = True
    return retracted


def confirm_short_answers(condition: Condition, *, by: User, comment: str = "") -> int:
    """An editor confirms that the flagged short answers still hold; returns how many were cleared."""
    with steps.transition(
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


# --- the table of transitions ----------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """A transition as a person takes it in the admin: its form, its button and what it runs.

    ``name`` is the admin URL's action segment. The form takes the input and gives the verb its
    keywords besides ``by``; ``done`` completes "“<page>”: …" once the verb succeeded. In the
    admin each step is a box of its own: ``heading`` names it apart from its neighbours,
    ``explains`` says what it does, and ``tone`` colours it ("go", "return", "danger" or
    "neutral"). A step with a ``confirm`` template runs only once confirmed on that page, which
    says what the public will see.
    """

    name: str
    verb: Callable[..., object]
    refusal: Refusal
    form: type[forms.TransitionForm]
    done: str
    button: str
    heading: str
    explains: str
    unavailable: Unavailable
    primary: bool = False  # the panel's main action
    tone: str = "neutral"
    confirm: str = ""

    @property
    def decision(self) -> bool:
        """A decision on the version in review: its form names that version."""
        return issubclass(self.form, forms.DecisionForm)

    def allows(self, condition: Condition, user: User | AnonymousUser) -> bool:
        return self.refusal(condition, user) is None


# In the order the admin's workflow panel offers them.
TRANSITIONS: dict[str, Transition] = {
    transition.name: transition
    for transition in (
        Transition(
            "submit",
            submit,
            refusal_submit,
            forms.SubmitForm,
            done="submitted for expert review",
            button="Submit for expert review",
            heading="Send to a medical reviewer",
            explains=(
                "The version saved now goes to the medical reviewers, who are emailed. It cannot be "
                "edited while it is in review."
            ),
            unavailable=unavailable_submit,
            tone="go",
        ),
        Transition(
            "withdraw",
            withdraw,
            refusal_withdraw,
            forms.WithdrawForm,
            done="withdrawn from review",
            button="Withdraw from review",
            heading="Take it back out of review",
            explains="The page becomes a draft again, to be edited; no decision is recorded.",
            unavailable=unavailable_withdraw,
        ),
        Transition(
            "request_changes",
            request_changes,
            refusal_request_changes,
            forms.RequestChangesForm,
            done="sent back with your requested changes",
            button="Request changes",
            heading="Send back to the editors",
            explains=(
                "The page goes back to draft with your comment, and its editors are emailed. "
                "Nothing public changes."
            ),
            unavailable=unavailable_request_changes,
            tone="return",
        ),
        Transition(
            "approve",
            approve,
            refusal_approve,
            forms.ApproveForm,
            done="approved",
            button="Approve and publish",
            heading="Approve this version",
            explains="The version in review is frozen as a publication: public now, or at the time you give.",
            unavailable=unavailable_approve,
            primary=True,
            tone="go",
        ),
        Transition(
            "cancel_schedule",
            cancel_schedule,
            refusal_cancel_schedule,
            forms.CancelScheduleForm,
            done="scheduled publication cancelled",
            button="Cancel the scheduled publication",
            heading="Scheduled go-live",
            explains=(
                "The approved version does not go live: the public keeps what it sees now, and the page "
                "goes back to draft for another review."
            ),
            unavailable=unavailable_cancel_schedule,
        ),
        Transition(
            "unpublish",
            unpublish,
            refusal_unpublish,
            forms.UnpublishForm,
            done="taken offline",
            button="Unpublish",
            heading="Take the page offline",
            explains=(
                "Its public address will answer “410 Gone”. The next screen says exactly what the "
                "public will see, and asks for your reason."
            ),
            unavailable=unavailable_unpublish,
            tone="danger",
            confirm=forms.TEMPLATES + "confirm_unpublish.html",
        ),
        Transition(
            "retract",
            retract,
            refusal_retract,
            forms.RetractForm,
            done="versions withdrawn from the public archive",
            button="Withdraw the chosen versions",
            heading="Withdraw versions from the public archive",
            explains=(
                "For a safety reason: earlier versions you choose answer “withdrawn” with your reason, "
                "for good. You choose them and confirm on the next screen."
            ),
            unavailable=unavailable_retract,
            tone="danger",
            confirm=forms.TEMPLATES + "confirm_retract.html",
        ),
        Transition(
            "confirm_answers",
            confirm_short_answers,
            refusal_confirm_short_answers,
            forms.ConfirmShortAnswersForm,
            done="short answers confirmed",
            button="Confirm the short answers are still accurate",
            heading="Short answers to re-check",
            explains="",
            unavailable=unavailable_confirm_short_answers,
        ),
    )
}

# can_<verb>(condition, user): whether the admin offers the transition; the verb asks again.
can_submit = TRANSITIONS["submit"].allows
can_withdraw = TRANSITIONS["withdraw"].allows
can_request_changes = TRANSITIONS["request_changes"].allows
can_approve = TRANSITIONS["approve"].allows
can_cancel_schedule = TRANSITIONS["cancel_schedule"].allows
can_unpublish = TRANSITIONS["unpublish"].allows
can_retract = TRANSITIONS["retract"].allows
can_confirm_short_answers = TRANSITIONS["confirm_answers"].allows
