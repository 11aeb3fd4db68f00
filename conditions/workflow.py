"""The review workflow: draft -> expert review -> published.

Every state change of a condition happens here, one function per transition. Each runs in a
transaction holding the condition's row lock, checks the starting state and the actor's rights
(through the same ``refusal_*`` helper that decides which buttons the admin shows), records a
ReviewEvent and a reversion revision, and raises :class:`WorkflowError` with a sentence the
person can act on. Views and admin actions call these functions; nothing else sets ``status``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import reversion
from django.db import transaction
from django.db.models import Max, Q
from django.utils import formats, timezone
from reversion.models import Version

from conditions import authorship, notifications
from conditions.checks import publish_problems
from conditions.models import Condition, Publication, ReviewEvent, SlugHistory, Status, display_name
from conditions.pagecontent import PageContent, content_at, content_of
from conditions.public import caching, search
from conditions.rendering import ReviewInfo, render_page
from medsite.dates import add_months
from references.models import PublicationReference, Reference

logger = logging.getLogger(__name__)

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


class StaleDecision(WorkflowError):
    """A review decision was made on a version that is no longer the one in review."""


@dataclass(frozen=True)
class ReviewedVersion:
    """The version a reviewer is looking at: the submission's revision and its content hash.

    The review screens put it in every decision form; a decision carrying any other is refused.
    """

    revision_id: int
    content_hash: str


# --- who may do what -------------------------------------------------------------------------


def _latest_submission(condition: Condition) -> ReviewEvent | None:
    """The page's latest submission, read once per state of ``condition`` (the predicates, the
    decision forms and the review screen all ask for it)."""
    state = (condition.pk, condition.status, condition.updated_at)
    remembered = condition.__dict__.get("_latest_submission")
    if remembered is not None and remembered[0] == state:
        return remembered[1]
    event = (
        condition.review_events.filter(action=Action.SUBMIT)
        .select_related("actor__reviewer_profile")
        .order_by("-id")
        .first()
    )
    condition.__dict__["_latest_submission"] = (state, event)
    return event


def _submitter_id(condition: Condition) -> int | None:
    event = _latest_submission(condition)
    return event.actor_id if event else None


def reviewed_version(condition: Condition) -> ReviewedVersion | None:
    """The version now in review, to be carried by the decision forms; None when none is."""
    if condition.status != Status.EXPERT_REVIEW:
        return None
    event = _latest_submission(condition)
    if event is None or event.revision_id is None:
        return None
    return ReviewedVersion(event.revision_id, event.content_hash)


def submission_label(condition: Condition) -> str:
    """Which version is in review, in words ("" when none is)."""
    event = _latest_submission(condition) if condition.status == Status.EXPERT_REVIEW else None
    if event is None:
        return ""
    when = formats.date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT")
    return f"the version {display_name(event.actor)} submitted on {when}"


def contributors(condition: Condition) -> set[int]:
    """Ids of everyone who may not approve the working copy: whoever wrote it (computed from its
    content and history, ``conditions.authorship``) and, in review, whoever submitted it."""
    submitter = _submitter_id(condition) if condition.status == Status.EXPERT_REVIEW else None
    people = authorship.contributors(condition, content_of(condition))
    return people | {submitter} if submitter else people


def _recorded_contributors(condition: Condition) -> set[int]:
    """The contributors the submission in review recorded: cheap enough for every screen."""
    event = _latest_submission(condition)
    if event is None:
        return set()
    return {event.actor_id, *event.contributors.values_list("pk", flat=True)}


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
    if user.pk in _recorded_contributors(condition):
        return _OWN_WORK
    return None


_OWN_WORK = (
    "You edited or submitted this version, or wrote part of what it shows, so another medical "
    "reviewer must approve it (no one approves their own edit)."
)


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
    public_change: bool = False  # what the public sees changed: retire the cached pages
    notify: list[Callable[[], None]] = field(default_factory=list)


@contextmanager
def _transition(condition: Condition, *, by, comment: str) -> Iterator[_Step]:
    """Lock the row, open a revision, and hand the locked condition to the transition body.

    The body checks, changes and saves; the revision then records the condition with its
    sections, short answers and references as they stand, and the event (and publication) the
    body wrote are linked to that revision. ``condition`` is refreshed afterwards.

    Once the transaction commits, cached pages are retired first (when the body says the public
    site changed), then the email is sent. Neither can fail the committed change: each runs as a
    robust on-commit callback, whose errors are logged.
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
        if step.public_change:
            transaction.on_commit(caching.site_changed, robust=True)
        for send in step.notify:
            transaction.on_commit(send, robust=True)
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

    The working copy's slug is only a proposal: the public address changes when a version
    carrying it is approved and goes live (:func:`_take_address`).
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
    condition.status = Status.DRAFT
    condition.updated_by = by
    if reversion.is_active():
        # The revision names who wrote it: authorship (four eyes) is read from the history.
        reversion.set_user(by)
    condition.save()
    _event(condition, by=by, action=Action.EDIT, from_status=from_status, comment=comment)


