from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from conditions import workflow
from conditions.compare import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    AnswerText,
    ReferenceText,
    SectionText,
    Snapshot,
    compare,
    diff_paragraphs,
    snapshot_from_publication,
    snapshot_from_working_copy,
    snapshots_from_versions,
)
from conditions.models import Condition
from medsite.htmltext import reader_paragraphs
from medsite.markdown import render
from tests.factories import make_condition, make_reference, publish
from tests.test_admin import _change_url, _form_data

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


# --- the admin screens ---------------------------------------------------------------------------


def _history_url(condition):
    return reverse("admin:conditions_condition_history", args=[condition.pk])


def _compare_url(condition, old, new):
    return reverse("admin:conditions_condition_compare", args=[condition.pk]) + f"?from={old.pk}&to={new.pk}"


def _review_url(condition):
    return reverse("admin:conditions_condition_review", args=[condition.pk])


def _versions(condition):
    return list(Version.objects.get_for_object(condition).order_by("pk"))


def _edit_overview(client, condition, body):
    sections = [
        (s.pk, s.kind, body if s.kind == "overview" else s.body, s.position) for s in condition.sections.all()
    ]
    response = client.post(_change_url(condition), _form_data(condition, sections=sections))
    assert response.status_code == 302, response.content.decode()[:2000]
    condition.refresh_from_db()


def test_history_page_offers_version_comparison(client, editor):
    condition = make_condition(editor, sections=[("overview", "Gout is a kind of arthritis.")])
    client.force_login(editor)
    _edit_overview(client, condition, "Gout is a common kind of arthritis.")
    page = client.get(_history_url(condition)).content.decode()
    first, second = _versions(condition)
    assert "Compare selected versions" in page
    assert f'name="from" value="{first.pk}" id="compare-from-{first.pk}" checked' in page
    assert f'name="to" value="{second.pk}" id="compare-to-{second.pk}" checked' in page
    assert reverse("admin:conditions_condition_compare", args=[condition.pk]) in page


def test_compare_versions_after_admin_edit_shows_word_changes(client, editor):
    condition = make_condition(
        editor,
        sections=[("overview", "Gout is a kind of arthritis."), ("symptoms", "- Pain\n- Redness")],
    )
    client.force_login(editor)
    _edit_overview(client, condition, "Gout is a common kind of **inflammatory** arthritis.")
    first, second = _versions(condition)
    response = client.get(_compare_url(condition, first, second))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Compare versions of “Example syndrome”" in page
    assert '<ins><span class="visually-hidden">added: </span>common</ins>' in page
    assert "inflammatory" in page and "**" not in page
    assert "Sections: 1 changed." in page
    assert "• Pain" in page  # the unchanged section, as a reader sees it


def test_compare_picked_in_either_order_reads_old_to_new(client, editor):
    condition = make_condition(editor, sections=[("overview", "Old wording.")])
    client.force_login(editor)
    _edit_overview(client, condition, "New wording.")
    first, second = _versions(condition)
    page = client.get(_compare_url(condition, second, first)).content.decode()
    assert '<del><span class="visually-hidden">removed: </span>Old</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>New</ins>' in page


def test_compare_refuses_a_version_of_another_condition(client, editor):
    condition = make_condition(editor, name="Gout")
    other = make_condition(editor, name="Asthma")
    client.force_login(editor)
    (own,) = _versions(condition)
    (foreign,) = _versions(other)
    assert client.get(_compare_url(condition, own, foreign)).status_code == 404
    url = reverse("admin:conditions_condition_compare", args=[condition.pk]) + f"?from={own.pk}&to=999999"
    assert client.get(url).status_code == 404


def test_compare_without_two_versions_goes_back_to_history(client, editor):
    condition = make_condition(editor)
    client.force_login(editor)
    response = client.get(reverse("admin:conditions_condition_compare", args=[condition.pk]) + "?from=x")
    assert response.status_code == 302
    assert response["Location"] == _history_url(condition)


