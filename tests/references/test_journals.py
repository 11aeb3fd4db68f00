"""Journal titles as AMA prints them: the NLM table first, then ISO 4 by pyiso4's word list."""

from __future__ import annotations

import pytest

from references import journals
from references.journals import abbreviate_journal, without_full_stops


@pytest.fixture
def no_iso4(monkeypatch):
    """As if pyiso4 were not installed: only the table is left."""
    monkeypatch.setattr(journals, "_iso4", lambda: None)
    abbreviate_journal.cache_clear()
    yield
    abbreviate_journal.cache_clear()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("The New England Journal of Medicine", "N Engl J Med"),
        ("NEW ENGLAND JOURNAL OF MEDICINE.", "N Engl J Med"),
        ("The Lancet. Oncology", "Lancet Oncol"),
        ("Lancet Diabetes and Endocrinology", "Lancet Diabetes Endocrinol"),
        ("BMJ (Clinical research ed.)", "BMJ"),
        ("European Heart Journal", "Eur Heart J"),
        ("Nature Reviews Disease Primers", "Nat Rev Dis Primers"),
        ("CA: A Cancer Journal for Clinicians", "CA Cancer J Clin"),
        ("JAMA Otolaryngology\u2013Head & Neck Surgery", "JAMA Otolaryngol Head Neck Surg"),
        ("N Engl J Med", "N Engl J Med"),  # already the abbreviation
    ],
)
def test_titles_in_the_nlm_table(title, expected, no_iso4):
    assert abbreviate_journal(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Not in the table: ISO 4 by the word list, full stops dropped, every word capitalised.
        ("Journal of Medical Internet Research", "J Med Internet Res"),
        ("Current Opinion in Rheumatology", "Curr Opin Rheumatol"),
        ("Circulation. Heart failure", "Circ Heart Fail"),
        ("Revista Española de Cardiología", "Rev Esp Cardiol"),
        # pyiso4 0.1.6 alone gives "Hear." (its "hear-" stem beats the whole word "heart").
        ("Journal of Heart and Lung Transplantation", "J Heart Lung Transplant"),
        # …and raises IndexError on this one without the trailing space it is given.
        ("Heart Rhythm", "Heart Rhythm"),
        ("Radiology", "Radiology"),  # one word: never abbreviated
        ("Journal of Things: the Official Journal of the Society of Things", "J Things"),
    ],
)
def test_other_titles_are_abbreviated_by_iso4(title, expected):
    assert abbreviate_journal(title) == expected


def test_without_iso4_an_unknown_title_has_no_abbreviation(no_iso4):
    assert abbreviate_journal("Journal of Medical Internet Research") is None
    assert abbreviate_journal("Annals of Internal Medicine") == "Ann Intern Med"


def test_empty_title_has_no_abbreviation():
    assert abbreviate_journal("") is None
    assert abbreviate_journal("  .  ") is None


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("J. Am. Coll. Cardiol.", "J Am Coll Cardiol"),
        ("N.Engl.J.Med.", "N Engl J Med"),
        ("J Hand Surg (Eur. Vol.)", "J Hand Surg (Eur Vol)"),
        ("Lancet", "Lancet"),
    ],
)
def test_abbreviations_are_written_without_full_stops(given, expected):
    assert without_full_stops(given) == expected


def test_every_row_of_the_table_has_a_title_and_an_abbreviation_without_full_stops():
    rows = [
        line.split("\t")
        for line in journals.TABLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(rows) > 100
    for row in rows:
        assert len(row) == 2 and row[0].strip() and row[1].strip(), row
        assert "." not in row[1], row
