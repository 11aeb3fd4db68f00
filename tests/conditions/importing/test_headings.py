"""Headings by their shape, and the section kind a heading or a run of text is about."""

from __future__ import annotations

import pytest

from conditions.importing.headings import (
    classify,
    heading_kind,
    heading_kind_naming,
    heading_shape,
    heading_text,
)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Symptoms", "symptoms"),
        ("Symptoms of gout", "symptoms"),
        ("Gout symptoms", "symptoms"),
        ("What are the symptoms of gout?", "symptoms"),
        ("What causes gallstones?", "causes"),
        ("How is tonsillitis diagnosed?", "diagnosis"),
        ("Exams and Tests", "diagnosis"),
        ("How do doctors treat gastroparesis?", "treatment"),
        ("Treatment for shingles", "treatment"),
        ("Can tonsillitis be prevented?", "prevention"),
        ("Preventing gout", "prevention"),
        ("Who is more likely to develop gallstones?", "risk_factors"),
        ("Risk factors for frostbite", "risk_factors"),
        ("Lifestyle and home remedies", "living_with"),
        ("Living with asthma", "living_with"),
        ("When to Contact a Medical Professional", "when_to_see_a_doctor"),
        ("When should I see my healthcare provider?", "when_to_see_a_doctor"),
        ("What is gout?", "overview"),
        ("How common are gallstones?", "overview"),
        ("Check if you have chilblains", "symptoms"),
        ("Chilblains vaccine", "prevention"),
        ("Find a doctor who treats gout", None),
        ("Gout in the big toe", None),
        ("Request an appointment", None),
    ],
)
def test_a_heading_announces_a_kind_only_by_its_head_words(line, kind):
    assert heading_kind(line) == kind


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Symptoms", True),
        ("Factors that make it more likely that a child gets croup", True),
        ("What are the symptoms of croup in babies and young children?", True),
        ("Symptoms of frostbite include:", False),
        ("The pain is worse in the morning.", False),
        ("pain in the heel", False),
        ("Share: Facebook | X | Email", False),
    ],
)
def test_a_heading_is_short_capitalised_and_without_a_full_stop(line, heading):
    assert heading_shape(line) is heading


def test_a_heading_in_capitals_is_shown_in_sentence_case():
    assert heading_text("SYMPTOMS AND CAUSES") == "Symptoms and causes"
    assert heading_text("Symptoms of GERD") == "Symptoms of GERD"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Doctors diagnose it with a physical exam and sometimes blood tests.", "diagnosis"),
        ("Treatment usually involves rest, ice and stretching.", "treatment"),
        ("You can prevent it by wearing shoes with good support.", "prevention"),
        ("Being overweight increases your risk of developing it.", "risk_factors"),
        ("Talking to others in a support group can help you cope with it.", "living_with"),
        ("Ask for an urgent GP appointment if the rash spreads to your eyes.", "when_to_see_a_doctor"),
        ("Book a doctor's appointment if the spots become painful.", "when_to_see_a_doctor"),
    ],
)
def test_text_without_a_heading_is_classified_by_what_it_says(text, kind):
    assert classify([text]) == kind


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Speak to a pharmacist if", "when_to_see_a_doctor"),
        ("Call 999 if", "when_to_see_a_doctor"),
        ("How threadworms spread", "causes"),
        ("Frequently asked questions", "other"),
        ("Clinical trials for gallstones", "other"),
        ("A note from Example Clinic", "other"),
    ],
)
def test_more_headings_name_their_kind(line, kind):
    assert heading_kind(line) == kind


def test_a_long_name_does_not_hide_the_topic_word_after_it():
    assert heading_kind("Carpal tunnel syndrome treatment") is None  # the topic word comes too late
    assert heading_kind_naming("Carpal tunnel syndrome treatment", "carpal tunnel syndrome") == "treatment"
    assert (
        heading_kind_naming("How is carpal tunnel syndrome diagnosed?", "Carpal tunnel syndrome")
        == "diagnosis"
    )


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Where to get help", "when_to_see_a_doctor"),
        ("Who gets frozen shoulder", "risk_factors"),
        ("Is strep throat contagious?", "causes"),
        ("How can parents help?", "living_with"),
        ("How should I look after my ankle?", "living_with"),
        ("Questions to ask your doctor", "other"),
    ],
)
def test_headings_of_more_publishers_name_their_kind(line, kind):
    assert heading_kind(line) == kind
