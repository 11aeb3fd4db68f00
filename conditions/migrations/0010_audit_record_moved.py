# The audit log is an app of its own now (medsite/audit, migration audit 0001): the model leaves
# this app's state only; its table, rows and content type stay (audit 0001 renames the latter).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0009_field_checks'),
        ('audit', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='AuditRecord')],
            database_operations=[],
        ),
    ]
