"""What a parsed file is, before anything is looked up in the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from conditions.content import ConditionData

# The two formats a document can be in.
PAGE, CARD = "condition page", "short-answer card"


@dataclass
class ImportDocument:
    """One parsed file: what it would write, before anything is looked up in the database."""

    source: str
    format: str
    data: ConditionData
    references: list[dict] | None = None  # parse_reference() results, in the page's order
    name_hints: list[str] = field(default_factory=list)  # names the text gives its condition
    title_given: bool = False
