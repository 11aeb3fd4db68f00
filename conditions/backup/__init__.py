"""Backups of the site's content that restore without loss: :func:`export_backup` and
:func:`import_backup`. The file format is described in docs/backup-format.md.

A backup is JSON Lines: a header line, one record per line in Django's serialization format
(the rows keep their primary keys, so reversion's ``Version.object_id`` and every foreign key
stay valid), and a closing line with the number of records of each kind, so a file cut short is
recognised. Users, groups and content types are written by natural key (username, group name,
app label and model), since a restored database numbers them its own way; users never carry a
password.

Restoring is one transaction into a database without content: any bad record writes nothing
and is named by its line. Each record is checked as the admin checks what people type (every
field's validators, choices, uniqueness), its numbers against what the database can store, and a
publication's frozen HTML against the site's sanitiser.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any

import nh3
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from reversion.models import Revision, Version

from conditions.importing import ImportProblem, decode_text, open_file, refuse_binary
from conditions.models import (
    AuditRecord,
    Condition,
    Publication,
    ReviewerProfile,
    ReviewEvent,
    SearchDocument,
    Section,
    ShortAnswer,
    SlugHistory,
    system_user,
)
from conditions.public import caching, search
from medsite import audit
from medsite.markdown import ALLOWED_ATTRIBUTES, ALLOWED_CLASSES, ALLOWED_TAGS, URL_SCHEMES
from references.models import ConditionReference, PublicationReference, Reference

FORMAT = "medsite-backup"
FORMAT_VERSION = 1

# Rows restored with their primary keys, in the order they are written and read: each after the
# rows it points to, except a condition's live and scheduled publications, which come later.
MODELS: tuple[type[models.Model], ...] = (
    Revision,
    Reference,
    Condition,
    Section,
    ShortAnswer,
    ConditionReference,
    Publication,
    PublicationReference,
    ReviewEvent,
    SlugHistory,
    Version,
)
# Rows restored with new ids, after the rest: nothing points to them, and the database being
# restored into may have some already (the audit log of setting it up).
APPENDED: tuple[type[models.Model], ...] = (AuditRecord,)
# Models of the content apps a backup leaves out on purpose, and why.
SKIPPED: dict[type[models.Model], str] = {
    SearchDocument: "derived from the live publications; search.rebuild() remakes it after a restore",
}
# What a backup says about a user: no password, and nothing a restore could not apply.
USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "is_superuser",
    "last_login",
    "date_joined",
    "groups",
    "user_permissions",
)
# Apps whose schema a backup's rows follow; the header names each one's latest migration.
SCHEMA_APPS = ("auth", "contenttypes", "reversion", "references", "conditions")

HEADER_MAX_BYTES = 64 * 1024
# The longest record line read: a publication's frozen page or a version's data is rarely over a
# megabyte, and a file with no line breaks must not be read into memory whole.
LINE_MAX_BYTES = 64 * 2**20


@dataclass
class BackupSummary:
    """What an export wrote or an import restored: record counts by kind, and the users.

    Returned by both functions so the caller can report (and record) what was done.
    """

    path: str
    counts: dict[str, int] = field(default_factory=dict)
    users_created: list[str] = field(default_factory=list)
    users_kept: list[str] = field(default_factory=list)
    search_documents: int = 0

    def lines(self) -> list[str]:
        out = [f"{count} {label}" for label, count in self.counts.items()]
        if self.users_created:
            out.append(
                f"Users created without a usable password (set one to let them sign in): "
                f"{', '.join(self.users_created)}"
            )
        if self.users_kept:
            out.append(f"Users already here, kept as they were: {', '.join(self.users_kept)}")
        return out


# --- export ------------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _line(value: Any) -> str:
    return json.dumps(value, cls=_Encoder, ensure_ascii=False) + "\n"


def export_backup(out: IO[str], *, path: str = "-") -> BackupSummary:
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
        summary.counts = dict(counts)
        out.write(_line({"end": FORMAT, "counts": summary.counts}))
    return summary


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
    by_key = [f.name for f in _foreign_keys(queryset.model) if hasattr(f.related_model, "natural_key")]
    for obj in queryset.select_related(*by_key).iterator(chunk_size=500):
        yield serializers.serialize("python", [obj], fields=fields, use_natural_foreign_keys=True)[0]


def _foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]


def _user_fields(model: type[models.Model]) -> list[models.ForeignKey]:
    user_model = get_user_model()
    return [f for f in _foreign_keys(model) if f.related_model is user_model]


def _referenced_user_ids() -> set[int]:
    """Every user a backed-up row names, including in the stored versions' data."""
    ids: set[int] = set()
    for model in (ReviewerProfile, *MODELS, *APPENDED):
        for user_field in _user_fields(model):
            values = model._base_manager.exclude(**{user_field.attname: None}).order_by()
            ids.update(values.values_list(user_field.attname, flat=True).distinct())
    # Users an audit record is about.
    about_users = AuditRecord._base_manager.filter(content_type=_user_content_type()).order_by()
    ids.update(int(pk) for pk in about_users.values_list("object_id", flat=True).distinct() if pk.isdigit())
    for model, user_fields in _versioned_models_with_users():
        versions = Version.objects.filter(content_type=ContentType.objects.get_for_model(model))
        for data, fmt in versions.values_list("serialized_data", "format").iterator(chunk_size=500):
            for row in _version_rows(data, fmt):
                ids.update(v for f in user_fields if isinstance(v := row["fields"].get(f.name), int))
    return ids


