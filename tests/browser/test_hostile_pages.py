"""Pages built from the XSS corpus, opened in real Chromium: no script of theirs ever runs.

Every vector calls ``alert`` and sets ``window.__xss``. Each page is loaded, every element is
sent the events inline handlers listen for, the links are hovered with the mouse, the page is
tabbed through and its ``<details>`` opened; then no dialog may have appeared and the flag must
be unset. The Content-Security-Policy is bypassed, so what is tested is the markup itself, not
the policy that would also stop it.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page
from reversion.models import Version

from conditions.models import Condition
from references.models import Reference
from tests.xss_corpus import HOSTILE_KEY, JS, MARKUP, SHORT_TEXT, TEXT, make_hostile_page

from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(bypass_csp=True),
]

TABS = 60
HOVERS = 80
# Synthetic events reach inline handlers as real ones do; focus and toggle cover the vectors
# that would fire without the reader doing anything.
PROVOKE = """
() => {
  const kinds = ["mouseover", "mouseenter", "pointerover", "pointerenter", "mousemove", "focus",
                 "focusin", "blur", "toggle", "animationstart", "transitionend", "load", "error"];
  for (const element of document.querySelectorAll("body *")) {
    for (const kind of kinds) { element.dispatchEvent(new Event(kind, { bubbles: true })); }
  }
  for (const details of document.querySelectorAll("details")) { details.open = true; }
}
"""


class Watch:
    """Dialogs seen on a page, and whether a vector set its flag."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        if dialog.type == "beforeunload":  # the editor asks before leaving unsaved text: leave
            dialog.accept()
            return
        self.dialogs.append(f"{self.page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def visit(self, url: str, status: int = 200) -> None:
        response = self.page.goto(url)
        assert response.status == status, f"{url} answered {response.status}"
        self.provoke()

    def provoke(self) -> None:
        page = self.page
        page.evaluate(PROVOKE)
        links = page.locator("main a:visible, main button:visible, main summary:visible, #content a:visible")
        for n in range(min(links.count(), HOVERS)):
            box = links.nth(n).bounding_box()
            if box:
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        for _ in range(TABS):
            page.keyboard.press("Tab")
        page.wait_for_timeout(300)
        ran = page.evaluate("'__xss' in window")
        assert not self.dialogs and not ran, (self.dialogs, f"window.__xss set on {page.url}")


@pytest.fixture
def hostile(editor, reviewer) -> Condition:
    return make_hostile_page(editor=editor, reviewer=reviewer)


def test_the_watch_sees_a_script_that_runs(page: Page):
    # The harness itself: raw, unsanitised vectors do run here, and are caught.
    watch = Watch(page)
    for markup in [f"<img src=x onerror={JS}>", f'<p onmouseover="{JS}">hover me</p>']:
        page.set_content(markup)
        with pytest.raises(AssertionError):
            watch.provoke()
        watch.dialogs.clear()


def test_public_pages_built_from_the_corpus_run_nothing(page: Page, live_server, hostile):
    watch = Watch(page)
    base = live_server.url
    # The policy is off here: an inline script the page's CSP would refuse does run.
    page.goto(base + hostile.get_absolute_url())
    page.add_script_tag(content="window.__inline = 1")
    assert page.evaluate("window.__inline") == 1
    answers = hostile.live_publication.page.short_answers
    for path in [
        hostile.get_absolute_url(),
        reverse("conditions:question", args=[hostile.slug, answers[0].slug]),
        reverse("conditions:question", args=[hostile.slug, answers[5].slug]),
        reverse("conditions:history", args=[hostile.slug]),
        reverse("home"),
        reverse("conditions:index"),
        reverse("conditions:search") + "?q=" + quote(f"alert {SHORT_TEXT[0]}"),
        reverse("conditions:search") + "?q=xss",
    ]:
        watch.visit(base + path)


@pytest.mark.parametrize("query", [TEXT[1], TEXT[3], TEXT[9], MARKUP[8], MARKUP[25]])
def test_search_for_a_hostile_query_runs_nothing(page: Page, live_server, query):
    Watch(page).visit(live_server.url + reverse("conditions:search") + "?q=" + quote(query))


def test_not_found_page_for_a_hostile_address_runs_nothing(page: Page, live_server):
    Watch(page).visit(live_server.url + "/" + quote(TEXT[1]), status=404)


def test_editor_screens_for_the_page_run_nothing(page: Page, live_server, client: Client, editor, hostile):
    log_in(page, client, editor, live_server)
    watch = Watch(page)
    base = live_server.url
    # The edit form: its live previews put the renderer's output into the page with innerHTML.
    watch.visit(base + reverse("admin:conditions_condition_change", args=[hostile.pk]))
    previews = page.locator(".markdownx-preview")
    page.wait_for_function("document.querySelectorAll('sup.citation').length > 0")
    assert previews.count() > len(MARKUP)
    page.get_by_label("Find a reference").fill("script")
    page.locator("#medsite-cite-results li").first.wait_for()
    page.locator("textarea[name='sections-0-body']").fill(MARKUP[8] + MARKUP[25])
    page.wait_for_timeout(1000)  # the page-wide preview of the typed text
    watch.provoke()

    versions = list(Version.objects.get_for_object(hostile).order_by("pk").values_list("pk", flat=True))
    for path in [
        reverse("admin:conditions_condition_preview", args=[hostile.pk]),
        reverse("admin:conditions_condition_review", args=[hostile.pk]),
        reverse("admin:conditions_condition_history", args=[hostile.pk]),
        reverse("admin:conditions_condition_compare", args=[hostile.pk])
        + f"?from={versions[0]}&to={versions[-1]}",
        reverse("admin:conditions_condition_changelist") + "?q=" + quote("fever"),
        reverse("admin:references_reference_changelist"),
        reverse("admin:references_reference_change", args=[Reference.objects.get(key=HOSTILE_KEY).pk]),
        reverse("review-dashboard"),
    ]:
        watch.visit(base + path)
