from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import Page

from conditions import workflow
from conditions.content import write_condition
from conditions.demo import load_demo
from conditions.demo.pages import MIGRAINE
from conditions.models import Condition
from tests.factories import publish


@pytest.fixture(autouse=True)
def _roles_after_each_flush(roles):
    """Browser tests run against a live server, so their database is flushed after each test:
    every one of them gets the roles back (tests/conftest.py's ``roles``)."""


@dataclass
class DemoSite:
    """The demo content, plus the states a site reaches with use (see :func:`demo_site`)."""

    users: dict[str, User]
    current: Condition  # live at version 2, version 1 archived, a newer version in review
    editable: Condition  # live, and open for editing
    gone: Condition  # taken offline: its address answers 410


@pytest.fixture
def demo_site(roles, settings, tmp_path) -> DemoSite:
    """The demo site moved on through the real workflow, so every kind of page has something to show.

    Migraine is approved a second time (so version 1 is archived) and then edited and submitted
    again (so the review screen has a real comparison); Gout is taken offline. The demo's image
    files go to a media folder of the test's own.
    """
    settings.MEDIA_ROOT = str(tmp_path / "demo-media")
    load_demo()
    users = {user.username: user for user in User.objects.all()}
    editor, reviewer, admin = users["editor"], users["reviewer1"], users["admin"]
    current, _ = write_condition(
        replace(MIGRAINE, summary=MIGRAINE.summary + " Most people can find a treatment that helps."),
        by=editor,
        comment="Summary: treatment outlook",
    )
    publish(current, editor=editor, reviewer=reviewer, comment="Summary now mentions treatment.")
    write_condition(
        replace(MIGRAINE, summary="Migraine causes repeated attacks of moderate or severe headache."),
        by=editor,
        comment="Shorter summary",
    )
    workflow.submit(current, by=editor, comment="A shorter summary for search results.")
    gone = Condition.objects.get(slug="gout")
    workflow.unpublish(gone, by=admin, reason="Being rewritten for the new guideline.")
    return DemoSite(
        users=users,
        current=Condition.objects.get(pk=current.pk),
        editable=Condition.objects.get(slug="plantar-fasciitis"),
        gone=gone,
    )


def log_in(page: Page, client: Client, user: User, live_server) -> None:
    """Reuse a Django test-client session in the browser, for tests that are not about logging in."""
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