def test_review_screen_shows_edit_against_the_public_version(client, editor, reviewer):
    make_reference("lee2019", title="Shin pain in runners")
    condition = make_condition(editor, sections=[("overview", "Gout causes sudden joint pain.")])
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    client.force_login(editor)
    _edit_overview(client, condition, "Gout causes sudden, severe joint pain [@lee2019].")
    workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    change_page = client.get(_change_url(condition)).content.decode()
    assert _review_url(condition) in change_page
    page = client.get(_review_url(condition)).content.decode()
    assert "Review changes to “Example syndrome”" in page
    assert "In expert review" in page
    assert "The public sees version 1" in page
    assert "Your decision" in page and "Approve and publish" in page and "Request changes" in page
    assert 'sudden<ins><span class="visually-hidden">added: </span>, severe</ins> joint' in page
    assert '<ins><span class="visually-hidden">added: </span>[lee2019]</ins>.' in page
    assert "Shin pain in runners" in page  # the newly cited reference, listed as added
    assert "References: 1 added." in page


def test_review_screen_before_first_publication_shows_everything_as_new(client, editor):
    condition = make_condition(editor, sections=[("overview", "Gout causes joint pain.")])
    client.force_login(editor)
    page = client.get(_review_url(condition)).content.decode()
    assert "First publication: everything is new." in page
    assert '<ins><span class="visually-hidden">added: </span>Gout causes joint pain.</ins>' in page


def test_review_screen_of_a_page_taken_offline_says_so(client, editor, reviewer):
    condition = make_condition(editor)
    publish(condition, editor=editor, reviewer=reviewer)
    workflow.unpublish(condition, by=reviewer, reason="Outdated advice")
    client.force_login(reviewer)
    page = client.get(_review_url(condition)).content.decode()
    assert "Not on the public site: everything is new." in page
    assert "First publication" not in page


@pytest.mark.parametrize("screen", ["review", "compare"])
def test_comparison_screens_need_a_role(client, editor, stranger, screen):
    condition = make_condition(editor)
    (version,) = _versions(condition)
    url = _review_url(condition) if screen == "review" else _compare_url(condition, version, version)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(stranger)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    no_role = User.objects.create_user("staffer", is_staff=True)
    client.force_login(no_role)
    assert client.get(url).status_code == 403


def test_reviewer_can_compare_versions(client, editor, reviewer2):
    condition = make_condition(editor)
    (version,) = _versions(condition)
    client.force_login(reviewer2)
    response = client.get(_compare_url(condition, version, version))
    assert response.status_code == 200
    assert "No differences." in response.content.decode()


# --- query counts --------------------------------------------------------------------------------


def _page_with(editor, reviewer, size: int) -> Condition:
    """A published page of ``size`` sections citing ``size`` references, then edited everywhere."""
    keys = [make_reference().key for _ in range(size)]
    slug = f"page-{size}"

    def sections(word):
        return [("overview", f"{word} overview [@{keys[0]}].")] + [
            ("other", f"{word} section {n} [@{key}].") for n, key in enumerate(keys[1:], start=1)
        ]

    condition = make_condition(editor, slug=slug, sections=sections("First"))
    publish(condition, editor=editor, reviewer=reviewer)
    condition = make_condition(editor, slug=slug, sections=sections("Second"))
    workflow.submit(condition, by=editor)
    return condition


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_compare_view_queries_do_not_grow_with_the_page(client, editor, reviewer):
    small, large = _page_with(editor, reviewer, 3), _page_with(editor, reviewer, 20)
    client.force_login(editor)
    urls = [_compare_url(c, _versions(c)[0], _versions(c)[-1]) for c in (small, large)]
    client.get(urls[0])  # warm the content-type cache, shared by every later request
    # Session, user, the condition, user and group permissions, the two versions (with their
    # revisions and users), every version in those two revisions, the references of both.
    assert _count(client, urls[0]) == _count(client, urls[1]) == 8


def test_review_view_queries_do_not_grow_with_the_page(client, editor, reviewer):
    small, large = _page_with(editor, reviewer, 3), _page_with(editor, reviewer, 20)
    client.force_login(reviewer)
    urls = [_review_url(small), _review_url(large)]
    client.get(urls[0])  # warm the content-type cache, as above
    # Session, user, the condition, user and group permissions, sections, short answers (both
    # prefetched for the snapshot and the publish gate), the live publication, the last editor,
    # the listed reference ids, the references, the publish gate's cited and listed references,
    # the submission in review (with its submitter, shared by the approval predicate, the
    # decision forms and the "you are reading" line) and its recorded contributors, and whether
    # an earlier clinical review allows an editorial approval.
    assert _count(client, urls[0]) == _count(client, urls[1]) == 16
