"""Admin screens that compare states of a condition page: two history versions, and the review
screen (the working copy against what the public sees now, or against the version the reviewer
last decided on, with the reviewer's decision forms).

Both are read-only GETs, methods of ``ConditionAdmin`` (through :class:`ReviewScreens`) wired in
its ``get_urls``. The comparing itself is :mod:`conditions.compare`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from reversion.models import Version

from conditions.addresses import address_notes
from conditions.admin.workflow_panel import offered
from conditions.approval import go_live_label
from conditions.checks import publish_problems
from conditions.compare import (
    Snapshot,
    compare,
    snapshot_from_publication,
    snapshot_from_working_copy,
    snapshots_from_versions,
)
from conditions.facts import KindFacts, facts
from conditions.models import Condition, ReviewEvent
from conditions.submissions import last_decision_by, submission_label
from conditions.workflow import TRANSITIONS
from medsite.accounts.display import display_name, when
from medsite.admin_input import ModelAdminMixin, acting_user, parse_id
from medsite.contentchecks.checks import PageChecks, PageText, check_page
from medsite.markdown import render as render_markdown

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The review screen's forms: the decisions on the version in review, then its withdrawal; and,
# next to the go-live time it shows, the cancelling of a scheduled publication.
REVIEW_SCREEN = [name for name, transition in TRANSITIONS.items() if transition.decision] + ["withdraw"]
SCHEDULE = ["cancel_schedule"]
# ``?against=live``: the comparison with the public version, for a reviewer who decided before.
AGAINST_LIVE = "live"


def _version_ids(request: HttpRequest) -> tuple[int, int] | None:
    old, new = parse_id(Version, request.GET.get("from")), parse_id(Version, request.GET.get("to"))
    return None if old is None or new is None else (old, new)


def _context(admin_site, request: HttpRequest, condition: Condition, **extra) -> dict:
    return {
        **admin_site.each_context(request),
        "opts": Condition._meta,
        "condition": condition,
        "history_url": reverse("admin:conditions_condition_history", args=[condition.pk]),
        "change_url": reverse("admin:conditions_condition_change", args=[condition.pk]),
        **extra,
    }


def _working_copy_label(condition: Condition) -> str:
    who = display_name(condition.updated_by) or "an unknown user"
    saved = when(condition.updated_at)
    return f"the working copy ({condition.get_status_display().lower()}, last saved {saved} by {who})"


@dataclass(frozen=True)
class LastReview:
    """A reviewer's latest decision on the page, and the version it was made on."""

    event: ReviewEvent
    version: Version | None  # None when the history no longer holds it

    @property
    def sent_back(self) -> bool:
        return self.event.action == ReviewEvent.Action.REQUEST_CHANGES

    def snapshot(self) -> Snapshot | None:
        if self.version is None:
            return None
        (snapshot,) = snapshots_from_versions([self.version])
        verb = "sent back" if self.sent_back else "approved"
        snapshot.label = f"the version you {verb} on {when(self.event.created_at)}"
        return snapshot


def _last_review(condition: Condition, user: User, *, read_version: bool) -> LastReview | None:
    """What ``user`` last decided on this page, if the page came back to them since: None when
    they never decided on it, or approved the version the public sees now (the comparison with
    the public version is then the one since their review)."""
    event = last_decision_by(condition, user)
    if event is None:
        return None
    if event.action == ReviewEvent.Action.APPROVE and event.publication_id == condition.live_publication_id:
        return None
    version = None
    if read_version:
        version = (
            Version.objects.get_for_object(condition)
            .filter(revision_id=event.revision_id)
            .select_related("revision__user__reviewer_profile")  # snapshots_from_versions names them
            .first()
        )
    return LastReview(event, version)


def _content_checks(condition: Condition) -> PageChecks:
    """The content checks of the working copy (the version in review: it cannot change while in
    review), from the sections and short answers the review screen has read already: no query of
    its own but the term list's, read only when the list changed (medsite/contentchecks/terms.py)."""
    texts = [PageText(f"section-{s.pk}", s.display_heading, s.body) for s in condition.sections.all()]
    for answer in condition.short_answers.all():
        texts.append(PageText(f"answer-{answer.pk}", f"{answer.question} (answer)", answer.answer))
        if answer.details.strip():
            texts.append(PageText(f"details-{answer.pk}", f"{answer.question} (details)", answer.details))
    return check_page(texts)


