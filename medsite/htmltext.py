"""What a reader sees of the site's sanitised HTML, as text (the other way from ``medsite.markdown``).

One parser reads rendered HTML (a section, a short answer, a formatted reference) into blocks
(:class:`Block`): a paragraph, list item, heading or table cell each, holding its text, its
citation groups and the ends of its links. Its readers format the blocks as they need:

* :func:`html_to_text`: one line, citation numbers left out, blocks kept apart ("Fever ·
  Headaches"): search, the schema.org JSON-LD and the API's plain reference text;
* :func:`reader_paragraphs`: a line per paragraph or list item ("• Fever"), citations named by
  source key and link targets shown, since a reviewer comparing versions must see them change;
* :func:`blocks` itself: a section's lists, their lead-ins and their items' names, the medical
  facts of the JSON-LD (``conditions.facts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Elements that begin and end a block of text; <br> is a space within one.
BLOCK_TAGS = frozenset({
    "blockquote", "dd", "div", "dt", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre",
    "table", "td", "th", "tr", "ul",
})  # fmt: skip
CELL_TAGS = frozenset({"td", "th"})
# The classes references.citations.render_group writes: a group of citations, and an unknown key.
CITATION_CLASS, UNKNOWN_CITATION_CLASS = "citation", "citation-unknown"


@dataclass(frozen=True)
class Citation:
    """A citation group (``<sup class="citation">``), or an unknown key outside one, as its parts:
    (text, whether the text is a reference number)."""

    parts: tuple[tuple[str, bool], ...]
    group: bool


@dataclass(frozen=True)
class LinkEnd:
    """Where a link ends: its target and its text."""

    href: str
    text: str


Piece = str | Citation | LinkEnd


@dataclass
class Block:
    """A run of text between two block boundaries, as the parser met it."""

    opened_by: str  # the tag that began it ("p", "li"), or that ended the one before ("/p"); "" first
    marker: str = ""  # a list item's "• " or "3. "
    depth: int = 0  # the list items around it, its own included (1: an item of an outer list)
    pieces: list[Piece] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Its text as written, citations left out and nothing else changed."""
        return "".join(piece for piece in self.pieces if isinstance(piece, str))

    def plain(self) -> str:
        """Its text without citations, closed up around them: "claim [1]." reads "claim."."""
        out, after_citation = "", False
        for piece in self.pieces:
            if isinstance(piece, Citation):
                if out[-1:].isspace():
                    out, after_citation = out.rstrip(), True
            elif isinstance(piece, str):
                if after_citation and piece[:1].isalnum():
                    out += " "
                out, after_citation = out + piece, False
        return out

    def reader_text(self, keys_by_number: Mapping[str, str]) -> str:
        """Its text with citations by key ("claim [lee2019, p. 4]") and link targets shown."""
        out = [self.marker]
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif isinstance(piece, LinkEnd):
                # A changed target matters to a reviewer even when the link text stays the same.
                if piece.href and not piece.href.startswith("#") and piece.text.strip() != piece.href:
                    out.append(f" ({piece.href})")
            elif piece.group:
                # Numbers shift whenever a source is cited earlier on the page; the key names it.
                inside = (
                    keys_by_number.get(text.strip(), text)
                    if is_number
                    else text.replace(",", ", ").replace("[", "").replace("]", "")
                    for text, is_number in piece.parts
                )
                out.append(f" [{''.join(inside)}]")
            else:
                out.append("".join(text for text, _ in piece.parts))
        return "".join(out)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks = [Block("")]
        self._lists: list[list] = []  # [tag, items so far] for each open list
        self._depth = 0
        self._link: tuple[str, int] | None = None  # href, and where its text starts in the block
        # The open citation element: its tag, how deep that tag nests, whether it is a group.
        self._citation: list | None = None
        self._parts: list[tuple[str, bool]] = []
        self._in_number = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self._citation is not None:
            self._citation[1] += tag == self._citation[0]
            self._in_number = self._in_number or tag == "a"
            return
        classes = set((attributes.get("class") or "").split())
        if classes & {CITATION_CLASS, UNKNOWN_CITATION_CLASS}:
            self._citation, self._parts = [tag, 1, CITATION_CLASS in classes], []
        elif tag in BLOCK_TAGS:
            self._begin(tag, attributes)
        elif tag == "br":
            self.blocks[-1].pieces.append(" ")
        elif tag == "a":
            self._link = (attributes.get("href") or "", len(self.blocks[-1].pieces))

    def _begin(self, tag: str, attributes: Mapping[str, str | None]) -> None:
        marker = ""
        if tag in {"ul", "ol"}:
            start = attributes.get("start") or ""
            self._lists.append([tag, int(start) - 1 if start.isdigit() else 0])
        elif tag == "li":
            self._depth += 1
            if self._lists:
                self._lists[-1][1] += 1
                kind, number = self._lists[-1]
                marker = "• " if kind == "ul" else f"{number}. "
        self.blocks.append(Block(tag, marker, self._depth))

    def handle_endtag(self, tag: str) -> None:
        if self._citation is not None:
            if tag == "a":
                self._in_number = False
            elif tag == self._citation[0]:
                self._citation[1] -= 1
                if self._citation[1] == 0:
                    self.blocks[-1].pieces.append(Citation(tuple(self._parts), self._citation[2]))
                    self._citation = None
            return
        if tag == "a" and self._link is not None:
            href, start = self._link
            self._link = None
            pieces = self.blocks[-1].pieces
            pieces.append(LinkEnd(href, "".join(p for p in pieces[start:] if isinstance(p, str))))
        elif tag in BLOCK_TAGS:
            if tag in {"ul", "ol"} and self._lists:
                self._lists.pop()
            elif tag == "li":
                self._depth = max(0, self._depth - 1)
            self.blocks.append(Block(f"/{tag}", "", self._depth))

    def handle_data(self, data: str) -> None:
        if self._citation is not None:
            self._parts.append((data, self._in_number))
        else:
            self.blocks[-1].pieces.append(data)


