"""A page's lines: soft wraps joined, then headings, sub-headings, lists and paragraphs."""

from __future__ import annotations

from conditions.importing.lists import List
from conditions.importing.structure import (
    SubHeading,
    build_parts,
    logical_lines,
    page_lines,
    table_of_contents,
)


def parts_of(text: str, *, blocks: bool = True):
    """The parts of ``text``, each paragraph a block of its own or (``blocks=False``) one run."""
    paragraphs = [(para.split("\n"), blocks) for para in text.split("\n\n")]
    return build_parts(page_lines(paragraphs))


def test_lines_wrapped_at_a_width_are_joined_and_a_broken_word_mended():
    lines = [
        "Asthma is a long-term condition in which the airways of the lungs become",
        "inflamed and narrow, making it hard to breathe at times, and it can start in",
        "adult life as well as in child-",
        "hood.",
    ]
    assert logical_lines(lines) == [(0, " ".join(lines[:3])[:-1] + "hood.")]


def test_a_heading_directly_above_text_stays_a_line_of_its_own():
    lines = ["Symptoms", "Heel pain is the main symptom, and it is worst with the first steps of the day."]
    assert [text for _, text in logical_lines(lines)] == lines


def test_a_wrapped_item_line_belongs_to_its_item_but_a_caption_after_it_does_not():
    lines = [
        "• a tight chest, which may feel like a band",
        "  around it",
        "• coughing",
        "Wheezing in a child",
    ]
    assert [text for _, text in logical_lines(lines)] == [
        "• a tight chest, which may feel like a band around it",
        "• coughing",
        "Wheezing in a child",
    ]


def test_short_lines_after_a_lead_in_are_items_and_a_sentence_ends_the_list():
    (part,) = parts_of(
        "Heel pain is common in runners.\nSymptoms include:\nPain under the heel\nStiffness after rest\n"
        "Most people get better within a few months with rest, stretching and better shoes."
    )
    listed = part.units[2]
    assert isinstance(listed, List)
    assert [item.text for item in listed.items] == ["Pain under the heel", "Stiffness after rest"]
    assert part.units[3].startswith("Most people get better")


def test_lines_of_a_like_length_after_a_lead_in_are_items_not_a_wrapped_sentence():
    items = [
        "women, especially during pregnancy or when taking hormone medicines",
        "people over age 40",
        "people who lose weight very quickly",
    ]
    lines = ["Some groups of people are more likely than others to develop gallstones:", *items]
    assert [text for _, text in logical_lines(lines)] == lines
    # The lead-in in a paragraph of its own, ending in "include" rather than ":".
    assert [text for _, text in logical_lines(items, after_lead_in=True)] == items
    (part,) = parts_of("Symptoms often follow a meal. They may include\n\n" + "\n".join(items), blocks=False)
    assert [item.text for item in part.units[1].items] == items


def test_a_line_broken_mid_sentence_after_a_lead_in_is_joined():
    lines = ["Symptoms include:", "itching of the skin that gets worse at night and", "spreads to the arms"]
    assert [text for _, text in logical_lines(lines)] == [lines[0], " ".join(lines[1:])]


def test_a_blank_line_ends_a_list_of_bare_lines():
    (part,) = parts_of(
        "Blisters burst and leave crusts. The main types are\n\nNon-bullous impetigo, around the nose\n"
        "Bullous impetigo, with larger blisters\n\nImpetigo on the chin of a child",
        blocks=False,
    )
    listed = part.units[1]
    assert isinstance(listed, List) and len(listed.items) == 2
    assert part.units[2] == "Impetigo on the chin of a child"


def test_a_heading_of_the_same_kind_inside_a_section_is_a_sub_heading():
    text = (
        "Treatment\nMost people get better with simple measures such as rest and ice.\n"
        "Medications\nPain relievers such as ibuprofen can ease the pain for a while.\n"
        "Surgical procedures\nSurgery helps a few people when nothing else has.\n"
        "Prevention\nShoes with good support lower the strain on the foot."
    )
    treatment, prevention = parts_of(text)
    assert (treatment.kind, treatment.heading, prevention.kind) == ("treatment", "Treatment", "prevention")
    subheadings = [unit.text for unit in treatment.units if isinstance(unit, SubHeading)]
    assert subheadings == ["Medications", "Surgical procedures"]


