"""A stale save: what each person changed, word by word, and the editor's text carried onto the
newer version.

When an edit is refused because somebody saved the page after the editor opened it (the edit
guard raises ``EditConflict``; ``ConditionForm`` keeps it as ``conflict``), the edit page opens
with the conflict at its top: who saved and when, and for every part of the page either side
changed, their change and the editor's, each against the version the editor started from, word
by word (:func:`conditions.compare.diff_paragraphs`). "Keep my text on the newer version"
(:class:`EditConflicts`) opens the form again on the newer version with the editor's typing
carried over, unsaved: what only they changed keeps their text, what the editor changed keeps the
editor's, and the editor's next save is a deliberate one. Their text stays in the comparison and
in the history, so nothing either person typed is lost.

The three states are compared as the browser posts the forms (:data:`Fields`): the version the
editor started from (read from the history by its edit lock), the page as saved now, and the
posted form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.forms.formsets import all_valid
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext
from reversion.models import Version

from conditions.compare import TextDiff, diff_paragraphs
from conditions.models import Condition
from conditions.pagecontent import stored_fields
from medsite.accounts.display import display_name
from medsite.admin_input import ModelAdminMixin

# The name of the conflict's button, posted with the editor's form.
CARRY_OVER = "_keep_my_text"
# How far back the history is searched for the version an editor started from: far more saves
# than could happen while one person has the page open.
SEARCH_LIMIT = 200
# Formset rows read from one posted form, at most (Django's own formset limit).
MAX_ROWS = 1000

Fields = dict[str, str]  # one form's values, as the browser posts them


# --- the edit page's forms ---------------------------------------------------------------------


@dataclass(frozen=True)
class Inline:
    """One inline formset of the edit page: its prefix, rows and fields."""

    prefix: str
    model: type[models.Model]
    fk: str  # the row's field naming its condition
    fields: tuple[str, ...]
    noun: str  # "section"
    title_fields: tuple[str, ...]  # the fields a row is named by, the first one set

    @classmethod
    def of(cls, formset: type[BaseInlineFormSet], noun: str) -> Inline:
        fk: str = cast(models.ForeignKey, formset.fk).name  # set by inlineformset_factory
        fields = tuple(name for name in formset.form.base_fields if name not in {fk, "id", "DELETE"})
        titles = tuple(name for name in ("heading", "kind", "question", "reference") if name in fields)
        return cls(formset.get_default_prefix(), formset.model, fk, fields, noun, titles or fields[:1])


@dataclass(frozen=True)
class EditForms:
    """What the edit page posts: the condition's fields and its inlines'."""

    fields: tuple[str, ...]
    inlines: tuple[Inline, ...]


@dataclass(frozen=True)
class PostedRow:
    id: str  # "" for a row added in the form
    fields: Fields
    deleted: bool


@dataclass
class PageState:
    """The page at one moment: its fields, and each inline's rows by id."""

    fields: Fields
    rows: dict[str, dict[str, Fields]]


