"""The production settings file that app servers and scheduled commands both read.

cron runs a command with an almost empty environment: without this, ``manage.py
publish_scheduled`` would run on the local SQLite fallback, fail with "no such table", leave an
empty ``db.sqlite3`` behind and publish nothing. So ``manage.py`` and ``gunicorn.conf.py`` read
the file named by ``MEDSITE_ENV_FILE``, or ``/etc/medsite/env`` when that exists, before the
settings: ``NAME=value`` lines (``export`` and quotes allowed, ``#`` comments). A variable
already in the environment wins over the file. Once a file is read, production settings are
expected: a file that sets no ``DATABASE_URL`` is refused rather than falling back to SQLite, as
is a ``MEDSITE_ENV_FILE`` that names no readable file. No Django imports: this runs first.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from pathlib import Path

DEFAULT_PATH = Path("/etc/medsite/env")

_LINE = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)")


class EnvFileError(Exception):
    """The settings file cannot be used; the message says why and what to do."""


def parse(text: str, *, source: str = "the settings file") -> dict[str, str]:
    values = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found = _LINE.fullmatch(line)
        if found is None:
            raise EnvFileError(f"{source}, line {number}: expected NAME=value, got {raw!r}.")
        name, value = found.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


def load(environ: MutableMapping[str, str] | None = None, default: Path = DEFAULT_PATH) -> Path | None:
    """Read the settings file into ``environ`` (the process environment); the file read, if any."""
    environ = os.environ if environ is None else environ
    named = environ.get("MEDSITE_ENV_FILE", "").strip()
    path = Path(named) if named else default
    if not named and not path.exists():
        return None  # a development machine: the local defaults apply
    try:
        text = path.read_text()
    except OSError as error:
        raise EnvFileError(
            f"cannot read the settings file {path} ({error.strerror}); MEDSITE_ENV_FILE names it. "
            "Refusing to run on the local SQLite fallback instead."
        ) from None
    for name, value in parse(text, source=str(path)).items():
        environ.setdefault(name, value)
    if not environ.get("DATABASE_URL", "").strip():
        raise EnvFileError(
            f"the settings file {path} sets no DATABASE_URL. Refusing to run on the local SQLite "
            "fallback, which holds none of the site's data: add DATABASE_URL to the file."
        )
    return path
