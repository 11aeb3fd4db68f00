"""Text a copy or crawl damaged: headings run into the text ("SymptomsThe main symptom is…"),
a page flattened onto one line, two columns printed side by side, a file cut off at the end.

What can be mended safely is mended and named in a warning (headings split off, sentences
separated); what cannot is refused with a sentence saying why (:class:`ImportProblem`). A file
cut off at its end is never imported as if it were whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from medsite.textfiles import ImportProblem

_HEADING_WORDS = (
    r"Overview|Summary|Symptoms(?: and causes| & causes)?|Signs and symptoms|Causes|Risk factors|"
    r"Complications|Diagnosis(?: and treatment| & treatment| and tests)?|Tests|Treatment|Treatments|"
    r"Management and treatment|Prevention|Outlook|Prognosis|When to see a doctor|"
    r"Living with [A-Za-z -]{2,40}?|References|Sources"
)
# A heading run into the sentence after it, at the start of a line or after a sentence.
_GLUED_HEADING = re.compile(rf"(?:^|(?<=[.!?]))\s*(?P<heading>{_HEADING_WORDS})(?<=[a-z])(?=[A-Z][a-z])")
# Two sentences with no space between them: "…the joint.The pain…".
_GLUED_SENTENCE = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]{2})")
# A gap of three spaces or more between words: the gutter between two columns.
_GUTTER = re.compile(r"\S {3,}\S")


def _quote(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _line_list(numbers: Sequence[int]) -> str:
    shown = ", ".join(map(str, numbers[:5]))
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")


def mend_glued_text(lines: list[tuple[int, str]], source: str) -> tuple[list[tuple[int, str]], list[str]]:
    """Headings run into their text split onto lines of their own, and sentences run together
    separated; with a warning for each kind of mending. Refuses a page that is one long line."""
    longest = max((len(text) for _, text in lines), default=0)
    glued_headings = [(number, text) for number, text in lines if _GLUED_HEADING.search(text)]
    glued = sum(len(_GLUED_HEADING.findall(text)) for _, text in glued_headings)
    written = sum(1 for _, text in lines if text.strip())
    # A page on a handful of long lines with its headings run in: nothing tells its parts apart.
    flattened = longest > 500 and glued >= 2 and written <= 5
    if flattened or (longest > 3000 and (glued_headings or written < 4)):
        example = f" (“{_quote(glued_headings[0][1])}”)" if glued_headings else ""
        raise ImportProblem(
            f"{source}: the page was flattened by its copy: its text has no paragraph breaks (a "
            f"line of {longest:,} characters){' and its headings run into the text' if example else ''}"
            f"{example}, so its sections cannot be told apart. Save the page again with its line "
            "breaks, or as HTML, and import that."
        )
    warnings = []
    mended: list[tuple[int, str]] = []
    run_together: list[int] = []
    for number, text in lines:
        if _GLUED_SENTENCE.search(text):
            run_together.append(number)
            text = _GLUED_SENTENCE.sub(" ", text)
        if not _GLUED_HEADING.search(text):
            mended.append((number, text))
            continue
        pieces = _GLUED_HEADING.sub(lambda match: f"\n\n{match['heading']}\n\n", text).split("\n")
        if pieces and not pieces[0].strip():
            pieces = pieces[1:]
        mended += [(number, piece.strip() if piece.strip() else "") for piece in pieces]
    if glued_headings:
        numbers = [number for number, _ in glued_headings]
        warnings.append(
            f"headings ran into the text at line {_line_list(numbers)} "
            f"(“{_quote(glued_headings[0][1])}”): they were split off; check the sections."
        )
    if len(run_together) >= 2:
        warnings.append(
            f"sentences ran together without spaces at line {_line_list(run_together)}: "
            "spaces were put back; check the text."
        )
    return mended, warnings


def refuse_merged_columns(lines: Sequence[tuple[int, str]], source: str) -> None:
    """Refuse text printed from two columns side by side: each line holds a piece of both, so
    neither column's sentences can be read in order."""
    # The second column starts at the same place on every line that has text in both.
    starts: dict[int, list[tuple[int, str]]] = {}
    for number, text in lines:
        gap = _GUTTER.search(text)
        if gap and text[: gap.start() + 1].strip() and len(text[: gap.start() + 1].split()) >= 2:
            starts.setdefault(gap.end() - 1, []).append((number, text))
    merged = max(starts.values(), key=len, default=[])
    written = [number for number, text in lines if len(text.split()) >= 3]
    if len(merged) >= 3 and 5 * len(merged) >= len(written):
        first, last = merged[0][0], merged[-1][0]
        raise ImportProblem(
            f"{source}: lines {first}–{last} hold two columns side by side (“{_quote(merged[0][1], 60)}”): "
            "their sentences are interleaved line by line and cannot be put back in order. "
            "Convert the document one column at a time (pdftotext without -layout), or save it as HTML."
        )


