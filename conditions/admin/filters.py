"""The condition list's filters: on the public site, and review due."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from conditions.admin.dashboard import REVIEW_SOON_DAYS


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "review_due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", f"Within {REVIEW_SOON_DAYS} days"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=today)
        if self.value() == "soon":
            return queryset.filter(
                next_review_due__gte=today, next_review_due__lte=today + timedelta(REVIEW_SOON_DAYS)
            )
        if self.value() == "never":
            return queryset.filter(last_reviewed_on__isnull=True)
        return queryset


class LiveFilter(admin.SimpleListFilter):
    title = "on the public site"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return [("yes", "Published"), ("no", "Not published"), ("scheduled", "Scheduled to go live")]

    def queryset(self, request, queryset):
        if self.value() in {"yes", "no"}:
            return queryset.filter(live_publication__isnull=self.value() == "no")
        if self.value() == "scheduled":
            return queryset.filter(scheduled_publication__isnull=False)
        return queryset
