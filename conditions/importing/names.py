"""A page's name and its other names: from a title line, a question title or the sentence that
names the condition ("X is …", "X, also called Y, is …", "X (ABBR) occurs when …").

Read from the shape of the text (a short line at the top that the text goes on to mention, a
noun phrase before "is"), not from a list of medical nouns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import sentences

# "X is …", "X occurs when …", "X, also called Y, is …", "X (ABBR) refers to …": the sentence that
# names the page. Written so that a run of spaces is crossed once: the name never ends in a
# space, and the spaces after it are taken possessively (before, one sentence with 3,000 spaces
# in it took 47 s). The name is at most 80 characters, so trying its end positions is bounded.
_NAMING = re.compile(
    r"(?:(?:an?|the)\s++)?(?P<name>[A-Z0-9][^.;:!?,()\[\]]{0,80}?)(?<!\s)"
    r"(?:\s*+\((?P<bracket>[^()]{1,80})\))?"
    r"(?:\s*+,\s*+(?P<aka>(?:also|sometimes|commonly|often|or)\s++[^,;.()]{1,120}?)\s*+,)?\s++"
    r"(?:(?:occurs?|happens?|develops?|starts?|begins?)\s++(?:when|if|because)\b"
    r"|(?:is|are)\b|refers?\s++to\b|means?\b|describes?\b)",
    re.IGNORECASE,
)
# Words that begin a sentence's subject but never a condition's name: pronouns, quantifiers.
_NOT_A_NAME = re.compile(
    r"(?:it|this|that|these|those|there|they|you|your|we|our|my|he|she|his|her|its|their|"
    r"most|many|some|all|each|every|few|several|both|any|no|one|other|such|what|which|who|"
    r"here|now|if|when|while|because|although|people|doctors?|patients?)\b",
    re.IGNORECASE,
)
# A subject that is a topic of the page, not the page's condition ("Treatment is …").
_TOPIC_WORD = re.compile(
    r"(?:signs?|symptoms?|causes?|treatments?|diagnos[ie]s|tests?|risks?|complications?|"
    r"prevention|outlook|prognosis|surgery|medications?|medicines?)\b",
    re.IGNORECASE,
)
_ALSO_CALLED = re.compile(
    r"\b(?:also|sometimes|commonly|often|formerly)\s+(?:called|known\s+as|referred\s+to\s+as|named)\s+",
    re.IGNORECASE,
)
# "Also called: A, B" (a line of its own) and "Other names: …".
_NAMES_LINE = re.compile(
    r"(?:also\s+called|also\s+known\s+as|other\s+names?|alternative\s+names?)\s*:\s*(?P<names>\S.*)",
    re.IGNORECASE,
)
# A heading over a line of other names: "Alternative Names", "Other names", "Also known as".
_NAMES_HEADING = re.compile(
    r"(?:alternative|alternate|other)\s+names?|also\s+(?:called|known\s+as)|synonyms?", re.IGNORECASE
)
# "It is also called Y.", "This condition is sometimes known as Y.": a sentence of its own.
_ALSO_SENTENCE = re.compile(
    r"(?:it|they|this(?:\s+\w+){0,2}|these(?:\s+\w+){0,2})\s+(?:is|are|may\s+be|can\s+be)\s+",
    re.IGNORECASE,
)
_ABBREVIATION = re.compile(r"[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*s?")
_ALIAS_WORDS = re.compile(r"[A-Za-z][A-Za-z' ]{0,60}")
_QUESTION_TITLE = re.compile(r"(?:what|who)\s+(?:is|are)\s+(?:an?\s+)?(?P<name>[^?]{2,80}?)\s*\?", re.I)
_TITLE_SEPARATOR = re.compile(r"\s+[-–—|:]\s+|\s*[|:]\s+")


# "a ganglion cyst, also called a ganglion", "frozen shoulder, known to doctors as adhesive capsulitis":
# two names of one thing anywhere in the opening.
_CALLED_PAIR = re.compile(
    r"(?P<first>[A-Za-z][\w'-]*(?:\s+[\w'-]+){0,4}?)\s*,?\s+"
    r"(?:(?:also|sometimes|commonly|often)\s+(?:called|known\s+as)|known\s+to\s+doctors\s+as|"
    r"(?:medically|clinically)\s+(?:called|known\s+as))\s+"
    r"(?:an?\s+|the\s+)?(?P<second>[A-Za-z][\w'-]*(?:\s+[\w'-]+){0,4}?)(?=\s*[,.;)])",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^.*\b(?:an?|the)\s+", re.IGNORECASE)


def called_pairs(text: str) -> list[tuple[str, str]]:
    """(name, other name) for each "X, also called Y" in ``text``; X is taken after its article."""
    pairs = []
    for match in _CALLED_PAIR.finditer(text):
        first = _ARTICLE.sub("", match["first"]).strip()
        if first and _plausible(match["second"]):
            pairs.append((first, match["second"].strip()))
    return pairs


@dataclass
class Names:
    """What the text says its condition is called, and which lines at the top were the title."""

    name: str | None = None
    also_called: list[str] = field(default_factory=list)
    title_line: int | None = None  # index, among the lines before the text, of the title


def _capitalised(name: str) -> str:
    name = " ".join(name.split())
    return name[:1].upper() + name[1:]


def _plausible(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= 8 and not _NOT_A_NAME.match(name) and not _TOPIC_WORD.match(name)


def infer_name(sentence: str) -> str | None:
    """The condition a sentence like "Carcinoid syndrome occurs when …" names, or None."""
    match = _NAMING.match(sentence.strip())
    if not match or not _plausible(match["name"]):
        return None
    return _capitalised(match["name"])


def _split_names(text: str) -> list[str]:
    """ "A, B or C" -> the names, without a trailing full stop or a leading article."""
    parts = re.split(r"\s*[,;]\s*|\s+or\s+|\s+and\s+", text.strip().rstrip("."))
    names = [re.sub(r"^(?:an?|the)\s+", "", part, flags=re.IGNORECASE) for part in parts]
    return [name for name in names if name and len(name.split()) <= 8]


def _alias_in_brackets(bracket: str) -> list[str]:
    """The other name a bracket after a name gives: "(GERD)", "(gouty arthritis)", "(also called
    …)"; not a pronunciation ("PLAN-tur fas-e-I-tis") or a remark."""
    text = bracket.strip()
    also = _ALSO_CALLED.match(text) or re.match(r"or\s+", text, re.IGNORECASE)
    if also:
        return _split_names(text[also.end() :])
    if _ABBREVIATION.fullmatch(text):
        return [text]
    remark = re.search(r"\b(?:say|pronounced|see|for example)\b", text, re.IGNORECASE)
    if _ALIAS_WORDS.fullmatch(text) and len(text.split()) <= 5 and not remark:
        return [text]
    return []


