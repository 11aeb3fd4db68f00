"""The condition editor's image picker (static/js/editor-images.js): the library searched, and a
new image uploaded to it, as JSON.

Staff who may insert images (``images.use_image``) or edit pages (``conditions.change_condition``)
only. An upload goes through the library's one way in (:func:`images.library.add_image`), which
identifies, re-encodes and strips the file or refuses it with a sentence; this form asks, besides
the file, what a page needs of an image: alt text (or "decorative") and a licence.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from images import renditions
from images.forms import DescribedImageForm, file_field
from images.library import add_image
from images.models import Image
from images.processing import ImageRefused
from medsite.admin_input import MAX_SEARCH_LENGTH, acting_user

SEARCH_LIMIT = 20


def may_use_images(user) -> bool:
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("images.use_image") or user.has_perm("conditions.change_condition"))
    )


REFUSED = "You do not have permission to insert images."


class ImageUploadForm(DescribedImageForm):
    """What the picker's upload asks: the file, and the fields a page shows of the image."""

    file = file_field()

    class Meta:
        model = Image
        fields = ["title", "alt", "decorative", "caption", "credit", "licence", "source_url"]
        widgets = {
            "alt": forms.Textarea(attrs={"rows": 2}),
            "caption": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["licence"].required = True
        self.fields["licence"].help_text = "The licence the image is used under."


def thumbnail_url(image: Image) -> str:
    """The smallest WebP rendition's address: what the picker shows of each image."""
    webp = [
        rendition
        for rendition in renditions.renditions(image.sha256, image.format, image.width, image.height)
        if rendition.format == renditions.WEBP
    ]
    return renditions.url(min(webp, key=lambda rendition: rendition.width).name)


def missing(image: Image) -> list[str]:
    """What the publish gate would refuse in this image, in words; nothing when it is ready."""
    wanting = []
    if not image.described:
        wanting.append("no alt text")
    if not image.licence:
        wanting.append("no licence")
    return wanting


def image_json(image: Image) -> dict:
    return {
        "key": image.key,
        "title": image.title,
        "alt": image.alt,
        "decorative": image.decorative,
        "caption": image.caption,
        "credit": image.credit,
        "licence": image.licence,
        "licence_name": image.get_licence_display() if image.licence else "",
        "thumbnail": thumbnail_url(image),
        "width": image.width,
        "height": image.height,
        "ready": not missing(image),
        "missing": missing(image),
        "markdown": f"![](image:{image.key})",
    }


def search_filter(query: str) -> Q:
    """Every word in the title, key, alt text or caption."""
    condition = Q()
    for word in query.split():
        condition &= (
            Q(title__icontains=word)
            | Q(key__icontains=word)
            | Q(alt__icontains=word)
            | Q(caption__icontains=word)
        )
    return condition


@require_GET
@login_required
def search(request: HttpRequest) -> JsonResponse:
    """Images matching ``q``; without one, the images changed last (what the picker opens on)."""
    if not may_use_images(request.user):
        return JsonResponse({"error": REFUSED}, status=403)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:MAX_SEARCH_LENGTH]
    images = Image.objects.filter(search_filter(query)) if query else Image.objects.order_by("-updated_at")
    return JsonResponse({"results": [image_json(image) for image in images[:SEARCH_LIMIT]]})


@require_POST
@login_required
def upload(request: HttpRequest) -> JsonResponse:
    """A new image in the library, answered as a search result is (201); a refusal is
    ``{"error": sentence, "fields": {name: [sentences]}}`` with status 400, and nothing stored."""
    if not may_use_images(request.user):
        return JsonResponse({"error": REFUSED}, status=403)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        fields = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        return JsonResponse(
            {"error": "The image was not added: see the fields marked.", "fields": fields}, status=400
        )
    data = form.cleaned_data
    try:
        image = add_image(
            data["file"],
            title=data["title"],
            alt=data["alt"].strip(),
            decorative=data["decorative"],
            caption=data["caption"].strip(),
            credit=data["credit"].strip(),
            licence=data["licence"],
            source_url=data["source_url"],
            by=acting_user(request),
        )
    except ImageRefused as refused:
        return JsonResponse({"error": refused.message, "fields": {"file": [refused.message]}}, status=400)
    except ValidationError as invalid:  # what the form cannot see: the key made from the title
        fields = {name: list(messages) for name, messages in invalid.message_dict.items()}
        return JsonResponse({"error": " ".join(invalid.messages), "fields": fields}, status=400)
    return JsonResponse({"image": image_json(image)}, status=201)
