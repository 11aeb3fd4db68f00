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

pytestmark = pytest.mark.django_db

# A made-up page in the scraped format (not seed text): bullets, a heading line, a numbered
# reference list, a revision date and site chrome, for the parts the seeds do not show.
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
def imported(seed_condition_page, seed_short_answer) -> Condition:
    run(seed_condition_page, seed_short_answer)
    return Condition.objects.get()


def list_items(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("- ")]


# --- the seeds -------------------------------------------------------------------------------


def test_seeds_import_into_one_draft_condition(imported):
    assert Condition.objects.count() == 1
    assert imported.name == "Carcinoid syndrome"
    assert imported.slug == "carcinoid-syndrome"
    assert imported.status == Status.DRAFT
    assert imported.live_publication is None
    assert imported.source_updated_on == date(2022, 7, 7)
    assert imported.summary.startswith("Carcinoid syndrome occurs when")
    assert [s.kind for s in imported.sections.all()] == [
        "overview",
        "symptoms",
        "when_to_see_a_doctor",
        "causes",
        "complications",
    ]
    assert all(s.body.strip() for s in imported.sections.all())


def test_symptoms_become_a_list_with_bold_leads_keeping_the_continuation(imported):
    symptoms = imported.sections.get(kind="symptoms")
    items = list_items(symptoms.body)
    assert len(items) == 5
    assert all(re.match(r"- \*\*[^*]+\.\*\* \S", item) for item in items)
    assert items[0].startswith("- **Skin flushing.** ")
    html = str(render(symptoms.body))
    assert html.count("<li>") == 5
    first_item = html.split("<li>")[1].split("</li>")[0]
    assert "<strong>Skin flushing.</strong>" in first_item
    # The indented paragraph about triggers stays inside the flushing item.
    assert first_item.count("<p>") == 2
    assert "Flushing may happen" in first_item


def test_complications_list_keeps_its_continuation_too(imported):
    complications = imported.sections.get(kind="complications")
    items = list_items(complications.body)
    assert [item.split("**")[1] for item in items] == ["Carcinoid heart disease.", "Carcinoid crisis."]
    assert "\n\n    Signs and symptoms" in complications.body


def test_references_are_stored_in_order_with_parsed_fields(imported, seed_condition_page):
    seed_lines = re.findall(r"(?m)^\s+\d+\.\s+(.+)$", seed_condition_page.read_text(encoding="utf-8"))
    links = list(imported.condition_references.select_related("reference"))
    refs = [link.reference for link in links]
    assert [ref.key for ref in refs] == [
        "askmayoexpert2020",
        "askmayoexpert2019",
        "feldman2021",
        "strosberg",
        "ferri2021",
        "giridhar2020",
    ]
    assert [ref.original_text for ref in refs] == [line.strip() for line in seed_lines]
    feldman = refs[2]
    assert feldman.kind == "book-chapter"
    assert (feldman.edition, feldman.publisher, feldman.year) == ("11", "Elsevier", 2021)
    assert feldman.accessed_on == date(2020, 8, 24)
    assert feldman.author_list == ["Feldman M", "et al"]
    assert refs[3].kind == "database"
    assert refs[5].kind == "expert-opinion"


def test_site_boilerplate_is_not_imported(imported):
    texts = [imported.name, imported.summary]
    texts += [s.body for s in imported.sections.all()]
    texts += [f"{a.question} {a.answer} {a.details}" for a in imported.short_answers.all()]
    texts += [r.original_text for r in Reference.objects.all()]
    everything = "\n".join(texts).lower()
    for phrase in ("donation", "fuel groundbreaking", "diseasemaps", "disclaimer", "community members"):
        assert phrase not in everything


def test_the_card_becomes_one_short_answer_without_repeats(imported):
    answer = imported.short_answers.get()
    assert answer.question == "What triggers Carcinoid Syndrome?"
    assert answer.source_updated_on == date(2026, 5, 8)
    assert answer.answer.startswith("Carcinoid syndrome is a paraneoplastic condition")
    assert "?" not in answer.answer
    paragraphs = [p for p in answer.details.split("\n\n") if p]
    assert len(paragraphs) >= 3
    assert len(set(paragraphs)) == len(paragraphs)
    assert answer.answer not in answer.details
    assert paragraphs[0].startswith("The primary cause")
    assert not any(p.rstrip().endswith(":") for p in paragraphs)


