from __future__ import annotations

from django.db import migrations, models


def first_generation(apps, schema_editor):
    apps.get_model("frontcache", "Generation").objects.create(pk=1, value=0)


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="RetiredKey",
            fields=[
                ("key", models.CharField(max_length=200, primary_key=True, serialize=False)),
                ("generation", models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="PurgeRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("keys", models.JSONField(default=list)),
                ("urls", models.JSONField(default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField(db_index=True)),
                ("last_error", models.TextField(blank=True)),
            ],
            options={"ordering": ["pk"]},
        ),
        migrations.RunPython(first_generation, migrations.RunPython.noop),
    ]
