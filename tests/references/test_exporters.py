from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
import rispy
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from conditions.models import Condition
from references.exporters import EXPORTS, to_bibtex
from references.models import Reference
from tests.factories import make_condition, make_reference

pytestmark = pytest.mark.django_db

FIELDS = [
    "key", "kind", "authors", "title", "container_title", "edition", "publisher", "place", "year",
    "volume", "issue", "pages", "url", "doi", "pmid", "accessed_on", "note",
    "editors", "journal_abbreviation", "series", "elocator", "published_online",
]  # fmt: skip
EXTENSIONS = {"bib": "bibtex", "ris": "ris", "json": "csl-json"}


def _url(condition: Condition, fmt: str) -> str:
    return reverse("admin:conditions_condition_references_export", args=[condition.pk, fmt])


@pytest.fixture
def cited_page(editor) -> Condition:
    """A page citing beta then alpha in its text, and listing gamma without citing it."""
    make_reference("alpha2019", title="Alpha trial", doi="10.1000/alpha", pmid="111")
    make_reference("beta2020", title="Beta cohort")
    make_reference("gamma2018", kind="book", title="Gamma textbook", volume="", issue="", pages="")
    return make_condition(
        editor,
        "Functional dyspepsia",
        sections=[("overview", "Common [@beta2020]. Often treated [@alpha2019; @beta2020].")],
        reference_keys=["alpha2019", "gamma2018", "beta2020"],
    )


def _every_kind() -> list[Reference]:
    """One reference of each kind, with text that trips up naive writers."""
    return [
        make_reference(
            "ford2020",
            authors="Ford AC\nvan der Berg M\nSmith J Jr\net al",
            title="H. pylori & dyspepsia: 50% of {cases} -- a meta_analysis #1 ~ $5 \\ “quoted” Müller",
            container_title="Lancet",
            volume="396",
            issue="10263",
            pages="1689-1702",
            doi="10.1016/S0140-6736(20)30469-4",
            pmid="33049222",
            note="Seminar; see also the correction.",
            journal_abbreviation="Lancet",
            private_note="Cited By :44\nExport Date: 5 May 2024\nChecked {twice} at 100% & <noon>",
        ),
        make_reference(
            "aberg2023",
            authors="Åberg L\nde la Cruz MJ\nNguyễn TL",
            title="Walking speed <0.8 m/s & >1.2 m/s after hip fracture in 10% of adults aged ≥65 years: "
            "β-blockers, HbA1c and {Müller}'s “test”",
            container_title="PLOS ONE",
            journal_abbreviation="PLoS One",
            volume="18",
            issue="2",
            pages="",
            elocator="e0281234",
            published_online=date(2023, 2, 15),
            year=2023,
            doi="10.1371/journal.pone.0281234",
            pmid="36791234",
            private_note="Read for the review ~ $5 \\ #1 _x_ ^y^",
        ),
        make_reference(
            "feldman2021",
            kind="book",
            authors="Feldman M\nFriedman LS",
            title="Sleisenger and Fordtran’s Gastrointestinal and Liver Disease",
            container_title="",
            edition="11",
            publisher="Elsevier",
            place="Philadelphia, PA",
            volume="2",
            series="Gastroenterology Library",
            issue="",
            pages="",
        ),
        make_reference(
            "lacy2021",
            kind="book-chapter",
            authors="Lacy BE",
            editors="Feldman M\nFriedman LS\nBrandt LJ",
            title="Dyspepsia",
            container_title="Sleisenger and Fordtran’s Gastrointestinal and Liver Disease",
            edition="11",
            publisher="Elsevier",
            place="Philadelphia, PA",
            volume="",
            issue="",
            pages="180-195",
        ),
        make_reference(
            "nhs2023",
            kind="web-page",
            authors="National Health Service",
            title="Indigestion",
            container_title="NHS website",
            year=2023,
            volume="",
            issue="",
            pages="",
            url="https://www.nhs.uk/conditions/indigestion/",
            accessed_on=date(2024, 3, 1),
        ),
        make_reference(
            "longstreth2024",
            kind="database",
            authors="Longstreth GF\nLacy BE",
            title="Approach to the adult with dyspepsia",
            container_title="UpToDate",
            year=2024,
            volume="",
            issue="",
            pages="",
            url="https://www.uptodate.com/contents/approach-to-the-adult-with-dyspepsia",
            accessed_on=date(2024, 5, 2),
        ),
        make_reference(
            "moayyedi2017",
            kind="guideline",
            authors="Moayyedi PM\nLacy BE\nAndrews CN",
            title="ACG and CAG Clinical Guideline: Management of Dyspepsia",
            container_title="Am J Gastroenterol",
            year=2017,
            volume="112",
            issue="7",
            pages="988-1013",
            doi="10.1038/ajg.2017.154",
            pmid="28631728",
        ),
        make_reference(
            "doe2020",
            kind="expert-opinion",
            authors="Doe J",
            title="",
            container_title="",
            publisher="Mayo Clinic",
            year=2020,
            volume="",
            issue="",
            pages="",
            note="Title: Dyspepsia in older adults",
        ),
        make_reference(
            "leaflet2019",
            kind="other",
            authors="",
            title="Dyspepsia: a patient leaflet",
            container_title="",
            publisher="Example Hospital",
            year=2019,
            volume="",
            issue="",
            pages="",
            url="https://example.org/leaflets/dyspepsia.pdf",
        ),
    ]


# --- the download ----------------------------------------------------------------------------


