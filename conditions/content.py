"""Writing a whole condition from structured data: used by imports, the demo and tests.

:func:`write_condition` is the programmatic twin of saving the admin form: one transaction, one
reversion revision with a user and a comment, the edit recorded through ``workflow.save_draft``
(so a page in expert review is refused and the page becomes a draft), each value checked by its
model field as the form checks it. Parts given as ``None`` are left as they are, so a short-answer
import does not touch the sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import reversion
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from conditions import workflow
from conditions.changes import describe_changes
from conditions.models import Condition, Section, ShortAnswer
from conditions.pagecontent import content_of
from references.models import ConditionReference, Reference

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class SectionData:
    kind: str
    body: str
    heading: str = ""


@dataclass
class ShortAnswerData:
    question: str
    answer: str
    details: str = ""
    source_updated_on: date | None = None


@dataclass
class ConditionData:
    name: str
    slug: str = ""
    summary: str | None = None
    also_called: list[str] | None = None
    codes: list[str] | None = None  # "ICD10CM:E34.0", ... (conditions.codes)
    source_updated_on: date | None = None
    sections: list[SectionData] | None = None
    short_answers: list[ShortAnswerData] | None = None
    reference_keys: list[str] | None = None
    import_source: str | None = None  # the file or URL an import read it from
    extra: dict = field(default_factory=dict)

    def resolved_slug(self) -> str:
        return self.slug or slugify(self.name)


def _sync_rows(existing: list, wanted: list[dict], create) -> bool:
    """Make the rows ``existing`` hold ``wanted`` in order, updating in place; True if anything changed."""
    changed = False
    for position, (row, values) in enumerate(zip(existing, wanted, strict=False)):
        values = {**values, "position": position}
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            changed = True
    for row in existing[len(wanted) :]:
        row.delete()
        changed = True
    for position, values in enumerate(wanted[len(existing) :], start=len(existing)):
        create(**values, position=position)
        changed = True
    return changed


def validate(data: ConditionData) -> None:
    """Refuse what the admin form would: each value checked by its model field (required, length,
    choices, slug, control characters). Raises ValidationError keyed by the field, e.g. "name",
    "section 2 heading", "short answer 1 question"."""
    errors: dict[str, list[str]] = {}
    also_called = "\n".join(data.also_called or [])
    condition = Condition(
        name=data.name,
        slug=data.resolved_slug(),
        summary=data.summary or "",
        also_called=also_called,
        codes="\n".join(data.codes or []),
    )
    _check_fields(condition, ("name", "slug", "summary", "also_called", "codes"), "", errors)
    for number, section in enumerate(data.sections or [], start=1):
        _check_fields(
            Section(**_section_row(section)), ("kind", "heading", "body"), f"section {number} ", errors
        )
    for number, answer in enumerate(data.short_answers or [], start=1):
        names = ("question", "answer", "details")
        _check_fields(ShortAnswer(**_answer_row(answer)), names, f"short answer {number} ", errors)
    if errors:
        raise ValidationError(errors)


def _check_fields(obj: models.Model, names: tuple[str, ...], prefix: str, errors: dict) -> None:
    try:
        obj.clean_fields(exclude={field.name for field in obj._meta.fields} - set(names))
    except ValidationError as exc:
        errors.update({f"{prefix}{name}": messages for name, messages in exc.message_dict.items()})


def _field_changes(condition: Condition, data: ConditionData) -> dict:
    values: dict[str, str | date] = {"name": data.name}
    if data.summary is not None:
        values["summary"] = data.summary
    if data.also_called is not None:
        values["also_called"] = "\n".join(data.also_called)
    if data.codes is not None:
        values["codes"] = "\n".join(data.codes)
    if data.source_updated_on is not None:
        values["source_updated_on"] = data.source_updated_on
    if data.import_source is not None:
        values["import_source"] = data.import_source
    return {name: value for name, value in values.items() if getattr(condition, name) != value}


def write_condition(
    data: ConditionData, *, by: User, comment: str, lock_version: int | None = None
) -> tuple[Condition, bool]:
    """Create or update the condition with ``data.slug``; returns it and whether anything changed.

    ``lock_version``, if given, is the page's version the data was based on: if somebody saved
    the page since, ``workflow.EditConflict`` is raised and nothing is written. Raises
    ``ValidationError`` for a value the admin form would refuse (see :func:`validate`),
    ``workflow.WorkflowError`` if the page may not be edited now (e.g. in expert review), and
    ``Reference.DoesNotExist`` naming a key that has no reference.
    """
    validate(data)
    slug = data.resolved_slug()
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(comment)
        condition = Condition.objects.filter(slug=slug).first()
        created = condition is None
        if condition is None:
            condition = Condition(slug=slug)
        changes = _field_changes(condition, data)
        for name, value in changes.items():
            setattr(condition, name, value)

        references = None
        if data.reference_keys is not None:
            found = {ref.key: ref for ref in Reference.objects.filter(key__in=data.reference_keys)}
            missing = [key for key in data.reference_keys if key not in found]
            if missing:
                raise Reference.DoesNotExist(f"No reference has the key {', '.join(missing)}.")
            references = [found[key] for key in dict.fromkeys(data.reference_keys)]

        if not created and not changes and not _children_differ(condition, data, references):
            return condition, False
        # As stored: the changes above are made to this object only.
        before = None if created else content_of(Condition.objects.get(pk=condition.pk))
        workflow.save_draft(condition, by=by, comment=comment, lock_version=lock_version)
        _write_children(condition, data, references)
        reversion.add_to_revision(condition)
        # The history says why (the caller's comment), then exactly what changed.
        changed = describe_changes(before, content_of(condition))
        reversion.set_comment(f"{comment.rstrip('.')}. {changed}" if comment else changed)
    return condition, True


def _section_row(section: Section | SectionData) -> dict:
    return {"kind": section.kind, "heading": section.heading, "body": section.body}


def _section_rows(data: ConditionData) -> list[dict]:
    return [_section_row(section) for section in data.sections or []]


def _answer_row(answer: ShortAnswer | ShortAnswerData) -> dict:
    return {
        "question": answer.question,
        "answer": answer.answer,
        "details": answer.details,
        "source_updated_on": answer.source_updated_on,
    }


def _current_answers(condition: Condition) -> list[dict]:
    return [_answer_row(answer) for answer in condition.short_answers.all()] if condition.pk else []


def _merged_answers(condition: Condition, data: ConditionData) -> list[dict]:
    """Existing short answers, with the given ones replacing those with the same question."""
    by_question = {answer.question.casefold(): _answer_row(answer) for answer in data.short_answers or []}
    merged = [by_question.pop(row["question"].casefold(), row) for row in _current_answers(condition)]
    return merged + list(by_question.values())


def _children_differ(condition: Condition, data: ConditionData, references: list[Reference] | None) -> bool:
    current_sections = [_section_row(section) for section in condition.sections.all()]
    if data.sections is not None and current_sections != _section_rows(data):
        return True
    if data.short_answers is not None and _current_answers(condition) != _merged_answers(condition, data):
        return True
    if references is not None:
        current = [link.reference_id for link in condition.condition_references.all()]
        if current != [ref.pk for ref in references]:
            return True
    return False


def _write_children(condition: Condition, data: ConditionData, references: list[Reference] | None) -> None:
    if data.sections is not None:
        _sync_rows(
            list(condition.sections.all()),
            _section_rows(data),
            lambda **values: Section.objects.create(condition=condition, **values),
        )
    if data.short_answers is not None:
        _sync_rows(
            list(condition.short_answers.all()),
            _merged_answers(condition, data),
            lambda **values: ShortAnswer.objects.create(condition=condition, **values),
        )
    if references is not None:
        _sync_rows(
            list(condition.condition_references.all()),
            [{"reference": ref} for ref in references],
            lambda **values: ConditionReference.objects.create(condition=condition, **values),
        )
