from __future__ import annotations

import html
import re
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags
from reversion.models import Revision, Version

from conditions import importing as importers
from conditions import workflow
from conditions.models import Condition, ReviewEvent, Section, ShortAnswer, Status, system_user
from medsite.markdown import render
from references.models import ConditionReference, Reference
from tests.factories import CHECKED, make_condition
from tests.samples import KIDNEY_STONES, ImportCase

pytestmark = pytest.mark.django_db

# A made-up page in the scraped format (not seed text): bullets, a heading line, a numbered
# reference list, a revision date and site chrome, for the parts the samples do not show.
# Whole files of both formats, with what importing them gives, are in tests/samples/.
FROSTBITE_PAGE = """\
Frostbite is an injury caused by freezing of the skin and the tissues under it. It is most common \
on the fingers, toes, nose, ears and cheeks.

Mild frostbite can be treated at home by rewarming the skin slowly.


Symptoms of frostbite include:

  • Cold skin. At first the skin feels cold and prickly.
  • Numbness. The area feels hard and waxy, with a *stinging* ache.

    Some people notice the numbness only after they come indoors.

  • Blisters after rewarming


When to see a doctor

Seek medical care if the skin stays numb or turns dark.


Frostbite is caused by being in freezing conditions for too long. Wet clothing and wind make it \
happen faster.


Risk factors

Some things increase the risk of frostbite, such as poor circulation, tiredness and being very young.


You can prevent frostbite by dressing in layers and keeping hands and feet dry.

Updated: March 4, 2024

  1. Handford C, Thomas O, Imray CHE. Frostbite. Emerg Med Clin North Am. 2017;35(2):281-299.
  2. Example Society. Cold injuries. Example Press; 2020.


Subscribe to our newsletter for winter safety tips!

Advertisement
"""

RANDOM_PROSE = """\
The harbour was quiet that morning, and the gulls circled above the boats.

We walked along the pier and bought bread from the little bakery by the bridge.


Later the wind picked up, and the ferry left an hour late.
"""


@pytest.fixture
def system_account(db) -> User:
    return system_user()


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_condition", *map(str, args), stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [Condition, Section, ShortAnswer, Reference, ConditionReference, ReviewEvent, Revision, Version]
    return {model.__name__: model.objects.count() for model in models}


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def imported(import_case) -> Condition:
    run(import_case.page_file, import_case.card_file)
    return Condition.objects.get()


def list_items(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("- ")]


def page_text(case: ImportCase) -> str:
    return case.page_file.read_text(encoding="utf-8")


def page_counts(case: ImportCase) -> str:
    """What the command's report says of the case's page: "5 sections, 6 references"."""
    return f"{len(case.page.section_kinds)} sections, {len(case.page.references)} references"


def renamed_lead(case: ImportCase) -> tuple[str, str]:
    """The page's text with its first symptom's lead changed, and the new lead."""
    lead = case.page.lists["symptoms"].leads[0]
    new_lead = f"Changed {lead.lower()}"
    return page_text(case).replace(f"• {lead}", f"• {new_lead}", 1), new_lead


# --- the samples of tests/samples/ and the seeds (import_case: one run each) --------------------


def test_a_page_and_its_card_import_into_one_draft_condition(imported, import_case):
    page = import_case.page
    assert Condition.objects.count() == 1
    assert imported.name == import_case.name
    assert imported.slug == page.slug
    assert imported.status == Status.DRAFT
    assert imported.live_publication is None
    assert imported.source_updated_on == page.updated_on
    assert imported.summary.startswith(page.summary_start)
    assert [s.kind for s in imported.sections.all()] == list(page.section_kinds)
    assert all(s.body.strip() for s in imported.sections.all())


def test_bullets_become_a_list_with_bold_leads_keeping_their_continuation(imported, import_case):
    assert import_case.page.lists, "every sample has a bulleted list"
    for kind, expected in import_case.page.lists.items():
        body = imported.sections.get(kind=kind).body
        items = list_items(body)
        assert [item.split("**")[1] for item in items] == list(expected.leads)
        assert all(re.match(r"- \*\*[^*]+\.\*\* \S", item) for item in items)
        # The indented paragraph stays inside its item, in the Markdown and on the page.
        assert f"\n\n    {expected.continuation}" in body
        rendered = str(render(body))
        assert rendered.count("<li>") == len(expected.leads)
        continued = rendered.split("<li>")[expected.continued + 1].split("</li>")[0]
        assert f"<strong>{expected.leads[expected.continued]}</strong>" in continued
        assert continued.count("<p>") == 2
        assert expected.continuation in continued


