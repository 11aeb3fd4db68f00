"""Restoring a backup: one transaction into a database without content, each record checked
(:mod:`.checks`) before it is written; any bad record writes nothing and is named by its line."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, TypeGuard, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from reversion.models import Version

from conditions import imageuse
from conditions.models import ReviewerProfile, system_user
from conditions.public import caching, search
from images import library, processing, renditions
from images.processing import ImageRefused, Processed
from medsite import audit
from medsite.audit.models import AuditRecord
from medsite.textfiles import ImportProblem, decode_text, open_file, refuse_binary

from .checks import check_record
from .contents import (
    APPENDED,
    FILES,
    FORMAT,
    FORMAT_VERSION,
    MODELS,
    RENAMED_MODELS,
    USER_FIELDS,
    BackupSummary,
    foreign_keys,
    library_files,
    target,
    user_content_type,
    user_foreign_keys,
    version_rows,
)

HEADER_MAX_BYTES = 64 * 1024
# The longest record line read: a publication's frozen page or a version's data is rarely over a
# megabyte, and a file with no line breaks must not be read into memory whole.
LINE_MAX_BYTES = 64 * 2**20


def import_backup(path: str | Path, *, dry_run: bool = False) -> BackupSummary:
    """Restore the backup at ``path`` into a database without content; all or nothing.

    Raises ImportProblem naming the line (and the record) at fault. Users already present (same
    username) are kept as they are; the others are created with no usable password.
    """
    path = Path(path)
    with open_file(path) as file:
        refuse_binary(file.peek(HEADER_MAX_BYTES)[:HEADER_MAX_BYTES], where=path.name)
        lines = _lines(file, path.name)
        _check_header(next(lines, None), path.name)
        try:
            with transaction.atomic(), tempfile.TemporaryDirectory(prefix="medsite-restore-") as held:
                _refuse_if_not_empty()
                restorer = _Restorer(path.name, Path(held))
                for number, value in lines:
                    restorer.add(number, value)
                summary = restorer.finish()
                # Only once every record and file has been checked: storage is not transactional.
                summary.image_files = restorer.restore_files(write=not dry_run)
                _reset_sequences()
                summary.search_documents = search.rebuild()
                # After the restore, so a system user the backup holds is the one named.
                audit.record(
                    audit.Action.IMPORT,
                    actor=system_user(),
                    target=f"import_conditions {path.name}",
                    command="import_conditions",
                    file=path.name,
                    counts=summary.counts,
                    users_created=summary.users_created,
                )
                caching.site_changed()
                if dry_run:
                    transaction.set_rollback(True)
        except DatabaseError as exc:
            # Checks made when the transaction closes (deferred foreign keys): a safety net.
            raise ImportProblem(f"{path.name}: the database refused the backup ({exc}).") from exc
    return summary


def _lines(file: IO[bytes], source: str) -> Iterator[tuple[int, Any]]:
    """(line number, JSON value) of each non-blank line; the first line is read with a small limit."""
    number = 0
    while True:
        limit = HEADER_MAX_BYTES if number == 0 else LINE_MAX_BYTES
        raw = file.readline(limit + 1)
        if not raw:
            if number == 0:
                raise ImportProblem(f"{source}: is empty.")
            return
        number += 1
        if len(raw) > limit:
            if number == 1:
                raise ImportProblem(_not_a_backup(source))
            raise ImportProblem(f"{source}, line {number}: is longer than any backup record can be.")
        text = decode_text(raw, where=source, first_line=number)
        if not text.strip():
            if number == 1:
                raise ImportProblem(_not_a_backup(source))
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            if number == 1:
                raise ImportProblem(_not_a_backup(source)) from exc
            cut = "" if raw.endswith(b"\n") else " The file ends inside this line: it was cut short."
            raise ImportProblem(f"{source}, line {number}: is not valid JSON ({exc}).{cut}") from exc
        yield number, value


def _not_a_backup(source: str) -> str:
    return (
        f"{source}: is not a MedSite backup: its first line is not the backup header "
        f'({{"format": "{FORMAT}", "version": …}}). Make backups with export_conditions.'
    )


def _check_header(first: tuple[int, Any] | None, source: str) -> None:
    header = first[1] if first else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ImportProblem(_not_a_backup(source))
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportProblem(f"{source}: the header's format version {version!r} is not a version number.")
    if version > FORMAT_VERSION:
        raise ImportProblem(
            f"{source}: was written by a newer MedSite (backup format version {version}; this one "
            f"reads up to version {FORMAT_VERSION}). Upgrade MedSite to restore it."
        )
    migrations = header.get("migrations", {})
    if not isinstance(migrations, dict):
        raise ImportProblem(f"{source}: the header's “migrations” is not an object.")
    applied = MigrationLoader(connection, ignore_no_migrations=True).applied_migrations
    missing = sorted(f"{app}.{name}" for app, name in migrations.items() if (app, name) not in applied)
    if missing:
        raise ImportProblem(
            f"{source}: was written with a newer database schema ({', '.join(missing)} not applied "
            "here). Upgrade MedSite and run migrate first."
        )


def _refuse_if_not_empty() -> None:
    present = [str(model._meta.verbose_name_plural) for model in MODELS if model._base_manager.exists()]
    if present:
        raise ImportProblem(
            f"The database already has content ({', '.join(present)}): a backup is restored only into "
            "a database without any, so that nothing is overwritten or mixed. Restore into a newly "
            "migrated database."
        )


def _reset_sequences() -> None:
    """Point the id sequences past the restored ids, so new rows get free ones (PostgreSQL;
    SQLite follows the largest id by itself and returns no statements)."""
    statements = connection.ops.sequence_reset_sql(no_style(), MODELS)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@dataclass(frozen=True)
class _HeldFile:
    """An image file of the backup, checked, and kept aside until the whole backup is."""

    where: str
    path: Path
    processed: Processed


class _Restorer:
    """Writes a backup's records one by one, checking what the database alone would not."""

    def __init__(self, source: str, held: Path) -> None:
        self.source = source
        self.held = held  # a folder for the image files read, until they are written to storage
        self.files: dict[str, _HeldFile] = {}
        self.models = {model._meta.label_lower: model for model in (*MODELS, *APPENDED)}
        self.counts: Counter[str] = Counter()
        self.seen: dict[type[models.Model], set] = {model: set() for model in MODELS}
        self.pending: list[tuple[str, models.ForeignKey, Any]] = []  # references to rows not yet read
        self.user_ids: dict[int, int] = {}  # user id in the backup -> id here
        self.users_created: list[str] = []
        self.users_kept: list[str] = []
        self.footer: tuple[int, dict] | None = None
        self.last_line = 0
        # Content types by natural key: a cache from before a flush would give stale ids.
        ContentType.objects.clear_cache()

    def add(self, number: int, value: Any) -> None:
        self.last_line = number
        where = f"{self.source}, line {number}"
        if self.footer is not None:
            raise ImportProblem(f"{where}: comes after the closing line; the file was altered.")
        if isinstance(value, dict) and "end" in value:
            self.footer = (number, value)
            return
        if isinstance(value, dict) and "file" in value:
            self._file(value, where)
            self.counts[FILES] += 1
            return
        if not isinstance(value, dict) or not isinstance(value.get("model"), str):
            raise ImportProblem(f"{where}: is not a record (an object with “model”, “pk” and “fields”).")
        if not isinstance(value.get("fields"), dict):
            raise ImportProblem(f"{where}: the record has no “fields” object.")
        label = value["model"]
        where = f"{where} ({label} {value.get('pk')})"
        record = upgraded(value)
        kind = record["model"]
        if kind == "auth.group":
            self._group(record, where)
        elif kind == "auth.user":
            self._user(record, where)
        elif kind == "conditions.reviewerprofile":
            self._profile(record, where)
        elif kind == "audit.auditrecord":
            self._audit_record(record, where)
        elif kind in self.models:
            self._row(self.models[kind], record, where)
        else:
            raise ImportProblem(f"{where}: “{label}” is not a kind of record a backup holds.")
        # By the label the file gives, as its closing line counts them.
        self.counts[label] += 1

    def finish(self) -> BackupSummary:
        if self.footer is None:
            raise ImportProblem(
                f"{self.source}: ends at line {self.last_line} without the closing line "
                f'({{"end": "{FORMAT}", …}}): the file is incomplete, perhaps cut short.'
            )
        number, footer = self.footer
        expected = footer.get("counts")
        if footer.get("end") != FORMAT or not isinstance(expected, dict):
            raise ImportProblem(f"{self.source}, line {number}: is not a backup's closing line.")
        for label in sorted(set(expected) | set(self.counts)):
            if expected.get(label, 0) != self.counts[label]:
                raise ImportProblem(
                    f"{self.source}, line {number}: the closing line counts {expected.get(label, 0)} "
                    f"{label} records but the file has {self.counts[label]}: it is incomplete or was altered."
                )
        for where, fk, value in self.pending:
            if value not in self.seen[target(fk)]:
                raise ImportProblem(f"{where}: {_dangling(fk, value)}")
        return BackupSummary(
            path=self.source,
            counts=dict(self.counts),
            users_created=self.users_created,
            users_kept=self.users_kept,
        )

    # The image library's files: checked as an upload is, written once everything is.

    def _file(self, value: dict, where: str) -> None:
        name, sha, encoded = value.get("file"), value.get("sha256"), value.get("base64")
        if not (isinstance(name, str) and isinstance(sha, str) and isinstance(encoded, str)):
            raise ImportProblem(
                f"{where}: an image file needs its “file” name, “sha256” and “base64” content."
            )
        where = f"{where} (image file {name[:120]})"
        formats = (
            {renditions.original_name(sha, fmt): fmt for fmt in ("jpeg", "png")} if len(sha) == 64 else {}
        )
        if name not in formats or not all(c in "0123456789abcdef" for c in sha):
            raise ImportProblem(
                f"{where}: is not the name of an original image file "
                "(images/<ab>/<sha256>/original.jpg or .png)."
            )
        if name in self.files:
            raise ImportProblem(f"{where}: the file is in the backup twice.")
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImportProblem(f"{where}: its content is not valid base64 ({exc}).") from exc
        if hashlib.sha256(data).hexdigest() != sha:
            raise ImportProblem(
                f"{where}: its content does not match its SHA-256 hash: the file was damaged or altered."
            )
        try:
            processed = processing.read_image(data, name)
        except ImageRefused as refused:
            raise ImportProblem(f"{where}: {refused.message}") from refused
        if processed.format != formats[name]:
            raise ImportProblem(f"{where}: is a {processed.format.upper()} image, not what its name says.")
        held = self.held / f"{sha}.{processed.format}"
        held.write_bytes(data)
        # The original as stored, not the re-encoding: its hash is its name, which pages froze.
        kept = Processed(
            data=b"", format=processed.format, width=processed.width, height=processed.height, sha256=sha
        )
        self.files[name] = _HeldFile(where, held, kept)

    def restore_files(self, *, write: bool) -> int:
        """Check that the backup holds every file its images (and their versions) name, and
        nothing else; then, unless ``write`` is false, store each with its renditions."""
        needed = library_files()
        for name, wanted in needed.items():
            held = self.files.get(name)
            if held is None:
                raise ImportProblem(
                    f"{self.source}: the file of the image “{wanted.key}” ({name}) is not in the "
                    "backup: it is incomplete or was altered."
                )
            if (held.processed.width, held.processed.height) != (wanted.width, wanted.height):
                raise ImportProblem(
                    f"{held.where}: is {held.processed.width} × {held.processed.height} pixels, but the "
                    f"image “{wanted.key}” says {wanted.width} × {wanted.height}."
                )
        for name, held in self.files.items():
            if name not in needed:
                raise ImportProblem(f"{held.where}: no image in the backup has this file.")
        if write:
            for name, held in self.files.items():
                processed = replace(held.processed, data=held.path.read_bytes())
                for focal_x, focal_y in sorted(needed[name].focal_points) or [(0.5, 0.5)]:
                    library.write_files(processed, focal_x=focal_x, focal_y=focal_y)
        # Which library image each version shows (left out of the backup: derived from its page).
        imageuse.link_published()
        return len(self.files)

    # Rows restored as they were, with their ids.

    def _row(self, model: type[models.Model], record: dict, where: str) -> None:
        if record.get("pk") is None:
            raise ImportProblem(f"{where}: the record has no “pk”.")
        _check_named(model, record, where)
        obj = _deserialize(record, where)
        check_record(obj.object, record, where)
        for fk in foreign_keys(model):
            value, seen = getattr(obj.object, fk.attname), self.seen.get(target(fk))
            if value is not None and seen is not None and value not in seen:
                self.pending.append((where, fk, value))
        if model is Version:
            self._map_version_users(obj.object)
        _save(obj, where, force_insert=True)
        self.seen[model].add(obj.object.pk)

    def _map_version_users(self, version: Version) -> None:
        """Point a version's stored user ids at the same users here (or at nobody, for a user
        deleted before the backup was made)."""
        model = ContentType.objects.get_for_id(version.content_type_id).model_class()
        user_fields = user_foreign_keys(model) if model is not None else []
        rows = version_rows(version.serialized_data, version.format) if user_fields else []
        changed = False
        for row in rows:
            for user_field in user_fields:
                old = row["fields"].get(user_field.name)
                if isinstance(old, int) and self.user_ids.get(old) != old:
                    row["fields"][user_field.name] = self.user_ids.get(old)
                    changed = True
        if changed:
            version.serialized_data = json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False)

    def _audit_record(self, record: dict, where: str) -> None:
        _check_named(AuditRecord, record, where)
        obj = _deserialize({**record, "pk": None}, where)
        entry = _row_of(obj, AuditRecord, where)
        # An audit record about a user names them by their id, which this database gives anew.
        if entry.content_type_id == user_content_type().pk and entry.object_id.isdigit():
            entry.object_id = str(self.user_ids.get(int(entry.object_id), ""))
        check_record(entry, record, where)
        _save(obj, where)

    # People: matched by name, numbered by this database.

    def _group(self, record: dict, where: str) -> None:
        name = record["fields"].get("name")
        if Group.objects.filter(name=name).exists():
            return
        obj = _deserialize({**record, "pk": None}, where)
        check_record(obj.object, record, where)
        _save(obj, where)

    def _user(self, record: dict, where: str) -> None:
        fields = record["fields"]
        username, old_id = fields.get("username"), record.get("pk")
        if not isinstance(username, str) or not username or not isinstance(old_id, int):
            raise ImportProblem(f"{where}: a user record needs a “pk” and a “username”.")
        existing = get_user_model()._base_manager.filter(username=username).first()
        if existing is not None:
            self.user_ids[old_id] = existing.pk
            self.users_kept.append(username)
            return
        unknown = sorted(set(fields) - set(USER_FIELDS))
        if unknown:
            raise ImportProblem(f"{where}: a user record cannot set {', '.join(unknown)}.")
        obj = _deserialize({**record, "pk": None}, where)
        user = _row_of(obj, get_user_model(), where)
        user.set_unusable_password()
        check_record(user, record, where)
        _save(obj, where)
        self.user_ids[old_id] = user.pk
        self.users_created.append(username)

    def _profile(self, record: dict, where: str) -> None:
        _check_named(ReviewerProfile, record, where)
        obj = _deserialize({**record, "pk": None}, where)
        profile = _row_of(obj, ReviewerProfile, where)
        if ReviewerProfile.objects.filter(user_id=profile.user_id).exists():
            return  # a user kept as they were keeps their profile too
        check_record(profile, record, where)
        _save(obj, where)


