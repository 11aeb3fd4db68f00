"""The medical facts a page states (conditions/facts.py): only list items a section introduces as
its kind, read from the rendered section as the reader and the reviewer see it."""

from __future__ import annotations

import pytest

from conditions.facts import MAX_ITEMS, facts, introduces, item_name, page_facts, section_lists
from medsite.markdown import render
from tests.factories import make_condition, publish

NAMES = ("Gout", "Gouty arthritis")


def _lists(kind: str, markdown: str, heading: str = "") -> list[tuple[str, tuple[str, ...], bool]]:
    found = section_lists(kind, str(render(markdown)), NAMES, heading)
    return [(listed.lead_in, listed.items, listed.read) for listed in found]


def test_a_list_under_a_lead_in_naming_its_kind_is_read_and_one_introducing_something_else_is_not():
    markdown = (
        "Gout happens when uric acid forms crystals in a joint.\n\n"
        "Causes include:\n\n- Kidneys that clear too little uric acid\n- Some water tablets\n\n"
        "Flares can be set off by:\n\n- Drinking alcohol\n- A knock to the joint\n"
    )
    assert _lists("causes", markdown, "Causes") == [
        ("Causes include:", ("Kidneys that clear too little uric acid", "Some water tablets"), True),
        ("Flares can be set off by:", ("Drinking alcohol", "A knock to the joint"), False),
    ]


def test_a_list_opening_the_section_is_introduced_by_its_heading():
    assert _lists("symptoms", "- Fever\n- Headache", "Symptoms") == [("", ("Fever", "Headache"), True)]
    assert _lists("symptoms", "- Fever", "Signs and symptoms of gout") == [("", ("Fever",), True)]
    # A section of kind "causes" headed as something else does not say its list is of causes.
    assert _lists("causes", "- Alcohol\n- Dehydration", "Flare triggers") == [
        ("", ("Alcohol", "Dehydration"), False)
    ]


@pytest.mark.parametrize(
    ("kind", "lead_in"),
    [
        ("symptoms", "Symptoms include:"),
        ("symptoms", "The most common symptoms of gout are:"),
        ("symptoms", "Gouty arthritis can cause:"),
        ("symptoms", "You may also notice:"),
        ("symptoms", "What are the symptoms of gout?"),
        ("symptoms", "Symptoms of a flare include:"),
        ("causes", "Causes include:"),
        ("causes", "Gout is usually caused by:"),
        ("causes", "It is caused by:"),
        ("causes", "What causes gout?"),
        ("risk_factors", "Risk factors include:"),
        ("risk_factors", "You're more likely to get gout if you:"),
        ("risk_factors", "Your risk is higher if you:"),
        ("treatment", "Treatment options include:"),
        ("treatment", "Gout is treated with:"),
        ("treatment", "Your doctor may prescribe:"),
        ("treatment", "Treatment for an attack includes:"),
        ("complications", "Possible complications include:"),
        ("complications", "Untreated gout can lead to:"),
        ("complications", "Over time, gout can cause:"),
        ("complications", "If left untreated, gouty arthritis may lead to:"),
        ("diagnosis", "Tests may include:"),
        ("diagnosis", "Your GP may arrange some tests:"),
    ],
)
def test_lead_ins_that_name_their_kind(kind, lead_in):
    assert introduces(kind, lead_in, NAMES)


@pytest.mark.parametrize(
    ("kind", "lead_in"),
    [
        ("causes", "Flares can be set off by:"),
        ("causes", "Things that cause a flare include:"),
        ("causes", "Causes of a flare include:"),
        ("causes", "Flares are caused by:"),
        ("complications", "Over time, flares can lead to:"),
        ("treatment", "Treatment aims to:"),
        ("symptoms", "Signs of an infection in the joint include:"),
        ("treatment", "Medicines that can bring on gout include:"),
        ("risk_factors", "You're more likely to get a flare if you:"),
        ("symptoms", "See a doctor urgently if you have:"),
        ("symptoms", "Symptoms usually settle within a week."),  # not a lead-in: no colon
        ("complications", "Symptoms include:"),  # another kind's lead-in
        ("overview", "Symptoms include:"),  # a kind the structured data states nothing of
    ],
)
def test_lead_ins_that_introduce_something_else(kind, lead_in):
    assert not introduces(kind, lead_in, NAMES)


