"""Where a reference is used: the pages that list or cite it, and the published versions that did."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from conditions.models import Condition, Publication, Section, ShortAnswer

from .citations import find_keys
from .models import Reference


@dataclass
class Usage:
    listed_on: list[Condition]
    cited_by: list[Condition]
    publications: list[Publication]

    @property
    def published(self) -> bool:
        return bool(self.publications)


def _citing_conditions(reference: Reference) -> list[Condition]:
    """Working copies whose text cites the key (a text search narrowed by the real parser)."""
    needle = f"@{reference.key}"
    sections = Section.objects.filter(body__contains=needle).values_list("condition_id", "body")
    answers = ShortAnswer.objects.filter(
        Q(answer__contains=needle) | Q(details__contains=needle)
    ).values_list("condition_id", "answer", "details")
    ids = {
        row[0] for row in [*sections, *answers] if any(reference.key in find_keys(text) for text in row[1:])
    }
    return list(Condition.objects.filter(pk__in=ids).order_by("name"))


def usage(reference: Reference) -> Usage:
    listed = Condition.objects.filter(condition_references__reference=reference).distinct().order_by("name")
    publications = (
        Publication.objects.filter(went_live_at__isnull=False, reference_links__reference=reference)
        .select_related("condition")
        .order_by("condition__name", "-number")
    )
    return Usage(
        listed_on=list(listed), cited_by=_citing_conditions(reference), publications=list(publications)
    )
