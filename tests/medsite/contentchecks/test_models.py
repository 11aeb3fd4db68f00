"""medsite/contentchecks/models.py: the plain-language term list, and the list its migration seeds."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from medsite.contentchecks.models import PlainTerm
from medsite.contentchecks.terms import Matcher

pytestmark = pytest.mark.django_db

SEED = importlib.import_module("medsite.contentchecks.migrations.0002_plain_terms")


@pytest.fixture
def seeded():
    """The seeded list, as the migration left it (a transactional test before may have flushed it)."""
    SEED.add_terms(apps, None)


def test_the_migration_seeds_at_least_100_terms_each_with_an_alternative(seeded):
    assert len(SEED.TERMS) >= 100
    assert PlainTerm.objects.count() >= len(SEED.TERMS)
    for term in PlainTerm.objects.all():
        term.full_clean()  # every seeded term is one an editor could have typed
        assert term.alternative_list, term.term


def test_the_seeded_list_suggests_the_usual_plainer_words(seeded):
    matcher = Matcher(term.as_term() for term in PlainTerm.objects.all())
    text = "Hypertension, a myocardial infarction, an analgesic and a benign lump."
    suggestions = {written: term.alternatives[0] for term, written in matcher.occurrences(text)}
    assert suggestions == {
        "Hypertension": "high blood pressure",
        "myocardial infarction": "heart attack",
        "analgesic": "painkiller",
        "benign": "not cancer",
    }


def test_seeding_again_adds_nothing(seeded):
    count = PlainTerm.objects.count()
    SEED.add_terms(apps, None)
    assert PlainTerm.objects.count() == count


def test_a_term_is_in_the_list_once_whatever_its_case():
    PlainTerm.objects.create(term="zygomycosis", alternatives="fungal infection")
    with pytest.raises(ValidationError, match="in the list already"):
        PlainTerm(term="Zygomycosis", alternatives="mould infection").full_clean()


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("", "This field cannot be blank"),
        ("!!", "Write a word or a phrase"),
        ("myocardial infarction (MI)", "Use only letters, digits, spaces, hyphens and apostrophes"),
        ("one two three four five six seven", "at most 6 words"),
        ("two\nlines", "Write this on one line"),
    ],
)
def test_a_term_must_be_words_the_matcher_can_find(term, message):
    with pytest.raises(ValidationError, match=message):
        PlainTerm(term=term, alternatives="something plainer").full_clean()


def test_a_term_needs_a_plainer_alternative_that_is_not_itself():
    with pytest.raises(ValidationError, match="at least one plainer way"):
        PlainTerm(term="emesis", alternatives=" \n  ").full_clean()
    with pytest.raises(ValidationError, match="cannot be the term itself"):
        PlainTerm(term="emesis", alternatives="vomiting\nEmesis").full_clean()


def test_spaces_in_a_term_are_tidied():
    term = PlainTerm(term="  zygomatic   arch fracture ", alternatives="broken cheekbone")
    term.full_clean()
    assert term.term == "zygomatic arch fracture"


def test_str_names_the_term_and_its_alternatives():
    assert (
        str(PlainTerm(term="emesis", alternatives="vomiting\n\nbeing sick\n"))
        == "emesis → vomiting or being sick"
    )