_TERMINAL = re.compile(
    r"""[.!?:;)\]}"”’'*…](?:\d{1,3}(?:[,–-]\s?\d{1,3})*)?$"""
)  # a citation number may follow
_URL = re.compile(r"(?:https?://|www\.)\S+$", re.IGNORECASE)
_LIST_MARK = re.compile(r"\s*(?:[•●▪◦‣∙*-]|\d{1,3}[.)])\s+")
# How an unfinished lead-in may end: its list follows.
_LEAD_IN_END = re.compile(r"\b(?:include|includes|including|are|is|such as|following|like)$", re.IGNORECASE)


# The generic top-level domains publishers' links end in (any two letters is a country's).
_DOMAINS = {
    *("com", "org", "net", "gov", "edu", "int", "mil", "info", "biz", "io", "co", "health", "care"),
    *("clinic", "hospital", "doctor", "med", "app", "online", "site", "web", "news", "blog"),
    *("science", "academy", "foundation", "center", "institute", "university", "nhs"),
}


def _cut_url(url: str) -> bool:
    """A link that stops inside its address: its host has no known top-level domain, or it ends
    in a character no address ends in."""
    url = url.rstrip(".;)]")  # the sentence's end, not the address's
    host = re.sub(r"^(?:https?://)", "", url, flags=re.IGNORECASE).split("/", 1)[0].split(":")[0]
    domain = host.rstrip(".").rpartition(".")[2].casefold()
    known = "." in host and (domain in _DOMAINS or re.fullmatch(r"[a-z]{2}", domain) is not None)
    return not known or bool(re.search(r"[-_=&%?#(,]$", url))


# A reference ends in its DOI or PubMed id, without a full stop (AMA puts none after a DOI).
_IDENTIFIER_END = re.compile(r"(?:\bdoi:\s*10\.\d{4,9}/\S+|\bPMID:?\s*\d{1,9}|\bPMCID:?\s*PMC\d+)$", re.I)


def cut_off(last_lines: Sequence[str], *, entries_end_with_stops: bool = False) -> str | None:
    """Why the text looks cut off at its end (``last_lines``: its last lines, in order), or None.

    ``entries_end_with_stops``: the page's other references end with a full stop, so one that
    ends in a bare link was cut inside it.
    """
    lines = [line.strip() for line in last_lines if line.strip()]
    if not lines:
        return None
    last = lines[-1]
    if url := _URL.search(last):
        if _cut_url(url.group()) or (entries_end_with_stops and not _TERMINAL.search(last)):
            return f"it ends inside a link (“…{_quote(last[-40:])}”)"
        return None
    if _TERMINAL.search(last) or _LEAD_IN_END.search(last) or _IDENTIFIER_END.search(last):
        return None
    words = len(_LIST_MARK.sub("", last).split())
    if words >= 8 or last.endswith(("-", ",")) or re.search(r"\b(?:the|a|an|and|or|of|to|with|in)$", last):
        return f"it ends in the middle of a sentence (“…{_quote(last[-40:])}”)"
    return None


def stopped_paragraphs(paragraphs: Sequence[tuple[int, str]]) -> list[int]:
    """Line numbers of long paragraphs, other than the last, that stop mid-sentence: text lost
    inside the page, as when a crawl cut a paragraph short."""
    stopped = []
    for number, text in paragraphs[:-1]:
        text = text.strip()
        if len(text.split()) < 15 or _LIST_MARK.match(text) or _TERMINAL.search(text):
            continue
        if _LEAD_IN_END.search(text) or _URL.search(text):
            continue
        stopped.append(number)
    return stopped
