"""A saved **HTML page**: its main content (found by readability-lxml, which drops navigation,
sidebars, footers and other chrome) laid out as the text the page parser reads — headings on
lines of their own after blank lines, "•" and numbered list items, one paragraph per block — so
the sections are recognised and classified by :mod:`.pages`, as for a text file. What the markup
says outright is taken from it: the name (schema.org JSON-LD, else the ``h1``), other names
(JSON-LD ``alternateName``) and the date (JSON-LD ``lastReviewed``/``dateModified``, else a
``<time datetime>``).

:func:`parse_html_page` is pure: text in, :class:`ImportDocument` out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date

import lxml.html
from lxml import etree
from readability import Document

from medsite.textfiles import ImportProblem

from .documents import ImportDocument
from .pages import parse_condition_page

# The most an HTML page may be: a condition page is tens of kilobytes, and the extractor's work
# grows with the size of the markup.
MAX_HTML_CHARACTERS = 5 * 2**20

_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL
)

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_LISTS = {"ul", "ol"}
# Never content: scripts, forms and their controls, media and what captions it.
_SKIPPED = {
    "script", "style", "noscript", "template", "nav", "form", "button", "select", "textarea",
    "svg", "iframe", "img", "picture", "video", "audio", "figure", "figcaption", "head", "aside",
}  # fmt: skip
_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "table",
    "tr", "td", "th", "thead", "tbody", "dl", "dt", "dd", "address", "details", "summary", "pre",
    "li", "hr", "center", "body", "html",
}  # fmt: skip


def is_html(text: str) -> bool:
    """Whether ``text`` is an HTML document (it starts with a doctype or an ``<html>`` tag)."""
    return bool(_HTML_START.match(text[:4096]))


@dataclass
class _Metadata:
    name: str = ""
    also_called: list[str] = field(default_factory=list)
    updated_on: date | None = None


# The least text a page's own <main> or <article> holds for it to be taken as the content.
_MAIN_TEXT = 200


def _marked_main(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The content the page itself marks as its main one (``<main>``, ``role="main"``, else its one
    ``<article>``), when it holds the text: the publisher's own markup keeps every heading and
    list, where a content extractor guesses and may drop some. Its navigation, forms and asides
    are left out as anywhere (_SKIPPED), the rest of its chrome by the text's boilerplate rules."""
    for path in ("//main", "//*[@role='main']", "//article"):
        found = tree.xpath(path)
        if len(found) == 1 and len(_words(found[0].text_content())) >= _MAIN_TEXT:
            return found[0]
    return None


_MARKUP_END = re.compile(r"</(?:html|body)\s*>\s*(?:<!--.*?-->\s*)*\Z", re.IGNORECASE | re.DOTALL)


@dataclass
class WebPage:
    """A saved page's main content laid out as text, and what its markup says."""

    layout: str
    meta: _Metadata
    heading_levels: dict[str, int] = field(default_factory=dict)  # casefolded text -> 2..6
    whole: bool = True  # the markup reaches its end: a saved page cut short stops before </html>


def read_web_page(text: str, *, source: str) -> WebPage:
    """The main content of a saved HTML page, as the text layout :mod:`.pages` reads."""
    if len(text) > MAX_HTML_CHARACTERS:
        raise ImportProblem(
            f"{source}: is too large for a web page ({len(text) // 2**20} MB of HTML; the limit is "
            f"{MAX_HTML_CHARACTERS // 2**20} MB)."
        )
    try:
        tree = lxml.html.document_fromstring(text)
        main = _marked_main(tree)
        if main is None:
            main = lxml.html.fragment_fromstring(Document(text).summary(html_partial=True))
    except (etree.ParserError, ValueError) as exc:
        raise ImportProblem(f"{source}: is not an HTML page that can be read ({exc}).") from exc
    writer = _layout(main)
    whole = bool(_MARKUP_END.search(text[-2000:]))
    return WebPage("\n".join(writer.text_lines()), _metadata(tree, main), writer.levels, whole)


