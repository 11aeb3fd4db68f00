"""The medical facts a page states, as search engines are told them (schema.org JSON-LD).

A fact is only ever an item of a list, in the section of that kind, that the section introduces
as that kind: its heading ("Symptoms"), when the list opens the section, or a lead-in naming the
kind ("Common symptoms of gout include:", "Gout is caused by:"). Any other list is left out,
however near it stands: "Flares can be set off by:" in Causes lists triggers of a flare, not
causes of the condition. A section without such a list states no facts; nothing is guessed from
its prose.

The rule is simple on purpose: the editor's preview shows its result ("What search engines will
read", :func:`facts`, with the lists it left out and why), and the JSON-LD asserts exactly that
(:mod:`conditions.public.structured`), from the published page the reviewer approved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from conditions.publishedpage import PublishedPage
from medsite import htmltext

# Section kind -> the schema.org property of MedicalCondition its list items fill, the type of
# each item (None: plain text, as the property's range is Text) and what the preview calls them.
FACT_KINDS: dict[str, tuple[str, str | None, str]] = {
    "symptoms": ("signOrSymptom", "MedicalSignOrSymptom", "Symptoms"),
    "causes": ("cause", "MedicalCause", "Causes"),
    "risk_factors": ("riskFactor", "MedicalRiskFactor", "Risk factors"),
    "treatment": ("possibleTreatment", "MedicalTherapy", "Treatments"),
    "complications": ("possibleComplication", None, "Complications"),
    "diagnosis": ("typicalTest", "MedicalTest", "Tests"),
}
MAX_ITEMS = 20  # per kind: a long list is a list of examples, not a summary a search engine needs
MAX_ITEM_LENGTH = 120

# Words that may come before the noun naming the kind: "The most common symptoms…".
_BEFORE_NOUN = (
    r"(?:(?:the|some|other|common|commonest|main|most|more|less|usual|typical|possible|early|"
    r"key|known|major|serious|rare|uncommon|frequent|important|general|first|further|medical)\s+)*"
)
# The nouns that name each kind at the start of a lead-in or heading.
_NOUNS = {
    "symptoms": r"(?:signs?|symptoms?)",
    "causes": r"causes?",
    "risk_factors": r"risk\s+factors?",
    "treatment": r"(?:treatments?(?:\s+options)?|therapy|therapies)",
    "complications": r"complications?",
    "diagnosis": r"(?:tests?|investigations?|diagnosis)",
}
# The condition itself as the subject of a lead-in ("Gout is caused by:", "It can lead to:").
_PASSIVE = {
    "causes": r"(?:is|are|can be|may be)\s+(?:usually\s+|often\s+|mostly\s+|mainly\s+)?caused\s+by",
    "treatment": r"(?:is|are|can be|may be)\s+(?:usually\s+|often\s+|mainly\s+)?treated\s+(?:with|by|using)",
    "diagnosis": r"(?:is|are|can be|may be)\s+(?:usually\s+|often\s+)?diagnosed\s+(?:with|by|using|from)",
    "complications": r"(?:can|may|might|sometimes)\s+(?:also\s+)?(?:lead\s+to|cause)",
    "symptoms": r"(?:can|may|often|usually|commonly)?\s*(?:also\s+)?(?:causes?|gives?)",
}
# Words before the condition as a subject that do not change what it is ("Over time, gout can
# lead to:", "Untreated gout can cause:").
_WHEN = (
    r"^(?:(?:over\s+(?:time|the\s+years)|in\s+time|eventually|without\s+treatment|if\s+(?:it\s+is\s+)?"
    r"(?:left\s+)?(?:untreated|not\s+treated)|left\s+untreated),?\s+)?(?:untreated\s+)?"
)
# Lead-ins addressed to the reader, read only in a section of their kind.
_HELPER = r"your\s+(?:doctor|gp|nurse)\s+(?:may|might|can|will)\s+"
_ADDRESSED = {
    "symptoms": (
        r"you\s+(?:may|might|could|can|will|often|usually)\s+(?:also\s+)?(?:notice|feel|experience)\b"
    ),
    "treatment": (
        rf"(?:{_HELPER}(?:suggest|recommend|prescribe|offer)"
        r"|you\s+(?:may|might)\s+be\s+(?:offered|prescribed))\b"
    ),
    "diagnosis": (
        rf"{_HELPER}(?:do|arrange|order|suggest|recommend)\s+(?:some\s+|a\s+|one\s+or\s+more\s+)?tests?\b"
    ),
}
# Risk factors are mostly introduced by who is at risk ("You're more likely to get gout if you:").
_RISK = (
    r"more\s+likely\s+to\s+(?:get|develop|have)\s+(?P<object>.+)",
    r"(?:increases?|raises?)\s+(?:your|the|a\s+person's)\s+risk\s+of\s+(?:getting\s+|developing\s+)?(?P<object>.+)",
    r"^(?:your\s+|the\s+)?risk(?:\s+of\s+(?:getting\s+|developing\s+)?(?P<object>.+?))?\s+is\s+(?:higher|greater|increased)",
)
# Questions a heading or a lead-in asks, which the list answers ("What causes gout?").
_QUESTIONS = {
    "symptoms": r"what\s+are\s+the\s+(?:signs|symptoms)\s+of\s+(?P<object>.+)",
    "causes": r"what\s+causes\s+(?P<object>.+)",
    "risk_factors": r"who\s+is\s+(?:more\s+likely\s+to\s+get|at\s+risk\s+of)\s+(?P<object>.+)",
    "treatment": r"(?:how\s+(?P<object>.+?)\s+is\s+treated|treating\s+(?P<object2>.+))",
    "complications": r"what\s+are\s+the\s+complications\s+of\s+(?P<object>.+)",
    "diagnosis": r"(?:how\s+(?P<object>.+?)\s+is\s+diagnosed|diagnosing\s+(?P<object2>.+))",
}
# The condition, in a lead-in that does not name it.
_PRONOUNS = ("it", "this", "this condition", "the condition")
# A bout of the condition: its symptoms and treatments are the condition's ("Symptoms of a flare
# include:"), but what causes a flare is a trigger, not a cause of the condition.
_EPISODES = ("a flare", "flares", "a flare-up", "flare-ups", "an attack", "attacks", "an episode", "episodes")
_EPISODE_KINDS = frozenset({"symptoms", "treatment"})
# How a lead-in sentence goes on after the noun, when it introduces a list of that noun
# ("Symptoms can include:", "Causes are:", "Tests you may have:"): "Treatment aims to:" does not.
_LISTING = (
    r"(?:include|includes|including|are|is|can|may|might|could|often|usually|commonly|mainly|"
    r"you|that|which|to|we|your|such)\b"
)


@dataclass(frozen=True)
class SectionList:
    """One list of a section, with what introduces it."""

    lead_in: str  # the words before it ("Flares can be set off by:"); "" when the heading is its lead-in
    items: tuple[str, ...]  # the name each item gives (its first sentence)
    read: bool  # whether its items are stated as facts of the section's kind


@dataclass(frozen=True)
class KindFacts:
    """What the page states of one kind: its items, and the lists of that kind's sections left out."""

    kind: str
    property: str
    item_type: str | None
    label: str
    items: tuple[str, ...]
    left_out: tuple[SectionList, ...]


