"""Deciding where you read, and acting safely, in real Chromium: the review screen's decisions,
what changed since a reviewer's last look, why a step is not offered, the unpublish confirmation
and go-live times in the reviewer's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from conditions import workflow
from conditions.models import Condition, ReviewEvent, Status
from tests.factories import make_condition, publish

from .conftest import log_in
from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME = "Tension headache"
FIRST = [
    ("overview", "A common headache that feels like a tight band."),
    ("causes", "Stress, poor sleep and missed meals."),
    ("treatment", "Rest and fluids."),
]


def _review_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_review", args=[condition.pk])


def _change_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def _edit(condition: Condition, editor, **bodies: str) -> None:
    """Rewrite the named sections (by kind) as ``editor``, keeping the others."""
    sections = [(kind, bodies.get(kind, body)) for kind, body in _current(condition)]
    make_condition(editor, NAME, slug=condition.slug, sections=sections)


def _current(condition: Condition) -> list[tuple[str, str]]:
    return [(s.kind, s.body) for s in Condition.objects.get(pk=condition.pk).sections.order_by("position")]


def _action(page: Page, heading: str) -> Locator:
    """One decision's box on the screen, found by its heading."""
    return page.locator(".medsite-action", has=page.get_by_role("heading", name=heading, exact=True))


@pytest.fixture
def live_page(editor, reviewer2) -> Condition:
    condition = make_condition(editor, NAME, sections=FIRST)
    publish(condition, editor=editor, reviewer=reviewer2)
    return Condition.objects.get(pk=condition.pk)


@pytest.fixture
def in_review(live_page, editor) -> Condition:
    _edit(live_page, editor, overview="A common headache that feels like a tight band around the head.")
    workflow.submit(live_page, by=editor)
    return Condition.objects.get(pk=live_page.pk)


def test_reviewer_requests_changes_from_the_review_screen(
    page: Page, live_server, client, reviewer, in_review
):
    log_in(page, client, reviewer, live_server)
    page.goto(live_server.url + _review_url(in_review))
    send_back = _action(page, "Send back to the editors")
    approve = _action(page, "Approve this version")
    # Distinct boxes, each with its own heading and button, not identical stacked forms.
    expect(approve.get_by_role("button")).to_have_text("Approve and publish")
    expect(send_back.get_by_role("button")).to_have_text("Request changes")
    send_back.get_by_label("What needs to change").fill("Say how long an attack usually lasts.")
    send_back.get_by_role("button", name="Request changes").click()
    expect(page.locator(".messagelist")).to_contain_text("sent back with your requested changes")
    in_review.refresh_from_db()
    assert in_review.status == Status.DRAFT
    event = in_review.review_events.filter(action=ReviewEvent.Action.REQUEST_CHANGES).get()
    assert event.actor == reviewer and event.comment == "Say how long an attack usually lasts."


def test_reviewer_approves_from_the_review_screen(page: Page, live_server, client, reviewer, in_review):
    log_in(page, client, reviewer, live_server)
    page.goto(live_server.url + _review_url(in_review))
    approve = _action(page, "Approve this version")
    for box in approve.get_by_role("group", name="Review checklist").get_by_role("checkbox").all():
        box.check()
    approve.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("approved")
    in_review.refresh_from_db()
    assert in_review.live_publication.number == 2 and in_review.live_publication.approved_by == reviewer


def test_resubmitted_page_shows_the_changes_since_the_reviewers_last_review(
    page: Page, live_server, client, editor, reviewer, in_review
):
    workflow.request_changes(in_review, by=reviewer, comment="Name a simple painkiller.")
    _edit(in_review, editor, treatment="Rest, fluids and simple painkillers such as paracetamol.")
    workflow.submit(in_review, by=editor)
    log_in(page, client, reviewer, live_server)
    page.goto(live_server.url + _review_url(in_review))

    expect(page.locator(".medsite-review-intro")).to_contain_text("Changes since your last review")
    treatment = page.locator(".medsite-diff-item", has=page.get_by_role("heading", name="Treatment"))
    overview = page.locator(".medsite-diff-item", has=page.get_by_role("heading", name="Overview"))
    expect(treatment.locator("ins").filter(has_text="simple painkillers")).to_have_count(1)
    # The overview changed against the public page, but not since this reviewer sent it back.
    expect(overview.locator(".medsite-diff-status")).to_have_text("No changes.")
    expect(overview.locator("ins")).to_have_count(0)
    assert not violations(page)

    # The comparison with what the public sees is one click away.
    page.get_by_role("link", name="Compare with the public version instead").click()
    expect(overview.locator(".medsite-diff-status")).to_have_text("Changed.")
    expect(overview.locator("ins")).to_contain_text("around the head")
    page.get_by_role("link", name="Show only the changes since your last review").click()
    expect(overview.locator(".medsite-diff-status")).to_have_text("No changes.")


