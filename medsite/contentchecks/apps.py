"""The content checks as a Django app (label ``contentchecks``): see medsite/contentchecks/__init__.py."""

from __future__ import annotations

from django.apps import AppConfig


class ContentChecksConfig(AppConfig):
    name = "medsite.contentchecks"
    label = "contentchecks"
    verbose_name = "Content checks"
