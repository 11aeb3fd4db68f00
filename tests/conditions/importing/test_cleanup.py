from __future__ import annotations

from datetime import date

import pytest

from conditions.importing.cleanup import clean_page
from medsite.textfiles import ImportProblem

# A page printed to PDF and turned back into text, in the layout of an old clinic library page:
# a header and footer on each printed page, a page break inside a sentence, a reference list
# under its heading, and the site's buttons around the text.
PRINTED = """\
3/26/24, 2:14 PM    Hiccups - Symptoms and causes - Example Clinic
Request an appointment

Hiccups

Overview

Hiccups are sudden, repeated tightenings of the diaphragm that you cannot control. Most bouts
last a few minutes and need no treatment.1

https://www.example.org/conditions/hiccups/symptoms-causes    1/2

3/26/24, 2:14 PM    Hiccups - Symptoms and causes - Example Clinic
A bout that goes on for more than two days may be a sign of a problem with the nerves that
run to the diaphragm.2

By Example Clinic Staff
Last updated: March 26, 2016
References
1. Ortega L. Hiccups in adults. J Breath Stud. 2015;4(1):10-14.
2. Example Society. Persistent hiccups. https://www.example.org/hiccups.
   Accessed March 3, 2016.

Give today
https://www.example.org/conditions/hiccups/symptoms-causes    2/2
"""


def test_a_printed_page_loses_its_furniture_and_chrome_and_keeps_its_sentences_whole():
    page = clean_page(PRINTED, source="hiccups.txt")
    assert page.updated_on == date(2016, 3, 26)
    assert page.numbered_references
    assert len(page.references) == 2
    assert page.references[1].endswith("Accessed March 3, 2016.")
    assert "nerves that\nrun" in page.text
    assert "no treatment.1\nA bout" not in page.text  # the page break is a paragraph break
    assert "Hiccups are sudden" in page.text and "A bout that goes on" in page.text
    for chrome in ("Request an appointment", "Example Clinic Staff", "Give today", "1/2", "2:14 PM"):
        assert chrome not in page.text
    dropped = dict(page.dropped)
    assert dropped[1].startswith("3/26/24")
    assert dropped[2] == "Request an appointment"
    assert dropped[17] == "By Example Clinic Staff"
    assert page.warnings == []


def test_a_date_line_between_paragraphs_leaves_one_paragraph_break():
    page = clean_page("Gout is a type of arthritis.\n\nJul 07, 2022\n\nIt affects joints.", source="x")
    assert page.text == "Gout is a type of arthritis.\n\nIt affects joints."


def test_the_lines_are_numbered_as_in_the_file():
    page = clean_page("Advertisement\nGout is a type of arthritis.", source="x", first_line=3)
    assert page.dropped == [(3, "Advertisement")]


def test_a_page_cut_off_inside_its_last_sentence_is_named_even_with_a_final_line_break():
    page = clean_page(
        "Gout is a type of arthritis.\n\nMost attacks settle in a week, but a second one can\n", source="x"
    )
    assert any("cut off" in warning and "middle of a sentence" in warning for warning in page.warnings)


def test_a_reference_list_cut_inside_a_link_is_named():
    text = (
        "Gout is a type of arthritis.\n\nReferences\n"
        "1. Ortega L. Gout. J Joint Stud. 2015;4(1):10-14.\n"
        "2. Example Society. Gout. https://www.example.org/health-informat"
    )
    page = clean_page(text, source="x")
    assert len(page.references) == 2
    assert any("inside a link" in warning for warning in page.warnings)


def test_two_columns_are_refused():
    columns = "\n".join(
        f"Line {n} of the left column of text     and line {n} of the right column" for n in range(6)
    )
    with pytest.raises(ImportProblem, match="two columns"):
        clean_page(columns, source="x.txt")


def test_a_megabyte_of_text_is_cleaned_in_linear_time():
    text = "".join(f"Gout is a type of arthritis {n}.1 It affects joints.\n\n" for n in range(20_000))
    assert clean_page(text, source="x").text
