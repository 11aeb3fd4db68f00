"""medsite/contentchecks/text.py: the sentences and words of rendered text."""

from __future__ import annotations

import pytest

from medsite.contentchecks.text import sentences, split_sentences, words
from medsite.markdown import render


def sentences_of(markdown: str) -> list[str]:
    return sentences(render(markdown))


def test_words_keep_hyphens_apostrophes_and_decimal_numbers_together():
    assert words("Don't take anti-inflammatory painkillers above 2.5 mg, or 1,000 mg a day.") == [
        "Don't", "take", "anti-inflammatory", "painkillers", "above", "2.5", "mg", "or", "1,000",
        "mg", "a", "day",
    ]  # fmt: skip


def test_a_paragraph_is_split_into_its_sentences():
    assert sentences_of("Rest helps. Does ice help? Yes! Ask a pharmacist.") == [
        "Rest helps.",
        "Does ice help?",
        "Yes!",
        "Ask a pharmacist.",
    ]


def test_abbreviations_and_lower_case_do_not_end_a_sentence():
    assert sentences_of("Ask Dr. Okafor about painkillers, e.g. ibuprofen. Smith et al. Found that.") == [
        "Ask Dr. Okafor about painkillers, e.g. ibuprofen.",
        "Smith et al. Found that.",
    ]


def test_a_one_word_answer_is_a_sentence():
    assert sentences_of("Is it catching? No. It cannot spread.") == [
        "Is it catching?",
        "No.",
        "It cannot spread.",
    ]


def test_quotes_and_brackets_around_the_end_of_a_sentence():
    assert list(split_sentences('He said "stop." Then (later) "Rest." (See below.) Next one.')) == [
        'He said "stop."',
        'Then (later) "Rest."',
        "(See below.)",
        "Next one.",
    ]


def test_each_block_ends_a_sentence_so_list_items_stay_short():
    markdown = (
        "Symptoms include:\n\n- a high temperature\n- aching muscles\n  - in the back\n\n"
        "## Seeing a GP\n\nCall."
    )
    assert sentences_of(markdown) == [
        "Symptoms include:",
        "a high temperature",
        "aching muscles",
        "in the back",
        "Seeing a GP",
        "Call.",
    ]


def test_markdown_marks_link_targets_and_citations_are_not_words():
    markdown = (
        "Take **plenty** of [fluids](https://example.org/a-very-long-address) [@smith2020]. `Code` too."
    )
    assert sentences_of(markdown) == ["Take plenty of fluids.", "Code too."]
    assert words(" ".join(sentences_of(markdown))) == ["Take", "plenty", "of", "fluids", "Code", "too"]


def test_table_cells_are_read_one_by_one():
    assert sentences_of("| Dose | When |\n|---|---|\n| 1 tablet | at night |") == [
        "Dose",
        "When",
        "1 tablet",
        "at night",
    ]


def test_text_without_words_has_no_sentences():
    assert sentences_of("...\n\n---\n\n- *\n- !") == []


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("a" * 20_000, 1),  # one 20,000-letter word
        ("." * 20_000, 0),
        ("Dr. " * 5_000, 5_000),  # an abbreviation that never ends the sentence
        ("A. " * 6_000, 6_000),
        ("a-" * 10_000, 1),  # one hyphenated word, whose last joiner has nothing after it
        ("1." * 10_000, 1),
        ("'" * 20_000, 0),
        ("x" + "’x" * 9_999, 1),
    ],
)
def test_hostile_text_is_read_in_one_pass_and_counted_right(text, count):
    found = sentences(f"<p>{text}</p>")
    assert sum(len(words(sentence)) for sentence in found) == count


def test_deeply_nested_markup_is_read_as_its_text():
    html = "<ul><li>" * 2_000 + "deep item" + "</li></ul>" * 2_000
    assert sentences(html) == ["deep item"]