def test_bibtex_download_lists_the_page_references_in_reference_list_order(client, editor, cited_page):
    client.force_login(editor)
    response = client.get(_url(cited_page, "bib"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="functional-dyspepsia-references.bib"'
    body = response.content.decode()
    # Cited first, in the order of first citation, then listed but uncited.
    assert (
        body.index("@article{beta2020,") < body.index("@article{alpha2019,") < body.index("@book{gamma2018,")
    )
    assert "doi = {10.1000/alpha}" in body and "pmid = {111}" in body
    assert "author = {Doe, J. and Roe, R.}" in body


def test_ris_download(client, editor, cited_page):
    client.force_login(editor)
    response = client.get(_url(cited_page, "ris"))

    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="functional-dyspepsia-references.ris"'
    records = rispy.loads(response.content.decode())
    assert [r["id"] for r in records] == ["beta2020", "alpha2019", "gamma2018"]
    assert [r["type_of_reference"] for r in records] == ["JOUR", "JOUR", "BOOK"]
    assert records[1]["doi"] == "10.1000/alpha"
    assert records[0]["authors"] == ["Doe, J.", "Roe, R."]
    assert (records[0]["start_page"], records[0]["end_page"]) == ("100", "110")


def test_csl_json_download(client, editor, cited_page):
    client.force_login(editor)
    response = client.get(_url(cited_page, "json"))

    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="functional-dyspepsia-references.json"'
    items = json.loads(response.content)
    assert [item["id"] for item in items] == ["beta2020", "alpha2019", "gamma2018"]
    assert items[1] | {"title": "Alpha trial"} == items[1]
    assert items[1]["type"] == "article-journal"
    assert (items[1]["DOI"], items[1]["PMID"]) == ("10.1000/alpha", "111")
    assert items[1]["author"] == [{"family": "Doe", "given": "J."}, {"family": "Roe", "given": "R."}]
    assert items[1]["issued"] == {"date-parts": [[2021]]}


def test_page_without_references_gives_empty_files(client, editor):
    condition = make_condition(editor, "Hiccups")
    client.force_login(editor)

    assert client.get(_url(condition, "bib")).content == b""
    assert json.loads(client.get(_url(condition, "json")).content) == []


def test_change_page_links_to_the_three_formats(client, editor, cited_page):
    client.force_login(editor)
    response = client.get(reverse("admin:conditions_condition_change", args=[cited_page.pk]))

    for fmt in ("bib", "ris", "json"):
        assert f'href="{_url(cited_page, fmt)}"' in response.content.decode()


# --- who may download ------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, cited_page):
    response = client.get(_url(cited_page, "bib"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_user_without_a_role_is_refused(client, stranger, cited_page):
    client.force_login(stranger)  # not staff: the admin sends them to log in as someone else
    response = client.get(_url(cited_page, "bib"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    staff = User.objects.create_user("stan", is_staff=True)  # staff, but no role
    client.force_login(staff)
    assert client.get(_url(cited_page, "bib")).status_code == 403


def test_reviewer_may_download(client, reviewer, cited_page):
    client.force_login(reviewer)
    assert client.get(_url(cited_page, "ris")).status_code == 200


def test_unknown_format_or_condition_is_not_found(client, editor, cited_page):
    client.force_login(editor)
    assert client.get(_url(cited_page, "xml")).status_code == 404
    assert (
        client.get(reverse("admin:conditions_condition_references_export", args=[9999, "bib"])).status_code
        == 404
    )


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("extension", list(EXTENSIONS))
def test_export_then_import_into_an_empty_database_gives_the_same_references(
    client, editor, tmp_path, extension
):
    originals = _every_kind()
    condition = make_condition(editor, "Dyspepsia", reference_keys=[ref.key for ref in originals])
    client.force_login(editor)
    exported = client.get(_url(condition, extension)).content
    expected = {ref.key: {name: getattr(ref, name) for name in FIELDS} for ref in Reference.objects.all()}

    condition.delete()
    Reference.objects.all().delete()
    path = tmp_path / f"dyspepsia-references.{extension}"
    path.write_bytes(exported)
    out = StringIO()
    call_command("import_references", str(path), stdout=out)

    assert f"{len(originals)} created, 0 updated, 0 skipped" in out.getvalue()
    imported = {ref.key: {name: getattr(ref, name) for name in FIELDS} for ref in Reference.objects.all()}
    # Field by field, so a failure names what was lost.
    assert {(key, name): imported[key][name] for key in expected for name in FIELDS} == {
        (key, name): value for key, fields in expected.items() for name, value in fields.items()
    }


@pytest.mark.parametrize("extension", list(EXTENSIONS))
def test_the_editor_only_note_survives_a_round_trip_of_the_files_themselves(tmp_path, extension):
    # The page download is the page's reference list, without editors' notes; the serialisers
    # write them, for an editor moving references between this site and a reference manager.
    originals = _every_kind()
    serialise, _ = EXPORTS[extension]
    exported = serialise(originals)
    expected = {
        ref.key: {name: getattr(ref, name) for name in [*FIELDS, "private_note"]} for ref in originals
    }

    Reference.objects.all().delete()
    path = tmp_path / f"references.{extension}"
    path.write_text(exported, encoding="utf-8")
    call_command("import_references", str(path), stdout=StringIO())

    imported = {ref.key: ref for ref in Reference.objects.all()}
    assert {(key, name): getattr(imported[key], name) for key in expected for name in expected[key]} == {
        (key, name): value for key, fields in expected.items() for name, value in fields.items()
    }
    assert imported["ford2020"].private_note.splitlines()[-1] == "Checked {twice} at 100% & <noon>"
    assert imported["ford2020"].note == "Seminar; see also the correction."


def test_bibtex_export_escapes_latex_and_protects_title_capitals():
    ref = Reference(key="x2020", kind="journal-article", title="50% of {cases} & more -- TNF_a", year=2020)
    assert "title = {{50\\% of \\{cases\\} \\& more -{}- TNF\\_a}}" in to_bibtex([ref])