def names_in_sentence(sentence: str) -> list[str]:
    """The other names a naming sentence gives: in a bracket after the name, "X, also called Y,",
    or "also known as Y" later in the sentence."""
    match = _NAMING.match(sentence.strip())
    if not match or not _plausible(match["name"]):
        return []
    found = _alias_in_brackets(match["bracket"]) if match["bracket"] else []
    if match["aka"]:
        found += _alias_in_brackets(match["aka"])
    rest = sentence[match.end() :]
    if also := _ALSO_CALLED.search(rest):
        found += _split_names(re.split(r"[,;.()]", rest[also.end() :], maxsplit=1)[0])
    return found


def names_line(line: str) -> list[str]:
    """The names an "Also called: A, B" line lists; empty for any other line."""
    match = _NAMES_LINE.fullmatch(line.strip())
    return _split_names(match["names"]) if match else []


def names_heading(line: str) -> bool:
    """Whether a line heads the other names listed under it ("Alternative Names")."""
    return bool(_NAMES_HEADING.fullmatch(line.strip().rstrip(":").rstrip()))


def names_under_heading(line: str) -> list[str]:
    """The names a line under an "Alternative Names" heading lists; empty for a sentence."""
    text = line.strip()
    if re.search(r"[.!?]\s", text) or text[-1:] in "!?:":
        return []
    return _split_names(text)


def _also_sentence(sentence: str) -> list[str]:
    """The names "It is also called Y." gives of the condition named before it."""
    match = _ALSO_SENTENCE.match(sentence.strip())
    if not match:
        return []
    also = _ALSO_CALLED.match(sentence.strip(), match.end())
    if not also:
        return []
    return _split_names(re.split(r"[;.()]", sentence.strip()[also.end() :], maxsplit=1)[0])


