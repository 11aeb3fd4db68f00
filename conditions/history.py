"""Going back in a condition's version history.

A revert restores the page's content (fields, sections, short answers, references list) from an
earlier reversion revision as a new draft. What the workflow owns — status, the live publication,
review dates, the edit lock — is never taken from the old version: a revert can never publish,
unpublish or change review dates.
"""

from __future__ import annotations

import reversion
from django.db import transaction
from django.utils import formats, timezone
from reversion.models import Version

from . import audit, workflow
from .models import Condition

# Fields the workflow owns; a restored version must not bring back old values of these.
WORKFLOW_FIELDS = (
    "status",
    "live_publication_id",
    "scheduled_publication_id",
    "last_reviewed_on",
    "next_review_due",
    "lock_version",
    "created_at",
    "created_by_id",
)


def revert(version: Version, *, by) -> Condition:
    """Restore the condition in ``version`` (existing or deleted) as a draft, recorded as an edit."""
    when = formats.date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
    comment = f"Restored the version saved on {when}"
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(comment)
        current = Condition.objects.select_for_update().filter(pk=version.object_id).first()
        refusal = workflow.refusal_edit(current or Condition(), by)
        if refusal:
            raise workflow.WorkflowError(refusal)
        if current is not None:
            kept = {name: getattr(current, name) for name in WORKFLOW_FIELDS}
        else:
            kept = {
                "live_publication_id": None,
                "scheduled_publication_id": None,
                "last_reviewed_on": None,
                "next_review_due": None,
            }
        version.revision.revert(delete=True)
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
