"""The report of ``import_condition``: what a person checks before the pages go to review."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conditions.models import Condition
from tests.conditions.importing.test_importing import FROSTBITE_PAGE, row_counts, write

pytestmark = pytest.mark.django_db

# The made-up page without its newsletter and advert lines: nothing to warn about.
CLEAN_PAGE = FROSTBITE_PAGE.split("\n\n\nSubscribe")[0] + "\n"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_condition", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_each_file_is_reported_with_what_was_read_from_it(tmp_path):
    page = CLEAN_PAGE.replace("Frostbite is an injury", "Frostbite (congelatio) is an injury")
    out, _ = run(write(tmp_path, "frostbite.txt", page))
    lines = out.splitlines()
    assert lines[0] == "Imported “Frostbite” (created, 6 sections, 2 references) from frostbite.txt"
    assert "    section 1: Overview" in lines
    assert "    section 2: Symptoms (1 list, 3 items)" in lines
    assert "    section 5: Risk factors" in lines
    assert "    references: 2 found, 2 read as author, title and year" in lines
    assert "    date: 2024-03-04" in lines
    assert lines[-1] == "1 file: 1 imported, 0 refused, 0 with warnings."


def test_warnings_are_listed_under_their_file_and_counted(tmp_path):
    page = CLEAN_PAGE.replace("Updated: March 4, 2024\n", "").replace(
        "Example Society. Cold injuries. Example Press; 2020.", "Ask your pharmacist in 2020"
    )
    out, _ = run(write(tmp_path, "frostbite.txt", page))
    assert "    warning: no page date found" in out.splitlines()
    assert "    warning: reference 2 was not read as a reference" in out
    assert out.splitlines()[-1] == "1 file: 1 imported, 0 refused, 1 with warnings."


def test_lines_left_out_as_site_chrome_are_listed_with_their_line_numbers(tmp_path):
    out, _ = run(write(tmp_path, "frostbite.txt", FROSTBITE_PAGE))
    lines = out.splitlines()
    assert (
        "    warning: line 37 left out as site chrome: “Subscribe to our newsletter for winter safety tips!”"
        in lines
    )
    assert "    warning: line 39 left out as site chrome: “Advertisement”" in lines
    assert lines[-1] == "1 file: 1 imported, 0 refused, 1 with warnings."


def test_a_dry_run_reports_the_same_and_writes_nothing(tmp_path):
    path = write(tmp_path, "frostbite.txt", CLEAN_PAGE)
    before = row_counts()
    out, _ = run(path, "--dry-run")
    assert row_counts() == before
    assert out.splitlines()[0].startswith("Would import “Frostbite” (created, 6 sections")
    assert "    section 2: Symptoms (1 list, 3 items)" in out.splitlines()
    assert (
        out.splitlines()[-1]
        == "1 file: 1 would be imported, 0 refused, 0 with warnings. Dry run: nothing was written."
    )


def test_many_files_show_progress_on_stderr(tmp_path):
    paths = []
    for number in range(3):
        name = f"Frostbite type {number}"
        paths.append(write(tmp_path, f"page{number}.txt", CLEAN_PAGE.replace("Frostbite is", f"{name} is")))
    out, err = run(*paths)
    assert err.splitlines() == ["[1/3] page0.txt", "[2/3] page1.txt", "[3/3] page2.txt"]
    assert "[1/3]" not in out
    # (Lines the three share may be left out as a site's chrome, with a warning.)
    assert out.splitlines()[-1].startswith("3 files: 3 imported, 0 refused, ")


def test_a_refused_file_is_reported_and_counted_and_nothing_is_written(tmp_path, editor):
    good = write(tmp_path, "frostbite.txt", CLEAN_PAGE)
    empty = write(tmp_path, "empty.txt", "")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_condition", str(good), str(empty), stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert str(caught.value).startswith("Nothing was imported.\n")
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Would import “Frostbite” (created,")
    assert f"Refused {empty}: is empty." in lines
    assert lines[-1] == (
        "2 files: 1 could be imported, 1 refused, 0 with warnings. "
        "Nothing was written: a refused file stops the whole import."
    )
    assert Condition.objects.count() == 0
