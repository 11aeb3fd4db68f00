"""A large BibTeX file as Zotero and Better BibTeX write one, for the reference-import benchmark.

``bibtex(count)`` gives ``count`` distinct entries (articles, books, chapters, web pages) with
what real exports carry: braces protecting capitals, LaTeX accents, symbols and math in a
quarter of the titles, journal abbreviations, DOIs and PMIDs, Zotero's "Extra" in the note,
abstracts and keywords. Made-up titles and people. Run as a script to write the file, or with
``--import`` to time ``manage.py import_references`` on it into the configured (empty) database
and write the result as JSON:

    python -m bench.refimport FILE [--count 20000] [--seed N] [--import RESULT.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_FAMILIES = [
    "Okafor", "Lindqvist", "Nowak", "Haddad", "Fitzgerald", "Takahashi", "Sandoval", "Brennan",
    "Kowalczyk", "Rahman", "Delgado", "Ibrahim", "Moreau", "Schmidt", "Rossi", "Chen", "Patel",
    "Novak", "O'Brien", "van der Berg", "de la Cruz", "Nguyen", "Kim", "Andersen", "Costa",
]  # fmt: skip
_LATEX_FAMILIES = [r"M{\"u}ller", r"{\O}stergaard", r"Fran{\c c}ois", r"Dvo{\v r}{\'a}k", r"Garc{\'i}a"]
_GIVENS = ["Anna", "Omar", "Lena", "Kenji", "Marta", "Niamh", "Tanvir", "Ines", "Chidi", "Siobhan"]
_GIVENS += ["Jean-Luc", "Maria José", "Thi Lan", "Robert O.", "Douglas L.", r"Ren{\'e}e", r"Lucía"]
_TOPICS = [
    "blood pressure", "heart failure", "atrial fibrillation", "type 2 diabetes", "chronic kidney disease",
    "asthma", "hip fracture", "stroke", "dyspepsia", "sepsis", "obesity", "depression", "migraine",
]  # fmt: skip
_DESIGNS = ["a randomized trial", "a cohort study", "a systematic review", "a meta-analysis", "a survey"]
_LATEX_BITS = [
    r"of {\textless}120 mm {Hg}",
    r"in adults aged {\textgreater}75 years",
    r"with $\beta$-blockers",
    r"and {HbA}$_{\textrm{1c}}$",
    r"\textendash{} a {UK} view",
    r"in {Sweden}{\textquoteright}s registry",
    r"\emph{in vivo}",
    r"with 10\% fewer events \& costs",
]
_JOURNALS = [
    ("The New England Journal of Medicine", "N Engl J Med"),
    ("The Lancet", "Lancet"),
    ("JAMA", "JAMA"),
    ("BMJ", "BMJ"),
    ("PLOS ONE", "PLoS One"),
    ("Nature Communications", "Nat Commun"),
    ("Journal of Clinical Hypertension", "J Clin Hypertens"),
    ("Diabetologia", "Diabetologia"),
    ("European Heart Journal", "Eur Heart J"),
    ("Annals of Internal Medicine", "Ann Intern Med"),
]


def _person(rng: random.Random) -> str:
    family = rng.choice(_LATEX_FAMILIES) if rng.random() < 0.15 else rng.choice(_FAMILIES)
    return f"{family}, {rng.choice(_GIVENS)}"


def _title(rng: random.Random, n: int) -> str:
    title = f"{rng.choice(_TOPICS).capitalize()} in {rng.choice(_TOPICS)}: {rng.choice(_DESIGNS)} ({n})"
    if rng.random() < 0.25:
        title += " " + rng.choice(_LATEX_BITS)
    return "{" + title + "}" if rng.random() < 0.5 else title


def _entry(rng: random.Random, n: int) -> str:
    year = rng.randint(1995, 2025)
    authors = " and ".join(_person(rng) for _ in range(rng.randint(1, 8)))
    roll = rng.random()
    if roll < 0.7:
        journal, short = rng.choice(_JOURNALS)
        fields = {
            "title": _title(rng, n),
            "journal": journal,
            "shortjournal": short,
            "volume": str(rng.randint(1, 400)),
            "number": str(rng.randint(1, 24)),
            "pages": f"{(first := rng.randint(1, 9000))}--{first + rng.randint(2, 20)}",
            "doi": f"10.{rng.randint(1000, 9999)}/bench.{n}",
            "abstract": " ".join(rng.choice(_TOPICS) for _ in range(40)),
            "keywords": ", ".join(rng.sample(_TOPICS, 3)),
            "note": f"PMID: {10_000_000 + n}\ntex.ids: bench{n}a" if rng.random() < 0.5 else "",
        }
        kind = "article"
    elif roll < 0.8:
        fields = {"title": _title(rng, n), "publisher": "Elsevier", "address": "Philadelphia, PA"}
        fields |= {"edition": str(rng.randint(2, 12)), "series": "Clinics in Medicine"}
        kind = "book"
    elif roll < 0.9:
        fields = {"title": _title(rng, n), "booktitle": "Textbook of Internal Medicine", "pages": "45--62"}
        fields |= {
            "editor": f"{_person(rng)} and {_person(rng)}",
            "publisher": "Wiley",
            "address": "Hoboken, NJ",
        }
        kind = "incollection"
    else:
        fields = {"title": _title(rng, n), "organization": "NHS website", "urldate": "2024-05-05"}
        fields |= {"url": f"https://example.org/pages/{n}"}
        kind = "online"
    fields = {"author": authors, **fields, "year": str(year)}
    body = ",\n".join(f"\t{name} = {{{value}}}" for name, value in fields.items() if value)
    return f"@{kind}{{bench{n},\n{body}\n}}\n"


def bibtex(count: int, *, seed: int = 7) -> str:
    # Seeded pseudo-random numbers make the file repeatable; nothing here is a secret.
    rng = random.Random(f"{seed}:refimport")  # noqa: S311
    return "\n".join(_entry(rng, n) for n in range(1, count + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--import", dest="result", type=Path, help="time import_references; write JSON here")
    args = parser.parse_args()
    args.file.write_text(bibtex(args.count, seed=args.seed), encoding="utf-8")
    if args.result is None:
        return
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own manage.py, with our own arguments
        [sys.executable, "manage.py", "import_references", str(args.file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = round(time.perf_counter() - started, 1)
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-500:]
    result = {
        "entries": args.count,
        "seconds": seconds,
        "target_seconds": 60,
        "met": done.returncode == 0 and seconds < 60,
        # The machine is shared: the CPU time the import took, and how busy the machine was.
        "cpu_seconds": round(used.ru_utime + used.ru_stime, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "summary": summary,
        "progress_lines": done.stderr.count("\n"),
        "database": "empty SQLite (migrated)",
    }
    args.result.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result))
    if done.returncode != 0:
        sys.exit(done.returncode)


if __name__ == "__main__":
    main()