def names_of(page: PublishedPage) -> tuple[str, ...]:
    """What a lead-in may call the condition: its name and other names."""
    return (page.name, *page.also_called)


def introduces(kind: str, text: str, names: Sequence[str], *, heading: bool = False) -> bool:
    """Whether ``text`` introduces a list of ``kind`` about the condition called ``names``: a
    ``heading`` ("Symptoms of gout"), or else a lead-in sentence, which ends with a colon
    ("Symptoms include:") or asks the question the list answers ("What causes gout?")."""
    if kind not in FACT_KINDS:
        return False
    said = " ".join(text.casefold().split())
    if not heading and not said.endswith((":", "?")):
        return False
    said = said.rstrip(" :.?!-–—")
    subjects = _subjects(names)
    noun = re.match(rf"{_BEFORE_NOUN}{_NOUNS[kind]}\b(?P<rest>.*)$", said)
    if noun:
        rest = noun["rest"].strip()
        for word in ("of ", "for "):
            if rest.startswith(word):
                episodes = _EPISODES if kind in _EPISODE_KINDS else ()
                return _names_condition(rest[len(word) :], (*subjects, *episodes))
        return heading or not rest or re.match(_LISTING, rest) is not None
    passive = re.match(rf"(?P<subject>.+?)\s+{_PASSIVE[kind]}\b", said) if kind in _PASSIVE else None
    if passive and _names_condition(re.sub(_WHEN, "", passive["subject"]), subjects, whole=True):
        return True
    if kind in _ADDRESSED and re.match(_ADDRESSED[kind], said):
        return True
    if kind == "risk_factors":
        for pattern in _RISK:
            risk = re.search(pattern, said)
            if risk and (risk["object"] is None or _names_condition(risk["object"], subjects)):
                return True
    question = re.match(_QUESTIONS[kind], said)
    if question:
        named = question.groupdict().get("object") or question.groupdict().get("object2") or ""
        return _names_condition(named, subjects)
    return False


