"""Where a reference is used: the pages that list or cite it, and the published versions that did."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from conditions.models import PUBLICATION_PAGE, Condition, Publication, Section, ShortAnswer

from .citations import find_keys
from .models import Reference

# A source cited across the site (a standard textbook) is used by thousands of pages: each list
# shows this many, then says how many more there are.
SHOWN = 50


@dataclass
class Uses:
    """The first :data:`SHOWN` items of a where-used list, and how many there are in all."""

    first: list
    total: int

    def __iter__(self) -> Iterator[Any]:
        return iter(self.first)

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def more(self) -> int:
        return self.total - len(self.first)


def _uses(items: QuerySet) -> Uses:
    return Uses(list(items[:SHOWN]), items.count())


@dataclass
class Usage:
    listed_on: Uses  # of Condition
    cited_by: Uses  # of Condition
    publications: Uses  # of Publication

    @property
    def published(self) -> bool:
        return bool(self.publications)


def _citing(
    key: str, sections: Iterable[tuple[int, str]], answers: Iterable[tuple[int, str, str]]
) -> set[int]:
    """The conditions of ``sections`` (id, body) and ``answers`` (id, answer, details) whose text
    cites ``key`` as the parser reads it, not just holds "@key"."""
    texts = [(pk, [body]) for pk, body in sections]
    texts += [(pk, [answer, details]) for pk, answer, details in answers]
    return {pk for pk, parts in texts if any(key in find_keys(text) for text in parts)}


def _citing_conditions(reference: Reference) -> Uses:
    """Working copies whose text cites the key (a text search narrowed by the real parser).

    The search reads every section and short answer: no index serves a substring. At 10,000
    pages (80,000 sections) that takes 45-75 ms on SQLite. Narrowing it to the pages that could
    cite the key (drafts, pages in review, pages a publication cited it on) measured no faster,
    on SQLite or PostgreSQL, so it stays whole and exact.
    """
    needle = f"@{reference.key}"
    sections = Section.objects.filter(body__contains=needle).values_list("condition_id", "body")
    answers = ShortAnswer.objects.filter(
        Q(answer__contains=needle) | Q(details__contains=needle)
    ).values_list("condition_id", "answer", "details")
    ids = _citing(reference.key, sections, answers)
    return Uses(list(Condition.objects.filter(pk__in=ids).order_by("name", "pk")[:SHOWN]), len(ids))


def usage(reference: Reference) -> Usage:
    listed = (
        Condition.objects.filter(condition_references__reference=reference).distinct().order_by("name", "pk")
    )
    publications = (
        Publication.objects.filter(went_live_at__isnull=False, reference_links__reference=reference)
        .select_related("condition")
        .defer(*PUBLICATION_PAGE)
        .order_by("condition__name", "-number")
    )
    return Usage(
        listed_on=_uses(listed), cited_by=_citing_conditions(reference), publications=_uses(publications)
    )


def pages_in_review(reference: Reference) -> list[Condition]:
    """Pages in expert review that list or cite ``reference`` (as stored: by its saved key)."""
    in_review = Condition.objects.awaiting_review()
    listed = set(in_review.filter(condition_references__reference=reference).values_list("pk", flat=True))
    needle = f"@{reference.key}"
    sections = Section.objects.filter(condition__in=in_review, body__contains=needle).values_list(
        "condition_id", "body"
    )
    answers = ShortAnswer.objects.filter(
        Q(answer__contains=needle) | Q(details__contains=needle), condition__in=in_review
    ).values_list("condition_id", "answer", "details")
    cited = _citing(reference.key, sections, answers)
    return list(Condition.objects.filter(pk__in=listed | cited).order_by("name", "pk"))


def refusal_change_in_review(reference: Reference) -> str | None:
    """Why ``reference`` may not change now: pages in review show it, and their reviewers must
    approve exactly what was submitted. None when it may change."""
    if reference.pk is None:
        return None
    stored = Reference.objects.filter(pk=reference.pk).first()
    pages = pages_in_review(stored) if stored else []
    if stored is None or not pages:
        return None
    names = ", ".join(f"“{page}”" for page in pages[:10]) + (" and more" if len(pages) > 10 else "")
    return (
        f"“{stored.key}” is shown by pages in expert review ({names}), so it cannot change until "
        "their review is decided: ask for them to be withdrawn from review, or wait for the decision."
    )