def test_references_are_stored_in_order_with_parsed_fields(imported, import_case):
    listed = re.findall(r"(?m)^\s+\d+\.\s+(.+)$", page_text(import_case))
    refs = [link.reference for link in imported.condition_references.select_related("reference")]
    assert [ref.key for ref in refs] == list(import_case.page.references)
    assert [ref.original_text for ref in refs] == [line.strip() for line in listed]
    by_key = {ref.key: ref for ref in refs}
    for key, fields in import_case.page.reference_fields.items():
        assert {name: getattr(by_key[key], name) for name in fields} == fields, key


def test_site_boilerplate_is_not_imported(imported, import_case):
    texts = [imported.name, imported.summary]
    texts += [s.body for s in imported.sections.all()]
    texts += [f"{a.question} {a.answer} {a.details}" for a in imported.short_answers.all()]
    texts += [r.original_text for r in Reference.objects.all()]
    everything = "\n".join(texts).lower()
    for phrase in (*import_case.page.chrome, *import_case.card.chrome):
        assert phrase not in everything


def test_the_card_becomes_one_short_answer_without_repeats(imported, import_case):
    card = import_case.card
    answer = imported.short_answers.get()
    assert answer.question == card.question
    assert answer.source_updated_on == card.updated_on
    assert answer.answer.startswith(card.answer_start)
    assert "?" not in answer.answer
    paragraphs = [p for p in answer.details.split("\n\n") if p]
    assert len(paragraphs) == len(card.details_starts)
    assert all(p.startswith(start) for p, start in zip(paragraphs, card.details_starts, strict=True))
    assert len(set(paragraphs)) == len(paragraphs)
    assert answer.answer not in answer.details
    assert not any(p.rstrip().endswith(":") for p in paragraphs)


def test_imported_page_publishes_through_review(imported, import_case, editor, reviewer):
    workflow.submit(imported, by=editor)
    publication = workflow.approve(imported, by=reviewer, attestation=CHECKED)
    imported.refresh_from_db()
    assert imported.status == Status.PUBLISHED
    assert imported.live_publication == publication
    assert f"<strong>{import_case.page.lists['symptoms'].leads[0]}</strong>" in publication.html
    assert html.escape(import_case.card.question, quote=False) in publication.html


def test_output_has_a_first_line_per_file_then_a_summary(import_case):
    page, card, name = import_case.page_file, import_case.card_file, import_case.name
    # The details under each first line are indented (tested in test_import_condition.py).
    lines = [line for line in run(page, card).splitlines() if not line.startswith(" ")]
    assert lines[:2] == [
        f"Imported “{name}” (created, {page_counts(import_case)}) from {page.name}",
        f"Imported “{name}” (updated, 1 short answer) from {card.name}",
    ]
    assert lines[2].startswith("2 files: 2 imported, 0 refused, ")
    assert len(lines) == 3


def test_import_is_recorded_under_the_system_user(imported, import_case, system_account):
    versions = Version.objects.get_for_object(imported)
    revision = versions.first().revision
    assert revision.user == system_account
    # The reason, then what the import changed (conditions/changes.py).
    assert any(
        v.revision.comment.startswith(f"Imported from {import_case.page_file.name}. ") for v in versions
    )
    assert Revision.objects.exclude(user=system_account).count() == 0
    assert set(imported.review_events.values_list("actor", flat=True)) == {system_account.pk}
    # The new references are in the page's revision, so the history shows where they came from.
    page_revision = Version.objects.get_for_object(imported).last().revision
    references = page_revision.version_set.filter(content_type__model="reference").count()
    assert references == len(import_case.page.references)


def test_reimport_changes_nothing(import_case):
    run(import_case.page_file, import_case.card_file)
    before = row_counts()
    lock_version = Condition.objects.get().lock_version
    output = run(import_case.page_file, import_case.card_file)
    assert row_counts() == before
    assert Condition.objects.get().lock_version == lock_version
    assert output.count("(unchanged,") == 2


