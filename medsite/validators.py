"""Validators for text fields: what may be in one line of text, and in a list kept one item a line.

A name with a line break in it breaks what it is copied into: an email's subject (Django refuses
the header), a feed title, a log line, a file. Control characters are invisible in the admin and
mean nothing in a name. So single-line fields refuse every C0 and C1 control character (CR, LF,
TAB and NUL among them) and the Unicode line and paragraph separators; fields kept one item a
line allow line breaks between items, and nothing else of the kind.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

# C0 controls, DEL, C1 controls, LINE SEPARATOR and PARAGRAPH SEPARATOR.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, less the line breaks of a list kept one item a line ("\n", and "\r" of a browser's "\r\n").
_CONTROL_WITHIN_LINES = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_NAMES = {
    "\t": "tab",
    "\n": "line feed",
    "\r": "carriage return",
    "\x00": "NUL",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
}


def describe(character: str) -> str:
    """A character that cannot be seen, named so a person can find it: ``"U+000D (carriage return)"``."""
    kind = {"Cc": "control character", "Zs": "space"}.get(
        unicodedata.category(character), "invisible character"
    )
    return f"U+{ord(character):04X} ({_NAMES.get(character, kind)})"


def validate_single_line(value: str) -> None:
    """Refuse line breaks, tabs and other control characters in one line of text."""
    match = CONTROL_CHARACTERS.search(value or "")
    if match:
        raise ValidationError(
            "Write this on one line, without line breaks, tabs or other control characters; "
            "it holds %(character)s.",
            code="control_character",
            params={"character": describe(match.group())},
        )


def validate_lines(value: str) -> None:
    """Refuse tabs and other control characters in a list kept one item a line (line breaks are fine)."""
    match = _CONTROL_WITHIN_LINES.search(value or "")
    if match:
        raise ValidationError(
            "Put one item on each line, without tabs or other control characters; it holds %(character)s.",
            code="control_character",
            params={"character": describe(match.group())},
        )
