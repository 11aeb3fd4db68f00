"""The editor's live previews in real Chromium: every Markdown field, rows added after the page
loaded included, previews through the one page-wide endpoint; dropped or pasted images open the
image picker and never turn into text by themselves."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.factories import make_condition, make_reference

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def condition(editor):
    make_reference("smith2020", title="Flushing in practice", authors="Smith A")
    return make_condition(
        editor, sections=[("overview", "Overview [@smith2020]."), ("symptoms", "Fever and tiredness.")]
    )


@pytest.fixture
def editor_page(page: Page, live_server, client, editor, condition) -> Page:
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    return page


def _preview_of(page: Page, name: str):
    return page.locator(".markdownx", has=page.locator(f"textarea[name='{name}']")).locator(
        ".markdownx-preview"
    )


def test_preview_follows_typing_in_an_added_section(editor_page: Page):
    page = editor_page
    page.get_by_role("button", name="Add another Section").click()
    body = page.locator("textarea[name='sections-2-body']")
    body.press_sequentially("Rest helps")
    preview = _preview_of(page, "sections-2-body")
    expect(preview).to_have_text("Rest helps")
    body.press_sequentially(" **most** people [@smith2020].")
    expect(preview.locator("strong")).to_have_text("most")
    # Numbered across the whole page: the overview cites the same source first.
    expect(preview.locator("sup.citation a")).to_have_text("1")


def test_preview_follows_typing_in_an_added_short_answer(editor_page: Page):
    page = editor_page
    page.get_by_role("button", name="Add another Short answer").click()
    answer = page.locator("textarea[name='short_answers-0-answer']")
    answer.press_sequentially("Usually *not* serious.")
    expect(_preview_of(page, "short_answers-0-answer").locator("em")).to_have_text("not")


def test_previews_come_only_from_the_page_wide_endpoint(editor_page: Page):
    page = editor_page
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.reload()
    overview = page.locator("textarea[name='sections-0-body']")
    expect(_preview_of(page, "sections-0-body").locator("sup.citation a")).to_have_text("1")
    overview.press_sequentially(" More.")
    expect(_preview_of(page, "sections-0-body")).to_contain_text("More.")
    per_field = [url for url in asked if url.endswith(reverse("editor-preview"))]
    page_wide = [url for url in asked if url.endswith(reverse("editor-page-preview"))]
    assert per_field == []
    assert page_wide


DROP_IMAGE = """([selector, kind]) => {
  const field = document.querySelector(selector);
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array([137, 80, 78, 71])], "scan.png", { type: "image/png" }));
  const event = kind === "paste"
    ? new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
    : new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
  field.dispatchEvent(event);
}"""


@pytest.mark.parametrize("kind", ["drop", "paste"])
def test_an_image_opens_the_picker_and_adds_no_text(editor_page: Page, kind):
    page = editor_page
    overview = page.locator("textarea[name='sections-0-body']")
    page.evaluate(DROP_IMAGE, ["textarea[name='sections-0-body']", kind])
    dialog = page.get_by_role("dialog", name="Insert an image")
    expect(dialog).to_be_visible()
    assert dialog.get_by_label("Image file").evaluate("input => input.files[0].name") == "scan.png"
    expect(overview).to_have_value("Overview [@smith2020].")
    expect(page.get_by_text("Invalid response")).to_have_count(0)


def test_an_image_dropped_in_an_added_row_opens_the_picker(editor_page: Page):
    page = editor_page
    page.get_by_role("button", name="Add another Section").click()
    selector = "textarea[name='sections-2-body']"
    page.evaluate(DROP_IMAGE, [selector, "drop"])
    expect(page.get_by_role("dialog", name="Insert an image")).to_be_visible()
    page.keyboard.press("Escape")
    field = page.locator(selector)
    expect(field).to_be_focused()
    expect(field).to_have_value("")
