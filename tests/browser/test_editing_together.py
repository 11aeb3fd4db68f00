"""Two editors with one page open in two browsers: each sees the other, the second save is refused
with the conflict at the top, and keeping one's text on the newer version loses nobody's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from reversion.models import Version

from conditions import presence
from conditions.models import Condition

from .conftest import DemoSite, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEIR_PARAGRAPH = "Stretching the calf and the sole of the foot every day helps most people."
THEIR_NAME = "Heel spur syndrome"


@pytest.fixture
def quick_heartbeat(monkeypatch):
    """A heartbeat a second, and a session over a second after its page is left, so a test sees in
    seconds what editors see within half a minute."""
    monkeypatch.setattr(presence, "HEARTBEAT", timedelta(seconds=1))
    monkeypatch.setattr(presence, "LEAVING_GRACE", timedelta(seconds=1))


@pytest.fixture
def ana(roles) -> User:
    """A second editor, beside the demo's."""
    user = User.objects.create_user(
        "ana", "ana@example.org", "x", is_staff=True, first_name="Ana", last_name="Gómez"
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def _open(browser: Browser, live_server, user: User, path: str) -> Page:
    page = browser.new_context().new_page()
    log_in(page, Client(), user, live_server)
    page.goto(live_server.url + path)
    return page


def _presence(page: Page):
    return page.locator("#medsite-editing-session [role=status]")


def test_two_editors_see_each_other_and_lose_nothing(
    browser: Browser, live_server, demo_site: DemoSite, ana: User, quick_heartbeat
):
    condition = demo_site.editable
    lucy = demo_site.users["editor"]
    path = reverse("admin:conditions_condition_change", args=[condition.pk])
    overview = condition.sections.get(kind="overview").body.replace("\r\n", "\n")
    their_overview = overview + "\n\n" + THEIR_PARAGRAPH
    my_overview = overview.replace("is a strong band of tissue", "is a thick, strong band of tissue")
    my_summary = condition.summary.replace("simple measures", "rest, stretching and cushioned shoes")
    assert my_overview != overview and my_summary != condition.summary

    first = _open(browser, live_server, lucy, path)
    second = _open(browser, live_server, ana, path)

    # Each sees the other, by name, and since when.
    expect(_presence(second)).to_contain_text("Also editing this page: Lucy Hart, since ")
    expect(_presence(first)).to_contain_text("Also editing this page: Ana Gómez, since ")

    # Both type; the first saves.
    second.locator("textarea[name='sections-0-body']").fill(my_overview)
    second.locator("textarea[name='summary']").fill(my_summary)
    first.locator("textarea[name='sections-0-body']").fill(their_overview)
    first.locator("textarea[name='also_called']").fill(condition.also_called + "\n" + THEIR_NAME)
    first.get_by_role("button", name="Save and continue editing").click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    # The second hears of it before saving, and keeps the first in view after the first's save.
    expect(_presence(second)).to_contain_text("Lucy Hart saved a newer version on")
    expect(_presence(second)).to_contain_text("your save will be refused")
    expect(_presence(first)).to_contain_text("Ana Gómez, since ")

    # The second's save is refused: the conflict is at the top, focused, naming the first.
    second.get_by_role("button", name="Save and continue editing").click()
    conflict = second.locator("#medsite-conflict")
    expect(conflict).to_be_focused()
    expect(second.get_by_role("alert").filter(has_text="after you opened it")).to_contain_text(
        "Lucy Hart saved this page on"
    )
    assert conflict.bounding_box()["y"] < second.locator("#workflow-heading").bounding_box()["y"]
    overview_part = conflict.locator(".medsite-conflict-part", has_text="Section: Overview")
    theirs, mine = overview_part.locator(".medsite-conflict-sides > div").all()
    expect(theirs).to_contain_text("Lucy Hart")
    expect(theirs.locator("ins")).to_contain_text(THEIR_PARAGRAPH)
    expect(mine.locator("ins")).to_have_text("added: thick,")
    expect(overview_part).to_contain_text("You both changed this: keeping your text replaces theirs")
    expect(conflict.locator(".medsite-conflict-part", has_text="Also called")).to_contain_text(THEIR_NAME)
    # What the second typed is still in the form.
    expect(second.locator("textarea[name='summary']")).to_have_value(my_summary)

    # Keeping their own text on the newer version, from the keyboard: the button is the next stop
    # after the conflict. Nothing is saved yet, and the first's text is still shown.
    second.keyboard.press("Tab")
    keep = second.get_by_role("button", name="Keep my text on the newer version")
    expect(keep).to_be_focused()
    keep.press("Enter")
    expect(second.get_by_role("heading", name="Your text is on the version Lucy Hart saved")).to_be_visible()
    expect(second.locator("#medsite-conflict ins", has_text=THEIR_PARAGRAPH)).to_be_visible()
    expect(second.locator("textarea[name='summary']")).to_have_value(my_summary)
    expect(second.locator("textarea[name='sections-0-body']")).to_have_value(my_overview)
    expect(second.locator("textarea[name='also_called']")).to_contain_text(THEIR_NAME)
    expect(_presence(second)).not_to_contain_text("saved a newer version")
    second.get_by_role("button", name="Save and continue editing").click()
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")

    # Now the first hears that the second saved after them.
    expect(_presence(first)).to_contain_text("Ana Gómez saved a newer version on")

    # Nothing either typed is lost: the page has the second's text and the first's other names;
    # the first's overview, which the second's replaced, is in the history under the first's name.
    saved = Condition.objects.get(pk=condition.pk)
    assert saved.summary == my_summary
    assert saved.sections.get(kind="overview").body.replace("\r\n", "\n") == my_overview
    assert THEIR_NAME in saved.also_called
    by_lucy = [
        version
        for version in Version.objects.get_for_object(saved).select_related("revision__user")
        if version.revision.user == lucy
    ]
    overviews = [
        v.field_dict["body"]
        for version in by_lucy
        for v in version.revision.version_set.all()
        if v.content_type.model == "section"
    ]
    assert any(THEIR_PARAGRAPH in body for body in overviews)

    # The second leaves; the first's notice lets them go.
    second.goto(live_server.url + reverse("admin:index"))
    expect(_presence(first)).not_to_contain_text("Also editing this page", timeout=10_000)
    for page in (first, second):
        page.context.close()