def _question_name(line: str) -> str | None:
    match = _QUESTION_TITLE.fullmatch(line.strip())
    if not match or match["name"].casefold().startswith("the "):
        return None
    return match["name"] if _plausible(match["name"]) else None


def _in_text(name: str, text: str) -> str | None:
    """``name`` as the text writes it (its own capitals), if the text mentions it."""
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
    return found.group() if found else None


_BRACKETED = re.compile(r"(?P<name>[^()]{2,80}?)\s*\((?P<other>[^()]{2,80})\)")


def _title_candidates(line: str) -> list[str]:
    """A title line and its parts: "Gout - Symptoms and causes - Example Clinic" -> each part;
    "Hives (urticaria)" -> also "Hives"."""
    parts = [part.strip() for part in _TITLE_SEPARATOR.split(line.strip()) if part.strip()]
    found = [line.strip(), *parts] if len(parts) > 1 else [line.strip()]
    bracketed = _BRACKETED.fullmatch(line.strip())
    return [bracketed["name"], *found] if bracketed else found


def _mentions(name: str, text: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE))


def find_names(top: list[str], opening: list[str], text: str) -> Names:
    """The page's name and other names.

    ``top`` are the lines before the first paragraph (title, navigation, calls to action),
    ``opening`` the first paragraphs and ``text`` the page's text. A title line is one the text
    goes on to speak of (in its opening, or more than once: a navigation line is not); failing
    that, a question title ("What is gout?"), then the first sentence that names a condition.
    """
    first = " ".join(opening)
    sentence_name: str | None = None
    also: list[str] = []
    opening_sentences = sentences(first)[:4]
    for number, sentence in enumerate(opening_sentences):
        if found := infer_name(sentence):
            sentence_name, also = found, names_in_sentence(sentence)
            for after in opening_sentences[number + 1 :]:
                also += _also_sentence(after)
            break
    for line in top:
        also += names_line(line)
    names = Names(also_called=also)
    best: tuple[tuple[bool, bool, bool, int], int, str] | None = None
    # A line the top has twice is the site's navigation ("Pain" in the menu and over the title).
    seen = [line.strip().casefold() for line in top]
    for index, line in enumerate(top):
        if names_line(line):
            continue
        asked = _question_name(line)
        candidates = [asked] if asked else [c for c in _title_candidates(line) if _plausible(c)]
        for candidate in candidates:
            if candidate.endswith("?"):
                continue
            mentions = _mentions(candidate, text) - 1  # the line itself is one
            own = candidate.casefold() == (sentence_name or "").casefold()
            in_opening = _in_text(candidate, first) is not None
            navigation = seen.count(line.strip().casefold()) > 1
            score = (own, not navigation, in_opening, mentions)
            # A question title names its subject; another line must be spoken of again.
            if (own or in_opening or mentions >= (1 if asked else 2)) and (best is None or score > best[0]):
                best = (score, index, candidate)
    if best is not None:
        written = _in_text(best[2], first) or _in_text(best[2], text) or best[2]
        names.name, names.title_line = _capitalised(written), best[1]
        if (bracketed := _BRACKETED.fullmatch(top[best[1]].strip())) and bracketed["name"] == best[2]:
            names.also_called += _alias_in_brackets(bracketed["other"])
        # Another name in brackets on the line under the title: "Hypothyroidism" "(Underactive Thyroid)".
        under = top[best[1] + 1].strip() if best[1] + 1 < len(top) else ""
        if bracket := re.fullmatch(r"\(([^()]{2,80})\)", under):
            names.also_called += _alias_in_brackets(bracket[1])
    names.name = names.name or sentence_name
    for before, second in called_pairs(" ".join(opening)):
        # "a ganglion cyst, also called a ganglion. A ganglion is …": the longer name heads the page.
        if names.name and second.casefold() == names.name.casefold() and not best and _plausible(before):
            names.name = _capitalised(before)
        # "You may have frozen shoulder, known to doctors as adhesive capsulitis."
        if names.name and re.search(rf"(?<!\w){re.escape(names.name)}$", before, re.IGNORECASE):
            names.also_called += _split_names(second)
    if names.name:
        named = names.name.casefold()
        names.also_called = list(dict.fromkeys(n for n in names.also_called if n.casefold() != named))
    return names
