"""medsite/contentchecks/terms.py: finding terms with plainer alternatives, and the cached list."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache

from medsite.contentchecks.models import PlainTerm
from medsite.contentchecks.terms import Matcher, Term, current_matcher, number_forms

HYPERTENSION = Term("hypertension", ("high blood pressure",))
MI = Term("myocardial infarction", ("heart attack",))
ANALGESIC = Term("analgesic", ("painkiller",))
PALPITATIONS = Term("palpitations", ("a pounding heartbeat",))
ARTERY = Term("artery", ("blood vessel",))
ECLAMPSIA = Term("eclampsia", ("fits in pregnancy",))
PULMONARY = Term("pulmonary", ("lung",))
PE = Term("pulmonary embolism", ("blood clot in the lung",))
NSAID = Term("non-steroidal anti-inflammatory drug", ("anti-inflammatory painkiller",))
PRIOR = Term("prior to", ("before",))
MATCHER = Matcher([HYPERTENSION, MI, ANALGESIC, PALPITATIONS, ARTERY, ECLAMPSIA, PULMONARY, PE, NSAID, PRIOR])


def found(text: str) -> list[tuple[str, str]]:
    return [(term.term, written) for term, written in MATCHER.occurrences(text)]


def test_a_term_is_found_in_any_case():
    assert found("HYPERTENSION and Hypertension and hypertension") == [
        ("hypertension", "HYPERTENSION"),
        ("hypertension", "Hypertension"),
        ("hypertension", "hypertension"),
    ]


@pytest.mark.parametrize(
    ("text", "term", "written"),
    [
        ("Two analgesics a day", "analgesic", "analgesics"),  # listed singular, written plural
        ("A palpitation can scare", "palpitations", "palpitation"),  # listed plural, written singular
        ("Narrow arteries", "artery", "arteries"),
        ("Past myocardial infarctions", "myocardial infarction", "myocardial infarctions"),
        ("The analgesic's effect", "analgesic", "analgesic's"),
        ("The analgesic’s effect", "analgesic", "analgesic’s"),  # the renderer's curly apostrophe
    ],
)
def test_singular_plural_and_possessive(text, term, written):
    assert found(text) == [(term, written)]


def test_a_phrase_is_found_across_spaces_and_line_breaks():
    assert found("after a Myocardial\n  Infarction, rest") == [
        ("myocardial infarction", "Myocardial\n  Infarction")
    ]


def test_a_phrase_is_not_found_across_punctuation():
    assert found("It was not myocardial. Infarction is another word.") == []


def test_the_longest_phrase_wins():
    assert found("A pulmonary embolism affects pulmonary arteries") == [
        ("pulmonary embolism", "pulmonary embolism"),
        ("pulmonary", "pulmonary"),
        ("artery", "arteries"),
    ]


def test_hyphenated_terms_and_phrases_of_common_words():
    assert found("Ask about a non-steroidal anti-inflammatory drug prior to surgery") == [
        ("non-steroidal anti-inflammatory drug", "non-steroidal anti-inflammatory drug"),
        ("prior to", "prior to"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "prehypertension",
        "hypertensive",
        "pre-eclampsia",  # a hyphenated word is one word
        "hypertension-related",
        "analgesically",
        "myocardial",
        "prior",
    ],
)
def test_no_match_inside_other_words(text):
    assert found(text) == []


def test_find_counts_each_term_and_keeps_its_first_spelling():
    result = MATCHER.find(["Hypertension is common.", "Treat hypertension.", "Analgesics help."])
    assert [(item.term.term, item.written, item.count) for item in result] == [
        ("hypertension", "Hypertension", 2),
        ("analgesic", "Analgesics", 1),
    ]


def test_number_forms():
    assert number_forms("clot") == {"clot", "clots", "clot's"}
    assert number_forms("artery") == {"artery", "arteries", "artery's"}
    assert {"abscesses", "abscess's"} < number_forms("abscess")
    assert "palpitation" in number_forms("palpitations")
    assert "diagnosi" not in number_forms("diagnosis")


@pytest.mark.parametrize(
    ("singular", "plural"),
    [
        ("diagnosis", "diagnoses"),
        ("metastasis", "metastases"),
        ("thrombus", "thrombi"),
        ("bacterium", "bacteria"),
        ("vertebra", "vertebrae"),
        ("appendix", "appendices"),
        ("cortex", "cortices"),
    ],
)
def test_latin_and_greek_plurals_are_found_both_ways(singular, plural):
    assert Matcher([Term(singular, ("x",))]).occurrences(f"Two {plural}.")
    assert Matcher([Term(plural, ("x",))]).occurrences(f"One {singular}.")


def test_terms_too_long_or_without_words_are_left_out():
    matcher = Matcher([Term("a b c d e f g", ("x",)), Term("!!", ("y",)), HYPERTENSION])
    assert len(matcher) == 1


# --- hostile input: each finishes (at once) with the right answer ---------------------------


def test_twenty_thousand_characters_of_one_word():
    assert found("h" * 20_000) == []
    assert found("hypertension" * 1_600) == []  # one 19,200-letter word, not 1,600 terms


def test_a_term_repeated_across_a_whole_field():
    text = "hypertension " * 1_500
    result = MATCHER.find([text])
    assert [(item.term.term, item.count) for item in result] == [("hypertension", 1_500)]


def test_a_phrase_start_repeated_without_its_end():
    # Every word starts a phrase and none completes: tried a bounded number of times each.
    assert found("myocardial " * 2_000) == []
    assert found("non-steroidal anti-inflammatory " * 700) == []


# --- the list, cached ------------------------------------------------------------------------


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_the_list_is_read_once_and_again_after_a_change(clean_cache, django_assert_num_queries):
    with django_assert_num_queries(1):
        current_matcher()
    with django_assert_num_queries(0):
        matcher = current_matcher()
    assert not matcher.occurrences("zygomycosis")
    term = PlainTerm.objects.create(term="zygomycosis", alternatives="a fungal infection")
    with django_assert_num_queries(1):
        assert current_matcher().occurrences("Zygomycosis")
    term.alternatives = "a rare fungal infection"
    term.save()
    assert current_matcher().occurrences("zygomycosis")[0][0].alternatives == ("a rare fungal infection",)
    term.delete()
    assert not current_matcher().occurrences("zygomycosis")


@pytest.mark.django_db
def test_changes_in_bulk_reach_the_matcher(clean_cache):
    PlainTerm.objects.create(term="zygomycosis", alternatives="a fungal infection")
    assert current_matcher().occurrences("zygomycosis")
    PlainTerm.objects.filter(term="zygomycosis").update(alternatives="mould infection")
    assert current_matcher().occurrences("zygomycosis")[0][0].alternatives == ("mould infection",)
    PlainTerm.objects.filter(term="zygomycosis").delete()
    assert not current_matcher().occurrences("zygomycosis")


@pytest.mark.django_db
def test_a_change_committed_elsewhere_reaches_a_process_through_the_shared_version(clean_cache):
    current_matcher()
    # Another process changed the list: its commit dropped the version from the shared cache.
    PlainTerm.objects.bulk_create([PlainTerm(term="zygomycosis", alternatives="fungal infection")])
    assert current_matcher().occurrences("zygomycosis")


@pytest.mark.django_db
def test_without_a_cache_the_list_is_read_each_time(
    clean_cache, monkeypatch, caplog, django_assert_num_queries
):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    PlainTerm.objects.create(term="zygomycosis", alternatives="a fungal infection")
    monkeypatch.setattr(cache, "get", broken)
    with caplog.at_level(logging.WARNING, logger="medsite.contentchecks.terms"), django_assert_num_queries(2):
        current_matcher()
        assert current_matcher().occurrences("zygomycosis")
    assert "the cache failed (cache down)" in caplog.text
