"""medsite/contentchecks/checks.py: the checks of one text and of a page."""

from __future__ import annotations

import pytest

from medsite.contentchecks.checks import (
    LONG_SENTENCE_WORDS,
    Checks,
    PageText,
    check_html,
    check_page,
    check_sentences,
    reading_grade,
)
from medsite.contentchecks.terms import Matcher, Term
from medsite.contentchecks.text import sentences
from medsite.markdown import RenderTooSlow, render

MATCHER = Matcher(
    [Term("hypertension", ("high blood pressure",), "Say it the first time."), Term("renal", ("kidney",))]
)

SIMPLE = (
    "Gout is a kind of joint pain. It often starts in the big toe. The toe gets red, hot and sore. "
    "A flare can last a week or two. Rest the joint and keep it cool. Drink lots of water. "
    "See a GP if it keeps coming back."
)
DENSE = (
    "Hyperuricaemia, characterised by persistently elevated serum urate concentrations, predisposes "
    "susceptible individuals to monosodium urate crystallisation within articular structures, "
    "precipitating intermittent inflammatory arthropathy. Pharmacological urate-lowering therapy "
    "necessitates individualised titration, considering comorbidities, concomitant medications and "
    "renal function."
)


def checked(markdown: str) -> Checks:
    return check_html(render(markdown), MATCHER)


def long_sentence(words: int) -> str:
    return "Word " + " ".join(["word"] * (words - 2)) + " end."


def test_words_are_counted_on_the_rendered_text():
    # 6 words a reader sees; the Markdown marks, the link's address and the citation are not words.
    result = checked(
        "## Rest\n\n**Rest** the [joint](https://example.org/very/long/address) [@lee2019], *then* walk."
    )
    assert result.words == 6
    assert result.sentences == 2


@pytest.mark.parametrize(
    ("words", "seconds", "shown"),
    [
        (0, 0, "none"),
        (50, 15, "under a minute"),
        (200, 60, "about 1 minute"),
        (1_000, 300, "about 5 minutes"),
    ],
)
def test_reading_time_at_200_words_a_minute(words, seconds, shown):
    result = Checks(words=words, sentences=1, grade=None, long_sentences=(), terms=())
    assert (result.reading_seconds, result.reading_time) == (seconds, shown)


def test_simple_text_grades_low_and_dense_text_high():
    simple, dense = checked(SIMPLE), checked(DENSE)
    assert simple.grade is not None and simple.grade <= 4, simple.grade
    assert simple.grade_band == "easy to read"
    assert not simple.over_target
    assert dense.grade is not None and dense.grade >= 16, dense.grade
    assert dense.grade_band == "very hard"
    assert dense.over_target


def test_short_text_is_not_graded():
    result = checked("Rest. Drink water. See a GP if it gets worse.")
    assert result.grade is None
    assert result.grade_label == "too short to grade"


def test_headings_and_one_word_items_do_not_change_the_grade():
    with_fragments = "## Gout\n\n" + SIMPLE + "\n\n- Rest\n- Ice\n- Water"
    assert checked(with_fragments).grade == checked(SIMPLE).grade


def test_decimal_points_and_abbreviations_do_not_split_sentences_for_the_grade():
    # textstat alone would end a sentence at each of these points, halving the sentence length.
    text = "Take 2.5 mg, e.g. with food, each morning for a week while the pain lasts. " * 3
    without_points = "Take 25 mg, eg with food, each morning for a week while the pain lasts. " * 3
    assert len(sentences(render(text))) == 3
    assert reading_grade(sentences(render(text))) == reading_grade(sentences(render(without_points)))


def test_sentences_over_25_words_are_listed_with_their_length():
    text = f"{long_sentence(LONG_SENTENCE_WORDS)} {long_sentence(LONG_SENTENCE_WORDS + 1)} Short one."
    result = checked(text)
    assert [(sentence.words, sentence.text[:9]) for sentence in result.long_sentences] == [(26, "Word word")]


def test_a_very_long_sentence_is_shown_shortened():
    result = checked(long_sentence(400))
    (sentence,) = result.long_sentences
    assert sentence.words == 400
    assert len(sentence.shown) == 500 and sentence.shown.endswith("…")


def test_terms_are_found_with_their_suggestions():
    result = checked("Hypertension and renal disease. Treat hypertension early.")
    assert [(item.written, item.term.alternatives, item.count) for item in result.terms] == [
        ("Hypertension", ("high blood pressure",), 2),
        ("renal", ("kidney",), 1),
    ]


def test_twenty_thousand_characters_of_one_word():
    result = checked("a" * 20_000)
    assert (result.words, result.sentences, result.grade, result.long_sentences) == (1, 1, None, ())


def test_twenty_thousand_characters_of_one_repeated_word_make_one_long_sentence():
    result = checked("hypertension " * 1_500)
    assert result.words == 1_500
    assert [sentence.words for sentence in result.long_sentences] == [1_500]
    assert [(item.term.term, item.count) for item in result.terms] == [("hypertension", 1_500)]
    assert result.grade is not None


def test_nested_markup_finishes_with_its_words_counted():
    markdown = "> " * 200 + "deep words here\n\n" + "".join("  " * n + "- item\n" for n in range(40))
    result = checked(markdown)
    assert result.words == 3 + 40


def test_the_page_adds_its_texts_up_and_grades_them_together(db):
    page = check_page(
        [
            PageText("sections-0-body", "Overview", SIMPLE + " Hypertension is not gout."),
            PageText("sections-1-body", "Causes", f"{DENSE} {long_sentence(30)}"),
            PageText("short_answers-0-answer", "Is it common? (answer)", "Yes. It is renal, sometimes."),
        ]
    )
    assert [text.label for text in page.texts] == ["Overview", "Causes", "Is it common? (answer)"]
    assert page.page.words == sum(text.checks.words for text in page.texts)
    overview, causes, _ = page.texts
    assert overview.checks.grade < page.page.grade < causes.checks.grade
    assert (
        [s.words for s in page.page.long_sentences] == [s.words for s in causes.checks.long_sentences] == [30]
    )


def test_the_page_merges_terms_across_texts(db):
    page = check_page(
        [PageText("a", "A", "Renal stones. Hypertension."), PageText("b", "B", "renal failure")]
    )
    counts = {item.term.term: (item.written, item.count) for item in page.page.terms}
    assert counts["renal"] == ("Renal", 2)
    assert counts["hypertension"] == ("Hypertension", 1)


def test_a_text_out_of_rendering_time_is_named(db):
    with pytest.raises(RenderTooSlow) as raised:
        check_page([PageText("sections-0-body", "Overview", "Some *text*.")], budget=lambda: 0.0)
    assert raised.value.field == "sections-0-body"


def test_json_and_summary(db):
    page = check_page([PageText("sections-0-body", "Overview", f"{long_sentence(30)} Hypertension.")])
    data = page.to_json()
    overview = data["texts"]["sections-0-body"]
    assert overview["label"] == "Overview"
    assert overview["words"] == 31 and overview["long_sentence_count"] == 1
    assert overview["terms"] == [
        {
            "term": "hypertension",
            "written": "Hypertension",
            "alternatives": ["high blood pressure"],
            "note": "",
            "count": 1,
        }
    ]
    assert data["page"]["reading_time"] == "under a minute"
    assert data["summary"] == (
        "Content checks: reading grade: plain English; 1 sentence over 25 words; 1 term with plainer "
        "alternatives."
    )


def test_check_sentences_of_nothing():
    result = check_sentences([], MATCHER)
    assert (result.words, result.grade, result.reading_time) == (0, None, "none")
