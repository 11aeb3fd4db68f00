"""The plain-language term list in the admin: editors add the terms their pages use."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models

from medsite.admin_input import CarefulAdminInput
from medsite.contentchecks.models import PlainTerm


@admin.register(PlainTerm)
class PlainTermAdmin(CarefulAdminInput, admin.ModelAdmin):
    list_display = ["term", "suggestions", "note"]
    search_fields = ["term", "alternatives", "note"]
    list_per_page = 100
    fields = ["term", "alternatives", "note"]
    # The alternatives: a few lines, one on each.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    class Media:
        css = {"all": ["css/admin.css"]}  # the site's admin styles (links told apart from text)

    @admin.display(description="plainer alternatives")
    def suggestions(self, obj: PlainTerm) -> str:
        return " · ".join(obj.alternative_list)
