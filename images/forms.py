"""What every form that adds or changes an image asks, in one place: the file, the source URL, and
alt text unless the image is marked decorative."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Image

ACCEPT = "image/png,image/jpeg,image/webp"
FILE_HELP = "PNG, JPEG or WebP. It is checked, and stored without its metadata (camera, location)."
NEEDS_ALT = "Describe what the image shows, or mark it decorative."


def file_field(*, required: bool = True) -> forms.FileField:
    return forms.FileField(
        label="Image file",
        required=required,
        help_text=FILE_HELP,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )


class DescribedImageForm(forms.ModelForm):
    """A ModelForm of Image whose ``alt`` is required unless ``decorative`` is ticked."""

    source_url = forms.URLField(
        label="Source URL",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=Image._meta.get_field("source_url").help_text,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        described = cleaned.get("decorative") or (cleaned.get("alt") or "").strip()
        if "alt" in self.fields and not described and "alt" not in self.errors:
            self.add_error("alt", NEEDS_ALT)
        return cleaned
