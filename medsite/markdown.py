"""The one renderer: Markdown with ``[@key]`` citations -> sanitised HTML.

Used by the editor's live preview and by publication alike, so what a reviewer previews is what
the public reads. Order: markdown-it-py (CommonMark, with a citation inline rule ahead of links, so
code spans stay literal) -> headings demoted under the section heading -> nh3 allow-list.

markdown-it-py rather than Python-Markdown: its parser is built to stay near linear on the
CommonMark spec's pathological inputs, where Python-Markdown took a minute on 20 KB of ``[a]()``.
What is left is bounded: text size by the callers (:mod:`medsite.limits`), time by a budget checked
inside the parse (``budget=``), and nesting by a depth past which lists and quotes read as text.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from itertools import pairwise

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.smartquotes import QUOTE_TEST_RE, process_inlines
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from images.figures import Figures, library_key
from medsite.limits import MAX_NESTING_DEPTH, TooSlow
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
ALLOWED_CLASSES = {"sup": {"citation"}, "span": {"citation-unknown", "image-unknown"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Only the anchors the citation rule writes may carry ids, so pasted HTML cannot
# hijack the page's own fragment links.
_ALLOWED_ID = re.compile(r"cite-\d+-\d+")
# Section bodies sit under an <h2> section heading: "# x" in a body becomes <h3>.
HEADING_SHIFT = 2


class RenderTooSlow(TooSlow):
    """The parse ran past its budget. ``str(error)`` is a sentence for the editor."""

    def __init__(self) -> None:
        super().__init__(
            "This text is too complex to preview in time: it has very many links, brackets or "
            "other Markdown marks in a row. Split it into shorter sections, or remove the repeated "
            "marks (pasted text often carries them)."
        )


@dataclass
class _Render:
    """What one render call carries through the parse, in markdown-it's ``env``."""

    numbering: CitationNumbering
    figures: Figures
    marker: str  # stands for each figure until the text is sanitised; unguessable per call
    deadline: float | None = None
    placed: list[str] = field(default_factory=list)  # each figure's HTML, by marker number

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RenderTooSlow


_ENV = "medsite"
# markdown-it counts a list as two block levels (the list and its item), a quote as one: so lists
# nest at most MAX_NESTING_DEPTH deep, quotes twice as deep.
_MAX_BLOCK_LEVEL = 2 * MAX_NESTING_DEPTH


# --- rules: each runs first in its chain, so the budget is checked however the parse goes ----


