"""Condition pages in the layouts publishers use: names, headings, sub-headings and lists.

Short pages in our own words, shaped like the copies a publisher has: a new-style page with
navigation and headings straight above their text, a question-and-answer page, an encyclopedia
page with an "Also called" line, a text printed to PDF.
"""

from __future__ import annotations

import pytest

from conditions.importing import ImportProblem, parse_document

NEW_STYLE = """\
Menu
Request an appointment
Heel spurs
Symptoms & causes
Diagnosis & treatment

Overview
Heel spurs are bony growths on the underside of the heel bone. They often cause no pain at all.
Symptoms
Pain comes with the first steps of the day. Symptoms include:
Sharp pain. A stabbing feeling under the heel when standing up.
Swelling. The front of the heel can swell.
Most people notice the pain improves once they have walked for a while.
Treatment
Most people get better with rest, ice and stretching over a few months.
Medications
Pain relievers such as ibuprofen can ease the pain for a while.
Therapies
A physical therapist can teach stretches for the foot and calf.
Find a doctor who treats heel spurs
Prevention
Shoes with good arch support lower the strain on the heel.
"""

QUESTIONS = """\
What is chilblains?

Chilblains are small, itchy, red swellings on the skin that appear after cold exposure.

What are the symptoms of chilblains?

- itching and burning on the toes or fingers
- red or blue patches of skin
- swelling, which may
  blister in bad cases
Chilblains on the toes of a child

How can I prevent chilblains?

Keep your hands and feet warm and dry, and avoid heating cold skin too fast.
"""

ENCYCLOPEDIA = """\
Croup
Also called: Laryngotracheobronchitis

Croup is an infection of the upper airway that causes a barking cough in young children.

Symptoms

1. A barking cough that is worse at night
2. A hoarse voice

Treatment

Most children get better at home with fluids and rest.
"""

PDF_TEXT = """\
Eczema

Atopic eczema, also called atopic dermatitis, is a long-term condition that makes
the skin itchy, dry and cracked. It is most common in small children but can
carry on into adult life.

SYMPTOMS

The main symptoms are:
• itchy skin, which can be worse at night and keep a child awake for much of
  the evening
• dry, cracked patches on the hands, the inside of the elbows and behind the
  knees

TREATMENT

Emollients are used every day to stop the skin becoming dry, and steroid creams
can calm flare-ups.
"""

NO_NAME = """\
Feeling dizzy when you stand up quickly can happen to anyone now and then.


Symptoms of it include:

  • Light-headedness
  • Blurred vision


Treatment usually means drinking more fluids and standing up slowly.
"""


def sections(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.heading) for s in parse_document(text, source="page.txt").data.sections]


def test_a_new_style_page_is_named_from_its_title_line_after_navigation():
    data = parse_document(NEW_STYLE, source="page.txt").data
    assert data.name == "Heel spurs"
    assert [(s.kind, s.heading) for s in data.sections] == [
        ("overview", ""),
        ("symptoms", ""),
        ("treatment", ""),
        ("prevention", ""),
    ]
    assert data.summary.startswith("Heel spurs are bony growths")


def test_headings_straight_above_text_and_sub_headings_inside_a_section():
    treatment = parse_document(NEW_STYLE, source="page.txt").data.sections[2].body
    assert "\n\n# Medications\n\nPain relievers" in treatment
    assert "\n\n# Therapies\n\nA physical therapist" in treatment
    assert "Find a doctor" not in treatment.split("# ")[-1].split("\n")[0]


def test_lines_after_a_lead_in_become_items_with_bold_leads():
    symptoms = parse_document(NEW_STYLE, source="page.txt").data.sections[1].body
    assert "- **Sharp pain.** A stabbing feeling" in symptoms
    assert "- **Swelling.** The front of the heel can swell." in symptoms
    assert symptoms.endswith("\n\nMost people notice the pain improves once they have walked for a while.")


def test_a_question_title_and_question_headings():
    data = parse_document(QUESTIONS, source="page.txt").data
    assert data.name == "Chilblains"
    assert [(s.kind, s.heading) for s in data.sections] == [
        ("overview", ""),
        ("symptoms", "What are the symptoms of chilblains?"),
        ("prevention", "How can I prevent chilblains?"),
    ]