def _user_content_type() -> ContentType:
    return ContentType.objects.get_for_model(get_user_model())


def _versioned_models_with_users() -> list[tuple[type[models.Model], list[models.ForeignKey]]]:
    return [(model, fields) for model in MODELS if (fields := _user_fields(model))]


def _version_rows(data: str, fmt: str) -> list[dict]:
    """A version's serialized rows, or none when they are not JSON (left as they are)."""
    if fmt != "json":
        return []
    try:
        rows = json.loads(data)
    except ValueError:
        return []
    return [row for row in rows if isinstance(row, dict) and isinstance(row.get("fields"), dict)]


# --- import ------------------------------------------------------------------------------------


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
            with transaction.atomic():
                _refuse_if_not_empty()
                restorer = _Restorer(path.name)
                for number, value in lines:
                    restorer.add(number, value)
                summary = restorer.finish()
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
                transaction.on_commit(caching.site_changed)
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


class _Restorer:
    """Writes a backup's records one by one, checking what the database alone would not."""

    def __init__(self, source: str) -> None:
        self.source = source
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
        if not isinstance(value, dict) or not isinstance(value.get("model"), str):
            raise ImportProblem(f"{where}: is not a record (an object with “model”, “pk” and “fields”).")
        if not isinstance(value.get("fields"), dict):
            raise ImportProblem(f"{where}: the record has no “fields” object.")
        label = value["model"]
        where = f"{where} ({label} {value.get('pk')})"
        if label == "auth.group":
            self._group(value, where)
        elif label == "auth.user":
            self._user(value, where)
        elif label == "conditions.reviewerprofile":
            self._profile(value, where)
        elif label == "conditions.auditrecord":
            self._audit_record(value, where)
        elif label in self.models:
            self._row(self.models[label], value, where)
        else:
            raise ImportProblem(f"{where}: “{label}” is not a kind of record a backup holds.")
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
            if value not in self.seen[fk.related_model]:
                raise ImportProblem(f"{where}: {_dangling(fk, value)}")
        return BackupSummary(
            path=self.source,
            counts=dict(self.counts),
            users_created=self.users_created,
            users_kept=self.users_kept,
        )

    # Rows restored as they were, with their ids.

    def _row(self, model: type[models.Model], record: dict, where: str) -> None:
        if record.get("pk") is None:
            raise ImportProblem(f"{where}: the record has no “pk”.")
        _check_named(model, record, where)
        obj = _deserialize(record, where)
        _check(obj.object, record, where)
        for fk in _foreign_keys(model):
            value, seen = getattr(obj.object, fk.attname), self.seen.get(fk.related_model)
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
        user_fields = _user_fields(model) if model is not None else []
        rows = _version_rows(version.serialized_data, version.format) if user_fields else []
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
        entry = obj.object
        # An audit record about a user names them by their id, which this database gives anew.
        if entry.content_type_id == _user_content_type().pk and entry.object_id.isdigit():
            entry.object_id = str(self.user_ids.get(int(entry.object_id), ""))
        _check(entry, record, where)
        _save(obj, where)

    # People: matched by name, numbered by this database.

    def _group(self, record: dict, where: str) -> None:
        name = record["fields"].get("name")
        if Group.objects.filter(name=name).exists():
            return
        obj = _deserialize({**record, "pk": None}, where)
        _check(obj.object, record, where)
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
        obj.object.set_unusable_password()
        _check(obj.object, record, where)
        _save(obj, where)
        self.user_ids[old_id] = obj.object.pk
        self.users_created.append(username)

    def _profile(self, record: dict, where: str) -> None:
        _check_named(ReviewerProfile, record, where)
        obj = _deserialize({**record, "pk": None}, where)
        if ReviewerProfile.objects.filter(user_id=obj.object.user_id).exists():
            return  # a user kept as they were keeps their profile too
        _check(obj.object, record, where)
        _save(obj, where)


