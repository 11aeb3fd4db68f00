"""The image library in the admin: upload, describe, credit and license images; find them; see
where each is used; give one a new file or a new focal point.

The file is checked when the form is (:mod:`images.processing`): a refused file is a message on
the form, and nothing is stored. Changing what pages show of an image (its file, text or focal
point) is asked of the pages first (:mod:`images.usage`: not while a page showing it is in
review), and so is deleting it (not while a page has shown it). Images are versioned: history,
revert and recover restore the one image only, never the page revisions that hold it too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from reversion.admin import VersionAdmin
from reversion.models import Version

from medsite.admin_input import CarefulAdminInput
from medsite.audit.admin import AuditedDeletes, RestoresOneObject

from . import library, processing, renditions, usage
from .content import IMAGE_FIELDS
from .forms import DescribedImageForm, file_field
from .models import Image
from .processing import ImageRefused

THUMBNAIL_WIDTH = 96
PREVIEW_WIDTH = 640


def _smallest(image: Image, format: str = renditions.WEBP) -> renditions.Rendition:
    sizes = renditions.renditions(image.sha256, image.format, image.width, image.height)
    return next(r for r in sizes if r.format == format)


def _closest(image: Image, width: int) -> renditions.Rendition:
    sizes = [
        r
        for r in renditions.renditions(image.sha256, image.format, image.width, image.height)
        if r.format == renditions.WEBP
    ]
    return next((r for r in sizes if r.width >= width), sizes[-1])


class ImageForm(DescribedImageForm):
    upload = file_field(required=False)

    class Meta:
        model = Image
        fields = [
            "title",
            "key",
            "alt",
            "decorative",
            "caption",
            "credit",
            "licence",
            "source_url",
            "copyright_notice",
            "focal_x",
            "focal_y",
        ]
        widgets = {
            "alt": forms.Textarea(attrs={"rows": 3}),
            "caption": forms.Textarea(attrs={"rows": 3}),
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1"}),
        }

    # The upload as ImageAdmin checked it before its transaction opened (add_view, change_view).
    checked_upload: processing.Processed | ImageRefused | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.processed: processing.Processed | None = None
        adding = self.instance.pk is None
        upload = self.fields["upload"]
        upload.required = adding
        if not adding:
            upload.label = "Replace the file"
            upload.help_text = (
                "A new PNG, JPEG or WebP for this image. Pages approved with the current file keep "
                "showing it until they are approved again."
            )
        if "key" in self.fields:
            self.fields["key"].required = False
            self.fields["key"].help_text += " Left empty, it is made from the title."

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            checked = self.checked_upload or _checked(upload)
            if isinstance(checked, ImageRefused):
                raise ValidationError(checked.message)
            self.processed = checked
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "key" in self.fields and not cleaned.get("key") and cleaned.get("title"):
            cleaned["key"] = library.unique_key(cleaned["title"])
        if self.instance.pk is not None and self._changes_what_pages_show():
            refusal = usage.refusal_change(self.instance)
            if refusal:
                raise ValidationError(f"{refusal} Your changes were not saved; they are still in the form.")
        return cleaned

    def _changes_what_pages_show(self) -> bool:
        return bool(self.processed) or any(name in IMAGE_FIELDS for name in self.changed_data)


def _checked(upload) -> processing.Processed | ImageRefused:
    """An upload checked, re-encoded and its files stored; or why it is refused (nothing stored)."""
    try:
        processed = library.read_upload(upload)
    except ImageRefused as refused:
        return refused
    library.write_files(processed)
    return processed


class AltTextFilter(admin.SimpleListFilter):
    title = "alt text"
    parameter_name = "alt"

    def lookups(self, request, model_admin):
        return [("missing", "Missing"), ("written", "Written"), ("decorative", "Decorative")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(decorative=False, alt__regex=r"^\s*$")
        if self.value() == "written":
            return queryset.filter(decorative=False).exclude(alt__regex=r"^\s*$")
        if self.value() == "decorative":
            return queryset.filter(decorative=True)
        return queryset


class LicenceMissingFilter(admin.SimpleListFilter):
    title = "licence given"
    parameter_name = "licensed"

    def lookups(self, request, model_admin):
        return [("no", "No licence yet"), ("yes", "Licensed")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(licence="")
        if self.value() == "yes":
            return queryset.exclude(licence="")
        return queryset


def delete_images(modeladmin: ImageAdmin, request: HttpRequest, queryset: models.QuerySet):
    """Django's "delete selected", refused as a whole when any image may not be deleted."""
    refusals = [(image, refusal) for image in queryset if (refusal := usage.refusal_delete(image))]
    for image, refusal in refusals:
        modeladmin.message_user(request, f"“{image}” was not deleted: {refusal}", messages.ERROR)
    if refusals:
        return None
    return delete_selected(modeladmin, request, queryset)


delete_images.allowed_permissions = ("delete",)  # type: ignore[attr-defined]


