"""Lists of a scraped page: bulleted and numbered items in every common form, bare lines after a
lead-in ("… include:"), lead phrases ("Pain. …", "Pain: …") and continuation paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .headings import heading_shape, is_question
from .text import escape_inline

# "•", "-", "*", "–", "▪", a PDF's private-use bullet, "1." or "1)": a marker, a space, the text.
_MARKER = re.compile(
    r"(?P<indent> *)(?:(?P<bullet>[•●▪◦‣∙·■□➢►✓*\-–—\uf0a7\uf0b7])|(?P<number>\d{1,3})[.)])"
    r"\s+(?P<text>\S.*)"
)
_LEAD = re.compile(r"(?P<lead>[^.?!:]{2,60}[.:])\s+(?P<rest>\S.*)")
# A lead-in announces a list: it ends in ":", or in "include", "are", "such as", "the following".
_LEAD_IN = re.compile(
    r"(?::|\b(?:include|includes|including|are|such as|as follows|following|these|like)\s*:?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Marker:
    indent: int
    ordered: bool
    text: str


def marker(line: str) -> Marker | None:
    """The list marker a line starts with, or None."""
    match = _MARKER.fullmatch(line)
    if not match:
        return None
    return Marker(len(match["indent"]), match["number"] is not None, match["text"].strip())


@dataclass
class Item:
    text: str
    continuations: list[str] = field(default_factory=list)


@dataclass
class List:
    items: list[Item]
    ordered: bool = False
    indent: int = 0  # of its markers: a paragraph indented deeper continues the last item
    bare: bool = False  # lines after a lead-in, without markers


def is_lead_in(text: str) -> bool:
    return bool(_LEAD_IN.search(text.rstrip()))


def lead(text: str) -> re.Match[str] | None:
    """The lead phrase of an item ("Pain." of "Pain. Sharp, in the heel"), if short enough."""
    match = _LEAD.fullmatch(text)
    return match if match and len(match["lead"].split()) <= 6 else None


def bare_item(text: str) -> bool:
    """Whether a line after a lead-in reads as an item of the list it announces: a fragment
    ("Heel pain"), an item with a lead ("Age. It is most common …"), or a short sentence."""
    if is_question(text):
        return False
    if heading_shape(text) or lead(text):
        return True
    # A fragment with no closing stop ("people over age 40"), a short one with a full stop
    # ("Pain under the heel."), or one going on in lower case ("a swollen joint;"); a sentence
    # with a capital is the text after the list.
    words = len(text.split())
    if text[-1:] not in ".!?:;," and (words <= 15 or (text[:1].islower() and words <= 30)):
        return True  # a longer fragment going on in lower case is an item too, not a sentence
    return text[-1:] in ".;," and (words <= 6 or (words <= 15 and text[:1].islower()))


def list_markdown(items: List) -> str:
    lines = []
    for number, item in enumerate(items.items, start=1):
        marker_text = f"{number}." if items.ordered else "-"
        found = None if items.ordered else lead(item.text)
        if found:
            text = f"**{escape_inline(found['lead'])}** {escape_inline(found['rest'])}"
        else:
            text = escape_inline(item.text)
        entry = f"{marker_text} {text}"
        if item.continuations:
            # Indented four spaces, the paragraph stays inside its list item.
            entry += "".join(f"\n\n    {escape_inline(more)}" for more in item.continuations) + "\n"
        lines.append(entry)
    return "\n".join(lines).rstrip("\n")
