"""Who wrote a version of a page, computed from its content and its history.

Four eyes means nobody approves content they wrote. "Wrote" is read from what the version
contains, never from the order of workflow events, so no sequence of cancels, restores or
resubmissions can launder authorship:

- A page is split into parts (:meth:`PageContent.atoms`): each name field, section, short
  answer, the orders, the listed references, and every field of every reference and every
  library image it shows (alt text, caption, credit, licence, the file).
- The history of each part comes from reversion: every revision of the page (edits, restores,
  imports, workflow steps) and every revision of each reference and image, with the person who
  saved it.
  A revision *wrote* a part when it changed the part's value.
- The baseline is the content of the page's last clinical approval that went live and was not
  retracted. Parts equal to the baseline were reviewed; for every other part, the contributors
  are everyone who changed it since the baseline, and everyone who ever wrote its present value
  after the last live clinical approval that contained that value. Approvals that were
  cancelled, never went live, or were retracted reset nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from reversion.models import Version

from conditions.models import Condition, Publication
from conditions.pagecontent import (
    PageContent,
    ReferenceContent,
    RevisionRows,
    image_atom,
    reference_atom,
    stored_fields,
    value_hash,
)
from images.content import ImageContent
from images.models import Image
from references.models import Reference

# The parts of a page that are shared objects, edited apart from the page (by their own history).
SHARED = ("reference:", "image:")


@dataclass(frozen=True)
class Write:
    revision_id: int
    user_id: int | None
    value: str | None  # the part's new value hash; None when the part was removed


@dataclass
class History:
    """Every write to every part of one page (and the references and images it shows), oldest first."""

    writes: dict[str, list[Write]] = field(default_factory=lambda: defaultdict(list))
    # The page's parts (without references and images) as each of its revisions saved them.
    page_atoms: dict[int, dict[str, str]] = field(default_factory=dict)
    # Each shared part's values by revision, oldest first ("reference:12", "image:3").
    shared_values: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))

    def atoms_at(self, revision_id: int) -> dict[str, str]:
        """The page as saved at or before ``revision_id``, with its references' and images' values then."""
        saved = [rid for rid in self.page_atoms if rid <= revision_id]
        atoms = dict(self.page_atoms[max(saved)]) if saved else {}
        for name, history in self.shared_values.items():
            values = [value for rid, value in history if rid <= revision_id]
            if values:
                atoms[name] = values[-1]
        return atoms


def load_history(condition_id: int, reference_ids: Iterable[int], image_ids: Iterable[int] = ()) -> History:
    history = History()
    _page_writes(history, condition_id)
    _shared_writes(history, Reference, set(reference_ids), _reference_value)
    _shared_writes(history, Image, set(image_ids), _image_value)
    return history


def _page_writes(history: History, condition_id: int) -> None:
    own = Version.objects.get_for_object_reference(Condition, condition_id).values_list(
        "revision_id", "revision__user_id"
    )
    users = dict(own)
    by_revision: dict[int, list[Version]] = defaultdict(list)
    related = Version.objects.filter(revision_id__in=list(users)).only(
        "revision_id", "content_type_id", "object_id", "serialized_data", "format"
    )
    for version in related:
        by_revision[version.revision_id].append(version)
    previous: dict[str, str] = {}
    for revision_id in sorted(users):
        content = RevisionRows(by_revision[revision_id]).page(condition_id)
        if content is None:
            continue
        atoms = content.atoms()
        history.page_atoms[revision_id] = atoms
        for name in atoms.keys() | previous.keys():
            if atoms.get(name) != previous.get(name):
                history.writes[name].append(Write(revision_id, users[revision_id], atoms.get(name)))
        previous = atoms


def _reference_value(pk: int, values: dict) -> tuple[str, str]:
    return reference_atom(pk), value_hash(ReferenceContent.from_fields(pk, values).value())


def _image_value(pk: int, values: dict) -> tuple[str, str]:
    # As PageContent.atoms hashes it: every field the page shows, the file by its hash.
    return image_atom(pk), value_hash(list(ImageContent.from_fields(pk, values).value()))


def _shared_writes(
    history: History, model: type, ids: set[int], value_of: Callable[[int, dict], tuple[str, str]]
) -> None:
    """Every saved change to the references or images ``ids``, with who saved it."""
    if not ids:
        return
    versions = (
        Version.objects.get_for_model(model)
        .filter(object_id__in=[str(pk) for pk in ids])
        .select_related("revision")
        .only("revision_id", "revision__user_id", "object_id", "serialized_data", "format", "content_type_id")
        .order_by("revision_id", "pk")
    )
    previous: dict[str, str] = {}
    for version in versions:
        name, value = value_of(int(version.object_id), stored_fields(version))
        history.shared_values[name].append((version.revision_id, value))
        if previous.get(name) != value:
            history.writes[name].append(Write(version.revision_id, version.revision.user_id, value))
        previous[name] = value


@dataclass(frozen=True)
class Approval:
    """A live clinical approval: the content it approved, and where it stands in the history."""

    mark: int  # the revision whose content was approved
    atoms: Mapping[str, str]


def live_clinical_approvals(condition: Condition, history: History) -> list[Approval]:
    """The page's clinical approvals that went live and were not retracted, oldest first."""
    publications = condition.publications.filter(
        kind=Publication.Kind.CLINICAL, went_live_at__isnull=False, retracted_at__isnull=True
    ).order_by("went_live_at", "number")
    approvals = []
    for publication in publications.only("content_revision_id", "revision_id", "content_atoms"):
        mark = publication.content_revision_id or publication.revision_id or 0
        atoms = publication.content_atoms or history.atoms_at(mark)
        approvals.append(Approval(mark, atoms))
    return approvals