def test_changed_source_updates_the_same_condition(import_case, tmp_path):
    path = write(tmp_path, "page.txt", page_text(import_case))
    run(path)
    text, new_lead = renamed_lead(import_case)
    output = run(write(tmp_path, "page.txt", text))
    assert f"(updated, {page_counts(import_case)})" in output
    assert Condition.objects.count() == 1
    assert Reference.objects.count() == len(import_case.page.references)
    assert f"**{new_lead}**" in Condition.objects.get().sections.get(kind="symptoms").body


def test_references_already_stored_are_reused(import_case, tmp_path):
    run(import_case.page_file)
    text = page_text(import_case).replace(import_case.name, "Xyz", 1)
    run(write(tmp_path, "other.txt", text), "--slug", "other-page")
    references = len(import_case.page.references)
    assert Condition.objects.count() == 2
    assert Reference.objects.count() == references
    assert ConditionReference.objects.count() == 2 * references


def test_dry_run_writes_nothing(import_case):
    before = row_counts()
    output = run(import_case.page_file, import_case.card_file, "--dry-run")
    assert row_counts() == before
    assert f"Would import “{import_case.name}” (created, {page_counts(import_case)})" in output
    assert "Dry run: nothing was written." in output


def test_dry_run_reports_an_unchanged_reimport(import_case):
    run(import_case.page_file)
    assert f"(unchanged, {page_counts(import_case)})" in run(import_case.page_file, "--dry-run")


def test_title_and_slug_options(import_case):
    title = f"{import_case.name} (adults)"
    run(import_case.page_file, import_case.card_file, "--title", title, "--slug", "chosen-slug")
    condition = Condition.objects.get()
    assert (condition.name, condition.slug) == (title, "chosen-slug")
    assert condition.short_answers.count() == 1


def test_slug_option_targets_an_existing_page(import_case, tmp_path):
    run(import_case.page_file, "--slug", "chosen-slug")
    run(write(tmp_path, "frost.txt", FROSTBITE_PAGE), "--slug", "chosen-slug")
    condition = Condition.objects.get()
    # The page keeps its name (no --title) but now has the new text.
    assert condition.name == import_case.name
    assert condition.sections.first().body.startswith("Frostbite")


def test_card_alone_creates_a_draft_condition_and_the_page_then_fills_it(import_case):
    output = run(import_case.card_file)
    assert f"Imported “{import_case.name}” (created, 1 short answer)" in output
    condition = Condition.objects.get()
    assert condition.status == Status.DRAFT
    assert condition.sections.count() == 0
    run(import_case.page_file)
    condition = Condition.objects.get()
    assert condition.sections.count() == len(import_case.page.section_kinds)
    assert condition.short_answers.count() == 1


def test_card_finds_its_condition_by_a_synonym_in_its_text(import_case, editor):
    condition = make_condition(editor, "Another name", also_called=[import_case.name], slug="another")
    run(import_case.card_file)
    assert Condition.objects.count() == 1
    assert condition.short_answers.count() == 1


def test_card_without_a_question_asks_what_the_condition_is(tmp_path):
    card = write(
        tmp_path,
        "card.txt",
        "Short answer · Clinician summary · Last updated: 2025-01-02\n"
        "Frostbite is an injury caused by freezing of the skin.\n"
        "It is most common on the hands and feet.\n",
    )
    run(card)
    answer = ShortAnswer.objects.get()
    assert answer.question == "What is Frostbite?"
    assert answer.details == "It is most common on the hands and feet."
    assert answer.source_updated_on == date(2025, 1, 2)


# --- other pages in the format ---------------------------------------------------------------


