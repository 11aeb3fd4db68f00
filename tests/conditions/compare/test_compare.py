from __future__ import annotations

import pytest
from reversion.models import Version

from conditions.compare import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    AnswerText,
    ImageText,
    ReferenceText,
    SectionText,
    Snapshot,
    compare,
    diff_paragraphs,
    snapshot_from_publication,
    snapshot_from_working_copy,
    snapshots_from_versions,
)
from medsite.htmltext import reader_paragraphs
from medsite.markdown import render
from tests.factories import make_condition, make_reference, publish

pytestmark = pytest.mark.django_db

# --- unit tests of conditions.compare ------------------------------------------------------------


def _section(row_id, kind, text, heading=""):
    return SectionText(row_id, kind, heading or kind.capitalize(), tuple(text.split("\n\n")))


def _page(*sections, **fields) -> Snapshot:
    return Snapshot(label="test", name=fields.pop("name", "Gout"), sections=list(sections), **fields)


def test_word_level_diff_marks_only_the_changed_words():
    diff = diff_paragraphs(["Take two tablets a day with food."], ["Take three tablets a day with food."])
    html = str(diff.html)
    assert diff.changed
    assert '<del><span class="visually-hidden">removed: </span>two</del>' in html
    assert '<ins><span class="visually-hidden">added: </span>three</ins>' in html
    assert html.startswith("<p>Take <del>")
    assert "tablets a day with food.</p>" in html


def test_word_diff_keeps_paragraph_breaks_and_whole_new_paragraphs():
    diff = diff_paragraphs(
        ["First paragraph.", "Second one."], ["First paragraph.", "New middle.", "Second one."]
    )
    html = str(diff.html)
    assert html.count("<p>") == 3
    assert "<p>First paragraph.</p>" in html
    assert '<p><ins><span class="visually-hidden">added: </span>New middle.</ins></p>' in html


def test_added_citation_and_changed_dose_are_marked_exactly():
    diff = diff_paragraphs(["Take 2.5 mg daily."], ["Take 5 mg daily [ng2020]."])
    html = str(diff.html)
    assert '<del><span class="visually-hidden">removed: </span>2.5</del>' in html
    assert '<ins><span class="visually-hidden">added: </span>5</ins> mg daily' in html
    assert 'daily <ins><span class="visually-hidden">added: </span>[ng2020]</ins>.</p>' in html


def test_rewritten_sentence_reads_as_one_change_not_many():
    diff = diff_paragraphs(["Patients should avoid the alcohol."], ["People must stop the beer."])
    html = str(diff.html)
    assert html.count("<del>") == html.count("<ins>") == 1
    assert "removed: </span>Patients should avoid the alcohol</del>" in html


def test_identical_texts_have_no_changes():
    assert not diff_paragraphs(["Same."], ["Same."]).changed


def test_reader_text_is_what_a_reader_sees_not_markdown():
    html = render(
        "Some **bold** words and a [link](https://nhs.uk).\n\n- Aching\n- *Fever*\n\n1. Rest\n2. Ice"
    )
    assert reader_paragraphs(html) == [
        "Some bold words and a link (https://nhs.uk).",
        "• Aching",
        "• Fever",
        "1. Rest",
        "2. Ice",
    ]


def test_reader_text_shows_citations_by_key():
    html = render("Common in runners [@lee2019, p. 4; @ng2020].")
    assert reader_paragraphs(html, {"1": "lee2019", "2": "ng2020"}) == [
        "Common in runners [lee2019 (p. 4), ng2020]."
    ]


def test_added_removed_and_moved_sections():
    old = _page(
        _section(1, "overview", "About gout."),
        _section(2, "causes", "Uric acid."),
        _section(3, "symptoms", "Pain."),
    )
    new = _page(
        _section(3, "symptoms", "Pain."),
        _section(1, "overview", "About gout."),
        _section(4, "treatment", "Rest."),
    )
    sections = compare(old, new).sections
    by_heading = {s.heading: s for s in sections}
    assert by_heading["Treatment"].status == ADDED
    assert by_heading["Causes"].status == REMOVED
    assert by_heading["Symptoms"].moved and by_heading["Symptoms"].status == UNCHANGED
    assert "moved from position 3 to 1" in by_heading["Symptoms"].description
    assert not by_heading["Overview"].moved
    # Removed sections stay where they were: after the overview.
    assert [s.heading for s in sections] == ["Symptoms", "Overview", "Causes", "Treatment"]


