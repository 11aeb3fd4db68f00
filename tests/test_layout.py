"""The README's "Layout" section lists exactly the Python modules of the three apps.

One line per module (``- `path/to/module.py` — what it is for``), and one per package whose
``__init__.py`` holds code (``- `path/to/package/` — …``); empty ``__init__.py`` files, migrations
and tests are left out. A module added, removed or renamed without its line fails here, naming it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("medsite", "conditions", "references")
README = ROOT / "README.md"
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
