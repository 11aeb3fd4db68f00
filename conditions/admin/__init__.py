"""The editor admin: condition pages with their parts, the workflow panel, history and preview."""

from __future__ import annotations

from datetime import UTC, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from markdownx.widgets import AdminMarkdownxWidget
from reversion.admin import VersionAdmin
from reversion.models import Version

from conditions import history, workflow
from conditions.admin.dashboard import REVIEW_SOON_DAYS
from conditions.checks import publish_problems
from conditions.models import (
    AuditRecord,
    Condition,
    Publication,
    ReviewerProfile,
    ReviewEvent,
    Section,
    ShortAnswer,
)
from conditions.rendering import ReviewInfo, render_condition
from medsite.admin_input import CarefulAdminInput, id_or_404
from medsite.audit.admin import AuditedDeletes
from references.models import ConditionReference, Reference

MARKDOWN_WIDGETS = {models.TextField: {"widget": AdminMarkdownxWidget(attrs={"rows": 8})}}
HISTORY_PER_PAGE = 100


class ConditionForm(forms.ModelForm):
    """The condition form, carrying the edit lock it was opened at."""

    lock_version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
    editor = None  # the user saving: set by ConditionAdmin.get_form on the class it makes per request

    class Meta:
        model = Condition
        fields = ["name", "slug", "also_called", "summary", "review_interval_months", "source_updated_on"]
        widgets = {
            "also_called": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lock_version_seen"].initial = self.instance.lock_version

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # Lock the row for the rest of the save so the check and the write cannot be interleaved.
        current = Condition.objects.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            return cleaned
        if cleaned.get("lock_version_seen") != current.lock_version:
            editor = current.updated_by.get_username() if current.updated_by else "someone else"
            raise ValidationError(
                f"{editor} saved this page after you opened it, so your changes were not saved. "
                "Everything you typed is still in the form below: open the page again in a new tab, "
                "copy your changes across, and save there.",
                code="edit_conflict",
            )
        # The page may have gone to review after this request read it: refuse here, where the
        # editor's text is shown back, rather than in the save (a server error, text lost).
        refusal = workflow.refusal_edit(current, self.editor)
        if refusal:
            raise ValidationError(
                f"{refusal} Your changes were not saved; everything you typed is still in the form below.",
                code="read_only",
            )
        return cleaned


class _LockedWhileInReview:
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


class ShortAnswerForm(forms.ModelForm):
    class Meta:
        model = ShortAnswer
        fields = ["question", "position", "answer", "details", "source_updated_on"]

    def save(self, commit: bool = True) -> ShortAnswer:
        # Editing a flagged answer is the editor's re-check of it.
        if {"question", "answer", "details"} & set(self.changed_data):
            self.instance.needs_review = False
        return super().save(commit)


class ShortAnswerInline(_LockedWhileInReview, admin.StackedInline):
    model = ShortAnswer
    form = ShortAnswerForm
    extra = 0
    fields = [("question", "position"), "needs_review", "answer", "details", "source_updated_on"]
    readonly_fields = ["needs_review"]
    formfield_overrides = MARKDOWN_WIDGETS


class ListedReferenceSelect(AutocompleteSelect):
    """The reference picker of one listed-reference row, labelled from the row's own reference.

    Django's autocomplete widget looks up the chosen reference to label it, one query per row;
    the inline reads the rows with their references, and the formset hands each row its own.
    """

    chosen: Reference | None = None

    def optgroups(self, name: str, value: list[str], attr: dict | None = None) -> list:
        picked = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.chosen is None or picked != [str(self.chosen.pk)]:
            # A new row, or a different reference posted back with form errors: look it up.
            return super().optgroups(name, value, attr)
        label = self.choices.field.label_from_instance(self.chosen)
        return [(None, [self.create_option(name, self.chosen.pk, label, True, 0)], 0)]


class ConditionReferenceFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
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

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs) -> forms.Field:
        if db_field.name == "reference":
            kwargs["widget"] = ListedReferenceSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


