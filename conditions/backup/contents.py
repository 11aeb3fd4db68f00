"""What a backup holds, in which order, and what it says about people: shared by the export
(:mod:`.export`) and the restore (:mod:`.restore`). The format is docs/backup-format.md."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from reversion.models import Revision, Version

from conditions.models import (
    Condition,
    EditingSession,
    Publication,
    PublicationImage,
    ReviewEvent,
    SearchDocument,
    Section,
    ShortAnswer,
    SlugHistory,
)
from images import renditions
from images.models import Image
from medsite.audit.models import AuditRecord
from references.models import ConditionReference, PublicationReference, Reference

FORMAT = "medsite-backup"
FORMAT_VERSION = 1

# Rows restored with their primary keys, in the order they are written and read: each after the
# rows it points to, except a condition's live and scheduled publications, which come later.
MODELS: tuple[type[models.Model], ...] = (
    Revision,
    Reference,
    Image,
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
    EditingSession: "who has an edit page open this minute; it means nothing on another site or day",
    PublicationImage: (
        "which library image each version shows: its frozen page names them, and "
        "conditions.imageuse.link_published() links them again once the image library is restored"
    ),
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
SCHEMA_APPS = ("auth", "contenttypes", "reversion", "audit", "references", "images", "conditions")
# Models that moved to another app, by the label an older backup names them with: such a backup
# still restores (restore.upgraded() renames them wherever a record names them).
RENAMED_MODELS = {"conditions.auditrecord": "audit.auditrecord"}


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
    image_files: int = 0

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


def foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    # Every concrete many-to-one or one-to-one field is one (OneToOneField is a ForeignKey).
    return [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]


def target(fk: models.ForeignKey) -> type[models.Model]:
    """The model ``fk`` points at: named by a string ("self") only until the apps are loaded."""
    model = fk.related_model
    if isinstance(model, str):
        raise ImproperlyConfigured(f"{fk} points at {model!r}, a model not loaded yet.")
    return model


def user_foreign_keys(model: type[models.Model]) -> list[models.ForeignKey]:
    user_model = get_user_model()
    return [f for f in foreign_keys(model) if f.related_model is user_model]


def user_content_type() -> ContentType:
    return ContentType.objects.get_for_model(get_user_model())


def version_rows(data: str, fmt: str) -> list[dict]:
    """A version's serialized rows, or none when they are not JSON (left as they are)."""
    if fmt != "json":
        return []
    try:
        rows = json.loads(data)
    except ValueError:
        return []
    return [row for row in rows if isinstance(row, dict) and isinstance(row.get("fields"), dict)]


# --- the image library's files -------------------------------------------------------------------

# The closing line counts the file lines under this name.
FILES = "files"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class LibraryFile:
    """One original file the library holds, or held (an image's earlier file, which its versions
    and the pages approved with it still show); its renditions are made again from it."""

    name: str  # images/<sha[:2]>/<sha>/original.jpg|png
    sha256: str
    format: str
    width: int
    height: int
    key: str  # the image's, for messages
    focal_points: set[tuple[float, float]] = field(default_factory=set)  # of its Open Graph crops


def library_files() -> dict[str, LibraryFile]:
    """Every original the library's rows and their stored versions name, by storage name; each
    named by its content's hash and format (never by the row's own ``file`` text)."""
    found: dict[str, LibraryFile] = {}

    def add(values: dict) -> None:
        sha, fmt = values.get("sha256"), values.get("format")
        if not isinstance(sha, str) or not _SHA256.match(sha) or not isinstance(fmt, str):
            return
        if fmt not in Image.Format.values:
            return
        name = renditions.original_name(sha, fmt)
        entry = found.setdefault(
            name,
            LibraryFile(
                name, sha, fmt, values.get("width") or 0, values.get("height") or 0, str(values.get("key"))
            ),
        )
        focal = (values.get("focal_x", 0.5), values.get("focal_y", 0.5))
        if all(isinstance(v, int | float) and 0 <= v <= 1 for v in focal):
            entry.focal_points.add((float(focal[0]), float(focal[1])))

    fields = ("sha256", "format", "width", "height", "key", "focal_x", "focal_y")
    for values in Image._base_manager.order_by("pk").values(*fields).iterator(chunk_size=500):
        add(values)
    versions = Version.objects.filter(content_type=ContentType.objects.get_for_model(Image)).order_by("pk")
    for data, fmt in versions.values_list("serialized_data", "format").iterator(chunk_size=500):
        for row in version_rows(data, fmt):
            add(row["fields"])
    return found