def _subjects(names: Sequence[str]) -> tuple[str, ...]:
    own = (" ".join(name.casefold().split()) for name in names if name.strip())
    return (*own, *_PRONOUNS)


def _names_condition(text: str, subjects: Sequence[str], *, whole: bool = False) -> bool:
    """Whether ``text`` is (``whole``) or begins with the condition's name or a pronoun for it."""
    text = text.strip()
    for said in {text, text.removeprefix("the ")}:
        for subject in subjects:
            if said == subject or (not whole and re.match(rf"{re.escape(subject)}\b", said)):
                return True
    return False


_HEADINGS = frozenset({"h3", "h4", "h5", "h6"})


def section_lists(kind: str, html: str, names: Sequence[str], heading: str = "") -> list[SectionList]:
    """The outer lists of a section's rendered ``html``, each with its lead-in: a sub-heading or
    the last sentence of a paragraph before it (outside lists), or the section's ``heading`` when
    nothing comes before it."""
    lists: list[SectionList] = []
    lead_in: tuple[str, bool] | None = None  # (text, is a heading); None: the section heading's
    items: list[str] | None = None  # the items of the list being read
    for block in htmltext.blocks(html):
        if block.depth == 0 and block.opened_by in {"ul", "ol"}:
            items = []
            lists.append(SectionList("", (), False))  # filled in when the list ends
        elif items is not None and block.depth == 1 and block.opened_by == "li":
            items.append(block.plain())
        elif items is not None and block.depth == 1 and items:
            items[-1] += block.plain()  # the rest of an item: loose paragraphs, text after a sub-list
        elif items is not None and block.depth == 0 and block.opened_by in {"/ul", "/ol"}:
            lists[-1] = _finished(kind, items, lead_in, heading, names)
            items = None
        elif items is None and block.depth == 0:
            text = " ".join(block.plain().split())
            if text:
                is_heading = block.opened_by in _HEADINGS
                lead_in = (text if is_heading else _last_sentence(text), is_heading)
    if items is not None:  # a list the HTML never closed: read as it stands
        lists[-1] = _finished(kind, items, lead_in, heading, names)
    return lists


def _finished(
    kind: str, raw: list[str], lead_in: tuple[str, bool] | None, heading: str, names: Sequence[str]
) -> SectionList:
    items = tuple(dict.fromkeys(name for name in map(item_name, raw) if name))
    if lead_in is None:
        # Right under the section's heading: the kind the editor chose, unless the heading names
        # something else ("Flare triggers").
        return SectionList("", items, not heading or introduces(kind, heading, names, heading=True))
    text, is_heading = lead_in
    return SectionList(text, items, introduces(kind, text, names, heading=is_heading))


def _last_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+", text)[-1]


def item_name(text: str) -> str:
    """The name a list item gives: its first sentence or clause ("**Skin flushing.** Hot face." ->
    "Skin flushing"), squeezed, without closing punctuation, cut at a word to at most
    :data:`MAX_ITEM_LENGTH` characters."""
    first = " ".join(re.split(r"[.;](?:\s|$)", text.strip())[0].split())
    if len(first) > MAX_ITEM_LENGTH:
        cut = first[: MAX_ITEM_LENGTH + 1]
        first = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_ITEM_LENGTH]
    return first.rstrip(" ,:;-–—")


def facts(sections: Iterable[tuple[str, str, str]], names: Sequence[str]) -> list[KindFacts]:
    """The facts of each kind the page's ``sections`` ((kind, heading, html), in page order) state,
    one entry per kind that has a section, in the order of :data:`FACT_KINDS`."""
    found: dict[str, tuple[list[str], list[SectionList]]] = {}
    for kind, heading, html in sections:
        if kind not in FACT_KINDS:
            continue
        items, left_out = found.setdefault(kind, ([], []))
        for listed in section_lists(kind, html, names, heading):
            if listed.read:
                items.extend(item for item in listed.items if item not in items)
            else:
                left_out.append(listed)
    return [
        KindFacts(kind, *FACT_KINDS[kind][:2], FACT_KINDS[kind][2], tuple(items[:MAX_ITEMS]), tuple(left_out))
        for kind in FACT_KINDS
        if kind in found
        for items, left_out in [found[kind]]
    ]


def page_facts(page: PublishedPage) -> list[KindFacts]:
    """The facts a published (or previewed) page states."""
    return facts(((s.kind, s.heading, s.html) for s in page.sections), names_of(page))