@admin.register(Image)
class ImageAdmin(CarefulAdminInput, AuditedDeletes, RestoresOneObject, VersionAdmin):
    form = ImageForm
    list_display = ["thumbnail", "title", "key", "alt_text", "licence", "credit", "updated_at"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["licence", AltTextFilter, LicenceMissingFilter]
    search_fields = ["title", "key", "alt", "caption", "credit"]
    show_full_result_count = False
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["preview", "file_details", "where_used"]

    class Media:
        css = {"all": ["css/admin.css", "css/image-library.css"]}
        js = ["js/focal-point.js"]

    def get_fieldsets(self, request, obj=None):
        file_fields = ["upload", "title", "key"] if obj is None else ["preview", "upload", "title"]
        fieldsets: list = [
            (None, {"fields": file_fields}),
            ("Description", {"fields": ["alt", "decorative", "caption"]}),
            ("Credit and licence", {"fields": ["credit", "licence", "source_url", "copyright_notice"]}),
            (
                "Focal point",
                {
                    "fields": [("focal_x", "focal_y")],
                    "description": "The point crops keep (the page's preview image on social media). "
                    + ("Click it on the image above, or type it: " if obj else "")
                    + "0 to 1 from the left and from the top; 0.5 and 0.5 is the middle.",
                },
            ),
        ]
        if obj is not None:
            fieldsets += [
                ("Where used", {"fields": ["where_used"]}),
                ("File", {"fields": ["key", "file_details"]}),
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        # Pages name an image by its key: it does not change once pages may use it.
        return [*self.readonly_fields, "key"] if obj is not None else self.readonly_fields

    # --- the list and the page ---------------------------------------------------------------

    @admin.display(description="image")
    def thumbnail(self, obj: Image) -> str:
        small = _smallest(obj)
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" class="medsite-image-thumbnail">',
            renditions.url(small.name),
            obj.alt if not obj.decorative else "",
            THUMBNAIL_WIDTH,
            renditions.height_for(obj.width, obj.height, THUMBNAIL_WIDTH),
        )

    @admin.display(description="alt text", ordering="alt")
    def alt_text(self, obj: Image) -> str:
        if obj.decorative:
            return "Decorative"
        return obj.alt.strip() or "Missing"

    @admin.display(description="image")
    def preview(self, obj: Image) -> str:
        if not obj.pk:
            return "–"
        shown = _closest(obj, PREVIEW_WIDTH)
        return render_to_string(
            "admin/images/image/_preview.html",
            {
                "image": obj,
                "src": renditions.url(shown.name),
                "width": min(PREVIEW_WIDTH, obj.width),
                "height": renditions.height_for(obj.width, obj.height, min(PREVIEW_WIDTH, obj.width)),
                "original": renditions.url(obj.file.name),
            },
        )

    @admin.display(description="stored file")
    def file_details(self, obj: Image) -> str:
        if not obj.pk:
            return "–"
        return format_html(
            '{} × {} pixels, {} (<a href="{}">original</a>); SHA-256 <code>{}</code>',
            obj.width,
            obj.height,
            obj.get_format_display(),
            renditions.url(obj.file.name),
            obj.sha256,
        )

    @admin.display(description="used on")
    def where_used(self, obj: Image) -> str:
        if not obj.pk:
            return "–"
        return render_to_string("admin/images/image/_where_used.html", {"usage": usage.usage(obj)})

    # --- saving ------------------------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        self._check_upload(request, None)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._check_upload(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def _check_upload(self, request: HttpRequest, object_id) -> None:
        """Check an upload and draw its renditions before the admin's transaction opens (the
        revision's, which on SQLite holds the write lock): seconds, for a large photograph. Only
        for those who may save. A refused file stores nothing; a good one is stored even if
        another field is wrong, and found stored when the form is sent again."""
        upload = request.FILES.get("upload") if request.method == "POST" else None
        if upload is not None and self._may_save(request, object_id):
            request._checked_image_upload = _checked(upload)  # type: ignore[attr-defined]

    def _may_save(self, request: HttpRequest, object_id) -> bool:
        if object_id is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        checked = getattr(request, "_checked_image_upload", None)
        if checked is None:
            return form
        return type(form.__name__, (form,), {"checked_upload": checked})

    def save_model(self, request: HttpRequest, obj: Image, form: ImageForm, change: bool) -> None:
        if form.processed is not None:
            library.attach_file(obj, form.processed)
        super().save_model(request, obj, form, change)
        # A new focal point's crop (nothing, when all are stored): drawn once the row is saved,
        # outside the transaction.
        transaction.on_commit(lambda: library.write_renditions(obj))

    def construct_change_message(self, request, form, formsets, add=False):
        processed = getattr(form, "processed", None)
        if add or processed is None:
            return super().construct_change_message(request, form, formsets, add)
        message = f"Replaced the file ({processed.width} × {processed.height} {processed.format.upper()})."
        others = [str(form.fields[name].label) for name in form.changed_data if name != "upload"]
        return message + (f" Changed {', '.join(others).lower()}." if others else "")

    # --- deleting: refused while pages show the image ----------------------------------------

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (delete_images, "delete_selected", "Delete selected images")
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        image = self.get_object(request, unquote(object_id))
        if image is not None and self.has_delete_permission(request, image):
            refusal = usage.refusal_delete(image)
            if refusal:
                self.message_user(request, f"“{image}” was not deleted: {refusal}", messages.ERROR)
                return HttpResponseRedirect(reverse("admin:images_image_change", args=[quote(image.pk)]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        library.refuse_delete(Image.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        library.refuse_delete(queryset)
        super().delete_queryset(request, queryset)

    def audit_details(self, obj: Image) -> dict:
        return {"key": obj.key, "sha256": obj.sha256}

    # --- history: the one image, never the page revisions that hold it too --------------------

    def refusal_to_restore(self, request: HttpRequest, version: Version) -> HttpResponse | None:
        """Not while a page in review shows the image: its reviewer must approve what was submitted."""
        current = Image.objects.filter(pk=version.object_id).first()
        if current is not None and (refusal := usage.refusal_change(current)):
            self.message_user(request, f"Not restored: {refusal}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:images_image_change", args=[quote(current.pk)]))
        return None
