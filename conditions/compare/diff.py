"""Word-level diff of two texts given as paragraphs, as data the templates lay out.

The only HTML made here (:attr:`TextDiff.html`) is built from escaped text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# A word, a number ("2.5", "1,000") or one punctuation mark, with the spaces before it.
# Punctuation stands apart so that citing a source before a full stop marks only the citation.
_TOKEN = re.compile(r"\s*(?:\w+(?:[.,]\d+)*|[^\w\s])")
# Marks a paragraph break in a token list; tokens never hold one, as paragraphs are single-spaced.
_BREAK = "\n"
_MARKUP = {INSERT: ("ins", "added: "), DELETE: ("del", "removed: ")}


@dataclass(frozen=True)
class Segment:
    op: str  # EQUAL, INSERT or DELETE
    text: str

    @property
    def html(self) -> SafeString:
        if self.op == EQUAL:
            return escape(self.text)
        tag, label = _MARKUP[self.op]
        words = self.text.lstrip()
        # The space before a change stays outside it, so it is not underlined or struck through.
        return format_html(
            '{0}<{1}><span class="visually-hidden">{2}</span>{3}</{1}>',
            self.text[: len(self.text) - len(words)],
            tag,
            label,
            words,
        )


@dataclass
class TextDiff:
    """Paragraphs of segments: the new text with the old one's removed words kept in place."""

    paragraphs: list[list[Segment]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(segment.op != EQUAL for paragraph in self.paragraphs for segment in paragraph)

    @property
    def html(self) -> SafeString:
        return mark_safe(  # noqa: S308 - every segment is escaped or format_html
            "".join(
                format_html("<p>{}</p>", mark_safe("".join(s.html for s in paragraph)))  # noqa: S308
                for paragraph in self.paragraphs
            )
        )


class _DiffBuilder:
    def __init__(self) -> None:
        self.paragraphs: list[list[Segment]] = []
        self._runs: list[tuple[str, list[str]]] = []

    def token(self, op: str, token: str) -> None:
        if token == _BREAK:
            self.end_paragraph()
        elif self._runs and self._runs[-1][0] == op:
            self._runs[-1][1].append(token)
        else:
            self._runs.append((op, [token]))

    def end_paragraph(self) -> None:
        if self._runs:
            self.paragraphs.append([Segment(op, "".join(tokens)) for op, tokens in self._runs])
        self._runs = []

    def paragraph(self, op: str, text: str) -> None:
        self.end_paragraph()
        self.token(op, text)
        self.end_paragraph()


def _tokens(paragraphs: Sequence[str]) -> list[str]:
    tokens: list[str] = []
    for n, paragraph in enumerate(paragraphs):
        tokens += [_BREAK, *_TOKEN.findall(paragraph)] if n else _TOKEN.findall(paragraph)
    return tokens


def _size(tokens: Sequence[str]) -> int:
    return sum(len(token) for token in tokens)


def _readable(opcodes: list[tuple], old: list[str], new: list[str]) -> list[tuple]:
    """Fold a short unchanged run between two replacements into one replacement.

    A rewritten sentence otherwise shows as many small changes around the "the"s and commas the
    versions happen to share. Same rule as diff-match-patch's semantic cleanup: the run is no
    longer than the changes on either side.
    """
    result: list[tuple] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        fold = (
            tag == "equal"
            and 0 < k < len(opcodes) - 1
            and opcodes[k - 1][0] == opcodes[k + 1][0] == "replace"
            and _BREAK not in old[i1:i2]
            and all(
                _size(old[i1:i2]) <= max(_size(old[a1:a2]), _size(new[b1:b2]))
                for _, a1, a2, b1, b2 in (opcodes[k - 1], opcodes[k + 1])
            )
        )
        if (tag != "equal" or fold) and result and result[-1][0] == "replace":
            result[-1] = ("replace", result[-1][1], i2, result[-1][3], j2)
        else:
            result.append(("replace" if fold else tag, i1, i2, j1, j2))
    return result


def _diff_words(builder: _DiffBuilder, old: Sequence[str], new: Sequence[str]) -> None:
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    builder.end_paragraph()
    opcodes = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in _readable(opcodes, old_tokens, new_tokens):
        if op == "equal":
            for token in old_tokens[i1:i2]:
                builder.token(EQUAL, token)
            continue
        for token in old_tokens[i1:i2]:
            builder.token(DELETE, token)
        for token in new_tokens[j1:j2]:
            builder.token(INSERT, token)
    builder.end_paragraph()


def diff_paragraphs(old: Sequence[str], new: Sequence[str]) -> TextDiff:
    """Word-level diff of two texts given as paragraphs.

    Paragraphs are matched first, so unchanged ones stay whole and long texts stay fast; only the
    runs of paragraphs that differ are compared word by word.
    """
    old, new = list(old), list(new)
    builder = _DiffBuilder()
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            for paragraph in old[i1:i2]:
                builder.paragraph(EQUAL, paragraph)
        elif op == "delete":
            for paragraph in old[i1:i2]:
                builder.paragraph(DELETE, paragraph)
        elif op == "insert":
            for paragraph in new[j1:j2]:
                builder.paragraph(INSERT, paragraph)
        else:
            _diff_words(builder, old[i1:i2], new[j1:j2])
    return TextDiff(builder.paragraphs)
