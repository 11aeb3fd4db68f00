"""Medical terms that have plainer alternatives, found in text.

One :class:`Matcher` holds the whole term list as a table of word sequences; it reads a text word
by word and, at each word, tries only the few sequences that start with it (longest first, at most
:data:`MAX_TERM_WORDS` words). So its time is linear in the text whatever the list holds, and no
regular expression is built from what editors type.

A term matches whole words and whole phrases ("hypertension", not "prehypertension"), in any case,
with its last word in the singular or the plural ("analgesics", "blood clot" and "blood clots",
"metastasis" and "metastases"): the head of an English noun phrase is its last word. Hyphenated
words are one word, so "eclampsia" is not found in "pre-eclampsia".

The list lives in the database (:class:`~medsite.contentchecks.models.PlainTerm`, extended by
editors in the admin). Each process keeps the matcher it built, and a version number in Django's
cache (shared by every server with Redis) says when it is out of date: :func:`forget_terms`, called
whenever the list changes, gives it a new one.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from django.core.cache import cache

from medsite.contentchecks.text import WORD, normal

logger = logging.getLogger(__name__)

# The longest phrase a term may be, in words.
MAX_TERM_WORDS = 6
_VERSION_KEY = "medsite:contentchecks:terms-version"
# A version lasts this long at most, so a change whose cache write failed still reaches every
# process within the hour.
VERSION_SECONDS = 3600


@dataclass(frozen=True)
class Term:
    """A term and what to say instead."""

    term: str
    alternatives: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Found:
    """A term found in a text: how it was first written there, and how many times it appears."""

    term: Term
    written: str
    count: int


def term_words(term: str) -> tuple[str, ...]:
    """The words of a term as the matcher compares them."""
    return tuple(normal(word) for word in WORD.findall(term))


# Latin and Greek endings, singular and plural, of medical words: diagnosis, diagnoses; thrombus,
# thrombi; bacterium, bacteria; vertebra, vertebrae; appendix, appendices; cortex, cortices.
CLASSICAL_PLURALS = (("is", "es"), ("us", "i"), ("um", "a"), ("a", "ae"), ("ix", "ices"), ("ex", "ices"))


def number_forms(word: str) -> set[str]:
    """``word`` with its plurals (or, for a plural, its singulars) and its possessive: the forms in
    which a text may carry the last word of a term. A form that is no English word does no harm:
    no text holds it."""
    forms = {word, f"{word}'s"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(f"{word}es")
    elif word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms.add(f"{word[:-1]}ies")
    else:
        forms.add(f"{word}s")
    for singular, plural in CLASSICAL_PLURALS:
        if word.endswith(singular) and len(word) > len(singular) + 1:
            forms.add(word[: -len(singular)] + plural)
        if word.endswith(plural) and len(word) > len(plural) + 1:
            forms.add(word[: -len(plural)] + singular)
    if word.endswith("ies"):
        forms.add(f"{word[:-3]}y")
    elif word.endswith(("sses", "xes", "zes", "ches", "shes")):
        forms.add(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        forms.add(word[:-1])
    return forms


class Matcher:
    """Finds the terms of one list in texts (see the module's docstring)."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._phrases: dict[tuple[str, ...], Term] = {}
        self._longest: dict[str, int] = {}  # the longest phrase starting with each word
        for term in terms:
            words = term_words(term.term)
            if not words or len(words) > MAX_TERM_WORDS:
                continue
            for last in number_forms(words[-1]):
                phrase = (*words[:-1], last)
                self._phrases.setdefault(phrase, term)
                self._longest[phrase[0]] = max(self._longest.get(phrase[0], 0), len(phrase))

    def __len__(self) -> int:
        return len(set(self._phrases.values()))

    def occurrences(self, text: str) -> list[tuple[Term, str]]:
        """Each term found in ``text``, in order, with the words as written there. Phrases match
        across spaces only, never across punctuation ("infarction. Myocardial" is not one)."""
        tokens = list(WORD.finditer(text))
        keys = [normal(token.group()) for token in tokens]
        found = []
        index = 0
        while index < len(tokens):
            longest = min(self._longest.get(keys[index], 0), len(tokens) - index)
            for length in range(longest, 0, -1):
                span = tokens[index : index + length]
                term = self._phrases.get(tuple(keys[index : index + length]))
                if term is not None and all(text[a.end() : b.start()].isspace() for a, b in pairwise(span)):
                    found.append((term, text[span[0].start() : span[-1].end()]))
                    index += length
                    break
            else:
                index += 1
        return found

    def find(self, texts: Iterable[str]) -> list[Found]:
        """The terms found in ``texts`` (sentences, say), each once with its count, in order of first use."""
        first: dict[Term, str] = {}
        counts: dict[Term, int] = {}
        for text in texts:
            for term, written in self.occurrences(text):
                first.setdefault(term, written)
                counts[term] = counts.get(term, 0) + 1
        return [Found(term, written, counts[term]) for term, written in first.items()]


# --- the list, cached ----------------------------------------------------------------------------

_built: tuple[str, Matcher] | None = None  # this process's matcher, and the version it was built for


def load_terms() -> list[Term]:
    """The term list as the database holds it now (one query)."""
    from medsite.contentchecks.models import PlainTerm  # the models load after this module

    return [term.as_term() for term in PlainTerm.objects.all()]


def _version() -> str | None:
    """The list's current version number, made if there is none; None if the cache failed."""
    try:
        version = cache.get(_VERSION_KEY)
        if version is None:
            cache.add(_VERSION_KEY, uuid.uuid4().hex, timeout=VERSION_SECONDS)
            version = cache.get(_VERSION_KEY)
    except Exception as error:  # any backend's failure: the checks go on, reading the list each time
        logger.warning("The plain-term list is read afresh: the cache failed (%s).", error)
        return None
    return version


def current_matcher() -> Matcher:
    """A matcher for the term list as it is now: this process's own unless the list changed."""
    global _built
    version = _version()
    built = _built
    if version is not None and built is not None and built[0] == version:
        return built[1]
    matcher = Matcher(load_terms())
    if version is not None:
        _built = (version, matcher)
    return matcher


def forget_terms() -> None:
    """The list changed: every process builds its matcher again on its next use."""
    try:
        cache.delete(_VERSION_KEY)
    except Exception as error:
        logger.warning("The plain-term list may be out of date for up to an hour: %s", error)