def _posted(value: object) -> str:
    """A stored value as the form posts it."""
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _normal(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    return "\n".join(line.rstrip() for line in lines)


def same(a: str | None, b: str | None) -> bool:
    """Equal as text, whatever the line endings and trailing spaces the browser sent."""
    return _normal(a or "") == _normal(b or "")


def posted_rows(data: QueryDict, inline: Inline) -> list[PostedRow]:
    try:
        total = min(int(data.get(f"{inline.prefix}-TOTAL_FORMS", "0")), MAX_ROWS)
    except ValueError:
        total = 0
    rows = []
    for n in range(max(total, 0)):
        prefix = f"{inline.prefix}-{n}-"
        row_id = data.get(prefix + "id", "")
        rows.append(
            PostedRow(
                id=row_id if row_id.isdigit() else "",
                fields={name: data.get(prefix + name, "") for name in inline.fields},
                deleted=bool(data.get(prefix + "DELETE")),
            )
        )
    return rows


def _field(model: type[models.Model] | models.Model, name: str) -> models.Field:
    """One of the fields a form edits: a concrete field, never a reverse relation."""
    return cast(models.Field, model._meta.get_field(name))


def _values(instance: models.Model, names: Iterable[str]) -> Fields:
    return {name: _posted(_field(instance, name).value_from_object(instance)) for name in names}


def saved_state(condition: Condition, forms: EditForms) -> PageState:
    """The page as saved now: one query per inline."""
    rows = {
        inline.prefix: {
            str(row.pk): _values(row, inline.fields)
            for row in inline.model._default_manager.filter(**{inline.fk: condition})
        }
        for inline in forms.inlines
    }
    return PageState(_values(condition, forms.fields), rows)


def state_in_revision(revision_id: int, condition_id: int, forms: EditForms) -> PageState | None:
    """The page as one revision of its history holds it (one query)."""
    types = ContentType.objects.get_for_models(Condition, *(inline.model for inline in forms.inlines))
    inline_of = {types[inline.model].pk: inline for inline in forms.inlines}
    page: Fields | None = None
    rows: dict[str, dict[str, Fields]] = {inline.prefix: {} for inline in forms.inlines}
    for version in Version.objects.filter(revision_id=revision_id):
        stored = stored_fields(version)
        if version.content_type_id == types[Condition].pk and version.object_id == str(condition_id):
            page = {name: _posted(stored.get(name)) for name in forms.fields}
        elif (inline := inline_of.get(version.content_type_id)) and stored.get(inline.fk) == condition_id:
            rows[inline.prefix][version.object_id] = {
                name: _posted(stored.get(name)) for name in inline.fields
            }
    return None if page is None else PageState(page, rows)


@dataclass(frozen=True)
class Saver:
    name: str
    at: datetime


def history_since(condition: Condition, lock_version: int | None) -> tuple[int | None, list[Saver]]:
    """The revision an editor's copy opened at ``lock_version`` came from (None if the history no
    longer has it), and who saved the page after it, oldest first (one query).

    Every edit raises the page's edit lock by one and saves a revision holding it, so the save
    that raised the lock to a value is the oldest version holding that value. The search goes back
    from the newest version and stops at the first one at or below ``lock_version``.
    """
    versions = (
        Version.objects.get_for_object(condition)
        .select_related("revision__user__reviewer_profile")
        .order_by("-pk")[:SEARCH_LIMIT]
    )
    start = None
    raised: dict[int, Version] = {}
    for version in versions:
        stored = stored_fields(version).get("lock_version")
        if not isinstance(stored, int):
            continue
        if lock_version is not None and stored <= lock_version:
            start = version.revision_id if stored == lock_version else None
            break
        raised[stored] = version  # newest first: the last one kept raised the lock
    savers = [
        Saver(display_name(version.revision.user) or "Someone", version.revision.date_created)
        for _, version in sorted(raised.items())
    ]
    return start, savers


# --- the comparison ----------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    return [" ".join(line.split()) for line in _normal(text).split("\n") if line.strip()]


@dataclass
class FieldConflict:
    """One field either side changed: their change and the editor's, against where they started."""

    label: str
    theirs: TextDiff | None  # None: they left it as it was
    yours: TextDiff | None  # None: the editor left it as it was
    both_same: bool = False  # both made the same change

    @property
    def outcome(self) -> str:
        if self.theirs and self.yours:
            if self.both_same:
                return "You both made the same change."
            return "You both changed this: keeping your text replaces theirs (theirs stays in the history)."
        return "Their change stays." if self.theirs else "Your change stays."


@dataclass
class PartConflict:
    """One part of the page: the page's own fields, or one section, short answer or reference."""

    title: str
    note: str
    fields: list[FieldConflict]


@dataclass
class Conflict:
    """A stale save, as the top of the edit page shows it."""

    savers: list[Saver]
    saved_at: datetime
    parts: list[PartConflict] = field(default_factory=list)
    found_start: bool = True  # the version the editor started from is in the history
    carried: bool = False  # the form now holds the editor's text on the newer version

    @property
    def saved_by(self) -> str:
        names = list(dict.fromkeys(saver.name for saver in self.savers)) or ["Someone else"]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _field_conflict(label: str, base: str, theirs: str, yours: str) -> FieldConflict | None:
    they_changed, you_changed = not same(base, theirs), not same(base, yours)
    if not (they_changed or you_changed):
        return None
    return FieldConflict(
        label,
        diff_paragraphs(_paragraphs(base), _paragraphs(theirs)) if they_changed else None,
        diff_paragraphs(_paragraphs(base), _paragraphs(yours)) if you_changed else None,
        both_same=same(theirs, yours),
    )


class _Labels:
    """Field labels and values as an editor reads them: choices by their label, references by key
    (one query per kind of related row)."""

    def __init__(self, forms: EditForms, rows: Mapping[str, Iterable[Fields]]) -> None:
        self.related: dict[tuple[type[models.Model], str], str] = {}
        for inline in forms.inlines:
            for name in inline.fields:
                target = _field(inline.model, name).related_model
                if not isinstance(target, type):
                    continue
                ids = {row[name] for row in rows[inline.prefix] if row[name].isdigit()}
                for pk, obj in target._default_manager.in_bulk(ids).items():
                    self.related[(target, str(pk))] = str(obj)

    def shown(self, model: type[models.Model], name: str, value: str) -> str:
        model_field = _field(model, name)
        target = model_field.related_model
        if isinstance(target, type):
            return self.related.get((target, value), value)
        choices = {str(key): label for key, label in getattr(model_field, "flatchoices", [])}
        return str(choices.get(value, value))

    @staticmethod
    def label(model: type[models.Model], name: str) -> str:
        return capfirst(str(_field(model, name).verbose_name))


def _row_part(
    inline: Inline,
    labels: _Labels,
    names: str,
    base: Fields | None,
    theirs: Fields | None,
    yours: Fields | None,
) -> PartConflict | None:
    empty = dict.fromkeys(inline.fields, "")
    b, t, y = base or empty, theirs or empty, yours or empty
    shown = {
        name: [labels.shown(inline.model, name, side[name]) for side in (b, t, y)] for name in inline.fields
    }
    fields = [
        change
        for name in inline.fields
        if (change := _field_conflict(labels.label(inline.model, name), *shown[name]))
    ]
    if not fields:
        return None
    named_by = next((value for name in inline.title_fields for value in shown[name][::-1] if value), "")
    title = f"{capfirst(inline.noun)}: {named_by}" if named_by else capfirst(inline.noun)
    return PartConflict(title, _row_note(inline, names, base, theirs, yours), fields)


def _row_note(
    inline: Inline, names: str, base: Fields | None, theirs: Fields | None, yours: Fields | None
) -> str:
    if base is None and theirs is not None:
        return f"Added by {names}."
    if base is None:
        return "Added by you."
    if theirs is None and yours is None:
        return f"Removed by {names}, and by you."
    if theirs is None:
        if all(same(base[name], yours[name]) for name in inline.fields):  # type: ignore[index]
            return f"Removed by {names}; it stays removed."
        return (
            f"Removed by {names}. You changed it, so keeping your text adds it back as a new {inline.noun}."
        )
    if yours is None:
        changed = not all(same(base[name], theirs[name]) for name in inline.fields)
        return f"Removed by you{f'; {names} changed it' if changed else ''}."
    return ""


def _yours(rows: list[PostedRow]) -> tuple[dict[str, Fields], list[Fields]]:
    """The editor's rows that exist, by id (deleted ones left out), and the rows they added."""
    kept = {row.id: row.fields for row in rows if row.id and not row.deleted}
    added = [row.fields for row in rows if not row.id and not row.deleted]
    return kept, added


@dataclass
class Sides:
    """What an editor's form is compared with: the page as they opened it, and as saved now."""

    start: PageState  # the page as saved now where the history no longer has where they started
    saved: PageState
    savers: list[Saver]
    saved_at: datetime
    found_start: bool


def sides(condition: Condition, lock_version: int | None, forms: EditForms) -> Sides:
    """``condition`` as saved now, and as an editor opened it at ``lock_version``."""
    start_revision, savers = history_since(condition, lock_version)
    saved = saved_state(condition, forms)
    start = state_in_revision(start_revision, condition.pk, forms) if start_revision else None
    return Sides(
        start=start or saved,
        saved=saved,
        savers=savers,
        saved_at=savers[-1].at if savers else condition.updated_at,
        found_start=start is not None,
    )


def describe(found: Sides, data: QueryDict, forms: EditForms, *, carried: bool = False) -> Conflict:
    """The conflict between the editor's posted form and the page as saved since they opened it."""
    conflict = Conflict(
        savers=found.savers, saved_at=found.saved_at, found_start=found.found_start, carried=carried
    )
    base, theirs = found.start, found.saved
    names = conflict.saved_by
    yours_fields = {name: data.get(name, "") for name in forms.fields}
    page_fields = [
        change
        for name in forms.fields
        if (
            change := _field_conflict(
                _Labels.label(Condition, name), base.fields[name], theirs.fields[name], yours_fields[name]
            )
        )
    ]
    if page_fields:
        conflict.parts.append(PartConflict("The page's details", "", page_fields))
    posted = {inline.prefix: posted_rows(data, inline) for inline in forms.inlines}
    labels = _Labels(
        forms,
        {
            inline.prefix: [
                *base.rows[inline.prefix].values(),
                *theirs.rows[inline.prefix].values(),
                *(row.fields for row in posted[inline.prefix]),
            ]
            for inline in forms.inlines
        },
    )
    for inline in forms.inlines:
        kept, added = _yours(posted[inline.prefix])
        before, now = base.rows[inline.prefix], theirs.rows[inline.prefix]
        deleted = [row.id for row in posted[inline.prefix] if row.id and row.deleted]
        for row_id in dict.fromkeys([*kept, *deleted, *now, *before]):
            part = _row_part(inline, labels, names, before.get(row_id), now.get(row_id), kept.get(row_id))
            if part:
                conflict.parts.append(part)
        for row in added:
            part = _row_part(inline, labels, names, None, None, row)
            if part and not _blank(inline, row):
                conflict.parts.append(part)
    return conflict


def _blank(inline: Inline, row: Fields) -> bool:
    """A row added to the form and left empty (the admin does not save it either): no text typed,
    no reference chosen; a kind or position may be preset."""
    for name in inline.fields:
        model_field = _field(inline.model, name)
        written = isinstance(model_field, models.TextField | models.ForeignKey) or (
            isinstance(model_field, models.CharField) and not model_field.choices
        )
        if written and row[name].strip():
            return False
    return True


# --- carrying the editor's text onto the newer version ----------------------------------------


def _pick(base: str, theirs: str, yours: str) -> str:
    """The editor's value, unless they left it as it was: then the newer version's."""
    return theirs if same(yours, base) else yours


def carry_over(data: QueryDict, condition: Condition, forms: EditForms, found: Sides) -> QueryDict:
    """The editor's posted form, carried onto ``condition`` as saved now.

    Field by field, the editor's text where they changed it, the newer version's where they did
    not. Rows the newer version added are added to the form; a row it removed stays removed unless
    the editor changed it, when it comes back as a new row with the editor's text. The edit lock is
    the newer version's, so saving the result replaces nothing by accident.
    """
    base, theirs = found.start, found.saved
    carried = data.copy()
    carried.pop(CARRY_OVER, None)
    for name in forms.fields:
        carried[name] = _pick(base.fields[name], theirs.fields[name], data.get(name, ""))
    carried["lock_version_seen"] = str(condition.lock_version)
    for inline in forms.inlines:
        rows = posted_rows(data, inline)
        for key in [key for key in carried if key.startswith(f"{inline.prefix}-")]:
            del carried[key]
        kept: list[tuple[str, Fields, bool]] = []
        added: list[Fields] = []
        before, now = base.rows[inline.prefix], theirs.rows[inline.prefix]
        for row in rows:
            if not row.id:
                if not row.deleted:
                    added.append(row.fields)
            elif row.id in now:
                start = before.get(row.id, now[row.id])
                merged = {n: _pick(start[n], now[row.id][n], row.fields[n]) for n in inline.fields}
                kept.append((row.id, merged, row.deleted))
            elif not row.deleted and not all(
                same(row.fields[n], before.get(row.id, {}).get(n)) for n in inline.fields
            ):
                added.append(row.fields)
        posted_ids = {row.id for row in rows}
        kept += [(row_id, values, False) for row_id, values in now.items() if row_id not in posted_ids]
        _write_rows(carried, inline, condition, kept, added, data)
    return carried


def _write_rows(
    out: QueryDict,
    inline: Inline,
    condition: Condition,
    kept: list[tuple[str, Fields, bool]],
    added: list[Fields],
    data: QueryDict,
) -> None:
    """The rows as a formset posts them: existing rows first (with their ids), then new ones."""
    p = inline.prefix
    rows = [(row_id, values, deleted) for row_id, values, deleted in kept]
    rows += [("", values, False) for values in added]
    for n, (row_id, values, deleted) in enumerate(rows):
        out[f"{p}-{n}-id"] = row_id
        out[f"{p}-{n}-{inline.fk}"] = str(condition.pk)
        for name, value in values.items():
            if value or name not in _checkboxes(inline):
                out[f"{p}-{n}-{name}"] = value
        if deleted:
            out[f"{p}-{n}-DELETE"] = "on"
    out[f"{p}-TOTAL_FORMS"] = str(len(rows))
    out[f"{p}-INITIAL_FORMS"] = str(len(kept))
    out[f"{p}-MIN_NUM_FORMS"] = data.get(f"{p}-MIN_NUM_FORMS", "0")
    out[f"{p}-MAX_NUM_FORMS"] = data.get(f"{p}-MAX_NUM_FORMS", str(MAX_ROWS))


def _checkboxes(inline: Inline) -> set[str]:
    # An unticked box is not posted at all.
    return {name for name in inline.fields if isinstance(_field(inline.model, name), models.BooleanField)}


# --- the admin ----------------------------------------------------------------------------------


def _lock_version(value: object) -> int | None:
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


class EditConflicts(ModelAdminMixin):
    """ConditionAdmin's side of a stale save: the conflict at the top of the edit page, and the
    "Keep my text on the newer version" button's view."""

    def edit_forms(self, request: HttpRequest, obj: Condition) -> EditForms:
        fields = tuple(
            name
            for name in self.get_form(request, obj, change=True).base_fields
            if name != "lock_version_seen"
        )
        inlines = tuple(
            Inline.of(formset, str(inline.verbose_name or inline.model._meta.verbose_name))
            for formset, inline in self.get_formsets_with_inlines(request, obj)
        )
        return EditForms(fields, inlines)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and CARRY_OVER in request.POST:
            return self._carry_over_view(request, object_id, form_url, extra_context)
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = getattr(context.get("adminform"), "form", None)
        refused = getattr(form, "conflict", None)
        if refused is not None and obj is not None:
            seen = _lock_version(form.cleaned_data.get("lock_version_seen"))  # type: ignore[union-attr]
            forms = self.edit_forms(request, obj)
            context["edit_conflict"] = describe(sides(refused.current, seen, forms), request.POST, forms)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _carry_over_view(
        self, request: HttpRequest, object_id: str, form_url: str, extra_context: dict | None
    ) -> HttpResponse:
        """The form again, on the page as saved now, holding the editor's text; nothing is saved."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        forms = self.edit_forms(request, obj)
        found = sides(obj, _lock_version(request.POST.get("lock_version_seen")), forms)
        conflict = describe(found, request.POST, forms, carried=True)
        # The admin's formsets read the request's POST: the carried text takes its place.
        carried = carry_over(request.POST, obj, forms, found)
        carried._mutable = False
        request.POST = carried  # type: ignore[assignment]
        fieldsets = self.get_fieldsets(request, obj)
        form = self.get_form(request, obj, change=True, fields=flatten_fieldsets(fieldsets))(
            request.POST, request.FILES, instance=obj
        )
        # The admin's own way of making the inlines' formsets, as its change view does.
        formsets, inline_instances = self._create_formsets(request, obj, change=True)  # type: ignore[attr-defined]
        # Checked now, so anything that would stop the save shows at once. The edit guard locks the
        # page's row, which needs a transaction; nothing is written.
        with transaction.atomic():
            form.is_valid()
            all_valid(formsets)
        admin_form = helpers.AdminForm(
            form,
            cast(Any, list(fieldsets)),
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        inline_formsets = self.get_inline_formsets(request, formsets, inline_instances, obj)
        media = self.media + admin_form.media
        for inline_formset in inline_formsets:
            media += inline_formset.media
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Change %s") % self.opts.verbose_name,
            "subtitle": str(obj),
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": media,
            "inline_admin_formsets": inline_formsets,
            "errors": helpers.AdminErrorList(form, formsets),
            "preserved_filters": self.get_preserved_filters(request),
            "edit_conflict": conflict,
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=False, change=True, obj=obj, form_url=form_url)
