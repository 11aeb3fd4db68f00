"""DOIs and PubMed ids in one canonical form, so the same source is recognised however written.

People paste identifiers as reference lists, publishers' pages and PubMed print them: as URLs
(old and new resolvers, with tracking query strings), with a "doi:" or "PMID:" label, percent-
encoded, with PubMed's "[Indexed for MEDLINE]" trailer or a full stop of the sentence they ended.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from medsite.validators import describe

# A DOI is "10.<registrant>/<suffix>"; the registrant is ASCII digits, the suffix any visible
# characters.
_DOI = re.compile(r"(10\.[0-9]{4,9}/\S+)", re.IGNORECASE)
# What comes before the DOI: a resolver's address (doi.org, dx.doi.org, www.doi.org, with or
# without a scheme), or a label ("doi:", "DOI 10…", "info:doi/").
_DOI_URL = re.compile(r"^(?:https?://)?(?:dx\.|www\.)?doi\.org/", re.IGNORECASE)
_DOI_LABEL = re.compile(r"^(?:info:doi/|doi\s*:\s*|doi\s+(?=10\.))", re.IGNORECASE)
# PubMed's LID/AID "[doi]" tag, left on by a copy from a MEDLINE record.
_DOI_TRAILER = re.compile(r"\s*\[doi\]$", re.IGNORECASE)
# A query string a link picks up on the way (ScienceDirect's "?via%3Dihub", "?utm_source=…"):
# "?" then name=value pairs. Read after percent-decoding, so "%3D" is "=".
_QUERY = re.compile(r"\?[\w.\-~%]+=[^/\s]*$")

# "PMID: 12345678", "PMID:12345678", "PMID 12345678", or a PubMed address: the current
# pubmed.ncbi.nlm.nih.gov/N/ and the old www.ncbi.nlm.nih.gov/pubmed/N and /pubmed/?term=N.
_PMID_PREFIX = re.compile(
    r"^(?:pmid\s*:?\s*"
    r"|(?:https?://)?pubmed\.ncbi\.nlm\.nih\.gov/"
    r"|(?:https?://)?(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/?(?:\?(?:term|cmd=\w+&term)=)?)",
    re.IGNORECASE,
)
# What PubMed prints after a PMID: "[Indexed for MEDLINE]", "[PubMed]", "[PubMed - in process]".
_PMID_TRAILER = re.compile(r"\s*\[(?:indexed for medline|pubmed[^\]]*)\]\s*$", re.IGNORECASE)
_PMID = re.compile(r"(\d{1,9})/?(?:\?[^\s]*)?")


class InvalidIdentifier(ValueError):
    """The text is not a DOI or PMID."""


def normalize_doi(value: str) -> str:
    """``"https://doi.org/10.1000/ABC."`` -> ``"10.1000/abc"``; empty stays empty.

    DOIs are case-insensitive, so the canonical form is lower case. Resolver addresses, labels,
    percent-encoding, tracking query strings and trailing sentence punctuation are dropped.
    """
    text = (value or "").strip()
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
    text = _DOI_TRAILER.sub("", text)
    was_url = bool(_DOI_URL.match(text))
    text = _DOI_URL.sub("", _DOI_LABEL.sub("", text))
    if was_url:
        text = text.split("#", 1)[0]
    if re.search(r"%[0-9A-Fa-f]{2}", text):
        text = unquote(text)
    text = _QUERY.sub("", text).rstrip(".,;")
    match = _DOI.fullmatch(text)
    if not match:
        raise InvalidIdentifier(f"“{value}” is not a DOI (a DOI looks like 10.1000/xyz123).")
    return match.group(1).lower()


def normalize_pmid(value: str) -> str:
    """``"PMID: 012345 [Indexed for MEDLINE]"`` -> ``"12345"``; empty stays empty."""
    text = (value or "").strip()
    if not text:
        return ""
    text = _PMID_TRAILER.sub("", text).rstrip(".;, ")
    match = _PMID.fullmatch(_PMID_PREFIX.sub("", text))
    if not match:
        raise InvalidIdentifier(f"“{value}” is not a PubMed id (a PMID is a number, e.g. 31234567).")
    return str(int(match.group(1)))