def blocks(html: str) -> list[Block]:
    """The blocks of rendered ``html``, in order (some hold only the spaces between others)."""
    reader = _Reader()
    reader.feed(str(html or ""))
    reader.close()
    return reader.blocks


def _squeeze(text: str) -> str:
    return " ".join(text.split())


# Where plain text puts a " · " between blocks: after a paragraph-like block, and before a list
# (a nested one continues its item's line: "Fever · high or lasting").
_SEPARATING = frozenset({
    "/blockquote", "/dd", "/dt", "/h3", "/h4", "/h5", "/h6", "/li", "/p", "/pre", "/td", "/th", "ol", "ul",
})  # fmt: skip
_ENDS_SENTENCE = ".!?:;·"


def html_to_text(html: str) -> str:
    """Plain text of rendered ``html`` on one line, as a reader would see it, citation numbers left
    out: "Symptoms include: Fever · Headaches · A rash. See a doctor"."""
    text, separate = "", False
    for block in blocks(html):
        separate = separate or block.opened_by in _SEPARATING
        part = _squeeze(block.plain())
        if not part:
            continue
        if text:
            text += " · " if separate and text[-1] not in _ENDS_SENTENCE else " "
        text, separate = text + part, False
    return text.rstrip(" ·")


# Where a reader's paragraph goes on: across a table row's cells, which it joins with " | ".
_WITHIN_PARAGRAPH = frozenset({"div", "/div", "td", "/td", "th", "/th"})


def reader_paragraphs(html: str, keys_by_number: Mapping[str, str] | None = None) -> list[str]:
    """The text of rendered ``html`` as a reader sees it, one string per paragraph or list item
    ("• Aching", "1. Rest"), a table row's cells joined by " | ".

    ``keys_by_number`` turns citation numbers back into reference keys.
    """
    keys = keys_by_number or {}
    lines: list[str] = []
    cells = 0
    for block in blocks(html):
        text = block.reader_text(keys)
        if block.opened_by in CELL_TAGS:
            text, cells = (" | " if cells else "") + text, cells + 1
        elif block.opened_by == "/tr":
            cells = 0
        if lines and block.opened_by in _WITHIN_PARAGRAPH:
            lines[-1] += text
        else:
            lines.append(text)
    return [line for line in map(_squeeze, lines) if line]