def _block_guard(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Checks the budget; below the deepest level allowed, takes the rest of the block as text.

    markdown-it itself would drop everything past its nesting limit, and recursing without one
    costs memory and stack with each level (2 MB of nested list took 738 MB in Python-Markdown).
    """
    state.env[_ENV].check()
    if state.level < _MAX_BLOCK_LEVEL or silent:
        return False
    last = line = start_line
    while line < end_line and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
        line += 1
        if not state.isEmpty(line - 1):
            last = line
    state.push("paragraph_open", "p", 1).map = [start_line, last]
    inline = state.push("inline", "", 0)
    inline.content = state.getLines(start_line, last, state.blkIndent, False).strip()
    inline.map, inline.children = [start_line, last], []
    state.push("paragraph_close", "p", -1)
    state.line = last
    return True


def _inline_guard(state: StateInline, silent: bool) -> bool:
    state.env[_ENV].check()
    return False


def _citation(state: StateInline, silent: bool) -> bool:
    """``[@key]``, ``[@a; @b]``, ``[@a, p. 12]``: numbered when rendered, in document order."""
    if state.src[state.pos] != "[":
        return False
    match = CITATION_RE.match(state.src, state.pos)
    cites = parse_group(match.group(1)) if match else None
    if match is None or cites is None:
        return False
    if not silent:
        state.push("citation", "", 0).meta["cites"] = cites
    state.pos = match.end()
    return True


def _render_citation(renderer, tokens, idx, options, env) -> str:
    return render_group(tokens[idx].meta["cites"], env[_ENV].numbering)


def _demote_headings(state: StateCore) -> None:
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"


# Python-Markdown's smarty, which the site used before: dashes and ellipses only (markdown-it's
# own replacements would also turn "(c)" in a lettered list into "©" and "+-" into "±").
_TYPOGRAPHY = [
    (re.compile(r"(?<!-)---(?!-)"), "\u2014"),
    (re.compile(r"(?<!-)--(?!-)"), "\u2013"),
    (re.compile(r"(?<!\.)\.{3}(?!\.)"), "\u2026"),
]


def _dashes_and_ellipses(state: StateCore) -> None:
    state.env[_ENV].check()  # the first rule after the inline parse
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        in_autolink = False
        for token in block.children:
            if token.type == "link_open" and token.info == "auto":
                in_autolink = True
            elif token.type == "link_close" and token.info == "auto":
                in_autolink = False
            elif (
                token.type == "text" and not in_autolink and ("--" in token.content or "..." in token.content)
            ):
                for pattern, replacement in _TYPOGRAPHY:
                    token.content = pattern.sub(replacement, token.content)


def _smartquotes(state: StateCore) -> None:
    """markdown-it's smart quotes, with the budget checked between blocks: its pass over one block
    is quadratic in the quotes it holds (a 20 KB paragraph of them takes 0.3 s)."""
    for token in state.tokens:
        if token.type == "inline" and token.children and QUOTE_TEST_RE.search(token.content):
            state.env[_ENV].check()
            process_inlines(token.children, state)


def _mailto_text(state: StateCore) -> None:
    """``<mailto:a@b.org>`` reads "a@b.org", as ``<a@b.org>`` does (and as the site showed before)."""
    for block in state.tokens:
        for prev, token in pairwise(block.children or []):
            if prev.type == "link_open" and prev.info == "auto" and token.content.startswith("mailto:"):
                token.content = token.content.removeprefix("mailto:")


# --- images: ![alt](image:key "caption") alone in its paragraph is a figure -------------------


def _alone(inline: Token) -> Token | None:
    """The one image of a paragraph that holds nothing else (white space aside)."""
    children = [
        child
        for child in inline.children or []
        if child.type != "softbreak" and not (child.type == "text" and not child.content.strip())
    ]
    if (
        len(children) == 1
        and children[0].type == "image"
        and library_key(str(children[0].attrGet("src") or ""))
    ):
        return children[0]
    return None


def _figures(state: StateCore) -> None:
    """A paragraph holding only a library image becomes a figure; any other image (in running
    text, or from another address) is written as a visible notice, and recorded."""
    tokens, out, i = state.tokens, [], 0
    while i < len(tokens):
        token = tokens[i]
        image = _alone(tokens[i + 1]) if token.type == "paragraph_open" and i + 2 < len(tokens) else None
        if image is not None and tokens[i + 2].type == "paragraph_close":
            figure = Token("figure", "", 0)
            figure.block, figure.map = True, token.map
            figure.meta = {
                "key": library_key(str(image.attrGet("src") or "")),
                "alt": "".join(child.content for child in image.children or []),
                "caption": str(image.attrGet("title") or ""),
                "hidden": token.hidden,
            }
            out.append(figure)
            i += 3
            continue
        out.append(token)
        i += 1
    state.tokens = out


def _render_figure(renderer, tokens, idx, options, env) -> str:
    render_env: _Render = env[_ENV]
    meta = tokens[idx].meta
    html = render_env.figures.figure(meta["key"], meta["alt"], meta["caption"])
    if html is None:
        notice = escape(f"[No image “{meta['key']}” in the image library]")
        return f'<p><span class="image-unknown">{notice}</span></p>\n'
    render_env.placed.append(str(html))
    return f"\n{render_env.marker}{len(render_env.placed) - 1}\n"


def _render_image(renderer, tokens, idx, options, env) -> str:
    """An image that cannot be a figure: in running text, or not from the library."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    env[_ENV].figures.misplace(src)
    alt = "".join(child.content for child in token.children or [])
    if library_key(src):
        notice = f"[Image “{alt or library_key(src)}”: put it on a line of its own]"
    else:
        notice = f"[Image “{alt}” not shown: insert images from the image library]"
    return f'<span class="image-unknown">{escape(notice)}</span>'


class _MarkdownIt(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        # Every link is written and nh3 decides which addresses stay (http, https, mailto), as
        # before: a javascript: link reads as a dead link, not as its Markdown source.
        return True


def _parser() -> MarkdownIt:
    md = _MarkdownIt("commonmark", {"typographer": True}).enable("table")
    md.block.ruler.before("table", "medsite_guard", _block_guard)
    md.inline.ruler.before("text", "medsite_guard", _inline_guard)
    md.inline.ruler.before("link", "citation", _citation)
    md.core.ruler.after("block", "demote_headings", _demote_headings)
    # Before text_join, as markdown-it's own typographer: an escaped \" or \- stays as written.
    md.core.ruler.before("text_join", "dashes_and_ellipses", _dashes_and_ellipses)
    md.core.ruler.before("text_join", "smartquotes", _smartquotes)
    md.core.ruler.push("mailto_text", _mailto_text)
    md.core.ruler.push("figures", _figures)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("figure", _render_figure)
    md.add_render_rule("image", _render_image)
    return md


# One parser for the process: markdown-it keeps no state between calls (each has its own env),
# so threads may share it.
_MD = _parser()


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and not _ALLOWED_ID.fullmatch(value):
        return None
    return value


def render(
    text: str,
    *,
    citations: CitationNumbering | None = None,
    images: Figures | None = None,
    budget: float | None = None,
) -> SafeString:
    """Render one block of Markdown to safe HTML.

    ``citations`` carries the page's numbering between blocks; without one, a fresh numbering
    that accepts every key is used. ``images`` holds the page's images by key, and records which
    were shown, unknown or misplaced (:class:`images.figures.Figures`); without one, no image key
    is known. ``budget`` (seconds) bounds the parse: past it,
    :class:`RenderTooSlow` is raised and ``citations`` is left as it was. Lists or quotes nested
    deeper than :data:`medsite.limits.MAX_NESTING_DEPTH` go on as text at that depth.
    """
    numbering = citations if citations is not None else CitationNumbering()
    deadline = None if budget is None else time.monotonic() + budget
    figures = images if images is not None else Figures()
    state = _Render(numbering, figures, f"medsitefigure{secrets.token_hex(8)}n", deadline)
    env = {_ENV: state}
    # Citations are numbered as the tokens are written out, after the parse has finished within
    # its budget: a refused render leaves the page's numbering untouched.
    html = _MD.render(text or "", env)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    if state.placed:
        # Figures are written by images.figures from the image's own fields, escaped there.
        clean = re.sub(f"{state.marker}(\\d+)", lambda m: state.placed[int(m.group(1))], clean)
    return mark_safe(clean.rstrip("\n"))  # noqa: S308 - sanitised by nh3 just above


def image_keys(text: str) -> list[str]:
    """The library keys of every ``![alt](image:key)`` in ``text`` (figures and misplaced ones), in
    order: the images a text shows, parsed as :func:`render` parses them."""
    state = _Render(CitationNumbering(), Figures(), "")
    keys = []
    for block in _MD.parse(text or "", {_ENV: state}):
        if block.type == "figure":
            keys.append(block.meta["key"])
        for token in block.children or []:
            if token.type == "image" and (key := library_key(str(token.attrGet("src") or ""))):
                keys.append(key)
    return list(dict.fromkeys(keys))


def markdownify(text: str) -> SafeString:
    """The ``MARKDOWNX_MARKDOWNIFY_FUNCTION`` hook: the same renderer."""
    return render(text)
