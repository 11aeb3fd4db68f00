from __future__ import annotations

import pytest

from conditions.importing.damage import cut_off, mend_glued_text, refuse_merged_columns, stopped_paragraphs
from medsite.textfiles import ImportProblem


def numbered(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), start=1))


def test_headings_run_into_their_text_are_split_off_and_named():
    text = "OverviewGout is a type of arthritis.\n\nSymptomsThe main symptom is a hot, swollen joint."
    lines, warnings = mend_glued_text(numbered(text), "gout.txt")
    assert [line for _, line in lines if line] == [
        "Overview",
        "Gout is a type of arthritis.",
        "Symptoms",
        "The main symptom is a hot, swollen joint.",
    ]
    assert len(warnings) == 1
    assert "line 1, 3" in warnings[0] and "OverviewGout" in warnings[0]


def test_words_that_only_look_glued_are_left_alone():
    text = "AskExpertHealth. Living with Diabetes Type 2 is easier with a plan. Symptoms include pain."
    lines, warnings = mend_glued_text(numbered(text), "x.txt")
    assert [line for _, line in lines] == [text]
    assert warnings == []


def test_a_flattened_crawl_on_one_line_is_refused_saying_why():
    crawl = (
        "GoutOverviewGout is a type of arthritis. " + "It affects the joints. " * 200 + "SymptomsThe pain."
    )
    with pytest.raises(
        ImportProblem, match=r"flattened .* no paragraph breaks .* headings run into the text"
    ):
        mend_glued_text(numbered(crawl), "crawl.txt")


def test_two_columns_side_by_side_are_refused_naming_the_lines():
    text = "\n".join(
        [
            "Gout",
            "Gout is a common type of         Treatment eases the pain of an",
            "arthritis that causes sudden     attack and lowers the chance of",
            "attacks of pain in a joint.      the next one.",
            "It often starts in the big       Medicines that lower uric acid",
        ]
    )
    with pytest.raises(ImportProblem, match=r"lines 2–5 hold two columns side by side"):
        refuse_merged_columns(numbered(text), "two-columns.txt")


def test_a_table_or_indented_list_is_not_two_columns():
    text = "Drug      Dose\nAllopurinol   100 mg\n  • Fever and chills.\n  • A red, hot joint."
    refuse_merged_columns(numbered(text), "table.txt")


@pytest.mark.parametrize(
    ("last", "why"),
    [
        ("The joint usually settles within a week, but a second attack can come", "middle of a sentence"),
        ("Most people who have one attack have another within two years, and the", "middle of a sentence"),
        ("Read more at https://www.exa", "inside a link"),
        ("4. Okoye T. Gout. https://www.example.org/health-informat-", "inside a link"),
    ],
)
def test_a_text_cut_off_at_its_end_is_named(last, why):
    assert why in cut_off(["Gout is a type of arthritis.", "", last])


@pytest.mark.parametrize(
    "last",
    [
        "The joint usually settles within a week.",
        "  • Swelling and redness",
        "Advertisement",
        "Okoye T. Gout. https://www.example.org/gout",
        "The most common signs and symptoms include",
        "Jul 07, 2022",
        # A reference list's last entry ends in its identifier: AMA puts no stop after a DOI.
        "3. Achebe N. Gout flares. Example J Rheumatol. 2021;12(3):45-51. doi:10.1234/ejr.2021.0045",
        "Achebe N. Gout flares. Example J Rheumatol. 2021;12(3):45-51. PMID: 31234567",
    ],
)
def test_a_complete_end_is_not_cut_off(last):
    assert cut_off(["Gout is a type of arthritis.", last]) is None


def test_a_reference_ending_in_a_bare_link_is_cut_when_the_others_end_with_stops():
    assert "inside a link" in cut_off(
        ["Okoye T. Gout. https://www.example.org/gout"], entries_end_with_stops=True
    )


def test_a_long_paragraph_stopping_mid_sentence_inside_the_page_is_found():
    paragraphs = [
        (
            1,
            "Gout is a type of arthritis that causes sudden attacks of pain and swelling in the knee and the",
        ),
        (3, "Symptoms"),
        (5, "The most common signs and symptoms of gout that people notice first include"),
        (7, "It ends here."),
    ]
    assert stopped_paragraphs(paragraphs) == [1]


def test_a_link_at_the_end_of_a_sentence_is_whole():
    assert cut_off(["Okoye T. Gout. https://www.example.org/gout."], entries_end_with_stops=True) is None
    assert cut_off(["See https://www.example.nhs.uk/gout/"]) is None
