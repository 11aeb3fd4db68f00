"""The published page's schema: what approval stores, and every shape ever stored loading again."""

from __future__ import annotations

import copy
from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from conditions.compare import snapshot_from_publication
from conditions.models import Publication
from conditions.public import search
from conditions.publishedpage import (
    SCHEMA_VERSION,
    PublishedPage,
    ReviewInfo,
    question_slugs,
    section_anchors,
)
from conditions.rendering import render_condition
from tests.factories import make_condition, make_image, make_reference, publish

# --- every shape a publication was ever stored in ------------------------------------------------
# Copied from what conditions/rendering.py wrote at each stage (git log -p conditions/rendering.py).
# Stored pages are never rewritten: each of these must keep loading, and the last one is what the
# site writes today.

_SECTION = {
    "id": "overview",
    "kind": "overview",
    "heading": "Overview",
    "markdown": "Gout hurts [@doe2020].",
    "html": '<p>Gout hurts<sup class="citation"><a href="#ref-1" id="cite-1-1" aria-label="Reference 1">'
    "1</a></sup>.</p>",
}
_ANSWERS = [
    {
        "id": "question-1",
        "question": "Is gout curable?",
        "answer_markdown": "It can be *controlled*.",
        "answer_html": "<p>It can be <em>controlled</em>.</p>",
        "details_markdown": "",
        "details_html": "",
    },
    {
        "id": "question-2",
        "question": "Is gout curable??",
        "answer_markdown": "Yes.",
        "answer_html": "<p>Yes.</p>",
        "details_markdown": "With medicines.",
        "details_html": "<p>With medicines.</p>",
    },
]
_REFERENCE = {
    "number": 1,
    "key": "doe2020",
    "kind": "journal-article",
    "backlinks": ["cite-1-1"],
    "url": "",
    "doi": "10.1000/gout",
    "pmid": "",
    "text": "Doe J. Gout. <i>J Clin Things</i>. 2020;12(3):100-110. "
    '<a href="https://doi.org/10.1000/gout">doi:10.1000/gout</a>',
}
_BIBLIOGRAPHY = {
    "authors": ["Doe J"],
    "title": "Gout",
    "container_title": "J Clin Things",
    "edition": "",
    "publisher": "",
    "place": "",
    "year": 2020,
    "volume": "12",
    "issue": "3",
    "pages": "100-110",
    "accessed_on": "2024-05-01",
}
_REVIEW = {"reviewed_by": "Rita Reviewer, MD", "reviewed_on": "2025-03-01", "next_review_due": "2028-03-01"}
_PAGE = {"name": "Gout", "slug": "gout", "also_called": ["Podagra"], "summary": "Painful joints."}

# The foundation: answers without a slug, references without their bibliographic fields.
FOUNDATION = {
    **_PAGE,
    "sections": [_SECTION],
    "short_answers": _ANSWERS,
    "references": [_REFERENCE],
    "review": _REVIEW,
}
# Short-answer pages: each answer stored with its slug.
QUESTION_PAGES = {
    **FOUNDATION,
    "short_answers": [{**_ANSWERS[0], "slug": "is-gout-curable"}, {**_ANSWERS[1], "slug": "curable"}],
}
# Review integrity: every field of every reference frozen.
REVIEW_INTEGRITY = {**QUESTION_PAGES, "references": [{**_REFERENCE, **_BIBLIOGRAPHY}]}
# Schema version 1: versioned, and the short answers' "Last updated" date kept with the review.
VERSION_1 = {
    "schema_version": 1,
    **REVIEW_INTEGRITY,
    "review": {**_REVIEW, "updated_on": "2025-03-02"},
}
# Schema version 2: the condition's codes.
VERSION_2 = {**VERSION_1, "schema_version": 2, "codes": ["ICD10CM:M10.9", "SNOMEDCT:90560007"]}
_RENDITION = {"url": "/media/images/ab/abab/w320.webp", "width": 320, "height": 240, "type": "image/webp"}
_IMAGE = {
    "key": "gout-toe",
    "alt": "A red, swollen joint at the base of the big toe",
    "caption": "Gout often starts in the big toe.",
    "credit": "Example Clinic",
    "licence": "cc-by-4.0",
    "licence_name": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
    "source_url": "",
    "copyright_notice": "",
    "width": 1440,
    "height": 1080,
    "src": "/media/images/ab/abab/w1440.jpg",
    "renditions": [_RENDITION],
    "og_image": "/media/images/ab/abab/og-50-50.jpg",
}
# Schema version 3: the images the page shows, their renditions' addresses frozen.
VERSION_3 = {**VERSION_2, "schema_version": 3, "images": [_IMAGE]}
STORED_SHAPES = [FOUNDATION, QUESTION_PAGES, REVIEW_INTEGRITY, VERSION_1, VERSION_2, VERSION_3]


