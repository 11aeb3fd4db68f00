"""The Content-Security-Policy in real Chromium: no page of the site, public or admin, trips it, and
the scripts editors rely on (Django's admin, markdownx's live preview, the citation finder) still
run under it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect
from reversion.models import Version

from .conftest import DemoSite, log_in
from .pages import admin_pages, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports each violation on the console ("Refused to load…", "Executing inline script
# violates the following Content Security Policy directive…") and as an event; both are collected.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


class Violations:
    def __init__(self, page: Page) -> None:
        self.found: list[str] = []
        self.where = ""
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text or "CSP violation" in text:
            self.found.append(f"{self.where}: {text}")

    def visit(self, page: Page, url: str, name: str, status: int = 200) -> None:
        self.where = name
        response = page.goto(url)
        assert response.status == status, f"{name} ({url}) answered {response.status}"
        assert "content-security-policy" in response.headers, f"{name} has no Content-Security-Policy"


def test_public_pages_raise_no_violation(page: Page, live_server, demo_site: DemoSite):
    seen = Violations(page)
    for name, path, status in public_pages(demo_site):
        seen.visit(page, live_server.url + path, name, status)
    # Twice for the condition page: the second answer comes from the page cache.
    detail = reverse("conditions:detail", args=[demo_site.current.slug])
    seen.visit(page, live_server.url + detail, "condition page, cached")
    assert page.locator("script[type='application/ld+json']").count() == 1
    assert not seen.found, "\n".join(seen.found)


def test_admin_screens_raise_no_violation(page: Page, live_server, client: Client, demo_site: DemoSite):
    seen = Violations(page)
    versions = Version.objects.get_for_object(demo_site.current).order_by("pk")
    compare = reverse("admin:conditions_condition_compare", args=[demo_site.current.pk])
    screens = [
        *admin_pages(demo_site),
        ("history", reverse("admin:conditions_condition_history", args=[demo_site.current.pk]), "editor"),
        ("compare", f"{compare}?from={versions.first().pk}&to={versions.last().pk}", "editor"),
    ]
    for name, path, username in screens:
        page.context.clear_cookies()
        if username:
            log_in(page, client, demo_site.users[username], live_server)
        seen.visit(page, live_server.url + path, name)
    assert not seen.found, "\n".join(seen.found)


def test_markdown_preview_works_under_the_policy(
    page: Page, live_server, client: Client, demo_site: DemoSite
):
    seen = Violations(page)
    log_in(page, client, demo_site.users["editor"], live_server)
    seen.visit(
        page,
        live_server.url + reverse("admin:conditions_condition_change", args=[demo_site.editable.pk]),
        "condition editor",
    )
    overview = page.locator("textarea[name='sections-0-body']")
    overview.fill("Rest **often helps** the heel.\n\n| Step | When |\n|---|---|\n| Stretch | Daily |")
    preview = page.locator(".markdownx", has=overview).locator(".markdownx-preview")
    expect(preview.locator("strong")).to_have_text("often helps")
    expect(preview.locator("td").first).to_have_text("Stretch")
    # Django's own admin scripts run too: the inline's "Add another" adds a form.
    sections = page.locator("textarea.markdownx-editor[name^='sections-'][name$='-body']")
    before = sections.count()
    page.locator("#sections-group .add-row a").click()
    expect(sections).to_have_count(before + 1)
    assert not seen.found, "\n".join(seen.found)
