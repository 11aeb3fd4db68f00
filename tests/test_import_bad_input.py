"""Every import command, given a file it cannot use, says why in one clear error and writes nothing."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from reversion.models import Revision, Version

from conditions.models import Condition, Publication, Section, ShortAnswer
from medsite import textfiles
from medsite.audit.models import AuditRecord
from references.models import ConditionReference, Reference
from tests.conditions.backup.test_backup import empty_content, export
from tests.factories import make_condition
from tests.references.test_importers import BIBTEX, CSL_JSON, RIS

pytestmark = pytest.mark.django_db

COMMANDS = ("import_conditions", "import_condition", "import_references")
MODELS = (Condition, Section, ShortAnswer, Publication, Reference, ConditionReference, Revision, Version)
MODELS += (User, AuditRecord)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
HUGE = 50 * 2**20


def counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count() for model in MODELS}


def refused(command: str, path: Path, *expected: str) -> str:
    """The command fails with a CommandError naming the file and saying why, and writes nothing."""
    before = counts()
    with pytest.raises(CommandError) as caught:
        call_command(command, str(path))
    message = str(caught.value)
    assert caught.value.returncode != 0
    assert message.startswith("Nothing was imported.\n")
    assert path.name in message
    for text in expected:
        assert text in message, message
    assert counts() == before
    return message


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.fixture
def backup_text(editor) -> str:
    """A real backup of a page with a name outside ASCII, its content then removed (users stay)."""
    make_condition(editor, "Sjögren syndrome", summary="Dry eyes and a dry mouth — often both.")
    text = export()
    empty_content()
    return text


# --- the same bad files to every command ---------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_an_empty_file(command, tmp_path):
    refused(command, write(tmp_path, "empty.txt", b""), "empty.txt: is empty.")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_png_image(command, tmp_path):
    refused(command, write(tmp_path, "photo.png", PNG), "is a binary file", "NUL bytes")


@pytest.mark.parametrize("command", COMMANDS)
def test_random_bytes(command, tmp_path):
    noise = random.Random(7).randbytes(4096) + b"\x00"
    refused(command, write(tmp_path, "noise.bin", noise), "is a binary file")


@pytest.mark.parametrize("command", COMMANDS)
def test_utf16_text_with_a_byte_order_mark(command, tmp_path):
    text = "Café au lait spots are flat patches of skin darker than the skin around them.\n"
    refused(command, write(tmp_path, "utf16.txt", text.encode("utf-16")), "is UTF-16 text, not UTF-8")


@pytest.mark.parametrize("command", COMMANDS)
def test_utf16_text_without_a_byte_order_mark(command, tmp_path):
    text = "Café au lait spots are flat patches of skin darker than the skin around them.\n"
    refused(command, write(tmp_path, "utf16le.txt", text.encode("utf-16-le")), "UTF-16 text, not UTF-8")


class _Watched:
    """A file that counts the bytes read from it."""

    def __init__(self, file, reads: list[int]) -> None:
        self.file, self.reads = file, reads

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.reads.append(len(data))
        return data

    def fileno(self) -> int:
        return self.file.fileno()

    def __enter__(self) -> _Watched:
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """The sizes of the reads the text imports make from their files."""
    sizes: list[int] = []
    opener = textfiles.open_file
    monkeypatch.setattr(textfiles, "open_file", lambda path: _Watched(opener(path), sizes))
    return sizes


@pytest.mark.parametrize("command", ["import_condition", "import_references"])
def test_a_huge_file_is_refused_by_its_size_before_it_is_read(command, tmp_path, reads):
    path = write(tmp_path, "huge.txt", b"A" * HUGE)
    refused(command, path, "huge.txt: is too large to import (the limit is 20.0 MB; it is 50.0 MB)")
    assert sum(reads) == 0


@pytest.mark.parametrize("command", ["import_condition", "import_references"])
def test_a_file_that_never_ends_is_read_only_up_to_the_limit(command, reads):
    # A device reports no size; the read stops one byte past the limit.
    refused(
        command,
        Path("/dev/zero"),
        "zero: is too large to import (the limit is 20.0 MB; it is more than that)",
    )
    assert sum(reads) == textfiles.MAX_FILE_BYTES + 1


def test_a_huge_file_that_is_no_backup_is_refused_after_its_first_line(tmp_path):
    # A backup may be larger than any text import; it is read a line at a time, and a first
    # "line" longer than any header is not one.
    refused("import_conditions", write(tmp_path, "huge.jsonl", b"A" * HUGE), "is not a MedSite backup")


# --- wrong encodings and files cut short, in each command's own format ---------------------------


def test_a_latin1_backup_is_refused_naming_the_line(backup_text, tmp_path):
    lines = backup_text.splitlines(keepends=True)
    line = next(number for number, text in enumerate(lines, start=1) if "Sjögren" in text)
    path = write(tmp_path, "latin1.jsonl", backup_text.encode("latin-1", errors="replace"))
    refused("import_conditions", path, f"is not UTF-8 text (line {line} has the byte 0xf6")


def test_a_backup_cut_in_half_is_refused(backup_text, tmp_path):
    data = backup_text.encode("utf-8")
    path = write(tmp_path, "half.jsonl", data[: len(data) // 2])
    refused(
        "import_conditions", path, "is not valid JSON", "The file ends inside this line: it was cut short."
    )


def test_a_latin1_condition_page_is_refused(tmp_path):
    text = "Café au lait spots are flat patches of skin that are darker than the skin around them.\n"
    path = write(tmp_path, "page.txt", text.encode("latin-1"))
    refused("import_condition", path, "is not UTF-8 text (line 1 has the byte 0xe9", "Latin-1")


def test_a_condition_page_cut_mid_word_is_refused(import_case, tmp_path):
    text = import_case.page_file.read_text(encoding="utf-8")
    cut = next(i for i in range(len(text) // 2, len(text)) if text[i - 1].isalpha() and text[i].isalpha())
    refused("import_condition", write(tmp_path, "cut.txt", text[:cut]), "looks cut short")


def test_a_whole_page_is_not_taken_for_a_cut_one(import_case):
    # Complete files without a final line break (as the seeds and the kidney-stones samples
    # are) still import.
    call_command("import_condition", str(import_case.page_file), str(import_case.card_file))
    assert Condition.objects.count() == 1


def test_a_latin1_reference_file_is_refused(tmp_path):
    path = write(tmp_path, "refs.bib", "@book{cafe2020, title={Café}, year={2020}}\n".encode("latin-1"))
    refused("import_references", path, "is not UTF-8 text (line 1 has the byte 0xe9")


@pytest.mark.parametrize(
    ("name", "text", "record", "expected"),
    [
        ("refs.bib", BIBTEX, "\n@", "this entry cannot be read (check its braces, quotes and commas)"),
        ("refs.json", CSL_JSON, '"title"', "this is not valid JSON"),
        ("refs.ris", RIS, "TY  - ", "the record has no “ER  - ” line (the file ends first)"),
    ],
)
def test_a_reference_file_cut_mid_record_is_refused(tmp_path, name, text, record, expected):
    # Cut inside the second record: the first is whole, and still nothing is written.
    second = text.index(record, text.index(record) + 1)
    refused("import_references", write(tmp_path, name, text[: second + 12]), expected)


# --- from the shell: an exit status, and no traceback ------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_the_shell_gets_an_exit_status_and_one_message(command, tmp_path):
    # Each fails before it touches a database; an empty one stands in for the site's.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", command, str(write(tmp_path, "photo.png", PNG))],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("CommandError: Nothing was imported.\n")
    assert "photo.png: is a binary file" in result.stderr
    assert "Traceback" not in result.stderr
