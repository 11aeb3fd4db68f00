"""References in the editor admin: searchable, so the condition form can pick them by author or title."""

from __future__ import annotations

from django.contrib import admin
from reversion.admin import VersionAdmin

from .citations import format_reference
from .models import Reference


@admin.register(Reference)
class ReferenceAdmin(VersionAdmin):
    list_display = ["key", "kind", "title", "year", "container_title"]
    list_filter = ["kind", "year"]
    search_fields = ["key", "title", "authors", "container_title", "doi", "pmid"]
    readonly_fields = ["formatted", "original_text", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["key", "kind", "formatted"]}),
        (
            "Source",
            {"fields": ["authors", "title", "container_title", "edition", "publisher", "place", "year"]},
        ),
        ("Location", {"fields": [("volume", "issue", "pages"), "url", ("doi", "pmid"), "accessed_on"]}),
        ("Notes", {"fields": ["note", "original_text", ("created_at", "updated_at")]}),
    ]

    @admin.display(description="as it appears on pages")
    def formatted(self, obj: Reference) -> str:
        return format_reference(obj) if obj.pk else "–"
