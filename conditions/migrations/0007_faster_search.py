"""Search that stays fast however many pages match.

SQLite: the FTS5 index reads its text from the search documents and follows them by triggers.
Before, the index kept a copy of every document's text and the workflow wrote both; a document
deleted any other way (a cascade, a flush) left its row in the index, so each search joined the
documents to drop such rows, a cost that grew with the number of matches. Now the index holds no
text of its own (external content) and the database keeps it in step on every insert, update and
delete, so a search can count and rank matches from the index alone.

PostgreSQL: a second, small vector of each page's names and summary, indexed, to rank thousands of
matches by without reading each page's whole vector.

Each publication keeps the other names it was approved with, so the A–Z lists what was reviewed
(not the working copy's) without reading every page's frozen data.
"""

import django.contrib.postgres.search
from django.db import migrations, models

FTS = "conditions_search_fts"
DOCUMENTS = "conditions_searchdocument"
COLUMNS = "name, synonyms, summary, body"
TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"

FORWARD = [
    f"DROP TABLE IF EXISTS {FTS}",
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='{DOCUMENTS}', content_rowid='id', {TOKENIZE})",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS} (rowid, {COLUMNS}) VALUES (new.id, new.name, new.synonyms, new.summary, new.body); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, old.name, old.synonyms, old.summary, old.body); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE ON {DOCUMENTS} BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, old.name, old.synonyms, old.summary, old.body); "
    f"INSERT INTO {FTS} (rowid, {COLUMNS}) VALUES (new.id, new.name, new.synonyms, new.summary, new.body); END",
    f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')",
]
BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_update",
    f"DROP TABLE IF EXISTS {FTS}",
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, {TOKENIZE})",
    f"INSERT INTO {FTS} (rowid, {COLUMNS}) SELECT id, {COLUMNS} FROM {DOCUMENTS}",
]


HEAD_INDEX = "conditions_searchdocument_head_vector_idx"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in FORWARD:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(
            f"UPDATE {DOCUMENTS} SET head_vector = "
            "setweight(to_tsvector('english', coalesce(name, '') || ' ' || coalesce(synonyms, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(summary, '')), 'B')"
        )
        schema_editor.execute(f"CREATE INDEX {HEAD_INDEX} ON {DOCUMENTS} USING gin (head_vector)")


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in BACKWARD:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {HEAD_INDEX}")


def copy_other_names(apps, schema_editor):
    Publication = apps.get_model("conditions", "Publication")
    for publication in Publication.objects.only("structured_data").iterator(chunk_size=500):
        names = (publication.structured_data or {}).get("also_called") or []
        if names:
            Publication.objects.filter(pk=publication.pk).update(also_called="\n".join(names))


class Migration(migrations.Migration):
    dependencies = [("conditions", "0006_audit_record")]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="head_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
        migrations.AddField(
            model_name="publication",
            name="also_called",
            field=models.TextField(blank=True, help_text="Other names, one a line, as approved."),
        ),
        migrations.RunPython(copy_other_names, migrations.RunPython.noop),
    ]
