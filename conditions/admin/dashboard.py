"""The review dashboard: what is waiting for whom, and which pages are due a clinical review.

One admin page (``/admin/review-dashboard/``, linked from the admin home) with seven short,
paginated lists. Each list is a queryset read in a fixed number of queries whatever its length;
the ``review_due`` management command shares the review-due queryset with it. Editors and
reviewers land here after logging in (:func:`login`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from conditions import workflow
from conditions.models import (
    PUBLICATION_PAGE,
    Condition,
    ConditionQuerySet,
    Publication,
    ReviewEvent,
    ShortAnswer,
    display_name,
)
from medsite.admin_input import acting_user

REVIEW_SOON_DAYS = 30
PER_PAGE = 20


# --- rows: what a list shows about each item -------------------------------------------------


@dataclass(frozen=True)
class EventRow:
    """A condition and the review event that put it on a list (a submission, a request for changes)."""

    condition: Condition
    event: ReviewEvent | None

    @property
    def person(self) -> str:
        return display_name(self.event.actor) if self.event else ""


@dataclass(frozen=True)
class DueReview:
    """A live page whose clinical review is overdue or due soon, as of ``today``."""

    condition: Condition
    today: date

    @property
    def due(self) -> date:
        due = self.condition.next_review_due
        if due is None:  # review_due() lists only pages with a due date
            raise ValueError(f"“{self.condition}” has no clinical review due.")
        return due

    @property
    def days_left(self) -> int:
        """Days until the review is due; negative when it is overdue."""
        return (self.due - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def when(self) -> str:
        days = abs(self.days_left)
        unit = "day" if days == 1 else "days"
        if self.days_left < 0:
            return f"{days} {unit} overdue"
        return "due today" if days == 0 else f"due in {days} {unit}"

    @property
    def last_reviewer(self) -> str:
        live = self.condition.live_publication
        return live.reviewed_by_name if live is not None else ""


@dataclass(frozen=True)
class PublishedRow:
    publication: Publication
    approver: str


# --- the lists -------------------------------------------------------------------------------


def review_due(days: int = REVIEW_SOON_DAYS, *, today: date | None = None) -> ConditionQuerySet:
    """Live pages overdue for clinical review or due within ``days`` days, the most urgent first."""
    return Condition.objects.review_due_within(days, today=today or timezone.localdate())


def due_reviews(days: int = REVIEW_SOON_DAYS, *, today: date | None = None) -> list[DueReview]:
    today = today or timezone.localdate()
    return [DueReview(condition, today) for condition in review_due(days, today=today)]


def recently_published() -> QuerySet[Publication]:
    """Versions that went public, the newest first (scheduled ones only once they went live)."""
    return (
        Publication.objects.public()
        .select_related("condition", "approved_by__reviewer_profile")
        .defer(*PUBLICATION_PAGE)
        .order_by("-went_live_at", "-id")
    )


def short_answers_to_recheck() -> QuerySet[ShortAnswer]:
    """Short answers a clinical review may have made stale (see ``workflow.approve``)."""
    return (
        ShortAnswer.objects.filter(needs_review=True)
        .select_related("condition")
        .order_by("condition__name", "condition_id", "position", "id")
    )


def _with_events(conditions: list[Condition], event_id_attr: str) -> list[EventRow]:
    """Pair each condition with its event, fetched for the whole page in one query."""
    ids = [getattr(condition, event_id_attr) for condition in conditions]
    events = ReviewEvent.objects.select_related("actor__reviewer_profile").in_bulk(
        [pk for pk in ids if pk is not None]
    )
    return [EventRow(condition, events.get(pk)) for condition, pk in zip(conditions, ids, strict=True)]


def _published_rows(publications: list[Publication]) -> list[PublishedRow]:
    return [PublishedRow(publication, display_name(publication.approved_by)) for publication in publications]


# --- the page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """One list on the dashboard: a page of its rows and the links to its neighbouring pages.

    ``key`` names the list's section (an anchor) and its page parameter (``<key>_page``), so each
    list pages on its own while the others stay where they were.
    """

    key: str
    title: str
    page: Page
    rows: list
    previous_url: str = ""
    next_url: str = ""


def _panel(
    request: HttpRequest,
    key: str,
    title: str,
    items: QuerySet,
    to_rows: Callable[[list], Iterable[Any]] = list,
) -> Panel:
    parameter = f"{key}_page"
    page = Paginator(items, PER_PAGE).get_page(request.GET.get(parameter))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(number)
        return f"?{query.urlencode()}#{key}"

    return Panel(
        key=key,
        title=title,
        page=page,
        rows=list(to_rows(list(page.object_list))),
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )


def _panels(request: HttpRequest, today: date) -> dict[str, Panel]:
    """The lists this user sees: reviewing ones for reviewers, editing ones for editors."""
    user = acting_user(request)
    panels = {}
    if user.has_perm(workflow.REVIEW):
        panels["review"] = _panel(
            request,
            "review",
            "Awaiting my review",
            Condition.objects.awaiting_review_by(user),
            lambda page: _with_events(page, "latest_submit_id"),
        )
    if user.has_perm(workflow.EDIT):
        panels["drafts"] = _panel(request, "drafts", "My drafts", Condition.objects.drafts_edited_by(user))
        panels["changes"] = _panel(
            request,
            "changes",
            "Changes requested of me",
            Condition.objects.changes_requested_of(user),
            lambda page: _with_events(page, "latest_event_id"),
        )
    panels["due"] = _panel(
        request,
        "due",
        "Review due",
        review_due(today=today),
        lambda page: [DueReview(condition, today) for condition in page],
    )
    panels["published"] = _panel(
        request, "published", "Recently published", recently_published(), _published_rows
    )
    panels["answers"] = _panel(request, "answers", "Short answers to re-check", short_answers_to_recheck())
    panels["scheduled"] = _panel(request, "scheduled", "Scheduled to go live", Condition.objects.scheduled())
    return panels


def review_dashboard(request: HttpRequest) -> TemplateResponse:
    """The dashboard page; wrapped in ``admin.site.admin_view`` (staff login) in the URLconf."""
    if not request.user.has_perm("conditions.view_condition"):
        raise PermissionDenied
    today = timezone.localdate()
    context = {
        **admin.site.each_context(request),
        "title": "Review dashboard",
        "today": today,
        "soon_days": REVIEW_SOON_DAYS,
        **_panels(request, today),
    }
    return TemplateResponse(request, "admin/conditions/dashboard.html", context)


def login(request: HttpRequest) -> HttpResponse:
    """The admin's login page, landing editors and reviewers on this dashboard.

    Django's admin sends everyone to its index once logged in, unless they were on their way to
    another page (``next``), which they still reach. Editors and reviewers come to see what is
    waiting for them, so they land here instead. Superusers keep the index: their own work
    (accounts, roles, lockouts, the audit log) starts there, and it links here at the top.
    """
    response = admin.site.login(request)
    index = reverse("admin:index")
    asked = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or index
    user = request.user
    if (
        isinstance(response, HttpResponseRedirect)
        and asked == index
        and user.is_authenticated
        and not user.is_superuser
        and user.has_perm("conditions.view_condition")
    ):
        return HttpResponseRedirect(reverse("review-dashboard"))
    return response
