"""The reference import page: upload, preview, confirm; imported exactly as previewed."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from reversion.models import Revision

from medsite.audit.models import AuditRecord
from references import upload
from references.models import Reference
from tests.factories import make_condition, make_reference

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:references_reference_upload")
CONFIRM = reverse("admin:references_reference_upload_confirm")

# Made-up sources as Zotero writes BibTeX: two new ones, one matching a stored reference by DOI
# (a subtitle added), one whose PMID is a stored reference's with an unrelated title, and one
# with no title.
BIBTEX = """\
@article{lund2020,
  author = {Lund, Ingrid and Baptiste, Marc},
  title = {Chilblains in office workers},
  journal = {Nordic Journal of Skin Health},
  year = {2020},
  doi = {https://doi.org/10.5555/njsh.2020.41},
}

@book{rossi2019,
  author = {Rossi, Paola},
  title = {Sports medicine for the family doctor},
  publisher = {Halden Press},
  year = {2019},
}

@article{osei2021x,
  title = {Heel pain in walkers: a cross-sectional survey},
  journal = {Foot Ankle Q},
  year = {2021},
  doi = {10.5555/HP.2021.7},
}

@article{wrong2019,
  title = {Statin dose and muscle pain in runners},
  year = {2019},
  pmid = {35550001},
}

@misc{blank2021,
  title = {},
  year = {2021},
}
"""


@pytest.fixture
def stored(db):
    make_reference("osei2021", title="Heel pain in walkers", doi="10.5555/hp.2021.7", container_title="")
    make_reference("kim2022", title="Night cramps in older adults: a cohort study", pmid="35550001")


def _file(text: str | bytes, name: str = "library.bib") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text if isinstance(text, bytes) else text.encode(), "text/plain")


def _preview(client, text: str | bytes, name: str = "library.bib", **data) -> str:
    response = client.post(UPLOAD, {"file": _file(text, name), **data})
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    """The page's text, as a reader sees it: tags out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&ldquo;", "“").replace("&rdquo;", "”")


def _sha256(html: str) -> str:
    """The hash the preview's confirmation form posts back."""
    match = re.search(r'name="sha256" value="([0-9a-f]{64})"', html)
    assert match is not None, "the preview has no confirmation form"
    return match.group(1)


def _counts() -> tuple[int, int, int]:
    return Reference.objects.count(), Revision.objects.count(), AuditRecord.objects.count()


def test_the_reference_list_links_to_the_import_page_for_editors(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:references_reference_changelist")).content.decode()
    assert f'<a href="{UPLOAD}">Import a file</a>' in page


def test_the_form_names_the_formats_and_the_limit(client, editor):
    client.force_login(editor)
    page = _text(client.get(UPLOAD).content.decode())
    assert (
        "A BibTeX (.bib), RIS (.ris), CSL-JSON (.json) or MEDLINE (PubMed .nbib) export, UTF-8, up to 2 MB."
        in page
    )


def test_the_preview_shows_what_would_be_created_updated_and_refused_and_writes_nothing(
    client, editor, stored
):
    client.force_login(editor)
    before = _counts()

    page = _text(_preview(client, BIBTEX))

    assert _counts() == before
    assert "What importing library.bib (BibTeX) would do: 2 created, 1 updated, 0 skipped, 2 refused." in page
    assert "Conflicts (1)" in page
    assert (
        "line 23 its PMID 35550001 is that of kim2022, “Night cramps in older adults: a cohort study”, but "
        "its title is “Statin dose and muscle pain in runners”; nothing was changed." in page
    )
    assert "Refused (1) Where Why line 29 the entry has no title." in page
    assert (
        "To create (2) Where Key Title line 1 lund2020 Chilblains in office workers line 9 rossi2019" in page
    )
    assert (
        "To update (1) Where Stored reference Matched by Changes line 16 osei2021 – Heel pain in walkers DOI"
        in page
    )
    # Each change, from the stored value to the file's.
    assert "Title: Heel pain in walkers → Heel pain in walkers: a cross-sectional survey" in page
    assert "Container title: – → Foot Ankle Q" in page
    # All or nothing cannot go ahead: the one button imports the others only.
    assert "Import the other entries, leave out the 2 refused" in page
    assert ">Import</button>" not in page


def test_confirming_imports_the_good_entries_in_one_revision_with_an_audit_record(client, editor, stored):
    client.force_login(editor)
    html = _preview(client, BIBTEX)

    response = client.post(CONFIRM, {"sha256": _sha256(html), "skip_invalid": "1"})

    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert set(Reference.objects.values_list("key", flat=True)) == {
        "osei2021",
        "kim2022",
        "lund2020",
        "rossi2019",
    }
    assert Reference.objects.get(key="osei2021").title == "Heel pain in walkers: a cross-sectional survey"
    assert Reference.objects.get(key="kim2022").title == "Night cramps in older adults: a cohort study"
    revision = Revision.objects.get()
    assert (revision.user, revision.comment) == (editor, "Imported from library.bib")
    record = AuditRecord.objects.get()
    assert (record.actor, record.action, record.target) == (editor, "import", "upload library.bib")
    assert record.details["created"] == ["lund2020", "rossi2019"]
    assert record.details["updated"] == ["osei2021"]
    assert len(record.details["refused"]) == 2

    done = _text(client.get(UPLOAD).content.decode())
    assert "Imported from library.bib: 2 created, 1 updated, 0 skipped, 2 refused." in done
    assert (
        "Created lund2020 – Chilblains in office workers rossi2019 – Sports medicine for the family doctor"
        in done
    )
    assert "line 29: refused: the entry has no title." in done
    # Shown once: the page is the upload form again afterwards.
    assert "Imported from" not in _text(client.get(UPLOAD).content.decode())


def test_a_file_with_refusals_is_not_imported_without_the_choice_to_leave_them_out(client, editor, stored):
    client.force_login(editor)
    html = _preview(client, BIBTEX)
    before = _counts()

    response = client.post(CONFIRM, {"sha256": _sha256(html), "skip_invalid": "0"})

    assert response.status_code == 409
    assert "Nothing was imported: 2 entries are refused." in _text(response.content.decode())
    assert _counts() == before


def test_a_clean_file_is_imported_with_the_plain_button(client, editor):
    client.force_login(editor)
    clean = BIBTEX.split("@article{osei2021x")[0]
    html = _preview(client, clean)
    assert "Import</button>" in html and "leave out" not in html

    response = client.post(CONFIRM, {"sha256": _sha256(html), "skip_invalid": "0"})

    assert response.status_code == 302
    assert set(Reference.objects.values_list("key", flat=True)) == {"lund2020", "rossi2019"}


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("export.ris", "TY  - BOOK\nTI  - Sports medicine for the family doctor\nPY  - 2019\nER  -\n", "RIS"),
        (
            "export.json",
            '[{"id": "rossi2019", "type": "book", "title": "Sports medicine for the family doctor", '
            '"issued": {"date-parts": [[2019]]}}]',
            "CSL-JSON",
        ),
        (
            "pubmed.nbib",
            "PMID- 30000001\nDP  - 2019\nTI  - Sports medicine for the family doctor.\n",
            "MEDLINE",
        ),
    ],
)
def test_every_format_is_recognised(client, editor, name, text, fmt):
    client.force_login(editor)
    page = _text(_preview(client, text, name))
    assert f"What importing {name} ({fmt}" in page and "1 created" in page