def _shape(value):
    """The keys of ``value`` at every level (one list item standing for all)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_shape(value[0])]
    return None


@pytest.mark.parametrize(
    "stored", STORED_SHAPES, ids=["foundation", "question-pages", "integrity", "v1", "v2", "v3"]
)
def test_every_stored_shape_loads(stored):
    page = PublishedPage.from_json(copy.deepcopy(stored))
    assert page.schema_version == SCHEMA_VERSION
    assert (page.name, page.slug, page.also_called, page.summary) == (
        "Gout",
        "gout",
        ("Podagra",),
        "Painful joints.",
    )
    assert page.sections[0].html == _SECTION["html"] and page.sections[0].id == "overview"
    assert [a.question for a in page.short_answers] == ["Is gout curable?", "Is gout curable??"]
    assert page.references[0].html == _REFERENCE["text"] and page.references[0].backlinks == ("cite-1-1",)
    assert page.review.reviewed_on == date(2025, 3, 1) and page.review.next_review_due == date(2028, 3, 1)
    assert page.review.reviewed_by == "Rita Reviewer, MD"


def test_answers_stored_without_a_slug_get_the_slugs_rendering_gives():
    foundation = PublishedPage.from_json(FOUNDATION)
    assert [a.slug for a in foundation.short_answers] == ["is-gout-curable", "is-gout-curable-2"]
    # A stored slug is the page's address: kept, even where rendering would now give another.
    stored = PublishedPage.from_json(QUESTION_PAGES)
    assert [a.slug for a in stored.short_answers] == ["is-gout-curable", "curable"]


def test_references_stored_before_their_fields_were_frozen_read_as_empty():
    (reference,) = PublishedPage.from_json(QUESTION_PAGES).references
    assert (reference.number, reference.key, reference.doi) == (1, "doe2020", "10.1000/gout")
    assert (reference.title, reference.authors, reference.year, reference.accessed_on) == ("", (), None, None)
    (frozen,) = PublishedPage.from_json(REVIEW_INTEGRITY).references
    assert (frozen.title, frozen.authors, frozen.year) == ("Gout", ("Doe J",), 2020)
    assert frozen.accessed_on == date(2024, 5, 1)


def test_unversioned_pages_have_no_last_updated_date():
    assert PublishedPage.from_json(REVIEW_INTEGRITY).review.updated_on is None
    assert PublishedPage.from_json(VERSION_1).review.updated_on == date(2025, 3, 2)


def test_a_page_without_its_own_names_takes_the_publications_and_asks_only_then():
    asked = []

    def fallback():
        asked.append(True)
        return {
            "name": "Gout (v1)",
            "slug": "gout-v1",
            "summary": "From the row.",
            "also_called": ["Podagra"],
        }

    PublishedPage.from_json(FOUNDATION, fallback=fallback)
    assert not asked
    page = PublishedPage.from_json({}, fallback=fallback)
    assert (page.name, page.slug, page.summary, page.also_called) == (
        "Gout (v1)",
        "gout-v1",
        "From the row.",
        ("Podagra",),
    )
    assert page.sections == page.short_answers == page.references == ()
    assert page.review == ReviewInfo()


def test_the_newest_stored_shape_is_what_the_site_writes(editor):
    """Adding a field to the published page: give it an upgrade step (SCHEMA_VERSION + 1, a step in
    publishedpage._UPGRADES that fills it in older pages), and add the new shape to STORED_SHAPES.
    Until then this test, and loading the shapes above, fail."""
    assert STORED_SHAPES[-1]["schema_version"] == SCHEMA_VERSION
    assert PublishedPage.from_json(VERSION_3).to_json() == VERSION_3
    make_reference("doe2020", accessed_on=date(2024, 5, 1))
    make_image("gout-toe")
    condition = make_condition(
        editor,
        sections=[("overview", "Gout hurts [@doe2020].\n\n![](image:gout-toe)")],
        short_answers=[("Is gout curable?", "It can be *controlled*.", "")],
    )
    review = ReviewInfo("Rita Reviewer, MD", date(2025, 3, 1), date(2028, 3, 1), date(2025, 3, 2))
    assert _shape(render_condition(condition, review).structured_data) == _shape(VERSION_3)


def test_pages_stored_before_codes_have_none_and_codes_are_kept():
    assert PublishedPage.from_json(VERSION_1).codes == ()
    assert PublishedPage.from_json(VERSION_2).codes == ("ICD10CM:M10.9", "SNOMEDCT:90560007")


def test_a_stored_page_missing_a_field_of_its_version_is_refused():
    broken = copy.deepcopy(VERSION_1)
    del broken["references"][0]["title"]
    with pytest.raises(KeyError, match="title"):
        PublishedPage.from_json(broken)


def test_a_page_from_a_newer_site_is_refused():
    with pytest.raises(ValueError, match=f"schema version {SCHEMA_VERSION + 1} cannot be read"):
        PublishedPage.from_json({**VERSION_1, "schema_version": SCHEMA_VERSION + 1})


def test_round_trip_of_a_rendered_page(editor):
    make_reference("doe2020", url="https://example.org/gout", accessed_on=date(2024, 5, 1))
    make_reference("roe2021")
    condition = make_condition(
        editor,
        sections=[("overview", "Gout [@doe2020]."), ("other", "More [@doe2020; @roe2021]."), ("other", "x")],
        short_answers=[("Why?", "Uric acid [@roe2021].", "Crystals.")],
        also_called=["Podagra"],
    )
    review = ReviewInfo("Rita Reviewer, MD", date(2025, 3, 1), date(2028, 3, 1), date(2025, 3, 2))
    page = render_condition(condition, review).page
    assert PublishedPage.from_json(page.to_json()) == page
    assert [s.id for s in page.sections] == ["overview", "other", "other-2"]
    assert [(r.key, r.number, r.backlinks) for r in page.references] == [
        ("doe2020", 1, ("cite-1-1", "cite-1-2")),
        ("roe2021", 2, ("cite-2-1", "cite-2-2")),
    ]
    assert page.references[0].accessed_on == date(2024, 5, 1)
    assert page.review == review


def test_publication_page_reads_what_approval_stored(editor, reviewer):
    condition = make_condition(editor, short_answers=[("Is it common?", "Yes.", "")])
    publication = publish(condition, editor=editor, reviewer=reviewer)
    stored = Publication.objects.get(pk=publication.pk)
    assert stored.structured_data["schema_version"] == SCHEMA_VERSION
    assert stored.page.to_json() == stored.structured_data
    assert stored.page.short_answers[0].slug == "is-it-common"
    assert stored.page.review.reviewed_by == stored.reviewed_by_name
    assert stored.page.review.updated_on == stored.went_live_at.date()


# --- an old publication, served everywhere --------------------------------------------------------


@pytest.fixture
def old_live(editor, reviewer):
    """A live page whose publication was stored in the foundation's shape."""
    make_reference("doe2020")
    condition = make_condition(editor, "Gout", sections=[("overview", "Gout hurts [@doe2020].")])
    publication = publish(condition, editor=editor, reviewer=reviewer)
    old = {**copy.deepcopy(FOUNDATION), "slug": publication.slug}
    Publication.objects.filter(pk=publication.pk).update(structured_data=old)
    condition.refresh_from_db()
    return condition


