"""Editors and medical reviewers keep the image library: they see, add and change images and
insert them in pages. Deleting stays with superusers (an image a page has shown is refused
anyway, images/usage.py). Medical reviewers hold every permission editors hold, as in
conditions/migrations/0002_roles.py."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["view_image", "add_image", "change_image", "use_image"]
# The roles conditions/migrations/0002_roles.py makes (made here too if this runs first).
ROLES = ["Editors", "Medical reviewers"]


def grant(apps, schema_editor):
    """Give both roles the library's permissions: safe to run again."""
    # Permissions are normally made after all migrations; make this app's now so the roles can hold them.
    # (Tests call this with the project's own registry too: the app's models module is put back.)
    app_config = apps.get_app_config("images")
    models_module, app_config.models_module = getattr(app_config, "models_module", None), True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="images", codename__in=PERMISSIONS)
    for name in ROLES:
        Group.objects.get_or_create(name=name)[0].permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="images", codename__in=PERMISSIONS)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
