"""The importer's corpus: condition pages in the layouts of many publishers and eras, each with
what importing it must give (tests/conditions/importing/test_corpus.py).

Every page is written for the tests, in our own words: the layouts (navigation, headings, lists,
dates, reference lists, site chrome) are those of real publishers, the sentences are not. A sample
is a file (``mayo_old_gout.txt``, ``cleveland_psoriasis.html``) and, beside it, the expected
result ``<name>.expected.json``; ``"file"`` points elsewhere (``"../bursitis_page.txt"``) when the
page belongs to tests/samples/ itself. The fields, each checked by its own test, and a test only
for the samples that have the field:

* ``publisher`` and ``covers``: the layout, and the difficulties the page shows (for people).
* ``name``, ``also_called``: the condition's name and other names (compared ignoring case).
* ``sections``: in order, ``{"heading", "kind", "bullets", "subheadings"}``: the heading on the
  page (null when the page has none: the section is found by what it says), the Section kind,
  the number of top-level list items in the section, and the sub-headings it keeps.
* ``not_headings``: lines that look like headings (captions, calls to action, contents lines)
  but must not become a section's heading or a sub-heading.
* ``present``: phrases of the text that must reach the content (after joining wrapped and
  hyphenated lines), ``absent``: site chrome that must not (in content or references).
* ``references``: how many references the page lists; ``cited``: which of them (numbered from 1
  in the page's order) the text cites once imported; ``stray``: the source's citation markers
  and broken words, none of which may be left in the content.
* ``date``: the page's own date (ISO), or null when it has none; a month alone is its first day.
* ``damage``: for hopeless input (cut off, flattened, merged columns): the file is refused, or
  imported with a warning, and the message names the damage with one of these words.
* ``same_name_as`` and ``identity_refusal``: this page names the same condition as another
  sample from a different source; importing it after that one must write nothing, and the
  refusal must contain each of these phrases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent
EXPECTED_SUFFIX = ".expected.json"
# Every field an expected file may have: a misspelt one would silently test nothing.
FIELDS = {
    "file",
    "publisher",
    "covers",
    "name",
    "also_called",
    "sections",
    "not_headings",
    "present",
    "absent",
    "references",
    "cited",
    "stray",
    "date",
    "damage",
    "same_name_as",
    "identity_refusal",
}
SECTION_FIELDS = {"heading", "kind", "bullets", "subheadings"}


@dataclass(frozen=True)
class CorpusSample:
    id: str
    path: Path
    expected: dict[str, Any]

    def __str__(self) -> str:
        return self.id


def _page_for(expected_file: Path, expected: dict[str, Any]) -> Path:
    stem = expected_file.name.removesuffix(EXPECTED_SUFFIX)
    if "file" in expected:
        return (expected_file.parent / expected["file"]).resolve()
    found = [path for path in expected_file.parent.glob(f"{stem}.*") if path != expected_file]
    assert len(found) == 1, f"{stem}: expected one page beside {expected_file.name}, found {found}"
    return found[0]


def corpus() -> list[CorpusSample]:
    """Every sample of the corpus, by name."""
    samples = []
    for expected_file in sorted(CORPUS.glob(f"*{EXPECTED_SUFFIX}")):
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        sample_id = expected_file.name.removesuffix(EXPECTED_SUFFIX)
        samples.append(CorpusSample(sample_id, _page_for(expected_file, expected), expected))
    return samples
