"""A page's name and other names: title lines, question titles and naming sentences."""

from __future__ import annotations

import pytest

from conditions.importing.names import find_names, infer_name, names_in_sentence, names_line


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Gallstones are hard, pebble-like pieces of material that form in the gallbladder.", "Gallstones"),
        ("Plantar fasciitis is one of the most common causes of heel pain.", "Plantar fasciitis"),
        ("Hay fever, also called allergic rhinitis, is an allergic reaction to pollen.", "Hay fever"),
        ("Irritable bowel syndrome (IBS) is a common problem of the gut.", "Irritable bowel syndrome"),
        ("Tinnitus means hearing a sound that has no source outside the ear.", "Tinnitus"),
        ("Most people are better within a week.", None),
        ("Treatment is usually with cream.", None),
        ("Symptoms are often mild.", None),
        ("The harbour was quiet that morning.", None),
    ],
)
def test_a_naming_sentence_of_any_common_shape_gives_the_name(sentence, name):
    assert infer_name(sentence) == name


@pytest.mark.parametrize(
    ("sentence", "others"),
    [
        (
            "Hay fever, also called allergic rhinitis, is an allergic reaction to pollen.",
            ["allergic rhinitis"],
        ),
        ("Irritable bowel syndrome (IBS) is a common problem of the gut.", ["IBS"]),
        ("Gout (gouty arthritis) is a form of arthritis.", ["gouty arthritis"]),
        ("Plantar fasciitis (PLAN-tur fas-e-I-tis) is a cause of heel pain.", []),
        (
            "Glandular fever is an infection, also known as mono or kissing disease, caught from saliva.",
            ["mono", "kissing disease"],
        ),
    ],
)
def test_other_names_come_from_the_naming_sentence_but_not_a_pronunciation(sentence, others):
    assert names_in_sentence(sentence) == others


def test_an_also_called_line_lists_other_names():
    assert names_line("Also called: Gouty arthritis, Podagra") == ["Gouty arthritis", "Podagra"]
    assert names_line("Gout is painful.") == []


def test_the_title_line_after_navigation_and_calls_to_action_is_the_name():
    top = ["Menu", "Request an appointment", "Print", "Heel spurs"]
    opening = ["A bony growth on the underside of the heel bone can form where heel spurs start."]
    text = "\n".join([*top, *opening, "Heel spurs often cause no pain."])
    names = find_names(top, opening, text)
    assert (names.name, names.title_line) == ("Heel spurs", 3)


def test_a_title_in_title_case_takes_the_texts_own_capitals():
    opening = ["Plantar fasciitis is one of the most common causes of heel pain."]
    names = find_names(["Plantar Fasciitis"], opening, "Plantar Fasciitis\n" + opening[0])
    assert names.name == "Plantar fasciitis"


def test_a_navigation_line_the_text_never_mentions_is_not_the_name():
    top = ["Health Library", "Symptoms & causes"]
    opening = ["Chilblains are small, itchy swellings on the skin that happen after cold."]
    names = find_names(top, opening, "\n".join([*top, *opening]))
    assert (names.name, names.title_line) == ("Chilblains", None)


def test_a_question_title_gives_the_name():
    opening = ["It is inflammation of the thick band of tissue under the foot."]
    text = "What is plantar fasciitis?\n" + opening[0] + "\nPlantar fasciitis hurts most in the morning."
    assert find_names(["What is plantar fasciitis?"], opening, text).name == "Plantar fasciitis"


def test_a_short_answer_before_the_naming_sentence_is_passed_over():
    opening = ["Often, yes. Tinnitus is the sensation of ringing in the ears when there is no sound."]
    names = find_names(["Can tinnitus go away on its own?"], opening, opening[0])
    assert names.name == "Tinnitus"


def test_a_site_name_before_the_title_is_not_the_name():
    top = ["Example Health", "Croup", "URL of this page: https://example.org/croup"]
    opening = ["Croup is an infection of the upper airway that causes a barking cough."]
    text = "\n".join([*top, *opening, "Croup is most common in autumn.", "Example Health"])
    assert find_names(top, opening, text).name == "Croup"


def test_a_sentence_after_the_naming_one_may_give_another_name():
    opening = [
        "Gastroparesis is a disorder in which the stomach empties too slowly. "
        "It is also called delayed gastric emptying."
    ]
    names = find_names([], opening, opening[0])
    assert (names.name, names.also_called) == ("Gastroparesis", ["delayed gastric emptying"])


def test_a_sentence_that_merely_mentions_being_called_gives_no_name():
    opening = ["Gout is a kind of arthritis. It is called a flare when the pain comes back."]
    assert find_names([], opening, opening[0]).also_called == []


def test_another_name_in_brackets_under_the_title_line():
    names = find_names(
        ["Hypothyroidism", "(Underactive Thyroid)"],
        ["Hypothyroidism is a condition in which the thyroid gland makes too little hormone."],
        "Hypothyroidism is a condition in which the thyroid gland makes too little hormone.",
    )
    assert names.name == "Hypothyroidism"
    assert [name.casefold() for name in names.also_called] == ["underactive thyroid"]


def test_two_names_for_one_thing_in_the_opening():
    text = (
        "What you describe sounds like a ganglion cyst, also called a ganglion. A ganglion is a harmless "
        "swelling that grows out of a joint."
    )
    names = find_names(["Lump on my wrist - what is it??"], [text], text)
    assert (names.name, names.also_called) == ("Ganglion cyst", ["ganglion"])
    text = (
        "Lifting your arm gets harder. You may have frozen shoulder, known to doctors as adhesive capsulitis."
    )
    names = find_names(
        ["Pain", "Pain", "Frozen shoulder: When stiffness sets in"], [text], text + " Frozen shoulder pain."
    )
    assert (names.name, names.also_called) == ("Frozen shoulder", ["adhesive capsulitis"])


def test_a_bracket_in_the_title_line_is_another_name():
    text = "Hives is a raised, itchy rash that usually clears within a few days."
    names = find_names(["Hives (urticaria)"], [text], text)
    assert (names.name, names.also_called) == ("Hives", ["urticaria"])
