"""References in the editor: lookup for citing, where used, identifiers, deletion, the gate."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from conditions import workflow
from conditions.workflow import WorkflowError
from references.models import PublicationReference, Reference
from tests.factories import make_condition, make_reference, publish

pytestmark = pytest.mark.django_db

LOOKUP = "/admin/references/reference/lookup/"


@pytest.fixture
def library(db):
    make_reference(
        "dalbeth2021", authors="Dalbeth N\nGosling AL", title="Gout", container_title="Lancet",
        doi="10.1016/S0140-6736(21)00569-9", pmid="33798500",
    )  # fmt: skip
    make_reference("patil2022", authors="Patil A", title="Herpes zoster: a review", container_title="Viruses")


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("Dalbeth", "dalbeth2021"),
        ("herpes zoster", "patil2022"),
        ("https://doi.org/10.1016/s0140-6736(21)00569-9", "dalbeth2021"),
        ("PMID: 33798500", "dalbeth2021"),
        ("patil", "patil2022"),
    ],
)
def test_lookup_finds_by_author_title_doi_pmid_and_key(client, editor, library, query, key):
    client.force_login(editor)
    results = client.get(LOOKUP, {"q": query}).json()["results"]
    assert [r["key"] for r in results] == [key]
    assert results[0]["text"]  # the formatted reference, tags stripped


def test_lookup_short_query_returns_nothing(client, editor, library):
    client.force_login(editor)
    assert client.get(LOOKUP, {"q": "a"}).json() == {"results": []}


def test_lookup_needs_staff_with_view_permission(client, stranger, library):
    assert client.get(LOOKUP, {"q": "Dalbeth"}).status_code == 302
    client.force_login(stranger)
    assert client.get(LOOKUP, {"q": "Dalbeth"}).status_code == 302
    staff = User.objects.create_user("staffonly", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(LOOKUP, {"q": "Dalbeth"}).status_code == 403


def test_identifiers_are_stored_canonical_and_unique(db):
    ref = make_reference("a2020", doi="https://doi.org/10.1000/ABC.123", pmid="PMID: 0042")
    ref.refresh_from_db()
    assert (ref.doi, ref.pmid) == ("10.1000/abc.123", "42")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reference("b2020", doi="doi:10.1000/abc.123")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_reference("c2020", pmid="42")
    make_reference("d2020", doi="", pmid="")
    make_reference("e2020", doi="", pmid="")  # empty identifiers never clash


def _reference_form(**overrides):
    data = {
        "key": "nhs-gout", "kind": "web-page", "authors": "", "title": "Gout", "container_title": "NHS",
        "edition": "", "publisher": "", "place": "", "year": "", "volume": "", "issue": "", "pages": "",
        "url": "https://www.nhs.uk/conditions/gout/", "doi": "", "pmid": "", "accessed_on": "2026-10-01",
        "note": "",
    }  # fmt: skip
    return {**data, **overrides}


def test_admin_rejects_bad_identifiers_and_undated_web_sources(client, editor):
    client.force_login(editor)
    url = reverse("admin:references_reference_add")
    page = client.post(url, _reference_form(doi="not a doi", pmid="12ab", accessed_on="")).content.decode()
    assert "is not a DOI" in page and "is not a PubMed id" in page
    assert "Give the date this online source was read" in page
    assert not Reference.objects.exists()
    assert client.post(url, _reference_form()).status_code == 302
    assert Reference.objects.get().accessed_on.isoformat() == "2026-10-01"


def test_gate_refuses_web_sources_without_access_date(editor):
    make_reference("nhs", kind="web-page", url="https://www.nhs.uk/x", accessed_on=None)
    condition = make_condition(editor, sections=[("overview", "Advice [@nhs].")])
    with pytest.raises(
        WorkflowError, match=r"Online sources need the date they were read: add it to \[@nhs\]"
    ):
        workflow.submit(condition, by=editor)


def test_publication_records_each_numbered_source(editor, reviewer):
    make_reference("first", title="Cited first")
    make_reference("second", title="Cited second")
    make_reference("listed", title="Listed only")
    condition = make_condition(
        editor,
        sections=[("overview", "B [@second]. A [@first]. B again [@second].")],
        reference_keys=["listed"],
    )
    publication = publish(condition, editor=editor, reviewer=reviewer)
    links = PublicationReference.objects.filter(publication=publication).order_by("number")
    assert [(link.number, link.reference.key) for link in links] == [
        (1, "second"),
        (2, "first"),
        (3, "listed"),
    ]
    for link in links:
        entry = publication.html.split(f'<li id="ref-{link.number}">')[1].split("</li>")[0]
        assert link.reference.title in entry


def test_where_used_shows_pages_and_published_versions(client, editor, reviewer):
    make_reference("shared", title="A shared source")
    cited = make_condition(editor, name="Cites it", sections=[("overview", "Claim [@shared].")])
    publish(cited, editor=editor, reviewer=reviewer)
    make_condition(editor, name="Lists it", reference_keys=["shared"])
    make_condition(
        editor, name="Mentions @shared-ish only", sections=[("overview", "Email me @shared2 please.")]
    )
    client.force_login(editor)
    ref = Reference.objects.get(key="shared")
    page = client.get(reverse("admin:references_reference_change", args=[ref.pk])).content.decode()
    assert "Cites it, version 1" in page
    assert "Cited in the text of:" in page and ">Cites it</a>" in page
    assert "Listed on:" in page and ">Lists it</a>" in page
    assert "Mentions @shared-ish only" not in page


def test_where_used_lists_are_cut_short_with_a_count(client, editor, monkeypatch):
    monkeypatch.setattr("references.usage.SHOWN", 1)
    make_reference("popular")
    for name in ("Alpha", "Beta", "Gamma"):
        make_condition(
            editor, name=name, sections=[("overview", "Claim [@popular].")], reference_keys=["popular"]
        )
    client.force_login(editor)
    ref = Reference.objects.get(key="popular")
    page = client.get(reverse("admin:references_reference_change", args=[ref.pk])).content.decode()
    assert ">Alpha</a>" in page and ">Beta</a>" not in page
    assert page.count("and 2 more pages") == 2  # cited in the text of, and listed on


def test_reference_cited_by_a_publication_cannot_be_deleted(client, editor, reviewer, superuser):
    make_reference("keepme")
    make_reference("unused")
    publish(
        make_condition(editor, sections=[("overview", "Claim [@keepme].")]), editor=editor, reviewer=reviewer
    )
    client.force_login(superuser)
    kept = Reference.objects.get(key="keepme")
    assert (
        client.post(reverse("admin:references_reference_delete", args=[kept.pk]), {"post": "yes"}).status_code
        == 403
    )
    with pytest.raises(ProtectedError):
        kept.delete()
    unused = Reference.objects.get(key="unused")
    assert (
        client.post(
            reverse("admin:references_reference_delete", args=[unused.pk]), {"post": "yes"}
        ).status_code
        == 302
    )
    assert not Reference.objects.filter(key="unused").exists()


def test_editors_cannot_delete_references(client, editor):
    ref = make_reference("anything")
    assert not editor.has_perm("references.delete_reference")
    client.force_login(editor)
    assert (
        client.post(reverse("admin:references_reference_delete", args=[ref.pk]), {"post": "yes"}).status_code
        == 403
    )


class TestPagePreview:
    url = "/editor/page-preview/"

    def test_numbers_citations_across_fields_in_page_order(self, client, editor):
        make_reference("a2020")
        make_reference("b2020")
        client.force_login(editor)
        data = {
            "field": ["sections-1-body", "sections-0-body", "short_answers-0-answer"],
            "text": ["First [@b2020].", "Then [@a2020] and [@b2020].", "Unknown [@zzz]."],
        }
        body = client.post(self.url, data).json()
        assert 'href="#ref-1"' in body["previews"]["sections-1-body"]
        assert 'href="#ref-2"' in body["previews"]["sections-0-body"]
        assert 'id="cite-1-2"' in body["previews"]["sections-0-body"]
        assert 'class="citation-unknown"' in body["previews"]["short_answers-0-answer"]
        assert body["unknown"] == ["zzz"]

    def test_is_sanitised(self, client, editor):
        client.force_login(editor)
        body = client.post(self.url, {"field": ["x"], "text": ["<script>alert(1)</script>"]}).json()
        assert "<script>" not in body["previews"]["x"]

    def test_refuses_malformed_and_unauthorised_requests(self, client, editor, stranger):
        assert client.post(self.url, {"field": ["x"], "text": ["y"]}).status_code == 302
        client.force_login(stranger)
        assert client.post(self.url, {"field": ["x"], "text": ["y"]}).status_code == 403
        client.force_login(editor)
        assert client.post(self.url, {"field": ["x", "y"], "text": ["only one"]}).status_code == 400
        assert client.get(self.url).status_code == 405

    def test_reviewers_without_change_rights_are_refused(self, client, db):
        viewer = User.objects.create_user("viewer", password="x", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_condition"))
        client.force_login(viewer)
        assert client.post(self.url, {"field": ["x"], "text": ["y"]}).status_code == 403


def test_admin_refuses_invisible_characters_in_a_doi_and_line_breaks_in_a_title(client, editor):
    client.force_login(editor)
    url = reverse("admin:references_reference_add")
    form = _reference_form(doi="10.1016/S0140-6736\u200b(20)30469-4", title="Gout\r\nand more")
    page = client.post(url, form).content.decode()
    assert "is not a DOI" in page and "U+200B (invisible character)" in page
    assert "Write this on one line" in page
    assert not Reference.objects.exists()
