"""Admins of the records the workflow writes (publications and the review log: read-only for
everybody), and of medical reviewers' profiles."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from conditions.models import Publication, ReviewerProfile, ReviewEvent
from medsite.accounts.display import display_name
from medsite.admin_input import CarefulAdminInput


class _ReadOnlyAdmin(CarefulAdminInput, admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(_ReadOnlyAdmin):
    list_display = ["condition", "number", "kind", "reviewed_by_name", "approver", "approved_at"]
    list_filter = ["kind"]
    list_select_related = ["condition", "approved_by__reviewer_profile"]
    search_fields = ["title", "condition__name"]
    exclude = ["html", "structured_data"]

    @admin.display(description="approved by", ordering="approved_by")
    def approver(self, obj: Publication) -> str:
        return display_name(obj.approved_by)


@admin.register(ReviewEvent)
class ReviewEventAdmin(_ReadOnlyAdmin):
    list_display = ["created_at", "condition", "action", "person", "from_status", "to_status", "comment"]
    list_filter = ["action"]
    list_select_related = ["condition", "actor__reviewer_profile"]
    search_fields = ["condition__name", "comment"]

    @admin.display(description="by", ordering="actor")
    def person(self, obj: ReviewEvent) -> str:
        return display_name(obj.actor)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only as part of a superuser deleting a never-published draft (published pages are
        # protected by their publications), which asks this of each of the draft's log lines.
        return request.user.is_superuser and obj is not None

    def delete_view(self, request, object_id, extra_context=None):
        # Nobody deletes log lines one by one.
        raise PermissionDenied


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(CarefulAdminInput, admin.ModelAdmin):
    list_display = ["display_name", "user", "specialty"]
    search_fields = ["display_name", "user__username"]
