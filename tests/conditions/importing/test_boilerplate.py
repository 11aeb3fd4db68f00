from __future__ import annotations

import pytest

from conditions.importing.boilerplate import chrome_line, find_chrome, line_key, repeated_lines


@pytest.mark.parametrize(
    "line",
    [
        "Skip to content",
        "Request an appointment",
        "Print",
        "Advertisement",
        "By Example Clinic Staff",
        "CLICK TO ENLARGE",
        "Products & Services",
        "Doctors & departments",
        "Show references",
        "Featured",
        "Share this page",
        "Our editorial policy",
        "Was this page helpful?",
        "Sign up for our free health newsletter",
        "Give today",
        "Home › Health A to Z › Gout",
        "About us | Contact | Privacy",
        "Updated by: David Lee, MD, Internal Medicine, Example Hospital.",
        "Example Clinic is a non-profit academic medical center. Advertising here supports our mission.",
        "https://www.example.org/newsletter",
        "Learn more",
        "Schedule an appointment",
        "Schedule an appointment with a Primary Care Provider",
        "Care at Example Clinic",
        "Medically Reviewed",
        "Learn more about our Health Library and our editorial process.",
        "Questions  Topics  Experts  Log in  Sign up",  # a Q&A site's menu, links set apart by spaces
        "▲ 42 votes · 13 answers · Share · Report",
        "Asked by reader_72 · 3 years ago",
        "Rate this page",
    ],
)
def test_site_chrome_lines(line):
    assert chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Symptoms",
        "When to see a doctor",
        "Fever",
        "Make an appointment with your doctor if you have pain that does not go away.",
        "Schedule regular checkups",
        "Join a support group",
        "Share your worries with someone you trust.",
        "Blood pressure > 140 mm Hg",
        "Cookies, cakes and sweets",
        "Gout",
        "Print your medication list and bring it to each visit.",
        "• Severe joint pain. The big toe is the usual site.",
        "Care at home",
        "Fever · chills · aches",
        "Take 1 tablet  twice  a day",
    ],
)
def test_content_lines_are_not_chrome(line):
    assert not chrome_line(line)


def test_a_line_in_most_files_of_one_import_is_chrome_but_headings_and_list_items_are_not():
    shared = "Example Health Library\nSymptoms\nWhen to see a doctor\n  • Fever\nSigns include:\n"
    texts = [shared + f"Page {n} has its own text about condition {n}.\n" for n in range(4)]
    repeated = repeated_lines(texts)
    assert repeated == {line_key("Example Health Library")}
    assert repeated_lines(texts[:2]) == set()  # two files cannot tell


def test_chrome_is_dropped_anywhere_in_the_page_with_its_block():
    lines = """\
Skip to content
Care at Example Clinic
Health Library
Request appointment
Log in

Gout

Overview

Gout is a common type of arthritis.

Gout in the big toe
CLICK TO ENLARGE

Products & Services

  • A Book: Arthritis Care at Home
  • Newsletter: Joint Health Today


Symptoms

Gout attacks come on quickly.
  • Severe joint pain.
  • Swelling and redness.


Fuel new research into arthritis!

Your gift helps fund the science behind every page.""".splitlines()
    dropped = {lines[index] for index in find_chrome(lines)}
    assert dropped == {
        "Skip to content",
        "Care at Example Clinic",
        "Health Library",
        "Request appointment",
        "Log in",
        "Gout in the big toe",
        "CLICK TO ENLARGE",
        "Products & Services",
        "  • A Book: Arthritis Care at Home",
        "  • Newsletter: Joint Health Today",
        "Fuel new research into arthritis!",
        "Your gift helps fund the science behind every page.",
    }


def test_a_line_repeated_three_times_in_one_file_is_a_print_header():
    header = "Gout - Symptoms and causes - Example Clinic"
    lines = [header, "Gout is a type of arthritis.", "", header, "It affects joints.", "", header, "End."]
    assert {lines[index] for index in find_chrome(lines)} == {header}


