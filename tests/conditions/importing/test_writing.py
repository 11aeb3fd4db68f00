"""Which page an import writes: matched by the source it came from or by --slug, never by a name
that happens to match a page from somewhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError

from conditions.models import Condition
from references.models import Reference
from tests.conditions.importing.test_importing import FROSTBITE_PAGE, row_counts, run, write
from tests.factories import make_condition

pytestmark = pytest.mark.django_db


def frostbite(tmp_path: Path, name: str = "frostbite.txt", text: str = FROSTBITE_PAGE) -> Path:
    folder = tmp_path / name.removesuffix(".txt")
    folder.mkdir(exist_ok=True)
    return write(folder, name, text)


@pytest.fixture
def hand_made(editor) -> Condition:
    """A page an editor wrote in the admin, listing a reference, that an import would name too."""
    Reference.objects.create(key="cold2020", kind="book", title="Cold injuries", year="2020")
    return make_condition(editor, "Frostbite", slug="frostbite", reference_keys=["cold2020"])


def test_an_import_does_not_overwrite_a_hand_made_page_with_the_same_name(tmp_path, hand_made):
    before = row_counts()
    body = hand_made.sections.first().body
    with pytest.raises(CommandError) as caught:
        run(frostbite(tmp_path))
    message = str(caught.value)
    assert "frostbite.txt" in message
    assert "would replace “Frostbite” (/conditions/frostbite/), made in the admin or" in message
    assert "--slug" in message and "--replace" in message
    assert row_counts() == before
    hand_made.refresh_from_db()
    assert hand_made.sections.first().body == body
    assert list(hand_made.condition_references.values_list("reference__key", flat=True)) == ["cold2020"]


def test_an_import_does_not_overwrite_a_page_imported_from_another_file(tmp_path):
    first = frostbite(tmp_path, "frostbite.txt")
    run(first)
    other = frostbite(tmp_path, "frostbite_new.txt", FROSTBITE_PAGE.replace("Mild frostbite", "Mild cases"))
    before = row_counts()
    with pytest.raises(CommandError) as caught:
        run(other)
    message = str(caught.value)
    replaced = f"would replace “Frostbite” (/conditions/frostbite/), imported from {first}."
    assert f"frostbite_new.txt: {replaced}" in message
    assert row_counts() == before


def test_the_same_file_again_updates_its_page_and_is_idempotent(tmp_path):
    path = frostbite(tmp_path)
    run(path)
    condition = Condition.objects.get()
    assert condition.import_source == str(path.resolve())
    before = row_counts()
    assert "(unchanged," in run(path)
    assert row_counts() == before
    path.write_text(FROSTBITE_PAGE.replace("Mild frostbite", "Mild cases of frostbite"), encoding="utf-8")
    assert "(updated," in run(path)
    assert Condition.objects.count() == 1


def test_a_page_is_found_by_its_source_after_editors_renamed_it(tmp_path, editor):
    path = frostbite(tmp_path)
    run(path)
    Condition.objects.update(name="Frostbite (cold injury)", slug="cold-injury")
    run(path)
    condition = Condition.objects.get()
    assert (condition.name, condition.slug) == ("Frostbite (cold injury)", "cold-injury")


def test_replace_overwrites_the_matching_page_deliberately(tmp_path, hand_made):
    path = frostbite(tmp_path)
    output = run(path, "--replace")
    assert "Imported “Frostbite” (updated," in output
    hand_made.refresh_from_db()
    assert hand_made.import_source == str(path.resolve())
    assert hand_made.sections.first().body.startswith("Frostbite is an injury")


def test_slug_picks_the_page_to_write(tmp_path, hand_made):
    run(frostbite(tmp_path), "--slug", "frostbite-imported")
    assert Condition.objects.count() == 2
    assert Condition.objects.get(slug="frostbite-imported").import_source.endswith("frostbite.txt")
    # --slug naming the hand-made page replaces it: the operator chose that page.
    run(frostbite(tmp_path), "--slug", "frostbite")
    hand_made.refresh_from_db()
    assert hand_made.sections.first().body.startswith("Frostbite is an injury")


def test_a_dry_run_reports_the_refusal_too(tmp_path, hand_made):
    before = row_counts()
    with pytest.raises(CommandError, match="would replace “Frostbite”"):
        run(frostbite(tmp_path), "--dry-run")
    assert row_counts() == before


def test_a_card_still_adds_its_answer_to_the_page_it_names(import_case):
    # The card comes from another file than the page; it adds a short answer and replaces nothing.
    run(import_case.page_file)
    run(import_case.card_file)
    condition = Condition.objects.get()
    assert condition.short_answers.count() == 1
    assert condition.import_source == str(import_case.page_file.resolve())
