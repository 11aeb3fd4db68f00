"""Images of the library: one re-encoded original each, described, credited and licensed.

An image's file is stored under its content's hash (:mod:`images.renditions`), and so are its
renditions: replacing the file stores new names and leaves the old ones, which approved pages
keep showing until they are approved again.
"""

from __future__ import annotations

import reversion
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from medsite.validators import validate_single_line

from .licences import Licence

_FOCAL = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    class Format(models.TextChoices):
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="How pages name the image: ![](image:key). Letters, digits and hyphens, e.g. gout-big-toe.",
    )
    title = models.CharField(
        max_length=200,
        help_text="A name to find the image by in the library (not shown to readers).",
        validators=[validate_single_line],
    )
    file = models.FileField(max_length=200, editable=False)
    sha256 = models.CharField(max_length=64, editable=False, db_index=True)
    format = models.CharField(max_length=4, choices=Format.choices, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    alt = models.TextField(
        "alt text",
        blank=True,
        help_text=(
            "What the image shows, for people who cannot see it (screen readers, images off). "
            "Required unless the image is marked decorative."
        ),
    )
    decorative = models.BooleanField(
        default=False,
        help_text="The image adds nothing the text does not say: screen readers skip it (empty alt text).",
    )
    caption = models.TextField(blank=True, help_text="Shown under the image on the page.")
    credit = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who made the image, as the licence asks to credit them (e.g. Jane Doe / Example Clinic).",
        validators=[validate_single_line],
    )
    licence = models.CharField(
        max_length=24,
        choices=Licence.choices,
        blank=True,
        help_text="Required before a page showing the image can be published.",
    )
    source_url = models.URLField(
        "source URL",
        max_length=500,
        blank=True,
        help_text="Where the image and its licence (or permission) come from.",
    )
    copyright_notice = models.CharField(
        max_length=300, blank=True, help_text="e.g. © 2026 Example Clinic", validators=[validate_single_line]
    )
    focal_x = models.FloatField(
        default=0.5, validators=_FOCAL, help_text="The point crops keep: 0 is the left edge, 1 the right."
    )
    focal_y = models.FloatField(
        default=0.5, validators=_FOCAL, help_text="The point crops keep: 0 is the top edge, 1 the bottom."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "key"]
        permissions = [("use_image", "Can insert images in pages")]

    def __str__(self) -> str:
        return self.title or self.key

    def get_absolute_url(self) -> str:
        return reverse("admin:images_image_change", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.decorative and self.alt.strip():
            raise ValidationError(
                {"alt": "A decorative image has no alt text: clear it, or untick “decorative”."}
            )

    @property
    def described(self) -> bool:
        return self.decorative or bool(self.alt.strip())


reversion.register(Image)
