from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medsite.markdown import render
from references.citations import CitationNumbering

EXECUTABLE_TAGS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "form",
    "input",
    "img",
    "link",
    "meta",
    "base",
}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict]]:
    collector = _Collector()
    collector.feed(html)
    return collector.tags


def url_scheme(url: str) -> str:
    """The scheme a browser would see (WHATWG URL parsing: C0/space trimmed, tabs and newlines dropped)."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def assert_inert(html: str) -> None:
    for tag, attrs in parse(html):
        assert tag not in EXECUTABLE_TAGS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name not in {"style", "srcdoc", "formaction"}, html
            if name in {"href", "src"}:
                assert url_scheme(value or "") in {"", "http", "https", "mailto"}, html


def test_lists_tables_and_emphasis():
    html = render("- **Lead.** text\n- second\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<li><strong>Lead.</strong> text</li>" in html
    assert "<table>" in html and "<td>1</td>" in html


def test_headings_are_demoted_below_section_heading():
    html = render("# Big\n\n## Smaller")
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html
    assert "<h1>" not in html and "<h2>" not in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="javascript:alert(1)">x</a>',
        "<p onclick=alert(1)>hi</p>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=https://example.org></iframe>",
        "<style>body{display:none}</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        '[@key" onmouseover="alert(1)]',
        '<a id="ref-1" href="https://evil.example">fake reference</a>',
    ],
)
def test_hostile_markdown_comes_out_inert(hostile):
    html = render(hostile)
    assert_inert(html)
    assert "alert(1)</script>" not in html


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
