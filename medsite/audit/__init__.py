"""The audit log: who restored, recovered, deleted, imported or exported what, and who changed whose
access, and when.

Workflow transitions and edits are logged as ReviewEvents (conditions/workflow.py); this log holds
the rest. :func:`record` is the one place that writes it. Call it inside the transaction of the
change it records, so a change without its record cannot be committed.

A Django app (label ``audit``): :class:`~medsite.audit.models.AuditRecord` is its one model, and
its admin screens (medsite/audit/admin.py) are registered when the app is ready. This module is
imported while Django loads the apps, so it does not import models at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

# Not ``from django.db import models``: this package's own ``models`` module would replace it.
from django.db.models import Model, TextChoices

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from medsite.audit.models import AuditRecord

# The longest name a record keeps of what was acted on.
TARGET_LENGTH = 300


class Action(TextChoices):
    REVERT = "revert", "Restored an earlier version"
    RECOVER = "recover", "Recovered a deleted item"
    DELETE = "delete", "Deleted"
    IMPORT = "import", "Imported"
    EXPORT = "export", "Exported"
    PERMISSIONS = "permissions", "Access changed (roles, permissions, staff or superuser)"
    ACCOUNT = "account", "User account changed"


def record(action: str, *, actor: User, target: Model | str | None = None, **details) -> AuditRecord:
    """Write one audit record of ``action`` by ``actor`` on ``target`` (an object, or a name).

    ``details`` are stored as JSON: say what changed, not how (no passwords, no page bodies).
    """
    # Imported here: the models are not ready while this package is first imported.
    from django.contrib.contenttypes.models import ContentType

    from medsite.audit.models import AuditRecord

    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    entry = AuditRecord(actor=actor, action=action, details=details)
    if isinstance(target, Model):
        entry.content_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.object_id = str(target.pk)
        target = str(target)
    entry.target = (target or "")[:TARGET_LENGTH]
    entry.save()
    return entry
