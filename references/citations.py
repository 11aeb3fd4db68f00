"""Citations: ``[@key]`` markers in Markdown, their page-wide numbering, and AMA formatting.

The AMA formatting itself is in :mod:`references.formatting`; it is re-exported here.

A page numbers its references by first use across the whole page (sections in order, then short
answers); a repeated citation reuses its number. :class:`CitationNumbering` carries that state
through every Markdown block of one page, so the renderer can emit the right number each time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.html import format_html

# AMA formatting lives in its own module; importers of this one keep working.
from .formatting import ama_authors, ama_date, ama_edition, format_reference  # noqa: F401

KEY_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
# A bracketed group whose first item starts with "@": [@a], [@a; @b], [@a, p. 12].
CITATION_RE = re.compile(r"\[(@[^\[\]\n]+)\]")
# Possessive runs, stripped afterwards: "\s*...\s*$" around a lazy locator was quadratic on a long
# run of spaces (20 KB of them took seconds).
_ITEM_RE = re.compile(rf"\s*+@(?P<key>{KEY_PATTERN})\s*+(?:,(?P<locator>[^;]*+))?")


@dataclass(frozen=True)
class Cite:
    key: str
    locator: str = ""


def parse_group(body: str) -> list[Cite] | None:
    """The cites in the inside of one ``[...]`` group, or None if it is not a citation group."""
    cites = []
    for item in body.split(";"):
        match = _ITEM_RE.fullmatch(item)
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

    ``references`` maps known keys to references (the models, or a page's frozen copies of them);
    keys missing from it are recorded in ``unknown``. With ``references=None`` every key is
    accepted (rendering without a page).
    """

    references: Mapping[str, object] | None = None
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
