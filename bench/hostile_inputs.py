"""The hostile Markdown of the bounded-work issue, by shape: used by bench/hostile.py and the tests.

Plain Python (no Django), so tests can import it without the benchmark's setup.
"""

from __future__ import annotations

from collections.abc import Callable

KB = 1000
# The field limit of medsite/limits.py (the tests check that the two agree).
FIELD = 20_000


def repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def nested_list(size: int) -> str:
    """Each line one level deeper than the last: 2 MB of it is about 1,400 levels."""
    lines, depth, total = [], 0, 0
    while total < size:
        line = "  " * depth + "- item\n"
        lines.append(line)
        total += len(line)
        depth += 1
    return "".join(lines)[:size]


def link_definitions(size: int) -> str:
    return "".join(f'[r{n}]: https://example.org/{n} "t{n}"\n' for n in range(size // 30))[:size]


# The shapes of Markdown that cost most per character (measured; bench/README.md).
MARKDOWN_SHAPES: dict[str, Callable[[int], str]] = {
    "`[a](` repeated": lambda n: repeat("[a](", n),
    "`[a]()` repeated": lambda n: repeat("[a]()", n),
    "`<a ` repeated": lambda n: repeat("<a ", n),
    "`[` repeated": lambda n: repeat("[", n),
    "`![` repeated": lambda n: repeat("![", n),
    '`"` repeated (smart quotes)': lambda n: repeat('"', n),
    "`*_` repeated": lambda n: repeat("*_", n),
    "`[@a` repeated (citations)": lambda n: repeat("[@a", n),
    "`[@a` then a run of spaces": lambda n: "[@a" + " " * (n - 5) + "x]",
    "reference-style link definitions": link_definitions,
    "table of empty rows": lambda n: "|a|b|\n|-|-|\n" + repeat("|\n", n - 12),
    "nested lists": nested_list,
    "nested quotes `> `": lambda n: repeat("> ", n),
}

# (what, shape, characters): the inputs the issue names first, then each shape at the field limit.
MARKDOWN_INPUTS = [
    ("32 KB of `[a](` (the issue's preview)", "`[a](` repeated", 32 * KB),
    ("132 KB of reference-style link definitions", "reference-style link definitions", 132 * KB),
    *(
        (f"1 MB of {shape}", shape, 1000 * KB)
        for shape in ("`[a]()` repeated", "`[` repeated", "`<a ` repeated")
    ),
    ("2 MB of nested lists", "nested lists", 2000 * KB),
    *((f"{shape}, at the field limit", shape, FIELD) for shape in MARKDOWN_SHAPES),
]