# action -> (workflow function, keyword its free text goes to)
ACTIONS = {
    "submit": (workflow.submit, "comment"),
    "withdraw": (workflow.withdraw, "comment"),
    "request_changes": (workflow.request_changes, "comment"),
    "approve": (workflow.approve, "comment"),
    "cancel_schedule": (workflow.cancel_schedule, "comment"),
    "unpublish": (workflow.unpublish, "reason"),
    "retract": (workflow.retract, "reason"),
    "confirm_answers": (workflow.confirm_short_answers, "comment"),
}
PREDICATES = {
    "submit": workflow.can_submit,
    "withdraw": workflow.can_withdraw,
    "request_changes": workflow.can_request_changes,
    "approve": workflow.can_approve,
    "cancel_schedule": workflow.can_cancel_schedule,
    "unpublish": workflow.can_unpublish,
    "retract": workflow.can_retract,
    "confirm_answers": workflow.can_confirm_short_answers,
}
DONE = {
    "submit": "submitted for expert review",
    "withdraw": "withdrawn from review",
    "request_changes": "sent back with your requested changes",
    "approve": "approved",
    "cancel_schedule": "scheduled publication cancelled",
    "unpublish": "taken offline",
    "retract": "versions withdrawn from the public archive",
    "confirm_answers": "short answers confirmed",
}
# Decisions on a version in review: each form names the version it was made on.
DECISIONS = {"approve", "request_changes"}


def _reviewed_version(post) -> workflow.ReviewedVersion:
    """The version a decision form was rendered for (hidden fields of the review forms).

    A form without them names no version, which the workflow refuses like any other.
    """
    try:
        revision_id = int(post.get("reviewed_revision", ""))
    except ValueError:
        revision_id = 0
    return workflow.ReviewedVersion(revision_id, post.get("reviewed_hash", "")[:64])


def _version_numbers(values: list[str]) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        raise workflow.WorkflowError("Choose the versions from the list.") from None


def _approve_options(post) -> dict:
    """The approve form's kind, checklist and go-live time, as ``workflow.approve`` takes them."""
    options = {
        "kind": post.get("kind", Publication.Kind.CLINICAL),
        "attestation": post.getlist("attestation"),
    }
    raw = post.get("go_live_at", "").strip()
    if raw:
        try:
            moment = parse_datetime(raw)
            if moment is not None:
                # A time the database cannot store (past year 9999 in UTC) is refused here too.
                aware = moment if timezone.is_aware(moment) else timezone.make_aware(moment)
                aware.astimezone(UTC)
        except (ValueError, OverflowError):  # well formed, but no such day or time
            moment = None
        if moment is None:
            raise workflow.WorkflowError(
                f"“{raw}” is not a date and time: use the date picker, e.g. 2026-12-01 09:00."
            )
        options["go_live_at"] = moment
    return options


