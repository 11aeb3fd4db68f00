"""The audit log as a Django app (label ``audit``): see medsite/audit/__init__.py."""

from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "medsite.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Imported here: the admin screens need the models, which are loaded only by now.
        from django.contrib import admin

        from medsite.audit.admin import register

        register(admin.site)
