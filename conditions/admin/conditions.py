"""The condition admin: the edit page with its parts and workflow panel, the list, the page's
history (versions, revert, recover), the preview, and the comparison and download screens."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from conditions import history, workflow
from conditions.admin.conflicts import EditConflicts
from conditions.admin.exports import ReferenceExports
from conditions.admin.filters import LiveFilter, ReviewDueFilter
from conditions.admin.forms import ConditionForm
from conditions.admin.inlines import ConditionReferenceInline, SectionInline, ShortAnswerInline
from conditions.admin.review import ReviewScreens
from conditions.admin.unsaved import SaveBeforeStep
from conditions.admin.workflow_panel import WorkflowPanel
from conditions.changes import describe_changes
from conditions.checks import publish_problems
from conditions.models import Condition, ConditionQuerySet
from conditions.pagecontent import content_of
from conditions.rendering import ReviewInfo, render_condition
from medsite.accounts.display import day, display_name, when
from medsite.admin_input import CarefulAdminInput, acting_user, id_or_404
from medsite.audit.admin import AuditedDeletes

HISTORY_PER_PAGE = 100


@admin.register(Condition)
class ConditionAdmin(
    CarefulAdminInput,
    AuditedDeletes,
    SaveBeforeStep,
    WorkflowPanel,
    EditConflicts,
    ReviewScreens,
    ReferenceExports,
    VersionAdmin,
):
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
        "saved_by",
        "import_source",
    ]
    fieldsets = [
        (None, {"fields": ["name", "slug", "also_called", "summary", "codes", "lock_version_seen"]}),
        (
            "Review",
            {
                "fields": [
                    ("status", "live_version"),
                    ("last_reviewed_on", "next_review_due", "review_interval_months"),
                    ("source_updated_on", "import_source"),
                    ("updated_at", "saved_by"),
                ]
            },
        ),
    ]
    change_form_template = "admin/conditions/condition/change_form.html"

    class Media:
        css = {"all": ["css/admin.css"]}
        js = [
            "js/vendor/sortable-1.15.7.min.js",
            "js/editor-rows.js",
            "js/condition-editor.js",
            "js/editor-toolbar.js",
            "js/editor-reorder.js",
            "js/editor-unsaved.js",
            "js/editing-session.js",
        ]

    history_latest_first = True
    object_history_template = "admin/conditions/condition/object_history.html"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        # The list's go-live time and the edit page's publication facts and last editor, read with
        # the condition.
        conditions = cast(ConditionQuerySet, super().get_queryset(request))  # Condition.objects
        return conditions.with_publications().select_related("updated_by__reviewer_profile")

    @admin.display(description="public", boolean=True)
    def on_public_site(self, obj: Condition) -> bool:
        return obj.is_live

    @admin.display(description="scheduled to go live")
    def goes_live(self, obj: Condition) -> str:
        pending = obj.scheduled_publication
        return when(pending.go_live_at) if pending else "–"

    @admin.display(description="public version")
    def live_version(self, obj: Condition) -> str:
        publication = obj.live_publication
        if publication is None:
            return "Not published"
        url = reverse("conditions:detail", args=[obj.public_slug])
        return format_html(
            '<a href="{}">Version {}</a>, approved {}', url, publication.number, day(publication.approved_at)
        )

    @admin.display(description="last saved by")
    def saved_by(self, obj: Condition) -> str:
        return display_name(obj.updated_by) or "–"

    def view_on_site(self, obj: Condition) -> str | None:
        # "View on site" only where the public can read the page: the edit page offers the
        # preview instead (change_form.html) for a page that is not live.
        return reverse("conditions:detail", args=[obj.public_slug]) if obj.is_live else None

    def has_change_permission(self, request, obj=None) -> bool:
        # In expert review the page is read-only for everybody; the workflow panel stays.
        return not (obj and obj.is_read_only) and super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = cast(type[ConditionForm], super().get_form(request, obj, change, **kwargs))
        form.editor = request.user  # a class of this request's own (modelform_factory)
        return form

    def save_model(self, request, obj, form, change) -> None:
        # The page as it was, for the history entry (construct_change_message); read before the
        # save, which is when its parts change.
        form.content_before = content_of(Condition.objects.get(pk=obj.pk)) if change else None
        workflow.save_draft(
            obj, by=acting_user(request), lock_version=form.cleaned_data.get("lock_version_seen")
        )

    def construct_change_message(self, request, form, formsets, add=False) -> Any:
        """The history entry (reversion's comment, and Django's admin log) names what the content
        before and after the save differ in, not which form rows Django counted as changed.

        A sentence rather than Django's list of changed form fields: the admin log stores either.
        """
        return describe_changes(getattr(form, "content_before", None), content_of(form.instance))

    def audit_details(self, obj: Condition) -> dict:
        # The review log goes with the page (CASCADE); the audit record keeps what it was.
        return {"slug": obj.slug, "status": obj.status}

    def get_urls(self):
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
                "<path:object_id>/workflow/<str:action>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="conditions_condition_workflow_confirm",
            ),
            path(
                "<path:object_id>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="conditions_condition_compare",
            ),
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="conditions_condition_review",
            ),
            path(
                "<path:object_id>/references.<str:fmt>",
                self.admin_site.admin_view(self.export_references),
                name="conditions_condition_references_export",
            ),
        ]
        return own + super().get_urls()

    def _get_condition_for_user(self, request: HttpRequest, object_id: str) -> Condition:
        # With its last editor, whom the review screen names.
        conditions = Condition.objects.select_related("updated_by__reviewer_profile")
        condition = get_object_or_404(conditions, pk=id_or_404(Condition, object_id))
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
            .select_related("revision__user__reviewer_profile")
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
            return _revert(request, version)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(_condition_versions(), pk=version_id)
        if request.method == "POST":
            return _revert(request, version)
        return super().recover_view(request, version_id, extra_context)


def _condition_versions() -> models.QuerySet:
    return Version.objects.get_for_model(Condition)


def _revert(request: HttpRequest, version: Version) -> HttpResponse:
    try:
        condition = history.revert(version, by=acting_user(request))
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("admin:conditions_condition_changelist"))
    messages.success(request, f"“{condition}” was restored as a draft. It goes live only after review.")
    return HttpResponseRedirect(reverse("admin:conditions_condition_change", args=[condition.pk]))
