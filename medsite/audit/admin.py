"""The audit log's admin screens: the log itself (superusers, read-only), and the screens that
write it: deletions (:class:`AuditedDeletes`, used by the content apps' admins), and who may do what.

Django's own admin log (LogEntry) notes that a user's "Groups" or "Staff status" changed, but not
to what; the audit records here keep the access before and after, so "who made this person a
medical reviewer, and when" has an answer. :func:`register`, called when the app is ready
(medsite/audit/apps.py), puts the audited user and role (group) screens in place of Django's.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from reversion import set_comment
from reversion.models import Version

from medsite import audit
from medsite.accounts.admin import PreferencesInline
from medsite.accounts.display import display_name, when
from medsite.admin_input import CarefulAdminInput, ModelAdminMixin, acting_user
from medsite.audit.models import AuditRecord


class RestoresOneObject(ModelAdminMixin):
    """Revert and recover in a VersionAdmin restore the one object, recorded in the audit log.

    Reversion's own views restore the whole revision the version was saved in; a shared object
    (a reference, an image) is saved in the same revision as the pages that show it, and those
    would change (or go back online) with no review. :meth:`refusal_to_restore` may refuse.
    """

    # VersionAdmin's, which the admin this is mixed into inherits (annotations only: no value here).
    revision_form_template: str | None
    recover_form_template: str | None
    create_revision: Callable[[HttpRequest], AbstractContextManager[Any]]

    def refusal_to_restore(self, request: HttpRequest, version: Version) -> HttpResponse | None:
        """A response refusing to restore ``version`` now; None to go on."""
        return None

    def _versions(self) -> models.QuerySet:
        return Version.objects.get_for_model(self.model).select_related("revision")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(self._versions(), pk=version_id, object_id=unquote(object_id))
        context = {"title": f"Revert {version.object_repr}", "revert": True, **(extra_context or {})}
        template = self.revision_form_template or "reversion/revision_form.html"
        return self._restore_view(request, version, audit.Action.REVERT, template, context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(self._versions(), pk=version_id)
        context = {"title": f"Recover {version.object_repr}", "recover": True, **(extra_context or {})}
        template = self.recover_form_template or "reversion/recover_form.html"
        return self._restore_view(request, version, audit.Action.RECOVER, template, context)

    def _restore_view(
        self, request: HttpRequest, version: Version, action: str, template: str, context: dict
    ) -> HttpResponse:
        """The object's form filled from ``version``; posting it saves the object so."""
        if (refused := self.refusal_to_restore(request, version)) is not None:
            return refused
        with transaction.atomic():
            version.revert()
            with self.create_revision(request):
                response = self.changeform_view(request, quote(version.object_id), request.path, context)
                saved = request.method == "POST" and response.status_code == 302
                if saved:
                    set_comment(f"Restored the version saved on {when(version.revision.date_created)}")
                    audit.record(
                        action,
                        actor=acting_user(request),
                        target=self.model.objects.get(pk=version.object_id),
                        version=version.pk,
                        revision=version.revision_id,
                    )
            if not saved:
                # Shown, not saved: the form (or its errors) over the restored values, then undone.
                if isinstance(response, TemplateResponse):
                    response.template_name = template
                    response.render()
                transaction.set_rollback(True)
        return response


class AuditedDeletes(ModelAdminMixin):
    """Deleting through the admin (one object, or the "delete selected" action) is recorded."""

    def audit_details(self, obj: Any) -> dict:
        """What to keep about the deleted object (one of the admin's model) beyond its name."""
        return {}

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit.record(
                audit.Action.DELETE, actor=acting_user(request), target=obj, **self.audit_details(obj)
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit.record(
                    audit.Action.DELETE, actor=acting_user(request), target=obj, **self.audit_details(obj)
                )
            super().delete_queryset(request, queryset)


def _permission_names(permissions: models.QuerySet) -> list[str]:
    return sorted(
        f"{app}.{codename}"
        for app, codename in permissions.values_list("content_type__app_label", "codename")
    )


def user_access(user: User | None) -> dict:
    """Everything that decides what ``user`` may do; for None, what a new user starts with."""
    if user is None:
        user = get_user_model()()
    saved = user.pk is not None
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)) if saved else [],
        "permissions": _permission_names(user.user_permissions.all()) if saved else [],
    }


