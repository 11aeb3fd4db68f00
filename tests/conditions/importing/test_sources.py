from __future__ import annotations

import pytest

from conditions.content import SectionData
from conditions.importing.sources import cite_markers, is_heading, placeholder, take_reference_list, with_keys
from references.parsing import parse_reference


def cite(*numbers: int) -> str:
    return "[" + "; ".join(f"@{placeholder(n)}" for n in numbers) + "]"


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("Gout is more common in older adults.4 It runs in families.", f"older adults.{cite(4)} It runs"),
        ("Drinking water lowers the risk.1,2 Coffee may too.", f"risk.{cite(1, 2)} Coffee"),
        ("Drinking water lowers the risk.1, 2", f"risk.{cite(1, 2)}"),
        ("Some drugs raise the risk.3-5", f"risk.{cite(3, 4, 5)}"),
        ("Some drugs raise the risk.3–5 Others do not.", f"risk.{cite(3, 4, 5)} Others"),
        ("It can affect the fingers and digits2, 3 as well.", f"digits{cite(2, 3)} as well"),
        ("Flares often follow a heavy meal,2 alcohol or fasting.", f"meal,{cite(2)} alcohol"),
        ("(This is rare.)1 Most attacks end in days.", f"(This is rare.){cite(1)} Most"),
        ("Doctors call it “the disease of kings.”2", f"kings.”{cite(2)}"),
    ],
)
def test_glued_markers_become_citations_of_the_numbered_references(text, cited):
    assert cited in cite_markers(text, 5)


@pytest.mark.parametrize(
    "text",
    [
        "Gout affects 1 in 5 adults over 65.",
        "It is linked with type 2 diabetes and kidney disease.",
        "A reading of 120 mm Hg or less is normal.",
        "After COVID-19, some people have joint pain.",
        "Take 3.5 mg twice a day, or 1,000 mg once.",
        "Vitamin B12 and HbA1c are measured in the same blood test.",
        "Mutations in BRCA1 and HER2 are tested.",
        "The study ran from 2019 to 2021.",
        "See Fig.2 for the joints of the foot.",
        "Stage 2. The joint swells.",
        "Results are at www.example.org/page2 today.",
    ],
)
def test_numbers_of_the_text_are_never_read_as_markers(text):
    assert cite_markers(text, 5) == text
    assert cite_markers(text, 0) == text


def test_a_marker_after_a_sentence_without_such_a_reference_is_removed():
    text = "Gout is more common in older adults.7 It runs in families.9"
    assert cite_markers(text, 5) == "Gout is more common in older adults. It runs in families."
    assert cite_markers(text, 0) == "Gout is more common in older adults. It runs in families."


def test_plain_text_loses_its_markers():
    assert (
        cite_markers("Common in older adults.4 It runs.", 5, markdown=False)
        == "Common in older adults. It runs."
    )


def test_markers_in_a_long_text_are_found_in_linear_time():
    text = "a" * 500_000 + "1" * 3 + ".4" * 100_000
    assert len(cite_markers(text, 3)) > 0


def test_placeholders_take_the_stored_keys():
    sections = [
        SectionData(kind="overview", body=f"Common.{cite(1, 2)} Rare.{cite(9)}"),
        SectionData("causes", "x"),
    ]
    keyed = with_keys(sections, ["feldman2021", "lee2020"])
    assert keyed[0].body == f"Common.[@feldman2021; @lee2020] Rare.{cite(9)}"
    assert keyed[1] is sections[1]
    assert sections[0].body.startswith(f"Common.{cite(1, 2)}")  # the document keeps its own


@pytest.mark.parametrize(
    "line",
    ["References", "References:", "Sources", "Bibliography", "Show references", "SOURCES", "Works cited"],
)
def test_reference_headings(line):
    assert is_heading(line)


@pytest.mark.parametrize("line", ["Sources of vitamin D", "References to gout in old texts are common."])
def test_lines_that_merely_start_like_a_heading_are_not_one(line):
    assert not is_heading(line)


PAGE_END = """\
Gout can be prevented by drinking enough water.
References
1. Okoye T, Brandt L. Uric acid and the
   joints: a review. J Joint Stud. 2019;3(2):1-5.

2. Example Arthritis Society. Living with gout. https://www.example.org/gout.
Accessed March 3, 2022.
3 Marsh P. Diet and flares. Example Press; 2020.

Request an appointment
© 2024 Example Health Foundation
"""


