"""What an approval decides besides "yes" (the reviewer's checklist, the review dates it sets or
keeps, when the approved version goes live) and the Publication it freezes. Used by
``workflow.approve`` inside its transaction; each refusal is a
:class:`~conditions.errors.WorkflowError` a reviewer can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Max
from django.utils import formats, timezone

from conditions.errors import WorkflowError
from conditions.models import Condition, Publication, PublicationImage, ReviewEvent, display_name
from conditions.pagecontent import PageContent, content_of
from conditions.rendering import RenderedPage
from medsite.dates import add_months
from references.models import NoticeKind, PublicationReference, Reference
from references.retractions import describe, retracted_among

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a clinical reviewer confirms before approving; stored with the publication.
CHECKLIST = {
    "accurate": "The content is medically accurate and current.",
    "evidence": "Every claim is supported by the evidence it cites.",
    "references": "The references have been checked and are accessible.",
    "patients": "The page is suitable and clear for patients.",
}


# One more item, asked only of a page citing a work its publisher retracted (references/retractions.py).
RETRACTIONS = "retractions"


def retracted_on_page(condition: Condition) -> list[Reference]:
    """The retracted works the page (as it stands) cites or lists, by key."""
    if not Reference.objects.filter(notice_kind=NoticeKind.RETRACTION).exists():
        return []  # the usual case, in one query
    return retracted_among(content_of(condition).references)


def _cites_retracted(retracted: Iterable[Reference]) -> str:
    named = "; ".join(
        f"“{ref.key}” ({describe(ref.notice_kind, ref.notice_doi, ref.notice_date)})" for ref in retracted
    )
    return f"This page cites work that was retracted: {named}."


def retraction_statement(retracted: Iterable[Reference]) -> str:
    """The checklist item for the retracted works a page cites, naming each with its notice."""
    return (
        f"{_cites_retracted(retracted)} I have read the notice, and each citation still belongs on "
        "the page (for example, to say the finding was withdrawn)."
    )


def checked_attestation(
    kind: str, attestation: Iterable[str] | None, references: Iterable[int] = ()
) -> dict[str, str]:
    """The checklist a clinical reviewer confirmed, as stored: {item: the statement confirmed}.

    ``references`` are the ids of the references the page shows: one whose work was retracted
    must be acknowledged (item :data:`RETRACTIONS`), whatever the kind of review.
    """
    ticked = set(attestation or ())
    acknowledged = RETRACTIONS in ticked
    ticked.discard(RETRACTIONS)
    unknown = ticked - set(CHECKLIST)
    if unknown:
        raise WorkflowError(f"Unknown checklist item(s): {', '.join(sorted(unknown))}.")
    retracted = retracted_among(references)
    if retracted and not acknowledged:
        raise WorkflowError(
            f"{_cites_retracted(retracted)} Remove or replace the citation, or confirm in the "
            "checklist that it is cited knowingly."
        )
    confirmed = {RETRACTIONS: retraction_statement(retracted)} if retracted else {}
    if kind != Publication.Kind.CLINICAL:
        return {**{key: CHECKLIST[key] for key in CHECKLIST if key in ticked}, **confirmed}
    missing = [statement for key, statement in CHECKLIST.items() if key not in ticked]
    if missing:
        raise WorkflowError(
            "A clinical review needs every item of the review checklist confirmed. Not yet confirmed: "
            + " ".join(missing)
        )
    return {**CHECKLIST, **confirmed}


def _previous_clinical(condition: Condition) -> Publication | None:
    return (
        condition.publications.filter(kind=Publication.Kind.CLINICAL, cancelled_at__isnull=True)
        .order_by("-number")
        .first()
    )


def review_dates(locked: Condition, kind: str, by: User, today: date) -> tuple[date | None, str, date | None]:
    """Reviewed on, reviewed by, next review due: new for a clinical review, kept for a copy edit."""
    if kind == Publication.Kind.CLINICAL:
        return today, display_name(by), add_months(today, locked.review_interval_months)
    previous = _previous_clinical(locked)
    if previous is None:
        raise WorkflowError(
            "This page has never had a clinical review, so it cannot be published as an "
            "editorial change. Approve it as a clinical review."
        )
    return locked.last_reviewed_on, previous.reviewed_by_name, locked.next_review_due


def wall_clock(local: datetime) -> str:
    """A date and a time on the clock, with no zone: "31 Mar 2030, 02:30"."""
    return f"{formats.date_format(local, 'DATE_FORMAT')}, {local:%H:%M}"


def go_live_label(moment: datetime) -> str:
    """When a version goes live, in the site's one format and the reader's time zone (Django's
    current one), with the zone also named in full as the person chose it, since an abbreviation
    can stand for several: "8 Dec 2026, 09:00 GMT (Europe/London)"."""
    local = formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return f"{local} ({timezone.get_current_timezone_name()})"


def go_live_time(moment: datetime | None, now: datetime) -> datetime:
    """When an approval is to go live: now, or a later time; a time already past is refused."""
    if moment is None:
        return now
    moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
    # The form gives minutes: "now" typed a few seconds ago is still this minute.
    if moment < now.replace(second=0, microsecond=0):
        raise WorkflowError(
            f"The go-live time {go_live_label(moment)} has already passed. Leave it empty to publish "
            "now, or give a time in the future."
        )
    return moment


def freeze(
    locked: Condition, content: PageContent, page: RenderedPage, submission: ReviewEvent, **decision
) -> Publication:
    """The approved version, frozen: the next numbered Publication of the page, holding the
    submitted ``content`` as rendered in ``page`` with the references it shows numbered as there, and
    the library images it shows linked (where-used; an image a version shows cannot be deleted).
    ``decision`` holds the approval's own fields (approver, kind, times, review dates, checklist).
    """
    publication = Publication.objects.create(
        condition=locked,
        number=(locked.publications.aggregate(n=Max("number"))["n"] or 0) + 1,
        title=content.name,
        slug=content.slug,
        summary=content.summary,
        also_called=content.also_called,
        codes="\n".join(page.page.codes),
        html=page.html,
        structured_data=page.structured_data,
        content_revision_id=submission.revision_id,
        content_hash=content.content_hash(),
        content_atoms=content.atoms(),
        **decision,
    )
    PublicationReference.objects.bulk_create(
        PublicationReference(publication=publication, reference_id=reference.id, number=number)
        for number, reference in enumerate(page.references, start=1)
    )
    PublicationImage.objects.bulk_create(
        PublicationImage(publication=publication, image_id=content.images[image.key].id, position=number)
        for number, image in enumerate(page.page.images, start=1)
    )
    return publication