def _check_named(model: type[models.Model], record: dict, where: str) -> None:
    """Users and content types must be named, so that they are found, or refused, by name."""
    for fk in _foreign_keys(model):
        if fk.related_model not in MODELS and not isinstance(record["fields"].get(fk.name), list | None):
            raise ImportProblem(f"{where}: its “{fk.name}” must be given by name, not by number.")


def _deserialize(record: dict, where: str) -> DeserializedObject:
    try:
        return next(iter(serializers.deserialize("python", [record], use_natural_foreign_keys=True)))
    except (DeserializationError, FieldDoesNotExist, TypeError, ValueError) as exc:
        # Django's message names the field and its value.
        raise ImportProblem(f"{where}: {exc}") from exc


def _save(obj: DeserializedObject, where: str, **options) -> None:
    try:
        obj.save(**options)
    except (DatabaseError, OverflowError) as exc:
        # A safety net: _check() refuses what it knows the database would.
        raise ImportProblem(f"{where}: the database refused it ({exc}).") from exc


def _dangling(fk: models.ForeignKey, value: Any) -> str:
    return (
        f"its “{fk.name}” points to {fk.related_model._meta.label_lower} {value}, which is not in the backup."
    )


# --- checking a record as the admin would ---------------------------------------------------------


def _check(obj: models.Model, record: dict, where: str) -> None:
    """Refuse a record the database could not store, the admin would not accept, or whose frozen
    HTML the site's sanitiser would change; the error names the field."""
    _check_numbers(obj, where)
    _check_choices(obj, record, where)
    if isinstance(obj, Publication):
        _check_frozen_html(obj, where)
    _validate(obj, record, where)


def _check_numbers(obj: models.Model, where: str) -> None:
    """Ids, foreign keys and counts within the range of their database column (a 10^30 id would
    otherwise fail inside the database driver)."""
    for model_field in obj._meta.concrete_fields:
        value = getattr(obj, model_field.attname)
        if not isinstance(value, int) or isinstance(value, bool):
            continue
        column = model_field.target_field if model_field.is_relation else model_field
        kind = column.get_internal_type()
        if kind not in connection.ops.integer_field_ranges:
            continue
        low, high = connection.ops.integer_field_range(kind)
        if not low <= value <= high:
            raise ImportProblem(
                f"{where}: its “{model_field.name}”: {value} is outside what the database can store "
                f"({low} to {high})."
            )


def _check_choices(obj: models.Model, record: dict, where: str) -> None:
    """Fields with a fixed set of values, including those people never edit (a page's status),
    which the model's own validation skips."""
    for model_field in obj._meta.concrete_fields:
        if not model_field.choices or model_field.editable or model_field.name not in record["fields"]:
            continue
        value = getattr(obj, model_field.attname)
        known = [str(choice) for choice, _ in model_field.flatchoices]
        if value not in known and not (model_field.blank and value in model_field.empty_values):
            raise ImportProblem(
                f"{where}: its “{model_field.name}”: “{value}” is not one of {', '.join(known)}."
            )


def _validate(obj: models.Model, record: dict, where: str) -> None:
    """The model's validation, as the admin runs it on a form: every field's validators (length,
    slug, control characters), the model's ``clean()``, uniqueness."""
    exclude = {
        # Rows of the backup: checked by the restorer, against rows the file has not reached yet.
        *(fk.name for fk in _foreign_keys(type(obj)) if fk.related_model in MODELS),
        # Fields an older backup does not have: given their defaults.
        *(f.name for f in obj._meta.concrete_fields if f.name not in record["fields"]),
    }
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = exc.message_dict
        if isinstance(obj, Reference) and obj.needs_accessed_date:
            # Imports store online sources without the date they were read; the publish gate
            # asks for it before a page citing one is reviewed.
            errors.pop("accessed_on", None)
        if errors:
            problems = "; ".join(
                " ".join(messages) if name == NON_FIELD_ERRORS else f"its “{name}”: {' '.join(messages)}"
                for name, messages in errors.items()
            )
            raise ImportProblem(f"{where}: {problems}") from exc


