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
    assert "Edited by Brown T, Green K" in fields["note"]


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
