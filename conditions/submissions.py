"""The version in review: which it is, who wrote it, and whether a decision was made on it.

A submission (the SUBMIT review event) names the reversion revision sent to review and its
content hash. The review screens put that pair in every decision form; the workflow refuses a
decision carrying any other (invariant 1 of review), and builds a publication from exactly the
submitted revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import formats, timezone

from conditions import authorship
from conditions.errors import StaleDecision, WorkflowError
from conditions.models import Condition, ReviewEvent, Status, display_name
from conditions.pagecontent import PageContent, content_at, content_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class ReviewedVersion:
    """The version a reviewer is looking at: the submission's revision and its content hash.

    The review screens put it in every decision form; a decision carrying any other is refused.
    """

    revision_id: int
    content_hash: str


def latest_submission(condition: Condition) -> ReviewEvent | None:
    """The page's latest submission, read once per state of ``condition`` (the predicates, the
    decision forms and the review screen all ask for it)."""
    state = (condition.pk, condition.status, condition.updated_at)
    remembered = condition.__dict__.get("_latest_submission")
    if remembered is not None and remembered[0] == state:
        return remembered[1]
    event = (
        condition.review_events.filter(action=ReviewEvent.Action.SUBMIT)
        .select_related("actor__reviewer_profile")
        .order_by("-id")
        .first()
    )
    condition.__dict__["_latest_submission"] = (state, event)
    return event


def last_decision_by(condition: Condition, user: User) -> ReviewEvent | None:
    """The latest decision ``user`` made on ``condition`` (changes requested, or approved) that
    names the revision it recorded: the page as that reviewer read it then."""
    decisions = [ReviewEvent.Action.REQUEST_CHANGES, ReviewEvent.Action.APPROVE]
    return (
        condition.review_events.filter(actor_id=user.pk, action__in=decisions, revision__isnull=False)
        .order_by("-id")
        .first()
    )


def submitter_id(condition: Condition) -> int | None:
    event = latest_submission(condition)
    return event.actor_id if event else None


def reviewed_version(condition: Condition) -> ReviewedVersion | None:
    """The version now in review, to be carried by the decision forms; None when none is."""
    if condition.status != Status.EXPERT_REVIEW:
        return None
    event = latest_submission(condition)
    if event is None or event.revision_id is None:
        return None
    return ReviewedVersion(event.revision_id, event.content_hash)


def submission_label(condition: Condition) -> str:
    """Which version is in review, in words ("" when none is)."""
    event = latest_submission(condition) if condition.status == Status.EXPERT_REVIEW else None
    if event is None:
        return ""
    when = formats.date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT")
    return f"the version {display_name(event.actor)} submitted on {when}"


def contributors(condition: Condition) -> set[int]:
    """Ids of everyone who may not approve the working copy: whoever wrote it (computed from its
    content and history, ``conditions.authorship``) and, in review, whoever submitted it."""
    submitter = submitter_id(condition) if condition.status == Status.EXPERT_REVIEW else None
    people = authorship.contributors(condition, content_of(condition))
    return people | {submitter} if submitter else people


def recorded_contributors(condition: Condition) -> set[int]:
    """The contributors the submission in review recorded: cheap enough for every screen."""
    event = latest_submission(condition)
    if event is None:
        return set()
    return {event.actor_id, *event.contributors.values_list("pk", flat=True)}


def check_reviewed(locked: Condition, reviewed: ReviewedVersion | None) -> ReviewEvent:
    """The submission in review; refused if the decision was made on another version."""
    submission = latest_submission(locked)
    if submission is None:
        raise WorkflowError(f"“{locked}” has no submission to decide on.")
    submitted = (submission.revision_id, submission.content_hash)
    if reviewed is not None and (reviewed.revision_id, reviewed.content_hash) != submitted:
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


def submitted_content(locked: Condition, submission: ReviewEvent) -> PageContent:
    """The content of ``submission``, refused if the page, or a reference or image it shows, changed
    since."""
    content = content_at(submission.revision_id, locked.pk) if submission.revision_id else None
    content = content or content_of(locked)
    digest = content.content_hash()
    as_submitted = not submission.content_hash or digest == submission.content_hash
    if not as_submitted or digest != content_of(locked).content_hash():
        raise WorkflowError(
            f"“{locked}”, or a reference or image it shows, changed after it was submitted, so what you "
            "would approve is not what was submitted. Withdraw it and submit it again."
        )
    return content