def contributors(condition: Condition, content: PageContent) -> set[int]:
    """Ids of everyone who wrote ``content`` where no live clinical approval covers it.

    That is everyone who changed a part of the page since the last live clinical approval (even
    if the part was changed back), or a reference or image it shows; and everyone who ever wrote
    the value a part has now, unless a live clinical approval has covered that value since they
    wrote it.
    """
    history = load_history(condition.pk, _reference_ids(condition, content), _image_ids(condition, content))
    approvals = live_clinical_approvals(condition, history)
    baseline = approvals[-1] if approvals else Approval(0, {})
    approved_at: dict[tuple[str, str], int] = {}
    for approval in approvals:
        for item in approval.atoms.items():
            approved_at[item] = max(approved_at.get(item, 0), approval.mark)
    atoms = content.atoms()
    shown = {reference_atom(pk) for pk in content.references}
    shown |= {image_atom(image.id) for image in content.images.values()}
    page_parts = {name for name in history.writes if not name.startswith(SHARED)}
    people: set[int | None] = set()
    for name in atoms.keys() | page_parts:
        value = atoms.get(name)
        unreviewed = value is not None and value != baseline.atoms.get(name)
        reviewed_until = approved_at.get((name, value), 0) if value is not None else 0
        for write in history.writes.get(name, ()):
            since_baseline = write.revision_id > baseline.mark and (name in page_parts or name in shown)
            wrote_value = unreviewed and write.value == value and write.revision_id > reviewed_until
            if since_baseline or wrote_value:
                people.add(write.user_id)
    people.discard(None)
    return people  # type: ignore[return-value]


def _reference_ids(condition: Condition, content: PageContent) -> set[int]:
    """The references whose history matters: those shown now and those the approvals showed."""
    shown = set(content.references)
    approved = condition.publications.filter(went_live_at__isnull=False).values_list(
        "reference_links__reference_id", flat=True
    )
    return shown | {pk for pk in approved if pk is not None}


def _image_ids(condition: Condition, content: PageContent) -> set[int]:
    """The images whose history matters: those shown now and those the approvals showed."""
    shown = {image.id for image in content.images.values()}
    approved = condition.publications.filter(went_live_at__isnull=False).values_list(
        "image_links__image_id", flat=True
    )
    return shown | {pk for pk in approved if pk is not None}
