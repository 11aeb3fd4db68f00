"""List markers, bare items after a lead-in, lead phrases and the Markdown of a list."""

from __future__ import annotations

import pytest

from conditions.importing.lists import Item, List, bare_item, is_lead_in, list_markdown, marker


@pytest.mark.parametrize(
    ("line", "ordered", "text"),
    [
        ("• Heel pain", False, "Heel pain"),
        ("  - Heel pain", False, "Heel pain"),
        ("* Heel pain", False, "Heel pain"),
        ("– Heel pain", False, "Heel pain"),
        ("\uf0b7 Heel pain", False, "Heel pain"),
        ("1. Rest the foot", True, "Rest the foot"),
        ("2) Rest the foot", True, "Rest the foot"),
    ],
)
def test_every_common_marker_starts_an_item(line, ordered, text):
    found = marker(line)
    assert found is not None
    assert (found.ordered, found.text) == (ordered, text)


@pytest.mark.parametrize("line", ["-5 degrees is cold.", "2024. A year of change", "Heel pain"])
def test_a_line_without_a_marker_and_a_space_is_no_item(line):
    assert marker(line) is None


@pytest.mark.parametrize(
    ("line", "lead_in"),
    [
        ("Symptoms include:", True),
        ("Common symptoms include", True),
        ("Things that can trigger it, such as", True),
        ("The main symptoms of asthma are", True),
        ("The pain is worse in the morning.", False),
    ],
)
def test_a_lead_in_announces_a_list(line, lead_in):
    assert is_lead_in(line) is lead_in


@pytest.mark.parametrize(
    ("line", "item"),
    [
        ("Heel pain", True),
        ("Age. It is most common between the ages of 40 and 60.", True),
        ("Pain: sharp, in the heel", True),
        ("a swollen joint;", True),
        ("people over age 40", True),
        ("Non-bullous impetigo, the most common type, with sores around the nose and mouth", True),
        ("Can it be cured?", False),
        (
            "Most people get better within a few weeks without any treatment, and the pain fades slowly.",
            False,
        ),
    ],
)
def test_a_line_after_a_lead_in_is_an_item_when_it_reads_as_one(line, item):
    assert bare_item(line) is item


def test_leads_are_bold_and_continuations_stay_inside_their_item():
    items = List([Item("Pain: sharp, in the heel", ["Worse in the morning."]), Item("Stiffness")])
    assert list_markdown(items) == (
        "- **Pain:** sharp, in the heel\n\n    Worse in the morning.\n\n- Stiffness"
    )


def test_a_numbered_list_keeps_its_numbers():
    assert list_markdown(List([Item("Rest"), Item("Ice")], ordered=True)) == "1. Rest\n2. Ice"


def test_a_long_fragment_going_on_in_lower_case_is_an_item_not_a_sentence():
    assert bare_item(
        "wash their hands and scrub under their nails often, especially before eating and after the toilet"
    )
    assert not bare_item(
        "Wash your hands and scrub under your nails often, especially before eating and after the toilet."
    )