def submit(condition: Condition, *, by, comment: str = "") -> None:
    """Send the draft to expert review; its content is frozen until a decision.

    The submission's revision holds the page and every reference it shows, so the page a
    reviewer approves is built from exactly what was submitted; the event records the content's
    hash and who wrote it (:mod:`conditions.authorship`).
    """
    with _transition(condition, by=by, comment=comment or "Submitted for expert review") as step:
        locked = step.condition
        _refuse_unless(refusal_submit, locked, by)
        problems = publish_problems(locked)
        if problems:
            raise WorkflowError("This page cannot go to review yet. " + " ".join(problems))
        content = content_of(locked)
        for reference in Reference.objects.filter(pk__in=list(content.references)):
            reversion.add_to_revision(reference)
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


def _check_reviewed(locked: Condition, reviewed: ReviewedVersion | None) -> ReviewEvent:
    """The submission in review; refused if the decision was made on another version."""
    submission = _latest_submission(locked)
    if submission is None:
        raise WorkflowError(f"“{locked}” has no submission to decide on.")
    if reviewed is not None and reviewed != ReviewedVersion(submission.revision_id, submission.content_hash):
        if not reviewed.revision_id or not reviewed.content_hash:
            raise StaleDecision(
                "This decision does not say which version of the page it was made on, so it was not "
                "recorded. Open the review screen again and decide there."
            )
        when = formats.date_format(timezone.localtime(submission.created_at), "DATETIME_FORMAT")
        raise StaleDecision(
            f"“{locked}” changed after you opened it: {display_name(submission.actor)} submitted a "
            f"new version on {when}. Your decision was not recorded; read the new version and "
            "decide on it."
        )
    return submission


def request_changes(
    condition: Condition, *, by, comment: str, reviewed: ReviewedVersion | None = None
) -> None:
    """Send the page back to its editors, saying what must change.

    ``reviewed`` is the version the reviewer read; a request about any other is refused.
    """
    with _transition(condition, by=by, comment=f"Changes requested: {comment}") as step:
        locked = step.condition
        _refuse_unless(refusal_request_changes, locked, by)
        if not (comment or "").strip():
            raise WorkflowError("Say what needs to change: a comment is required when requesting changes.")
        submission = _check_reviewed(locked, reviewed)
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


def _go_live_time(moment: datetime | None, now: datetime) -> datetime:
    """When an approval is to go live: now, or a later time; a time already past is refused."""
    if moment is None:
        return now
    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    # The form gives minutes: "now" typed a few seconds ago is still this minute.
    if moment < now.replace(second=0, microsecond=0):
        shown = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
        raise WorkflowError(
            f"The go-live time {shown} has already passed. Leave it empty to publish now, or give a "
            "time in the future."
        )
    return moment


def _cancel_scheduled(locked: Condition, now: datetime) -> None:
    pending = locked.scheduled_publication
    if pending is not None:
        pending.cancelled_at = now
        pending.save(update_fields=["cancelled_at"])
        locked.scheduled_publication = None


def _submitted_content(locked: Condition, submission: ReviewEvent) -> PageContent:
    """The content of ``submission``, refused if the page or a reference it shows changed since."""
    content = content_at(submission.revision_id, locked.pk) if submission.revision_id else None
    content = content or content_of(locked)
    digest = content.content_hash()
    as_submitted = not submission.content_hash or digest == submission.content_hash
    if not as_submitted or digest != content_of(locked).content_hash():
        raise WorkflowError(
            f"“{locked}”, or a reference it shows, changed after it was submitted, so what you would "
            "approve is not what was submitted. Withdraw it and submit it again."
        )
    return content


def address_holder(slug: str, *, exclude: Condition) -> Condition | None:
    """Another page the public reads at ``slug`` now, or will when its scheduled version goes live."""
    return (
        Condition.objects.exclude(pk=exclude.pk)
        .filter(Q(live_publication__slug=slug) | Q(scheduled_publication__slug=slug))
        .first()
    )


def address_notes(condition: Condition) -> list[str]:
    """What approving the working copy does to public addresses, for the review screen."""
    slug = condition.slug
    live = condition.live_publication
    if live is not None and live.slug == slug:
        return []
    notes = []
    if live is not None:
        notes.append(
            f"The page moves from /conditions/{live.slug}/ to /conditions/{slug}/; the old address "
            "will redirect to the new one."
        )
    holder = address_holder(slug, exclude=condition)
    if holder is not None:
        notes.append(
            f"/conditions/{slug}/ is the public address of “{holder.public_name}”: this version cannot "
            "be approved until one of the two pages has another address."
        )
        return notes
    redirect = SlugHistory.objects.filter(slug=slug).exclude(condition=condition).select_related("condition")
    earlier = (
        Publication.objects.public()
        .filter(slug=slug)
        .exclude(condition=condition)
        .order_by("-went_live_at")
        .first()
    )
    if redirect:
        other = redirect[0].condition
        notes.append(
            f"/conditions/{slug}/ used to be the address of “{other.public_name}” and redirects there now; "
            "approving gives it to this page."
        )
    elif earlier is not None:
        notes.append(
            f"/conditions/{slug}/ was the address of “{earlier.title}”, which was taken offline (the "
            "address answers 410 Gone); approving gives it to this page."
        )
    return notes


