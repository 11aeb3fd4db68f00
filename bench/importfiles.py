"""Condition pages as plain-text files in the scraped format of seed 000, and one in four as a saved
HTML page, for the import benchmark.

``write_files(directory, count)`` writes ``count`` distinct pages (own generated wording, see
:mod:`bench.textgen`) with a numbered reference list each, drawn from a shared pool so that, as on
a real site, many pages cite the same sources in exactly the same words. Run as a script:

    python -m bench.importfiles DIRECTORY [--count 1000] [--seed N]
"""

from __future__ import annotations

import argparse
import html
import os
import random
from datetime import date, timedelta
from pathlib import Path

from . import textgen

TODAY = date(2026, 11, 1)  # fixed, so a seed always gives the same files


def reference_lines(count: int, rng: random.Random) -> list[str]:
    """``count`` references as the AMA-style lines a scraped page lists (the app's own formatter)."""
    # Django is needed only here, for the formatter; imported late so the rest stays plain Python.
    from django.utils.html import strip_tags

    from references.formatting import format_reference
    from references.models import Reference

    specs = textgen.TextMaker(rng).references(count, today=TODAY)
    return [
        " ".join(html.unescape(strip_tags(format_reference(Reference(**s.fields)))).split()) for s in specs
    ]


def write_files(directory: Path, count: int, *, seed: int = 7) -> list[Path]:
    # Seeded pseudo-random numbers make the files repeatable; nothing here is a secret.
    rng = random.Random(f"{seed}:import")  # noqa: S311
    maker = textgen.TextMaker(rng)
    pool = reference_lines(max(20, count * 3 // 2), rng)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, (name, synonyms, part) in enumerate(maker.condition_names(count), start=1):
        lines = rng.sample(pool, rng.randint(3, 7))
        reviewed = TODAY - timedelta(days=rng.randint(10, 1500))
        page = maker.page(name, synonyms, part, [], reviewed_on=reviewed)
        # One page in four as a saved web page, the form a publisher's back catalogue is often in.
        if n % 4 == 0:
            path = directory / f"condition_{n:05d}.html"
            path.write_text(textgen.html_page(page, lines), encoding="utf-8")
        else:
            path = directory / f"condition_{n:05d}.txt"
            path.write_text(
                textgen.plain_page(page, lines, appeal=rng.choice(textgen.APPEALS)), encoding="utf-8"
            )
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medsite.settings")
    django.setup()
    paths = write_files(args.directory, args.count, seed=args.seed)
    print(f"wrote {len(paths)} files to {args.directory}")


if __name__ == "__main__":
    main()
