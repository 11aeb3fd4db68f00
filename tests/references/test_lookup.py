"""Looking references up by DOI and PMID, against Crossref and E-utilities on 127.0.0.1 only."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from references.lookup import LookupFailed, expand_pages, lookup, parse_identifier
from references.models import Reference
from tests.factories import make_reference
from tests.references import fake_services as fake

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    with fake.serving(REFERENCE_LOOKUP_TIMEOUT=1, REFERENCE_LOOKUP_MAILTO="refs@example.org") as server:
        yield server


@pytest.mark.parametrize(
    "pasted, expected",
    [
        ("10.5555/JCM.2021.0042", ("doi", "10.5555/jcm.2021.0042")),
        ("doi:10.5555/jcm.2021.0042", ("doi", "10.5555/jcm.2021.0042")),
        ("https://doi.org/10.5555/jcm.2021.0042", ("doi", "10.5555/jcm.2021.0042")),
        (
            "https://www.example-journal.org/doi/full/10.5555/jcm.2021.0042?src=toc",
            ("doi", "10.5555/jcm.2021.0042"),
        ),
        ("39000111", ("pmid", "39000111")),
        ("PMID: 39000111", ("pmid", "39000111")),
        ("https://pubmed.ncbi.nlm.nih.gov/39000111/", ("pmid", "39000111")),
    ],
)
def test_identifiers_are_read_however_pasted(pasted, expected):
    assert parse_identifier(pasted) == expected


@pytest.mark.parametrize("pasted", ["", "   ", "leg cramps", "https://example.org/about"])
def test_text_that_is_no_identifier_is_refused_with_an_example(pasted):
    with pytest.raises(LookupFailed, match=r"10\.1000/xyz123"):
        parse_identifier(pasted)


def test_a_doi_fills_the_journal_article_fields_from_crossref(services):
    result = lookup("https://doi.org/10.5555/JCM.2021.0042")

    assert result.source == "Crossref"
    assert result.identifier == "DOI 10.5555/jcm.2021.0042"
    assert result.fields == {
        "kind": "journal-article",
        # Tags gone; the subtitle after a colon.
        "title": "Stretching before sleep for night-time leg cramps: a randomised trial in older adults",
        "container_title": "Journal of Community Medicine",
        "journal_abbreviation": "J Community Med",
        "authors": "Okonkwo MJ\nFerreira-Lind T\nLeg Cramp Study Group",
        "year": "2021",  # the year, not the online date's
        "volume": "12",
        "issue": "3",
        "pages": "211-219",
        "doi": "10.5555/jcm.2021.0042",
        "key": "okonkwo2021",
    }
    path, agent = services.requests[-1]
    assert path.startswith("/crossref/works/10.5555%2Fjcm.2021.0042")
    assert "mailto=refs%40example.org" in path
    assert "mailto:refs@example.org" in agent


def test_an_online_first_article_gets_its_online_date_and_article_number(services):
    fields = lookup(fake.ONLINE_FIRST_DOI).fields

    assert fields["published_online"] == "2024-02-09"
    assert fields["elocator"] == "e240117"
    assert fields["year"] == "2024"
    assert "volume" not in fields and "pages" not in fields


def test_an_article_number_registered_as_the_page_is_the_article_number(services):
    fields = lookup(fake.PAGE_ELOCATOR_DOI).fields

    assert fields["elocator"] == "e0281234"
    assert "pages" not in fields
    assert "published_online" not in fields  # in an issue: no "Published online"
    assert fields["authors"] == "Haddad N\nSukarno"  # a one-name author is kept whole


def test_a_chapter_gets_its_editors_book_and_publisher(services):
    fields = lookup(fake.CHAPTER_DOI).fields

    assert fields["kind"] == "book-chapter"
    assert fields["title"] == "Assessing a chronic cough"
    assert fields["container_title"] == "Handbook of Respiratory Practice"
    assert fields["editors"] == "Abara H\nNygaard LP"
    assert fields["authors"] == "Eze C"
    assert (fields["publisher"], fields["place"], fields["edition"]) == (
        "Example Academic Press",
        "Oxford",
        "3",
    )
    assert fields["pages"] == "101-128"
    assert "journal_abbreviation" not in fields


def test_a_doi_lookup_carries_the_notices_crossref_holds(services):
    result = lookup(fake.RETRACTED_DOI)

    assert [notice["type"] for notice in result.notices] == ["correction", "retraction"]


def test_a_pmid_fills_the_fields_from_pubmed(services):
    result = lookup("PMID: 39000111")

    assert result.source == "PubMed"
    assert result.fields == {
        "kind": "journal-article",
        "title": "Stretching before sleep for night-time leg cramps: a randomised trial in older adults",
        "container_title": "Journal of community medicine",
        "journal_abbreviation": "J Community Med",
        "authors": "Okonkwo MJ\nFerreira-Lind T\nLeg Cramp Study Group",
        "year": "2021",
        "volume": "12",
        "issue": "3",
        "pages": "211-219",
        "doi": "10.5555/jcm.2021.0042",
        "pmid": "39000111",
        "key": "okonkwo2021",
    }
    path, _ = services.requests[-1]
    assert path.startswith("/eutils/esummary.fcgi?")
    assert "db=pubmed" in path and "id=39000111" in path and "retmode=json" in path
    assert "email=refs%40example.org" in path and "tool=medsite" in path


def test_medline_article_numbers_in_the_pages_become_the_article_number(services):
    fields = lookup(fake.ELOCATOR_PMID).fields

    assert fields["elocator"] == "e0281234"
    assert "pages" not in fields
    assert "published_online" not in fields  # in an issue: no "Published online"


def test_an_article_ahead_of_print_in_pubmed_gets_its_online_date(services):
    fields = lookup(fake.AHEAD_PMID).fields

    assert fields["published_online"] == "2024-02-09"
    assert fields["title"] == "Walking groups and loneliness in people over 70"


def test_a_pubmed_book_chapter_gets_its_book_and_editors(services):
    fields = lookup(fake.CHAPTER_PMID).fields

    assert fields["kind"] == "book-chapter"
    assert fields["authors"] == "Ruiz C"
    assert fields["editors"] == "Mbeki T\nOlsen K"
    assert fields["container_title"] == "Guide to Outdoor Medicine"
    assert fields["publisher"] == "Example University Press"
    assert fields["place"] == "Bristol (UK)"


def test_a_stored_reference_with_the_same_doi_is_named_and_no_key_suggested(services):
    make_reference("okonkwo-cramps", doi=fake.ARTICLE_DOI)

    result = lookup(fake.ARTICLE_DOI)

    assert result.existing_key == "okonkwo-cramps"
    assert "key" not in result.fields


def test_the_suggested_key_is_free(services):
    make_reference("okonkwo2021")

    assert (
        lookup(fake.ARTICLE_DOI).fields["key"] == "okonkwo2021b"
    )  # the first free letter, as imports choose


@pytest.mark.parametrize(
    "identifier, message",
    [
        ("10.5555/unknown.404", "Crossref has no record of the DOI 10.5555/unknown.404"),
        ("39999999", "PubMed has no record of the PMID 39999999"),
        ("10.5555/fault.server-error", "Crossref answered with an error (HTTP 503). Try again later"),
        ("39999991", "PubMed answered with an error (HTTP 503)"),
        ("10.5555/fault.rate-limited", "Crossref is limiting requests just now"),
        ("10.5555/fault.not-json", "Crossref's answer could not be read"),
        ("10.5555/fault.malformed", "Crossref's answer could not be read"),
        ("10.5555/fault.nested", "Crossref's answer could not be read"),
        ("10.5555/fault.no-message", "Crossref's answer held no record of the DOI"),
        ("10.5555/fault.slow", "Crossref did not answer within 1 second."),
        ("39999992", "PubMed did not answer within 1 second."),
    ],
)
def test_failures_are_sentences_not_tracebacks(services, identifier, message):
    with pytest.raises(LookupFailed) as failure:
        lookup(identifier)

    assert message in str(failure.value)


def test_a_service_that_cannot_be_reached_is_named(settings):
    # A port nothing listens on: bound, then closed.
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{port}"

    with pytest.raises(LookupFailed, match=r"Crossref could not be reached \(connection refused\)"):
        lookup(fake.ARTICLE_DOI)


@pytest.mark.parametrize(
    "pages, full",
    [
        ("211-9", "211-219"),
        ("1195-201", "1195-1201"),
        ("e12-e19", "e12-e19"),
        ("S3–S9", "S3-S9"),
        ("55", "55"),
    ],
)
def test_page_ranges_are_written_out_in_full(pages, full):
    assert expand_pages(pages) == full


# --- the admin's look-up endpoint -----------------------------------------------------------


def _lookup_url(identifier: str) -> str:
    return (
        reverse("admin:references_reference_identifier_lookup") + "?" + urlencode({"identifier": identifier})
    )


def test_the_admin_endpoint_answers_with_the_forms_fields(services, client, editor):
    client.force_login(editor)

    response = client.get(_lookup_url("https://doi.org/10.5555/jcm.2021.0042"))

    assert response.status_code == 200
    data = response.json()
    assert data["source"] == "Crossref" and data["identifier"] == "DOI 10.5555/jcm.2021.0042"
    assert data["fields"]["journal_abbreviation"] == "J Community Med"
    assert data["existing"] is None and data["retractions"] == []
    assert not Reference.objects.exists()  # nothing saved until the editor saves the form


def test_the_admin_endpoint_names_a_stored_reference_and_a_retraction(services, client, editor):
    stored = make_reference("brandt2015", doi=fake.RETRACTED_DOI)
    client.force_login(editor)

    data = client.get(_lookup_url(fake.RETRACTED_DOI)).json()

    url = reverse("admin:references_reference_change", args=[stored.pk])
    assert data["existing"] == {"key": "brandt2015", "url": url}
    assert data["retractions"] == [fake.RETRACTION_NOTICE_DOI]


@pytest.mark.parametrize(
    "identifier, status, message",
    [
        ("cramps", 400, "is not a DOI or a PMID"),
        ("10.5555/unknown.404", 404, "Crossref has no record"),
        ("39999999", 404, "PubMed has no record"),
        ("10.5555/fault.server-error", 502, "Crossref answered with an error (HTTP 503)"),
        ("10.5555/fault.slow", 502, "Crossref did not answer within 1 second."),
    ],
)
def test_the_admin_endpoint_explains_failures(services, client, editor, identifier, status, message):
    client.force_login(editor)

    response = client.get(_lookup_url(identifier))

    assert response.status_code == status
    assert message in response.json()["error"]


def test_the_reference_form_offers_the_look_up_to_those_who_may_write(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:references_reference_add")).content.decode()

    assert 'id="reference-lookup-identifier"' in page
    assert f'data-url="{reverse("admin:references_reference_identifier_lookup")}"' in page
    assert "js/reference-lookup.js" in page
