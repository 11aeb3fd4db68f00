"""Journal titles as AMA prints them: NLM abbreviations, without full stops.

A reference's own ``journal_abbreviation`` comes first (see :mod:`references.formatting`). Without
one, a title is looked up in ``journal_abbreviations.tsv`` (NLM Catalog abbreviations of journals
medical pages cite most), and otherwise abbreviated by the ISO 4 rules with the List of Title Word
Abbreviations that pyiso4 ships. NLM abbreviations are ISO 4 abbreviations without the full stops,
so the two agree for most titles; the table holds the ones where they do not (NLM keeps
"Eur Heart J", "Nat Rev Dis Primers") and saves loading the word list for the common ones.
"""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Callable
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

TABLE = Path(__file__).with_name("journal_abbreviations.tsv")

_NOT_WORD = re.compile(r"[\W_]+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_STOP_BEFORE_LETTER = re.compile(r"\.(?=\w)")
_SECTION_STOP = re.compile(r"\.\s+")  # PubMed's "Circulation. Heart failure": one title, two parts


def _key(title: str) -> str:
    """``"The Lancet. Oncology"`` -> ``"lancet oncology"``: case, articles and punctuation ignored."""
    title = _LEADING_THE.sub("", title.strip()).replace("&", " and ")
    return _NOT_WORD.sub(" ", title.casefold()).strip()


def without_full_stops(abbreviation: str) -> str:
    """``"J. Am. Coll. Cardiol."`` -> ``"J Am Coll Cardiol"``: the NLM form AMA prints."""
    return " ".join(_STOP_BEFORE_LETTER.sub(" ", abbreviation).replace(".", "").split())


@cache
def _table() -> dict[str, str]:
    """Full title (and the abbreviation itself) -> NLM abbreviation."""
    table: dict[str, str] = {}
    with TABLE.open(encoding="utf-8", newline="") as file:
        for row in csv.reader(file, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or row[0].startswith("#"):
                continue
            title, abbreviation = row[0].strip(), row[1].strip()
            table[_key(title)] = abbreviation
            table.setdefault(_key(abbreviation), abbreviation)
    return table


_iso4_lock = threading.Lock()
_iso4_loaded: list[Callable[[str], str] | None] = []  # filled once, under the lock


def _iso4() -> Callable[[str], str] | None:
    """pyiso4's abbreviator, or None if pyiso4 is missing.

    Built on first use, once per process: reading its 56,000-word list takes about 1.5 s and
    50 MB, which only a title missing from the table costs.
    """
    with _iso4_lock:
        if not _iso4_loaded:
            _iso4_loaded.append(_build_iso4())
        return _iso4_loaded[0]


def _build_iso4() -> Callable[[str], str] | None:
    try:
        from pyiso4.ltwa import Abbreviate  # type: ignore[import-untyped]
    except ImportError:
        return None
    abbreviate = Abbreviate.create()
    kept = _unabbreviated_words()

    def iso4(title: str) -> str:
        title = _SECTION_STOP.sub(" ", title)
        # The trailing space keeps pyiso4 0.1.6 from an IndexError when a title's last word has
        # a longer abbreviation than the word itself ("Heart Rhythm").
        abbreviation = _restore_kept_words(abbreviate(f"{title} ", remove_part=True), title, kept)
        # NLM capitalises every word of an abbreviation ("Circ Heart Fail").
        return " ".join(word[:1].upper() + word[1:] for word in abbreviation.split())

    return iso4


def _unabbreviated_words() -> frozenset[str]:
    """Whole words the word list says are never abbreviated ("heart", "care")."""
    try:
        text = resources.files("pyiso4").joinpath("LTWA_20210702.csv").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return frozenset()
    words = set()
    for line in text.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) == 3 and fields[1].strip() in ("n.a.", "n. a.", "n.a") and "-" not in fields[0]:
            words.add(fields[0].strip().casefold())
    return frozenset(words)


def _restore_kept_words(abbreviation: str, title: str, kept: frozenset[str]) -> str:
    """Undo pyiso4 0.1.6 preferring a stem to a whole word: "Heart" became "Hear." via "hear-"."""
    words = _NOT_WORD.split(title)
    out = []
    for token in abbreviation.split():
        stem = token.rstrip(".").casefold()
        if token.endswith(".") and stem:
            whole = next((word for word in words if word.casefold().startswith(stem)), "")
            if whole.casefold() in kept:
                token = whole
        out.append(token)
    return " ".join(out)


@lru_cache(maxsize=4096)
def abbreviate_journal(title: str) -> str | None:
    """The NLM-style abbreviation of a journal title, or None when none can be made.

    A subtitle ("Clinical Infectious Diseases: an official publication of …") is not part of an
    abbreviated title.
    """
    title = " ".join(title.split()).strip(" .")
    if not title:
        return None
    table = _table()
    main_title = title.split(":")[0].strip()
    for candidate in (title, main_title):
        if (known := table.get(_key(candidate))) is not None:
            return known
    iso4 = _iso4()
    if iso4 is None or not main_title:
        return None
    try:
        abbreviation = without_full_stops(iso4(main_title))
    except Exception:  # a third-party rule engine: any failure means "no abbreviation"
        return None
    return abbreviation or None