def test_the_format_can_be_chosen(client, editor):
    client.force_login(editor)
    page = _text(_preview(client, BIBTEX, fmt="ris"))
    assert "no references found in this ris file." in page
    assert Reference.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "library.bib: is a binary file or UTF-16 text, not UTF-8 text",
        ),
        (
            "@book{a, title={Caf\xe9}}".encode("latin-1"),
            "library.bib: is not UTF-8 text (line 1 has the byte 0xe9",
        ),
        ("\ufeff@book{a,".encode("utf-16"), "library.bib: is UTF-16 text, not UTF-8"),
        (b"   \n", "library.bib: is empty."),
        (b"Some notes about gout.\n", "library.bib: cannot tell its format"),
    ],
)
def test_a_file_that_is_not_a_reference_export_is_refused_with_a_sentence(client, editor, content, message):
    client.force_login(editor)
    before = _counts()
    page = _text(_preview(client, content))
    assert "Nothing was read from the file: see below." in page
    assert message in page
    assert _counts() == before
    assert upload.PENDING not in client.session


def test_the_real_limit_is_stated_in_megabytes(client, editor):
    client.force_login(editor)
    big = SimpleUploadedFile("big.bib", b"@book{a, title={A}}\n" + b"%" * (upload.UPLOAD_MAX_BYTES + 1))
    page = _text(client.post(UPLOAD, {"file": big}).content.decode())
    assert "big.bib is 2.0 MB; the limit here is 2 MB." in page


