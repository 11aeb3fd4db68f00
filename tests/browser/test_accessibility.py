"""axe-core in Chromium: no WCAG 2.1 A/AA violations on public pages or on the editors' admin screens.

One test per audience visits every page of its list and reports all violations at once, so a
failure shows the whole job rather than the first problem.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Page

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
