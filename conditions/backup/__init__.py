"""Backups of the site's content that restore without loss: :func:`export_backup` and
:func:`import_backup`. The file format is described in docs/backup-format.md.

A backup is JSON Lines: a header line, one record per line in Django's serialization format
(the rows keep their primary keys, so reversion's ``Version.object_id`` and every foreign key
stay valid), and a closing line with the number of records of each kind, so a file cut short is
recognised. Users, groups and content types are written by natural key (username, group name,
app label and model), since a restored database numbers them its own way; users never carry a
password. The image library's rows come with their original files (base64, one line each), from
which a restore makes the renditions again.

Restoring is one transaction into a database without content: any bad record writes nothing
and is named by its line. Each record is checked as the admin checks what people type (every
field's validators, choices, uniqueness), its numbers against what the database can store, and a
publication's frozen HTML against the site's sanitiser.

The modules: :mod:`.contents` (what a backup holds, in which order), :mod:`.export`,
:mod:`.restore`, and :mod:`.checks` (a record checked as the admin would).
"""

from __future__ import annotations

from .contents import APPENDED, FORMAT, FORMAT_VERSION, MODELS, SKIPPED, BackupSummary
from .export import ExportProblem, export_backup, write_backup
from .restore import import_backup

__all__ = [
    "APPENDED",
    "FORMAT",
    "FORMAT_VERSION",
    "MODELS",
    "SKIPPED",
    "BackupSummary",
    "ExportProblem",
    "export_backup",
    "import_backup",
    "write_backup",
]
