"""The admin speaks with one voice, in real Chromium: the site's own name, people by their names
(reviewers with credentials), history entries that name only what changed, and "View on site"
only where the public can look."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import make_condition, publish

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_login_page_and_the_admin_carry_the_site_name(page: Page, live_server, editor):
    page.goto(live_server.url + reverse("admin:login"))
    expect(page).to_have_title("Log in | MedSite admin")
    expect(page.locator("#site-name")).to_have_text("MedSite")
    page.get_by_label("Username:").fill("edna")
    page.get_by_label("Password:").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_have_text("MedSite")
    expect(page).to_have_title(re.compile(r"\| MedSite admin$"))
    expect(page.locator("body")).not_to_contain_text("Django")


def test_the_review_log_names_the_reviewer_with_credentials(
    page: Page, live_server, client, editor, reviewer
):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    log = page.locator(".medsite-review-log")
    expect(log).to_contain_text("Approved by Rita Reviewer, MD")
    expect(log).to_contain_text("Submitted for review by Edna Editor")
    expect(log).not_to_contain_text("by rita")


def test_saving_a_page_names_only_what_was_changed_in_its_history(page: Page, live_server, client, editor):
    condition = make_condition(
        editor,
        sections=[("overview", "An overview.\n\nIn two paragraphs."), ("symptoms", "- Tiredness\n- Fever")],
        short_answers=[("Is it common?", "Yes.\n\nVery common.", "")],
    )
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    page.get_by_label("Summary:").fill("A clearer summary for search results.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(live_server.url + reverse("admin:conditions_condition_history", args=[condition.pk]))
    newest = page.locator("#change-history tbody tr").first
    expect(newest.locator("td").last).to_have_text("Changed: summary.")
    expect(newest).to_contain_text("Edna Editor")


def test_view_on_site_only_for_a_live_page_and_preview_for_the_others(
    page: Page, live_server, client, editor, reviewer
):
    draft = make_condition(editor, "Draft page")
    live = make_condition(editor, "Live page")
    publish(live, editor=editor, reviewer=reviewer)
    log_in(page, client, editor, live_server)

    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[draft.pk]))
    tools = page.locator(".object-tools")
    expect(tools.get_by_role("link", name="View on site")).to_have_count(0)
    tools.get_by_role("link", name="Preview", exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("admin:conditions_condition_preview", args=[draft.pk]))
    expect(page.locator("h1")).to_have_text("Draft page")

    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[live.pk]))
    expect(tools.get_by_role("link", name="Preview", exact=True)).to_have_count(0)
    response_status = []
    page.on("response", lambda response: response_status.append(response.status))
    tools.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(live_server.url + live.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Live page")
    assert 404 not in response_status


def test_a_person_chooses_their_time_zone_and_reads_times_in_it(page: Page, live_server, client, editor):
    condition = make_condition(editor)
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:index"))
    page.get_by_role("link", name="Your preferences").click()
    expect(page.locator("h1")).to_have_text("Your preferences")
    page.get_by_label("Time zone:").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("Times are shown in Asia/Tokyo")
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    expect(page.locator(".fieldBox.field-updated_at")).to_contain_text(" JST")
