"""The content checks of a page's texts: words, reading time, reading grade, long sentences and
terms with plainer alternatives, for each text and for the page.

Computed on what a reader sees: each text is rendered by the one renderer and read back as
sentences (:mod:`medsite.contentchecks.text`). The reading grade is the Flesch–Kincaid grade level,
computed by textstat (English). How textstat counts, and what is given to it because of that:

* it ends a sentence at every ".", "!" or "?", decimal points and "e.g." included, and leaves out
  of its sentence count any "sentence" of two words or fewer while still counting their words
  (raising the words per sentence). So it is given the sentences found here, one at a time, each
  with one final point, its words only; sentences of one or two words (headings, one-word list
  items) are left out of the grade, as they are of its count;
* it counts syllables with the CMU pronouncing dictionary, and with Pyphen's hyphenation for
  words the dictionary lacks (most medical words). The dictionary is read on first use, once per
  process: about a second, and 70 MB;
* its ``reading_time`` counts 14.69 ms a character, an eye-tracking measure of about 700 words a
  minute: far faster than anyone reads health information. Reading time here is words at
  :data:`WORDS_PER_MINUTE`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import textstat

from medsite.contentchecks.terms import Found, Matcher, Term, current_matcher
from medsite.contentchecks.text import sentences, words
from medsite.markdown import RenderTooSlow, render

# A comfortable pace for reading health information, slower than the 230 to 250 words a minute of
# adults reading other non-fiction.
WORDS_PER_MINUTE = 200
# Sentences longer than this are listed: plain-language guidance for patients (NHS, CDC) aims at
# 15 to 20 words on average, and few sentences over 25.
LONG_SENTENCE_WORDS = 25
# Below this many words in graded sentences, a grade says little: none is given.
MIN_GRADED_WORDS = 30
# Patient information aims at this grade or below (the US school year whose pupils can read it).
TARGET_GRADE = 8
# A long sentence is shown to this many characters; the page lists this many per text.
SHOWN_SENTENCE_CHARS = 500
SHOWN_SENTENCES = 20


@dataclass(frozen=True)
class LongSentence:
    text: str
    words: int

    @property
    def shown(self) -> str:
        text = self.text
        return text if len(text) <= SHOWN_SENTENCE_CHARS else text[: SHOWN_SENTENCE_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Checks:
    """What the checks found in one text, or in a whole page."""

    words: int
    sentences: int
    grade: float | None
    long_sentences: tuple[LongSentence, ...]
    terms: tuple[Found, ...]

    @property
    def reading_seconds(self) -> int:
        return math.ceil(self.words * 60 / WORDS_PER_MINUTE)

    @property
    def reading_time(self) -> str:
        if not self.words:
            return "none"
        minutes = round(self.reading_seconds / 60)
        if minutes < 1:
            return "under a minute"
        return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"

    @property
    def grade_band(self) -> str:
        if self.grade is None:
            return "too short to grade"
        if self.grade <= 6:
            return "easy to read"
        if self.grade <= TARGET_GRADE:
            return "plain English"
        if self.grade <= 10:
            return "fairly hard"
        return "hard" if self.grade <= 12 else "very hard"

    @property
    def grade_label(self) -> str:
        if self.grade is None:
            return self.grade_band
        return f"{'below 1' if self.grade < 1 else f'{self.grade:.1f}'} ({self.grade_band})"

    @property
    def over_target(self) -> bool:
        return self.grade is not None and self.grade > TARGET_GRADE

    @property
    def shown_long_sentences(self) -> tuple[LongSentence, ...]:
        return self.long_sentences[:SHOWN_SENTENCES]

    @property
    def more_long_sentences(self) -> int:
        return max(0, len(self.long_sentences) - SHOWN_SENTENCES)

    def to_json(self) -> dict:
        return {
            "words": self.words,
            "sentences": self.sentences,
            "reading_seconds": self.reading_seconds,
            "reading_time": self.reading_time,
            "grade": self.grade,
            "grade_label": self.grade_label,
            "long_sentences": [{"text": s.shown, "words": s.words} for s in self.shown_long_sentences],
            "long_sentence_count": len(self.long_sentences),
            "terms": [
                {
                    "term": found.term.term,
                    "written": found.written,
                    "alternatives": list(found.term.alternatives),
                    "note": found.term.note,
                    "count": found.count,
                }
                for found in self.terms
            ],
        }


_reading = threading.Lock()


def read_dictionary() -> None:
    """Have textstat read its pronouncing dictionary, if this process has not yet: about a second,
    once (requests meanwhile wait for it rather than read it too). The endpoint calls it before
    taking a preview slot, so that second never holds one."""
    with _reading:
        textstat.syllable_count("dictionary")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _graded(sentence: str) -> str:
    # One sentence as textstat reads one (see the module's docstring): its words, one final point.
    return " ".join(word.replace(".", "") for word in words(sentence)) + "."


def reading_grade(found: Sequence[str]) -> float | None:
    """The Flesch–Kincaid grade of these sentences, to one decimal; None if too short to tell."""
    graded = [sentence for sentence in found if len(words(sentence)) > 2]
    if sum(len(words(sentence)) for sentence in graded) < MIN_GRADED_WORDS:
        return None
    return round(textstat.flesch_kincaid_grade(" ".join(map(_graded, graded))), 1)


def check_sentences(found: Sequence[str], matcher: Matcher) -> Checks:
    """The checks of one text, from its sentences."""
    counts = [len(words(sentence)) for sentence in found]
    return Checks(
        words=sum(counts),
        sentences=len(found),
        grade=reading_grade(found),
        long_sentences=tuple(
            LongSentence(sentence, count)
            for sentence, count in zip(found, counts, strict=True)
            if count > LONG_SENTENCE_WORDS
        ),
        terms=tuple(matcher.find(found)),
    )


def check_html(html: str, matcher: Matcher | None = None) -> Checks:
    """The checks of one rendered text."""
    return check_sentences(sentences(html), matcher or current_matcher())


def _merge(found: Iterable[tuple[Found, ...]]) -> tuple[Found, ...]:
    """The terms of several texts as one list: counts added, as first written on the page."""
    merged: dict[Term, Found] = {}
    for terms in found:
        for item in terms:
            seen = merged.get(item.term)
            merged[item.term] = item if seen is None else replace(seen, count=seen.count + item.count)
    return tuple(merged.values())


@dataclass(frozen=True)
class PageText:
    """One Markdown text of a page: a name to match it by (a form field's), a label a person
    knows it by ("Symptoms", "Is it catching? (answer)") and its Markdown."""

    name: str
    label: str
    markdown: str


@dataclass(frozen=True)
class CheckedText:
    name: str
    label: str
    checks: Checks


@dataclass(frozen=True)
class PageChecks:
    """The checks of each text of a page, in page order, and of the page as a whole."""

    texts: tuple[CheckedText, ...]
    page: Checks
    # For the panel's explanations.
    long_sentence_words = LONG_SENTENCE_WORDS
    target_grade = TARGET_GRADE
    words_per_minute = WORDS_PER_MINUTE

    def summary(self) -> str:
        """One sentence for a screen reader to announce when it changes: not the word count or the
        exact grade, which change as often as the editor pauses."""
        page = self.page
        long = _count(len(page.long_sentences), "sentence")
        return (
            f"Content checks: reading grade: {page.grade_band}; {long} over {LONG_SENTENCE_WORDS} words; "
            f"{_count(len(page.terms), 'term')} with plainer alternatives."
        )

    def to_json(self) -> dict:
        return {
            "texts": {text.name: {"label": text.label, **text.checks.to_json()} for text in self.texts},
            "page": self.page.to_json(),
            "summary": self.summary(),
        }


def check_page(texts: Iterable[PageText], *, budget: Callable[[], float] | None = None) -> PageChecks:
    """The checks of a page's Markdown texts, each rendered by the one renderer.

    ``budget`` gives the seconds left for rendering (``medsite.limits.preview_work``): a text that
    runs out of it raises :class:`~medsite.markdown.RenderTooSlow`, naming the text's field. Every
    text is rendered before any is checked, so the budget bounds the rendering alone (the checks
    take time linear in the text, and the first in a process reads textstat's dictionary).
    """
    rendered = []
    for text in texts:
        try:
            rendered.append((text, render(text.markdown, budget=None if budget is None else budget())))
        except RenderTooSlow as slow:
            slow.field = text.name
            raise
    matcher = current_matcher()
    checked, every_sentence = [], []
    for text, html in rendered:
        found = sentences(html)
        every_sentence.extend(found)
        checked.append(CheckedText(text.name, text.label, check_sentences(found, matcher)))
    page = Checks(
        words=sum(text.checks.words for text in checked),
        sentences=len(every_sentence),
        grade=reading_grade(every_sentence),
        long_sentences=tuple(s for text in checked for s in text.checks.long_sentences),
        terms=_merge(text.checks.terms for text in checked),
    )
    return PageChecks(tuple(checked), page)