def test_repeated_lines_of_a_batch_are_dropped():
    lines = ["Example Health Library", "", "Gout is a type of arthritis."]
    assert find_chrome(lines, repeated={line_key("Example Health Library")}) == {0}


def test_a_sentence_many_pages_share_is_not_dropped_for_its_repetition_alone():
    shared = "Call an ambulance if the person cannot be woken or is breathing very slowly."
    texts = [f"Page {n}\n{shared}\nPart of the Example first aid series\n" for n in range(4)]
    assert repeated_lines(texts) == {line_key("Part of the Example first aid series")}


def test_a_survey_box_goes_with_the_question_it_asks_the_visitor():
    lines = [
        "Page last reviewed: 2 March 2025",
        "",
        "Help us improve our website",
        "Could you spare a minute to tell us about your visit today?",
        "Take our survey",
        "Is this page useful?",
        "Yes",
        "No",
        "",
        "Can shingles come back?",
        "Yes, though most people have it only once.",
    ]
    assert find_chrome(lines) == {2, 3, 4, 5, 6, 7}


def test_a_row_of_article_tools_a_document_id_and_article_links_are_chrome():
    tools = "Email this article   Print this article   Bookmark this article"
    for line in (tools, "DS00516", "Article links"):
        assert chrome_line(line), line
    assert not chrome_line("COVID-19")


def test_find_a_specialist_learn_more_links_and_an_agency_source_line_are_chrome():
    for line in (
        "Find a Dermatologist Make an Appointment",
        "Learn more here about the development and quality assurance of our content.",
        "Source: National Center for Example Diseases (NCED), Division of Viral Diseases",
    ):
        assert chrome_line(line), line
    for line in (
        "Find a quiet place to rest until the dizziness passes.",
        "Source: Okoye T. Norovirus in care homes. Example J Infect. 2021;4(2):1-9.",
    ):
        assert not chrome_line(line), line


def test_a_resources_heading_takes_its_list_of_links():
    lines = ["Resources", "- Preventing norovirus", "- Norovirus outbreaks", "", "Wash your hands often."]
    assert find_chrome(lines) == {0, 1, 2}


def test_a_source_label_with_its_agency_on_the_next_line_is_chrome():
    lines = [
        "Wash hands after using the toilet.",
        "",
        "Source:",
        "Example Health Board",
        "",
        "Sources:",
        "Okoye T. Worms. 2021.",
    ]
    assert find_chrome(lines) == {2, 3}


def test_article_credits_series_links_and_symptom_checker_boxes_are_chrome():
    lines = [
        "Peer reviewed by Dr Jane Example, MRCGP",
        "Meets Example's editorial guidelines",
        "",
        "In this series: Wrist exercises   Release surgery",
        "",
        "Continue reading below",
        "",
        "A splint worn at night keeps the wrist straight and eases the pressure on the nerve.",
        "",
        "Authored by:",
        "Dr Anna Example, MRCGP",
        "",
        "Feeling unwell?",
        "Assess your symptoms online for free",
        "Start symptom checker",
    ]
    assert find_chrome(lines) == {0, 1, 3, 5, 9, 10, 12, 13, 14}


def test_end_matter_headings_take_their_block_and_comments_run_to_the_end():
    lines = [
        "Most varicose veins need no treatment.",
        "",
        "",
        "Next steps",
        "",
        "Tips to help you get the most from a visit to your provider:",
        "- Write down your questions before the visit.",
        "",
        "",
        "Other answers (2)",
        "",
        "sam_k wrote on 3 May 2012:",
        "Mine went away by itself after a few months.",
    ]
    assert find_chrome(lines) == {3, 5, 6, 9, 11, 12}


@pytest.mark.parametrize(
    "line",
    [
        "Tags: leg discomfort, sleep problems",
        "Author: Emergency Department Physiotherapy Team",
        "Was this answer helpful? Yes (12) | No (0)",
        "Image: © Example Images / A Photographer",
        "Free Healthbeat Signup",
        "Note: All information is for educational purposes only. Ask your doctor about your child.",
    ],
)
def test_labels_credits_and_notices_of_a_site_are_chrome(line):
    assert chrome_line(line)
