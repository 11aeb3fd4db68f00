"""A change travels from an editor, through a medical reviewer, to the public page, in the real admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import Page, expect

from conditions import workflow
from conditions.models import Condition
from tests.factories import make_condition, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"  # what tests/conftest.py gives every named user
NEW_ADVICE = "Keep a headache diary: it shows what sets attacks off."


def log_in_with_the_form(page: Page, live_server, user: User, then: str) -> None:
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={then}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + then)


@pytest.fixture
def live_page(editor, reviewer2) -> Condition:
    """A published page, so the editor's change is a new version the public does not see yet."""
    condition = make_condition(
        editor, "Tension headache", sections=[("overview", "A common, mild headache.")]
    )
    publish(condition, editor=editor, reviewer=reviewer2)
    return condition


def test_edit_is_reviewed_and_published(page: Page, live_server, editor, reviewer, live_page: Condition):
    change_url = reverse("admin:conditions_condition_change", args=[live_page.pk])
    public_url = live_server.url + live_page.get_absolute_url()

    # The editor changes the overview, watching the live preview, saves and submits it.
    log_in_with_the_form(page, live_server, editor, change_url)
    overview = page.locator("textarea[name='sections-0-body']")
    overview.fill("")
    overview.press_sequentially(NEW_ADVICE)
    expect(page.locator(".markdownx", has=overview).locator(".markdownx-preview")).to_contain_text(NEW_ADVICE)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("button", name="Submit for expert review").click()
    expect(page.locator(".messagelist")).to_contain_text("submitted for expert review")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()

    # Nothing public has changed yet.
    page.goto(public_url)
    expect(page.locator("main")).not_to_contain_text(NEW_ADVICE)

    # The reviewer finds it on the dashboard, reads the changes, ticks the checklist and approves.
    log_in_with_the_form(page, live_server, reviewer, reverse("review-dashboard"))
    page.get_by_role("link", name="Review the changes to Tension headache").click()
    expect(
        page.locator(".medsite-diff ins").filter(has_text="diary: it shows what sets attacks off")
    ).to_be_visible()
    # The decision is taken where the changes were read.
    expect(page.get_by_role("heading", name="Your decision")).to_be_visible()
    boxes = page.get_by_role("group", name="Review checklist").get_by_role("checkbox")
    expect(boxes).to_have_count(len(workflow.CHECKLIST))
    for box in boxes.all():
        box.check()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("approved")
    page.get_by_role("button", name="Log out").click()

    # An anonymous visitor sees the new text and who reviewed it.
    page.context.clear_cookies()
    page.goto(public_url)
    expect(page.locator("main")).to_contain_text(NEW_ADVICE)
    expect(page.locator(".review-info")).to_contain_text("Medically reviewed by Rita Reviewer, MD")
