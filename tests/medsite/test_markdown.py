from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import hostile_inputs
from medsite.limits import MARKDOWN_FIELD_MAX_CHARS, MAX_NESTING_DEPTH
from medsite.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, RenderTooSlow, render
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


# --- what the renderer keeps of Python-Markdown's output, and what it now does differently ------


def test_typography_as_before_dashes_ellipses_and_quotes():
    html = render("\"Quoted\" and 'single', don't -- 1990--2000 --- and so... (c) +-")
    assert "“Quoted” and ‘single’, don’t – 1990–2000 — and so… (c) +-" in html


def test_ordered_list_keeps_its_start():
    assert '<ol start="3">' in render("3. three\n4. four")


def test_mailto_autolink_reads_as_the_address():
    html = render("<mailto:help@example.org>")
    assert '<a href="mailto:help@example.org" rel="noopener noreferrer">help@example.org</a>' in html


def test_script_link_is_a_dead_link_not_its_source():
    html = render("[click](javascript:alert(1))")
    assert "<a" in html and "href" not in html and "javascript" not in html


def test_citations_are_numbered_in_reading_order_through_lists():
    numbering = CitationNumbering()
    render("Intro [@c].\n\n- item [@b]\n- item [@a]\n\nAfter [@d].", citations=numbering)
    assert numbering.cited_keys == ["c", "b", "a", "d"]


def test_citation_locator_after_a_long_run_of_spaces():
    numbering = CitationNumbering()
    html = render("Fact [@a," + " " * 5000 + "p. 12].", citations=numbering)
    assert "(p. 12)" in html and numbering.numbers == {"a": 1}


# --- bounded work ---------------------------------------------------------------------------------


def test_render_past_its_budget_raises_and_numbers_nothing():
    numbering = CitationNumbering()
    with pytest.raises(RenderTooSlow, match="too complex to preview in time"):
        render("Fact [@a]. " + "[a](" * 2000, citations=numbering, budget=0.0)
    assert numbering.numbers == {} and numbering.backlinks == {}


def test_render_within_its_budget_is_the_same_render():
    text = "# Title\n\nFact [@a] with *emphasis*."
    assert render(text, budget=60.0) == render(text)


def test_lists_nested_past_the_limit_go_on_as_text_not_dropped():
    text = "".join("  " * depth + f"- level{depth}\n" for depth in range(MAX_NESTING_DEPTH + 6))
    html = render(text)
    assert all(f"level{depth}" in html for depth in range(MAX_NESTING_DEPTH + 6))
    assert html.count("<ul>") == MAX_NESTING_DEPTH


def test_quotes_nested_past_the_limit_go_on_as_text():
    html = render("> " * 100 + "deep")
    assert "deep" in html and html.count("<blockquote>") == 2 * MAX_NESTING_DEPTH


def test_field_limit_of_the_hostile_shapes_is_the_sites():
    assert hostile_inputs.FIELD == MARKDOWN_FIELD_MAX_CHARS


@pytest.mark.parametrize("shape", list(hostile_inputs.MARKDOWN_SHAPES))
def test_hostile_shapes_at_the_field_limit_render_inert(shape):
    # No budget: what publication does with text the size checks let through.
    html = render(hostile_inputs.MARKDOWN_SHAPES[shape](MARKDOWN_FIELD_MAX_CHARS))
    assert_inert(html)
    assert_only_allowed_markup(html)
