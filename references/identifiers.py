"""DOIs and PubMed ids in one canonical form, so the same source is recognised however written."""

from __future__ import annotations

import re

from medsite.validators import describe

# A DOI is "10.<registrant>/<suffix>"; people write it as a URL, with "doi:", in any case. The
# registrant is ASCII digits; the suffix any visible characters.
_DOI = re.compile(r"(10\.[0-9]{4,9}/\S+)", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^\s*(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_PMID = re.compile(r"^\s*(?:pmid:?\s*|https?://pubmed\.ncbi\.nlm\.nih\.gov/)?(\d{1,9})/?\s*$", re.IGNORECASE)


class InvalidIdentifier(ValueError):
    """The text is not a DOI or PMID."""


def normalize_doi(value: str) -> str:
    """``"https://doi.org/10.1000/ABC."`` -> ``"10.1000/abc"``; empty stays empty.

    DOIs are case-insensitive, so the canonical form is lower case; trailing sentence
    punctuation pasted with one is dropped.
    """
    text = _DOI_PREFIX.sub("", (value or "").strip())
    if not text:
        return ""
    # Control characters, and the invisible ones a DOI copied from a web page or PDF can carry
    # (zero-width spaces, soft hyphens): the same DOI would otherwise be stored twice.
    hidden = next((character for character in text if not character.isprintable()), None)
    if hidden is not None:
        visible = "".join(character for character in value if character.isprintable())
        raise InvalidIdentifier(
            f"“{visible}” is not a DOI: it holds {describe(hidden)}, which no DOI has; type it again."
        )
    match = _DOI.fullmatch(text.rstrip(".,;"))
    if not match:
        raise InvalidIdentifier(f"“{value}” is not a DOI (a DOI looks like 10.1000/xyz123).")
    return match.group(1).lower()


def normalize_pmid(value: str) -> str:
    """``"PMID: 012345"`` -> ``"12345"``; empty stays empty."""
    if not (value or "").strip():
        return ""
    match = _PMID.match(value)
    if not match:
        raise InvalidIdentifier(f"“{value}” is not a PubMed id (a PMID is a number, e.g. 31234567).")
    return str(int(match.group(1)))
