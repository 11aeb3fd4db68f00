"""Citations: ``[@key]`` markers in Markdown, their page-wide numbering, and AMA formatting.

A page numbers its references by first use across the whole page (sections in order, then short
answers); a repeated citation reuses its number. :class:`CitationNumbering` carries that state
through every Markdown block of one page, so the renderer can emit the right number each time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from .models import Reference

KEY_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
# A bracketed group whose first item starts with "@": [@a], [@a; @b], [@a, p. 12].
CITATION_RE = re.compile(r"\[(@[^\[\]\n]+)\]")
_ITEM_RE = re.compile(rf"^\s*@(?P<key>{KEY_PATTERN})\s*(?:,\s*(?P<locator>[^;]*?))?\s*$")


@dataclass(frozen=True)
class Cite:
    key: str
    locator: str = ""


def parse_group(body: str) -> list[Cite] | None:
    """The cites in the inside of one ``[...]`` group, or None if it is not a citation group."""
    cites = []
    for item in body.split(";"):
        match = _ITEM_RE.match(item)
        if not match:
            return None
        cites.append(Cite(match["key"], (match["locator"] or "").strip()))
    return cites


def find_keys(text: str) -> list[str]:
    """Every citation key in ``text``, in order of appearance, repeats included."""
    keys = []
    for match in CITATION_RE.finditer(text or ""):
        for cite in parse_group(match.group(1)) or []:
            keys.append(cite.key)
    return keys


@dataclass
class CitationNumbering:
    """Numbers citations by first use across one page.

    ``references`` maps known keys to references; keys missing from it are recorded in
    ``unknown``. With ``references=None`` every key is accepted (rendering without a page).
    """

    references: Mapping[str, Reference] | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    backlinks: dict[str, list[str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def is_known(self, key: str) -> bool:
        return self.references is None or key in self.references

    def cite(self, key: str) -> tuple[int, str] | None:
        """Number and anchor id of one citation point, or None for an unknown key."""
        if not self.is_known(key):
            if key not in self.unknown:
                self.unknown.append(key)
            return None
        number = self.numbers.setdefault(key, len(self.numbers) + 1)
        points = self.backlinks.setdefault(key, [])
        anchor = f"cite-{number}-{len(points) + 1}"
        points.append(anchor)
        return number, anchor

    @property
    def cited_keys(self) -> list[str]:
        return sorted(self.numbers, key=self.numbers.__getitem__)


def render_group(cites: list[Cite], numbering: CitationNumbering) -> str:
    """HTML for one citation group: superscript numbers linking to the reference list."""
    parts = []
    for cite in cites:
        point = numbering.cite(cite.key)
        if point is None:
            parts.append(
                format_html(
                    '<span class="citation-unknown" title="No reference has this key">[@{}]</span>',
                    cite.key,
                )
            )
            continue
        number, anchor = point
        locator = format_html(" ({})", cite.locator) if cite.locator else ""
        parts.append(
            format_html(
                '<a href="#ref-{0}" id="{1}" aria-label="Reference {0}{3}">{0}</a>{2}',
                number,
                anchor,
                locator,
                f", {cite.locator}" if cite.locator else "",
            )
        )
    return '<sup class="citation">' + ",".join(parts) + "</sup>"


# --- AMA (11th edition) formatting -----------------------------------------------------------

_MONTHS = ("January February March April May June July August September October November December").split()  # noqa: SIM905


def ama_date(value: date) -> str:
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ama_edition(edition: str) -> str:
    edition = edition.strip()
    if edition.isdigit():
        return f"{_ordinal(int(edition))} ed."
    return edition if edition.endswith(".") else f"{edition}."


def ama_authors(authors: list[str]) -> str:
    if len(authors) > 6:
        authors = [*authors[:3], "et al"]
    return ", ".join(authors)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else f"{text}."


def format_reference(ref: Reference) -> SafeString:
    """One reference as an AMA-style HTML fragment (titles of journals and books in italics)."""
    if not (ref.title or ref.container_title) and ref.original_text:
        return escape(ref.original_text)

    out: list[str] = []
    authors = ama_authors(ref.author_list)
    if authors:
        suffix = " (expert opinion)" if ref.kind == ref.Kind.EXPERT_OPINION else ""
        out.append(escape(_sentence(authors + suffix)))
    kind = ref.kind
    if kind == ref.Kind.BOOK:
        if ref.title:
            out.append(format_html("<i>{}</i>", _sentence(ref.title)))
    elif ref.title:
        out.append(escape(_sentence(ref.title)))

    if kind == ref.Kind.JOURNAL_ARTICLE:
        if ref.container_title:
            out.append(format_html("<i>{}</i>.", ref.container_title.rstrip(".")))
        locator = str(ref.year or "")
        if ref.volume:
            locator += f";{ref.volume}"
            if ref.issue:
                locator += f"({ref.issue})"
        if ref.pages:
            locator += f":{ref.pages}"
        if locator:
            out.append(escape(_sentence(locator)))
    else:
        if ref.container_title:
            if kind == ref.Kind.BOOK_CHAPTER:
                out.append(format_html("In: <i>{}</i>.", ref.container_title.rstrip(".")))
            else:
                out.append(escape(_sentence(ref.container_title)))
        if ref.edition:
            out.append(escape(ama_edition(ref.edition)))
        imprint = "; ".join(part for part in (ref.publisher, str(ref.year or "")) if part)
        if imprint:
            out.append(escape(_sentence(imprint)))
    if ref.doi:
        out.append(escape(f"doi:{ref.doi}"))
    elif ref.url:
        if ref.accessed_on:
            out.append(escape(f"Accessed {ama_date(ref.accessed_on)}."))
        out.append(format_html('<a href="{0}">{0}</a>', ref.url))
    if ref.note:
        out.append(escape(_sentence(ref.note)))
    return mark_safe(" ".join(out))  # noqa: S308 - every part above is escaped or format_html