def test_a_page_of_our_own_is_split_by_content_and_headings(tmp_path):
    output = run(write(tmp_path, "frostbite.txt", FROSTBITE_PAGE))
    assert "Imported “Frostbite” (created, 6 sections, 2 references)" in output
    condition = Condition.objects.get()
    sections = list(condition.sections.all())
    assert [s.kind for s in sections] == [
        "overview",
        "symptoms",
        "when_to_see_a_doctor",
        "causes",
        "risk_factors",
        "prevention",
    ]
    assert all(s.heading == "" for s in sections)
    assert condition.source_updated_on == date(2024, 3, 4)
    symptoms = sections[1].body
    assert "- **Numbness.** The area feels hard and waxy, with a \\*stinging\\* ache." in symptoms
    assert "\n\n    Some people notice" in symptoms
    assert "- Blisters after rewarming" in symptoms
    everything = " ".join(s.body for s in sections).lower()
    assert "newsletter" not in everything
    assert "advertisement" not in everything
    handford = condition.condition_references.first().reference
    assert (handford.key, handford.kind, handford.volume, handford.issue) == (
        "handford2017",
        "journal-article",
        "35",
        "2",
    )


def test_markdown_characters_in_the_text_stay_literal():
    page = FROSTBITE_PAGE.replace("tissues under it.", "tissues under it [@cold].")
    document = importers.parse_document(page, source="x.txt")
    overview = document.data.sections[0].body
    assert "\\[@cold\\]" in overview
    assert "[@cold]" in str(render(overview))


def test_a_heading_that_is_not_the_kind_name_is_kept():
    page = FROSTBITE_PAGE.replace("Risk factors\n", "Risk factors for frostbite\n")
    sections = importers.parse_document(page, source="x.txt").data.sections
    assert ("risk_factors", "Risk factors for frostbite") in [(s.kind, s.heading) for s in sections]


def test_a_numbered_list_of_steps_is_content_not_references():
    steps = "  1. Get out of the cold.\n  2. Warm the area in warm water.\n  3. Do not rub the skin."
    page = FROSTBITE_PAGE.replace("Seek medical care if the skin stays numb or turns dark.", steps)
    document = importers.parse_document(page, source="x.txt")
    assert len(document.references) == 2
    when = next(s for s in document.data.sections if s.kind == "when_to_see_a_doctor")
    assert when.body.startswith("1. Get out of the cold.\n2. Warm")


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Chilblains occur when small blood vessels react to cold.", "Chilblains"),
        ("Chilblains happen when small blood vessels react to cold.", "Chilblains"),
        ("A hiatal hernia occurs when part of the stomach pushes upward.", "Hiatal hernia"),
        ("Gout (gouty arthritis) is a common form of inflammatory disease of the joints.", "Gout"),
        ("Trench foot refers to damage to the feet from long exposure to wet cold.", "Trench foot"),
        ("It is a condition that affects the skin.", None),
        ("The harbour was quiet that morning.", None),
    ],
)
def test_infer_name_from_the_opening_sentence(sentence, name):
    assert importers.infer_name(sentence) == name


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("  \n\n \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Short answer \x00 card", "binary"),
        ("Caf\xe9 au lait spots".encode("latin-1"), "not UTF-8"),
        (RANDOM_PROSE, "not a format"),
        ("Short answer · Clinician summary · Last updated: 2025-01-02\n", "no answer"),
        ("Short answer · Last updated: someday\nFrostbite is an injury.", "not a date"),
    ],
)
def test_bad_input_is_refused_naming_the_file(tmp_path, content, message):
    path = write(tmp_path, "bad_input.txt", content)
    before = row_counts()
    with pytest.raises(CommandError, match=message) as exc:
        run(path)
    assert "bad_input.txt" in str(exc.value)
    assert row_counts() == before


def test_random_prose_is_refused_and_with_a_title_imports_with_a_low_confidence_warning(tmp_path):
    path = write(tmp_path, "prose.txt", RANDOM_PROSE)
    with pytest.raises(CommandError, match="not a format"):
        run(path)
    assert Condition.objects.count() == 0
    output = run(path, "--title", "Harbour")
    assert Condition.objects.get().name == "Harbour"
    assert "warning: low confidence: imported because --title named it" in output
    assert "1 with warnings" in output


def test_missing_path_and_directory_are_refused(tmp_path):
    before = row_counts()
    with pytest.raises(CommandError) as exc:
        run(tmp_path / "no_such_file.txt", tmp_path)
    message = str(exc.value)
    assert "no_such_file.txt: no such file" in message
    assert f"{tmp_path}: is a directory" in message
    assert row_counts() == before


