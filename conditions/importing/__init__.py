"""Importing condition pages from plain text: the two formats of the seed documents.

* A scraped **condition page** (:mod:`.pages`): paragraphs, "•" bullets, a "last updated" date, a
  numbered reference list and the site's boilerplate; sections recognised by what they say.
* A **short-answer card** (:mod:`.cards`): a "Short answer · … · Last updated: DATE" header line,
  then one paragraph per line.

:func:`load_documents` (:mod:`.loading`) reads every file (medsite/textfiles.py) and parses it with
:func:`parse_document`, which is pure (text in, :class:`ImportDocument` out). :func:`write_documents`
(:mod:`.writing`) then writes every document through ``content.write_condition`` in one
transaction, so one bad file writes nothing. :mod:`.text` holds the text helpers both parsers use.
"""

from __future__ import annotations

from medsite.textfiles import ImportProblem

from .documents import CARD, PAGE, ImportDocument
from .loading import Loaded, load_documents, parse_document, read_documents
from .names import infer_name
from .writing import ImportResult, find_condition, refusal, store_references, write_documents

__all__ = [
    "CARD",
    "PAGE",
    "ImportDocument",
    "ImportProblem",
    "ImportResult",
    "Loaded",
    "find_condition",
    "infer_name",
    "load_documents",
    "parse_document",
    "read_documents",
    "refusal",
    "store_references",
    "write_documents",
]
