"""The condition editor in real Chromium: finding and inserting citations, page-wide previews."""

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
    make_reference("jones2019", title="Diarrhoea in tumour syndromes", authors="Jones B")
    return make_condition(
        editor,
        sections=[("overview", "Overview without sources yet."), ("symptoms", "Loose stools [@jones2019].")],
    )


def test_editor_finds_a_reference_and_inserts_its_key(page: Page, live_server, client, editor, condition):
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    overview = page.locator("textarea[name='sections-0-body']")
    symptoms_preview = page.locator(
        ".markdownx", has=page.locator("textarea[name='sections-1-body']")
    ).locator(".markdownx-preview")
    # Before the insert, the symptoms section's only source is number 1.
    expect(symptoms_preview.locator("sup.citation a")).to_have_text("1")

    overview.click()
    overview.press("End")
    page.get_by_label("Find a reference").fill("Flushing")
    insert = page.get_by_role("button", name="Insert [@smith2020]")
    expect(insert).to_be_visible()
    expect(page.locator("#medsite-cite-results")).to_contain_text("Flushing in practice")
    insert.click()

    expect(overview).to_have_value("Overview without sources yet.[@smith2020]")
    overview_preview = page.locator(".markdownx", has=overview).locator(".markdownx-preview")
    # Numbered across the page, as publication will: the overview's source is now 1, so the
    # symptoms section's source becomes 2.
    expect(overview_preview.locator("sup.citation a")).to_have_text("1")
    expect(symptoms_preview.locator("sup.citation a")).to_have_text("2")


def test_unknown_key_is_highlighted_in_preview(page: Page, live_server, client, editor, condition):
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    overview = page.locator("textarea[name='sections-0-body']")
    overview.fill("A claim with a mistyped source [@smiht2020].")
    preview = page.locator(".markdownx", has=overview).locator(".markdownx-preview")
    expect(preview.locator(".citation-unknown")).to_have_text("[@smiht2020]")


def test_insert_without_a_chosen_field_explains_what_to_do(
    page: Page, live_server, client, editor, condition
):
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    page.get_by_label("Find a reference").fill("Smith")
    page.get_by_role("button", name="Insert [@smith2020]").click()
    expect(page.locator("#medsite-cite-status")).to_have_text(
        "Click in a section or short answer first, where the citation should go."
    )
