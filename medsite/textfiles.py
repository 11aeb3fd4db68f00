"""Reading the text files people give the importers: condition pages (conditions/importing),
reference lists (references/importers.py) and backups (conditions/backup).

Every file is refused with a sentence naming it when it is missing, unreadable, too large to read
whole, binary, UTF-16 or not UTF-8; :class:`ImportProblem` carries that sentence, and the
importers raise it for their own problems too.
"""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path

# The largest file an import reads whole. A reference manager's export of a big library is a few
# megabytes and a condition page a few kilobytes; anything near this is not what the user meant.
MAX_FILE_BYTES = 20 * 1024 * 1024


class ImportProblem(Exception):
    """A file could not be imported; the message names the file and says why."""


def open_file(path: Path) -> io.BufferedReader:
    """``path`` opened to read bytes; raises ImportProblem for a missing, directory or unreadable path."""
    if not path.exists():
        raise ImportProblem(f"{path}: no such file.")
    if path.is_dir():
        raise ImportProblem(f"{path}: is a directory, not a text file.")
    try:
        return path.open("rb")
    except OSError as exc:
        raise ImportProblem(f"{path}: cannot be read ({exc.strerror or exc}).") from exc


def refuse_binary(raw: bytes, *, where: str) -> None:
    """Raise ImportProblem naming ``where`` if ``raw`` (a file, or its first block) is UTF-16 text
    or binary data: neither is UTF-8 text, and both hold NUL bytes."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportProblem(f"{where}: is UTF-16 text, not UTF-8: save it as UTF-8 and try again.")
    if b"\x00" in raw:
        raise ImportProblem(
            f"{where}: is a binary file or UTF-16 text, not UTF-8 text (it contains NUL bytes)."
        )


def decode_text(raw: bytes, *, where: str, first_line: int = 1) -> str:
    """``raw`` as UTF-8 text; raises ImportProblem naming ``where`` (and the line, counting from
    ``first_line``) for binary data or text in another encoding."""
    refuse_binary(raw, where=where)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = first_line + raw.count(b"\n", 0, exc.start)
        raise ImportProblem(
            f"{where}: is not UTF-8 text (line {line} has the byte 0x{raw[exc.start]:02x}, which is not "
            "UTF-8; the file may be Latin-1 or Windows-1252): save it as UTF-8 and try again."
        ) from exc


def read_text(path: Path) -> str:
    """The text of ``path``; raises ImportProblem for a missing, unreadable, oversized, binary,
    non-UTF-8 or empty file."""
    with open_file(path) as file:
        # Refused by its size before it is read; the bounded read also stops a file that grows,
        # or a device that never ends, from being read into memory.
        size = os.fstat(file.fileno()).st_size
        raw = b"" if size > MAX_FILE_BYTES else file.read(MAX_FILE_BYTES + 1)
    if max(size, len(raw)) > MAX_FILE_BYTES:
        # A device or pipe has no size, only more bytes than the limit.
        how_big = _size(size) if size > MAX_FILE_BYTES else "more than that"
        raise ImportProblem(
            f"{path}: is too large to import (the limit is {_size(MAX_FILE_BYTES)}; it is {how_big}): "
            "split it into smaller files."
        )
    text = decode_text(raw, where=str(path))
    if not text.strip():
        raise ImportProblem(f"{path}: is empty.")
    return text


def _size(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 else f"{count} bytes"
