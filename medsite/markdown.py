"""The one renderer: Markdown with ``[@key]`` citations -> sanitised HTML.

Used by the editor's live preview and by publication alike, so what a reviewer previews is what
the public reads. Order: Python-Markdown (with a citation inline processor, so code spans stay
literal) -> headings demoted under the section heading -> nh3 allow-list.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from references.citations import CITATION_RE, CitationNumbering, parse_group, render_group

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "aria-label"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_CLASSES = {"sup": {"citation"}, "span": {"citation-unknown"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Only the anchors the citation processor writes may carry ids, so pasted HTML cannot
# hijack the page's own fragment links.
_ALLOWED_ID = re.compile(r"cite-\d+-\d+")
# Section bodies sit under an <h2> section heading: "# x" in a body becomes <h3>.
HEADING_SHIFT = 2


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not _ALLOWED_ID.fullmatch(value):
        return None
    return value


class _CitationProcessor(InlineProcessor):
    def __init__(self, numbering: CitationNumbering, md: markdown.Markdown) -> None:
        super().__init__(CITATION_RE.pattern, md)
        self.numbering = numbering

    def handleMatch(self, m: re.Match, data: str):  # noqa: N802 - Python-Markdown's API
        cites = parse_group(m.group(1))
        if cites is None:
            return None, None, None
        html = render_group(cites, self.numbering)
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class _HeadingShift(Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
                element.tag = f"h{min(int(element.tag[1]) + HEADING_SHIFT, 6)}"


class _MedSiteExtension(Extension):
    def __init__(self, numbering: CitationNumbering) -> None:
        super().__init__()
        self.numbering = numbering

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        # Above links (160) so "[@key]" is never read as a link; below code spans (190).
        md.inlinePatterns.register(_CitationProcessor(self.numbering, md), "citation", 175)
        md.treeprocessors.register(_HeadingShift(md), "heading_shift", 5)


def render(text: str, *, citations: CitationNumbering | None = None) -> SafeString:
    """Render one block of Markdown to safe HTML.

    ``citations`` carries the page's numbering between blocks; without one, a fresh numbering
    that accepts every key is used.
    """
    numbering = citations if citations is not None else CitationNumbering()
    md = markdown.Markdown(
        extensions=["tables", "sane_lists", "smarty", _MedSiteExtension(numbering)],
        output_format="html",
    )
    html = md.convert(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def markdownify(text: str) -> SafeString:
    """The ``MARKDOWNX_MARKDOWNIFY_FUNCTION`` hook: the same renderer."""
    return render(text)
