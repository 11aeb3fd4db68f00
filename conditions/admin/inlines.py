"""The parts of a condition page edited on its admin page: sections, short answers, listed references."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from markdownx.widgets import AdminMarkdownxWidget

from conditions.admin.forms import (
    ConditionReferenceFormSet,
    ListedReferenceSelect,
    ShortAnswerForm,
    TypedTextField,
)
from conditions.models import Section, ShortAnswer
from references.models import ConditionReference

if TYPE_CHECKING:
    # Checked as the inline it is mixed into; a plain class at run time (see ModelAdminMixin).
    _InlineMixin = admin.options.InlineModelAdmin
else:
    _InlineMixin = object


class MarkdownWidget(AdminMarkdownxWidget):
    """markdownx's admin widget, its markup and styles, without its script.

    The editor's own script (static/js/condition-editor.js) previews every field, rows added
    after the page loaded included, through one page-wide preview, and refuses dropped or pasted
    images with a message; markdownx's previewed each field on its own, froze in added rows and
    uploaded images.
    """

    class Media:
        extend = False
        css = {"all": ["markdownx/admin/css/markdownx.min.css"]}


MARKDOWN_WIDGETS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.TextField: {"widget": MarkdownWidget(attrs={"rows": 8}), "form_class": TypedTextField}
}


class _LockedWhileInReview(_InlineMixin):
    """Inline parts cannot be changed while the page is in expert review."""

    def has_add_permission(self, request, obj=None) -> bool:
        return not (obj and obj.is_read_only) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not (obj and obj.is_read_only) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj and obj.is_read_only) and super().has_delete_permission(request, obj)


class SectionInline(_LockedWhileInReview, admin.StackedInline):
    model = Section
    extra = 0
    fields = [("kind", "heading", "position"), "body"]
    formfield_overrides = MARKDOWN_WIDGETS


class ShortAnswerInline(_LockedWhileInReview, admin.StackedInline):
    model = ShortAnswer
    form = ShortAnswerForm
    extra = 0
    fields = [("question", "position"), "needs_review", "answer", "details", "source_updated_on"]
    readonly_fields = ["needs_review"]
    formfield_overrides = MARKDOWN_WIDGETS


class ConditionReferenceInline(_LockedWhileInReview, admin.TabularInline):
    model = ConditionReference
    formset = ConditionReferenceFormSet
    extra = 0
    autocomplete_fields = ["reference"]
    fields = ["reference", "position"]
    verbose_name = "listed reference"
    verbose_name_plural = "References listed on the page (cited ones are added automatically)"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        # Each row shows its reference (picker label or read-only link) and its own name, which
        # names the condition: read with the rows rather than one query each.
        return super().get_queryset(request).select_related("condition", "reference")

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "reference":
            kwargs["widget"] = ListedReferenceSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
