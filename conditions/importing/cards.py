"""A **short-answer card**: a "Short answer · … · Last updated: DATE" header line, then one
paragraph per line (or per blank-line separated block).

:func:`parse_short_answer_card` is pure: text in, :class:`ImportDocument` out.
"""

from __future__ import annotations

import re

from conditions.content import ConditionData, ShortAnswerData
from medsite.textfiles import ImportProblem
from references.parsing import parse_date

from .documents import CARD, ImportDocument
from .names import infer_name
from .text import escape_block, joined, normalise, sentences

_CARD_HEADER = re.compile(r"Short answer\s*·.*", re.IGNORECASE)


def is_short_answer_card(text: str) -> bool:
    first_line = normalise(text).lstrip().split("\n", 1)[0].strip()
    return bool(_CARD_HEADER.fullmatch(first_line))


_LAST_UPDATED = re.compile(r"Last updated:?\s*(?P<date>[^·|]+)$", re.IGNORECASE)
_QUESTION = re.compile(r"(?:What|Why|How|When|Who|Which|Can|Could|Is|Are|Does|Do|Should|Will)\b[^?]{1,250}\?")
_ASKED_ABOUT = re.compile(
    r"What (?:triggers|causes|is|are)\s+(?P<name>[^?]+?)(?:\s+(?:caused by|like|treated))?\?", re.I
)
# The card's crowd lines ("12 people with X have shared …", "… community members are sharing …"):
# not reviewed medical content, so they are not imported.
_COMMUNITY = re.compile(r"\bcommunity members?\b|\bfirst-person experiences?\b", re.IGNORECASE)
# A count of people: from the start of the number, once per number (from each digit of "1,1,1…"
# it was rescanned to its end); "shar…" is looked for once a line, not once a count.
_CROWD = re.compile(
    r"(?<![\d,])(?>[\d,]*?\b\d)[\d,]*+\s+(?:people|persons|patients|members|users)\b", re.IGNORECASE
)
_SHARING = re.compile(r"\bshar(?:e|ed|ing)\b", re.IGNORECASE)


def _is_crowd_line(sentence: str) -> bool:
    """A count of people followed, on its line, by "share…", or a mention of the community."""
    if _COMMUNITY.search(sentence):
        return True
    searched_to = position = 0
    while crowd := _CROWD.search(sentence, position):
        position = crowd.end()
        if position >= searched_to:  # else its line was searched from an earlier count already
            line_end = sentence.find("\n", position)
            searched_to = len(sentence) if line_end < 0 else line_end
            if _SHARING.search(sentence, position, searched_to):
                return True
    return False


_DISCLAIMER = re.compile(r"(?:medical\s+)?disclaimer\s*:", re.IGNORECASE)


def _card_paragraphs(body: str) -> list[str]:
    """Paragraphs: blank-line separated where the card has blank lines, else one per line."""
    chunks = re.split(r"\n\s*\n", body) if re.search(r"\n\s*\n", body) else body.split("\n")
    paragraphs = []
    for chunk in chunks:
        text = joined(chunk.split("\n"))
        if not text or _DISCLAIMER.match(text):
            continue
        kept = [s for s in sentences(text) if not _is_crowd_line(s)]
        if kept:
            paragraphs.append(" ".join(kept))
    return paragraphs


def _split_question(paragraph: str) -> tuple[str, str | None, str]:
    """(answer, question, what follows) of the card's first paragraph."""
    for match in _QUESTION.finditer(paragraph):
        # Only a question that starts a sentence, after the short answer.
        if match.start() and paragraph[: match.start()].rstrip()[-1:] in ".!":
            before, after = paragraph[: match.start()].strip(), paragraph[match.end() :].strip()
            return before, match.group(0), after
    return paragraph, None, ""


def _details(answer: str, rest: list[str]) -> list[str]:
    """The remaining paragraphs without repeats: the card says its first paragraph twice, and the
    answer after its question again at the start of a longer paragraph."""

    def key(text: str) -> str:
        return " ".join(text.split()).casefold()

    seen, kept = {key(answer)}, []
    for index, paragraph in enumerate(rest):
        later = [key(other) for other in rest[index + 1 :]]
        if key(paragraph) in seen or any(other.startswith(key(paragraph)) for other in later):
            continue
        seen.add(key(paragraph))
        kept.append(_without_dangling_intro(paragraph))
    return [paragraph for paragraph in kept if paragraph]


def _without_dangling_intro(paragraph: str) -> str:
    """Drop a closing "… include:" whose list did not survive the copy: it would introduce nothing."""
    parts = sentences(paragraph)
    if parts and parts[-1].endswith(":"):
        parts = parts[:-1]
    return " ".join(parts)


def parse_short_answer_card(
    text: str, *, source: str, title: str | None = None, slug: str | None = None
) -> ImportDocument:
    """A "Short answer · … · Last updated: DATE" card -> one short answer for its condition."""
    header, _, body = normalise(text).lstrip().partition("\n")
    updated = _last_updated(header)
    updated_on = parse_date(updated) if updated else None
    if updated and updated_on is None:
        raise ImportProblem(f"{source}: the card's “Last updated” date “{updated}” is not a date.")
    paragraphs = _card_paragraphs(body)
    if not paragraphs:
        raise ImportProblem(f"{source}: the short-answer card has a header but no answer.")
    answer, question, after = _split_question(paragraphs[0])
    hints = [name for name in (infer_name(sentences(answer)[0]), _asked_about(question)) if name]
    name = (title or (hints[0] if hints else "")).strip()
    if not name:
        raise ImportProblem(
            f"{source}: cannot tell which condition the card is about; give its name with --title."
        )
    details = _details(answer, [after, *paragraphs[1:]] if after else paragraphs[1:])
    short_answer = ShortAnswerData(
        question=question or f"What is {name}?",
        answer=escape_block(answer),
        details="\n\n".join(escape_block(paragraph) for paragraph in details),
        source_updated_on=updated_on,
    )
    return ImportDocument(
        source=source,
        format=CARD,
        data=ConditionData(name=name, slug=slug or "", short_answers=[short_answer]),
        name_hints=list(dict.fromkeys([name, *hints])),
        title_given=bool(title),
    )


def _last_updated(header: str) -> str | None:
    """The date written after the header's "Last updated", if it has one."""
    # Searched for after the header's last "·" or "|" only (a date holds neither): from each
    # earlier "Last updated" the rest of the line was rescanned (quadratic).
    match = _LAST_UPDATED.search(header, max(header.rfind("·"), header.rfind("|")) + 1)
    return (match["date"].rstrip() or match["date"][-1:]) if match else None


def _asked_about(question: str | None) -> str | None:
    match = _ASKED_ABOUT.fullmatch(question or "")
    return match["name"].strip() if match else None
