from __future__ import annotations

from django.apps import AppConfig


class ImagesConfig(AppConfig):
    """The image library: illustrations pages show, each described, credited, licensed and
    reviewed with the pages that show it."""

    name = "images"
    verbose_name = "Image library"
    default_auto_field = "django.db.models.BigAutoField"