def parse_html_page(
    text: str | WebPage,
    *,
    source: str,
    title: str | None = None,
    slug: str | None = None,
    repeated: Collection[str] = (),
) -> ImportDocument:
    """A saved HTML condition page -> the same document its text would give, with what its
    markup says of its name, other names and date.

    ``repeated``: lines the other pages of the import share (boilerplate.repeated_lines)."""
    page = read_web_page(text, source=source) if isinstance(text, str) else text
    meta = page.meta
    document = parse_condition_page(
        page.layout,
        source=source,
        title=title,
        slug=slug,
        repeated=repeated,
        markup_name=meta.name or None,
        heading_levels=page.heading_levels,
        whole_markup=page.whole,
    )
    if meta.also_called:
        seen, names = {document.data.name.casefold()}, []
        for name in [*(document.data.also_called or []), *meta.also_called]:
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        document.data.also_called = names
    if meta.updated_on is not None:
        document.data.source_updated_on = meta.updated_on
    return document


# --- what the markup says ------------------------------------------------------------------------


# Words a page's title puts before the condition's name: "About Norovirus", "Understanding gout".
_TITLE_LEAD = re.compile(
    r"^(?:about|all about|facts about|understanding|overview of|living with)\s+(?=\S)", re.IGNORECASE
)


