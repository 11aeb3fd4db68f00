"""AMA 11 references, worked examples of every kind, compared in full.

The table ``AMA_EXAMPLES`` holds one reference per rule of the AMA Manual of Style (11th edition)
that MedSite applies, each with the text a reader sees (tags stripped, entities decoded), written
out by hand from the rule; other tests check the markup that matters (italic titles, links).
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest

from references import journals
from references.citations import ama_authors, ama_edition, format_reference
from references.formatting import ama_pages, title_case
from references.models import Reference
from references.parsing import parse_reference
from tests.factories import make_condition, make_reference, publish


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


# --- the table of worked examples ---------------------------------------------------------------

JOURNAL = "journal-article"
SEVEN = "Okafor CN\nLindqvist E\nBrennan PJ\nMurakami T\nDiallo AS\nFerreira LM\nHuang Y"
AMA_EXAMPLES: list[tuple[str, dict[str, Any], str]] = [
    # Journal articles: the NLM abbreviation, written without full stops, in place of the title.
    (
        "article-own-abbreviation",
        dict(
            kind=JOURNAL,
            authors="Okafor CN",
            title="Colchicine after a first gout flare",
            container_title="The New England Journal of Medicine",
            journal_abbreviation="N. Engl. J. Med.",
            year=2021,
            volume="384",
            issue="6",
            pages="512-521",
            doi="10.1056/NEJMoa2100001",
        ),
        "Okafor CN. Colchicine after a first gout flare. N Engl J Med. 2021;384(6):512-521. "
        "doi:10.1056/NEJMoa2100001",
    ),
    (
        "article-three-authors-title-in-the-nlm-table",
        dict(
            kind=JOURNAL,
            authors="Lindqvist E\nBrennan PJ\nMurakami T",
            title="Urate-lowering therapy in older adults",
            container_title="Annals of Internal Medicine",
            year=2020,
            volume="173",
            issue="2",
            pages="95-104",
        ),
        "Lindqvist E, Brennan PJ, Murakami T. Urate-lowering therapy in older adults. Ann Intern Med. "
        "2020;173(2):95-104.",
    ),
    (
        "article-six-authors-all-listed",
        dict(
            kind=JOURNAL,
            authors="\n".join(SEVEN.splitlines()[:6]),
            title="Flare prophylaxis when starting allopurinol",
            container_title="Arthritis & Rheumatology",
            year=2019,
            volume="71",
            issue="9",
            pages="1501-1510",
        ),
        "Okafor CN, Lindqvist E, Brennan PJ, Murakami T, Diallo AS, Ferreira LM. Flare prophylaxis when "
        "starting allopurinol. Arthritis Rheumatol. 2019;71(9):1501-1510.",
    ),
    (
        "article-seven-authors-first-three-and-et-al",
        dict(
            kind=JOURNAL,
            authors=SEVEN,
            title="Febuxostat and cardiovascular death",
            container_title="Lancet",
            year=2020,
            volume="396",
            issue="10264",
            pages="1745-1757",
        ),
        "Okafor CN, Lindqvist E, Brennan PJ, et al. Febuxostat and cardiovascular death. Lancet. "
        "2020;396(10264):1745-1757.",
    ),
    (
        "article-et-al-line-in-the-data",
        dict(
            kind=JOURNAL,
            authors="Feldman M\net al.",
            title="T",
            container_title="Gut",
            year=2018,
            volume="67",
            pages="1-9",
        ),
        "Feldman M, et al. T. Gut. 2018;67:1-9.",
    ),
    (
        "article-group-author",
        dict(
            kind=JOURNAL,
            authors="Gout Research Collaborative Group",
            title="Serum urate targets in chronic kidney disease",
            container_title="Journal of the American Society of Nephrology",
            year=2022,
            volume="33",
            issue="4",
            pages="701-712",
        ),
        "Gout Research Collaborative Group. Serum urate targets in chronic kidney disease. "
        "J Am Soc Nephrol. 2022;33(4):701-712.",
    ),
    (
        "article-no-author-starts-with-the-title",
        dict(
            kind=JOURNAL,
            title="Tophaceous gout in a young runner",
            container_title="BMJ",
            year=2017,
            volume="358",
            pages="j3021",
        ),
        "Tophaceous gout in a young runner. BMJ. 2017;358:j3021.",
    ),
    (
        "article-online-first",
        dict(
            kind=JOURNAL,
            authors="Diallo AS\nFerreira LM",
            title="Dietary purines and gout flares",
            container_title="JAMA Network Open",
            year=2024,
            published_online=date(2024, 3, 5),
            doi="10.1001/jamanetworkopen.2024.0001",
        ),
        "Diallo AS, Ferreira LM. Dietary purines and gout flares. JAMA Netw Open. Published online "
        "March 5, 2024. doi:10.1001/jamanetworkopen.2024.0001",
    ),
    (
        "article-online-first-since-printed-is-cited-by-its-issue",
        dict(
            kind=JOURNAL,
            authors="Diallo AS",
            title="Dietary purines and gout flares",
            container_title="JAMA Network Open",
            year=2024,
            volume="7",
            issue="3",
            elocator="e240001",
            published_online=date(2024, 3, 5),
        ),
        "Diallo AS. Dietary purines and gout flares. JAMA Netw Open. 2024;7(3):e240001.",
    ),
    (
        "article-online-first-in-the-note-of-an-older-import",
        dict(
            kind=JOURNAL,
            authors="Huang Y",
            title="Gout and sleep apnoea",
            container_title="Rheumatology (Oxford, England)",
            year=2021,
            note="Published online May 3, 2021",
        ),
        "Huang Y. Gout and sleep apnoea. Rheumatology (Oxford). Published online May 3, 2021.",
    ),
    (
        "article-elocator-without-pages",
        dict(
            kind=JOURNAL,
            authors="Murakami T\nHuang Y",
            title="Cohort profile: gout in primary care",
            container_title="BMJ Open",
            year=2021,
            volume="11",
            issue="3",
            elocator="e045123",
        ),
        "Murakami T, Huang Y. Cohort profile: gout in primary care. BMJ Open. 2021;11(3):e045123.",
    ),
    (
        "article-pages-win-over-the-elocator",
        dict(
            kind=JOURNAL,
            authors="Murakami T",
            title="Gout registries",
            container_title="PLOS ONE",
            year=2016,
            volume="11",
            issue="4",
            pages="e0153210",
            elocator="0153210",
        ),
        "Murakami T. Gout registries. PLoS One. 2016;11(4):e0153210.",
    ),
    (
        "article-short-page-range-written-out",
        dict(
            kind=JOURNAL,
            authors="Brennan PJ",
            title="Crystal arthritis",
            container_title="Proceedings of the National Academy of Sciences of the United States of America",
            year=2019,
            volume="116",
            issue="14",
            pages="6913-7",
        ),
        "Brennan PJ. Crystal arthritis. Proc Natl Acad Sci U S A. 2019;116(14):6913-6917.",
    ),
    (
        "article-en-dash-becomes-a-hyphen",
        dict(
            kind=JOURNAL,
            authors="Ferreira LM",
            title="Ultrasound in gout",
            container_title="Annals of the Rheumatic Diseases",
            year=2015,
            volume="74",
            issue="10",
            pages="1843\u20131855",
        ),
        "Ferreira LM. Ultrasound in gout. Ann Rheum Dis. 2015;74(10):1843-1855.",
    ),
    (
        "article-electronic-page-range-kept",
        dict(
            kind=JOURNAL,
            authors="Ferreira LM",
            title="Dual-energy CT in gout",
            container_title="Radiology",
            year=2018,
            volume="288",
            pages="e12\u2013e19",
        ),
        "Ferreira LM. Dual-energy CT in gout. Radiology. 2018;288:e12-e19.",
    ),
    (
        "article-supplement-issue",
        dict(
            kind=JOURNAL,
            authors="American Diabetes Association Professional Practice Committee",
            title="Standards of care for people with gout and diabetes",
            container_title="Diabetes Care",
            year=2023,
            volume="46",
            issue="Supplement 1",
            pages="S15-20",
        ),
        "American Diabetes Association Professional Practice Committee. Standards of care for people "
        "with gout and diabetes. Diabetes Care. 2023;46(suppl 1):S15-S20.",
    ),
    (
        "article-supplement-written-in-the-volume",
        dict(
            kind=JOURNAL,
            authors="Diallo AS",
            title="Gout in West Africa",
            container_title="Clinical Infectious Diseases",
            year=2019,
            volume="69 Suppl 2",
            pages="S101-S108",
        ),
        "Diallo AS. Gout in West Africa. Clin Infect Dis. 2019;69(suppl 2):S101-S108.",
    ),
    (
        "article-issue-without-volume",
        dict(
            kind=JOURNAL,
            authors="Huang Y",
            title="Gout clinics",
            container_title="Clinical Orthopaedics and Related Research",
            journal_abbreviation="Clin Orthop Relat Res",
            year=2002,
            issue="401",
            pages="1-5",
        ),
        "Huang Y. Gout clinics. Clin Orthop Relat Res. 2002;(401):1-5.",
    ),
    (
        "article-journal-subtitle-left-out",
        dict(
            kind=JOURNAL,
            authors="Okafor CN",
            title="Septic or crystal arthritis?",
            container_title=(
                "Clinical Infectious Diseases: an official publication of the Infectious Diseases "
                "Society of America"
            ),
            year=2020,
            volume="70",
            issue="1",
            pages="11-18",
        ),
        "Okafor CN. Septic or crystal arthritis? Clin Infect Dis. 2020;70(1):11-18.",
    ),
    (
        "article-journal-abbreviated-by-iso4-word-list",
        dict(
            kind=JOURNAL,
            authors="Brennan PJ",
            title="An app for gout self-management",
            container_title="Journal of Medical Internet Research",
            year=2022,
            volume="24",
            issue="2",
            elocator="e31234",
        ),
        "Brennan PJ. An app for gout self-management. J Med Internet Res. 2022;24(2):e31234.",
    ),
    (
        "article-pubmed-section-title",
        dict(
            kind=JOURNAL,
            authors="Lindqvist E",
            title="Gout and atrial fibrillation",
            container_title="Circulation. Heart failure",
            year=2021,
            volume="14",
            issue="5",
            pages="e007800",
        ),
        "Lindqvist E. Gout and atrial fibrillation. Circ Heart Fail. 2021;14(5):e007800.",
    ),
    (
        "article-without-doi-gives-access-date-and-url-then-pmid",
        dict(
            kind=JOURNAL,
            authors="Doe J",
            title="A case of gout in the ear",
            container_title="Mayo Clinic Proceedings",
            year=2019,
            volume="94",
            pages="12-5",
            url="https://proceedings.example.org/gout-ear",
            accessed_on=date(2020, 8, 24),
            pmid="30611437",
        ),
        "Doe J. A case of gout in the ear. Mayo Clin Proc. 2019;94:12-15. Accessed August 24, 2020. "
        "https://proceedings.example.org/gout-ear PMID: 30611437",
    ),
    # Books: title case, volume, no first edition, editors when there is no author.
    (
        "book-title-case-and-edition",
        dict(
            kind="book",
            authors="Goldberg L\nSchafer AI",
            title="textbook of crystal arthritis: diagnosis and care of the patient with gout",
            edition="26",
            publisher="Elsevier",
            place="Philadelphia, PA",
            year=2020,
        ),
        "Goldberg L, Schafer AI. Textbook of Crystal Arthritis: Diagnosis and Care of the Patient With "
        "Gout. 26th ed. Elsevier; 2020.",
    ),
    (
        "book-first-edition-not-printed",
        dict(
            kind="book",
            authors="Roe R",
            title="Gout at Home",
            edition="1st ed.",
            publisher="Wiley",
            year=2018,
        ),
        "Roe R. Gout at Home. Wiley; 2018.",
    ),
    (
        "book-edition-in-words",
        dict(
            kind="book", authors="Roe R", title="Gout at Home", edition="Second", publisher="Wiley", year=2022
        ),
        "Roe R. Gout at Home. 2nd ed. Wiley; 2022.",
    ),
    (
        "book-volume-and-edition",
        dict(
            kind="book",
            authors="Nakamura H",
            title="Rheumatology",
            volume="2",
            edition="3",
            publisher="Mosby",
            year=2015,
        ),
        "Nakamura H. Rheumatology. Vol 2. 3rd ed. Mosby; 2015.",
    ),
    (
        "book-editors-only",
        dict(
            kind="book",
            editors="Landon MB\nGalan HL\nJauniaux ERM",
            title="Obstetric Medicine: Normal and Problem Pregnancies",
            edition="8",
            publisher="Elsevier",
            year=2021,
        ),
        "Landon MB, Galan HL, Jauniaux ERM, eds. Obstetric Medicine: Normal and Problem Pregnancies. "
        "8th ed. Elsevier; 2021.",
    ),
    (
        "book-one-editor",
        dict(kind="book", editors="Roe R", title="Gout Cases", publisher="Springer", year=2019),
        "Roe R, ed. Gout Cases. Springer; 2019.",
    ),
    (
        "book-authors-and-editors",
        dict(
            kind="book",
            authors="Doe J",
            editors="Roe R",
            title="Lectures on Gout",
            edition="2",
            publisher="Oxford University Press",
            year=2020,
        ),
        "Doe J. Lectures on Gout. 2nd ed. Roe R, ed. Oxford University Press; 2020.",
    ),
    (
        "book-in-a-series",
        dict(
            kind="book",
            authors="Silva MP",
            title="purine metabolism in man",
            series="Advances in Experimental Medicine and Biology; vol 1234",
            publisher="Springer",
            year=2018,
        ),
        "Silva MP. Purine Metabolism in Man. Springer; 2018. Advances in Experimental Medicine and "
        "Biology; vol 1234.",
    ),
    (
        "book-title-case-keeps-acronyms-and-hyphenated-prefixes",
        dict(
            kind="book",
            authors="Roe R",
            title="managing COVID-19 and non-steroidal anti-inflammatory drugs in long-term care",
            publisher="CRC Press",
            year=2021,
        ),
        "Roe R. Managing COVID-19 and Non-steroidal Anti-inflammatory Drugs in Long-Term Care. CRC "
        "Press; 2021.",
    ),
    (
        "book-no-author-starts-with-the-title",
        dict(
            kind="book", title="The Pocket Guide to Rheumatology", edition="5", publisher="Wiley", year=2017
        ),
        "The Pocket Guide to Rheumatology. 5th ed. Wiley; 2017.",
    ),
    # Book chapters: "In: Editors, eds. Book Title."; pages after the year, written out in full.
    (
        "chapter-editors-edition-and-pages",
        dict(
            kind="book-chapter",
            authors="Strand JR",
            title="Crystal-induced arthritis",
            editors="Feldman M\nFriedman LS\nBrandt LJ",
            container_title="Sleisinger and Fordham's Joint and Bone Disease",
            edition="11",
            publisher="Elsevier",
            year=2021,
            pages="501-20",
        ),
        "Strand JR. Crystal-induced arthritis. In: Feldman M, Friedman LS, Brandt LJ, eds. Sleisinger "
        "and Fordham's Joint and Bone Disease. 11th ed. Elsevier; 2021:501-520.",
    ),
    (
        "chapter-editors-field-preferred-to-the-note",
        dict(
            kind="book-chapter",
            title="Gout",
            editors="Roe R",
            note="Edited by Someone Else",
            container_title="Rheumatology Cases",
            publisher="Wiley",
            year=2020,
            pages="10-12",
        ),
        "Gout. In: Roe R, ed. Rheumatology Cases. Wiley; 2020:10-12.",
    ),
    (
        "chapter-seven-editors",
        dict(
            kind="book-chapter",
            authors="Doe J",
            title="Pseudogout",
            editors=SEVEN,
            container_title="Oxford Textbook of Rheumatology",
            edition="4",
            publisher="Oxford University Press",
            year=2013,
            pages="1101-1110",
        ),
        "Doe J. Pseudogout. In: Okafor CN, Lindqvist E, Brennan PJ, et al, eds. Oxford Textbook of "
        "Rheumatology. 4th ed. Oxford University Press; 2013:1101-1110.",
    ),
    (
        "chapter-volume-first-edition-and-title-case",
        dict(
            kind="book-chapter",
            authors="Doe J",
            title="Gout in the elderly",
            editors="Roe R",
            container_title="geriatric rheumatology",
            volume="1",
            edition="1",
            publisher="Springer",
            year=2019,
            pages="45\u201360",
        ),
        "Doe J. Gout in the elderly. In: Roe R, ed. Geriatric Rheumatology. Vol 1. Springer; 2019:45-60.",
    ),
    # Web pages and databases: roman site name, dates in full, accessed date, URL.
    (
        "web-page-organisation-with-dates",
        dict(
            kind="web-page",
            authors="Centers for Disease Control and Prevention",
            title="Gout: what you need to know",
            container_title="CDC",
            note="Published Mar 22, 2022",
            url="https://www.cdc.example/gout/index.html",
            accessed_on=date(2023, 5, 2),
        ),
        "Centers for Disease Control and Prevention. Gout: what you need to know. CDC. Published March "
        "22, 2022. Accessed May 2, 2023. https://www.cdc.example/gout/index.html",
    ),
    (
        "web-page-no-author-updated",
        dict(
            kind="web-page",
            title="Gout",
            container_title="NHS",
            note="Updated 10 January 2023",
            url="https://www.nhs.example/conditions/gout/",
            accessed_on=date(2024, 2, 1),
        ),
        "Gout. NHS. Updated January 10, 2023. Accessed February 1, 2024. "
        "https://www.nhs.example/conditions/gout/",
    ),
    (
        "web-page-year-only",
        dict(
            kind="web-page",
            authors="Arthritis Foundation",
            title="Gout diet: foods to avoid",
            container_title="Arthritis Foundation",
            year=2022,
            url="https://www.arthritis.example/gout-diet",
            accessed_on=date(2023, 7, 19),
        ),
        "Arthritis Foundation. Gout diet: foods to avoid. Arthritis Foundation. Published 2022. "
        "Accessed July 19, 2023. https://www.arthritis.example/gout-diet",
    ),
    (
        "database-topic-accessed",
        dict(
            kind="database",
            authors="Strand JR",
            title="Clinical manifestations of gout",
            container_title="UpToDate",
            url="https://www.uptodate.example/contents/gout",
            accessed_on=date(2020, 8, 24),
        ),
        "Strand JR. Clinical manifestations of gout. UpToDate. Accessed August 24, 2020. "
        "https://www.uptodate.example/contents/gout",
    ),
    (
        "database-topic-with-year-is-updated",
        dict(
            kind="database",
            title="Gout",
            container_title="DynaMed",
            year=2023,
            url="https://www.dynamed.example/condition/gout",
            accessed_on=date(2024, 1, 9),
        ),
        "Gout. DynaMed. Updated 2023. Accessed January 9, 2024. https://www.dynamed.example/condition/gout",
    ),
    # Guidelines: cited as reports, their date printed once.
    (
        "guideline-report-with-update",
        dict(
            kind="guideline",
            authors="National Institute for Health and Care Excellence",
            title="Gout: diagnosis and management",
            container_title="NICE guideline NG219",
            publisher="National Institute for Health and Care Excellence",
            year=2022,
            note="Updated Mar 21, 2024",
            url="https://www.nice.example/guidance/ng219",
            accessed_on=date(2024, 6, 10),
        ),
        "National Institute for Health and Care Excellence. Gout: Diagnosis and Management. NICE "
        "guideline NG219. National Institute for Health and Care Excellence; 2022. Updated March 21, "
        "2024. Accessed June 10, 2024. https://www.nice.example/guidance/ng219",
    ),
    (
        "guideline-publication-date-printed-once",
        dict(
            kind="guideline",
            authors="American College of Rheumatology",
            title="guideline for the management of gout",
            publisher="American College of Rheumatology",
            year=2020,
            note="Published June 1, 2020",
            url="https://www.rheumatology.example/gout-guideline",
            accessed_on=date(2021, 2, 3),
        ),
        "American College of Rheumatology. Guideline for the Management of Gout. American College of "
        "Rheumatology. Published June 1, 2020. Accessed February 3, 2021. "
        "https://www.rheumatology.example/gout-guideline",
    ),
    (
        "guideline-bare-date-in-the-note-printed-once",
        dict(
            kind="guideline",
            authors="European Alliance of Rheumatology Societies",
            title="Recommendations for Gout",
            publisher="EULAR",
            year=2016,
            note="2016-09-14",
        ),
        "European Alliance of Rheumatology Societies. Recommendations for Gout. EULAR. Published "
        "September 14, 2016.",
    ),
    (
        "guideline-printed-in-a-journal-is-an-article",
        dict(
            kind="guideline",
            authors="FitzGerald JD",
            title="2020 guideline for the management of gout",
            container_title="Arthritis Care & Research",
            year=2020,
            volume="72",
            issue="6",
            pages="744-60",
        ),
        "FitzGerald JD. 2020 guideline for the management of gout. Arthritis Care Res (Hoboken). "
        "2020;72(6):744-760.",
    ),
    # Expert opinion and other.
    (
        "expert-opinion",
        dict(kind="expert-opinion", authors="Giridhar KV", publisher="Mayo Clinic", note="Nov. 4, 2020"),
        "Giridhar KV (expert opinion). Mayo Clinic. November 4, 2020.",
    ),
    (
        "expert-opinion-dated-by-year",
        dict(kind="expert-opinion", authors="Giridhar KV", publisher="Mayo Clinic", year=2021),
        "Giridhar KV (expert opinion). Mayo Clinic. 2021.",
    ),
    (
        "other-with-fields",
        dict(
            kind="other",
            authors="AskMayoExpert",
            title="Gout (adult)",
            publisher="Mayo Clinic",
            year=2019,
            pages="3-4",
        ),
        "AskMayoExpert. Gout (adult). Mayo Clinic; 2019:3-4.",
    ),
    (
        "other-kept-as-written",
        dict(kind="other", original_text="Someone. A gout leaflet <unparsed> & more. 2020."),
        "Someone. A gout leaflet <unparsed> & more. 2020.",
    ),
]


def test_the_table_has_forty_examples_covering_every_kind():
    assert len(AMA_EXAMPLES) >= 40
    assert {fields["kind"] for _, fields, _ in AMA_EXAMPLES} == set(Reference.Kind.values)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [pytest.param(fields, expected, id=name) for name, fields, expected in AMA_EXAMPLES],
)
def test_ama_worked_example(fields, expected):
    assert text_of(format_reference(Reference(key="k", **fields))) == expected


@pytest.mark.parametrize(
    ("name", "italic"),
    [
        ("article-own-abbreviation", "<i>N Engl J Med</i>."),
        ("article-online-first", "<i>JAMA Netw Open</i>. Published online March 5, 2024."),
        (
            "book-title-case-and-edition",
            "<i>Textbook of Crystal Arthritis: Diagnosis and Care of the Patient With Gout</i>. 26th ed.",
        ),
        ("book-editors-only", "eds. <i>Obstetric Medicine: Normal and Problem Pregnancies</i>. 8th ed."),
        (
            "chapter-editors-edition-and-pages",
            "In: Feldman M, Friedman LS, Brandt LJ, eds. "
            "<i>Sleisinger and Fordham&#x27;s Joint and Bone Disease</i>.",
        ),
        ("guideline-publication-date-printed-once", "<i>Guideline for the Management of Gout</i>."),
    ],
)
def test_journal_and_book_titles_are_italic(name, italic):
    fields = next(fields for example, fields, _ in AMA_EXAMPLES if example == name)
    assert italic in str(format_reference(Reference(key="k", **fields)))


def test_article_titles_and_web_page_titles_are_not_title_cased_or_italic():
    fragment = str(format_reference(Reference(key="k", **AMA_EXAMPLES[0][1])))
    assert "Colchicine after a first gout flare." in fragment and "<i>Colchicine" not in fragment
    web = next(fields for name, fields, _ in AMA_EXAMPLES if name == "web-page-organisation-with-dates")
    assert "Gout: what you need to know. CDC." in str(format_reference(Reference(key="k", **web)))


# --- the pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("6913-7", "6913-6917"),
        ("1843\u20131855", "1843-1855"),
        ("100--110", "100-110"),
        ("e12-e19", "e12-e19"),
        ("S1-10", "S1-S10"),
        ("1299-303", "1299-1303"),
        ("1299-3", "1299-3"),  # 1293 would come before 1299: left as written
        ("12-5, 20-2", "12-15, 20-22"),
        ("e045123", "e045123"),
        ("xi-xv", "xi-xv"),
        ("", ""),
    ],
)
def test_page_ranges_are_written_out_in_full(given, expected):
    assert ama_pages(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("harrison's principles of internal medicine", "Harrison's Principles of Internal Medicine"),
        ("gout: a guide for patients", "Gout: A Guide for Patients"),
        ("living with HIV and gout", "Living With HIV and Gout"),
        ("what to do about it", "What to Do About It"),
        ("gout, diet, and exercise", "Gout, Diet, and Exercise"),
        ("(the) end of gout", "(The) End of Gout"),
        ("mRNA vaccines in rheumatology", "mRNA Vaccines in Rheumatology"),
        ("Already Title Cased", "Already Title Cased"),
    ],
)
def test_title_case_of_book_titles(given, expected):
    assert title_case(given) == expected


def test_private_note_is_never_printed():
    ref = lancet_article()
    ref.private_note = "Cited By :44. Export Date: 3 March 2024; PMID: 23439512; doi: 10.1000/other"
    fragment = str(format_reference(ref))
    assert "Cited By" not in fragment and "Export Date" not in fragment and "23439512" not in fragment
    assert text_of(fragment) == text_of(format_reference(lancet_article()))


@pytest.mark.django_db
def test_private_note_is_not_on_the_public_page_or_in_the_api(client, editor, reviewer):
    make_reference(
        "okafor2021",
        title="Colchicine after a first gout flare",
        private_note="Cited By :44. Export Date: 3 March 2024. Source: Scopus",
        note="Updated March 3, 2024",
    )
    condition = make_condition(
        editor, name="Gout", sections=[("overview", "Gout flares [@okafor2021].")], reference_keys=[]
    )
    publish(condition, editor=editor, reviewer=reviewer)

    page = client.get("/conditions/gout/").content.decode()
    assert "Colchicine after a first gout flare." in page
    # The public note is printed; the editor-only one never is, on the page or in the API.
    assert "Updated March 3, 2024." in page
    assert "Cited By" not in page and "Export Date" not in page and "Scopus" not in page
    api = client.get("/api/conditions/gout/").content.decode()
    assert "Colchicine after a first gout flare." in api
    assert "Cited By" not in api and "Export Date" not in api and "Scopus" not in api


def test_journal_without_any_abbreviation_is_printed_in_full(monkeypatch):
    # Without pyiso4's word list a title missing from the NLM table stays whole (and
    # check_citations lists the reference).
    monkeypatch.setattr(journals, "_iso4", lambda: None)
    journals.abbreviate_journal.cache_clear()
    ref = make_ref(
        "journal-article",
        title="T",
        container_title="Journal of Rare Things",
        year=2020,
        volume="1",
        pages="2-3",
    )
    try:
        fragment = str(format_reference(ref))
    finally:
        journals.abbreviate_journal.cache_clear()
    assert fragment == "T. <i>Journal of Rare Things</i>. 2020;1:2-3."


def test_article_in_an_issue_takes_its_year_from_the_online_date_when_none_is_given():
    ref = make_ref(
        "journal-article",
        title="T",
        container_title="Gut",
        volume="70",
        pages="1-9",
        published_online=date(2020, 12, 1),
    )
    assert text_of(format_reference(ref)) == "T. Gut. 2020;70:1-9."
    assert ref.year is None  # formatting changes nothing it is given
