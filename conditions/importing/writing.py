"""Writing documents: each as a draft through ``content.write_condition``, with the references
its page lists, all in one transaction, so one bad file writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from conditions import workflow
from conditions.content import ConditionData, write_condition
from conditions.models import Condition, system_user
from medsite.textfiles import ImportProblem
from references.models import Reference
from references.parsing import base_key, unique_key

from .documents import CARD, ImportDocument
from .sources import with_keys

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class ImportResult:
    source: str
    data: ConditionData  # as written: aimed at its condition, with the references' keys
    condition: Condition | None  # None when the file was refused
    created: bool = False
    changed: bool = False
    problem: str = ""  # why the file was refused: then nothing of the import is written

    def message(self, *, dry_run: bool = False) -> str:
        if self.condition is None:
            return f"Refused {self.source}: {self.problem}"
        state = "created" if self.created else "updated" if self.changed else "unchanged"
        data, parts = self.data, [state]
        if data.sections is not None:
            parts.append(_count(len(data.sections), "section"))
        if data.reference_keys is not None:
            parts.append(_count(len(data.reference_keys), "reference"))
        if data.short_answers is not None:
            parts.append(_count(len(data.short_answers), "short answer"))
        verb = "Would import" if dry_run else "Imported"
        return f"{verb} “{self.condition.name}” ({', '.join(parts)}) from {self.source}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def write_documents(
    documents: Sequence[ImportDocument],
    *,
    by: User | None = None,
    dry_run: bool = False,
    replace: bool = False,
    progress: Callable[[int, ImportDocument], None] | None = None,
) -> list[ImportResult]:
    """Write every document as a draft, in order, in one transaction; all or nothing.

    Each file gets its own reversion revision under ``by`` (default: the system user) with the
    comment "Imported from <file>". With ``dry_run`` the same writes run and are rolled back,
    so the report says exactly what an import would do. A file that cannot be written is
    refused (its result's ``problem`` says why) and the others are still tried, so that one
    run names every problem; then everything is rolled back. ``replace`` lets a page replace
    the one its name matches although that one came from elsewhere (see :func:`refusal`).
    ``progress(number, document)`` is called before each document is written.
    """
    with transaction.atomic():
        user = by or system_user()
        results = []
        for number, document in enumerate(documents, start=1):
            if progress is not None:
                progress(number, document)
            results.append(_write_or_refuse(document, by=user, replace=replace))
        if dry_run or any(result.problem for result in results):
            transaction.set_rollback(True)
    return results


def _write_or_refuse(document: ImportDocument, *, by: User, replace: bool) -> ImportResult:
    try:
        # A savepoint of its own, so a refused file leaves nothing half written behind it.
        with transaction.atomic():
            return _write_document(document, by=by, replace=replace)
    except ImportProblem as exc:
        problem = str(exc).removeprefix(f"{document.source}: ")
        return ImportResult(document.source, document.data, None, problem=problem)


def _write_document(document: ImportDocument, *, by: User, replace: bool = False) -> ImportResult:
    comment = f"Imported from {document.source}"
    existing = find_condition(document)
    if existing is not None and not replace and (why := refusal(document, existing)):
        raise ImportProblem(f"{document.source}: {why}")
    data = _targeted(document, existing)
    # The page remembers the file it was imported from; a card only adds its answer to a page
    # and leaves the page's source alone, unless it is what created the page.
    if document.origin and (document.format != CARD or existing is None):
        data.import_source = document.origin
    try:
        with reversion.create_revision():
            # Set here as well: write_condition's own revision block nests into this one, which
            # also holds the new references and is the one saved.
            reversion.set_user(by)
            reversion.set_comment(comment)
            if document.references is not None:
                data.reference_keys = store_references(document.references, source=document.source)
                # The page's citation numbers, read as placeholders, now name the stored keys.
                data.sections = data.sections and with_keys(data.sections, data.reference_keys)
            condition, changed = write_condition(data, by=by, comment=comment)
    except workflow.WorkflowError as exc:
        raise ImportProblem(f"{document.source}: {exc}") from exc
    except ValidationError as exc:
        raise ImportProblem(f"{document.source}: {_field_problems(exc)}.") from exc
    return ImportResult(document.source, data, condition, created=existing is None, changed=changed)


def _targeted(document: ImportDocument, existing: Condition | None) -> ConditionData:
    """The document's data aimed at the condition it updates, or at a new one."""
    data = replace(document.data)
    if existing is None:
        data.slug = data.slug or slugify(data.name)
        if not data.slug:
            raise ImportProblem(f"{document.source}: “{data.name}” gives no slug; give one with --slug.")
        return data
    data.slug = existing.slug
    # An existing page keeps the name its editors gave it unless --title says otherwise.
    if not document.title_given:
        data.name = existing.name
    return data


def refusal(document: ImportDocument, existing: Condition) -> str:
    """Why ``document`` may not replace ``existing``, the page its name matched; "" if it may.

    A page is replaced only by a re-import of the file (or URL) it was imported from, or when the
    operator named it (``--slug``) or asked for it (``--replace``): a page that merely has the
    same name may be another publisher's, or an editor's, and would lose its text and references.
    A card replaces nothing (it adds its short answer), nor does a page fill one with no sections
    or references yet (such as a page a card created).
    """
    if document.data.slug or document.format == CARD or existing.import_source == document.origin:
        return ""
    if not existing.sections.exists() and not existing.condition_references.exists():
        return ""
    where = reverse("conditions:detail", args=[existing.slug])
    if existing.import_source:
        came_from = f"imported from {existing.import_source}"
    else:
        came_from = "made in the admin or imported before import sources were recorded"
    return (
        f"would replace “{existing.name}” ({where}), {came_from}. Nothing was written for it. "
        "To import it as a page of its own, give it an address with --slug; to replace that page "
        "with this file, import again with --replace."
    )


def find_condition(document: ImportDocument) -> Condition | None:
    """The condition a document is about: by --slug, by the file it was imported from before,
    by a name it gives (as name or slug), or, for a card, the condition whose name or synonym its
    text mentions (the longest wins)."""
    if document.data.slug:
        return Condition.objects.filter(slug=document.data.slug).first()
    if document.origin and document.format != CARD:
        found = Condition.objects.filter(import_source=document.origin).order_by("pk").first()
        if found:
            return found
    for name in document.name_hints:
        found = Condition.objects.filter(slug=slugify(name)).first()
        found = found or Condition.objects.filter(name__iexact=name).order_by("pk").first()
        if found:
            return found
    if document.format != CARD or document.title_given:
        return None
    text = " ".join(
        [a.answer + " " + a.details + " " + a.question for a in document.data.short_answers or []]
    ).casefold()
    mentioned = [
        (len(name), condition)
        for condition in Condition.objects.only("pk", "name", "slug", "also_called")
        for name in [condition.name, *condition.synonyms]
        if re.search(rf"\b{re.escape(name.casefold())}\b", text)
    ]
    return max(mentioned, key=lambda pair: pair[0])[1] if mentioned else None


def store_references(parsed: list[dict], *, source: str) -> list[str]:
    """Keys of the parsed references, creating those not yet stored.

    A reference whose original text is already stored is reused as it is: editors may have
    corrected its fields since, and one source is one row however many pages cite it.
    """
    keys = []
    for number, fields in enumerate(parsed, start=1):
        found = Reference.objects.filter(original_text=fields["original_text"]).first()
        if found is None:
            base = base_key(fields)
            taken = set(Reference.objects.filter(key__startswith=base).values_list("key", flat=True))
            found = Reference(key=unique_key(base, taken), **fields)
            try:
                found.full_clean()
            except ValidationError as exc:
                raise ImportProblem(
                    f"{source}: reference {number} cannot be stored ({_field_problems(exc)})."
                ) from exc
            found.save()
        keys.append(found.key)
    return keys


def _field_problems(error: ValidationError) -> str:
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
