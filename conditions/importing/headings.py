"""Headings of a scraped page, and the section kind a heading or a run of text is about.

A heading is recognised by its shape (a short line, no full stop, a capital first), not by its
words; its words then say which kind of section it opens. A topic word counts only at the head of
the heading ("Symptoms of gout", "Gout symptoms", "How is gout treated?"), so a call to action
("Find a doctor who treats gout") or a caption ("Gout in the big toe") announces no kind.
"""

from __future__ import annotations

import re

from conditions.models import Section

Kind = Section.Kind

# Headings by what they announce, the more specific first ("Risk factors" before "factors").
_HEADING_KINDS = [
    # Parts of a page on no one topic: its questions and answers, research, a closing note.
    (
        r"(?:frequently asked|(?:additional |other )?common) questions\b|faqs?\b|questions and answers\b|"
        r"questions to ask\b|"
        r"clinical trials?\b|research\b|a note from\b|the bottom line\b|key points\b|takeaways?\b",
        Kind.OTHER,
    ),
    (r"when (?:to|should (?:i|you)) (?:see|call|contact|seek|get|visit)\b", Kind.WHEN_TO_SEE_A_DOCTOR),
    (
        r"(?:see|call|contact|speak to|talk to|ask) (?:a|an|your|my) (?:urgent )?"
        r"(?:doctor|gp|health ?care|pharmacist|nurse|midwife|dentist|specialist)\b|"
        r"(?:call|phone) (?:999|911|111)\b|go to (?:a&e|the emergency)|where to get help\b|getting help\b|"
        r"get (?:urgent|emergency) (?:help|care)\b",
        Kind.WHEN_TO_SEE_A_DOCTOR,
    ),
    (
        r"risk factors?\b|at risk\b|more likely\b|risk of\b|who (?:gets|is affected|can get|may get)\b",
        Kind.RISK_FACTORS,
    ),
    (r"symptoms?\b|signs\b|check if you have\b|how to tell if\b", Kind.SYMPTOMS),
    (
        r"causes?\b|caused\b|triggers?\b|how (?:you|people|do you|does one) (?:get|catch)\b|"
        r"(?:how (?:[\w-]+ ){1,3})?spreads?\b|transmission\b|contagious\b|infectious\b",
        Kind.CAUSES,
    ),
    (r"complications?\b", Kind.COMPLICATIONS),
    (r"diagnos\w*|tests?\b|exams?\b|screening\b", Kind.DIAGNOSIS),
    (r"treat\w*|therap\w*|medications?\b|medicines?\b|management\b|managed\b|surgery\b", Kind.TREATMENT),
    (r"prevent\w*|vaccin\w*|immuni[sz]\w*", Kind.PREVENTION),
    (
        r"living with\b|coping\b|cope\b|lifestyle\b|home remedies\b|self[- ]care\b|self[- ]help\b|"
        r"support\b|outlook\b|prognosis\b|diet\b|nutrition\b|eating\b|things you can do\b|"
        r"look after (?:yourself|myself|your [\w-]+|my [\w-]+)\b|take care of (?:yourself|myself)\b|"
        r"care for (?:your|my) [\w-]+\b|how can (?:parents|carers|family|i|you) help\b|exercises?\b",
        Kind.LIVING_WITH,
    ),
    (r"overview\b|about\b|definition\b|summary\b|introduction\b", Kind.OVERVIEW),
]
_HEADING_PATTERNS = [
    (re.compile(rf"\b(?:{pattern})", re.IGNORECASE), kind) for pattern, kind in _HEADING_KINDS
]
# Words a heading may start with before its topic: "What are the symptoms …", "Signs and …".
_LEADING = {
    "what",
    "how",
    "when",
    "who",
    "why",
    "which",
    "can",
    "could",
    "is",
    "are",
    "do",
    "does",
    "should",
    "will",
    "i",
    "you",
    "we",
    "the",
    "a",
    "an",
    "of",
    "and",
    "&",
    "to",
    "for",
    "common",
    "main",
    "possible",
    "other",
    "its",
    "their",
    "your",
    "my",
    "early",
}
_QUESTION_WORDS = re.compile(
    r"(?:what|how|why|when|who|which|where|can|could|is|are|does|do|should|will|am)\b", re.IGNORECASE
)
_SENTENCE_INSIDE = re.compile(r"[.!?;]\s+[A-Z]")
_WORD = re.compile(r"[\w&'’-]+")


def heading_shape(text: str) -> bool:
    """Whether a line is shaped like a heading: short, a capital first, no closing full stop,
    one sentence at most. Questions may be a little longer."""
    text = text.strip()
    words = text.split()
    limit = 16 if text.endswith("?") else 12
    if not 0 < len(words) <= limit or len(text) > 120:
        return False
    if not (text[:1].isupper() or (text[:1].isdigit() and len(words) > 1)):
        return False
    if text[-1] in ".,;:!" or text.endswith("…") or _SENTENCE_INSIDE.search(text):
        return False
    return not re.search(r"https?://|www\.|@|\|", text)


_QUESTIONS_HEADING = re.compile(
    r"(?:frequently asked|(?:additional |other )?common) questions|faqs?|questions and answers",
    re.IGNORECASE,
)


def heads_questions(text: str) -> bool:
    """Whether a heading opens a list of questions ("Frequently asked questions"), which are then
    its sub-headings, not sections of their own."""
    return bool(_QUESTIONS_HEADING.fullmatch(text.strip().rstrip(":").strip()))