# --- frozen HTML ---------------------------------------------------------------------------------

# A publication's rendered Markdown (the sections, answers and reference list in its structured
# data) is checked against the renderer's own allow-lists (medsite/markdown.py). "rel" is kept as
# written rather than added: the reference list's links (references/formatting.py) have none.
_LINK_ATTRIBUTES = {"a": ALLOWED_ATTRIBUTES["a"] | {"rel"}}
_FRAGMENT_RULES: dict[str, Any] = {
    "tags": ALLOWED_TAGS,
    "attributes": {**ALLOWED_ATTRIBUTES, **_LINK_ATTRIBUTES},
    "allowed_classes": ALLOWED_CLASSES,
}
# The page body (Publication.html) is that Markdown inside the page template
# (templates/conditions/_page_body.html): landmarks, headings, the review line, question cards.
# Inert structure only: what runs, loads or styles (script, style, iframe, img, form, event
# handlers, style attributes, javascript: URLs) is refused here as in the Markdown.
_PAGE_TAGS = {
    "article", "aside", "details", "div", "figcaption", "figure", "footer", "h1", "h2", "header",
    "nav", "section", "small", "summary", "time",
}  # fmt: skip
_PAGE_RULES: dict[str, Any] = {
    "tags": ALLOWED_TAGS | _PAGE_TAGS,
    "attributes": {
        **ALLOWED_ATTRIBUTES,
        **_LINK_ATTRIBUTES,
        "*": {"class", "id", "role"},
        "time": {"datetime"},
    },
    "generic_attribute_prefixes": {"aria-"},
}
_VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def _check_frozen_html(publication: Publication, where: str) -> None:
    """Refuse a publication whose frozen HTML the site's sanitiser would change.

    Refused rather than sanitised: a publication is what a reviewer approved and the public read,
    and the site only ever froze sanitised HTML, so a difference means the file was altered (or
    written by a site with other rules); restoring it changed would be a page nobody reviewed.
    """
    pieces = [("“html”", publication.html, _PAGE_RULES)]
    pieces += [
        (f"“structured_data” ({name})", html, _FRAGMENT_RULES)
        for name, html in _html_in(publication.structured_data)
    ]
    for name, html, rules in pieces:
        written = _Markup.of(html)
        sanitised = _Markup.of(nh3.clean(html, url_schemes=URL_SCHEMES, link_rel=None, **rules))
        if written != sanitised:
            first = next(
                (mine for mine, kept in zip(written, sanitised, strict=False) if mine != kept),
                written[len(sanitised)] if len(written) > len(sanitised) else "its end",
            )
            raise ImportProblem(
                f"{where}: its {name} holds markup the site does not write (first: {first[:80]}); "
                "a publication is restored only as the site's sanitiser would leave it."
            )


def _html_in(data: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """Each HTML string in a publication's structured data, named by where it is: "sections 1 html"."""
    if isinstance(data, dict):
        for key, value in data.items():
            is_html = (
                key == "html" or key.endswith("_html") or (path[:1] == ("references",) and key == "text")
            )
            if isinstance(value, str) and is_html:
                yield " ".join([*path, key]), value
            else:
                yield from _html_in(value, (*path, str(key)))
    elif isinstance(data, list):
        for number, item in enumerate(data, start=1):
            yield from _html_in(item, (*path, str(number)))


class _Markup(HTMLParser):
    """HTML as the elements, attributes and text it holds, however it is spelled (quoting,
    entities, attribute order), so two serialisations of the same markup compare equal."""

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser.items

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = "".join(f" {name}={value or ''!r}" for name, value in sorted(attrs))
        self.items.append(f"<{tag}{written}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID_ELEMENTS:
            self.items.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.items and not self.items[-1].startswith("<"):
            self.items[-1] += data
        else:
            self.items.append(data)

    def handle_comment(self, data: str) -> None:
        self.items.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.items.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.items.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.items.append(f"<![{data}]>")
