"""Email about the review workflow: who needs to act, and who should know a decision.

Sent after the transition's transaction commits (the workflow schedules them with
``transaction.on_commit``), so nobody is told about a change that was rolled back. Turned off
with ``MEDSITE_NOTIFICATIONS=0``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse

from conditions.models import Condition, Publication, ReviewEvent
from medsite.accounts.display import display_name, when
from medsite.accounts.timezones import zone_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)


def _admin_link(condition: Condition) -> str:
    return settings.MEDSITE_BASE_URL + reverse("admin:conditions_condition_change", args=[condition.pk])


def reviewer_addresses(*, exclude: User) -> list[str]:
    """Email addresses of everyone who may approve pages, except ``exclude``."""
    review = Permission.objects.get(codename="review_condition", content_type__app_label="conditions")
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions=review) | Q(user_permissions=review))
        .exclude(pk=exclude.pk)
        .exclude(email="")
        .distinct()
    )
    return sorted(users.values_list("email", flat=True))


def _submitter(condition: Condition) -> User | None:
    event = condition.review_events.filter(action=ReviewEvent.Action.SUBMIT).select_related("actor").first()
    return event.actor if event else None


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not settings.MEDSITE_NOTIFICATIONS or not recipients:
        return
    # A header is one line: a name with a line break in it (older data, an import) must not
    # make the mail invalid.
    subject = " ".join(f"[{settings.MEDSITE_SITE_NAME}] {subject}".split())
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        # The review decision is already saved: whatever goes wrong with the mail (an outage, a
        # bad address or header) is logged, and must not turn the committed change into an error.
        logger.exception("Could not send workflow email %r", subject)


def submitted(condition: Condition, *, by: User, comment: str) -> None:
    note = f"\nTheir note: {comment}\n" if comment else ""
    body = (
        f"{display_name(by)} submitted “{condition}” for expert review.\n{note}\n"
        f"Review it here: {_admin_link(condition)}\n"
    )
    _send(f"Please review: {condition}", body, reviewer_addresses(exclude=by))


def changes_requested(condition: Condition, *, by: User, comment: str) -> None:
    submitter = _submitter(condition)
    if submitter is None or not submitter.email or submitter == by:
        return
    body = (
        f"{display_name(by)} reviewed “{condition}” and asked for changes:\n\n{comment}\n\n"
        f"The page is a draft again: {_admin_link(condition)}\n"
    )
    _send(f"Changes requested: {condition}", body, [submitter.email])


def approved(condition: Condition, publication: Publication, *, by: User) -> None:
    submitter = _submitter(condition)
    if submitter is None or not submitter.email or submitter == by:
        return
    if publication.went_live_at is None:
        # In the zone the submitter reads the admin in, not the approver's.
        goes_live = f"It goes live on {when(publication.go_live_at, zone_of(submitter))}."
        subject = f"Approved, scheduled: {condition}"
    else:
        goes_live = "It is now on the public site."
        subject = f"Published: {condition}"
    body = (
        f"{display_name(by)} approved “{condition}” ({publication.get_kind_display().lower()}, "
        f"version {publication.number}). {goes_live}\n\n{_admin_link(condition)}\n"
    )
    _send(subject, body, [submitter.email])


def went_live(condition: Condition, publication: Publication) -> None:
    submitter = _submitter(condition)
    if submitter is None or not submitter.email:
        return
    body = f"The scheduled version {publication.number} of “{condition}” is now on the public site.\n"
    _send(f"Published: {condition}", body, [submitter.email])
