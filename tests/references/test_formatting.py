"""AMA 11 references, one worked example per kind, compared in full.

Each example is checked twice: the text a reader sees (tags stripped, entities decoded) and the
markup that matters (italic titles, links).
"""

from __future__ import annotations

import html
import re
import time
from datetime import date

import pytest

from references.citations import ama_authors, ama_edition, format_reference
from references.models import Reference
from references.parsing import parse_reference


def make_ref(kind: str, **fields) -> Reference:
    """An unsaved reference: formatting reads fields only, so no database is needed."""
    return Reference(key="k", kind=kind, **fields)


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", str(fragment)))


def lancet_article() -> Reference:
    return make_ref(
        "journal-article",
        authors="Smith A\nJones BC\nPatel R\nNguyen T",
        title="Thromboprophylaxis after hip fracture surgery",
        container_title="Lancet",
        year=2021,
        volume="397",
        issue="10287",
        pages="1843-1855",
        doi="10.1016/s0140-6736(21)00569-9",
        pmid="33930320",
    )


def test_journal_article_with_four_authors_doi_and_pmid():
    fragment = format_reference(lancet_article())
    assert text_of(fragment) == (
        "Smith A, Jones BC, Patel R, Nguyen T. Thromboprophylaxis after hip fracture surgery. "
        "Lancet. 2021;397(10287):1843-1855. doi:10.1016/s0140-6736(21)00569-9 PMID: 33930320"
    )
    assert "<i>Lancet</i>." in fragment
    assert (
        '<a href="https://doi.org/10.1016/s0140-6736(21)00569-9">doi:10.1016/s0140-6736(21)00569-9</a>'
        in fragment
    )
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/33930320/">PMID: 33930320</a>' in fragment


def test_journal_article_with_eight_authors_lists_three_and_et_al():
    ref = make_ref(
        "journal-article",
        authors="\n".join(f"Author{n} AB" for n in range(1, 9)),
        title="Does early mobilisation shorten hospital stay?",
        container_title="JAMA",
        year=2020,
        volume="323",
        issue="5",
        pages="430-440",
        doi="10.1001/jama.2020.0001",
    )
    # The title's own question mark ends its sentence: no full stop is added after it.
    assert text_of(format_reference(ref)) == (
        "Author1 AB, Author2 AB, Author3 AB, et al. Does early mobilisation shorten hospital stay? "
        "JAMA. 2020;323(5):430-440. doi:10.1001/jama.2020.0001"
    )


def test_journal_article_without_doi_gives_access_date_and_url():
    ref = make_ref(
        "journal-article",
        authors="Doe J",
        title="A case report",
        container_title="Mayo Clin Proc",
        year=2019,
        volume="94",
        pages="12-15",
        url="https://www.mayoclinicproceedings.org/article/x",
        accessed_on=date(2020, 8, 24),
    )
    fragment = format_reference(ref)
    assert text_of(fragment) == (
        "Doe J. A case report. Mayo Clin Proc. 2019;94:12-15. Accessed August 24, 2020. "
        "https://www.mayoclinicproceedings.org/article/x"
    )
    ref.accessed_on = None
    assert text_of(format_reference(ref)).endswith(
        "2019;94:12-15. https://www.mayoclinicproceedings.org/article/x"
    )


def test_book_with_edition_leaves_out_the_place():
    ref = make_ref(
        "book",
        authors="Goldman L\nSchafer AI",
        title="Goldman-Cecil Medicine",
        edition="26",
        publisher="Elsevier",
        place="Philadelphia, PA",
        year=2020,
    )
    fragment = format_reference(ref)
    assert text_of(fragment) == "Goldman L, Schafer AI. Goldman-Cecil Medicine. 26th ed. Elsevier; 2020."
    assert "<i>Goldman-Cecil Medicine</i>." in fragment


def test_book_title_ending_in_a_question_mark_keeps_it_inside_the_italics():
    ref = make_ref("book", authors="Roe R", title="What Is Cancer?", edition="Rev", publisher="P", year=2019)
    assert str(format_reference(ref)) == "Roe R. <i>What Is Cancer?</i> Rev ed. P; 2019."