def test_imported_page_publishes_through_review(imported, editor, reviewer):
    workflow.submit(imported, by=editor)
    publication = workflow.approve(imported, by=reviewer, attestation=CHECKED)
    imported.refresh_from_db()
    assert imported.status == Status.PUBLISHED
    assert imported.live_publication == publication
    assert "<strong>Skin flushing.</strong>" in publication.html
    assert "What triggers Carcinoid Syndrome?" in publication.html


def test_output_has_one_line_per_file(seed_condition_page, seed_short_answer):
    lines = run(seed_condition_page, seed_short_answer).splitlines()
    assert lines == [
        f"Imported “Carcinoid syndrome” (created, 5 sections, 6 references) from {seed_condition_page.name}",
        f"Imported “Carcinoid syndrome” (updated, 1 short answer) from {seed_short_answer.name}",
    ]


def test_import_is_recorded_under_the_system_user(imported, seed_condition_page, system_account):
    versions = Version.objects.get_for_object(imported)
    revision = versions.first().revision
    assert revision.user == system_account
    assert {v.revision.comment for v in versions} >= {f"Imported from {seed_condition_page.name}"}
    assert Revision.objects.exclude(user=system_account).count() == 0
    assert set(imported.review_events.values_list("actor", flat=True)) == {system_account.pk}
    # The new references are in the page's revision, so the history shows where they came from.
    page_revision = Version.objects.get_for_object(imported).last().revision
    assert page_revision.version_set.filter(content_type__model="reference").count() == 6


def test_reimport_changes_nothing(seed_condition_page, seed_short_answer):
    run(seed_condition_page, seed_short_answer)
    before = row_counts()
    lock_version = Condition.objects.get().lock_version
    output = run(seed_condition_page, seed_short_answer)
    assert row_counts() == before
    assert Condition.objects.get().lock_version == lock_version
    assert output.count("(unchanged,") == 2


def test_changed_source_updates_the_same_condition(seed_condition_page, tmp_path):
    run(seed_condition_page)
    text = seed_condition_page.read_text(encoding="utf-8")
    edited = write(tmp_path, "edited.txt", text.replace("Rapid heartbeat.", "Fast heartbeat."))
    output = run(edited)
    assert "(updated, 5 sections, 6 references)" in output
    assert Condition.objects.count() == 1
    assert Reference.objects.count() == 6
    assert "**Fast heartbeat.**" in Condition.objects.get().sections.get(kind="symptoms").body


def test_references_already_stored_are_reused(seed_condition_page, tmp_path):
    run(seed_condition_page)
    text = seed_condition_page.read_text(encoding="utf-8").replace("Carcinoid syndrome occurs", "Xyz occurs")
    run(write(tmp_path, "other.txt", text), "--slug", "other-page")
    assert Condition.objects.count() == 2
    assert Reference.objects.count() == 6
    assert ConditionReference.objects.count() == 12


def test_dry_run_writes_nothing(seed_condition_page, seed_short_answer):
    before = row_counts()
    output = run(seed_condition_page, seed_short_answer, "--dry-run")
    assert row_counts() == before
    assert "Would import “Carcinoid syndrome” (created, 5 sections, 6 references)" in output
    assert "Dry run: nothing was written." in output


def test_dry_run_reports_an_unchanged_reimport(seed_condition_page):
    run(seed_condition_page)
    assert "(unchanged, 5 sections, 6 references)" in run(seed_condition_page, "--dry-run")


def test_title_and_slug_options(seed_condition_page, seed_short_answer):
    run(
        seed_condition_page,
        seed_short_answer,
        "--title",
        "Carcinoid syndrome (adults)",
        "--slug",
        "carcinoid",
    )
    condition = Condition.objects.get()
    assert (condition.name, condition.slug) == ("Carcinoid syndrome (adults)", "carcinoid")
    assert condition.short_answers.count() == 1