def _check_address(locked: Condition, slug: str) -> None:
    holder = address_holder(slug, exclude=locked)
    if holder is not None:
        raise WorkflowError(
            f"The address /conditions/{slug}/ belongs to the published page “{holder.public_name}”. "
            "Give this page another address, or move that page first."
        )


def _take_address(locked: Condition, publication: Publication) -> None:
    """The page is now read at ``publication.slug``; an address it leaves redirects here.

    An address given to this page by an approval stops redirecting anywhere else: the reviewer
    saw that it had served another page (the review screen says so).
    """
    previous = locked.live_publication
    SlugHistory.objects.filter(slug=publication.slug).delete()
    if previous is not None and previous.slug and previous.slug != publication.slug:
        SlugHistory.objects.update_or_create(slug=previous.slug, defaults={"condition": locked})


def approve(
    condition: Condition,
    *,
    by,
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
    go_live_at = _go_live_time(go_live_at, now)
    scheduled = go_live_at > now
    with _transition(condition, by=by, comment=comment or f"Approved ({kind} review)") as step:
        locked = step.condition
        _refuse_unless(refusal_approve, locked, by)
        submission = _check_reviewed(locked, reviewed)
        content = _submitted_content(locked, submission)
        if by.pk in authorship.contributors(locked, content) | {submission.actor_id}:
            raise WorkflowError(_OWN_WORK)
        problems = publish_problems(locked)
        if problems:
            raise WorkflowError("This page cannot be published. " + " ".join(problems))
        _check_address(locked, content.slug)
        confirmed = _checked_attestation(kind, attestation)
        reviewed_on, reviewer, next_due = _review_dates(locked, kind, by, timezone.localdate(now))
        page = render_page(
            content, ReviewInfo(reviewer, reviewed_on, next_due, updated_on=timezone.localdate(go_live_at))
        )
        if kind == Publication.Kind.CLINICAL:
            _flag_stale_short_answers(locked, locked.live_publication, page.structured_data)
        _cancel_scheduled(locked, now)
        step.publication = Publication.objects.create(
            condition=locked,
            number=(locked.publications.aggregate(n=Max("number"))["n"] or 0) + 1,
            title=content.name,
            slug=content.slug,
            summary=content.summary,
            also_called=content.also_called,
            html=page.html,
            structured_data=page.structured_data,
            content_revision_id=submission.revision_id,
            content_hash=content.content_hash(),
            content_atoms=content.atoms(),
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
            PublicationReference(publication=step.publication, reference_id=reference.id, number=number)
            for number, reference in enumerate(page.references, start=1)
        )
        if scheduled:
            locked.scheduled_publication = step.publication
        else:
            _take_address(locked, step.publication)
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
        step.notify.append(lambda: notifications.approved(locked, step.publication, by=by))
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
    _take_address(locked, pending)
    locked.live_publication, locked.scheduled_publication = pending, None
    locked.save(update_fields=["live_publication", "scheduled_publication", "updated_at"])
    search.index(locked)
    step.event = _event(locked, by=by, action=Action.GO_LIVE, from_status=locked.status, publication=pending)
    step.publication = pending
    step.public_change = True
    step.notify.append(lambda: notifications.went_live(locked, pending))
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


def _retract(locked: Condition, numbers: Iterable[int], *, by, reason: str, now: datetime) -> list[int]:
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


def unpublish(condition: Condition, *, by, reason: str, retract: Iterable[int] = ()) -> None:
    """Take the page offline (its URL then answers 410 Gone), cancelling any scheduled version.

    ``retract`` names versions (by number) to withdraw from the public archive as well, for a
    safety reason: they then answer 410 with ``reason``, and never come back.
    """
    with _transition(condition, by=by, comment=f"Unpublished: {reason}") as step:
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


def refusal_retract(condition: Condition, user) -> str | None:
    if not user.has_perm(UNPUBLISH):
        return "You do not have permission to withdraw published versions."
    if not condition.publications.readable().exclude(pk=condition.live_publication_id).exists():
        return f"“{condition}” has no earlier public version to withdraw."
    return None


def can_retract(condition: Condition, user) -> bool:
    return refusal_retract(condition, user) is None


def retract(condition: Condition, *, by, numbers: Iterable[int], reason: str) -> list[int]:
    """Withdraw earlier public versions from the archive (for a safety reason).

    The live version cannot be withdrawn this way: unpublish the page (and retract it there).
    """
    numbers = list(numbers)
    with _transition(condition, by=by, comment=f"Withdrawn from the archive: {reason}") as step:
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
