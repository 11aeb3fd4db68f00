from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from references.models import Reference
from references.parsing import FIELD_NAMES, base_key, parse_date, parse_reference, unique_key


def reference_lines(page: Path) -> list[str]:
    """The numbered reference lines of a scraped condition page, numbers removed."""
    text = page.read_text(encoding="utf-8")
    return [m.group(1) for m in re.finditer(r"(?m)^\s+\d+\.\s+(.+)$", text)]


@pytest.fixture
def seed_references(seed_condition_page) -> list[str]:
    """The numbered reference lines of seed 000, read from disk."""
    lines = reference_lines(seed_condition_page)
    assert len(lines) == 6
    return lines


def test_every_field_is_returned_and_the_original_kept(import_case):
    lines = reference_lines(import_case.page_file)
    assert len(lines) == len(import_case.page.references)
    for line, key in zip(lines, import_case.page.references, strict=True):
        fields = parse_reference(line)
        assert set(fields) == set(FIELD_NAMES)
        assert fields["original_text"] == line.strip()
        assert key.startswith(base_key(fields))


def test_seed_group_author_with_publisher_and_year(seed_references):
    fields = parse_reference(seed_references[0])
    assert fields["kind"] == "other"
    assert fields["authors"] == "AskMayoExpert"
    assert fields["title"] == "Neuroendocrine (carcinoid) tumors (adult)"
    assert (fields["publisher"], fields["year"]) == ("Mayo Clinic", 2020)
    assert base_key(fields) == "askmayoexpert2020"
    assert base_key(parse_reference(seed_references[1])) == "askmayoexpert2019"


def test_seed_book_chapter(seed_references):
    fields = parse_reference(seed_references[2])
    assert fields["kind"] == Reference.Kind.BOOK_CHAPTER
    assert fields["authors"].splitlines() == ["Feldman M", "et al"]
    assert fields["title"] == "Neuroendocrine tumors"
    assert fields["container_title"].startswith("Sleisenger and Fordtran")
    assert fields["container_title"].endswith("Management")
    assert fields["edition"] == "11"
    assert (fields["publisher"], fields["year"]) == ("Elsevier", 2021)
    assert fields["url"] == "https://www.clinicalkey.com"
    assert fields["accessed_on"] == date(2020, 8, 24)
    assert base_key(fields) == "feldman2021"


def test_seed_point_of_care_database_without_a_year(seed_references):
    fields = parse_reference(seed_references[3])
    assert fields["kind"] == Reference.Kind.DATABASE
    assert fields["authors"] == "Strosberg JR"
    assert fields["title"] == "Treatment of the carcinoid syndrome"
    assert fields["url"].startswith("https://www.uptodate.com/")
    assert fields["accessed_on"] == date(2020, 8, 24)
    assert fields["year"] is None
    assert base_key(fields) == "strosberg"


def test_seed_chapter_without_edition(seed_references):
    fields = parse_reference(seed_references[4])
    assert fields["kind"] == Reference.Kind.BOOK_CHAPTER
    assert fields["container_title"] == "Ferri's Clinical Advisor 2021"
    assert fields["edition"] == ""
    assert (fields["publisher"], fields["year"]) == ("Elsevier", 2021)


def test_seed_expert_opinion(seed_references):
    fields = parse_reference(seed_references[5])
    assert fields["kind"] == Reference.Kind.EXPERT_OPINION
    assert fields["authors"] == "Giridhar KV"
    assert fields["publisher"] == "Mayo Clinic"
    assert fields["year"] == 2020
    assert fields["title"] == ""
    assert base_key(fields) == "giridhar2020"


def test_journal_article_with_volume_issue_pages_doi_and_pmid():
    fields = parse_reference(
        "Okafor CN, Lindqvist M, Tanaka H, et al. Flushing episodes and urinary 5-HIAA in adults: "
        "a cohort study. J Endocr Res. 2019;104(7):2870-2881. doi:10.1210/jer.2018-02011. PMID: 30812345"
    )
    assert fields["kind"] == Reference.Kind.JOURNAL_ARTICLE
    assert fields["authors"].splitlines() == ["Okafor CN", "Lindqvist M", "Tanaka H", "et al"]
    assert fields["title"] == "Flushing episodes and urinary 5-HIAA in adults: a cohort study"
    assert fields["container_title"] == "J Endocr Res"
    assert (fields["year"], fields["volume"], fields["issue"], fields["pages"]) == (
        2019,
        "104",
        "7",
        "2870-2881",
    )
    assert fields["doi"] == "10.1210/jer.2018-02011"
    assert fields["pmid"] == "30812345"
    assert base_key(fields) == "okafor2019"


def test_journal_article_with_doi_link_and_short_journal_name():
    fields = parse_reference(
        "Brandt L, de Vries P. Night sweats in general practice. Gut. 2021;70:455-461. "
        "https://doi.org/10.1136/gutjnl-2020-321234"
    )
    assert fields["kind"] == Reference.Kind.JOURNAL_ARTICLE
    assert fields["authors"].splitlines() == ["Brandt L", "de Vries P"]
    assert fields["container_title"] == "Gut"
    assert (fields["volume"], fields["issue"], fields["pages"]) == ("70", "", "455-461")
    assert fields["doi"] == "10.1136/gutjnl-2020-321234"
    assert fields["url"] == ""


def test_book_with_place_and_edition():
    fields = parse_reference(
        "Kumar V, Abbas AK, Aster JC. Robbins Basic Pathology. 10th ed. Philadelphia, PA: Elsevier; 2018."
    )
    assert fields["kind"] == Reference.Kind.BOOK
    assert fields["title"] == "Robbins Basic Pathology"
    assert fields["edition"] == "10"
    assert (fields["place"], fields["publisher"], fields["year"]) == ("Philadelphia, PA", "Elsevier", 2018)


def test_web_page_with_updated_and_accessed_dates():
    fields = parse_reference(
        "National Cancer Institute. Neuroendocrine tumors treatment. NCI website. Updated March 3, 2023. "
        "Accessed January 15, 2024. https://www.cancer.gov/types/neuroendocrine"
    )
    assert fields["kind"] == Reference.Kind.WEB_PAGE
    assert fields["authors"] == "National Cancer Institute"
    assert fields["title"] == "Neuroendocrine tumors treatment"
    assert fields["container_title"] == "NCI website"
    assert fields["year"] == 2023
    assert fields["accessed_on"] == date(2024, 1, 15)
    assert fields["url"] == "https://www.cancer.gov/types/neuroendocrine"
    assert "Updated March 3, 2023" in fields["note"]
    assert base_key(fields) == "nationalcancerinstitute2023"


