"""What a parsed file is, before anything is looked up in the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from conditions.content import ConditionData

# The two formats a document can be in.
PAGE, CARD = "condition page", "short-answer card"


@dataclass
class ImportDocument:
    """One parsed file: what it would write, before anything is looked up in the database."""

    source: str  # as the report names it: the file's name, or the URL
    format: str
    data: ConditionData
    references: list[dict] | None = None  # parse_reference() results, in the page's order
    name_hints: list[str] = field(default_factory=list)  # names the text gives its condition
    title_given: bool = False
    # Where it was read from, recorded on the page it writes (Condition.import_source): the
    # file's absolute path, or the URL. A later import matches the page by it.
    origin: str = ""
    warnings: list[str] = field(default_factory=list)  # sentences the import's report prints under the file
    dropped: list[tuple[int, str]] = field(default_factory=list)  # (line number, text) of chrome left out
