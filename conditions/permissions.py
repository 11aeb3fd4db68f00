"""Who may take which step of the review workflow now, and if not, why not.

One ``refusal_<verb>(condition, user)`` per transition: None when ``user`` may take it on
``condition`` as it stands, else a sentence saying why not and what to do. The admin shows a
transition's button only when its refusal is None (``workflow.can_<verb>``); the transition asks
again under its row lock and raises the sentence as a ``WorkflowError``.

Each refusal starts from ``unavailable_<verb>(condition)``: whether the page's state allows the
step at all, for anybody. The admin shows a step the state allows but the person may not take
with the refusal's sentence ("another medical reviewer must approve it"), rather than leaving it
out; a step the state rules out is not shown.

Edits have one guard, :func:`check_editable`, which every way of editing a page asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conditions.errors import EditConflict, WorkflowError
from conditions.models import Condition, Status
from conditions.submissions import recorded_contributors, submitter_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

EDIT = "conditions.change_condition"
REVIEW = "conditions.review_condition"
UNPUBLISH = "conditions.unpublish_condition"

OWN_WORK = (
    "You edited or submitted this version, or wrote part of what it shows, so another medical "
    "reviewer must approve it (no one approves their own edit)."
)


def refusal_edit(condition: Condition, user: User | AnonymousUser) -> str | None:
    if not user.has_perm(EDIT):
        return "You do not have permission to edit condition pages."
    if condition.status == Status.EXPERT_REVIEW:
        return (
            f"“{condition}” is in expert review and cannot be changed. "
            "Withdraw it from review first, or wait for the reviewer's decision."
        )
    return None


def can_edit(condition: Condition, user: User | AnonymousUser) -> bool:
    return refusal_edit(condition, user) is None


def owned_fields() -> list[str]:
    """The condition's fields the workflow owns (attribute names): every concrete field no form
    edits, so status, publications, review dates, the edit lock, and who made and last saved the
    page and when. An edit or a restored version never brings its own values of these."""
    return [field.attname for field in Condition._meta.concrete_fields if not field.editable]


def check_editable(
    condition: Condition, user: User | AnonymousUser, *, lock_version: int | None = None
) -> Condition | None:
    """The edit guard, asked by every edit (the admin's form, ``workflow.save_draft``, a revert).

    Locks the page's row for the rest of the caller's transaction and returns it (None for a page
    not saved yet). Raises :class:`WorkflowError` if ``user`` may not edit the page now (it is in
    review, say), or :class:`EditConflict` if somebody saved it since the editor's copy was read
    at ``lock_version`` (None: the caller holds no earlier copy).
    """
    current = None
    if condition.pk is not None:
        current = Condition.objects.select_for_update().filter(pk=condition.pk).first()
    refusal = refusal_edit(current or condition, user)
    if refusal:
        raise WorkflowError(refusal)
    if current is not None and lock_version is not None and lock_version != current.lock_version:
        raise EditConflict(
            f"Someone else saved “{current}” while you were editing it. Your changes were not "
            "saved; they are shown below so you can copy them into the current version.",
            current=current,
        )
    return current


def unavailable_submit(condition: Condition) -> str | None:
    if condition.status != Status.DRAFT:
        state = condition.get_status_display().lower()
        return f"Only a draft can be submitted for review; “{condition}” is {state}."
    return None


def refusal_submit(condition: Condition, user: User | AnonymousUser) -> str | None:
    if not user.has_perm(EDIT):
        return "You do not have permission to submit pages for review."
    return unavailable_submit(condition)


def unavailable_withdraw(condition: Condition) -> str | None:
    if condition.status != Status.EXPERT_REVIEW:
        return f"“{condition}” is not in expert review, so there is nothing to withdraw."
    return None


def refusal_withdraw(condition: Condition, user: User | AnonymousUser) -> str | None:
    if unavailable := unavailable_withdraw(condition):
        return unavailable
    if not (user.has_perm(REVIEW) or (user.has_perm(EDIT) and submitter_id(condition) == user.pk)):
        return "Only the person who submitted this page, or a medical reviewer, can withdraw it."
    return None


def unavailable_request_changes(condition: Condition) -> str | None:
    if condition.status != Status.EXPERT_REVIEW:
        return f"“{condition}” is not in expert review."
    return None


def refusal_request_changes(condition: Condition, user: User | AnonymousUser) -> str | None:
    if not user.has_perm(REVIEW):
        return "Only medical reviewers can send a page back with requested changes."
    return unavailable_request_changes(condition)


def unavailable_approve(condition: Condition) -> str | None:
    if condition.status != Status.EXPERT_REVIEW:
        return f"“{condition}” is not in expert review; submit it for review first."
    return None


def refusal_approve(condition: Condition, user: User | AnonymousUser) -> str | None:
    if not user.has_perm(REVIEW):
        return "Only medical reviewers can approve pages for publication."
    if unavailable := unavailable_approve(condition):
        return unavailable
    if user.pk in recorded_contributors(condition):
        return OWN_WORK
    return None


def unavailable_cancel_schedule(condition: Condition) -> str | None:
    if condition.scheduled_publication_id is None:
        return f"“{condition}” has no scheduled publication."
    return None


def refusal_cancel_schedule(condition: Condition, user: User | AnonymousUser) -> str | None:
    if not user.has_perm(REVIEW):
        return "Only medical reviewers can cancel a scheduled publication."
    return unavailable_cancel_schedule(condition)


def unavailable_unpublish(condition: Condition) -> str | None:
    if not condition.is_live:
        return f"“{condition}” is not published."
    return None


def refusal_unpublish(condition: Condition, user: User | AnonymousUser) -> str | None:
    if not user.has_perm(UNPUBLISH):
        return "You do not have permission to take pages offline."
    return unavailable_unpublish(condition)


def unavailable_retract(condition: Condition) -> str | None:
    if not condition.publications.readable().exclude(pk=condition.live_publication_id).exists():
        return f"“{condition}” has no earlier public version to withdraw."
    return None


def refusal_retract(condition: Condition, user: User | AnonymousUser) -> str | None:
    if not user.has_perm(UNPUBLISH):
        return "You do not have permission to withdraw published versions."
    return unavailable_retract(condition)


def unavailable_confirm_short_answers(condition: Condition) -> str | None:
    # Read through .all(), so the edit page's prefetched answers serve it (a page has a few).
    if not any(answer.needs_review for answer in condition.short_answers.all()):
        return f"No short answer of “{condition}” is waiting to be confirmed."
    return None


def refusal_confirm_short_answers(condition: Condition, user: User | AnonymousUser) -> str | None:
    if not user.has_perm(EDIT):
        return "You do not have permission to edit condition pages."
    return unavailable_confirm_short_answers(condition)