def test_chapter_in_an_edited_book_with_pages():
    fields = parse_reference(
        "Lee A, Park S. Serotonin syndrome. In: Brown T, Green K, eds. Toxicology Handbook. 3rd ed. "
        "Boston, MA: Acme Press; 2017:45-60."
    )
    assert fields["kind"] == Reference.Kind.BOOK_CHAPTER
    assert fields["title"] == "Serotonin syndrome"
    assert fields["container_title"] == "Toxicology Handbook"
    assert fields["edition"] == "3"
    assert (fields["place"], fields["publisher"], fields["year"], fields["pages"]) == (
        "Boston, MA",
        "Acme Press",
        2017,
        "45-60",
    )
    assert fields["editors"].splitlines() == ["Brown T", "Green K"]
    assert fields["note"] == ""


def test_a_leading_list_number_is_not_part_of_the_reference():
    fields = parse_reference("  12. Roe B. A title. Some Press; 2001.")
    assert fields["authors"] == "Roe B"
    assert fields["original_text"] == "12. Roe B. A title. Some Press; 2001."


@pytest.mark.parametrize("text", ["", "   ", "???", "Just some words", "1999", "In:", "doi:"])
def test_odd_input_never_fails(text):
    fields = parse_reference(text)
    assert fields["original_text"] == " ".join(text.split())
    assert base_key(fields)


