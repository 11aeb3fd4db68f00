from __future__ import annotations

from dataclasses import replace

import pytest
from reversion.models import Version

from conditions.changes import describe_changes
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.pagecontent import AnswerContent, PageContent, ReferenceContent, SectionContent
from tests.factories import make_condition, make_reference


def _page(**changes) -> PageContent:
    page = PageContent(
        condition_id=1,
        name="Gout",
        slug="gout",
        also_called="",
        summary="Painful joints.",
        sections=(
            SectionContent(1, "overview", "", "Gout is a kind of arthritis.\n\nIt comes and goes."),
            SectionContent(2, "symptoms", "", "- Pain\n- Swelling"),
            SectionContent(3, "treatment", "", "Rest the joint."),
        ),
        answers=(AnswerContent(7, "Is gout common?", "Yes.", ""),),
        listed=(11,),
        references={11: ReferenceContent(11, "dalbeth2021"), 12: ReferenceContent(12, "nice-ng219")},
    )
    return replace(page, **changes)


def _section(page: PageContent, index: int, **changes) -> tuple[SectionContent, ...]:
    sections = list(page.sections)
    sections[index] = replace(sections[index], **changes)
    return tuple(sections)


def test_names_exactly_the_field_and_the_section_part_that_changed():
    before = _page()
    after = _page(summary="Sudden painful joints.", sections=_section(before, 1, body="- Pain\n- Heat"))
    assert describe_changes(before, after) == "Changed: summary; section “Symptoms” (text)."


def test_sections_saved_as_they_were_are_not_named():
    before = _page()
    # What a browser posts back for untouched text: "\r\n" line breaks, a trailing new line.
    resaved = tuple(replace(s, body=s.body.replace("\n", "\r\n") + "\r\n") for s in before.sections)
    after = _page(summary="Sudden painful joints.", sections=resaved)
    assert describe_changes(before, after) == "Changed: summary."


def test_a_save_that_changes_nothing_says_so():
    assert describe_changes(_page(), _page()) == "Saved with no changes."


def test_added_removed_and_renamed_parts_are_named_by_what_the_editor_sees():
    before = _page()
    sections = (
        before.sections[0],
        replace(before.sections[1], heading="Signs and symptoms"),
        SectionContent(4, "causes", "", "Uric acid."),
    )
    answers = (
        replace(before.answers[0], answer="Yes, very."),
        AnswerContent(8, "Is it  catching?", "No.", ""),
    )
    after = _page(name="Gout (arthritis)", sections=sections, answers=answers, listed=(12,))
    assert describe_changes(before, after) == (
        "Changed: name; section “Signs and symptoms” (heading); added section “Causes”; "
        "removed section “Treatment”; short answer “Is gout common?” (answer); "
        "added short answer “Is it catching?”; added listed reference “nice-ng219”; "
        "removed listed reference “dalbeth2021”."
    )


def test_a_moved_section_is_named_once_and_its_neighbours_not_at_all():
    before = _page()
    after = _page(sections=(before.sections[0], before.sections[2], before.sections[1]))
    assert describe_changes(before, after) == "Changed: moved section “Treatment”."


def test_a_section_written_into_another_section_row_is_matched_by_its_name():
    # An import rewrites the rows in order: a section inserted at the top takes the first row.
    before = _page()
    shifted = (
        SectionContent(1, "causes", "", "Uric acid."),
        replace(before.sections[0], id=2),
        replace(before.sections[1], id=3),
        replace(before.sections[2], id=4),
    )
    assert describe_changes(before, _page(sections=shifted)) == "Changed: added section “Causes”."


def test_a_new_page_names_its_parts():
    assert describe_changes(None, _page()) == (
        "Added the page, with sections “Overview”, “Symptoms”, “Treatment”; "
        "short answer “Is gout common?”; listed reference “dalbeth2021”."
    )


@pytest.mark.django_db
def test_write_condition_history_gives_the_reason_then_what_changed(editor):
    make_reference("dalbeth2021")
    condition = make_condition(editor, "Gout", sections=[("overview", "Arthritis."), ("symptoms", "Pain.")])
    data = ConditionData(
        name="Gout",
        slug=condition.slug,
        summary=condition.summary,
        sections=[SectionData("overview", "Arthritis."), SectionData("symptoms", "Pain and swelling.")],
        short_answers=[ShortAnswerData("Is it common?", "Yes.")],
        reference_keys=["dalbeth2021"],
    )
    write_condition(data, by=editor, comment="Imported from gout.txt")
    latest = Version.objects.get_for_object(condition).order_by("-pk").first().revision
    assert latest.get_comment() == (
        "Imported from gout.txt. Changed: section “Symptoms” (text); added short answer “Is it common?”; "
        "added listed reference “dalbeth2021”."
    )


def test_images_a_save_added_or_removed_are_named():
    before = _page(sections=_section(_page(), 0, body="Gout is arthritis.\n\n![](image:swollen-toe)"))
    after = _page(
        sections=_section(_page(), 0, body="Gout is arthritis.\n\n![A toe](image:toe-x-ray)"),
        answers=(AnswerContent(7, "Is gout common?", "Yes.", "![](image:urate-crystals)"),),
    )
    assert describe_changes(before, after) == (
        "Changed: section “Overview” (text); short answer “Is gout common?” (details); "
        "added image “toe-x-ray”; added image “urate-crystals”; removed image “swollen-toe”."
    )


def test_an_image_only_moved_or_described_again_is_not_added_or_removed():
    before = _page(sections=_section(_page(), 0, body="![](image:swollen-toe)\n\nGout is arthritis."))
    after = _page(sections=_section(_page(), 0, body="Gout is arthritis.\n\n![A red toe](image:swollen-toe)"))
    assert describe_changes(before, after) == "Changed: section “Overview” (text)."


def test_a_new_page_names_its_images():
    page = _page(sections=_section(_page(), 2, body="Rest the joint.\n\n![](image:ice-pack)"))
    assert describe_changes(None, page).endswith("; image “ice-pack”.")