def test_one_bad_file_writes_nothing_from_the_others(tmp_path):
    before = row_counts()
    with pytest.raises(CommandError, match=r"empty\.txt"):
        run(KIDNEY_STONES.page_file, write(tmp_path, "empty.txt", ""))
    assert row_counts() == before


def test_a_failure_while_writing_rolls_back_earlier_files(import_case, tmp_path, editor):
    # Both files parse, but the card's condition is in review, so writing it is refused after
    # the first file was written: that write is undone too.
    condition = make_condition(editor, import_case.name)
    workflow.submit(condition, by=editor)
    before = row_counts()
    with pytest.raises(CommandError, match="expert review") as exc:
        run(write(tmp_path, "frostbite.txt", FROSTBITE_PAGE), import_case.card_file)
    assert import_case.card_file.name in str(exc.value)
    assert row_counts() == before
    assert not Condition.objects.filter(name="Frostbite").exists()


def test_a_page_in_expert_review_is_not_changed(import_case, tmp_path, editor):
    run(write(tmp_path, "page.txt", page_text(import_case)))
    condition = Condition.objects.get()
    workflow.submit(condition, by=editor)
    edited, _ = renamed_lead(import_case)
    before = row_counts()
    with pytest.raises(CommandError) as exc:
        run(write(tmp_path, "page.txt", edited))
    assert "page.txt" in str(exc.value)
    assert "is in expert review and cannot be changed" in str(exc.value)
    assert row_counts() == before
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW


def test_bad_slug_is_refused():
    with pytest.raises(CommandError, match="not a slug"):
        run(KIDNEY_STONES.page_file, "--slug", "Not a slug!")
    assert Condition.objects.count() == 0


# --- text that is not what it looks like -------------------------------------------------------


def test_a_control_character_in_the_text_is_refused_naming_its_line(tmp_path):
    page = FROSTBITE_PAGE.replace("Mild frostbite", "Mild \x1b[31mfrostbite")
    before = row_counts()
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, "frostbite.txt", page))
    assert "frostbite.txt: line 3 holds U+001B (control character)" in str(caught.value)
    assert row_counts() == before


def test_line_and_page_breaks_of_other_systems_are_read_as_line_breaks(tmp_path):
    page = FROSTBITE_PAGE.replace("Frostbite is an injury", "Frostbite\u2028is an injury").replace(
        "\n\n\nWhen to see a doctor", "\n\x0c\n\nWhen to see a doctor"
    )
    run(write(tmp_path, "frostbite.txt", page))
    condition = Condition.objects.get()
    assert condition.name == "Frostbite"
    overview = condition.sections.get(kind="overview").body
    assert overview.startswith("Frostbite is an injury caused by freezing")
    assert not any(
        re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", s.body) for s in condition.sections.all()
    )


def test_a_title_given_with_a_line_break_is_refused():
    with pytest.raises(CommandError, match=r"--title .*line break"):
        run(KIDNEY_STONES.page_file, "--title", "Kidney\nBcc: everyone@example.org")
    assert Condition.objects.count() == 0


def test_a_reference_whose_doi_the_admin_refuses_is_refused(tmp_path):
    # A soft hyphen, as a DOI copied from a web page can carry: invisible, and never in a DOI.
    page = FROSTBITE_PAGE.replace(
        "Emerg Med Clin North Am. 2017;35(2):281-299.",
        "Emerg Med Clin North Am. 2017;35(2):281-299. doi:10.1016/j.emc.2017.\u00ad01.004",
    )
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, "frostbite.txt", page))
    assert "frostbite.txt: reference 1 cannot be stored (doi:" in str(caught.value)
    assert "U+00AD (invisible character)" in str(caught.value)
    assert Reference.objects.count() == 0


def test_angle_brackets_and_ampersands_in_plain_text_reach_the_page_as_text(tmp_path):
    plain = (
        "Seek medical care if your blood pressure stays <120 mm Hg & you are >75 years; "
        "a chart may write it as &lt;120, and the form field is called <systolic>."
    )
    page = FROSTBITE_PAGE.replace("Seek medical care if the skin stays numb or turns dark.", plain)
    run(write(tmp_path, "frostbite.txt", page))
    body = Condition.objects.get().sections.get(kind="when_to_see_a_doctor").body
    visible = html.unescape(strip_tags(str(render(body))))
    assert visible.strip() == plain