def test_keys_are_ascii_slugs():
    fields = parse_reference("Müller-Lüdenscheidt K. Über Kopfschmerz. Verlag Nord; 2015.")
    assert base_key(fields) == "mullerludenscheidt2015"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jul 07, 2022", date(2022, 7, 7)),
        ("July 7 2022", date(2022, 7, 7)),
        ("Aug. 24, 2020", date(2020, 8, 24)),
        ("Sept. 3, 2019.", date(2019, 9, 3)),
        ("3 September 2019", date(2019, 9, 3)),
        ("2026-05-08", date(2026, 5, 8)),
        ("Feb 30, 2020", None),
        ("Mayo 4, 2020", None),
        ("last week", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_unique_key_adds_the_first_free_letter():
    assert unique_key("feldman2021", set()) == "feldman2021"
    assert unique_key("feldman2021", {"feldman2021"}) == "feldman2021b"
    assert unique_key("feldman2021", {"feldman2021", "feldman2021b"}) == "feldman2021c"


def test_an_access_date_written_month_first_is_read():
    # A clinic library's style: the link in brackets after the title, the date in figures.
    fields = parse_reference(
        "Example Society. Hiccups (https://www.example.org/hiccups). Accessed 10/1/2024."
    )
    assert fields["accessed_on"] == date(2024, 10, 1)
    assert fields["url"] == "https://www.example.org/hiccups"
    assert "(" not in fields["container_title"] + fields["title"]


def test_figures_alone_are_no_date():
    assert parse_date("10/1/2024") is None
    assert parse_date("10/1/2024", numeric=True) == date(2024, 10, 1)
    assert parse_date("25/12/2024", numeric=True) == date(2024, 12, 25)
    assert parse_date("13/13/2024", numeric=True) is None


# --- the shapes of scraped reference lists, one table ------------------------------------------

# The fields every row of the table states in full (empty when the row says nothing of them).
KEY_FIELDS = ("kind", "authors", "editors", "title", "container_title", "year", "volume", "issue", "pages")
Kind = Reference.Kind


def row(text: str, kind: str, **expected) -> pytest.ParameterSet:
    """One table row: a reference as scraped, and the fields it should give.

    ``authors`` and ``editors`` are lists (one name a line in the model); any field beyond
    :data:`KEY_FIELDS` named here is checked too.
    """
    for name in ("authors", "editors"):
        expected[name] = "\n".join(expected.get(name, []))
    expected.setdefault("year", None)
    for name in KEY_FIELDS:
        expected.setdefault(name, "")
    expected["kind"] = kind
    return pytest.param(text, expected, id=text[:60])


TABLE = [
    # Chapters in the older Mayo form: "In:" the editors without "eds", then the book.
    row(
        "Haldane RT. Acute pancreatitis. In: McAllister SJ, et al. Current Clinical Diagnosis & Treatment "
        "2012. 51st ed. New York, N.Y.: The Harrow-Hill Companies; 2012. http://www.accessclinic.com. "
        "Accessed April 4, 2012.",
        Kind.BOOK_CHAPTER,
        authors=["Haldane RT"],
        editors=["McAllister SJ", "et al"],
        title="Acute pancreatitis",
        container_title="Current Clinical Diagnosis & Treatment 2012",
        year=2012,
        edition="51",
        place="New York, N.Y.",
        publisher="The Harrow-Hill Companies",
        url="http://www.accessclinic.com",
        accessed_on=date(2012, 4, 4),
    ),
    row(
        "Brightwater K, et al. Migraine in adults. In: Ortega P, et al. Textbook of Neurology. 8th ed. "
        "Philadelphia, Pa.: Saunders Elsevier; 2016. https://www.example.com/books. Accessed Jan. 5, 2017.",
        Kind.BOOK_CHAPTER,
        authors=["Brightwater K", "et al"],
        editors=["Ortega P", "et al"],
        title="Migraine in adults",
        container_title="Textbook of Neurology",
        year=2016,
        edition="8",
        place="Philadelphia, Pa.",
        publisher="Saunders Elsevier",
        accessed_on=date(2017, 1, 5),
    ),
    row(
        "Okonkwo D. Anemia. In: Farrell JM, Hsu T. Principles of Hematology. 2nd ed. Boston, Mass.: "
        "Example Medical; 2018:112-130.",
        Kind.BOOK_CHAPTER,
        authors=["Okonkwo D"],
        editors=["Farrell JM", "Hsu T"],
        title="Anemia",
        container_title="Principles of Hematology",
        year=2018,
        pages="112-130",
        edition="2",
    ),
    row(
        "Lindqvist A, et al. Croup. In: Paediatric Emergency Care. 4th ed. Example Publishers; 2021. "
        "https://www.example.org/peds. Accessed Nov. 3, 2022.",
        Kind.BOOK_CHAPTER,
        authors=["Lindqvist A", "et al"],
        title="Croup",
        container_title="Paediatric Emergency Care",
        year=2021,
        edition="4",
        accessed_on=date(2022, 11, 3),
    ),
    # Chapters with "eds" (AMA) or "editors" (NLM), and "p." pages.
    row(
        "Lee A, Park S. Serotonin syndrome. In: Brown T, Green K, eds. Toxicology Handbook. 3rd ed. "
        "Boston, MA: Acme Press; 2017:45-60.",
        Kind.BOOK_CHAPTER,
        authors=["Lee A", "Park S"],
        editors=["Brown T", "Green K"],
        title="Serotonin syndrome",
        container_title="Toxicology Handbook",
        year=2017,
        pages="45-60",
    ),
    row(
        "Bauer K, Lind S. Dehydration in infants. In: Grey M, Patel R, editors. Pediatric Emergency Care. "
        "3rd ed. Boston (MA): Example Medical; 2018. p. 112-130.",
        Kind.BOOK_CHAPTER,
        authors=["Bauer K", "Lind S"],
        editors=["Grey M", "Patel R"],
        title="Dehydration in infants",
        container_title="Pediatric Emergency Care",
        year=2018,
        pages="112-130",
        place="Boston (MA)",
        publisher="Example Medical",
    ),
    row(
        "Tello M. Hand washing. In: Ferri's Clinical Advisor 2021. Elsevier; 2021:chap 412.",
        Kind.BOOK_CHAPTER,
        authors=["Tello M"],
        title="Hand washing",
        container_title="Ferri's Clinical Advisor 2021",
        year=2021,
        pages="chap 412",
    ),
    # Edited books: the editors stand first.
    row(
        "Landry MB, Galvez HL, Jaunet ERM, et al., eds. Garner's Obstetrics: Normal and Problem "
        "Pregnancies. 8th ed. Elsevier; 2021.",
        Kind.BOOK,
        editors=["Landry MB", "Galvez HL", "Jaunet ERM", "et al"],
        title="Garner's Obstetrics: Normal and Problem Pregnancies",
        year=2021,
        edition="8",
        publisher="Elsevier",
    ),
    row(
        "Hartmann K, ed. Handbook of Travel Medicine. Example Press; 2019.",
        Kind.BOOK,
        editors=["Hartmann K"],
        title="Handbook of Travel Medicine",
        year=2019,
        publisher="Example Press",
    ),
    row(
        "Moreno-Díaz A, Whitaker J, editors. Clinical Guide to Sleep Disorders. 2nd ed. London: Example "
        "Medical Books; 2017.",
        Kind.BOOK,
        editors=["Moreno-Díaz A", "Whitaker J"],
        title="Clinical Guide to Sleep Disorders",
        year=2017,
        place="London",
    ),
    row(
        "Park SY, Oduya F (eds). Tropical Dermatology. Example Academic; 2020.",
        Kind.BOOK,
        editors=["Park SY", "Oduya F"],
        title="Tropical Dermatology",
        year=2020,
    ),
    # No author: the title first, then the journal, site or publisher.
    row(
        "Hypertension in pregnancy: a practical update. Example Obstet Rev. 2018;22(4):301-309.",
        Kind.JOURNAL_ARTICLE,
        title="Hypertension in pregnancy: a practical update",
        container_title="Example Obstet Rev",
        year=2018,
        volume="22",
        issue="4",
        pages="301-309",
    ),
    row(
        "Seasonal influenza in care homes. Wkly Epidemiol Rec. 2019;94(12):141-150.",
        Kind.JOURNAL_ARTICLE,
        title="Seasonal influenza in care homes",
        container_title="Wkly Epidemiol Rec",
        year=2019,
        volume="94",
        issue="12",
        pages="141-150",
    ),
    row(
        "Living with asthma. Example Respiratory Society. https://www.example.org/asthma. "
        "Accessed March 2, 2024.",
        Kind.WEB_PAGE,
        title="Living with asthma",
        container_title="Example Respiratory Society",
        accessed_on=date(2024, 3, 2),
    ),
    row(
        "Vaccines for adults: what to know. Example Health Books; 2021.",
        Kind.OTHER,
        title="Vaccines for adults: what to know",
        year=2021,
        publisher="Example Health Books",
    ),
    row(
        "Harlow's Principles of Internal Medicine. 21st ed. Example Hill; 2022.",
        Kind.BOOK,
        title="Harlow's Principles of Internal Medicine",
        year=2022,
        edition="21",
    ),
    row(
        "Screening For Gout In Older Adults. J Rheumatol. 2019;46(3):201-209.",
        Kind.JOURNAL_ARTICLE,
        title="Screening For Gout In Older Adults",
        container_title="J Rheumatol",
        year=2019,
        volume="46",
        issue="3",
        pages="201-209",
    ),
    # Group authors: alone, or after the people, as NLM writes them.
    row(
        "Fairbairn J, Ito K; Writing Group for the CALM Trial. Early mobilisation after hip fracture: a "
        "randomized clinical trial. JAMA. 2019;321(8):755-764. doi:10.1001/jama.2019.0001",
        Kind.JOURNAL_ARTICLE,
        authors=["Fairbairn J", "Ito K", "Writing Group for the CALM Trial"],
        title="Early mobilisation after hip fracture: a randomized clinical trial",
        container_title="JAMA",
        year=2019,
        volume="321",
        issue="8",
        pages="755-764",
        doi="10.1001/jama.2019.0001",
    ),
    row(
        "Osei A, Brandt P, Lund T; HEART-2 Investigators. Salt restriction in heart failure. N Engl J Med. "
        "2020 Dec 15;383(24):2333-2344. doi: 10.1056/NEJMoa2000001. PMID: 33200001.",
        Kind.JOURNAL_ARTICLE,
        authors=["Osei A", "Brandt P", "Lund T", "HEART-2 Investigators"],
        title="Salt restriction in heart failure",
        container_title="N Engl J Med",
        year=2020,
        volume="383",
        issue="24",
        pages="2333-2344",
        pmid="33200001",
    ),
    row(
        "Writing Group for the Women's Bone Study. Calcium intake and fracture risk in older women. "
        "Osteoporos Int. 2017;28(3):401-410.",
        Kind.JOURNAL_ARTICLE,
        authors=["Writing Group for the Women's Bone Study"],
        title="Calcium intake and fracture risk in older women",
        container_title="Osteoporos Int",
        year=2017,
        volume="28",
        issue="3",
        pages="401-410",
    ),
    row(
        "World Health Organization. Guidelines on physical activity and sedentary behaviour. Geneva: World "
        "Health Organization; 2020.",
        Kind.GUIDELINE,
        authors=["World Health Organization"],
        title="Guidelines on physical activity and sedentary behaviour",
        year=2020,
        place="Geneva",
        publisher="World Health Organization",
    ),
    row(
        "Example Society of Gastroenterology. Hiccups (https://www.example.org/hiccups). Accessed 10/1/2024.",
        Kind.WEB_PAGE,
        authors=["Example Society of Gastroenterology"],
        title="Hiccups",
        url="https://www.example.org/hiccups",
    ),
    row(
        "Example Health Publishing. Gout flares at night. https://www.example.org/gout. "
        "Accessed May 1, 2020.",
        Kind.WEB_PAGE,
        authors=["Example Health Publishing"],
        title="Gout flares at night",
        accessed_on=date(2020, 5, 1),
    ),
    row(
        "AskExampleExpert. Carcinoid heart disease. Example Clinic; 2019.",
        Kind.OTHER,
        authors=["AskExampleExpert"],
        title="Carcinoid heart disease",
        year=2019,
        publisher="Example Clinic",
    ),
    row(
        "HealthPoint Reference. Renal colic: first assessment. Example Medical Press; 2022.",
        Kind.OTHER,
        authors=["HealthPoint Reference"],
        title="Renal colic: first assessment",
        year=2022,
    ),
    # Names beyond ASCII.
    row(
        "Østergaard L, Çelik Ö, Núñez JM. Cerebral blood flow after stroke: a cohort study. Stroke Res. "
        "2021;12(2):201-210.",
        Kind.JOURNAL_ARTICLE,
        authors=["Østergaard L", "Çelik Ö", "Núñez JM"],
        title="Cerebral blood flow after stroke: a cohort study",
        container_title="Stroke Res",
        year=2021,
        volume="12",
        issue="2",
        pages="201-210",
    ),
    row(
        "Ødegård T, Łukasik M, Šimić I, et al. Gout flares in winter. Scand J Rheumatol. 2018;47(5):380-386.",
        Kind.JOURNAL_ARTICLE,
        authors=["Ødegård T", "Łukasik M", "Šimić I", "et al"],
        title="Gout flares in winter",
        container_title="Scand J Rheumatol",
        year=2018,
        volume="47",
        issue="5",
        pages="380-386",
    ),
    row(
        "Müller-Lüdenscheidt K, Ó Briain D, van der Berg É. Hand eczema in nurses. Contact Derm. "
        "2015;72(1):10-16.",
        Kind.JOURNAL_ARTICLE,
        authors=["Müller-Lüdenscheidt K", "Ó Briain D", "van der Berg É"],
        title="Hand eczema in nurses",
        container_title="Contact Derm",
        year=2015,
        volume="72",
        issue="1",
        pages="10-16",
    ),
    # Issue dates: month ranges, seasons, days.
    row(
        "Kowalski R, Ames P. Night-time cough in children. Pediatr Pulmonol. 2015 Jan-Feb;10(1):3-12.",
        Kind.JOURNAL_ARTICLE,
        authors=["Kowalski R", "Ames P"],
        title="Night-time cough in children",
        container_title="Pediatr Pulmonol",
        year=2015,
        volume="10",
        issue="1",
        pages="3-12",
    ),
    row(
        "Delacroix M. Sun protection habits of farm workers. J Rural Health. 2019 Spring;12(2):40-48.",
        Kind.JOURNAL_ARTICLE,
        authors=["Delacroix M"],
        title="Sun protection habits of farm workers",
        container_title="J Rural Health",
        year=2019,
        volume="12",
        issue="2",
        pages="40-48",
    ),
    row(
        "Ito H. Heat illness in marathon runners. Sports Med. 2018 Nov/Dec;6(6):77-85.",
        Kind.JOURNAL_ARTICLE,
        authors=["Ito H"],
        title="Heat illness in marathon runners",
        container_title="Sports Med",
        year=2018,
        volume="6",
        issue="6",
        pages="77-85",
    ),
    row(
        "Brennan T, et al. Frailty and falls at home. Geriatr Nurs. 2020 Dec 15;41(6):1001-1008.",
        Kind.JOURNAL_ARTICLE,
        authors=["Brennan T", "et al"],
        title="Frailty and falls at home",
        container_title="Geriatr Nurs",
        year=2020,
        volume="41",
        issue="6",
        pages="1001-1008",
    ),
    row(
        "Carvalho F. Foot care in diabetes. Am Fam Physician. 2016 Fall-Winter;33(3):12-19.",
        Kind.JOURNAL_ARTICLE,
        authors=["Carvalho F"],
        title="Foot care in diabetes",
        container_title="Am Fam Physician",
        year=2016,
        volume="33",
        issue="3",
        pages="12-19",
    ),
    # StatPearls, in NLM's form and in AMA's.
    row(
        "Tran H, Goodwin R. Gout. [Updated 2023 Jan 5]. In: StatPearls [Internet]. Treasure Island (FL): "
        "StatPearls Publishing; 2024 Jan-. Available from: https://www.ncbi.nlm.nih.gov/books/NBK500001/",
        Kind.BOOK_CHAPTER,
        authors=["Tran H", "Goodwin R"],
        title="Gout",
        container_title="StatPearls",
        year=2024,
        place="Treasure Island (FL)",
        publisher="StatPearls Publishing",
        url="https://www.ncbi.nlm.nih.gov/books/NBK500001/",
        note="Updated 2023 Jan 5",
    ),
    row(
        "Abbott K, Pereira S, Lund M. Hiccups. In: StatPearls. Treasure Island (FL): StatPearls Publishing; "
        "2022 Jan-. Updated March 3, 2023. Accessed June 1, 2023. https://www.ncbi.nlm.nih.gov/books/NBK500002/",
        Kind.BOOK_CHAPTER,
        authors=["Abbott K", "Pereira S", "Lund M"],
        title="Hiccups",
        container_title="StatPearls",
        year=2022,
        accessed_on=date(2023, 6, 1),
        note="Updated March 3, 2023",
    ),
    row(
        "Nwosu C. Croup. 2023 Jul 4. In: StatPearls [Internet]. Treasure Island (FL): StatPearls "
        "Publishing; 2024 Jan–. [cited 2024 Feb 1]. PMID: 30000003.",
        Kind.BOOK_CHAPTER,
        authors=["Nwosu C"],
        title="Croup",
        container_title="StatPearls",
        year=2024,
        pmid="30000003",
        accessed_on=date(2024, 2, 1),
        note="Updated 2023 Jul 4",
    ),
    # "U.S." starts the name of an organisation.
    row(
        "U.S. Preventive Services Task Force. Screening for vision loss in older adults: recommendation "
        "statement. JAMA. 2022;327(21):2123-2128. doi:10.1001/jama.2022.0002",
        Kind.JOURNAL_ARTICLE,
        authors=["U.S. Preventive Services Task Force"],
        title="Screening for vision loss in older adults: recommendation statement",
        container_title="JAMA",
        year=2022,
        volume="327",
        issue="21",
        pages="2123-2128",
    ),
    row(
        "U.S. Food and Drug Administration. Drug safety communication: inhaled steroids. "
        "https://www.fda.gov/drugs/example. Published May 2, 2021. Accessed June 5, 2022.",
        Kind.WEB_PAGE,
        authors=["U.S. Food and Drug Administration"],
        title="Drug safety communication: inhaled steroids",
        year=2021,
        note="Published May 2, 2021",
    ),
    row(
        "U.S. Department of Health and Human Services. Physical Activity Guidelines for Americans. 2nd ed. "
        "Washington, DC: U.S. Department of Health and Human Services; 2018.",
        Kind.GUIDELINE,
        authors=["U.S. Department of Health and Human Services"],
        title="Physical Activity Guidelines for Americans",
        year=2018,
        place="Washington, DC",
        publisher="U.S. Department of Health and Human Services",
    ),
    # The links of the site a list was copied from.
    row(
        "Haddad R, Lin Q. Iron deficiency in athletes. Br J Sports Med. 2017;51(4):210-215. "
        "[PubMed] [Google Scholar]",
        Kind.JOURNAL_ARTICLE,
        authors=["Haddad R", "Lin Q"],
        title="Iron deficiency in athletes",
        container_title="Br J Sports Med",
        year=2017,
        volume="51",
        issue="4",
        pages="210-215",
        note="",
    ),
    row(
        "Sato Y. Pollen counts and asthma visits. Clin Exp Allergy. 2020;50(2):150-159. doi: "
        "10.1111/cea.10001. [CrossRef] [PubMed] [Google Scholar]",
        Kind.JOURNAL_ARTICLE,
        authors=["Sato Y"],
        title="Pollen counts and asthma visits",
        container_title="Clin Exp Allergy",
        year=2020,
        volume="50",
        issue="2",
        pages="150-159",
        doi="10.1111/cea.10001",
        note="",
    ),
    row(
        "Quinn T, et al. Vaping and wheeze. Lancet Respir Med. 2021;9(6):e45-e46. [internet publication]",
        Kind.JOURNAL_ARTICLE,
        authors=["Quinn T", "et al"],
        title="Vaping and wheeze",
        container_title="Lancet Respir Med",
        year=2021,
        volume="9",
        issue="6",
        pages="e45-e46",
        note="",
    ),
    row(
        "Brandt L. Tremor after stroke. Eur J Neurol. 2023 Mar 4. doi: 10.1111/ene.10002. "
        "[Epub ahead of print]",
        Kind.JOURNAL_ARTICLE,
        authors=["Brandt L"],
        title="Tremor after stroke",
        container_title="Eur J Neurol",
        year=2023,
        published_online=date(2023, 3, 4),
        private_note="Epub ahead of print",
        note="",
    ),
    row(
        "Rossi G. Statins after 80. Ann Intern Med. 2019;170(3):145-152. PMID: 30600001; PMCID: PMC6500001.",
        Kind.JOURNAL_ARTICLE,
        authors=["Rossi G"],
        title="Statins after 80",
        container_title="Ann Intern Med",
        year=2019,
        volume="170",
        issue="3",
        pages="145-152",
        pmid="30600001",
        private_note="PMCID: PMC6500001",
        note="",
    ),
    row(
        "Lee J, Kim S. Thyroid nodules in young adults. Korean J Intern Med. 2018;33(1):1-10. "
        "doi:10.3904/kjim.2017.001. PMID: 29000001. Free PMC article.",
        Kind.JOURNAL_ARTICLE,
        authors=["Lee J", "Kim S"],
        title="Thyroid nodules in young adults",
        container_title="Korean J Intern Med",
        year=2018,
        volume="33",
        issue="1",
        pages="1-10",
        note="",
    ),
    # BMJ Best Practice's lists: unbracketed links, and a month for a guideline's date.
    row(
        "Example Institute for Care Excellence. Gout: diagnosis and management. Jun 2022 [internet "
        "publication]. Full text",
        Kind.OTHER,
        authors=["Example Institute for Care Excellence"],
        title="Gout: diagnosis and management",
        year=2022,
        note="Published Jun 2022",
    ),
    row(
        "Sorensen J, Lee K. Flares after surgery. Ann Rheum Dis. 2019 Jan;78(1):1-5. Full text Abstract",
        Kind.JOURNAL_ARTICLE,
        authors=["Sorensen J", "Lee K"],
        title="Flares after surgery",
        container_title="Ann Rheum Dis",
        year=2019,
        volume="78",
        issue="1",
        pages="1-5",
        note="",
    ),
    # Patient.info's further reading: "Authors; Title." and "Topic; Publisher, Month Year".
    row(
        "Ellison P, Morgan K; Clinical assessment of hand numbness. Example J Gen Pract. 2022;72(5):211-8.",
        Kind.JOURNAL_ARTICLE,
        authors=["Ellison P", "Morgan K"],
        title="Clinical assessment of hand numbness",
        container_title="Example J Gen Pract",
        year=2022,
        volume="72",
        issue="5",
        pages="211-8",
    ),
    row(
        "Carpal tunnel syndrome; NICE CKS, May 2023 (UK access only)",
        Kind.OTHER,
        title="Carpal tunnel syndrome",
        year=2023,
        publisher="NICE CKS",
        note="Published May 2023",
        private_note="UK access only",
    ),
    row(
        "Management of gout; Example Rheumatology Society (2022)",
        Kind.OTHER,
        title="Management of gout",
        year=2022,
        publisher="Example Rheumatology Society",
    ),
    # Healthdirect's sources: the organisation, then the page's title in brackets.
    row(
        "Example State Department of Health (Treating and controlling head lice) "
        "(https://www.example.gov.au/headlice). Accessed March 3, 2024.",
        Kind.WEB_PAGE,
        authors=["Example State Department of Health"],
        title="Treating and controlling head lice",
        url="https://www.example.gov.au/headlice",
        accessed_on=date(2024, 3, 3),
    ),
    # Links and DOIs as sites write them.
    row(
        "Example Kidney Foundation. Kidney stones. www.example.org/kidney-stones. Accessed March 3, 2022.",
        Kind.WEB_PAGE,
        authors=["Example Kidney Foundation"],
        title="Kidney stones",
        url="https://www.example.org/kidney-stones",
        accessed_on=date(2022, 3, 3),
    ),
    row(
        "Ahmed S. Handover errors. J Hosp Med. 2020;15(8):480-486. https://doi.org/10.12788/jhm.3400",
        Kind.JOURNAL_ARTICLE,
        authors=["Ahmed S"],
        title="Handover errors",
        container_title="J Hosp Med",
        year=2020,
        volume="15",
        issue="8",
        pages="480-486",
        doi="10.12788/jhm.3400",
        url="",
    ),
    row(
        "Fischer A. Back pain at work. Dtsch Arztebl Int. 2019;116(2):25-32. DOI: 10.3238/arztebl.2019.0025. "
        "Available at: www.example.de/article. Accessed May 1, 2020.",
        Kind.JOURNAL_ARTICLE,
        authors=["Fischer A"],
        title="Back pain at work",
        container_title="Dtsch Arztebl Int",
        year=2019,
        volume="116",
        issue="2",
        pages="25-32",
        doi="10.3238/arztebl.2019.0025",
        url="https://www.example.de/article",
    ),
    row(
        "Varga P. Rosacea triggers. Example J Dermatol. 2016;9(1):20-27. http://dx.doi.org/10.1000/ejd.2016.9",
        Kind.JOURNAL_ARTICLE,
        authors=["Varga P"],
        title="Rosacea triggers",
        container_title="Example J Dermatol",
        year=2016,
        volume="9",
        issue="1",
        pages="20-27",
        doi="10.1000/ejd.2016.9",
        url="",
    ),
    # "Place; Publisher: Month Year" imprints.
    row(
        "National Example Centre. Asthma care in schools. London; Example Health Press: March 2019.",
        Kind.BOOK,
        authors=["National Example Centre"],
        title="Asthma care in schools",
        year=2019,
        place="London",
        publisher="Example Health Press",
    ),
    row(
        "Example Guideline Group. Management of gout in primary care. Edinburgh; Example Guidelines "
        "Network: 2018.",
        Kind.GUIDELINE,
        authors=["Example Guideline Group"],
        title="Management of gout in primary care",
        year=2018,
        place="Edinburgh",
        publisher="Example Guidelines Network",
    ),
    # Article numbers and online-first dates.
    row(
        "Fernandes R, Okafor N. Sleep after surgery. BMJ Open. 2021;11:e045123. "
        "doi:10.1136/bmjopen-2020-045123",
        Kind.JOURNAL_ARTICLE,
        authors=["Fernandes R", "Okafor N"],
        title="Sleep after surgery",
        container_title="BMJ Open",
        year=2021,
        volume="11",
        elocator="e045123",
    ),
    row(
        "Lim S. Noise and blood pressure. PLoS One. 2020;15(1):e0227890.",
        Kind.JOURNAL_ARTICLE,
        authors=["Lim S"],
        title="Noise and blood pressure",
        container_title="PLoS One",
        year=2020,
        volume="15",
        issue="1",
        elocator="e0227890",
    ),
    row(
        "Greene T, et al. Zinc for colds. Cochrane Database Syst Rev. 2020;3(3):CD012345.",
        Kind.JOURNAL_ARTICLE,
        authors=["Greene T", "et al"],
        title="Zinc for colds",
        container_title="Cochrane Database Syst Rev",
        year=2020,
        volume="3",
        issue="3",
        elocator="CD012345",
    ),
    row(
        "Nakamura H, Weiss A. Loneliness in older adults. JAMA Netw Open. Published online March 3, 2021. "
        "doi:10.1001/jamanetworkopen.2021.0001",
        Kind.JOURNAL_ARTICLE,
        authors=["Nakamura H", "Weiss A"],
        title="Loneliness in older adults",
        container_title="JAMA Netw Open",
        year=2021,
        published_online=date(2021, 3, 3),
        note="",
    ),
    row(
        "Ostrowski P. Screen time and sleep. JAMA Pediatr. 2022;176(5):e220001. Published online March 3, "
        "2022.",
        Kind.JOURNAL_ARTICLE,
        authors=["Ostrowski P"],
        title="Screen time and sleep",
        container_title="JAMA Pediatr",
        year=2022,
        volume="176",
        issue="5",
        elocator="e220001",
        published_online=date(2022, 3, 3),
    ),
    row(
        "Takahashi K, Berg O. Snoring in children. J Clin Sleep Med. 2021 Mar 1;17(3):400-410. doi: "
        "10.5664/jcsm.9001. Epub 2020 Nov 5. PMID: 33100001.",
        Kind.JOURNAL_ARTICLE,
        authors=["Takahashi K", "Berg O"],
        title="Snoring in children",
        container_title="J Clin Sleep Med",
        year=2021,
        volume="17",
        issue="3",
        pages="400-410",
        published_online=date(2020, 11, 5),
        note="",
    ),
    # PubMed's remarks after a record are for editors: publication types, errata, comments.
    row(
        "Li X, Wu Y. Tai chi and balance. J Am Geriatr Soc. 2016 Feb;64(2):300-305. doi: 10.1111/jgs.10001. "
        "Erratum in: J Am Geriatr Soc. 2016;64(5):1100. PMID: 26800001.",
        Kind.JOURNAL_ARTICLE,
        authors=["Li X", "Wu Y"],
        title="Tai chi and balance",
        container_title="J Am Geriatr Soc",
        year=2016,
        volume="64",
        issue="2",
        pages="300-305",
        pmid="26800001",
        private_note="Erratum in: J Am Geriatr Soc. 2016;64(5):1100.",
        note="",
    ),
    row(
        "Roe B, Kaur P et al. Night sweats in adults. Gut. 2021;70:455-461. Review.",
        Kind.JOURNAL_ARTICLE,
        authors=["Roe B", "Kaur P", "et al"],
        title="Night sweats in adults",
        container_title="Gut",
        year=2021,
        volume="70",
        pages="455-461",
        private_note="Review",
        note="",
    ),
    row(
        "Kaur P. Anaemia in pregnancy [abstract]. BJOG. 2018;125(S2):45. [Abstract] [Google Scholar]",
        Kind.JOURNAL_ARTICLE,
        authors=["Kaur P"],
        title="Anaemia in pregnancy [abstract]",
        container_title="BJOG",
        year=2018,
        volume="125",
        issue="S2",
        pages="45",
    ),
    row(
        "Nolan P, Greer S. Asthma reviews in primary care. BMJ. 2019;364:l1234.",
        Kind.JOURNAL_ARTICLE,
        authors=["Nolan P", "Greer S"],
        title="Asthma reviews in primary care",
        container_title="BMJ",
        year=2019,
        volume="364",
        elocator="l1234",
    ),
    # Access dates as UK and data-driven sites write them.
    row(
        "Example Lung Trust. Croup. Available at: https://www.example.org/croup (accessed 15 January 2024).",
        Kind.WEB_PAGE,
        authors=["Example Lung Trust"],
        title="Croup",
        url="https://www.example.org/croup",
        accessed_on=date(2024, 1, 15),
    ),
    row(
        "Example Sleep Society. Snoring. https://www.example.org/snoring. Accessed: 2024-01-15.",
        Kind.WEB_PAGE,
        authors=["Example Sleep Society"],
        title="Snoring",
        accessed_on=date(2024, 1, 15),
        note="",
    ),
    # A title in two sentences; a journal without its full stop; a "St." in an editor's name.
    row(
        "Zhang W, Doherty M, Bardin T, et al. Evidence based recommendations for gout. Part II: "
        "Management. Ann Rheum Dis. 2006;65(10):1312-1324.",
        Kind.JOURNAL_ARTICLE,
        authors=["Zhang W", "Doherty M", "Bardin T", "et al"],
        title="Evidence based recommendations for gout. Part II: Management",
        container_title="Ann Rheum Dis",
        year=2006,
        volume="65",
        issue="10",
        pages="1312-1324",
        note="",
    ),
    row(
        "Okafor T. Gout in older men. N Engl J Med 2019;380:1-10.",
        Kind.JOURNAL_ARTICLE,
        authors=["Okafor T"],
        title="Gout in older men",
        container_title="N Engl J Med",
        year=2019,
        volume="380",
        pages="1-10",
    ),
    row(
        "Rosen P. Croup. In: Walls RM, St. Geme JW, eds. Emergency Care. 9th ed. Elsevier; 2018:100-110.",
        Kind.BOOK_CHAPTER,
        authors=["Rosen P"],
        editors=["Walls RM", "St. Geme JW"],
        title="Croup",
        container_title="Emergency Care",
        year=2018,
        pages="100-110",
    ),
    # APA's year in brackets after the authors, and WebMD's 'Publisher: "Title."' sources.
    row(
        "Okafor N. (2020). Triggers of recurrent cold sores. https://www.example.edu/triggers",
        Kind.OTHER,  # a web page without the date it was read cannot be stored as one
        authors=["Okafor N"],
        title="Triggers of recurrent cold sores",
        year=2020,
        private_note="Read as a web page with no date it was accessed: add one.",
    ),
    row(
        "Brandt K, Moreau S. (2021, March 3). Living with eczema. https://www.example.org/eczema. "
        "Accessed May 5, 2024.",
        Kind.WEB_PAGE,
        authors=["Brandt K", "Moreau S"],
        title="Living with eczema",
        year=2021,
        note="Published March 3, 2021",
    ),
    row(
        'Example Academy of Dermatology: "Cold sores," March 2023.',
        Kind.OTHER,
        title="Cold sores",
        container_title="Example Academy of Dermatology",
        year=2023,
    ),
    # Authors joined by "and"; APA's "Retrieved … from"; NLM's dates of a web page in brackets.
    row(
        "Mensah K, Lee K and Chan M. Night-time cough in adults. Thorax. 2019;74(2):101-108.",
        Kind.JOURNAL_ARTICLE,
        authors=["Mensah K", "Lee K", "Chan M"],
        title="Night-time cough in adults",
        container_title="Thorax",
        year=2019,
        volume="74",
        issue="2",
        pages="101-108",
    ),
    row(
        "Example Lung Trust. Croup. Retrieved March 3, 2020, from https://www.example.org/croup",
        Kind.WEB_PAGE,
        authors=["Example Lung Trust"],
        title="Croup",
        accessed_on=date(2020, 3, 3),
        url="https://www.example.org/croup",
    ),
    row(
        "Example Heart Foundation. Heart failure [Internet]. Sydney: Example Heart Foundation; 2020 "
        "[reviewed 2021 Jan 5; cited 2022 Mar 1]. Available from: https://www.example.org.au/hf",
        Kind.BOOK,
        authors=["Example Heart Foundation"],
        title="Heart failure",
        year=2020,
        place="Sydney",
        accessed_on=date(2022, 3, 1),
        note="Reviewed 2021 Jan 5",
    ),
    # Shapes that were read right before, kept right.
    row(
        "Dias F, Mensah K. Does early feeding shorten hospital stay? A randomized trial. J Pediatr "
        "Gastroenterol Nutr. 2019;68(2):210-216.",
        Kind.JOURNAL_ARTICLE,
        authors=["Dias F", "Mensah K"],
        title="Does early feeding shorten hospital stay? A randomized trial",
        container_title="J Pediatr Gastroenterol Nutr",
        year=2019,
        volume="68",
        issue="2",
        pages="210-216",
    ),
    row(
        "Hartley S. Clinical features and diagnosis of gout. https://www.uptodate.com/contents/search. "
        "Accessed Jan. 12, 2023.",
        Kind.DATABASE,
        authors=["Hartley S"],
        title="Clinical features and diagnosis of gout",
        accessed_on=date(2023, 1, 12),
    ),
    row(
        "Thornton G (expert opinion). Example Clinic. Dec. 1, 2020.",
        Kind.EXPERT_OPINION,
        authors=["Thornton G"],
        year=2020,
        publisher="Example Clinic",
    ),
    row(
        "Arthritis and gout. Example Institute of Joint Health. https://www.example.org/gout. "
        "Accessed Jan. 12, 2023.",
        Kind.WEB_PAGE,
        title="Arthritis and gout",
        container_title="Example Institute of Joint Health",
        accessed_on=date(2023, 1, 12),
    ),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_scraped_reference_shapes(text, expected):
    fields = parse_reference(text)
    assert {name: fields[name] for name in expected} == expected


def test_the_table_covers_fifty_different_references():
    texts = [param.values[0] for param in TABLE]
    assert len(set(texts)) == len(texts) >= 50


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_every_table_row_can_be_stored_as_read(text, expected):
    reference = Reference(key="k", **parse_reference(text))
    reference.full_clean(validate_unique=False, validate_constraints=False)


@pytest.mark.parametrize(
    ("journal", "abbreviation"),
    [
        ("N Engl J Med", "N Engl J Med"),
        ("JAMA Intern Med", "JAMA Intern Med"),
        ("Lancet", "Lancet"),
        ("Am J Obstet Gynecol", "Am J Obstet Gynecol"),
        ("MMWR Morb Mortal Wkly Rep", "MMWR Morb Mortal Wkly Rep"),
        ("The New England Journal of Medicine", ""),
        ("Journal of Clinical Oncology", ""),
        ("Clinical Infectious Diseases", ""),
    ],
)
def test_a_journal_printed_abbreviated_is_kept_as_its_abbreviation(journal, abbreviation):
    fields = parse_reference(f"Roe B. A study of things. {journal}. 2020;12(3):45-50.")
    assert fields["container_title"] == journal
    assert fields["journal_abbreviation"] == abbreviation


def test_an_abbreviation_is_only_a_journals():
    fields = parse_reference("Roe B. Gout. In: Clin Rheumatol Handbook. Example Press; 2020.")
    assert fields["kind"] == Reference.Kind.BOOK_CHAPTER
    assert fields["journal_abbreviation"] == ""


@pytest.mark.parametrize(
    "label", ["[Google Scholar]", "[PubMed]", "[CrossRef]", "[Ref list]", "[PMC free article]", "[DOI]"]
)
def test_a_copied_sites_link_labels_are_in_no_field(label):
    fields = parse_reference(f"Roe B. Night sweats. Gut. 2021;70:455-461. {label} [Google Scholar]")
    assert (fields["title"], fields["container_title"], fields["pages"]) == ("Night sweats", "Gut", "455-461")
    printed = " ".join(str(value) for name, value in fields.items() if name != "original_text")
    assert "[" not in printed and "Scholar" not in printed


def test_identifiers_are_taken_wherever_they_stand():
    fields = parse_reference(
        "Roe B, Doe J. Night sweats in adults. [PMID: 30812345] Gut. 2021;70(2):455-461. "
        "[doi: 10.1136/gutjnl-2020-321234]. PMCID: PMC7000001"
    )
    assert (fields["pmid"], fields["doi"]) == ("30812345", "10.1136/gutjnl-2020-321234")
    assert fields["title"] == "Night sweats in adults"
    assert fields["container_title"] == "Gut"
    assert fields["private_note"] == "PMCID: PMC7000001"
    assert fields["note"] == ""


def test_the_same_doi_written_twice_leaves_nothing_behind():
    fields = parse_reference(
        "Roe B. Night sweats. Gut. 2021;70:455-461. doi:10.1136/gut-1. https://doi.org/10.1136/gut-1"
    )
    assert (fields["doi"], fields["url"], fields["note"]) == ("10.1136/gut-1", "", "")


def test_a_www_link_is_stored_as_a_web_address():
    fields = parse_reference("Example Lung Trust. Croup. www.example.org/croup. Accessed March 3, 2022.")
    assert fields["url"] == "https://www.example.org/croup"
    assert fields["title"] == "Croup"


def test_an_email_address_is_no_link():
    fields = parse_reference("Roe B. Gout. Example Press; 2020. Contact help@www.example.org")
    assert fields["url"] == ""


def test_online_first_dates_are_their_own_field_not_a_note():
    fields = parse_reference(
        "Roe B. Night sweats. JAMA Netw Open. Published online Nov. 4, 2020. doi:10.1001/jno.2020.1"
    )
    assert fields["published_online"] == date(2020, 11, 4)
    assert fields["note"] == ""
    assert fields["year"] == 2020


def test_an_epub_date_does_not_replace_the_issues_year():
    fields = parse_reference("Roe B. Gout. J Things. 2021;3(1):1-5. Epub 2020 Dec 30.")
    assert (fields["year"], fields["published_online"]) == (2021, date(2020, 12, 30))


def test_an_elocator_is_not_pages_but_a_page_range_of_them_is():
    assert parse_reference("Roe B. Gout. BMJ Open. 2021;11:e045123.")["elocator"] == "e045123"
    fields = parse_reference("Roe B. Gout. Lancet. 2021;397:e45-e46.")
    assert (fields["pages"], fields["elocator"]) == ("e45-e46", "")


def test_editors_first_name_the_key_of_an_edited_book():
    fields = parse_reference("Landry MB, et al., eds. Garner's Obstetrics. 8th ed. Elsevier; 2021.")
    assert fields["authors"] == ""
    assert base_key(fields) == "landry2021"


def test_keys_of_names_beyond_ascii_keep_their_letters():
    assert base_key(parse_reference("Østergaard L. Strokes. Stroke Res. 2021;12:1-2.")) == "ostergaard2021"
    assert base_key(parse_reference("Çelik Ö. Gout. Gut. 2020;1:1-2.")) == "celik2020"
    assert base_key(parse_reference("Łukasik M. Gout. Gut. 2019;1:1-2.")) == "lukasik2019"


def test_a_group_after_the_people_is_an_author_of_its_own():
    fields = parse_reference("Doe J; Example Heart Study Investigators. Salt. Heart. 2020;1:1-2.")
    assert fields["authors"].splitlines() == ["Doe J", "Example Heart Study Investigators"]
    assert base_key(fields) == "doe2020"


def test_a_leading_us_is_part_of_the_organisations_name():
    fields = parse_reference("U.S. Preventive Services Task Force. Screening for gout. JAMA. 2020;1:1-2.")
    assert fields["authors"] == "U.S. Preventive Services Task Force"
    assert base_key(fields) == "uspreventiveservicestaskforce2020"


def test_a_title_first_is_not_taken_for_an_author():
    fields = parse_reference("Treating croup at home. Example Health Books; 2019.")
    assert (fields["authors"], fields["title"]) == ("", "Treating croup at home")
    assert base_key(fields) == "treating2019"
    # A title in Title Case before the publisher's name is a page that organisation published.
    fields = parse_reference(
        "Living With Asthma. Example Lung Association. https://www.example.org/a. Accessed May 1, 2024."
    )
    assert (fields["authors"], fields["title"]) == ("", "Living With Asthma")
    assert fields["container_title"] == "Example Lung Association"


@pytest.mark.parametrize(
    ("imprint", "place", "publisher", "year"),
    [
        ("Geneva; World Health Organization: 2018", "Geneva", "World Health Organization", 2018),
        ("London; Example Press: March 2019", "London", "Example Press", 2019),
        ("Example Press; March 2019", "", "Example Press", 2019),
        (
            "Treasure Island (FL): StatPearls Publishing; 2024 Jan-",
            "Treasure Island (FL)",
            "StatPearls Publishing",
            2024,
        ),
        ("Rockville (MD): Example Agency; 2021 Mar", "Rockville (MD)", "Example Agency", 2021),
    ],
)
def test_imprints_as_sites_write_them(imprint, place, publisher, year):
    fields = parse_reference(f"Example Lung Trust. Croup in children. {imprint}.")
    assert (fields["place"], fields["publisher"], fields["year"]) == (place, publisher, year)
    assert (fields["title"], fields["note"]) == ("Croup in children", "")


@pytest.mark.parametrize(
    ("date_text", "expected"),
    [("2014 Dec 3", date(2014, 12, 3)), ("2021 Sept 30", date(2021, 9, 30)), ("2014 Dec", None)],
)
def test_parse_date_in_medline_order(date_text, expected):
    assert parse_date(date_text) == expected


def test_a_last_update_is_noted_as_formatting_reads_it():
    fields = parse_reference(
        "Lund M. Hiccups. In: StatPearls. StatPearls Publishing; 2024 Jan-. Last Update: July 4, 2023."
    )
    assert fields["note"] == "Last updated July 4, 2023"


def test_an_online_source_without_an_access_date_is_stored_as_other_with_a_remark():
    fields = parse_reference("Hartley S. Gout. https://www.uptodate.com/contents/gout.")
    assert fields["kind"] == Reference.Kind.OTHER
    assert "no date it was accessed" in fields["private_note"]
    Reference(key="k", **fields).full_clean(validate_unique=False, validate_constraints=False)


def test_a_word_like_a_page_number_is_a_title():
    fields = parse_reference("Roe B. p53. Example Press; 2020.")
    assert (fields["title"], fields["pages"]) == ("p53", "")
    assert (
        parse_reference("Roe B. Gout. In: Lee S, ed. Joints. Example Press; 2020. pp. 4-9.")["pages"] == "4-9"
    )


def test_a_long_run_of_copied_link_labels_leaves_the_reference_whole():
    fields = parse_reference("Roe B. Gout at night. Gut. 2020;1:1-2. " + "[PubMed][Google Scholar] " * 4_000)
    assert (fields["title"], fields["container_title"], fields["pages"]) == ("Gout at night", "Gut", "1-2")
    assert (fields["note"], fields["private_note"]) == ("", "")


def test_an_organisation_then_a_title_in_brackets_needs_the_organisation_alone():
    fields = parse_reference("World Health Organization. Gout (Adults)")
    assert (fields["authors"], fields["title"]) == ("World Health Organization", "Gout (Adults)")
    fields = parse_reference("U.S. Food and Drug Administration (Gout medicines)")
    assert (fields["authors"], fields["title"]) == ("U.S. Food and Drug Administration", "Gout medicines")