def _differences(before: dict, after: dict) -> tuple[dict, dict]:
    changed = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in changed}, {key: after[key] for key in changed}


class AuditedUserAdmin(AuditedDeletes, UserAdmin):
    inlines = [PreferencesInline]

    def get_inlines(self, request, obj):
        # The add form asks only for a username and a password, as Django's does.
        return self.inlines if obj is not None else []

    def audit_details(self, obj) -> dict:
        return {"access": user_access(obj)}

    def save_model(self, request, obj, form, change) -> None:
        # The access as stored before this save; the groups and permissions are saved after it.
        stored = get_user_model().objects.filter(pk=obj.pk).first() if change else None
        form.access_before = user_access(stored)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        before, after = _differences(form.access_before, user_access(form.instance))
        fields = [name for name in form.changed_data if name not in after]
        if not (before or fields or not change):
            return
        audit.record(
            audit.Action.PERMISSIONS if after else audit.Action.ACCOUNT,
            actor=acting_user(request),
            target=form.instance,
            change="changed" if change else "added",
            before=before,
            after=after,
            # Names only: the admin's add form has password fields, whose values are not logged.
            fields=fields,
        )

    def user_change_password(self, request, id, form_url="") -> HttpResponse:
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = user.password if user else None
            response = super().user_change_password(request, id, form_url)
            if user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != before:
                    change = "password set" if user.has_usable_password() else "password sign-in disabled"
                    audit.record(audit.Action.ACCOUNT, actor=acting_user(request), target=user, change=change)
        return response


class AuditedGroupAdmin(AuditedDeletes, GroupAdmin):
    """Roles: a change of a group's permissions changes what every member may do."""

    def audit_details(self, obj: Group) -> dict:
        return {
            "permissions": _permission_names(obj.permissions.all()),
            "members": sorted(obj.user_set.values_list("username", flat=True)),
        }

    def save_model(self, request, obj, form, change) -> None:
        form.permissions_before = (
            _permission_names(Permission.objects.filter(group__pk=obj.pk)) if change else []
        )
        form.name_before = Group.objects.filter(pk=obj.pk).values_list("name", flat=True).first()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        group = form.instance
        before = form.permissions_before
        after = _permission_names(group.permissions.all())
        if change and before == after and form.name_before == group.name:
            return
        audit.record(
            audit.Action.PERMISSIONS,
            actor=acting_user(request),
            target=group,
            change="changed" if change else "added",
            renamed_from=form.name_before if form.name_before != group.name else None,
            added=sorted(set(after) - set(before)),
            removed=sorted(set(before) - set(after)),
        )


class AuditRecordAdmin(CarefulAdminInput, admin.ModelAdmin):
    """The audit log, for superusers only, and read-only for them too."""

    list_display = ["created_at", "action", "person", "target", "details"]
    list_filter = ["action", ("actor", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["actor__reviewer_profile"]
    search_fields = ["target", "object_id", "actor__username"]
    date_hierarchy = "created_at"
    fields = ["created_at", "action", "person", "content_type", "object_id", "target", "details"]
    readonly_fields = ["person"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    @admin.display(description="actor", ordering="actor")
    def person(self, obj: AuditRecord) -> str:
        return display_name(obj.actor)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def register(site: admin.AdminSite) -> None:
    """Register the audit log, and the audited user and role screens in place of Django's."""
    site.register(AuditRecord, AuditRecordAdmin)
    for model, model_admin in ((get_user_model(), AuditedUserAdmin), (Group, AuditedGroupAdmin)):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
