"""The README's "Layout" section lists exactly the Python modules of the three apps, and the tests
mirror the packages they test.

One line per module (``- `path/to/module.py` — what it is for``), and one per package whose
``__init__.py`` holds code (``- `path/to/package/` — …``); empty ``__init__.py`` files, migrations
and tests are left out. A module added, removed or renamed without its line fails here, naming it.

Below tests/, each folder stands for the package at the same path (tests/conditions/public/ for
conditions/public/), and each test file there is named after a module of that package
(test_api.py for api.py), after the package itself, or for a behaviour listed below. Tests of the
site as a whole sit at the top of tests/.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("medsite", "conditions", "references", "images")
README = ROOT / "README.md"
TESTS = ROOT / "tests"
ENTRY = re.compile(r"^- `(?P<path>[^`]+)` — \S")


def modules_in_tree() -> set[str]:
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            if path.name == "__init__.py":
                if path.read_text(encoding="utf-8").strip():
                    found.add(f"{relative.parent.as_posix()}/")
            else:
                found.add(relative.as_posix())
    return found


def layout_section() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Layout\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)].splitlines()


def modules_in_readme() -> list[str]:
    return [match["path"] for line in layout_section() if (match := ENTRY.match(line))]


def _suggested_line(module: str) -> str:
    """A line to paste: the module's path and the first sentence of its docstring."""
    path = ROOT / module / "__init__.py" if module.endswith("/") else ROOT / module
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "…"
    first = " ".join(doc.split("\n\n")[0].split())
    return f"- `{module}` — {first}"


def test_the_layout_lists_every_module_once_and_nothing_else():
    listed = modules_in_readme()
    in_tree = modules_in_tree()
    missing = sorted(in_tree - set(listed))
    extra = sorted(set(listed) - in_tree)
    repeated = sorted({module for module in listed if listed.count(module) > 1})
    problems = []
    if missing:
        problems.append(
            "not listed (add a line each):\n" + "\n".join(_suggested_line(module) for module in missing)
        )
    if extra:
        problems.append("listed but not in the tree (remove or rename):\n" + "\n".join(extra))
    if repeated:
        problems.append("listed more than once:\n" + "\n".join(repeated))
    assert not problems, "README.md's Layout section is out of date:\n\n" + "\n\n".join(problems)


def test_every_line_of_the_module_list_is_an_entry():
    # A line that looks like an entry but does not parse (no "—", a missing backtick) would be
    # silently left out of the comparison above.
    malformed = [line for line in layout_section() if line.startswith("- `") and not ENTRY.match(line)]
    assert not malformed, "Write these as - `path` — what it is for:\n" + "\n".join(malformed)


# --- tests mirror the modules they test ---------------------------------------------------------

# Folders of tests/ that stand for no package: a test tier of its own, and the importers' samples.
NOT_MIRRORS = {"browser", "samples"}
# Test files named for a behaviour of their package that no one module holds.
NAMED_FOR_BEHAVIOUR = {
    "tests/conditions/test_review.py",  # checklist, go-live, stale short answers, review dates
    "tests/conditions/public/test_public_pages.py",  # question pages, A–Z, JSON-LD, error pages
    "tests/medsite/test_security_headers.py",  # the headers every page is sent
    "tests/conditions/importing/test_corpus.py",  # every sample page of tests/samples/importing/
    "tests/medsite/test_failsoft.py",  # real servers: Redis stopped or hung, database down, SIGTERM drain
    "tests/medsite/frontcache/test_varnish.py",  # a real Varnish (deploy/varnish.vcl) purged by the app
}


def mirror_folders() -> list[Path]:
    """The folders below tests/ that hold Python files (one left with only __pycache__ does not count)."""
    return [
        folder
        for folder in sorted(TESTS.rglob("*"))
        if folder.is_dir()
        and folder.relative_to(TESTS).parts[0] not in NOT_MIRRORS
        and any(folder.rglob("*.py"))
    ]


def test_each_test_folder_stands_for_a_package():
    problems = []
    for folder in mirror_folders():
        package = ROOT / folder.relative_to(TESTS)
        if not (package / "__init__.py").is_file():
            problems.append(f"{folder.relative_to(ROOT)}/: no package {package.relative_to(ROOT)}/")
        if not (folder / "__init__.py").is_file():
            problems.append(f"{folder.relative_to(ROOT)}/: no __init__.py (tests are imported as a package)")
    assert not problems, "Test folders must mirror the source tree:\n" + "\n".join(problems)


def test_each_test_file_is_named_after_its_module():
    misnamed = []
    for folder in mirror_folders():
        package = ROOT / folder.relative_to(TESTS)
        for path in sorted(folder.glob("test_*.py")):
            name = path.stem.removeprefix("test_")
            relative = path.relative_to(ROOT).as_posix()
            named = (package / f"{name}.py").is_file() or name == package.name
            if not named and relative not in NAMED_FOR_BEHAVIOUR:
                misnamed.append(f"{relative}: no module {package.relative_to(ROOT)}/{name}.py")
    assert not misnamed, (
        "Name each test file after the module it tests (or list a behaviour in NAMED_FOR_BEHAVIOUR):\n"
        + "\n".join(misnamed)
    )


def test_the_behaviours_listed_are_test_files():
    missing = sorted(path for path in NAMED_FOR_BEHAVIOUR if not (ROOT / path).is_file())
    assert not missing, "NAMED_FOR_BEHAVIOUR lists files that are gone:\n" + "\n".join(missing)
