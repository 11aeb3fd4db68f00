"""Editing a condition page comfortably: reordering sections and short answers (by mouse and by
keyboard), sensible new sections, the formatting toolbar, and citing beside the field."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conditions.models import Condition
from tests.factories import make_condition, make_reference

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def condition(editor) -> Condition:
    make_reference("smith2020", title="Flushing in practice", authors="Smith A")
    return make_condition(
        editor,
        sections=[
            ("overview", "Overview text."),
            ("symptoms", "Symptoms text."),
            ("causes", "Causes text."),
        ],
        short_answers=[
            ("Is it serious?", "Rarely.", ""),
            ("Is it contagious?", "No.", ""),
        ],
    )


@pytest.fixture
def editor_page(page: Page, live_server, client, editor, condition) -> Page:
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    return page


def _save(page: Page) -> None:
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")


def _kinds_in_order(condition: Condition) -> list[str]:
    return [section.kind for section in condition.sections.order_by("position", "id")]


def _row(page: Page, prefix: str, index: int):
    return page.locator(f"#{prefix}-{index}")


def test_move_buttons_reorder_sections_and_say_so(editor_page: Page, condition: Condition):
    page = editor_page
    _row(page, "sections", 0).get_by_role("button", name="Move down").click()
    expect(page.locator("#medsite-reorder-status")).to_have_text("Overview moved to position 2 of 3.")
    # Focus stays on the button moved with its row, so pressing again moves it further.
    page.keyboard.press("Enter")
    expect(page.locator("#medsite-reorder-status")).to_have_text("Overview moved to position 3 of 3.")
    _save(page)
    assert _kinds_in_order(condition) == ["symptoms", "causes", "overview"]


def test_move_up_on_a_short_answer(editor_page: Page, condition: Condition):
    page = editor_page
    _row(page, "short_answers", 1).get_by_role("button", name="Move up").click()
    expect(page.locator("#medsite-reorder-status")).to_have_text(
        "Is it contagious? moved to position 1 of 2."
    )
    _save(page)
    assert [a.question for a in condition.short_answers.order_by("position", "id")] == [
        "Is it contagious?",
        "Is it serious?",
    ]


def _drag(page: Page, source, target) -> None:
    """Drag as a hand does: press, move a little to start the drag, then move to the target and let go.

    After the page's first previews have come (they change the sections' heights, so a drag measured
    before them can end somewhere else on a busy machine)."""
    page.wait_for_load_state("networkidle")
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    page.mouse.move(start["x"] + 5, start["y"] + 5)
    page.mouse.down()
    page.mouse.move(start["x"] + 5, start["y"] - 10, steps=5)
    target.scroll_into_view_if_needed()
    end = target.bounding_box()
    page.mouse.move(end["x"] + 5, end["y"] + 2, steps=5)
    page.mouse.up()


def test_sections_reorder_by_drag_and_drop(editor_page: Page, condition: Condition):
    page = editor_page
    _drag(
        page,
        page.locator("#sections-2 .medsite-drag-handle"),
        page.locator("#sections-0 .medsite-drag-handle"),
    )
    expect(page.locator("#sections-group .inline-related:not(.empty-form)").first).to_have_id("sections-2")
    expect(page.locator("#medsite-reorder-status")).to_have_text("Causes moved to position 1 of 3.")
    _save(page)
    assert _kinds_in_order(condition) == ["causes", "overview", "symptoms"]


def test_a_new_section_gets_the_next_missing_kind_and_position(editor_page: Page, condition: Condition):
    page = editor_page
    page.get_by_role("button", name="Add another Section").click()
    expect(page.locator("select[name='sections-3-kind']")).to_have_value("when_to_see_a_doctor")
    expect(page.locator("input[name='sections-3-position']")).to_have_value("3")
    page.get_by_role("button", name="Add another Section").click()
    expect(page.locator("select[name='sections-4-kind']")).to_have_value("risk_factors")
    expect(page.locator("input[name='sections-4-position']")).to_have_value("4")


def test_toolbar_formats_the_selection(editor_page: Page):
    page = editor_page
    body = page.locator("textarea[name='sections-1-body']")
    body.fill("Fever and tiredness.")
    body.evaluate("field => field.setSelectionRange(0, 5)")
    toolbar = page.get_by_role("toolbar", name="Formatting: Symptoms")
    toolbar.get_by_role("button", name="Bold").click()
    expect(body).to_have_value("**Fever** and tiredness.")
    preview = page.locator(".markdownx", has=body).locator(".markdownx-preview")
    expect(preview.locator("strong")).to_have_text("Fever")

    body.evaluate("field => field.setSelectionRange(10, 13)")  # "and"
    toolbar.get_by_role("button", name="Italic").click()
    expect(body).to_have_value("**Fever** *and* tiredness.")

    body.fill("Fever\nTiredness")
    body.evaluate("field => field.setSelectionRange(0, field.value.length)")
    toolbar.get_by_role("button", name="Bulleted list").click()
    expect(body).to_have_value("- Fever\n- Tiredness")

    body.fill("See the guideline.")
    body.evaluate("field => field.setSelectionRange(8, 17)")
    toolbar.get_by_role("button", name="Link").click()
    expect(body).to_have_value("See the [guideline](https://).")


def test_toolbar_works_from_the_keyboard(editor_page: Page):
    page = editor_page
    body = page.locator("textarea[name='sections-0-body']")
    body.fill("Rest.")
    body.evaluate("field => field.setSelectionRange(0, 4)")
    body.press("Control+b")
    expect(body).to_have_value("**Rest**.")
    # A toolbar button acts on its field and hands the focus back to it.
    toolbar = page.get_by_role("toolbar", name="Formatting: Overview")
    toolbar.get_by_role("button", name="Italic").focus()
    page.keyboard.press("Enter")
    expect(body).to_be_focused()


def test_cite_opens_beside_the_field_and_inserts_at_its_cursor(editor_page: Page):
    page = editor_page
    body = page.locator("textarea[name='sections-2-body']")
    body.click()
    body.evaluate("field => field.setSelectionRange(6, 6)")  # after "Causes"
    page.get_by_role("toolbar", name="Formatting: Causes").get_by_role("button", name="Cite a source").click()

    finder = page.locator("#sections-2").get_by_role("region", name="Cite a source")
    expect(finder).to_be_visible()
    search = finder.get_by_label("Find a reference")
    expect(search).to_be_focused()
    search.fill("Flushing")
    finder.get_by_role("button", name="Insert [@smith2020]").click()
    expect(body).to_have_value("Causes [@smith2020] text.")
    expect(body).to_be_focused()
    preview = page.locator(".markdownx", has=body).locator(".markdownx-preview")
    expect(preview.locator("sup.citation a")).to_have_text("1")
