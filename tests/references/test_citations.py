from __future__ import annotations

from datetime import date

import pytest

from references.citations import ama_authors, ama_edition, find_keys, format_reference, parse_group
from references.models import Reference

pytestmark = pytest.mark.django_db


def test_find_keys_in_order_with_repeats_and_locators():
    text = "A [@feldman2021]. B [@ferri2021; @feldman2021, p. 12]. Not [a link](https://x.org)."
    assert find_keys(text) == ["feldman2021", "ferri2021", "feldman2021"]


def test_parse_group_rejects_non_citations():
    assert parse_group("@a; not a cite") is None
    assert parse_group("@a, p. 3")[0].locator == "p. 3"


def test_authors_over_six_become_three_and_et_al():
    names = [f"Author{n} A" for n in range(7)]
    assert ama_authors(names) == "Author0 A, Author1 A, Author2 A, et al"
    assert ama_authors(names[:6]) == ", ".join(names[:6])


@pytest.mark.parametrize(
    ("given", "expected"),
    [("11", "11th ed."), ("2", "2nd ed."), ("3", "3rd ed."), ("21", "21st ed."), ("12", "12th ed.")],
)
def test_edition(given, expected):
    assert ama_edition(given) == expected


def test_journal_article():
    ref = Reference(
        key="k",
        kind="journal-article",
        authors="Halperin DM\nShen C\nDasari A",
        title="Frequency of carcinoid syndrome at diagnosis",
        container_title="Lancet Oncol",
        year=2017,
        volume="18",
        issue="4",
        pages="525-534",
        doi="10.1016/S1470-2045(17)30110-9",
    )
    assert str(format_reference(ref)) == (
        "Halperin DM, Shen C, Dasari A. Frequency of carcinoid syndrome at diagnosis. "
        "<i>Lancet Oncol</i>. 2017;18(4):525-534. "
        '<a href="https://doi.org/10.1016/S1470-2045(17)30110-9">doi:10.1016/S1470-2045(17)30110-9</a>'
    )


def test_book_chapter_with_url_and_access_date():
    ref = Reference(
        key="k",
        kind="book-chapter",
        authors="Feldman M\net al",
        title="Neuroendocrine tumors",
        container_title="Gastrointestinal and Liver Disease",
        edition="11",
        publisher="Elsevier",
        year=2021,
        url="https://www.example.org/book",
        accessed_on=date(2020, 8, 24),
    )
    html = str(format_reference(ref))
    assert html.startswith(
        "Feldman M, et al. Neuroendocrine tumors. In: <i>Gastrointestinal and Liver Disease</i>. "
        "11th ed. Elsevier; 2021."
    )
    assert "Accessed August 24, 2020." in html
    assert '<a href="https://www.example.org/book">' in html


def test_expert_opinion_and_escaping():
    ref = Reference(
        key="k", kind="expert-opinion", authors="Smith <b>J</b>", publisher="A Clinic", year=2020, title=""
    )
    ref.container_title = ""
    html = str(format_reference(ref))
    assert "(expert opinion)" in html
    assert "<b>" not in html


def test_falls_back_to_original_text_escaped():
    ref = Reference(key="k", original_text="Someone. Something <unparsed>. 2020.")
    assert str(format_reference(ref)) == "Someone. Something &lt;unparsed&gt;. 2020."
