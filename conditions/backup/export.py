"""Writing a backup: every row, from one consistent snapshot, a line at a time."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from io import TextIOBase
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from reversion.models import Version

from conditions.models import ReviewerProfile
from medsite.audit.models import AuditRecord

from .contents import (
    APPENDED,
    FILES,
    FORMAT,
    FORMAT_VERSION,
    MODELS,
    SCHEMA_APPS,
    USER_FIELDS,
    BackupSummary,
    LibraryFile,
    foreign_keys,
    library_files,
    user_content_type,
    user_foreign_keys,
    version_rows,
)


class ExportProblem(Exception):
    """The site cannot be backed up as it stands (an image file missing or damaged in storage)."""


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _line(value: Any) -> str:
    return json.dumps(value, cls=_Encoder, ensure_ascii=False) + "\n"


def export_backup(out: TextIOBase, *, path: str = "-") -> BackupSummary:
    """Write the whole site's content to ``out``, a row at a time, from one consistent snapshot."""
    summary = BackupSummary(path=path)
    # A snapshot, so rows written late match rows written early; on PostgreSQL only a
    # transaction of its own can be made repeatable-read.
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if own_transaction and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        out.write(_line(_header()))
        user_ids = _referenced_user_ids()
        users = get_user_model()._base_manager.filter(pk__in=user_ids).order_by("pk")
        groups = Group.objects.filter(user__in=users).distinct().order_by("pk")
        counts: Counter[str] = Counter()
        for queryset, fields in (
            (groups, ("name", "permissions")),
            (users, USER_FIELDS),
            (ReviewerProfile._base_manager.order_by("pk"), None),
            *((model._base_manager.order_by("pk"), None) for model in (*MODELS, *APPENDED)),
        ):
            for record in _records(queryset, fields):
                out.write(_line(record))
                counts[record["model"]] += 1
        for library_file in library_files().values():
            out.write(_line(_file_record(library_file)))
            counts[FILES] += 1
        summary.counts = dict(counts)
        out.write(_line({"end": FORMAT, "counts": summary.counts}))
    return summary


def _file_record(library_file: LibraryFile) -> dict:
    """One original image file, its bytes in base64; its renditions are made again on restore."""
    name = library_file.name
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except (FileNotFoundError, OSError) as exc:
        raise ExportProblem(
            f"The file of the image “{library_file.key}” ({name}) is missing from the image storage, "
            "so a backup would not restore it. Restore the file from the storage's own copies, or "
            "upload the image again, then export."
        ) from exc
    if hashlib.sha256(data).hexdigest() != library_file.sha256:
        raise ExportProblem(
            f"The file of the image “{library_file.key}” ({name}) in the image storage is not the "
            "file the library stored (its content does not match its name): it was changed or "
            "damaged. Restore it from the storage's own copies, or upload the image again, then export."
        )
    return {"file": name, "sha256": library_file.sha256, "base64": base64.b64encode(data).decode("ascii")}


def write_backup(path: str | Path) -> BackupSummary:
    """Export to the file at ``path``, which is replaced only by a complete backup."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as out:
            summary = export_backup(out, path=str(path))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _header() -> dict:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    leaves = {app: name for app, name in loader.graph.leaf_nodes() if app in SCHEMA_APPS}
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "migrations": dict(sorted(leaves.items())),
    }


def _records(queryset: models.QuerySet, fields: Iterable[str] | None) -> Iterator[dict]:
    # Related rows written by natural key (users, content types) are read with their row.
    by_key = [f.name for f in foreign_keys(queryset.model) if hasattr(f.related_model, "natural_key")]
    for obj in queryset.select_related(*by_key).iterator(chunk_size=500):
        yield serializers.serialize("python", [obj], fields=fields, use_natural_foreign_keys=True)[0]


def _referenced_user_ids() -> set[int]:
    """Every user a backed-up row names, including in the stored versions' data."""
    ids: set[int] = set()
    backed_up: tuple[type[models.Model], ...] = (ReviewerProfile, *MODELS, *APPENDED)
    for model in backed_up:
        for user_field in user_foreign_keys(model):
            values = model._base_manager.exclude(**{user_field.attname: None}).order_by()
            ids.update(values.values_list(user_field.attname, flat=True).distinct())
    # Users an audit record is about.
    about_users = AuditRecord._base_manager.filter(content_type=user_content_type()).order_by()
    ids.update(int(pk) for pk in about_users.values_list("object_id", flat=True).distinct() if pk.isdigit())
    for model, user_fields in _versioned_models_with_users():
        versions = Version.objects.filter(content_type=ContentType.objects.get_for_model(model))
        for data, fmt in versions.values_list("serialized_data", "format").iterator(chunk_size=500):
            for row in version_rows(data, fmt):
                ids.update(v for f in user_fields if isinstance(v := row["fields"].get(f.name), int))
    return ids


def _versioned_models_with_users() -> list[tuple[type[models.Model], list[models.ForeignKey]]]:
    return [(model, fields) for model in MODELS if (fields := user_foreign_keys(model))]