def test_an_old_publication_is_served_by_the_api_and_question_pages(client, old_live):
    body = client.get(f"/api/conditions/{old_live.public_slug}/").json()
    assert [a["question"] for a in body["short_answers"]] == ["Is gout curable?", "Is gout curable??"]
    assert body["short_answers"][1]["url"].endswith("/questions/is-gout-curable-2/")
    assert body["references"][0]["title"] == "" and body["references"][0]["doi"] == "10.1000/gout"
    assert client.get(body["short_answers"][1]["url"]).status_code == 200
    assert "/questions/is-gout-curable-2/" in client.get("/sitemap.xml").content.decode()


def test_an_old_publication_is_searchable_and_comparable(old_live):
    search.index(old_live)
    assert [r.name for r in search.search("controlled").results] == ["Gout"]
    snapshot = snapshot_from_publication(old_live.live_publication)
    assert snapshot.short_answers[0].answer == ("It can be controlled.",)
    assert snapshot.sections[0].paragraphs == ("Gout hurts [doe2020].",)


def test_a_clinical_review_after_an_old_publication_flags_unchanged_answers(editor, reviewer, old_live):
    make_condition(
        editor,
        "Gout",
        slug=old_live.slug,
        sections=[("overview", "Gout hurts a lot [@doe2020].")],
        short_answers=[("Is gout curable?", "It can be *controlled*.", ""), ("New?", "Yes.", "")],
    )
    publish(old_live, editor=editor, reviewer=reviewer)
    flagged = dict(old_live.short_answers.values_list("question", "needs_review"))
    assert flagged == {"Is gout curable?": True, "New?": False}


# --- addresses within a page ----------------------------------------------------------------------


def test_section_anchors_avoid_the_pages_own_ids_and_each_other():
    assert section_anchors(["References", "Causes", "Causes", "?!", "Questions"]) == [
        "references-2",
        "causes",
        "causes-2",
        "section",
        "questions-2",
    ]


def test_question_slugs_are_short_unique_and_never_empty():
    long = "Why " + "very " * 30 + "long?"
    slugs = question_slugs([long, long, "???"])
    assert len(slugs[0]) <= 80 and not slugs[0].endswith("-")
    assert slugs[1] == f"{slugs[0]}-2" and slugs[2] == "question"


def test_published_pages_cannot_be_changed_in_place():
    page = PublishedPage.from_json(VERSION_1)
    with pytest.raises(FrozenInstanceError):
        page.references[0].title = "Changed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        page.sections.append(page.sections[0])  # type: ignore[attr-defined]


def test_pages_stored_before_images_show_none_and_images_are_kept():
    assert PublishedPage.from_json(VERSION_2).images == ()
    (image,) = PublishedPage.from_json(VERSION_3).images
    assert (image.key, image.licence_name, image.width, image.height) == ("gout-toe", "CC BY 4.0", 1440, 1080)
    assert image.renditions[0].url == "/media/images/ab/abab/w320.webp"
    assert image.renditions[0].type == "image/webp"