def test_author_sees_why_approve_is_not_offered(page: Page, live_server, client, editor, reviewer, live_page):
    _edit(live_page, reviewer, causes="Stress, poor sleep, missed meals and eye strain.")
    workflow.submit(live_page, by=editor)
    log_in(page, client, reviewer, live_server)
    for url in (_review_url(live_page), _change_url(live_page)):
        page.goto(live_server.url + url)
        approve = _action(page, "Approve this version")
        expect(approve).to_contain_text("another medical reviewer must approve it")
        expect(approve.get_by_role("button")).to_have_count(0)
        expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)
        # What the author may still do is offered as usual.
        expect(page.get_by_role("button", name="Request changes")).to_be_visible()


def test_unpublish_asks_first_and_says_the_address_will_answer_410(
    page: Page, live_server, client, reviewer, live_page
):
    public_url = live_server.url + live_page.get_absolute_url()
    log_in(page, client, reviewer, live_server)
    page.goto(live_server.url + _change_url(live_page))
    _action(page, "Take the page offline").get_by_role("link", name="Unpublish…").click()

    # The first click only asks.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Take “{NAME}” offline?")
    expect(page.locator("#content-main")).to_contain_text("410 Gone")
    expect(page.locator("#content-main")).to_contain_text(live_page.get_absolute_url())
    assert Condition.objects.get(pk=live_page.pk).live_publication is not None
    assert not violations(page)

    # By keyboard: the reason, then the confirming button.
    page.get_by_label("Reason for taking the page offline").fill("Being rewritten for the new guideline.")
    page.get_by_role("button", name="Yes, take it offline").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messagelist")).to_contain_text("taken offline")
    assert Condition.objects.get(pk=live_page.pk).live_publication is None
    assert page.request.get(public_url).status == 410


def test_go_live_is_entered_and_shown_in_the_reviewers_time_zone(
    page: Page, live_server, client, settings, reviewer, in_review
):
    settings.TIME_ZONE = "America/New_York"
    year = timezone.now().year + 2
    log_in(page, client, reviewer, live_server)
    page.goto(live_server.url + _review_url(in_review))
    approve = _action(page, "Approve this version")
    expect(approve).to_contain_text("America/New_York")
    for box in approve.get_by_role("group", name="Review checklist").get_by_role("checkbox").all():
        box.check()
    approve.get_by_label("Go live on").fill(f"{year}-07-01T09:00")
    approve.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".messagelist")).to_contain_text(f"1 Jul {year}, 09:00 EDT (America/New_York)")

    pending = Condition.objects.get(pk=in_review.pk).scheduled_publication
    assert pending.go_live_at == datetime(year, 7, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert pending.go_live_at == datetime(year, 7, 1, 13, 0, tzinfo=UTC)

    # Shown, and cancelled, where the reviewer reads.
    page.goto(live_server.url + _review_url(in_review))
    intro = page.locator(".medsite-review-intro")
    expect(intro).to_contain_text(f"goes live on 1 Jul {year}, 09:00 EDT (America/New_York)")
    intro.locator(".medsite-action", has=page.get_by_role("heading", name="Scheduled go-live")).get_by_role(
        "button", name="Cancel the scheduled publication"
    ).click()
    expect(page.locator(".messagelist")).to_contain_text("scheduled publication cancelled")
    assert Condition.objects.get(pk=in_review.pk).scheduled_publication is None


def test_a_reviewer_lands_on_the_review_dashboard_after_logging_in(
    page: Page, live_server, reviewer, in_review
):
    page.goto(live_server.url + reverse("admin:index"))  # logged out: sent to log in
    page.get_by_label("Username").fill(reviewer.username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + reverse("review-dashboard"))
    expect(page.locator("#review")).to_contain_text(NAME)
