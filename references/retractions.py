"""Retractions, expressions of concern and corrections of cited works, as Crossref reports them.

Crossref reports a notice about a work two ways, and both are read:

- the work's own record (``/works/{doi}``) lists the notices about it under ``updated-by``: those
  the publisher deposited and, since 2023, those of the Retraction Watch database
  (``"source": "retraction-watch"``);
- a notice's record names the work it updates under ``update-to``: ``/works?filter=updates:{doi}``
  finds them, including a publisher's notice not yet linked back to the work.

The most serious notice is stored on the Reference (``notice_kind`` and the rest), which the
reference admin shows and the publish gate reads (conditions/approval.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from medsite.accounts.display import day

from .checks import citation_places
from .identifiers import InvalidIdentifier, normalize_doi
from .lookup import CROSSREF, LookupFailed, fetch_json
from .models import NoticeKind, Reference
from .usage import usage

CONCURRENCY = 4  # requests to Crossref at once: its public pool asks for restraint
# Crossref's update types (publishers' and Retraction Watch's) as the notices the site tells apart;
# other updates (an addendum, a new version) say nothing about whether the work can be relied on.
_KINDS = {
    "retraction": NoticeKind.RETRACTION,
    "partial_retraction": NoticeKind.RETRACTION,
    "withdrawal": NoticeKind.RETRACTION,
    "removal": NoticeKind.RETRACTION,
    "expression_of_concern": NoticeKind.EXPRESSION_OF_CONCERN,
    "correction": NoticeKind.CORRECTION,
    "erratum": NoticeKind.CORRECTION,
    "corrigendum": NoticeKind.CORRECTION,
}
REINSTATEMENT = "reinstatement"
SERIOUSNESS = [NoticeKind.RETRACTION, NoticeKind.EXPRESSION_OF_CONCERN, NoticeKind.CORRECTION]


@dataclass(frozen=True)
class Notice:
    kind: str  # a NoticeKind, or REINSTATEMENT
    doi: str  # the notice's own DOI
    on: date | None
    source: str = ""  # "publisher", "retraction-watch"


def _update_date(entry: dict) -> date | None:
    updated = entry.get("updated")
    parts = updated.get("date-parts") if isinstance(updated, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    try:
        return date(*[*first, 1, 1][:3]) if first else None
    except (TypeError, ValueError):
        return None


def _notice(entry: object, notice_doi: object) -> Notice | None:
    if not isinstance(entry, dict):
        return None
    kind = str(entry.get("type") or "").strip().lower().replace("-", "_").replace(" ", "_")
    kind = REINSTATEMENT if kind == REINSTATEMENT else _KINDS.get(kind, "")
    if not kind:
        return None
    try:
        doi = normalize_doi(str(notice_doi or ""))
    except InvalidIdentifier:
        doi = ""
    return Notice(kind, doi, _update_date(entry), str(entry.get("source") or ""))


def _same_doi(value: object, doi: str) -> bool:
    try:
        return normalize_doi(str(value or "")) == doi
    except InvalidIdentifier:
        return False


def notices_of(doi: str, *, timeout: float | None = None) -> list[Notice] | None:
    """Every notice Crossref holds about ``doi``; None when Crossref does not know the DOI (one
    registered elsewhere, e.g. with DataCite, cannot be checked here)."""
    base = settings.CROSSREF_API_URL
    contact = {"mailto": settings.REFERENCE_LOOKUP_MAILTO} if settings.REFERENCE_LOOKUP_MAILTO else {}
    status, work = fetch_json(
        f"{base}/works/{quote(doi, safe='')}" + (f"?{urlencode(contact)}" if contact else ""),
        service=CROSSREF,
        timeout=timeout,
    )
    if status == 404:
        return None
    message = work.get("message") if isinstance(work, dict) else None
    if not isinstance(message, dict):
        raise LookupFailed(f"Crossref's answer held no record of the DOI {doi}.")
    found = [_notice(entry, entry.get("DOI")) for entry in _list(message.get("updated-by"))]
    query = urlencode({"filter": f"updates:{doi}", "rows": 100, **contact})
    status, listing = fetch_json(f"{base}/works?{query}", service=CROSSREF, timeout=timeout)
    listed = listing.get("message") if isinstance(listing, dict) else None
    items = _list(listed.get("items")) if isinstance(listed, dict) else []
    if status == 404 or not isinstance(listed, dict):
        raise LookupFailed(f"Crossref's answer to the search for notices about {doi} could not be read.")
    for item in items:
        found += [
            _notice(entry, item.get("DOI"))
            for entry in _list(item.get("update-to"))
            if _same_doi(entry.get("DOI"), doi)
        ]
    unique: dict[tuple[str, str], Notice] = {}
    for notice in found:
        if notice is not None:  # one notice named both ways is kept as the work's record names it
            unique.setdefault((notice.kind, notice.doi), notice)
    return list(unique.values())


def _list(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _before(notice: Notice, moment: date) -> bool:
    return (notice.on or date.min) <= moment


def most_serious(notices: Iterable[Notice]) -> Notice | None:
    """The notice that matters most: a retraction, then an expression of concern, then a
    correction; the latest of its kind. A reinstatement cancels the retractions it followed."""
    notices = list(notices)
    reinstated = max((n.on for n in notices if n.kind == REINSTATEMENT and n.on), default=None)
    standing = [
        notice
        for notice in notices
        if notice.kind != REINSTATEMENT
        and not (
            notice.kind == NoticeKind.RETRACTION and reinstated and (notice.on or date.min) <= reinstated
        )
    ]
    for kind in SERIOUSNESS:
        of_kind = [notice for notice in standing if notice.kind == kind]
        if of_kind:
            return max(of_kind, key=lambda notice: notice.on or date.min)
    return None


# --- the site-wide check ----------------------------------------------------------------------


@dataclass
class Checked:
    reference: Reference
    notice: Notice | None = None
    error: str = ""  # why it could not be checked
    unknown: bool = False  # Crossref has no record of the DOI


@dataclass
class RetractionReport:
    checked: list[Checked] = field(default_factory=list)

    def _with(self, *kinds: str) -> list[Checked]:
        return [item for item in self.checked if item.notice and item.notice.kind in kinds]

    @property
    def retracted(self) -> list[Checked]:
        return self._with(NoticeKind.RETRACTION)

    @property
    def other_notices(self) -> list[Checked]:
        return self._with(NoticeKind.EXPRESSION_OF_CONCERN, NoticeKind.CORRECTION)

    @property
    def failed(self) -> list[Checked]:
        return [item for item in self.checked if item.error]

    @property
    def problem_count(self) -> int:
        """Retracted works and DOIs that could not be checked; corrections are not problems."""
        return len(self.retracted) + len(self.failed)

    def lines(self) -> list[str]:
        groups = [
            ("Cited works that were retracted", [_line(item, pages=True) for item in self.retracted]),
            (
                "Cited works with an expression of concern or a correction (for information)",
                [_line(item) for item in self.other_notices],
            ),
            (
                "DOIs that could not be checked for retractions",
                [f"  {item.reference.key} (DOI {item.reference.doi}): {item.error}" for item in self.failed],
            ),
            (
                "DOIs Crossref has no record of (not checked for retractions)",
                [f"  {item.reference.key}: {item.reference.doi}" for item in self.checked if item.unknown],
            ),
        ]
        lines = []
        for heading, items in groups:
            if items:
                lines += [f"{heading} ({len(items)}):", *items]
        return lines


def describe(notice_kind: str, notice_doi: str, on: date | None) -> str:
    """ "Retraction 10.1000/notice, 6 Feb 2010": a notice in the words of the reports and the admin."""
    label = NoticeKind(notice_kind).label if notice_kind in NoticeKind.values else notice_kind
    doi = f" {notice_doi}" if notice_doi else ""
    return f"{label}{doi}" + (f", {day(on)}" if on else "")


def _line(item: Checked, *, pages: bool = False) -> str:
    reference, notice = item.reference, item.notice
    if notice is None:
        return f"  {reference.key} (DOI {reference.doi})"
    text = f"  {reference.key} (DOI {reference.doi}): {describe(notice.kind, notice.doi, notice.on)}"
    if not pages:
        return text
    used = usage(reference)
    published = [
        f"“{publication.condition}” version {publication.number}" for publication in used.publications
    ]
    more = f" and {used.publications.more} more" if used.publications.more else ""
    working = [f"“{condition}”" for condition in {*used.listed_on, *used.cited_by}]
    where = [
        "published on " + ", ".join(published) + more if published else "on no published page",
        "shown by the working copies of " + ", ".join(sorted(working)) if working else "",
    ]
    return text + "; " + "; ".join(part for part in where if part)


def cited_references() -> list[Reference]:
    """References with a DOI that a page cites, lists or published."""
    cited = (
        Q(key__in=set(citation_places()))
        | Q(condition_links__isnull=False)
        | Q(publication_links__isnull=False)
    )
    return list(Reference.objects.exclude(doi="").filter(cited).distinct().order_by("key"))


def check_retractions(
    references: Iterable[Reference] | None = None,
    *,
    timeout: float | None = None,
    now: datetime | None = None,
) -> RetractionReport:
    """Ask Crossref about each reference's DOI (default: every cited one) and store the answer on
    the reference. A DOI that could not be checked keeps what was stored before."""
    references = [ref for ref in (cited_references() if references is None else references) if ref.doi]
    now = now or timezone.now()

    def check(reference: Reference) -> Checked:
        try:
            notices = notices_of(reference.doi, timeout=timeout)
        except LookupFailed as exc:
            return Checked(reference, error=str(exc))
        if notices is None:
            return Checked(reference, unknown=True)
        return Checked(reference, most_serious(notices))

    with ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="retractions") as pool:
        checked = list(pool.map(check, references))
    for item in checked:
        if not item.error:
            store(item.reference, item.notice, now)
    return RetractionReport(checked)


def store(reference: Reference, notice: Notice | None, checked_at: datetime) -> None:
    """The answer on the reference, written without a new version of it: it is Crossref's, not an
    editor's, and a page in review may show the reference (usage.refusal_change_in_review)."""
    values = {
        "notice_kind": notice.kind if notice else "",
        "notice_doi": notice.doi if notice else "",
        "notice_date": notice.on if notice else None,
        "notices_checked_at": checked_at,
    }
    Reference.objects.filter(pk=reference.pk).update(**values)
    for name, value in values.items():
        setattr(reference, name, value)


def retracted_among(reference_ids: Iterable[int]) -> list[Reference]:
    """The references among ``reference_ids`` whose work was retracted, by key."""
    return list(
        Reference.objects.filter(pk__in=set(reference_ids), notice_kind=NoticeKind.RETRACTION).order_by("key")
    )
