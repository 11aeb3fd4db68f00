"""The editor admin's forms: the condition with its edit lock, short answers, listed references."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ImproperlyConfigured, ValidationError

from conditions import workflow
from conditions.models import Condition, ShortAnswer
from medsite.accounts.display import display_name
from references.models import ConditionReference, Reference

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class TypedTextField(forms.CharField):
    """Text typed into a text area, its line breaks stored as "\n".

    Browsers send a text area's line breaks as "\r\n". Kept as sent, every multi-line text of a
    page would differ from its stored "\n" form on the first save: counted as changed (named in
    the history, rewritten, and credited to whoever saved) without a word of it being touched.
    """

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


class ConditionForm(forms.ModelForm):
    """The condition form, carrying the edit lock it was opened at."""

    lock_version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The user saving: set by ConditionAdmin.get_form on the class it makes per request.
    editor: User | AnonymousUser | None = None
    # Set when the save is refused because somebody saved the page after it was opened: the edit
    # page then compares their changes with the form's (conditions/admin/conflicts.py).
    conflict: workflow.EditConflict | None = None

    class Meta:
        model = Condition
        fields = [
            "name",
            "slug",
            "also_called",
            "summary",
            "codes",
            "review_interval_months",
            "source_updated_on",
        ]
        widgets = {
            "also_called": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "codes": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"also_called": TypedTextField, "summary": TypedTextField, "codes": TypedTextField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version_seen"].initial = self.instance.lock_version

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None:
            return cleaned
        # The workflow's edit guard, asked here rather than only in the save (a server error, the
        # text lost), so the editor's text is shown back. It locks the row for the rest of the
        # save, so the check and the write cannot be interleaved. A form that names no version
        # conflicts with every one.
        seen = cleaned.get("lock_version_seen")
        if self.editor is None:
            raise ImproperlyConfigured("ConditionForm needs its editor: ConditionAdmin.get_form sets it.")
        try:
            workflow.check_editable(self.instance, self.editor, lock_version=-1 if seen is None else seen)
        except workflow.EditConflict as conflict:
            self.conflict = conflict
            saved_by = display_name(conflict.current.updated_by) or "Someone else"
            raise ValidationError(
                f"{saved_by} saved this page after you opened it, so your changes were not saved. "
                "Everything you typed is still in the form below; the top of the page compares their "
                "changes with yours and can keep your text on their version.",
                code="edit_conflict",
            ) from None
        except workflow.WorkflowError as refusal:
            raise ValidationError(
                f"{refusal} Your changes were not saved; everything you typed is still in the form below.",
                code="read_only",
            ) from None
        return cleaned


class ShortAnswerForm(forms.ModelForm):
    class Meta:
        model = ShortAnswer
        fields = ["question", "position", "answer", "details", "source_updated_on"]

    def save(self, commit: bool = True) -> ShortAnswer:
        # Editing a flagged answer is the editor's re-check of it.
        if {"question", "answer", "details"} & set(self.changed_data):
            self.instance.needs_review = False
        return super().save(commit)


class ListedReferenceSelect(AutocompleteSelect):
    """The reference picker of one listed-reference row, labelled from the row's own reference.

    Django's autocomplete widget looks up the chosen reference to label it, one query per row;
    the inline reads the rows with their references, and the formset hands each row its own.
    """

    chosen: Reference | None = None

    def optgroups(self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None) -> list:
        picked = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.chosen is None or picked != [str(self.chosen.pk)]:
            # A new row, or a different reference posted back with form errors: look it up.
            return super().optgroups(name, value, attr)
        label = self.choices.field.label_from_instance(self.chosen)
        return [(None, [self.create_option(name, self.chosen.pk, label, True, 0)], 0)]


class ConditionReferenceFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        # The tabular inline names its columns in table headers, which are not labels: without
        # these, a screen reader announces a bare "spin button" and "checkbox" (WCAG 1.3.1).
        form.fields["position"].widget.attrs["aria-label"] = "Position"
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete"
        picker = form.fields["reference"].widget
        picker = getattr(picker, "widget", picker)  # inside the admin's add/change-links wrapper
        row = form.instance
        if isinstance(picker, ListedReferenceSelect) and ConditionReference.reference.is_cached(row):
            picker.chosen = row.reference

    def clean(self) -> None:
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            reference = form.cleaned_data.get("reference")
            if reference in seen:
                raise ValidationError(f"“{reference.key}” is listed twice; keep one entry.")
            seen.add(reference)