def test_added_section_does_not_count_its_neighbours_as_moved():
    old = _page(_section(1, "overview", "A."), _section(2, "causes", "B."))
    new = _page(_section(5, "symptoms", "New."), _section(1, "overview", "A."), _section(2, "causes", "B."))
    assert [(s.status, s.moved) for s in compare(old, new).sections] == [
        (ADDED, False),
        (UNCHANGED, False),
        (UNCHANGED, False),
    ]


def test_sections_without_ids_match_by_kind_and_heading_then_kind():
    old = _page(_section(None, "overview", "Gout is common."), _section(None, "causes", "Uric acid.", "Why"))
    new = _page(
        _section(7, "overview", "Gout is very common."), _section(8, "causes", "Uric acid.", "Causes")
    )
    overview, causes = compare(old, new).sections
    assert overview.status == CHANGED
    assert '<ins><span class="visually-hidden">added: </span>very</ins>' in str(overview.body.html)
    assert causes.status == CHANGED and not causes.body.changed
    assert causes.heading_diff is not None and "Why" in str(causes.heading_diff.html)


def test_changed_section_kind_is_reported():
    old = _page(_section(1, "overview", "Text."))
    new = _page(_section(1, "symptoms", "Text.", "Overview"))
    (section,) = compare(old, new).sections
    assert section.kind_change == ("Overview", "Symptoms")


def test_references_added_removed_and_moved():
    refs = {key: ReferenceText(key, f"Author {key}. A title. 2020.") for key in "abcd"}
    old = _page(references=[refs["a"], refs["b"], refs["c"]])
    new = _page(references=[refs["c"], refs["a"], refs["d"]])
    changes = {r.key: r for r in compare(old, new).references}
    assert changes["d"].status == ADDED and changes["d"].new_number == 3
    assert changes["b"].status == REMOVED
    assert changes["c"].moved and (changes["c"].old_number, changes["c"].new_number) == (3, 1)
    assert not changes["a"].moved


def test_changed_reference_text_is_diffed():
    old = _page(references=[ReferenceText("a", "Doe J. Gout. 2020.")])
    new = _page(references=[ReferenceText("a", "Doe J. Gout. 2021.")])
    (change,) = compare(old, new).references
    assert change.status == CHANGED
    assert 'Gout. <del><span class="visually-hidden">removed: </span>2020</del>' in str(change.text.html)
    assert '<ins><span class="visually-hidden">added: </span>2021</ins>' in str(change.text.html)


def test_field_changes_name_also_called_summary():
    old = _page(name="Gout", also_called=["Podagra"], summary="Painful joints.")
    new = _page(name="Gout (acute)", also_called=["Podagra", "Gouty arthritis"], summary="Painful joints.")
    comparison = compare(old, new)
    assert [f.label for f in comparison.fields] == ["Name", "Also called"]
    also = str(comparison.fields[1].diff.html)
    assert "<p>Podagra</p>" in also and "Gouty arthritis</ins>" in also
    assert "Name: changed." in comparison.overview()


def test_short_answers_added_removed_changed():
    old = _page(
        short_answers=[
            AnswerText(None, "Is gout curable?", ("It can be controlled.",), ()),
            AnswerText(None, "Is it hereditary?", ("Partly.",), ()),
        ]
    )
    new = _page(
        short_answers=[
            AnswerText(None, "Is gout curable?", ("It can be well controlled.",), ("With medicines.",)),
            AnswerText(None, "Can diet help?", ("Yes.",), ()),
        ]
    )
    changes = {a.question: a for a in compare(old, new).short_answers}
    assert changes["Is gout curable?"].status == CHANGED
    assert "well</ins>" in str(changes["Is gout curable?"].answer.html)
    assert "With medicines.</ins>" in str(changes["Is gout curable?"].details.html)
    assert changes["Is it hereditary?"].status == REMOVED
    assert changes["Can diet help?"].status == ADDED


def test_hostile_text_is_escaped():
    old = _page(_section(1, "overview", "Plain."), name="Gout")
    new = _page(
        _section(1, "overview", "Plain. <img src=x onerror=alert(1)>"),
        name='Gout <script>alert("x")</script>',
    )
    comparison = compare(old, new)
    html = str(comparison.fields[0].diff.html) + str(comparison.sections[0].body.html)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;img" in html


