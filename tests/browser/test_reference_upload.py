"""An editor imports a reference manager's export from the reference list: uploads it, reads the
preview (a conflict and a refused entry among the rest), imports the good entries, and sees them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from medsite.audit.models import AuditRecord
from references.models import Reference
from tests.factories import make_reference
from tests.references.test_upload import BIBTEX

from .conftest import log_in
from .test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_uploads_previews_and_imports_a_reference_file(page: Page, live_server, client, editor):
    make_reference("osei2021", title="Heel pain in walkers", doi="10.5555/hp.2021.7")
    make_reference("kim2022", title="Night cramps in older adults: a cohort study", pmid="35550001")
    log_in(page, client, editor, live_server)
    page.goto(live_server.url + reverse("admin:references_reference_changelist"))

    page.get_by_role("link", name="Import a file").click()
    page.get_by_label("Reference file").set_input_files(
        {"name": "library.bib", "mimeType": "text/x-bibtex", "buffer": BIBTEX.encode()}
    )
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import references: preview")
    expect(page.locator("#content-main")).to_contain_text(
        "What importing library.bib (BibTeX) would do: 2 created, 1 updated, 0 skipped, 2 refused."
    )
    conflict = page.locator("#upload-conflicts tbody tr")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("line 23")
    expect(conflict).to_contain_text(
        "its PMID 35550001 is that of kim2022, “Night cramps in older adults: a cohort study”, "
        "but its title is “Statin dose and muscle pain in runners”"
    )
    refused = page.locator("#upload-refused tbody tr")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("the entry has no title.")
    expect(page.locator("#upload-create tbody tr")).to_have_count(2)
    expect(page.locator("#upload-update tbody tr")).to_contain_text("osei2021")
    assert violations(page) == []
    assert not Reference.objects.filter(key__in=["lund2020", "rossi2019"]).exists()  # not yet

    page.get_by_role("button", name="Import the other entries, leave out the 2 refused").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Imported from library.bib: 2 created, 1 updated, 0 skipped, 2 refused."
    )
    created = page.locator("#imported-created li")
    expect(created).to_have_count(2)
    expect(created.nth(0)).to_have_text("lund2020 – Chilblains in office workers")
    expect(created.nth(1)).to_have_text("rossi2019 – Sports medicine for the family doctor")
    expect(page.locator("#imported-updated")).to_contain_text("osei2021")
    assert violations(page) == []
    assert Reference.objects.get(key="kim2022").title == "Night cramps in older adults: a cohort study"
    assert AuditRecord.objects.get(action="import").actor == editor

    created.nth(0).get_by_role("link", name="lund2020").click()
    expect(page.get_by_label("Title:", exact=True)).to_have_value("Chilblains in office workers")
