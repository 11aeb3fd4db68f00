"""No lost work in the condition editor: a workflow step saves what was typed first, leaving asks
first, and text typed but never saved is offered back after the tab was closed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect
from reversion.models import Version

from conditions.content import SectionData
from conditions.models import Condition, Status
from tests.factories import make_condition

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "Typed but not yet saved: rest the joint and see a doctor if it swells."


@pytest.fixture
def condition(editor) -> Condition:
    return make_condition(
        editor,
        "Bursitis",
        sections=[("overview", "Bursitis is a swollen bursa."), ("symptoms", "Pain and swelling.")],
    )


def _open_editor(page: Page, live_server, client, user, condition: Condition) -> None:
    log_in(page, client, user, live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))


def _overview(page: Page):
    return page.locator("textarea[name='sections-0-body']")


def _saved_overview(condition: Condition) -> str:
    return condition.sections.get(kind="overview").body


def test_submitting_with_typed_text_saves_it_first(page: Page, live_server, client, editor, condition):
    versions_before = Version.objects.get_for_object(condition).count()
    _open_editor(page, live_server, client, editor, condition)
    _overview(page).fill(TYPED)
    page.get_by_label("Note for the reviewer (optional)").fill("Advice on swelling added.")

    page.get_by_role("button", name="Submit for expert review").click()

    messages = page.locator(".messagelist")
    expect(messages).to_contain_text("Your changes to “Bursitis” were saved")
    expect(messages).to_contain_text("submitted for expert review")
    # The page is now read-only in review, showing the text that was typed.
    expect(page.locator("#sections-group")).to_contain_text(TYPED)
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW
    assert _saved_overview(condition) == TYPED
    # One version for the save, then one for the submission, which carries its note.
    assert Version.objects.get_for_object(condition).count() == versions_before + 2
    assert condition.review_events.order_by("-pk").first().comment == "Advice on swelling added."


def test_a_save_that_fails_takes_no_step_and_keeps_the_text(
    page: Page, live_server, client, editor, condition
):
    _open_editor(page, live_server, client, editor, condition)
    _overview(page).fill(TYPED)
    page.get_by_label("Slug").fill("not a valid address!")

    page.get_by_role("button", name="Submit for expert review").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Your changes could not be saved, so “Submit for expert review” was not done."
    )
    expect(page.get_by_text("Please correct the error below.")).to_be_visible()
    expect(_overview(page)).to_have_value(TYPED)
    condition.refresh_from_db()
    assert condition.status == Status.DRAFT
    assert _saved_overview(condition) == "Bursitis is a swollen bursa."


def test_a_step_without_changes_is_taken_directly(page: Page, live_server, client, editor, condition):
    versions_before = Version.objects.get_for_object(condition).count()
    _open_editor(page, live_server, client, editor, condition)
    page.get_by_role("button", name="Submit for expert review").click()
    expect(page.locator(".messagelist")).to_contain_text("submitted for expert review")
    expect(page.locator(".messagelist")).not_to_contain_text("were saved")
    assert Version.objects.get_for_object(condition).count() == versions_before + 1


def test_leaving_with_unsaved_changes_asks_first(page: Page, live_server, client, editor, condition):
    _open_editor(page, live_server, client, editor, condition)
    _overview(page).fill(TYPED)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    expect(_overview(page)).to_have_value(TYPED)
    assert asked == ["beforeunload"]


def test_saving_does_not_ask(page: Page, live_server, client, editor, condition):
    _open_editor(page, live_server, client, editor, condition)
    _overview(page).fill(TYPED)
    page.on("dialog", lambda dialog: dialog.dismiss())  # a question would cancel the save
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert _saved_overview(condition) == TYPED


def _type_and_close(context: BrowserContext, live_server, client, editor, condition) -> None:
    page = context.new_page()
    _open_editor(page, live_server, client, editor, condition)
    _overview(page).fill(TYPED)
    expect(page.locator("#medsite-unsaved-status")).to_contain_text("kept in this browser")
    page.close()


def test_text_typed_in_a_closed_tab_is_offered_back(
    context: BrowserContext, live_server, client, editor, condition
):
    _type_and_close(context, live_server, client, editor, condition)

    page = context.new_page()
    _open_editor(page, live_server, client, editor, condition)
    banner = page.get_by_role("region", name="Unsaved text")
    expect(banner).to_contain_text("Restore the text you typed on")
    expect(_overview(page)).to_have_value("Bursitis is a swollen bursa.")
    banner.get_by_role("button", name="Restore").click()
    expect(_overview(page)).to_have_value(TYPED)
    expect(banner).to_be_hidden()

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert _saved_overview(condition) == TYPED
    # Saved, so nothing is offered again.
    page.reload()
    expect(_overview(page)).to_have_value(TYPED)
    expect(page.get_by_role("region", name="Unsaved text")).to_be_hidden()


def test_discarded_text_is_not_offered_again(context: BrowserContext, live_server, client, editor, condition):
    _type_and_close(context, live_server, client, editor, condition)

    page = context.new_page()
    _open_editor(page, live_server, client, editor, condition)
    page.get_by_role("region", name="Unsaved text").get_by_role("button", name="Discard").click()
    expect(_overview(page)).to_have_value("Bursitis is a swollen bursa.")
    page.reload()
    expect(page.locator("textarea[name='sections-0-body']")).to_be_visible()
    expect(page.get_by_role("region", name="Unsaved text")).to_be_hidden()


def test_restored_text_is_still_checked_against_a_newer_save(
    context: BrowserContext, live_server, client, editor, editor2, condition
):
    _type_and_close(context, live_server, client, editor, condition)
    # Meanwhile someone else saves the page.
    condition.refresh_from_db()
    from conditions.content import ConditionData, write_condition

    write_condition(
        ConditionData(
            name="Bursitis",
            slug=condition.slug,
            summary=condition.summary,
            sections=[SectionData(kind="overview", body="Their newer overview.")],
        ),
        by=editor2,
        comment="Another editor's save",
    )

    page = context.new_page()
    _open_editor(page, live_server, client, editor, condition)
    banner = page.get_by_role("region", name="Unsaved text")
    expect(banner).to_contain_text("saved again since")
    banner.get_by_role("button", name="Restore").click()
    expect(_overview(page)).to_have_value(TYPED)
    page.get_by_role("button", name="Save and continue editing").click()

    # The save is refused as stale rather than overwriting the other editor's text, and what was
    # typed is still in the form.
    expect(page.locator(".errornote").first).to_be_visible()
    expect(_overview(page)).to_have_value(TYPED)
    assert _saved_overview(condition) == "Their newer overview."


def test_rows_added_before_the_tab_closed_come_back(
    context: BrowserContext, live_server, client, editor, condition
):
    page = context.new_page()
    _open_editor(page, live_server, client, editor, condition)
    page.get_by_role("button", name="Add another Section").click()
    page.locator("textarea[name='sections-2-body']").fill("A section added, then lost with the tab.")
    expect(page.locator("#medsite-unsaved-status")).to_contain_text("kept in this browser")
    page.close()

    page = context.new_page()
    _open_editor(page, live_server, client, editor, condition)
    page.get_by_role("region", name="Unsaved text").get_by_role("button", name="Restore").click()
    added = page.locator("textarea[name='sections-2-body']")
    expect(added).to_have_value("A section added, then lost with the tab.")
    expect(page.locator(".markdownx", has=added).locator(".markdownx-preview")).to_have_text(
        "A section added, then lost with the tab."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert condition.sections.count() == 3
