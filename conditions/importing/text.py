"""Plain-text helpers both parsers share: normalising a file's text, splitting sentences and
escaping plain text into Markdown. The sentence that names a condition is read in names.py."""

from __future__ import annotations

import re


def normalise(text: str) -> str:
    """Unix newlines, no tabs or no-break spaces, no trailing spaces: what the parsers expect.

    Every line break Unicode knows (CR, CR LF, form feed, the line and paragraph separators) is
    read as one, so none reaches a name or a paragraph.
    """
    text = "\n".join(text.splitlines()).replace("\t", "    ").replace("\x1f", " ")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[\"“(]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


_MD_INLINE = re.compile(r"([\\`*_\[\]])")
# "<" may open a tag, a comment or an autolink, "&" an entity such as "&lt;": in plain text they
# are the characters themselves ("<120 mm Hg & >75 years"), so they are written as entities.
_MD_HTML = re.compile(r"<|&(?=#?[0-9A-Za-z]+;)")


def escape_inline(text: str) -> str:
    """Plain text made literal inside Markdown (emphasis, links, code, ``[@key]`` and HTML characters)."""
    text = _MD_INLINE.sub(r"\\\1", text)
    return _MD_HTML.sub(lambda match: "&lt;" if match.group() == "<" else "&amp;", text)


def escape_block(text: str) -> str:
    """Plain text as a Markdown paragraph: also not read as a heading, quote or list."""
    text = escape_inline(text)
    match = re.match(r"(\d+)([.)])(\s)", text)
    if match:
        return f"{match[1]}\\{match[2]}{text[len(match[1]) + 1 :]}"
    return "\\" + text if text[:1] in "#>+-" else text


def joined(lines: list[str]) -> str:
    """A paragraph's lines as one line of text."""
    return " ".join(line.strip() for line in lines if line.strip())