def test_a_sub_heading_is_the_lead_in_of_the_list_under_it():
    markdown = (
        "### Common symptoms\n\n- Fever\n\n"
        "### Symptoms in children\n\n- Crying\n\n"
        "### Warning signs of a flare\n\n- Tingling\n"
    )
    assert _lists("symptoms", markdown) == [
        ("Common symptoms", ("Fever",), True),
        ("Symptoms in children", ("Crying",), True),
        ("Warning signs of a flare", ("Tingling",), False),
    ]
    assert _lists("causes", "### Triggers\n\n- Alcohol") == [("Triggers", ("Alcohol",), False)]


def test_the_lead_in_is_the_last_sentence_before_the_list_even_after_another_list():
    markdown = (
        "Symptoms include:\n\n- Fever\n\n"
        "Some people also get other things. See a GP if you have:\n\n1. Chest pain\n"
    )
    assert _lists("symptoms", markdown) == [
        ("Symptoms include:", ("Fever",), True),
        ("See a GP if you have:", ("Chest pain",), False),
    ]


def test_an_item_is_named_by_its_first_sentence_without_citations_and_nested_lists_stay_inside():
    markdown = (
        "Symptoms include:\n\n"
        "- **Skin flushing.** Hot face and neck.\n"
        "- Diarrhoea [@nobody2020]\n"
        "- Pain in joints:\n    - big toe\n    - ankle\n"
    )
    assert _lists("symptoms", markdown) == [
        ("Symptoms include:", ("Skin flushing", "Diarrhoea", "Pain in joints"), True)
    ]


def test_item_names_are_squeezed_and_bounded():
    assert item_name("  Swelling   and\nredness. Over the joint.") == "Swelling and redness"
    assert (
        item_name("Painkillers ease mild pain; a doctor can prescribe others") == "Painkillers ease mild pain"
    )
    assert item_name("Vitamin B12 (1.5 mg a day)") == "Vitamin B12 (1.5 mg a day)"
    long = "A rash of red patches, " + "then blisters along a band of skin, " * 5
    assert item_name(long) == (  # cut at a word
        "A rash of red patches, then blisters along a band of skin, then blisters along a band of skin, "
        "then blisters along a"
    )
    assert len(item_name("x" * 500)) == 120


def test_a_section_without_a_list_states_nothing_and_no_kind_is_invented():
    found = facts([("causes", "Causes", str(render("Uric acid forms crystals in a joint.")))], NAMES)
    assert [(f.kind, f.items, f.left_out) for f in found] == [("causes", (), ())]
    assert facts([("overview", "Overview", str(render("- Fever")))], NAMES) == []


def test_facts_of_one_kind_gather_across_its_sections_without_repeats_and_are_bounded():
    many = "\n".join(f"- Symptom {n}" for n in range(30))
    found = facts(
        [
            ("symptoms", "Symptoms", str(render("- Fever\n- Rash"))),
            ("symptoms", "Symptoms in children", str(render("- Rash\n- Crying"))),
            ("symptoms", "More symptoms", str(render(many))),
        ],
        NAMES,
    )
    (symptoms,) = found
    assert symptoms.property == "signOrSymptom" and symptoms.item_type == "MedicalSignOrSymptom"
    assert symptoms.items[:4] == ("Fever", "Rash", "Crying", "Symptom 0")
    assert len(symptoms.items) == MAX_ITEMS


@pytest.mark.django_db
def test_a_published_page_states_what_its_approved_sections_list(editor, reviewer):
    condition = make_condition(
        editor,
        name="Gout",
        sections=[
            ("overview", "A kind of arthritis."),
            ("causes", "Causes include:\n\n- Too much uric acid\n\nFlares can be set off by:\n\n- Alcohol"),
            ("complications", "- Joint damage"),
        ],
    )
    publication = publish(condition, editor=editor, reviewer=reviewer)
    found = {f.property: f for f in page_facts(publication.page)}
    assert found["cause"].items == ("Too much uric acid",)
    assert [listed.items for listed in found["cause"].left_out] == [("Alcohol",)]
    assert found["possibleComplication"].items == ("Joint damage",)
    assert found["possibleComplication"].item_type is None