@pytest.mark.parametrize(
    "note", ["Edited by Feldman M, Friedman LS, Brandt LJ", "Editors: Feldman M, Friedman LS, Brandt LJ"]
)
def test_book_chapter_in_an_edited_textbook(note):
    ref = make_ref(
        "book-chapter",
        authors="Strosberg JR",
        title="Neuroendocrine tumors",
        container_title="Sleisenger and Fordtran's Gastrointestinal and Liver Disease",
        edition="11",
        publisher="Elsevier",
        year=2021,
        pages="501-520",
        note=note,
    )
    fragment = format_reference(ref)
    assert text_of(fragment) == (
        "Strosberg JR. Neuroendocrine tumors. In: Feldman M, Friedman LS, Brandt LJ, eds. "
        "Sleisenger and Fordtran's Gastrointestinal and Liver Disease. 11th ed. Elsevier; 2021:501-520."
    )
    assert "<i>Sleisenger and Fordtran&#x27;s Gastrointestinal and Liver Disease</i>." in fragment


def test_book_chapter_with_one_editor_says_ed():
    ref = make_ref(
        "book-chapter",
        title="Chapter",
        container_title="Book",
        note="Editors: Roe R",
        publisher="P",
        year=2020,
    )
    assert text_of(format_reference(ref)) == "Chapter. In: Roe R, ed. Book. P; 2020."


def test_nice_guideline_is_cited_as_a_report():
    ref = make_ref(
        "guideline",
        authors="National Institute for Health and Care Excellence",
        title="Hypertension in adults: diagnosis and management",
        container_title="NICE guideline NG136",
        publisher="National Institute for Health and Care Excellence",
        year=2019,
        note="Updated Mar 21, 2022",
        url="https://www.nice.org.uk/guidance/ng136",
        accessed_on=date(2023, 1, 10),
    )
    fragment = format_reference(ref)
    assert text_of(fragment) == (
        "National Institute for Health and Care Excellence. Hypertension in Adults: Diagnosis and "
        "Management. NICE guideline NG136. National Institute for Health and Care Excellence; 2019. "
        "Updated March 21, 2022. Accessed January 10, 2023. https://www.nice.org.uk/guidance/ng136"
    )
    assert "<i>Hypertension in Adults: Diagnosis and Management</i>." in fragment
    assert '<a href="https://www.nice.org.uk/guidance/ng136">' in fragment


def test_guideline_printed_in_a_journal_is_cited_as_an_article():
    ref = make_ref(
        "guideline",
        authors="Whelton PK",
        title="2017 guideline for high blood pressure in adults",
        container_title="Hypertension",
        year=2018,
        volume="71",
        issue="6",
        pages="e13-e115",
    )
    assert str(format_reference(ref)) == (
        "Whelton PK. 2017 guideline for high blood pressure in adults. <i>Hypertension</i>. "
        "2018;71(6):e13-e115."
    )


def test_web_page_with_publication_and_access_dates():
    ref = make_ref(
        "web-page",
        authors="Centers for Disease Control and Prevention",
        title="Symptoms of COVID-19",
        container_title="CDC",
        note="Published Mar 22, 2022",
        url="https://www.cdc.gov/coronavirus/2019-ncov/symptoms-testing/symptoms.html",
        accessed_on=date(2023, 5, 2),
    )
    fragment = format_reference(ref)
    assert text_of(fragment) == (
        "Centers for Disease Control and Prevention. Symptoms of COVID-19. CDC. Published March 22, "
        "2022. Accessed May 2, 2023. https://www.cdc.gov/coronavirus/2019-ncov/symptoms-testing/symptoms.html"
    )
    assert "<i>" not in fragment  # a website's name is roman in AMA style


def test_uptodate_topic_with_access_date():
    ref = make_ref(
        "database",
        authors="Strosberg JR",
        title="Clinical features of carcinoid syndrome",
        container_title="UpToDate",
        url="https://www.uptodate.com/contents/clinical-features-of-carcinoid-syndrome",
        accessed_on=date(2020, 8, 24),
    )
    fragment = format_reference(ref)
    assert text_of(fragment) == (
        "Strosberg JR. Clinical features of carcinoid syndrome. UpToDate. Accessed August 24, 2020. "
        "https://www.uptodate.com/contents/clinical-features-of-carcinoid-syndrome"
    )
    ref.year = 2023
    assert "UpToDate. Updated 2023. Accessed August 24, 2020." in text_of(format_reference(ref))


