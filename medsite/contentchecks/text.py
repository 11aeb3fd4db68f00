"""The sentences and words of rendered text, as the content checks count them.

Text is read as a reader sees it: the one renderer's HTML (``medsite.markdown``) read back by the
one HTML-to-text helper (``medsite.htmltext.blocks``), so Markdown marks, link targets and citation
numbers are never counted as words. Each block (a paragraph, list item, heading or table cell) ends
a sentence, so a bulleted list is read as short items, not as one long run-on sentence.

Everything here is a single pass over the text, with no regular expression that can backtrack
over a run of characters: 20,000 characters of anything take milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from medsite.htmltext import blocks

# A word: letters or digits, joined by apostrophes or hyphens ("don't", "anti-inflammatory"), by a
# point or comma between digits ("2.5", "1,000"), and by the points of an abbreviation ("e.g.",
# "a.m."). Each repetition must consume a joiner and then at least one letter or digit, so a match
# never backtracks over what it has read.
WORD = re.compile(r"[^\W_]+(?:(?:['’\-]|(?<=\d)[.,](?=\d)|\.(?=[^\W\d_]\.))[^\W_]+)*")

# Abbreviations that end in a point without ending the sentence ("Dr. Okafor", "et al. Then"),
# written without their last point and in lower case. Not "no": "Is it catching? No. It is not."
ABBREVIATIONS = frozenset({
    "al", "approx", "ca", "cf", "dr", "e.g", "eg", "fig", "i.e", "ie", "jr", "mr", "mrs", "ms",
    "prof", "sr", "st", "vs",
})  # fmt: skip
_CLOSING = "\"'”’)]"
_OPENING = "\"'“‘(["
_ENDS = ".!?…"


def words(text: str) -> list[str]:
    """The words of ``text``, as written."""
    return WORD.findall(text)


def normal(word: str) -> str:
    """A word as the checks compare it: lower case, with a straight apostrophe."""
    return word.lower().replace("’", "'")


def _ends_sentence(chunk: str, following: str) -> bool:
    """Whether a sentence ends after ``chunk`` (a run of text without spaces), given the chunk after it."""
    bare = chunk.rstrip(_CLOSING)
    if not bare or bare[-1] not in _ENDS:
        return False
    start = following.lstrip(_OPENING)[:1]
    if not (start.isupper() or start.isdigit()):
        return False  # "e.g. ibuprofen", "about 2.5 mg. then": a sentence goes on in lower case
    return bare[-1] != "." or bare.rstrip(".").lower() not in ABBREVIATIONS


def split_sentences(text: str) -> Iterator[str]:
    """The sentences of one block of text, white space squeezed."""
    chunks = text.split()
    start = 0
    for index, chunk in enumerate(chunks):
        following = chunks[index + 1] if index + 1 < len(chunks) else ""
        if not following or _ends_sentence(chunk, following):
            yield " ".join(chunks[start : index + 1])
            start = index + 1


def sentences(html: str) -> list[str]:
    """The sentences of rendered ``html``, in reading order: each block's, split where one ends."""
    found: list[str] = []
    for block in blocks(html):
        found.extend(sentence for sentence in split_sentences(block.plain()) if words(sentence))
    return found
