"""One line of text refuses control characters; a list kept one item a line allows only line breaks."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from medsite.validators import validate_lines, validate_single_line

CONTROLS = {
    "\r\n": "U+000D (carriage return)",
    "\n": "U+000A (line feed)",
    "\r": "U+000D (carriage return)",
    "\t": "U+0009 (tab)",
    "\x00": "U+0000 (NUL)",
    "\x0b": "U+000B",
    "\x1b": "U+001B",
    "\x7f": "U+007F",
    "\x85": "U+0085",
    "\x9b": "U+009B",
    "\u2028": "U+2028 (line separator)",
    "\u2029": "U+2029 (paragraph separator)",
}


@pytest.mark.parametrize(("control", "named"), CONTROLS.items())
def test_one_line_refuses_each_control_character_naming_it(control, named):
    with pytest.raises(ValidationError) as caught:
        validate_single_line(f"Gout{control}Bcc: victim@example.org")
    assert named in caught.value.messages[0]
    assert "on one line" in caught.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "Gout",
        "Sjögren’s syndrome – primary",
        "Ménière disease (idiopathic)",
        "Jane Doe, MD",
        "α-thalassaemia",
        "",
    ],
)
def test_one_line_accepts_names_in_any_script(text):
    validate_single_line(text)


def test_a_list_one_item_a_line_accepts_line_breaks_as_a_browser_sends_them():
    validate_lines("Podagra\r\nGouty arthritis\nUrate crystal disease")


@pytest.mark.parametrize("control", ["\t", "\x00", "\x1b", "\x0c", "\x85", "\u2028", "\u2029"])
def test_a_list_one_item_a_line_refuses_other_control_characters(control):
    with pytest.raises(ValidationError, match="one item on each line"):
        validate_lines(f"Podagra\nGouty{control}arthritis")
