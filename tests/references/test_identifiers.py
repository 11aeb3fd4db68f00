"""DOIs and PMIDs as people paste them: every common written form gives the one canonical form."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from references.identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from references.models import Reference

DOI = "10.1234/jmed.2021.04.017"


@pytest.mark.parametrize(
    "written",
    [
        DOI,
        "10.1234/JMED.2021.04.017",  # DOIs are case-insensitive
        f"doi.org/{DOI}",
        f"https://doi.org/{DOI}",
        f"https://www.doi.org/{DOI}",
        f"http://dx.doi.org/{DOI}",
        f"https://dx.doi.org/{DOI}",
        f"doi: {DOI}",
        f"doi:{DOI}",
        f"DOI: {DOI}",
        f"DOI {DOI}",
        f"info:doi/{DOI}",
        f"{DOI}.",  # the end of the sentence it was in
        f"doi: {DOI}.",  # as PubMed's citations end
        f"  {DOI}  ",
        f"{DOI} [doi]",  # a MEDLINE LID line's tag
        "10.1234%2Fjmed.2021.04.017",  # percent-encoded
        "https://doi.org/10.1234%2Fjmed.2021.04.017",
        f"https://doi.org/{DOI}?utm_source=newsletter&utm_medium=email",
        f"{DOI}?via%3Dihub",  # ScienceDirect's tracking suffix, percent-encoded
        f"https://doi.org/{DOI}?via=ihub",
        f"https://doi.org/{DOI}#abstract",
    ],
)
def test_every_written_form_of_a_doi_gives_the_canonical_one(written):
    assert normalize_doi(written) == DOI


def test_doi_with_parentheses_and_percent_encoded_parentheses_agree():
    canonical = "10.1016/s0123-4567(21)00345-6"
    assert normalize_doi("https://doi.org/10.1016/S0123-4567(21)00345-6") == canonical
    assert normalize_doi("https://doi.org/10.1016/S0123-4567%2821%2900345-6") == canonical


def test_a_doi_whose_suffix_holds_a_semicolon_keeps_it():
    # Old SICI-style DOIs have semicolons and angle brackets inside them.
    assert normalize_doi("10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2") == (
        "10.1002/(sici)1097-0258(19980815/30)17:15/16<1661::aid-sim968>3.0.co;2-2"
    )


@pytest.mark.parametrize(
    "written",
    ["", "   ", None],
)
def test_an_empty_doi_stays_empty(written):
    assert normalize_doi(written) == ""


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("not a doi", "is not a DOI"),
        ("https://example.org/10.1234/x", "is not a DOI"),
        ("doi.org/", "is not a DOI"),
        ("11.1234/abc", "is not a DOI"),
        ("10.1234/jmed\u200b.2021", r"U\+200B \(invisible character\)"),
    ],
)
def test_what_is_not_a_doi_is_refused_saying_so(written, message):
    with pytest.raises(InvalidIdentifier, match=message):
        normalize_doi(written)


PMID = "12345678"


@pytest.mark.parametrize(
    "written",
    [
        PMID,
        f"PMID: {PMID}",
        f"PMID:{PMID}",
        f"PMID {PMID}",
        f"pmid: {PMID}",
        f"PMID: {PMID} [Indexed for MEDLINE]",
        f"PMID: {PMID} [PubMed - indexed for MEDLINE]",
        f"PMID: {PMID} [PubMed - in process]",
        f"PMID: {PMID} [PubMed - as supplied by publisher]",
        f"{PMID} [PubMed]",
        f"PMID: {PMID}.",
        f"0{PMID}",  # leading zeros are not part of the id
        f"https://pubmed.ncbi.nlm.nih.gov/{PMID}/",
        f"https://pubmed.ncbi.nlm.nih.gov/{PMID}",
        f"pubmed.ncbi.nlm.nih.gov/{PMID}/",
        f"https://www.ncbi.nlm.nih.gov/pubmed/{PMID}",
        f"http://www.ncbi.nlm.nih.gov/pubmed/{PMID}",
        f"http://www.ncbi.nlm.nih.gov/pubmed/{PMID}?dopt=Abstract",
        f"https://www.ncbi.nlm.nih.gov/pubmed/?term={PMID}",
        f"https://www.ncbi.nlm.nih.gov/pubmed?term={PMID}",
        f"ncbi.nlm.nih.gov/pubmed/{PMID}",
    ],
)
def test_every_written_form_of_a_pmid_gives_the_number(written):
    assert normalize_pmid(written) == PMID


@pytest.mark.parametrize(
    "written",
    ["PMC7654321", "PMID: twelve", "https://pubmed.ncbi.nlm.nih.gov/?term=migraine", "1234567890", "12 34"],
)
def test_what_is_not_a_pmid_is_refused(written):
    with pytest.raises(InvalidIdentifier, match="is not a PubMed id"):
        normalize_pmid(written)


@pytest.mark.django_db
def test_an_import_stores_identifiers_written_as_people_paste_them_canonically(tmp_path):
    item = (
        '[{"id": "lund2020", "type": "article-journal", "title": "Chilblains in office workers",'
        ' "DOI": "https://www.doi.org/10.5555%2FNJSH.2020.41?utm_source=alert&utm_medium=email",'
        ' "PMID": "PMID: 31234567 [Indexed for MEDLINE]"}]'
    )
    path = tmp_path / "one.json"
    path.write_text(item, encoding="utf-8")

    call_command("import_references", str(path), stdout=StringIO())

    stored = Reference.objects.get(key="lund2020")
    assert (stored.doi, stored.pmid) == ("10.5555/njsh.2020.41", "31234567")
