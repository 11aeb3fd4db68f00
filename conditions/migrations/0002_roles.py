"""The two editorial roles and their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("conditions", "add_condition"),
    ("conditions", "change_condition"),
    ("conditions", "view_condition"),
    ("conditions", "add_section"),
    ("conditions", "change_section"),
    ("conditions", "delete_section"),
    ("conditions", "view_section"),
    ("conditions", "add_shortanswer"),
    ("conditions", "change_shortanswer"),
    ("conditions", "delete_shortanswer"),
    ("conditions", "view_shortanswer"),
    ("conditions", "view_publication"),
    ("conditions", "view_reviewevent"),
    ("references", "add_reference"),
    ("references", "change_reference"),
    ("references", "view_reference"),
    ("references", "add_conditionreference"),
    ("references", "change_conditionreference"),
    ("references", "delete_conditionreference"),
    ("references", "view_conditionreference"),
]
REVIEWER_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("conditions", "review_condition"),
    ("conditions", "unpublish_condition"),
]
ROLES = {"Editors": EDITOR_PERMISSIONS, "Medical reviewers": REVIEWER_PERMISSIONS}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the groups can hold them.
    # (The tests also call this with the project's own registry: leave each app as it was.)
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codenames:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0001_initial"),
        ("references", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