def test_confirming_after_the_stored_references_changed_shows_the_new_plan_and_writes_nothing(
    client, editor, stored
):
    client.force_login(editor)
    html = _preview(client, BIBTEX)
    make_reference("rossi2019", title="Sports medicine for the family doctor", kind="book", year=2019)
    before = _counts()

    response = client.post(CONFIRM, {"sha256": _sha256(html), "skip_invalid": "1"})

    assert response.status_code == 409
    page = _text(response.content.decode())
    assert "Nothing was imported: the stored references changed since your preview." in page
    assert "would do: 1 created, 2 updated, 0 skipped, 2 refused" in page
    assert _counts() == before
    # The new plan is what a second confirmation imports.
    assert (
        client.post(CONFIRM, {"sha256": _sha256(response.content.decode()), "skip_invalid": "1"}).status_code
        == 302
    )
    assert Reference.objects.filter(key="lund2020").exists()


def test_confirming_a_file_other_than_the_one_previewed_is_refused(client, editor, stored):
    client.force_login(editor)
    first = _preview(client, BIBTEX)
    _preview(client, BIBTEX.replace("Chilblains in office workers", "Chilblains in farm workers"))
    before = _counts()

    response = client.post(CONFIRM, {"sha256": _sha256(first), "skip_invalid": "1"})

    assert response.status_code == 409
    assert "Nothing was imported: that preview is no longer open" in _text(response.content.decode())
    assert _counts() == before


def test_the_session_copy_is_checked_against_its_hash(client, editor):
    client.force_login(editor)
    html = _preview(client, BIBTEX.split("@article{osei2021x")[0])
    session = client.session
    session[upload.PENDING]["text"] = session[upload.PENDING]["text"].replace("office", "farm")
    session.save()

    response = client.post(CONFIRM, {"sha256": _sha256(html), "skip_invalid": "0"})

    assert response.status_code == 409 and Reference.objects.count() == 0


def test_a_reference_shown_by_a_page_in_review_is_refused_not_changed(client, editor, stored):
    from conditions import workflow

    condition = make_condition(editor, sections=[("overview", "Heel pain [@osei2021].")])
    workflow.submit(condition, by=editor)
    client.force_login(editor)
    page = _text(_preview(client, BIBTEX))
    assert "line 16" in page.split("Refused (2)")[1].split("To create")[0]


def test_confirm_is_post_only_and_needs_the_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.get(CONFIRM).status_code == 405
    assert client.post(CONFIRM, {"sha256": "0" * 64}).status_code == 403
    assert client.post(UPLOAD, {"file": _file(BIBTEX)}).status_code == 403


def test_staff_without_the_reference_permissions_are_refused(client, editor, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="change_reference"))
    client.force_login(clerk)  # may change references, but not add them
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": _file(BIBTEX)}).status_code == 403
    assert client.post(CONFIRM, {"sha256": "0" * 64}).status_code == 403
    assert Reference.objects.count() == 0


def _library(count: int) -> str:
    return "\n".join(
        f"@article{{lund{n},\n  title = {{Made-up study {n} of chilblains}},\n  year = {{2020}},\n"
        f"  doi = {{10.5555/c.{n}}},\n}}\n"
        for n in range(count)
    )


def test_the_preview_takes_the_same_queries_for_ten_entries_or_two_hundred(
    client, editor, django_assert_num_queries
):
    client.force_login(editor)
    # The session and the user; their permissions (the user's, the groups'); the stored references
    # with the file's DOIs, then with its keys; every key in use; the references, sections and
    # short answers of pages in review; the session written back (in a savepoint).
    for count in (10, 200):
        with django_assert_num_queries(13):
            _preview(client, _library(count))


def test_confirming_after_a_value_the_import_replaces_was_edited_shows_the_new_plan(client, editor, stored):
    client.force_login(editor)
    html = _preview(client, BIBTEX)
    Reference.objects.filter(key="osei2021").update(title="Heel pain in long-distance walkers")

    response = client.post(CONFIRM, {"sha256": _sha256(html), "skip_invalid": "1"})

    assert response.status_code == 409
    page = _text(response.content.decode())
    assert "Nothing was imported: the stored references changed since your preview." in page
    assert "Title: Heel pain in long-distance walkers → Heel pain in walkers: a cross-sectional" in page
    assert Reference.objects.get(key="osei2021").title == "Heel pain in long-distance walkers"
