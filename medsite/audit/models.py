from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from medsite.accounts.display import display_name, when
from medsite.audit import TARGET_LENGTH, Action


class AuditRecord(models.Model):
    """One line of the audit log: a change the review log (ReviewEvent) does not record.

    Written only through :func:`medsite.audit.record`, in the transaction of the change it
    records. ``target`` names the object as it was, so a record outlives a deleted object.
    """

    Action = Action

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = models.CharField(
        max_length=TARGET_LENGTH, blank=True, help_text="What was acted on, as it was named then."
    )
    details = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        # The table the conditions app made for it, before the audit log was an app of its own
        # (migrations conditions 0006 and audit 0001).
        db_table = "conditions_auditrecord"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="auditrecord_object_idx")]

    def __str__(self) -> str:
        by = display_name(self.actor)
        return f"{self.get_action_display()}: {self.target} by {by} on {when(self.created_at)}"
