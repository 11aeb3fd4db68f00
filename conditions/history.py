"""Going back in a condition's version history.

A revert restores the page's own content (fields, sections, short answers, the list of listed
references) from an earlier reversion revision as a new draft. What the workflow owns — status,
the live publication, review dates, the edit lock — is never taken from the old version: a
revert can never publish, unpublish or change review dates.

Nothing shared is touched: a revision can also hold references (an import saves them with the
page), and other pages rely on their corrections since. A reference is restored only from its
own history (the reference admin), which the audit log records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from reversion.models import Version

from conditions import workflow
from conditions.models import Condition, Section, ShortAnswer
from conditions.pagecontent import stored_fields
from medsite import audit
from medsite.accounts.display import when
from references.models import ConditionReference, Reference

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def revert(version: Version, *, by: User) -> Condition:
    """Restore the condition in ``version`` (existing or deleted) as a draft, recorded as an edit."""
    comment = f"Restored the version saved on {when(version.revision.date_created)}"
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(comment)
        current = workflow.check_editable(Condition(pk=version.object_id), by)
        if current is not None:
            kept = {name: getattr(current, name) for name in workflow.owned_fields()}
        else:
            # Recovered after deletion, which only a page never approved allows (publications
            # protect it): nothing the version says makes it public or reviewed.
            kept = {
                "live_publication_id": None,
                "scheduled_publication_id": None,
                "last_reviewed_on": None,
                "next_review_due": None,
            }
        _restore_own_rows(version)
        condition = Condition.objects.get(pk=version.object_id)
        for name, value in kept.items():
            setattr(condition, name, value)
        condition.save()
        workflow.save_draft(condition, by=by, comment=comment)
        reversion.add_to_revision(condition)
        audit.record(
            audit.Action.REVERT if current is not None else audit.Action.RECOVER,
            actor=by,
            target=condition,
            version=version.pk,
            revision=version.revision_id,
            saved_at=version.revision.date_created,
        )
    return condition


# The page's own rows, restored with it; everything else in a revision is left alone.
_PARTS = (Section, ShortAnswer, ConditionReference)


def _restore_own_rows(version: Version) -> None:
    """Make the condition and its parts what ``version``'s revision saved, and nothing else.

    Parts saved since that are not in the revision are deleted, as reversion's own revert with
    ``delete=True`` would, but only this page's: the revision's other objects are not reverted.
    """
    condition_id = int(version.object_id)
    types = ContentType.objects.get_for_models(*_PARTS)
    model_of = {content_type.pk: model for model, content_type in types.items()}
    own: dict[type[Model], list[Version]] = {model: [] for model in _PARTS}
    for other in version.revision.version_set.all():
        model = model_of.get(other.content_type_id)
        if model is not None and stored_fields(other).get("condition") == condition_id:
            own[model].append(other)
    _refuse_missing_references(own[ConditionReference])
    version.revert()
    for model, versions in own.items():
        kept = [int(v.object_id) for v in versions]
        model._default_manager.filter(condition_id=condition_id).exclude(pk__in=kept).delete()
        for part in versions:
            part.revert()


def _refuse_missing_references(links: list[Version]) -> None:
    wanted: set[int] = {stored_fields(link)["reference"] for link in links}
    missing = wanted - set(Reference.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if not missing:
        return
    names = [
        Version.objects.get_for_object_reference(Reference, pk).values_list("object_repr", flat=True).first()
        or f"reference {pk}"
        for pk in sorted(missing)
    ]
    raise workflow.WorkflowError(
        "This version lists references that have since been deleted: "
        + "; ".join(names)
        + ". Recover them from the reference history first, then restore this version."
    )