def test_expert_opinion_as_the_importer_fills_it():
    original = "Giridhar KV (expert opinion). Mayo Clinic. Nov. 4, 2020."
    fields = parse_reference(original)
    assert (fields["note"], fields["publisher"], fields["accessed_on"]) == (
        "Nov. 4, 2020",
        "Mayo Clinic",
        None,
    )
    ref = Reference(key="k", **fields)
    assert str(format_reference(ref)) == "Giridhar KV (expert opinion). Mayo Clinic. November 4, 2020."


def test_expert_opinion_dated_by_accessed_on_or_year():
    ref = make_ref(
        "expert-opinion", authors="Giridhar KV", publisher="Mayo Clinic", accessed_on=date(2020, 11, 4)
    )
    assert str(format_reference(ref)) == "Giridhar KV (expert opinion). Mayo Clinic. November 4, 2020."
    ref.accessed_on, ref.year = None, 2020
    assert str(format_reference(ref)) == "Giridhar KV (expert opinion). Mayo Clinic. 2020."


def test_other_with_only_original_text_shows_it_escaped():
    ref = make_ref("other", original_text="Someone. A leaflet <unparsed> & more. 2020.")
    assert str(format_reference(ref)) == "Someone. A leaflet &lt;unparsed&gt; &amp; more. 2020."


def test_other_with_fields_uses_a_generic_order():
    ref = make_ref(
        "other", authors="AskMayoExpert", title="Carcinoid heart disease", publisher="Mayo Clinic", year=2019
    )
    assert str(format_reference(ref)) == "AskMayoExpert. Carcinoid heart disease. Mayo Clinic; 2019."


def test_hostile_text_is_escaped_and_only_http_urls_are_links():
    ref = make_ref(
        "web-page",
        authors='Evil "E"',
        title="<script>alert(1)</script>",
        container_title="Site & Co",
        url="javascript:alert(1)",
        accessed_on=date(2020, 1, 2),
    )
    fragment = str(format_reference(ref))
    assert fragment == (
        "Evil &quot;E&quot;. &lt;script&gt;alert(1)&lt;/script&gt;. Site &amp; Co. "
        "Accessed January 2, 2020. javascript:alert(1)"
    )
    assert "<a" not in fragment


def test_url_with_quotes_and_ampersands_stays_inside_its_attribute():
    ref = make_ref(
        "web-page", title="Page", url='https://example.org/?a=1&b="x"', accessed_on=date(2020, 1, 2)
    )
    fragment = str(format_reference(ref))
    assert '<a href="https://example.org/?a=1&amp;b=&quot;x&quot;">' in fragment


@pytest.mark.parametrize(
    "ref",
    [
        make_ref("journal-article", authors="Doe J.", title="Title.", container_title="Lancet.", year=2020),
        make_ref("book", authors="Doe J", title="Book.", edition="3rd ed.", publisher="P.", year=2020),
        make_ref("web-page", title="Page.", container_title="Site.", note="Published 2020."),
    ],
)
def test_no_double_full_stops(ref):
    assert ".." not in text_of(format_reference(ref))


def test_et_al_in_the_data_is_not_doubled():
    assert ama_authors(["Feldman M", "et al"]) == "Feldman M, et al"
    assert ama_authors(["Feldman M", "Roe R", "Doe J", "Poe P", "et al."]) == "Feldman M, Roe R, Doe J, et al"
    ref = make_ref("journal-article", authors="Feldman M\net al", title="T", container_title="J", year=2020)
    assert text_of(format_reference(ref)) == "Feldman M, et al. T. J. 2020."


def test_six_authors_are_all_listed():
    names = [f"Author{n} A" for n in range(6)]
    assert ama_authors(names) == ", ".join(names)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("11", "11th ed."),
        ("Rev", "Rev ed."),
        ("Revised", "Rev ed."),
        ("3rd ed.", "3rd ed."),
        ("2nd edition", "2nd ed."),
    ],
)
def test_edition_forms(given, expected):
    assert ama_edition(given) == expected


def test_a_page_of_sixty_references_formats_quickly():
    # Approval renders a whole page; the budget is generous so only a real slowdown fails it.
    refs = [lancet_article() for _ in range(60)]
    start = time.perf_counter()
    for ref in refs:
        format_reference(ref)
    assert time.perf_counter() - start < 0.1