def _search_facts(condition: Condition) -> list[KindFacts]:
    """What search engines will be told once the version in review is approved (conditions.facts),
    from the sections the review screen has read already. Citations play no part in facts, so the
    sections are rendered without the page's numbering."""
    sections = [(s.kind, s.display_heading, str(render_markdown(s.body))) for s in condition.sections.all()]
    return facts(sections, [condition.name, *condition.synonyms])


class ReviewScreens(ModelAdminMixin):
    """ConditionAdmin's comparison screens (see ``ConditionAdmin.get_urls``)."""

    if TYPE_CHECKING:
        # ConditionAdmin's access check, which the views below share.
        def _get_condition_for_user(self, request: HttpRequest, object_id: str) -> Condition: ...

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Two versions from the page's history, section by section (``?from=<id>&to=<id>``).

        Queries, whatever the size of the page: session, user, permissions (2), the condition, the two
        versions with their revisions and users, every version in those revisions, the references;
        and, for a version showing images, those images as its revision held them.
        """
        condition = self._get_condition_for_user(request, object_id)
        ids = _version_ids(request)
        if ids is None:
            messages.info(request, "Choose two versions to compare: one in the “From” column, one in “To”.")
            return HttpResponseRedirect(reverse("admin:conditions_condition_history", args=[condition.pk]))
        found = {
            version.pk: version
            for version in Version.objects.get_for_object(condition)
            .filter(pk__in=ids)
            .select_related("revision__user__reviewer_profile")
        }
        if not all(pk in found for pk in ids):
            raise Http404("No such version of this page.")
        # Older first whichever way round they were picked, so "added" always means "added since".
        versions = sorted((found[pk] for pk in ids), key=lambda version: version.pk)
        old, new = snapshots_from_versions(versions)
        context = _context(
            self.admin_site,
            request,
            condition,
            title=f"Compare versions of “{condition}”",
            comparison=compare(old, new),
        )
        return render(request, "admin/conditions/condition/compare.html", context)

    def review_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The review screen: the working copy against the live publication (or against nothing),
        or, for a reviewer the page came back to, against the version they last decided on.

        Queries, whatever the size of the page: session, user, permissions (2), the condition, its
        live publication, last editor, sections, short answers, listed references, references; the
        reviewer's last decision (and, compared with it, its version, the versions of its
        revision and their references); then the publish gate's reference check (and, for a page
        showing images, the images) and the predicates' review-log queries. The comparison lists
        every image the page shows, with its alt text, caption, credit and licence, for the
        reviewer to read.
        """
        condition = self._get_condition_for_user(request, object_id)
        # Shared by the snapshot and the publish gate, so each is read once.
        prefetch_related_objects([condition], "sections", "short_answers")
        publication = condition.live_publication
        new = snapshot_from_working_copy(condition, label=_working_copy_label(condition))
        against_live = request.GET.get("against") == AGAINST_LIVE
        last_review = _last_review(condition, acting_user(request), read_version=not against_live)
        since = last_review.snapshot() if last_review is not None and not against_live else None
        taken_offline = False
        if publication is None:
            taken_offline = condition.publications.exists()
        if since is not None:
            old = since
        elif publication is None:
            old = Snapshot(label="nothing (the page is not on the public site)")
        else:
            old = snapshot_from_publication(
                publication,
                label=f"the public version {publication.number} ({publication.get_kind_display()})",
            )
        decisions = offered(condition, request.user, REVIEW_SCREEN)
        pending = condition.scheduled_publication
        review_url = reverse("admin:conditions_condition_review", args=[condition.pk])
        context = _context(
            self.admin_site,
            request,
            condition,
            title=f"Review changes to “{condition}”",
            comparison=compare(old, new),
            publication=publication,
            taken_offline=taken_offline,
            problems=publish_problems(condition),
            content_checks=_content_checks(condition),
            search_facts=_search_facts(condition),
            workflow_forms=decisions,
            schedule_forms=offered(condition, request.user, SCHEDULE),
            scheduled=go_live_label(pending.go_live_at) if pending else "",
            last_review=last_review,
            since_last_review=since is not None,
            against_live=against_live,
            review_url=review_url,
            against_live_url=f"{review_url}?against={AGAINST_LIVE}",
            address_notes=address_notes(condition),
            submission=submission_label(condition),
            preview_url=reverse("admin:conditions_condition_preview", args=[condition.pk]),
        )
        return render(request, "admin/conditions/condition/review.html", context)