def is_question(text: str) -> bool:
    text = text.strip()
    return text.endswith("?") and bool(_QUESTION_WORDS.match(text))


def heading_kind(text: str) -> str | None:
    """The kind a heading announces, or None. Its topic word must come first, after question and
    joining words ("What are the symptoms of …", "Gout symptoms"), except in a question, which
    is about one thing however it is phrased ("How is gout diagnosed?")."""
    if is_question(text):
        return _question_kind(text)
    # The topic word may follow the condition's name ("Gout symptoms"): within three words
    # after the joining words a heading starts with ("What are the …", "Possible …").
    words = list(_WORD.finditer(text))
    start = next((n for n, word in enumerate(words) if word.group().casefold() not in _LEADING), len(words))
    if start == len(words):
        return None
    end = words[min(start + 2, len(words) - 1)].end()
    found = [
        (match.start(), index, kind)
        for index, (pattern, kind) in enumerate(_HEADING_PATTERNS)
        if (match := pattern.search(text)) and match.start() < end
    ]
    return min(found)[2] if found else None


def heading_kind_naming(text: str, name: str | None) -> str | None:
    """:func:`heading_kind` of a heading with the condition's name taken out, so that a long name
    does not hide the topic word after it ("Carpal tunnel syndrome treatment")."""
    if name:
        rest = " ".join(re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text, flags=re.IGNORECASE).split())
        if rest and rest != text and re.search(r"\w", rest):
            return heading_kind(rest[:1].upper() + rest[1:])
    return heading_kind(text)


def _question_kind(text: str) -> str | None:
    words = [word.casefold() for word in _WORD.findall(text)]
    found = [(index, kind) for index, (pattern, kind) in enumerate(_HEADING_PATTERNS) if pattern.search(text)]
    if found:
        return min(found)[1]
    if words[:1] == ["who"]:
        return Kind.RISK_FACTORS  # "Who gets gout?", "Who is more likely to …?"
    if words[:2] == ["how", "common"] or (words[:2] in (["what", "is"], ["what", "are"]) and len(words) <= 6):
        # "What is gout?", "How common is gout?": the overview, unless "What is the outlook?"
        return Kind.OVERVIEW if "the" not in words else None
    return None


# What a section's text says when it is about one topic, strongest signals first.
_CONTENT_KINDS: dict[str, list[str]] = {
    Kind.WHEN_TO_SEE_A_DOCTOR: [
        r"\bsee (?:a|your) (?:doctor|health care (?:provider|professional)|GP)\b",
        r"\bmake an appointment\b",
        r"\b(?:ask for|book|get) an? (?:urgent |same-day )?(?:GP|doctor'?s?) appointment\b",
        r"\bseek (?:immediate |urgent |emergency )?(?:medical )?(?:care|help|attention)\b",
        r"\bcall 911\b|\bemergency (?:number|department|room)\b",
    ],
    Kind.COMPLICATIONS: [r"\bcomplications?\b", r"\bcan (?:\w+ )?lead to\b"],
    Kind.RISK_FACTORS: [r"\brisk factors?\b", r"\bincreases? (?:your|the) risk\b", r"\bmore likely to\b"],
    Kind.CAUSES: [r"\b(?:is|are) (?:\w+ )?caused by\b", r"\bcauses? of\b", r"\bwhat causes\b"],
    Kind.SYMPTOMS: [
        r"\bsigns? and symptoms\b",
        r"\bsymptoms? (?:include|may include|of)\b",
        r"\bsymptoms?\b",
    ],
    Kind.DIAGNOSIS: [r"\bdiagnos\w*", r"\b(?:blood|urine|imaging) tests?\b"],
    Kind.TREATMENT: [
        r"\btreatments?\b",
        r"\btreat(?:ed|ing)?\b",
        r"\btherap(?:y|ies)\b",
        r"\bmedications?\b",
        r"\bsurg(?:ery|ical)\b",
    ],
    Kind.PREVENTION: [r"\bprevent(?:ion|ing|ed|s)?\b", r"\breduce (?:your|the) risk\b"],
    Kind.LIVING_WITH: [r"\bcop(?:e|ing) with\b", r"\bsupport groups?\b", r"\bliving with\b"],
}
_CONTENT_PATTERNS = {
    kind: [re.compile(pattern, re.IGNORECASE) for pattern in patterns]
    for kind, patterns in _CONTENT_KINDS.items()
}
# Sections that say what kind of page this is: an opening alone could be any prose.
MEDICAL_KINDS = set(_CONTENT_KINDS) - {Kind.LIVING_WITH}


def _score(kind: str, texts: list[str]) -> int:
    return sum(1 for text in texts for pattern in _CONTENT_PATTERNS[kind] if pattern.search(text))


def classify(texts: list[str]) -> str:
    """The section kind a run of paragraphs is about.

    The opening paragraph states a section's topic ("… can cause the following
    complications:"); the rest only breaks ties, since later paragraphs mention other topics.
    """
    if not texts:
        return Kind.OTHER
    scores = {kind: (_score(kind, texts[:1]), _score(kind, texts[1:])) for kind in _CONTENT_KINDS}
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] > (0, 0) else Kind.OTHER


def heading_text(text: str) -> str:
    """A heading as the page shows it: "SYMPTOMS AND CAUSES" in sentence case."""
    text = " ".join(text.split())
    letters = [c for c in text if c.isalpha()]
    if len(letters) > 3 and all(c.isupper() for c in letters):
        return text[:1] + text[1:].lower()
    return text
