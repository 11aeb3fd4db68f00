"""``bench_data [--conditions N] [--versions N] ...``: the benchmark data set (bench/datagen.py)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from bench import datagen


class Command(BaseCommand):
    help = (
        "Fill an empty database with the benchmark data set: synthetic condition pages with "
        "references, version history, review events, live publications and search documents. "
        "Deterministic for a given --seed."
    )

    def add_arguments(self, parser) -> None:
        defaults = datagen.Sizes()
        parser.add_argument("--conditions", type=int, default=defaults.conditions)
        parser.add_argument("--sections", type=int, default=defaults.sections, help="Sections per page.")
        parser.add_argument("--references", type=int, default=defaults.references)
        parser.add_argument(
            "--versions",
            type=int,
            default=defaults.versions,
            help="Condition versions in all (at least 3 per condition), or 0 for no history.",
        )
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--check-every",
            type=int,
            default=defaults.check_every,
            help="Render every Nth page with the real renderer too, and compare (others: the fast one).",
        )
        parser.add_argument("--summary-json", help="Also write the counts to this file as JSON.")

    def handle(self, *args, summary_json: str | None, **options) -> None:
        sizes = datagen.Sizes(
            conditions=options["conditions"],
            sections=options["sections"],
            references=options["references"],
            versions=options["versions"],
            seed=options["seed"],
            check_every=options["check_every"],
        )
        try:
            counts = datagen.build(sizes, log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # The list of checked pages goes to --summary-json only: it has a thousand names.
        shown = {name: value for name, value in counts.items() if not isinstance(value, list)}
        self.stdout.write(", ".join(f"{name}: {value}" for name, value in shown.items()))
        if summary_json:
            with open(summary_json, "w", encoding="utf-8") as f:
                json.dump(counts, f, indent=1)
