from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medsite.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render
from references.citations import CitationNumbering
from tests.xss_checks import assert_inert, parse_fragment
from tests.xss_corpus import MARKUP, TEXT


def test_lists_tables_and_emphasis():
    html = render("- **Lead.** text\n- second\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<li><strong>Lead.</strong> text</li>" in html
    assert "<table>" in html and "<td>1</td>" in html


def test_headings_are_demoted_below_section_heading():
    html = render("# Big\n\n## Smaller")
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html
    assert "<h1>" not in html and "<h2>" not in html


def assert_only_allowed_markup(html: str) -> None:
    """Every element and attribute the renderer let through is on its allow-list."""
    for element in parse_fragment(html).iter():
        if not isinstance(element.tag, str) or element.tag == "DOCUMENT_FRAGMENT":
            continue
        assert element.tag in ALLOWED_TAGS, html
        # nh3 keeps "title" and "lang" on any element, and writes "rel" on links itself.
        allowed = ALLOWED_ATTRIBUTES.get(element.tag, set()) | {"class", "rel", "title", "lang"}
        assert set(element.attrib) <= allowed, html


@pytest.mark.parametrize("hostile", MARKUP + TEXT)
def test_hostile_markdown_comes_out_inert(hostile):
    # With a page's references too, so the corpus's citations of "hostile2024" become links.
    for numbering in (None, CitationNumbering(references={"hostile2024": object()})):
        html = render(hostile, citations=numbering)
        assert_inert(html)
        assert_only_allowed_markup(html)


def test_pasted_html_cannot_claim_reference_anchors():
    html = render('<a id="ref-1" href="#x">x</a>')
    assert 'id="ref-1"' not in html


def test_safe_links_survive_with_rel():
    html = render("[NHS](https://www.nhs.uk) and <mailto:help@example.org>")
    assert 'href="https://www.nhs.uk"' in html
    assert 'rel="noopener noreferrer"' in html


def test_citations_numbered_by_first_use_across_blocks():
    numbering = CitationNumbering(references={"a": object(), "b": object(), "c": object()})
    first = render("One [@b]. Two [@a; @b].", citations=numbering)
    second = render("Three [@c, p. 12] and [@b].", citations=numbering)
    assert numbering.numbers == {"b": 1, "a": 2, "c": 3}
    assert 'href="#ref-1" id="cite-1-1"' in first
    assert 'href="#ref-2" id="cite-2-1"' in first
    assert 'id="cite-1-2"' in first
    assert 'href="#ref-3"' in second and "(p. 12)" in second
    assert 'id="cite-1-3"' in second
    assert numbering.backlinks["b"] == ["cite-1-1", "cite-1-2", "cite-1-3"]
    assert '<sup class="citation">' in first


def test_unknown_citation_is_flagged_not_numbered():
    numbering = CitationNumbering(references={"known": object()})
    html = render("Fact [@ghost] and [@known].", citations=numbering)
    assert 'class="citation-unknown"' in html and "[@ghost]" in html
    assert numbering.unknown == ["ghost"]
    assert numbering.numbers == {"known": 1}


def test_citation_syntax_inside_code_stays_literal():
    numbering = CitationNumbering()
    html = render("Write `[@key]` to cite.", citations=numbering)
    assert "<code>[@key]</code>" in html
    assert numbering.numbers == {}


def test_email_like_brackets_are_not_citations():
    html = render("Contact [someone@example.org] please.")
    assert "citation" not in html


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("<>\"'=/:;&#[]()@ *_-`\nabcjvscriptonerrorlhfSCRIPT1")), max_size=120
    )
)
def test_renderer_output_is_always_inert(text):
    assert_inert(render(text))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<img ",
                "onerror=",
                "javascript:",
                "[x](",
                ")",
                '"',
                "'",
                "<a href=",
                ">",
                "[@k]",
                "<svg>",
                "\n\n",
            ]
        ),
        max_size=20,
    )
)
def test_renderer_output_is_inert_for_combined_fragments(parts):
    assert_inert(render("".join(parts)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*MARKUP, *TEXT, "\n\n", "\n", " ", "<", ">", '"', "'", "]("]), max_size=8))
def test_renderer_output_is_inert_for_vectors_spliced_together(parts):
    assert_inert(render("".join(parts)))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(MARKUP), st.integers(min_value=0, max_value=200), st.text(max_size=20))
def test_renderer_output_is_inert_for_vectors_cut_and_padded(vector, cut, noise):
    # A vector with text pushed into it: tags left unclosed, attributes left open.
    assert_inert(render(vector[:cut] + noise + vector[cut:]))