def test_markdown_code_with_html_is_compared_as_escaped_text(editor):
    condition = make_condition(editor, sections=[("overview", "Never type `<script>` here.")])
    snapshot = snapshot_from_working_copy(condition)
    assert snapshot.sections[0].paragraphs == ("Never type <script> here.",)
    html = str(compare(Snapshot(label="none"), snapshot).sections[0].body.html)
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_version_and_working_copy_snapshots_agree(editor):
    make_reference("lee2019")
    make_reference("ng2020")
    condition = make_condition(
        editor,
        sections=[("overview", "Seen in runners [@lee2019]."), ("symptoms", "- Pain\n- Swelling")],
        short_answers=[("Is it serious?", "Rarely [@lee2019].", "")],
        reference_keys=["ng2020"],
        also_called=["Shin splints"],
    )
    latest = Version.objects.get_for_object(condition).select_related("revision__user").first()
    (from_version,) = snapshots_from_versions([latest])
    working = snapshot_from_working_copy(condition)
    assert from_version.sections == working.sections
    assert from_version.short_answers == working.short_answers
    assert [r.key for r in from_version.references] == ["lee2019", "ng2020"]
    assert from_version.references == working.references
    assert from_version.also_called == ["Shin splints"]
    assert working.sections[0].paragraphs == ("Seen in runners [lee2019].",)
    assert not compare(from_version, working).has_changes


def test_publication_snapshot_matches_the_working_copy_it_came_from(editor, reviewer):
    make_reference("lee2019")
    condition = make_condition(editor, sections=[("overview", "Seen in runners [@lee2019].")])
    publication = publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    published = snapshot_from_publication(publication)
    assert published.sections[0].paragraphs == ("Seen in runners [lee2019].",)
    comparison = compare(published, snapshot_from_working_copy(condition))
    assert not comparison.has_changes, comparison.overview()


# --- images ------------------------------------------------------------------------------------


def _image(key="swollen-toe", *, file="a" * 64, **fields) -> ImageText:
    values = {
        "alt": "A red, swollen big toe",
        "caption": "",
        "credit": "Example Clinic",
        "licence": "CC BY 4.0",
        "source_url": "",
        "copyright_notice": "",
        "width": 1440,
        "height": 1080,
        **fields,
    }
    return ImageText(key=key, file=file, thumbnail=f"/media/images/{file[:2]}/{file}/w320.webp", **values)


def test_images_added_and_removed():
    comparison = compare(_page(images=[_image("old-drawing")]), _page(images=[_image("new-drawing")]))
    assert [(i.key, i.status) for i in comparison.images] == [
        ("old-drawing", REMOVED),
        ("new-drawing", ADDED),
    ]
    assert "Images: 1 added, 1 removed." in comparison.overview()
    assert comparison.has_changes


def test_a_changed_alt_text_is_diffed_word_by_word():
    old = _page(images=[_image(alt="A swollen toe")])
    new = _page(images=[_image(alt="A red, swollen big toe")])
    [image] = compare(old, new).images
    assert image.status == CHANGED and image.changed_fields == ["Alt text"]
    alt = next(field for field in image.fields if field.label == "Alt text")
    assert str(alt.diff.html) == (
        '<p>A <ins><span class="visually-hidden">added: </span>red,</ins> swollen '
        '<ins><span class="visually-hidden">added: </span>big</ins> toe</p>'
    )
    assert not image.file_replaced


def test_a_new_file_is_a_change_with_both_thumbnails():
    old = _page(images=[_image(file="a" * 64)])
    new = _page(images=[_image(file="b" * 64, width=1200, height=900)])
    [image] = compare(old, new).images
    assert image.status == CHANGED and image.file_replaced
    assert image.changed_fields == ["File"]
    assert image.old is not None and image.new is not None
    assert image.old.thumbnail != image.new.thumbnail
    assert "bbbbbbbbbbbb" in str(image.fields[-1].diff.html)


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("caption", "Caption"),
        ("credit", "Credit"),
        ("licence", "Licence"),
        ("copyright_notice", "Copyright notice"),
        ("source_url", "Source URL"),
    ],
)
def test_every_field_a_reader_is_given_is_compared(field, label):
    [image] = compare(_page(images=[_image()]), _page(images=[_image(**{field: "Something else"})])).images
    assert image.changed_fields == [label]


def test_an_unchanged_image_is_listed_with_its_fields_and_no_change():
    comparison = compare(_page(images=[_image()]), _page(images=[_image()]))
    [image] = comparison.images
    assert image.status == UNCHANGED and image.changed_fields == []
    assert [field.label for field in image.fields] == ["Alt text", "Credit", "Licence", "File"]
    assert not comparison.has_changes


def test_a_decorative_image_says_so_instead_of_alt_text():
    [image] = compare(Snapshot(label="none"), _page(images=[_image(alt="")])).images
    assert "(none: the image is decorative)" in str(image.fields[0].diff.html)
