"""Rendered HTML read back as text: one reader of it for search, JSON-LD, the API and comparisons."""

from __future__ import annotations

from medsite.htmltext import blocks, html_to_text, reader_paragraphs
from medsite.markdown import render
from references.citations import CitationNumbering

KNOWN_KEYS = {"lee2019": object(), "ng2020": object()}
TABLE = "| Dose | When |\n|---|---|\n| 5 mg | daily |"


def _render(text: str) -> str:
    return str(render(text, citations=CitationNumbering(KNOWN_KEYS)))


def test_plain_text_leaves_out_known_and_unknown_citations():
    html = _render("Common in runners [@lee2019]. Rare [@nokey], and [@ng2020; @nokey] later.")
    assert html_to_text(html) == "Common in runners. Rare, and later."


def test_plain_text_keeps_table_cells_and_list_items_apart():
    assert html_to_text(_render(TABLE)) == "Dose · When · 5 mg · daily"
    assert html_to_text(_render("- Fever\n\n- Rash.\n\n- Pain")) == "Fever · Rash. Pain"


def test_plain_text_reads_entities_as_characters():
    assert html_to_text(_render("Fish & chips < 5 \\*stars\\*")) == "Fish & chips < 5 *stars*"


def test_reader_paragraphs_name_citations_by_key_even_unknown_ones():
    html = _render("Seen [@lee2019, p. 4; @nokey]. Also [@nokey].")
    assert reader_paragraphs(html, {"1": "lee2019"}) == ["Seen [lee2019 (p. 4), @nokey]. Also [@nokey]."]


def test_reader_paragraphs_show_where_links_go_unless_the_text_says_it():
    html = _render("See [the NHS](https://nhs.uk), <https://nice.org.uk> and [below](#references).")
    assert reader_paragraphs(html) == ["See the NHS (https://nhs.uk), https://nice.org.uk and below."]


def test_reader_paragraphs_keep_a_table_row_on_one_line_and_number_lists_from_their_start():
    assert reader_paragraphs(_render(TABLE)) == ["Dose | When", "5 mg | daily"]
    assert reader_paragraphs(_render("3. Rest\n4. Ice")) == ["3. Rest", "4. Ice"]


def test_blocks_know_how_deep_in_lists_they_are():
    html = _render("- Fever\n    - high\n- Rash")
    items = [(block.text, block.depth) for block in blocks(html) if block.opened_by == "li"]
    assert items == [("Fever\n", 1), ("high", 2), ("Rash", 1)]
