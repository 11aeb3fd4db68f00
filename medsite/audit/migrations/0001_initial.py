# The audit log moves from the conditions app to an app of its own: the model is created here in
# Django's state only, on the table conditions 0006 made (kept, with its rows), and conditions
# 0010 removes it from that app's state. Its content type is renamed, so the permissions on it
# (and who holds them) carry over.

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(apps, schema_editor, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.db_manager(schema_editor.connection.alias)
    # Both exist only if content types were made for the model while this migration was
    # unapplied (migrating back and forth): the old one is then left for remove_stale_contenttypes.
    if not content_types.filter(app_label=new, model="auditrecord").exists():
        content_types.filter(app_label=old, model="auditrecord").update(app_label=new)
    content_types.clear_cache()


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, old="conditions", new="audit")


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, old="audit", new="conditions")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('conditions', '0009_field_checks'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('action', models.CharField(choices=[('revert', 'Restored an earlier version'), ('recover', 'Recovered a deleted item'), ('delete', 'Deleted'), ('import', 'Imported'), ('export', 'Exported'), ('permissions', 'Access changed (roles, permissions, staff or superuser)'), ('account', 'User account changed')], max_length=20)),
                        ('object_id', models.CharField(blank=True, max_length=64)),
                        ('target', models.CharField(blank=True, help_text='What was acted on, as it was named then.', max_length=300)),
                        ('details', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'db_table': 'conditions_auditrecord',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['content_type', 'object_id'], name='auditrecord_object_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