def upgraded(record: dict) -> dict:
    """``record`` as this MedSite names things: a model that moved to another app (an older
    backup's ``conditions.auditrecord``) by its new label, as the record's kind and in the content
    types and permissions the record names."""
    kind = RENAMED_MODELS.get(record["model"], record["model"])
    try:
        model = apps.get_model(kind)
    except (LookupError, ValueError):
        return record  # not a kind of record a backup holds: refused as it is
    fields = dict(record["fields"])
    for model_field in [*foreign_keys(model), *model._meta.many_to_many]:
        value = fields.get(model_field.name)
        if model_field.related_model is ContentType and _is_name(value, parts=2):
            fields[model_field.name] = _renamed(value)
        elif model_field.related_model is Permission and isinstance(value, list):
            fields[model_field.name] = [_renamed(name) if _is_name(name, parts=3) else name for name in value]
    return {**record, "model": kind, "fields": fields}


def _is_name(value: Any, *, parts: int) -> TypeGuard[list[str]]:
    return isinstance(value, list) and len(value) == parts and all(isinstance(part, str) for part in value)


def _renamed(name: list[str]) -> list[str]:
    """A content type's name [app label, model], or a permission's [codename, app label, model],
    with a moved model's new app label."""
    *codename, app_label, model_name = name
    moved = RENAMED_MODELS.get(f"{app_label}.{model_name}")
    return [*codename, *moved.split(".")] if moved else name