@admin.register(Condition)
class ConditionAdmin(CarefulAdminInput, AuditedDeletes, VersionAdmin):
    form = ConditionForm
    inlines = [SectionInline, ShortAnswerInline, ConditionReferenceInline]
    list_display = [
        "name",
        "status",
        "on_public_site",
        "goes_live",
        "last_reviewed_on",
        "next_review_due",
        "updated_at",
    ]
    list_filter = ["status", LiveFilter, ReviewDueFilter]
    # Name, then id: a total order the (name, id) and (status, name, id) indexes give ready-made,
    # so a page of the list reads its rows in index order rather than sorting the table.
    ordering = ["name", "id"]
    # The total behind "N results (M total)" is a second count of the whole table; "Show all"
    # links to it instead.
    show_full_result_count = False
    search_fields = ["name", "slug", "also_called", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "status",
        "live_version",
        "last_reviewed_on",
        "next_review_due",
        "updated_at",
        "updated_by",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "also_called", "summary", "lock_version_seen"]}),
        (
            "Review",
            {
                "fields": [
                    ("status", "live_version"),
                    ("last_reviewed_on", "next_review_due", "review_interval_months"),
                    "source_updated_on",
                    ("updated_at", "updated_by"),
                ]
            },
        ),
    ]
    change_form_template = "admin/conditions/condition/change_form.html"

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/condition-editor.js"]

    history_latest_first = True
    object_history_template = "admin/conditions/condition/object_history.html"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        # The list's go-live time and the edit page's publication facts and last editor, read with
        # the condition.
        return super().get_queryset(request).with_publications().select_related("updated_by")

    @admin.display(description="public", boolean=True)
    def on_public_site(self, obj: Condition) -> bool:
        return obj.is_live

    @admin.display(description="scheduled to go live")
    def goes_live(self, obj: Condition) -> str:
        pending = obj.scheduled_publication
        return f"{timezone.localtime(pending.go_live_at):%Y-%m-%d %H:%M}" if pending else "–"

    @admin.display(description="public version")
    def live_version(self, obj: Condition) -> str:
        publication = obj.live_publication
        if publication is None:
            return "Not published"
        url = reverse("conditions:detail", args=[obj.public_slug])
        return format_html(
            '<a href="{}">Version {}</a>, approved {:%Y-%m-%d}',
            url,
            publication.number,
            publication.approved_at,
        )

    def has_change_permission(self, request, obj=None) -> bool:
        # In expert review the page is read-only for everybody; the workflow panel stays.
        return not (obj and obj.is_read_only) and super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.editor = request.user  # a class of this request's own (modelform_factory)
        return form

    def save_model(self, request, obj, form, change) -> None:
        workflow.save_draft(obj, by=request.user, lock_version=form.cleaned_data.get("lock_version_seen"))

    def audit_details(self, obj: Condition) -> dict:
        # The review log goes with the page (CASCADE); the audit record keeps what it was.
        return {"slug": obj.slug, "status": obj.status}

    def get_urls(self):
        # Imported here to keep the comparison screens' wiring in this one method.
        from functools import partial

        from conditions.admin import exports as reference_views
        from conditions.admin import review as admin_compare

        own = [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="conditions_condition_preview",
            ),
            path(
                "<path:object_id>/workflow/<str:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="conditions_condition_workflow",
            ),
            path(
                "<path:object_id>/compare/",
                self.admin_site.admin_view(partial(admin_compare.compare_view, self)),
                name="conditions_condition_compare",
            ),
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(partial(admin_compare.review_view, self)),
                name="conditions_condition_review",
            ),
            path(
                "<path:object_id>/references.<str:fmt>",
                self.admin_site.admin_view(partial(reference_views.export_references, self)),
                name="conditions_condition_references_export",
            ),
        ]
        return own + super().get_urls()

    def _get_condition_for_user(self, request: HttpRequest, object_id: str) -> Condition:
        condition = get_object_or_404(Condition, pk=id_or_404(Condition, object_id))
        if not self.has_view_or_change_permission(request, condition):
            raise PermissionDenied
        return condition

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The working copy rendered exactly as approval would publish it (staff only)."""
        condition = self._get_condition_for_user(request, object_id)
        page = render_condition(
            condition, ReviewInfo(reviewed_by="", next_review_due=condition.next_review_due)
        )
        context = {
            "condition": condition,
            "preview": True,
            "body_html": page.html,
            "problems": publish_problems(condition),
        }
        return render(request, "conditions/detail.html", context)

    def workflow_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """POST only: run one transition and report its outcome on the change page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if action not in ACTIONS:
            raise PermissionDenied
        condition = self._get_condition_for_user(request, object_id)
        function, text_keyword = ACTIONS[action]
        kwargs = {text_keyword: request.POST.get("text", "").strip()}
        try:
            if action in DECISIONS:
                kwargs["reviewed"] = _reviewed_version(request.POST)
            if action == "approve":
                kwargs.update(_approve_options(request.POST))
            if action == "unpublish":
                kwargs["retract"] = _version_numbers(request.POST.getlist("retract"))
            if action == "retract":
                kwargs["numbers"] = _version_numbers(request.POST.getlist("retract"))
            result = function(condition, by=request.user, **kwargs)
        except workflow.StaleDecision as error:
            review_url = reverse("admin:conditions_condition_review", args=[condition.pk])
            messages.error(
                request, format_html('{} <a href="{}">Read the version in review</a>.', error, review_url)
            )
            return HttpResponseRedirect(review_url)
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
        else:
            done = DONE[action]
            if isinstance(result, Publication) and result.went_live_at is None:
                done += f"; it goes live on {timezone.localtime(result.go_live_at):%Y-%m-%d at %H:%M}"
            messages.success(request, f"“{condition}”: {done}.")
        return HttpResponseRedirect(_change_url(condition.pk))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Only the edit page has the workflow panel (not reversion's revision and recover
        # screens, which share the form); render_change_form builds it.
        extra_context = {**(extra_context or {}), "workflow_panel": True}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Built from the object the change view read, rather than reading it a second time.
        if context.get("workflow_panel") and obj is not None:
            context.update(self._workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request: HttpRequest, condition: Condition) -> dict:
        # One read of the short answers serves the confirm predicate and the stale list; the
        # sections, only for a draft, serve the publish gate's two passes over them.
        prefetch_related_objects([condition], "short_answers")
        allowed = [name for name, predicate in PREDICATES.items() if predicate(condition, request.user)]
        problems = []
        if "submit" in allowed:
            prefetch_related_objects([condition], "sections")
            problems = publish_problems(condition)
        return {
            "workflow_actions": allowed,
            "workflow_problems": problems,
            "review_events": condition.review_events.select_related("actor")[:10],
            **decision_context(condition, allowed),
        }

    def history_view(self, request, object_id, extra_context=None):
        """The page's saved versions, newest first, a hundred to a page.

        Reversion's own history view lists every version, and a much-edited page has thousands;
        Django's, which this one hands a page of them to, finds the condition and renders.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        # Checked as an id first: versions keep it as text, and PostgreSQL refuses some text (NUL).
        condition_id = id_or_404(Condition, unquote(object_id))
        versions = (
            Version.objects.get_for_object_reference(Condition, condition_id)
            .select_related("revision__user")
            .order_by(*self.get_version_ordering(request))
        )
        page = Paginator(versions, HISTORY_PER_PAGE).get_page(request.GET.get(PAGE_VAR))
        page.object_list = [
            {
                "revision": version.revision,
                "url": reverse(
                    "admin:conditions_condition_revision", args=[quote(version.object_id), version.pk]
                ),
            }
            for version in page.object_list
        ]
        context = {
            "action_list": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "pagination_required": page.paginator.num_pages > 1,
            **(extra_context or {}),
        }
        return super(VersionAdmin, self).history_view(request, object_id, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Only a version of this page: reverting restores the version's whole revision.
        condition_id = id_or_404(Condition, unquote(object_id))
        version = get_object_or_404(_condition_versions(), pk=version_id, object_id=str(condition_id))
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            return _revert(self, request, version)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(_condition_versions(), pk=version_id)
        if request.method == "POST":
            return _revert(self, request, version)
        return super().recover_view(request, version_id, extra_context)


def decision_context(condition: Condition, allowed: list[str]) -> dict:
    """What the workflow forms need besides the actions allowed (shared with the review screen)."""
    archived = []
    if {"unpublish", "retract"} & set(allowed):
        archived = list(
            condition.publications.readable().defer("html", "structured_data").order_by("-number")
        )
    return {
        "approval_kinds": Publication.Kind.choices,
        "checklist": workflow.CHECKLIST.items(),
        "time_zone": timezone.get_current_timezone_name(),
        "stale_answers": [a for a in condition.short_answers.all() if a.needs_review],
        "can_approve_editorial": "approve" in allowed
        and condition.publications.filter(kind=Publication.Kind.CLINICAL).exists(),
        "reviewed": workflow.reviewed_version(condition) if DECISIONS & set(allowed) else None,
        "archived_versions": archived,
        "earlier_versions": [p for p in archived if p.pk != condition.live_publication_id],
    }


def _condition_versions() -> models.QuerySet:
    return Version.objects.get_for_model(Condition)


def _change_url(condition_id) -> str:
    return reverse("admin:conditions_condition_change", args=[condition_id])


def _revert(model_admin: ConditionAdmin, request: HttpRequest, version: Version) -> HttpResponse:
    try:
        condition = history.revert(version, by=request.user)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("admin:conditions_condition_changelist"))
    messages.success(request, f"“{condition}” was restored as a draft. It goes live only after review.")
    return HttpResponseRedirect(_change_url(condition.pk))


class _ReadOnlyAdmin(CarefulAdminInput, admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(_ReadOnlyAdmin):
    list_display = ["condition", "number", "kind", "reviewed_by_name", "approved_by", "approved_at"]
    list_filter = ["kind"]
    list_select_related = ["condition", "approved_by"]
    search_fields = ["title", "condition__name"]
    exclude = ["html", "structured_data"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(_ReadOnlyAdmin):
    list_display = ["created_at", "condition", "action", "actor", "from_status", "to_status", "comment"]
    list_filter = ["action"]
    list_select_related = ["condition", "actor"]
    search_fields = ["condition__name", "comment"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only as part of a superuser deleting a never-published draft (published pages are
        # protected by their publications), which asks this of each of the draft's log lines.
        return request.user.is_superuser and obj is not None

    def delete_view(self, request, object_id, extra_context=None):
        # Nobody deletes log lines one by one.
        raise PermissionDenied


@admin.register(AuditRecord)
class AuditRecordAdmin(_ReadOnlyAdmin):
    """The audit log, for superusers only, and read-only for them too."""

    list_display = ["created_at", "action", "actor", "target", "details"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["actor"]
    search_fields = ["target", "object_id", "actor__username"]
    date_hierarchy = "created_at"
    fields = ["created_at", "action", "actor", "content_type", "object_id", "target", "details"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(CarefulAdminInput, admin.ModelAdmin):
    list_display = ["display_name", "user", "specialty"]
    search_fields = ["display_name", "user__username"]
