"""Editors and medical reviewers keep the plain-language term list: they see, add, change and
remove terms in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = ["view_plainterm", "add_plainterm", "change_plainterm", "delete_plainterm"]
# The roles conditions/migrations/0002_roles.py makes (made here too if this runs first).
ROLES = ["Editors", "Medical reviewers"]


def grant(apps, schema_editor):
    """Give both roles the term list's permissions: safe to run again."""
    # Permissions are normally made after all migrations; make this app's now so the roles can hold them.
    # (Tests call this with the project's own registry too: the app's models module is put back.)
    app_config = apps.get_app_config("contentchecks")
    models_module, app_config.models_module = getattr(app_config, "models_module", None), True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="contentchecks", codename__in=PERMISSIONS)
    for name in ROLES:
        Group.objects.get_or_create(name=name)[0].permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="contentchecks", codename__in=PERMISSIONS)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("contentchecks", "0002_plain_terms"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