def test_slug_option_targets_an_existing_page(seed_condition_page, tmp_path):
    run(seed_condition_page, "--slug", "carcinoid")
    run(write(tmp_path, "frost.txt", FROSTBITE_PAGE), "--slug", "carcinoid")
    condition = Condition.objects.get()
    # The page keeps its name (no --title) but now has the new text.
    assert condition.name == "Carcinoid syndrome"
    assert condition.sections.first().body.startswith("Frostbite")


def test_card_alone_creates_a_draft_condition_and_the_page_then_fills_it(
    seed_condition_page, seed_short_answer
):
    output = run(seed_short_answer)
    assert "Imported “Carcinoid syndrome” (created, 1 short answer)" in output
    condition = Condition.objects.get()
    assert condition.status == Status.DRAFT
    assert condition.sections.count() == 0
    run(seed_condition_page)
    condition = Condition.objects.get()
    assert condition.sections.count() == 5
    assert condition.short_answers.count() == 1


def test_card_finds_its_condition_by_a_synonym_in_its_text(seed_short_answer, editor):
    condition = make_condition(
        editor, "Neuroendocrine flushing", also_called=["Carcinoid syndrome"], slug="nf"
    )
    run(seed_short_answer)
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


def test_random_prose_is_refused_even_with_a_title(tmp_path):
    with pytest.raises(CommandError, match="not a format"):
        run(write(tmp_path, "prose.txt", RANDOM_PROSE), "--title", "Harbour")
    assert Condition.objects.count() == 0


def test_missing_path_and_directory_are_refused(tmp_path):
    before = row_counts()
    with pytest.raises(CommandError) as exc:
        run(tmp_path / "no_such_file.txt", tmp_path)
    message = str(exc.value)
    assert "no_such_file.txt: no such file" in message
    assert f"{tmp_path}: is a directory" in message
    assert row_counts() == before


def test_one_bad_file_writes_nothing_from_the_others(seed_condition_page, tmp_path):
    before = row_counts()
    with pytest.raises(CommandError, match=r"empty\.txt"):
        run(seed_condition_page, write(tmp_path, "empty.txt", ""))
    assert row_counts() == before


def test_a_failure_while_writing_rolls_back_earlier_files(seed_short_answer, tmp_path, editor):
    # Both files parse, but the card's condition is in review, so writing it is refused after
    # the first file was written: that write is undone too.
    condition = make_condition(editor, "Carcinoid syndrome")
    workflow.submit(condition, by=editor)
    before = row_counts()
    with pytest.raises(CommandError, match="expert review") as exc:
        run(write(tmp_path, "frostbite.txt", FROSTBITE_PAGE), seed_short_answer)
    assert seed_short_answer.name in str(exc.value)
    assert row_counts() == before
    assert not Condition.objects.filter(name="Frostbite").exists()


def test_a_page_in_expert_review_is_not_changed(seed_condition_page, tmp_path, editor):
    run(seed_condition_page)
    condition = Condition.objects.get()
    workflow.submit(condition, by=editor)
    edited = seed_condition_page.read_text(encoding="utf-8").replace("Rapid heartbeat.", "Fast heartbeat.")
    before = row_counts()
    with pytest.raises(CommandError) as exc:
        run(write(tmp_path, "edited.txt", edited))
    assert "edited.txt" in str(exc.value)
    assert "is in expert review and cannot be changed" in str(exc.value)
    assert row_counts() == before
    condition.refresh_from_db()
    assert condition.status == Status.EXPERT_REVIEW


def test_bad_slug_is_refused(seed_condition_page):
    with pytest.raises(CommandError, match="not a slug"):
        run(seed_condition_page, "--slug", "Not a slug!")
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


def test_a_title_given_with_a_line_break_is_refused(seed_condition_page):
    with pytest.raises(CommandError, match=r"--title .*line break"):
        run(seed_condition_page, "--title", "Carcinoid\nBcc: everyone@example.org")
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
