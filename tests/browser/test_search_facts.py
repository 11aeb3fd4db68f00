"""The condition editor's "What search engines will read" panel in real Chromium: filled by the
page-wide preview as the editor types, changes of a section's kind included."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import make_condition

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(page: Page, live_server, client, editor) -> Page:
    condition = make_condition(
        editor,
        name="Gout",
        sections=[
            ("overview", "Gout is a kind of arthritis."),
            ("causes", "Causes include:\n\n- Too much uric acid\n\nFlares can be set off by:\n\n- Alcohol"),
        ],
    )
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    return page


def test_the_panel_shows_what_will_be_stated_and_follows_edits(editor_page: Page):
    page = editor_page
    panel = page.locator("#medsite-search-facts-results")
    expect(panel.locator("dd li")).to_have_text(["Too much uric acid"])
    expect(panel).to_contain_text("Left out: the list after “Flares can be set off by:” (Alcohol)")
    # The editor says the triggers are causes after all: the panel follows the lead-in.
    body = page.locator("textarea[name='sections-1-body']")
    body.fill(body.input_value().replace("Flares can be set off by:", "Other causes include:"))
    body.press("End")
    body.press_sequentially(" ")
    expect(panel.locator("dd li")).to_have_text(["Too much uric acid", "Alcohol"])
    # The same section as another kind states its lists as that kind, if its lead-ins name it.
    page.locator("select[name='sections-1-kind']").select_option("symptoms")
    expect(panel.locator("dt")).to_have_text(["Symptoms signOrSymptom"])
    expect(panel).to_contain_text("None stated")