def _metadata(tree: lxml.html.HtmlElement, main: lxml.html.HtmlElement) -> _Metadata:
    meta = _Metadata()
    for thing in _json_ld(tree):
        kinds = thing.get("@type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        if "MedicalCondition" in kinds:
            meta.name = meta.name or _text(thing.get("name"))
            alternate = thing.get("alternateName")
            for name in alternate if isinstance(alternate, list) else [alternate]:
                if _text(name):
                    meta.also_called.append(_text(name))
        # The latest of the dates it gives: a page reviewed, then updated, was updated last.
        for key in ("lastReviewed", "dateModified"):
            found = _iso_date(thing.get(key))
            if found is not None and (meta.updated_on is None or found > meta.updated_on):
                meta.updated_on = found
    if not meta.name:
        h1 = tree.find(".//h1")
        meta.name = _TITLE_LEAD.sub("", _words(h1.text_content())) if h1 is not None else ""
        if bracketed := re.fullmatch(r"(?P<name>[^()]{2,80}?)\s*\((?P<other>[^()]{2,60})\)", meta.name):
            # "Hives (urticaria)": the name, and another name in brackets.
            meta.name = bracketed["name"]
            meta.also_called.append(bracketed["other"])
        if len(meta.name.split()) > 8:
            meta.name = ""  # a headline, not a name: the text's own naming sentence decides
    if meta.updated_on is None:
        for where in (main, tree):
            for time in where.iter("time"):
                if found := _iso_date(time.get("datetime")):
                    meta.updated_on = found
                    return meta
    return meta


def _json_ld(tree: lxml.html.HtmlElement) -> Iterator[dict]:
    """Every schema.org object in the page's JSON-LD blocks, nested ones included."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # a broken block says nothing; the page's text still does
        yield from _objects(data, depth=0)


def _objects(data: object, *, depth: int) -> Iterator[dict]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth=depth + 1)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            if isinstance(value, dict | list):
                yield from _objects(value, depth=depth + 1)


def _text(value: object) -> str:
    return _words(value) if isinstance(value, str) else ""


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _words(text: str) -> str:
    return " ".join(text.split())


# --- the main content as the text layout of a scraped page -------------------------------------


class _Writer:
    """Blocks of text in the layout :mod:`.pages` reads."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.inline: list[str] = []
        self.levels: dict[str, int] = {}  # each heading's text (casefolded) and its level

    def text(self, text: str | None) -> None:
        if text:
            self.inline.append(text)

    def flush(self) -> None:
        paragraph = _words("".join(self.inline))
        self.inline = []
        if paragraph:
            self.lines += ["", paragraph]

    def heading(self, level: int, text: str) -> None:
        self.flush()
        if text:
            # A run of blank lines starts a new topic; a sub-heading stays inside its section.
            self.lines += ["", "", text] if level <= 2 else ["", text]
            self.levels.setdefault(text.casefold(), level)

    def text_lines(self) -> list[str]:
        return self.lines[1:] if self.lines[:1] == [""] else self.lines

    def items(self, items: list[tuple[int, str, str]]) -> None:
        self.flush()
        if items:
            self.lines.append("")
            self.lines += [f"{'  ' * depth}{marker} {text}" for depth, marker, text in items if text]


def _layout(main: lxml.html.HtmlElement) -> _Writer:
    writer = _Writer()
    _walk(main, writer)
    writer.flush()
    return writer


def _tag(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


# Class or id words of the parts of a page that are the site's, not the page's: adverts, share
# and print tools, related links, newsletter and survey boxes, bylines' "trusted source" badges.
_NOT_CONTENT = re.compile(
    r"(?:^|[\s_-])(?:ads?|advert\w*|banner|breadcrumbs?|share|sharing|social|related|promo\w*|sidebar|"
    r"newsletter|cookies?|syndicate|tools|actions|widget|sponsor\w*|skip-link|was-this-helpful|"
    r"feedback|survey|subscribe|comments?|page-url|tagline|logo|read-next|visually-hidden|"
    r"u-visually-hidden|sr-only|hidden|history|trusted)(?:$|[\s_-])",
    re.IGNORECASE,
)


def _not_content(element: etree._Element) -> bool:
    """A part of the page named as the site's, unless it holds the page's text (some sites wrap
    the whole article in a "syndicate" or "share" container)."""
    names = f"{element.get('class', '')} {element.get('id', '')}".strip()
    if not names or not _NOT_CONTENT.search(names):
        return False
    sections = sum(1 for heading in element.iter("h2") if heading is not element)
    return sections < 2 and len(element.text_content()) < 2000


def _walk(element: etree._Element, writer: _Writer) -> None:
    tag = _tag(element)
    if not tag or tag in _SKIPPED or _not_content(element):
        return
    if tag == "h1":
        return  # the page's title: its name is taken from the markup (_metadata)
    if tag in _HEADINGS:
        writer.heading(int(tag[1]), _words(element.text_content()))
        return
    if tag in _LISTS:
        writer.items(list(_items(element, depth=0)))
        return
    if tag == "br":
        writer.text("\n")
        return
    block = tag in _BLOCKS
    if block:
        writer.flush()
    writer.text(element.text)
    for child in element:
        _walk(child, writer)
        writer.text(child.tail)
    if block:
        writer.flush()


def _items(listing: etree._Element, *, depth: int) -> Iterator[tuple[int, str, str]]:
    """(depth, marker, text) of each item of a list, nested lists after their item."""
    ordered = _tag(listing) == "ol"
    number = 0
    for item in listing:
        if _tag(item) != "li":
            continue
        number += 1
        nested = [child for child in item if _tag(child) in _LISTS]
        parts = [item.text or ""]
        for child in item:
            if child not in nested and _tag(child) not in _SKIPPED:
                parts.append(child.text_content())
            parts.append(child.tail or "")
        text = _words("".join(parts))
        yield depth, f"{number}." if ordered else "•", _with_address(item, text)
        for inner in nested:
            yield from _items(inner, depth=depth + 1)


def _with_address(item: etree._Element, text: str) -> str:
    """An item that is one link to another site, with the link's address: "Head lice fact sheet
    (https://…)", as a reference list written out by hand gives it. Links within the site stay
    bare (they are the site's navigation)."""
    links = [link for link in item.iter("a") if _words(link.text_content())]
    if len(links) != 1 or "://" in text:
        return text
    address = (links[0].get("href") or "").strip()
    if not re.match(r"https?://", address) or len(_words(links[0].text_content())) * 2 < len(text):
        return text
    return f"{text} ({address})"
