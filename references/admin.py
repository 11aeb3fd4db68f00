"""References in the editor admin: searchable, insertable into the text, and showing where they are used."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import strip_tags
from reversion.admin import VersionAdmin

from medsite.accounts.display import when
from medsite.admin_input import CarefulAdminInput
from medsite.audit.admin import AuditedDeletes, RestoresOneObject

from . import upload
from .citations import format_reference
from .identifiers import InvalidIdentifier, normalize_doi, normalize_pmid
from .lookup import LookupFailed, NotRecorded, parse_identifier
from .lookup import lookup as lookup_identifier
from .models import NoticeKind, Reference
from .retractions import describe
from .usage import pages_in_review, refusal_change_in_review, usage

LOOKUP_LIMIT = 10


def lookup_filter(query: str) -> Q:
    """Match a reference by key, author, title or container, or exactly by DOI or PMID."""
    words = query.split()
    condition = Q()
    for word in words:
        condition &= (
            Q(key__icontains=word)
            | Q(authors__icontains=word)
            | Q(title__icontains=word)
            | Q(container_title__icontains=word)
        )
    for normalize, field in ((normalize_doi, "doi"), (normalize_pmid, "pmid")):
        try:
            identifier = normalize(query)
        except InvalidIdentifier:
            continue
        if identifier:
            condition |= Q(**{field: identifier})
    return condition


class ReferenceForm(forms.ModelForm):
    url = forms.URLField(max_length=1000, required=False, assume_scheme="https", label="URL")

    class Meta:
        model = Reference
        # The admin's fieldsets choose the fields shown; these are every field an editor writes.
        fields = [
            "key", "kind", "authors", "title", "container_title", "journal_abbreviation", "editors",
            "series", "edition", "publisher", "place", "year", "volume", "issue", "pages", "elocator",
            "published_online", "url", "doi", "pmid", "accessed_on", "note", "private_note",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # A page in review must be approved exactly as submitted, references included.
        refusal = refusal_change_in_review(self.instance) if self.has_changed() else None
        if refusal:
            raise ValidationError(f"{refusal} Your changes were not saved; they are still in the form.")
        return cleaned


@admin.register(Reference)
class ReferenceAdmin(CarefulAdminInput, AuditedDeletes, RestoresOneObject, VersionAdmin):
    form = ReferenceForm
    change_list_template = "admin/references/reference/change_list.html"  # with "Import a file"
    # With the look-up by DOI or PMID, and the publisher's notice about the work at the top.
    change_form_template = "admin/references/reference/change_form.html"

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/reference-lookup.js"]

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["key", "kind", "title", "year", "container_title"]
    list_filter = ["kind", "year"]
    search_fields = ["key", "title", "authors", "container_title", "=doi", "=pmid"]
    # A search's "N results (M total)" counts the whole table a second time; "Show all" instead.
    show_full_result_count = False
    readonly_fields = [
        "formatted",
        "where_used",
        "original_text",
        "created_at",
        "updated_at",
        "publisher_notice",
    ]
    fieldsets = [
        (None, {"fields": ["key", "kind", "formatted", "publisher_notice"]}),
        (
            "Source",
            {
                "fields": [
                    "authors",
                    "title",
                    ("container_title", "journal_abbreviation"),
                    "editors",
                    "series",
                    "edition",
                    "publisher",
                    "place",
                    ("year", "published_online"),
                ]
            },
        ),
        (
            "Location",
            {"fields": [("volume", "issue", "pages", "elocator"), "url", ("doi", "pmid"), "accessed_on"]},
        ),
        ("Where used", {"fields": ["where_used"]}),
        ("Notes", {"fields": ["note", "private_note", "original_text", ("created_at", "updated_at")]}),
    ]

    @admin.display(description="as it appears on pages")
    def formatted(self, obj: Reference) -> str:
        return format_reference(obj) if obj.pk else "–"

    @admin.display(description="publisher's notice")
    def publisher_notice(self, obj: Reference) -> str:
        """A retraction, expression of concern or correction, as Crossref last reported it."""
        if not obj.pk:
            return "–"
        checked = when(obj.notices_checked_at) if obj.notices_checked_at else ""
        if obj.notice_kind:
            notice = describe(obj.notice_kind, obj.notice_doi, obj.notice_date)
            return f"{notice} (Crossref, asked on {checked})" if checked else notice
        if not checked:
            return "Not checked yet: check_citations --retractions asks Crossref about cited DOIs."
        return f"None, when Crossref was asked on {checked}."

    @admin.display(description="used by")
    def where_used(self, obj: Reference) -> str:
        if not obj.pk:
            return "–"
        return render_to_string("admin/references/reference/_where_used.html", {"usage": usage(obj)})

    def has_delete_permission(self, request, obj=None) -> bool:
        # What the public was shown rests on its sources; the database refuses it too (PROTECT).
        if obj is not None and (obj.publication_links.exists() or pages_in_review(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def audit_details(self, obj: Reference) -> dict:
        return {"key": obj.key, "doi": obj.doi, "pmid": obj.pmid}

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if isinstance(response, TemplateResponse) and response.context_data:
            # Each row names who saved it, with a reviewer's credentials: read in one query.
            users = [row["revision"].user for row in response.context_data.get("action_list", [])]
            prefetch_related_objects([user for user in users if user is not None], "reviewer_profile")
        return response

    def get_urls(self):
        lookup = path(
            "lookup/", self.admin_site.admin_view(self.lookup_view), name="references_reference_lookup"
        )
        uploads = [
            path("upload/", self._upload_view(upload.upload_view), name="references_reference_upload"),
            path(
                "upload/confirm/",
                self._upload_view(upload.confirm_view),
                name="references_reference_upload_confirm",
            ),
        ]
        identifier = path(
            "identifier-lookup/",
            self.admin_site.admin_view(self.identifier_lookup_view),
            name="references_reference_identifier_lookup",
        )
        return [lookup, identifier, *uploads, *super().get_urls()]

    def _upload_view(self, view):
        """The import page's views (references/upload.py), behind the admin's login."""
        return self.admin_site.admin_view(partial(view, model_admin=self))

    def lookup_view(self, request: HttpRequest) -> JsonResponse:
        """Find references for the editor's citation helper: key and formatted text, as JSON."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").replace("\x00", "").strip()[:200]  # PostgreSQL refuses NUL
        if len(query) < 2:
            return JsonResponse({"results": []})
        matches = Reference.objects.filter(lookup_filter(query)).order_by("key")[:LOOKUP_LIMIT]
        results = [
            {"key": ref.key, "text": strip_tags(format_reference(ref)), "kind": ref.get_kind_display()}
            for ref in matches
        ]
        return JsonResponse({"results": results})

    def identifier_lookup_view(self, request: HttpRequest) -> JsonResponse:
        """The fields of the work a DOI or PMID names, from Crossref or PubMed, for the form to
        fill in (static/js/reference-lookup.js): nothing is saved here."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        identifier = request.GET.get("identifier", "").replace("\x00", "")[:500]
        try:
            parse_identifier(identifier)
        except LookupFailed as failure:
            return JsonResponse({"error": str(failure)}, status=400)
        try:
            result = lookup_identifier(identifier)
        except LookupFailed as failure:
            # No such record (404), or the service failed or could not be reached (502).
            return JsonResponse(
                {"error": str(failure)}, status=404 if isinstance(failure, NotRecorded) else 502
            )
        existing = ""
        if result.existing_key:
            found = Reference.objects.filter(key=result.existing_key).values_list("pk", flat=True).first()
            existing = reverse("admin:references_reference_change", args=[found]) if found else ""
        retracted = [notice for notice in result.notices if notice.get("type") == NoticeKind.RETRACTION]
        return JsonResponse(
            {
                "source": result.source,
                "identifier": result.identifier,
                "fields": result.fields,
                "existing": {"key": result.existing_key, "url": existing} if result.existing_key else None,
                "retractions": [str(notice.get("DOI", "")) for notice in retracted],
            }
        )
