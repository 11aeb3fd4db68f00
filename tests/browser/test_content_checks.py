"""The content checks panel in real Chromium: it follows typing in every Markdown field, rows added
after the page loaded included, and the review screen shows it for the version in review."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conditions import workflow
from medsite.contentchecks.models import PlainTerm
from tests.factories import make_condition

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST_CHECK_MS = 15_000
LONG = (
    "When your blood pressure stays high for many months or years it can slowly damage the "
    "blood vessels in your heart, brain and kidneys without you noticing anything at all."
)  # 30 words


@pytest.fixture
def terms(db):
    PlainTerm.objects.get_or_create(term="hypertension", defaults={"alternatives": "high blood pressure"})


@pytest.fixture
def condition(editor, terms):
    return make_condition(
        editor,
        sections=[
            ("overview", "Blood pressure is the force of blood."),
            ("symptoms", "Most people feel fine."),
        ],
    )


@pytest.fixture
def editor_page(page: Page, live_server, client, editor, condition) -> Page:
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    return page


def _panel(page: Page):
    return page.get_by_role("region", name="Content checks")


def _row(page: Page, label: str):
    return _panel(page).get_by_role("row").filter(has=page.get_by_role("rowheader", name=label, exact=True))


def test_the_panel_follows_typing_in_a_section(editor_page: Page):
    page = editor_page
    panel = _panel(page)
    expect(panel.get_by_role("heading", name="Content checks")).to_be_visible()
    expect(panel).to_contain_text("Nothing here stops a page from being submitted, approved or published.")
    # The words of the overview as saved. The first check in a server process also reads
    # textstat's dictionary (about a second).
    expect(_row(page, "Overview")).to_contain_text("7", timeout=FIRST_CHECK_MS)

    overview = page.locator("textarea[name='sections-0-body']")
    overview.click()
    overview.press("Control+End")
    overview.press_sequentially(f" Doctors call it hypertension. {LONG}")
    findings = panel.locator(
        ".medsite-content-checks-findings", has=page.get_by_role("heading", name="Overview")
    )
    expect(findings.locator(".medsite-plain-terms")).to_contain_text("hypertension → high blood pressure")
    expect(findings.locator(".medsite-long-sentences")).to_contain_text("(30 words)")
    expect(_row(page, "Whole page")).to_contain_text("45")
    # Announced politely once the editor pauses: a summary, not the word count.
    expect(page.get_by_role("status").filter(has_text="Content checks:")).to_have_text(
        re.compile(
            r"Content checks: reading grade: [a-z ]+; 1 sentence over 25 words; "
            r"1 term with plainer alternatives\."
        )
    )


def test_the_panel_follows_typing_in_an_added_section(editor_page: Page):
    page = editor_page
    expect(_row(page, "Symptoms")).to_be_visible(timeout=FIRST_CHECK_MS)
    page.get_by_role("button", name="Add another Section").click()
    body = page.locator("textarea[name='sections-2-body']")
    page.locator("input[name='sections-2-heading']").fill("Living with it")
    body.press_sequentially(f"Hypertension can be treated. {LONG}")
    row = _row(page, "Living with it")
    expect(row).to_contain_text("34")
    findings = _panel(page).locator(
        ".medsite-content-checks-findings", has=page.get_by_role("heading", name="Living with it")
    )
    expect(findings).to_contain_text("Hypertension → high blood pressure")
    expect(findings).to_contain_text("(30 words)")
    # The text's name takes the editor to its field.
    row.get_by_role("link", name="Living with it").click()
    expect(body).to_be_focused()


def test_the_review_screen_shows_the_checks_of_the_version_in_review(
    page: Page, live_server, client, editor, reviewer, terms
):
    condition = make_condition(editor, sections=[("overview", f"Hypertension is common. {LONG}")])
    workflow.submit(condition, by=editor)
    log_in(page, client, reviewer, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_review", args=[condition.pk]))
    panel = _panel(page)
    expect(panel).to_contain_text("Hypertension → high blood pressure")
    expect(panel).to_contain_text("(30 words)")
    expect(_row(page, "Whole page")).to_contain_text("33")
