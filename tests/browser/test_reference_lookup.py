"""The reference form's look-up by DOI or PMID, and the notice of a retracted work, in real Chromium.

Crossref and PubMed are the local fakes of tests/references/fake_services.py: never the internet.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from references.models import NoticeKind, Reference
from tests.factories import make_reference
from tests.references import fake_services as fake

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def services():
    with fake.serving(REFERENCE_LOOKUP_TIMEOUT=1) as server:
        yield server


@pytest.fixture
def script_errors(page: Page) -> list[str]:
    """Scripts refused by the Content Security Policy, and scripts that failed."""
    errors: list[str] = []

    def console(message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_an_editor_pastes_a_doi_looks_it_up_checks_the_fields_and_saves(
    page: Page, live_server, client, editor, services, script_errors
):
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:references_reference_add"))

    page.get_by_role("textbox", name="DOI or PMID").fill("https://doi.org/10.5555/JCM.2021.0042")
    page.get_by_role("button", name="Look up").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Filled in 11 fields from Crossref (DOI 10.5555/jcm.2021.0042). Check them, then save."
    )
    expect(page.locator("#id_title")).to_have_value(
        "Stretching before sleep for night-time leg cramps: a randomised trial in older adults"
    )
    expect(page.locator("#id_journal_abbreviation")).to_have_value("J Community Med")
    expect(page.locator("#id_authors")).to_have_value("Okonkwo MJ\nFerreira-Lind T\nLeg Cramp Study Group")
    expect(page.locator("#id_kind")).to_have_value("journal-article")
    expect(page.locator("#id_pages")).to_have_value("211-219")
    expect(page.locator("#id_key")).to_have_value("okonkwo2021")
    assert not Reference.objects.exists()  # shown for the editor to check: not saved yet

    page.locator("#id_volume").fill("12")  # the editor may correct anything before saving
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    saved = Reference.objects.get()
    assert (saved.key, saved.doi, saved.year, saved.container_title) == (
        "okonkwo2021",
        "10.5555/jcm.2021.0042",
        2021,
        "Journal of Community Medicine",
    )
    assert script_errors == []


def test_enter_in_the_box_looks_up_a_pmid_instead_of_saving(
    page: Page, live_server, client, editor, services
):
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:references_reference_add"))

    box = page.get_by_role("textbox", name="DOI or PMID")
    box.fill("PMID: 39000444")
    box.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("from PubMed (PMID 39000444)")
    expect(page.locator("#id_kind")).to_have_value("book-chapter")
    expect(page.locator("#id_editors")).to_have_value("Mbeki T\nOlsen K")
    assert page.url.endswith(reverse("admin:references_reference_add"))
    assert not Reference.objects.exists()


def test_a_failed_look_up_says_why_and_fills_nothing(page: Page, live_server, client, editor, services):
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:references_reference_add"))

    page.get_by_role("textbox", name="DOI or PMID").fill("10.5555/fault.slow")
    page.get_by_role("button", name="Look up").click()

    expect(page.get_by_role("status")).to_have_text(
        re.compile(
            r"^Crossref did not answer within 1 second\. Try again later, or fill the fields in by hand\.$"
        )
    )
    expect(page.locator("#id_title")).to_have_value("")
    expect(page.get_by_role("button", name="Look up")).to_be_enabled()


def test_a_retracted_reference_shows_its_notice_at_the_top(page: Page, live_server, client, editor):
    from datetime import date

    retracted = make_reference(
        "brandt2015",
        doi=fake.RETRACTED_DOI,
        notice_kind=NoticeKind.RETRACTION,
        notice_doi=fake.RETRACTION_NOTICE_DOI,
        notice_date=date(2017, 6, 2),
    )
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:references_reference_change", args=[retracted.pk]))

    notice = page.locator("#medsite-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Retracted. The publisher retracted this work")
    expect(notice.get_by_role("link", name=fake.RETRACTION_NOTICE_DOI)).to_have_attribute(
        "href", f"https://doi.org/{fake.RETRACTION_NOTICE_DOI}"
    )
    # Above the form's fields, where nobody can miss it.
    notice_top = notice.bounding_box()
    key_top = page.locator("#id_key").bounding_box()
    assert notice_top and key_top and notice_top["y"] < key_top["y"]
