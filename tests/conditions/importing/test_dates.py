from __future__ import annotations

from datetime import date

import pytest

from conditions.importing.dates import is_date_line, is_print_furniture, page_date


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("Jul 07, 2022", date(2022, 7, 7)),  # old Mayo Clinic layout, alone above the references
        ("March 26, 2016", date(2016, 3, 26)),
        ("Aug. 17, 2016", date(2016, 8, 17)),
        ("Sept. 3, 2020", date(2020, 9, 3)),
        ("2026-05-08", date(2026, 5, 8)),
        ("12 March 2024", date(2024, 3, 12)),
        ("Last updated: March 3, 2025", date(2025, 3, 3)),
        ("Last updated: 05/08/2026", date(2026, 5, 8)),  # a US site: month first
        ("Page last reviewed: 12 March 2024 Next review due: 12 March 2027", date(2024, 3, 12)),  # NHS
        ("Review Date 3/26/2024", date(2024, 3, 26)),  # MedlinePlus
        ("Last Reviewed May 2023", date(2023, 5, 1)),  # NIDDK: month and year only
        ("Last reviewed on 11/02/2023.", date(2023, 11, 2)),  # Cleveland Clinic
        ("Date last reviewed: 14/02/2024", date(2024, 2, 14)),  # day first: 14 is no month
        ("May 3, 2024Print", date(2024, 5, 3)),  # the link after the date glued on by the copy
        ("Jul 07, 2022 Share", date(2022, 7, 7)),
        ("Published: Jan 2, 2020 | Updated: Feb 3, 2021", date(2021, 2, 3)),
        ("Medically reviewed by Jane Roe, MD — Updated on Aug. 17, 2016", date(2016, 8, 17)),
    ],
)
def test_a_date_line_in_every_common_form_gives_the_page_date(line, day):
    found = page_date(line)
    assert found is not None
    assert found.day == day


@pytest.mark.parametrize(
    "line",
    [
        "05/08/2026",  # numbers alone could be anything: only a label makes them a date
        "In March 2020, the first trial of the drug began.",
        "Gout affects 1 in 5 adults over 65.",
        "Updated by: David Lee, MD",
        "Last updated: someday",
        "May 2023",
        "Keep the room at 20 degrees 24 hours a day.",
        "Feb 30, 2024",
    ],
)
def test_numbers_and_dates_inside_sentences_are_not_the_page_date(line):
    assert page_date(line) is None


def test_a_label_says_how_surely_a_date_is_the_pages_own():
    assert page_date("Last updated: March 3, 2025").rank > page_date("March 3, 2025").rank
    assert page_date("March 3, 2025").rank > page_date("Published: March 3, 2025").rank


def test_the_next_review_date_is_a_date_line_but_not_the_pages_date():
    assert page_date("Next review due: 12 March 2027") is None
    assert is_date_line("Next review due: 12 March 2027")


@pytest.mark.parametrize(
    "line",
    [
        "Page 2 of 5",
        "3/26/24, 2:14 PM    Gout - Symptoms and causes - Example Clinic",
        "https://www.example.org/conditions/gout/symptoms-causes    2/5",
        "Example Health Library | Printed 4/2/2024 10:05 AM | Page 3 of 7",
    ],
)
def test_print_headers_and_footers_are_furniture(line):
    assert is_print_furniture(line)
    assert page_date(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Gout affects 2 of 5 adults in some families.",
        "Take 1 tablet at 8:00 AM and 1 at 8:00 PM.",
        "Jul 07, 2022",
        "Severe pain",
    ],
)
def test_text_with_numbers_is_not_furniture(line):
    assert not is_print_furniture(line)


def test_a_long_line_of_digits_is_read_in_linear_time():
    line = "1/" * 200_000 + " Page 1 of"
    assert page_date(line) is None
    assert not is_print_furniture(line)


def test_a_dates_label_alone_on_its_line_goes_with_the_date_under_it():
    assert is_date_line("Last updated:") and is_date_line("Next review due:")
    assert page_date("Last updated:") is None
    assert not is_date_line("Updates to the vaccine schedule:")


def test_a_reviewed_or_revised_label_dates_the_page():
    assert page_date("Reviewed/Revised Apr 2024").day == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("5 June 2024 | Fact sheet", date(2024, 6, 5)),
        ("Date of publication: June 2023", date(2023, 6, 1)),
        ("Answered 15 March 2012", date(2012, 3, 15)),
    ],
)
def test_more_ways_a_page_gives_its_date(line, day):
    assert page_date(line).day == day


def test_a_question_line_with_its_date_is_not_the_page_date():
    assert page_date("Asked by sarah_k82 | 14 March 2012 | 3 answers | 1,204 views") is None