def _check_named(model: type[models.Model], record: dict, where: str) -> None:
    """Users and content types must be named, so that they are found, or refused, by name."""
    for fk in foreign_keys(model):
        if fk.related_model not in MODELS and not isinstance(record["fields"].get(fk.name), list | None):
            raise ImportProblem(f"{where}: its “{fk.name}” must be given by name, not by number.")


def _deserialize(record: dict, where: str) -> DeserializedObject:
    try:
        return next(iter(serializers.deserialize("python", [record], use_natural_foreign_keys=True)))
    except (DeserializationError, FieldDoesNotExist, TypeError, ValueError) as exc:
        # Django's message names the field and its value.
        raise ImportProblem(f"{where}: {exc}") from exc


_Row = TypeVar("_Row", bound=models.Model)


def _row_of(obj: DeserializedObject, model: type[_Row], where: str) -> _Row:
    """The row ``obj`` holds, a ``model`` as the record's kind said."""
    if not isinstance(obj.object, model):
        raise ImportProblem(f"{where}: is not a {model._meta.verbose_name} record.")
    return obj.object


def _save(obj: DeserializedObject, where: str, **options) -> None:
    try:
        obj.save(**options)
    except (DatabaseError, OverflowError) as exc:
        # A safety net: check_record() refuses what it knows the database would.
        raise ImportProblem(f"{where}: the database refused it ({exc}).") from exc


def _dangling(fk: models.ForeignKey, value: Any) -> str:
    return f"its “{fk.name}” points to {target(fk)._meta.label_lower} {value}, which is not in the backup."
