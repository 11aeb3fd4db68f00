"""The public site used with the keyboard alone: skip link, table of contents, visible focus, search."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from conditions.models import Condition
from tests.factories import make_condition, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Enough presses to cross the header and the page header, not enough to hide a missing link.
MAX_TABS = 15


@pytest.fixture
def condition(editor, reviewer) -> Condition:
    condition = make_condition(
        editor,
        "Tension headache",
        sections=[
            ("overview", "A common headache.\n\n" + "More about it. " * 200),
            ("symptoms", "A tight band around the head."),
            ("treatment", "Rest, fluids and simple painkillers."),
        ],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    return condition


def outline_style(locator: Locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).outlineStyle")


def tab_until(page: Page, target: Locator) -> None:
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached in {MAX_TABS} presses of Tab")


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page, live_server, condition):
    page.goto(live_server.url + condition.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert outline_style(skip) != "none"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_contents_links_are_reached_by_tab_and_lead_to_their_section(page: Page, live_server, condition):
    page.goto(live_server.url + condition.get_absolute_url())
    contents = page.get_by_role("navigation", name="On this page")
    link = contents.get_by_role("link", name="Treatment")
    tab_until(page, link)
    assert outline_style(link) != "none", "the focused link shows no focus outline"

    page.keyboard.press("Enter")
    section = page.get_by_role("region", name="Treatment")
    expect(page).to_have_url(live_server.url + condition.get_absolute_url() + "#treatment")
    expect(section).to_be_in_viewport()
    # The next Tab continues from the section, not from the table of contents.
    page.keyboard.press("Tab")
    after = section.evaluate(
        "section => section.contains(document.activeElement)"
        " || !!(section.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    assert after, "focus did not move on from the chosen section"


def test_header_search_works_from_the_keyboard(page: Page, live_server, condition):
    page.goto(live_server.url + reverse("home"))
    box = page.get_by_role("search", name="Site search").get_by_role("searchbox")
    tab_until(page, box)
    assert outline_style(box) != "none", "the focused search box shows no focus outline"

    page.keyboard.type("tension")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(reverse("conditions:search")) + r"\?q=tension$"))
    expect(page.get_by_role("main").get_by_role("link", name="Tension headache")).to_be_visible()
