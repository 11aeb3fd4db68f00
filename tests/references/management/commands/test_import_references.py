from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bench.refimport import bibtex
from references.models import Reference

pytestmark = pytest.mark.django_db


def _import(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_references", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_long_file_shows_its_progress_on_stderr(tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(bibtex(1200), encoding="utf-8")

    out, err = _import(path)

    lines = err.splitlines()
    assert lines[0].startswith("Reading library.bib…")
    assert lines[1].startswith("Read 1200 entries; checking them against the stored references…")
    assert [line.split(" (")[0] for line in lines[2:]] == [
        "Checked 500 of 1200 entries",
        "Checked 1000 of 1200 entries",
        "Checked 1200 of 1200 entries",
        "Writing…",
    ]
    assert "(41%)" in lines[2] and "(100%)" in lines[4]
    assert out.splitlines()[-1] == "1200 created, 0 updated, 0 skipped"  # the report stays on stdout
    assert Reference.objects.count() == 1200


def test_a_short_file_shows_no_progress(tmp_path):
    path = tmp_path / "few.bib"
    path.write_text(bibtex(20), encoding="utf-8")

    out, err = _import(path)

    assert err == ""
    assert "20 created" in out


def test_no_progress_when_asked_to_be_quiet(tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(bibtex(1200), encoding="utf-8")
    assert _import(path, "--verbosity", "0")[1] == ""
