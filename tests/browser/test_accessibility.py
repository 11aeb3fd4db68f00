"""axe-core in Chromium: no WCAG 2.1 A/AA violations on public pages or on the editors' admin screens.

One test per audience visits every page of its list and reports all violations at once, so a
failure shows the whole job rather than the first problem.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import reversion
from axe_playwright_python.sync_playwright import Axe
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from conditions import presence, workflow
from conditions.models import Condition, EditingSession
from medsite.contentchecks.models import PlainTerm

from .conftest import DemoSite, log_in
from .pages import admin_pages, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def violations(page: Page) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the loaded page: the rule, why, and the elements that fail."""
    results = Axe().run(page, options=WCAG_21_AA).response
    found = []
    for violation in results["violations"]:
        nodes = violation["nodes"]
        # The summary's first line is "Fix any/all of the following:"; the second is the first fix.
        fix = " ".join((nodes[0].get("failureSummary") or "").splitlines()[1:2]).strip()
        elements = [node["html"][:140] for node in nodes[:5]]
        if len(nodes) > 5:
            elements.append(f"and {len(nodes) - 5} more")
        found.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}; {fix}\n      "
            + "\n      ".join(elements)
        )
    return found


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{name}:\n  " + "\n  ".join(problems) for name, problems in found.items() if problems)


def test_public_pages_have_no_wcag_violations(page: Page, live_server, demo_site: DemoSite):
    found = {}
    for name, path, status in public_pages(demo_site):
        response = page.goto(live_server.url + path)
        assert response.status == status, f"{name} ({path}) answered {response.status}"
        found[f"{name} ({path})"] = violations(page)
    assert not any(found.values()), report(found)


def test_admin_screens_have_no_wcag_violations(page: Page, live_server, client: Client, demo_site: DemoSite):
    found = {}
    for name, path, username in admin_pages(demo_site):
        page.context.clear_cookies()
        if username:
            log_in(page, client, demo_site.users[username], live_server)
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{name} ({path}) answered {response.status}"
        found[f"{name} ({path})"] = violations(page)
    assert not any(found.values()), report(found)


def test_editor_tools_have_no_wcag_violations(page: Page, live_server, client: Client, demo_site: DemoSite):
    """The editor's tools in use: a row added and moved, the finder beside a field, an image
    dropped (the picker open), the unsaved-text note; then the page opened again, offering the
    text back."""
    log_in(page, client, demo_site.users["editor"], live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[demo_site.editable.pk]))
    page.get_by_role("button", name="Add another Section").click()
    added = page.locator("#sections-group .inline-related:not(.empty-form)").last
    added.get_by_role("button", name="Move up").click()
    body = added.locator("textarea")
    body.fill("Typed and not saved.")
    expect(page.locator("#medsite-unsaved-status")).to_contain_text("kept in this browser")
    added.get_by_role("toolbar").get_by_role("button", name="Cite a source").click()
    expect(added.get_by_role("region", name="Cite a source")).to_be_visible()
    body.dispatch_event("drop", {"dataTransfer": page.evaluate_handle(IMAGE_TRANSFER)})
    expect(page.get_by_role("dialog", name="Insert an image")).to_be_visible()
    found = {"editor tools in use, the image picker open": violations(page)}
    page.keyboard.press("Escape")

    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"
    page.goto(page.url)  # the text typed above is offered back
    expect(page.get_by_role("region", name="Unsaved text")).to_be_visible()
    found["unsaved text offered back"] = violations(page)
    assert not any(found.values()), report(found)


IMAGE_TRANSFER = """() => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array([137, 80, 78, 71])], "scan.png", { type: "image/png" }));
  return data;
}"""


def test_content_checks_panel_has_no_wcag_violations(
    page: Page, live_server, client: Client, demo_site: DemoSite
):
    """The editor's live panel once it lists what it found: long sentences and plainer words."""
    PlainTerm.objects.get_or_create(term="hypertension", defaults={"alternatives": "high blood pressure"})
    log_in(page, client, demo_site.users["editor"], live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[demo_site.editable.pk]))
    body = page.locator("textarea[name='sections-0-body']")
    long = "People with hypertension often feel well for years, " + "and so they may not see a doctor " * 4
    body.fill(f"{body.input_value()}\n\n{long}until it is found.")
    # The first check in a server process also reads textstat's dictionary (about a second).
    expect(page.locator("#medsite-content-checks .medsite-plain-terms")).to_contain_text(
        "high blood pressure", timeout=15_000
    )
    expect(page.locator("#medsite-content-checks")).to_contain_text("until it is found. (44 words)")
    found = {"the content checks panel, with findings": violations(page)}
    assert not any(found.values()), report(found)


def test_editing_together_has_no_wcag_violations(
    page: Page, live_server, client: Client, demo_site: DemoSite, monkeypatch
):
    """The edit page with someone else on it, after they saved, then the refused save's conflict,
    then the text carried onto their version (tests/browser/test_editing_together.py has the flow)."""
    monkeypatch.setattr(presence, "HEARTBEAT", timedelta(seconds=1))
    condition, other = demo_site.editable, demo_site.users["reviewer1"]
    now = timezone.now()
    EditingSession.objects.create(condition=condition, user=other, started_at=now, last_seen_at=now)
    log_in(page, client, demo_site.users["editor"], live_server)
    page.goto(live_server.url + reverse("admin:conditions_condition_change", args=[condition.pk]))
    page.locator("textarea[name='summary']").fill("Heel pain from a strained band of tissue under the foot.")
    with transaction.atomic(), reversion.create_revision():
        saved = Condition.objects.get(pk=condition.pk)
        saved.summary = "Pain under the heel, worst with the first steps of the day."
        workflow.save_draft(saved, by=other, lock_version=saved.lock_version)
    notice = page.locator("#medsite-editing-session [role=status]")
    expect(notice).to_contain_text("Amara Okafor, MD saved a newer version on")
    found = {"someone else editing, and saved": violations(page)}
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("#medsite-conflict")).to_be_focused()
    found["a refused save's conflict"] = violations(page)
    page.get_by_role("button", name="Keep my text on the newer version").click()
    expect(page.get_by_role("heading", name="Your text is on the version")).to_be_visible()
    found["the text carried onto their version"] = violations(page)
    assert not any(found.values()), report(found)