def test_a_group_heading_gives_way_to_the_question_under_it():
    text = (
        "Symptoms and Causes\nWhat are the symptoms of hiccups?\n"
        "A hiccup is a sudden jerk of the diaphragm.\n"
        "What causes hiccups?\nEating too fast or swallowing air can set them off."
    )
    symptoms, causes = parts_of(text)
    assert (symptoms.kind, symptoms.heading) == ("symptoms", "What are the symptoms of hiccups?")
    assert (causes.kind, causes.heading) == ("causes", "What causes hiccups?")


def test_a_question_after_a_question_of_the_same_kind_starts_a_section():
    text = (
        "What are gallstones?\nGallstones are hard lumps that form in the gallbladder.\n"
        "How common are gallstones?\nGallstones are common, and most cause no symptoms.\n"
        "Treatment\nMost people need no treatment.\nHow long does recovery take?\nA week or two."
    )
    overview, common, treatment = parts_of(text, blocks=False)
    assert (overview.heading, common.heading) == ("What are gallstones?", "How common are gallstones?")
    assert [unit.text for unit in treatment.units if isinstance(unit, SubHeading)] == [
        "How long does recovery take?"
    ]


def test_a_heading_after_a_sub_heading_is_its_sibling_whatever_its_text_mentions():
    text = (
        "Treatment\nThe goals are to control the heart rhythm and prevent clots.\n"
        "Medications\nMedicines can slow the heartbeat.\n"
        "Cardioversion\nIf symptoms are bothersome, a quick shock can reset the rhythm.\n"
        "Living with it\nRegular check-ups keep treatment on track."
    )
    treatment, living = parts_of(text, blocks=False)
    assert [unit.text for unit in treatment.units if isinstance(unit, SubHeading)] == [
        "Medications",
        "Cardioversion",
    ]
    assert living.kind == "living_with"


def test_a_line_after_a_list_straight_above_a_paragraph_is_a_sub_heading():
    text = (
        "Causes\nMost hiccups have a simple cause.\n* Eating too fast\n* Swallowing air\n"
        "Long-lasting hiccups\nHiccups that do not stop can be a sign of a problem with the nerves "
        "that control the diaphragm.\n"
        "Treatment\nMost hiccups stop on their own."
    )
    causes, _ = parts_of(text, blocks=False)
    assert [unit.text for unit in causes.units if isinstance(unit, SubHeading)] == ["Long-lasting hiccups"]


def test_a_call_to_action_or_a_caption_is_not_a_heading():
    text = (
        "Symptoms\nThe big toe swells and turns red overnight.\nGout in the big toe\n"
        "Causes\nUric acid crystals form in the joint.\nFind a doctor who treats gout\n"
        "Risk factors\nEating a lot of red meat raises the level of uric acid."
    )
    parts = parts_of(text)
    assert [(part.kind, part.heading) for part in parts] == [
        ("symptoms", "Symptoms"),
        ("causes", "Causes"),
        ("risk_factors", "Risk factors"),
    ]


def test_a_table_of_contents_says_which_headings_open_sections():
    top = page_lines(
        [(["Bunions", "Advertisement"], True), (["On this page", "Overview", "Treatment", "Outlook"], True)]
    )
    rest = page_lines(
        [
            (["Overview", "A bunion is a bony bump at the base of the big toe joint."], True),
            (["Treatment", "Wider shoes and padding ease the rubbing for most people."], True),
            (["Footwear", "Shoes with a deep, wide toe box take the pressure off the joint."], False),
            (["Surgery", "An operation can realign the bone when pain limits walking."], False),
            (["Outlook", "Most people manage well without an operation."], True),
        ]
    )
    contents, taken = table_of_contents(top, rest)
    assert contents == {"overview", "treatment", "outlook"}
    assert taken == {2, 3, 4, 5}
    overview, treatment, outlook = build_parts(rest, contents=contents)
    # "Surgery" names a kind of its own, but the contents do not list it: a sub-heading.
    assert [unit.text for unit in treatment.units if isinstance(unit, SubHeading)] == ["Footwear", "Surgery"]
    assert (overview.kind, treatment.kind, outlook.kind) == ("overview", "treatment", "living_with")


