from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import hostile_inputs
from images.content import ImageContent
from images.figures import Figures
from medsite.limits import MARKDOWN_FIELD_MAX_CHARS, MAX_NESTING_DEPTH
from medsite.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, RenderTooSlow, image_keys, render
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


# --- images: ![alt](image:key "caption") --------------------------------------------------------

TOE = ImageContent(
    id=1,
    key="gout-toe",
    sha256="ab" * 32,
    format="jpeg",
    width=1600,
    height=1200,
    alt="A red, swollen joint at the base of the big toe",
    caption="Gout often starts in the big toe.",
    credit="Example Clinic",
    licence="cc-by-4.0",
)


def test_an_image_alone_in_its_paragraph_is_a_figure_with_its_library_fields():
    figures = Figures({"gout-toe": TOE})
    html = render("Before.\n\n![](image:gout-toe)\n\nAfter.", images=figures)
    (figure,) = parse_fragment(html).iter("figure")
    (img,) = figure.iter("img")
    assert img.get("alt") == TOE.alt
    assert (img.get("width"), img.get("height")) == ("1440", "1080")
    assert "Gout often starts in the big toe." in "".join(figure.find("figcaption").itertext())
    assert html.startswith("<p>Before.</p>") and html.endswith("<p>After.</p>")
    assert figures.used == ["gout-toe"] and not figures.unknown and not figures.misplaced


def test_the_text_may_give_its_own_alt_text_and_caption():
    html = render(
        '![Where the pain is](image:gout-toe "Pain at night is common.")', images=Figures({"gout-toe": TOE})
    )
    (img,) = parse_fragment(html).iter("img")
    assert img.get("alt") == "Where the pain is"
    assert "Pain at night is common." in html and "Gout often starts" not in html


def test_an_image_in_running_text_or_from_elsewhere_is_a_visible_notice_not_an_image():
    figures = Figures({"gout-toe": TOE})
    html = render(
        "See ![toe](image:gout-toe) here, and ![tracker](https://example.com/a.png).", images=figures
    )
    assert "<img" not in html and "example.com" not in html
    assert "put it on a line of its own" in html
    assert "insert images from the image library" in html
    assert figures.misplaced == ["image:gout-toe", "https://example.com/a.png"]


def test_an_unknown_image_key_is_named_and_recorded():
    figures = Figures({})
    html = render("![](image:nowhere)", images=figures)
    assert "No image “nowhere” in the image library" in html and "<img" not in html
    assert figures.unknown == ["nowhere"]


def test_written_markup_cannot_forge_a_figure_or_an_image():
    figures = Figures({"gout-toe": TOE})
    hostile = (
        '<img src="https://example.com/x.png" onerror="alert(1)">\n\n'
        '<figure><picture><img src="/media/x.jpg"></picture></figure>\n\n'
        "medsitefigure0000000000000000n0\n\n"
        '![" onerror="alert(1)](image:gout-toe "<script>alert(1)</script>")'
    )
    html = render(hostile, images=figures)
    assert_inert(html)
    images = list(parse_fragment(html).iter("img"))
    assert len(images) == 1 and images[0].get("alt") == '" onerror="alert(1)'
    assert "<script" not in html and "&lt;script&gt;" in html


def test_only_the_pages_first_figure_loads_at_once():
    figures = Figures({"gout-toe": TOE})
    first = render("![](image:gout-toe)", images=figures)
    second = render("![](image:gout-toe)", images=figures)
    assert 'loading="lazy"' not in first and 'loading="lazy"' in second


def test_image_keys_are_those_the_parser_reads():
    text = "Text ![a](image:one) and\n\n![](image:two)\n\n`![](image:in-code)`\n\n- ![](image:three)"
    assert image_keys(text) == ["one", "two", "three"]
