"""The audit log: who restored, recovered, deleted, imported or exported what, and who changed whose
access, and when.

Workflow transitions and edits are logged as ReviewEvents (conditions/workflow.py); this log holds
the rest. :func:`record` is the one place that writes it. Call it inside the transaction of the
change it records, so a change without its record cannot be committed.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from conditions.models import AuditRecord

Action = AuditRecord.Action

TARGET_LENGTH = AuditRecord._meta.get_field("target").max_length


def record(action: str, *, actor, target: models.Model | str | None = None, **details) -> AuditRecord:
    """Write one audit record of ``action`` by ``actor`` on ``target`` (an object, or a name).

    ``details`` are stored as JSON: say what changed, not how (no passwords, no page bodies).
    """
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    entry = AuditRecord(actor=actor, action=action, details=details)
    if isinstance(target, models.Model):
        entry.content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.object_id = str(target.pk)
        target = str(target)
    entry.target = (target or "")[:TARGET_LENGTH]
    entry.save()
    return entry
