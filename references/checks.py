"""Site-wide citation checks: what ``check_citations`` reports for editors to fix.

Each check returns problem records; the command decides how to word them (except the reasons a
reference cannot be formatted in full, which are sentences already). Everything is read in a
fixed number of queries (sections, short answers, references, and the two link tables), however
many pages there are, so the check stays cheap on a large site.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from conditions.models import Section, ShortAnswer

# One date rule for the whole site: the same month arithmetic as the review intervals.
from medsite.dates import add_months
from references.citations import find_keys
from references.identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from references.journals import abbreviate_journal
from references.models import ONLINE_KINDS, ConditionReference, PublicationReference, Reference

DEFAULT_STALE_MONTHS = 12


@dataclass(frozen=True)
class Place:
    """Where a citation is written: a condition page and the section or short answer on it."""

    condition: str
    part: str  # e.g. 'section “Overview”' or 'short answer “Is it catching?”'

    def __str__(self) -> str:
        return f"{self.condition}, {self.part}"


@dataclass(frozen=True)
class UnknownKey:
    key: str
    places: tuple[Place, ...]


@dataclass(frozen=True)
class UnusedReference:
    key: str
    title: str


@dataclass(frozen=True)
class StaleAccess:
    key: str
    url: str
    accessed_on: date | None  # None: the date was never recorded


@dataclass(frozen=True)
class Duplicate:
    basis: str  # "DOI", "PMID" or "title and year"
    value: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Incomplete:
    """A reference AMA style cannot print in full, and why (``"no volume"``, …)."""

    key: str
    reasons: tuple[str, ...]


@dataclass
class CitationReport:
    unknown_keys: list[UnknownKey] = field(default_factory=list)
    unused: list[UnusedReference] = field(default_factory=list)
    stale: list[StaleAccess] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    incomplete: list[Incomplete] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        return (
            len(self.unknown_keys)
            + len(self.unused)
            + len(self.stale)
            + len(self.duplicates)
            + len(self.incomplete)
        )


def check_citations(*, today: date, months: int = DEFAULT_STALE_MONTHS) -> CitationReport:
    """Every citation problem across all working copies and all references."""
    cited = citation_places()
    references = list(Reference.objects.order_by("key"))
    return CitationReport(
        unknown_keys=unknown_keys(cited, {ref.key for ref in references}),
        unused=unused_references(references, set(cited)),
        stale=stale_access_dates(references, today=today, months=months),
        duplicates=duplicate_references(references),
        incomplete=incomplete_references(references),
    )


def citation_places() -> dict[str, list[Place]]:
    """Each key cited in any working copy, with where it is cited (page order, no repeats).

    Two queries in all: sections, then short answers, each with their condition joined.
    """
    order = ("condition__name", "condition_id", "position", "id")
    sections = Section.objects.select_related("condition").order_by(*order)
    answers = ShortAnswer.objects.select_related("condition").order_by(*order)
    # Merged in page order: by condition, its sections before its short answers.
    parts = sorted(
        [
            *(
                ((s.condition.name, s.condition_id, 0), [s.body], f"section “{s.display_heading}”")
                for s in sections
            ),
            *(
                ((a.condition.name, a.condition_id, 1), [a.answer, a.details], f"short answer “{a.question}”")
                for a in answers
            ),
        ],
        key=lambda part: part[0],
    )
    places: dict[str, list[Place]] = defaultdict(list)
    for (condition, _, _), texts, where in parts:
        place = Place(condition, where)
        for key in dict.fromkeys(key for text in texts for key in find_keys(text)):
            if place not in places[key]:
                places[key].append(place)
    return dict(places)


def unknown_keys(cited: dict[str, list[Place]], known: set[str]) -> list[UnknownKey]:
    return [UnknownKey(key, tuple(cited[key])) for key in sorted(set(cited) - known)]


def unused_references(references: list[Reference], cited_keys: set[str]) -> list[UnusedReference]:
    """References no page cites or lists, and no publication ever showed: candidates for deletion."""
    listed = set(ConditionReference.objects.values_list("reference_id", flat=True))
    published = set(PublicationReference.objects.values_list("reference_id", flat=True))
    return [
        UnusedReference(ref.key, ref.title or ref.original_text[:80])
        for ref in references
        if ref.key not in cited_keys and ref.pk not in listed and ref.pk not in published
    ]


def stale_access_dates(references: list[Reference], *, today: date, months: int) -> list[StaleAccess]:
    """Online sources with a URL read more than ``months`` months ago, or never dated.

    Web pages change without notice, so the date a page was read goes stale; re-reading the page
    and updating the date is the editor's fix.
    """
    oldest_fresh = add_months(today, -months)
    return [
        StaleAccess(ref.key, ref.url, ref.accessed_on)
        for ref in references
        if ref.kind in ONLINE_KINDS
        and ref.url
        and (ref.accessed_on is None or ref.accessed_on < oldest_fresh)
    ]


def incomplete_references(references: list[Reference]) -> list[Incomplete]:
    """References missing what AMA style prints for their kind, each with its reasons.

    A reference kept only as the text it was imported from (no title) is printed as written, so
    it is not listed.
    """
    found = []
    for ref in references:
        reasons = missing_for_ama(ref)
        if reasons:
            found.append(Incomplete(ref.key, tuple(reasons)))
    return found


def missing_for_ama(ref: Reference) -> list[str]:
    """What ``ref`` lacks for a full AMA reference of its kind, in the order AMA prints it."""
    kinds = Reference.Kind
    if ref.kind == kinds.EXPERT_OPINION:
        return [] if ref.author_list else ["no expert named"]
    if ref.original_text.strip() and not (ref.title.strip() or ref.container_title.strip()):
        return []
    reasons = []
    is_article = ref.kind == kinds.JOURNAL_ARTICLE or (
        ref.kind == kinds.GUIDELINE and (ref.volume or ref.issue)
    )
    if is_article:
        reasons += _missing_for_article(ref)
    elif ref.kind == kinds.BOOK:
        if not (ref.title.strip() or ref.container_title.strip()):
            reasons.append("no title")
        if not ref.publisher.strip():
            reasons.append("no publisher")
        if not ref.year:
            reasons.append("no year")
    elif ref.kind == kinds.BOOK_CHAPTER:
        if not ref.container_title.strip():
            reasons.append("no book title")
        if not ref.publisher.strip():
            reasons.append("no publisher")
        if not ref.year:
            reasons.append("no year")
    elif ref.kind in ONLINE_KINDS:
        if not ref.title.strip():
            reasons.append("no title")
        if not ref.url:
            reasons.append("no URL")
            if ref.accessed_on is None:
                # With a URL, a missing date is reported with the stale access dates.
                reasons.append("no access date")
    elif ref.kind == kinds.GUIDELINE:
        if not ref.year:
            reasons.append("no year")
        if ref.url and ref.accessed_on is None and not ref.doi:
            reasons.append("no access date")
    elif not ref.year and not ref.url:
        reasons.append("no year")
    return reasons


def _missing_for_article(ref: Reference) -> list[str]:
    reasons = []
    if not ref.container_title.strip() and not ref.journal_abbreviation.strip():
        reasons.append("no journal")
    elif not ref.journal_abbreviation.strip() and abbreviate_journal(ref.container_title) is None:
        reasons.append(f"no abbreviation known for the journal “{ref.container_title.strip()}”")
    if ref.published_online and not (ref.volume or ref.issue or ref.pages or ref.elocator):
        return reasons  # online ahead of its issue: the date and DOI stand for year, volume and pages
    if not ref.year:
        reasons.append("no year")
    if not ref.volume.strip():
        reasons.append("no volume")
    if not (ref.pages.strip() or ref.elocator.strip()):
        reasons.append("no pages or article number")
    return reasons


def duplicate_references(references: list[Reference]) -> list[Duplicate]:
    """Groups of references that are the same source: same DOI, same PMID, or same title and year.

    The DOI and PMID constraints hold for rows saved since they were added; rows written before
    (or outside ``save()``) may differ only in how the identifier is written, so compare the
    canonical forms.
    """
    return [
        *_groups(references, "DOI", lambda ref: _canonical(ref.doi, normalize_doi)),
        *_groups(references, "PMID", lambda ref: _canonical(ref.pmid, normalize_pmid)),
        *_groups(references, "title and year", _title_and_year),
    ]


def _groups(references: list[Reference], basis: str, value_of: Callable[[Reference], str]) -> list[Duplicate]:
    keys_by_value: dict[str, list[str]] = defaultdict(list)
    for ref in references:
        value = value_of(ref)
        if value:
            keys_by_value[value].append(ref.key)
    return [
        Duplicate(basis, value, tuple(sorted(keys)))
        for value, keys in sorted(keys_by_value.items())
        if len(keys) > 1
    ]


def _canonical(value: str, normalize: Callable[[str], str]) -> str:
    try:
        return normalize(value)
    except InvalidIdentifier:
        # Not a valid identifier at all: still compare it, loosely.
        return value.strip().lower()


_NOT_WORD = re.compile(r"[\W_]+")


def normalize_title(title: str) -> str:
    """``"Gout: a Review."`` -> ``"gout a review"``: case, punctuation and spacing ignored."""
    return _NOT_WORD.sub(" ", title.casefold()).strip()


def _title_and_year(ref: Reference) -> str:
    # Without a year, equal titles are too weak a sign (many web pages share a title like "Gout").
    title = normalize_title(ref.title)
    return f"{title} ({ref.year})" if title and ref.year else ""