def test_a_numbered_list_under_its_heading_is_taken_with_wrapped_entries_joined():
    lines = PAGE_END.splitlines()
    found = take_reference_list(lines, chrome=lambda line: line.startswith(("©", "Request")))
    assert found.numbered
    assert found.entries == [
        "Okoye T, Brandt L. Uric acid and the joints: a review. J Joint Stud. 2019;3(2):1-5.",
        "Example Arthritis Society. Living with gout. https://www.example.org/gout. Accessed March 3, 2022.",
        "Marsh P. Diet and flares. Example Press; 2020.",
    ]
    assert 0 not in found.lines and 1 in found.lines
    assert lines.index("Request an appointment") not in found.lines
    parsed = parse_reference(found.entries[0])
    assert (parsed["volume"], parsed["issue"], parsed["pages"]) == ("3", "2", "1-5")


def test_bracketed_numbers_and_a_blank_line_after_the_heading():
    lines = [
        "Sources",
        "",
        "[1] Okoye T. Gout. J Joint Stud. 2019;3:1-5.",
        "[2] Marsh P. Diet. Example Press; 2020.",
    ]
    found = take_reference_list(lines)
    assert found.numbered and len(found.entries) == 2
    assert found.entries[1] == "Marsh P. Diet. Example Press; 2020."


def test_an_unnumbered_list_is_split_where_entries_end():
    text = (
        "Bibliography\n"
        "Okoye T, Brandt L. Uric acid and the\n"
        "joints. J Joint Stud. 2019;3(2):1-5.\n"
        "National Joint Institute. Gout. https://www.example.org/gout.\n"
        "Accessed March 3, 2022.\n"
        "Marsh P. Diet and flares. Example Press; 2020.\n"
    )
    found = take_reference_list(text.splitlines())
    assert not found.numbered
    assert [entry[:12] for entry in found.entries] == ["Okoye T, Bra", "National Joi", "Marsh P. Die"]
    assert found.entries[1].endswith("Accessed March 3, 2022.")


def test_a_bulleted_list_gives_one_entry_per_item_even_when_an_item_ends_without_a_stop():
    text = (
        "Sources\n"
        "• Example Skin Society. Eczema basics (https://www.example.org/eczema). Accessed 2/4/2024\n"
        "• Okoye T, Brandt L. Emollients in children. Example J Dermatol. 2022;8(1):4-9.\n"
        "- Example Allergy Network. Living with eczema (https://www.example.org/living)\n"
    )
    found = take_reference_list(text.splitlines())
    assert [entry[:12] for entry in found.entries] == ["Example Skin", "Okoye T, Bra", "Example Alle"]
    assert found.entries[0].endswith("Accessed 2/4/2024")


def test_a_heading_with_nothing_like_references_under_it_is_not_a_list():
    assert take_reference_list(["Sources", "", "Most gout is caused by diet and genes."]) is None


def test_a_list_of_numbers_before_the_sentence_end_cites_listed_references():
    text = "Eczema is common in adults who are older 1, 2. It runs in families 2, 4."
    cited = f"Eczema is common in adults who are older{cite(1, 2)}. It runs in families{cite(2, 4)}."
    assert cite_markers(text, 4) == cited


@pytest.mark.parametrize(
    "text",
    ["Most cases are stages 1, 2.", "Take it on days 1, 2.", "Scores fell from 1, 2.", "It is older 1, 9."],
)
def test_counted_numbers_before_the_sentence_end_are_the_texts_own(text):
    assert cite_markers(text, 4) == text


def test_a_note_on_how_sources_are_chosen_between_heading_and_list_is_passed_over():
    lines = [
        "How we reviewed this article:",
        "",
        "Our site has strict sourcing guidelines and relies on peer-reviewed studies.",
        "",
        "1. Okafor N. (2020). Triggers of recurrent cold sores. https://www.example.edu/triggers",
        "2. Herpes simplex virus. (2022). https://www.example.int/hsv",
    ]
    found = take_reference_list(lines, chrome=lambda line: "sourcing guidelines" in line)
    assert [entry[:9] for entry in found.entries] == ["Okafor N.", "Herpes si"]
    assert found.lines == {0, 4, 5}