def test_a_caption_after_a_list_is_not_an_item_and_a_wrapped_item_is_one():
    symptoms = parse_document(QUESTIONS, source="page.txt").data.sections[1].body
    assert "- swelling, which may blister in bad cases" in symptoms
    assert symptoms.count("\n- ") == 2
    assert symptoms.endswith("\n\nChilblains on the toes of a child")


def test_an_also_called_line_and_a_numbered_list():
    data = parse_document(ENCYCLOPEDIA, source="page.txt").data
    assert (data.name, data.also_called) == ("Croup", ["Laryngotracheobronchitis"])
    assert [s.kind for s in data.sections] == ["overview", "symptoms", "treatment"]
    assert data.sections[1].body == "1. A barking cough that is worse at night\n2. A hoarse voice"


def test_a_pdf_copy_with_wrapped_lines_capital_headings_and_bullets():
    data = parse_document(PDF_TEXT, source="page.txt").data
    assert (data.name, data.also_called) == ("Eczema", ["atopic dermatitis"])
    assert [(s.kind, s.heading) for s in data.sections] == [
        ("overview", ""),
        ("symptoms", ""),
        ("treatment", ""),
    ]
    assert data.sections[0].body.startswith("Atopic eczema, also called atopic dermatitis, is a long-term")
    assert "the skin itchy, dry and cracked. It is most common" in data.sections[0].body
    symptoms = data.sections[1].body
    assert (
        "- itchy skin, which can be worse at night and keep a child awake for much of the evening" in symptoms
    )
    assert "- dry, cracked patches on the hands, the inside of the elbows and behind the knees" in symptoms


def test_a_page_without_a_name_is_refused_saying_so_and_title_lets_it_import():
    with pytest.raises(ImportProblem) as caught:
        parse_document(NO_NAME, source="dizzy.txt")
    message = str(caught.value)
    assert "dizzy.txt: cannot tell the condition's name" in message
    assert "--title" in message
    data = parse_document(NO_NAME, source="dizzy.txt", title="Postural hypotension").data
    assert data.name == "Postural hypotension"
    assert [s.kind for s in data.sections] == ["overview", "symptoms", "treatment"]


def test_title_lets_a_page_with_little_evidence_import_with_a_low_confidence_warning():
    # No heading names a medical topic, no references, no date: alone it is refused as prose.
    page = (
        "Keeping active at work\n\n"
        "Standing up every half hour and walking to the far printer are small habits worth keeping.\n\n"
        "Lunch away from the desk, even a short one, breaks up the longest stretch of sitting.\n"
    )
    with pytest.raises(ImportProblem) as caught:
        parse_document(page, source="active.txt")
    assert "not a format import_condition understands" in str(caught.value)
    document = parse_document(page, source="active.txt", title="Sedentary behaviour")
    assert document.data.name == "Sedentary behaviour"
    assert "walking to the far printer" in document.data.sections[0].body
    (low,) = [w for w in document.warnings if w.startswith("low confidence")]
    assert "--title" in low and "no section on symptoms, causes" in low


def test_a_named_dated_page_with_no_medical_section_imports_with_a_low_confidence_warning():
    page = (
        "Jet lag\n\n"
        "Jet lag is the tired, out-of-step feeling after flying across several time zones.\n\n"
        "Travellers often find the first night the hardest, and eastward trips the worst.\n\n"
        "Last updated: May 3, 2025\n"
    )
    document = parse_document(page, source="jetlag.txt")
    assert document.data.name == "Jet lag"
    assert [w for w in document.warnings if w.startswith("low confidence")] == [
        "low confidence: no section is about symptoms, causes, diagnosis, treatment or the like; "
        "check that this is a condition page and that its sections were found"
    ]
    # A page with sections on medical topics carries no such warning.
    assert not [w for w in parse_document(PDF_TEXT, source="page.txt").warnings if "low confidence" in w]


def test_an_alternative_names_heading_gives_other_names_and_is_no_section():
    page = (
        "Croup is an infection of the upper airway that causes a barking cough in young children.\n\n"
        "Symptoms\n\nThe cough is worse at night, and many children also have a hoarse voice.\n\n"
        "Alternative Names\n\nLaryngotracheobronchitis; viral croup\n\nReview Date 3/26/2024\n"
    )
    data = parse_document(page, source="page.txt").data
    assert data.also_called == ["Laryngotracheobronchitis", "viral croup"]
    assert "Alternative" not in "".join(s.heading + s.body for s in data.sections)