def test_questions_under_a_common_questions_heading_are_its_sub_headings():
    text = (
        "Treatment\nRest and fluids help most people recover within a week.\n\n"
        "Frequently asked questions\nCan adults get it?\nYes, though it is milder in adults.\n"
        "What causes a relapse?\nA relapse is rare and usually follows a second infection."
    )
    treatment, questions = parts_of(text)
    assert treatment.kind == "treatment"
    assert (questions.kind, questions.heading) == ("other", "Frequently asked questions")
    subheadings = [unit.text for unit in questions.units if isinstance(unit, SubHeading)]
    assert subheadings == ["Can adults get it?", "What causes a relapse?"]


def test_headings_a_page_marks_up_are_headings_whatever_their_shape():
    # After a list, a short line is taken for a caption; the markup says it is a heading.
    lines = page_lines(
        [
            (["Looking after yourself"], True),
            (["Some things ease the itching."], False),
            (["Do"], False),
            (["- take cool baths"], False),
            (["Don't"], False),
            (["- do not scratch the spots"], False),
            (["A pharmacist can help"], True),
            (["Ask about creams that calm the itch."], False),
        ]
    )
    levels = {"looking after yourself": 2, "do": 3, "don't": 3, "a pharmacist can help": 2}
    care, pharmacist = build_parts(lines, levels=levels)
    assert [unit.text for unit in care.units if isinstance(unit, SubHeading)] == ["Do", "Don't"]
    assert pharmacist.heading == "A pharmacist can help"


def test_a_heading_naming_the_condition_opens_a_section_on_a_page_without_markup():
    text = (
        "Symptoms of hay fever\nSneezing, a runny nose and itchy eyes are the usual signs in spring.\n\n"
        "How to treat hay fever yourself\nKeep windows shut and shower after being outside on dry days.\n\n"
        "A pharmacist can help with hay fever\nAntihistamine tablets and nasal sprays from a pharmacy "
        "are the usual treatment."
    )
    paragraphs = [(para.split("\n"), False) for para in text.split("\n\n")]
    parts = build_parts(page_lines(paragraphs), name="hay fever")
    assert [part.heading for part in parts] == [
        "Symptoms of hay fever",
        "How to treat hay fever yourself",
        "A pharmacist can help with hay fever",
    ]
    # Without the name, the same heading is a sub-heading of the treatment it is about.
    assert len(build_parts(page_lines(paragraphs))) == 2


def test_an_advice_box_in_a_block_of_its_own_is_a_when_to_see_a_doctor_section():
    paragraphs = [
        (
            ["Treating it yourself", "Soften the wax with two drops of olive oil a day for a week or so."],
            True,
        ),
        (["Non-urgent advice: See a pharmacist or GP if:"], True),
        (["- drops have not helped after 5 days", "- you also have discharge from the ear"], False),
    ]
    treating, advice = build_parts(page_lines(paragraphs))
    assert treating.kind == "treatment"
    assert (advice.kind, len(advice.units[-1].items)) == ("when_to_see_a_doctor", 2)


def test_a_deeper_marked_up_heading_is_part_of_its_section_unless_it_says_when_to_get_help():
    paragraphs = [
        (["Treating cellulitis"], True),
        (["Most people need a course of antibiotic tablets for a week."], False),
        (["Self-care"], False),
        (["Rest and raise the affected leg on a pillow when you can."], False),
        (["When to see a doctor"], False),
        (["See a GP if the redness spreads after two days of tablets."], False),
    ]
    levels = {"treating cellulitis": 2, "self-care": 3, "when to see a doctor": 3}
    treating, advice = build_parts(page_lines(paragraphs), levels=levels)
    assert [unit.text for unit in treating.units if isinstance(unit, SubHeading)] == ["Self-care"]
    assert advice.kind == "when_to_see_a_doctor"
