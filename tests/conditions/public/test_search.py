"""Public search: what is found, in what order, how it is shown, and that no input breaks it.

Runs on SQLite (FTS5) locally and on PostgreSQL (tsvector) in CI; the expectations are the same.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conditions import workflow
from conditions.content import ConditionData, SectionData, ShortAnswerData, write_condition
from conditions.models import SearchDocument
from conditions.public import search
from medsite.markdown import render
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db

SEARCH_URL = "/search/"


@pytest.fixture
def publish_page(editor, reviewer):
    """Write and publish a page through the real workflow; returns the live condition."""

    def publish_page(name: str, **fields):
        condition = make_condition(editor, name, **fields)
        publish(condition, editor=editor, reviewer=reviewer)
        condition.refresh_from_db()
        return condition

    return publish_page


def names(query: str, **options) -> list[str]:
    return [result.name for result in search.search(query, **options).results]


def page(client, query: str, **params) -> str:
    response = client.get(SEARCH_URL, {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


# --- what is found, and in what order ---------------------------------------------------------


def test_search_url_is_fixed():
    assert reverse("conditions:search") == SEARCH_URL


def test_page_named_for_the_query_ranks_above_pages_that_mention_it(publish_page):
    publish_page(
        "Arthritis",
        summary="Painful joints, including gout.",
        sections=[("overview", "Gout, gout and more gout: gout is one kind of arthritis.")],
    )
    publish_page("Gout", summary="A kind of arthritis.", sections=[("overview", "Crystals in a joint.")])
    assert names("gout") == ["Gout", "Arthritis"]


def test_query_equal_to_another_name_puts_that_page_first(publish_page):
    publish_page(
        "Heartburn in pregnancy", summary="Heartburn when pregnant.", sections=[("overview", "Heartburn.")]
    )
    publish_page("Reflux oesophagitis", also_called=["Heartburn", "GORD"], summary="Acid reflux.")
    assert names("heartburn") == ["Reflux oesophagitis", "Heartburn in pregnancy"]
    assert names("Heartburn")[0] == "Reflux oesophagitis"


def test_other_names_are_found(publish_page):
    publish_page("Gastro-oesophageal reflux disease", also_called=["GERD", "Acid reflux"])
    assert names("gerd") == ["Gastro-oesophageal reflux disease"]
    assert names("acid reflux") == ["Gastro-oesophageal reflux disease"]


@pytest.mark.parametrize("query", ["sjogren", "Sjögren", "SJÖGREN", "sjögren's", "Sjogrens"])
def test_accents_and_case_do_not_matter(publish_page, query):
    publish_page("Sjögren's syndrome", summary="Dry eyes and a dry mouth.")
    assert names(query) == ["Sjögren's syndrome"]


def test_accented_text_is_found_by_plain_letters(publish_page):
    publish_page("Ménière's disease", summary="Vertigo with tinnitus.")
    assert names("meniere") == ["Ménière's disease"]
    assert names("MÉNIÈRE") == ["Ménière's disease"]


@pytest.mark.parametrize("query", ["migraines", "Migraine", "MIGRAINE", "migr", "Mi", "headaches"])
def test_plurals_prefixes_and_case(publish_page, query):
    publish_page("Migraine", summary="A severe headache that keeps coming back.")
    assert names(query) == ["Migraine"]


def test_every_word_must_match(publish_page):
    publish_page("Migraine", summary="A severe headache.")
    publish_page("Tension headache", summary="A tight band round the head.")
    assert names("headache") == ["Tension headache", "Migraine"]
    assert names("severe headache") == ["Migraine"]


def test_common_words_do_not_stop_a_match(publish_page):
    publish_page("Gout", summary="A kind of arthritis.")
    assert names("what is gout") == ["Gout"]


def test_section_text_is_found(publish_page):
    publish_page(
        "Coeliac disease",
        sections=[("overview", "An immune reaction."), ("treatment", "A strict **gluten-free** diet.")],
    )
    assert names("gluten") == ["Coeliac disease"]


def test_section_headings_are_found(publish_page):
    publish_page("Shingles", sections=[("overview", "A rash."), ("prevention", "A vaccine.")])
    assert names("prevention") == ["Shingles"]


@pytest.mark.parametrize("query", ["contagious", "handwashing", "incubation"])
def test_short_answers_are_found(publish_page, query):
    publish_page(
        "Norovirus",
        short_answers=[
            ("Is it contagious?", "Yes, very; **handwashing** helps.", "The incubation is short.")
        ],
    )
    assert names(query) == ["Norovirus"]


def test_citation_numbers_are_not_searchable_text():
    html = render("Flushing is common [@smith2020]. It passes [@smith2020; @jones2019].")
    assert search.html_to_text(html) == "Flushing is common. It passes."


def test_list_items_stay_apart_in_snippets():
    html = render("Symptoms include:\n\n- Fever\n- Headaches\n    - severe\n- A rash.\n\nSee a doctor")
    assert search.html_to_text(html) == "Symptoms include: Fever · Headaches · severe · A rash. See a doctor"


# --- only what the public can read --------------------------------------------------------------


def test_drafts_are_never_found(editor):
    make_condition(editor, "Unreviewed syndrome", summary="Not yet reviewed.")
    assert search.search("unreviewed").total == 0


def test_pages_in_review_are_never_found(editor):
    workflow.submit(make_condition(editor, "Pending syndrome"), by=editor)
    assert search.search("pending").total == 0


def test_publishing_makes_a_page_findable_at_once(client, editor, reviewer):
    condition = make_condition(editor, "Rosacea", summary="Redness of the face.")
    assert "No results" in page(client, "rosacea")
    publish(condition, editor=editor, reviewer=reviewer)
    assert "Rosacea</a>" in page(client, "rosacea")


def test_unpublishing_removes_a_page_at_once(client, publish_page, superuser):
    condition = publish_page("Rosacea", summary="Redness of the face.")
    assert names("rosacea") == ["Rosacea"]
    workflow.unpublish(condition, by=superuser, reason="Under revision")
    assert names("rosacea") == []
    assert "No results" in page(client, "rosacea")
    assert not SearchDocument.objects.filter(condition=condition).exists()


def test_an_unapproved_edit_is_not_findable_but_the_live_text_is(publish_page, editor, reviewer2):
    live = publish_page("Psoriasis", summary="Scaly patches.", sections=[("overview", "Plaques on elbows.")])
    write_condition(
        ConditionData(
            name=live.name,
            slug=live.slug,
            summary="Scaly patches.",
            sections=[SectionData("overview", "Unreviewed claim about turmeric.")],
        ),
        by=editor,
        comment="Draft rewrite",
    )
    workflow.submit(live, by=editor)
    assert names("turmeric") == []
    assert names("plaques") == ["Psoriasis"]
    workflow.approve(live, by=reviewer2, attestation=list(workflow.CHECKLIST))
    assert names("turmeric") == ["Psoriasis"]
    assert names("plaques") == []


def test_a_scheduled_version_is_found_only_once_it_goes_live(editor, reviewer, superuser):
    condition = make_condition(editor, "Impetigo", summary="A skin infection.")
    go_live_at = timezone.now() + timedelta(days=1)
    publish(condition, editor=editor, reviewer=reviewer, go_live_at=go_live_at)
    assert names("impetigo") == []
    workflow.publish_scheduled(by=superuser, now=go_live_at + timedelta(minutes=1))
    assert names("impetigo") == ["Impetigo"]


def test_a_rolled_back_transition_leaves_the_index_untouched(editor, reviewer):
    condition = make_condition(editor, "Scabies", summary="Itchy mites.")
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(condition, editor=editor, reviewer=reviewer)
        assert names("scabies") == ["Scabies"]
        raise RuntimeError("the transaction fails after approval")
    assert names("scabies") == []


def test_documents_deleted_any_way_leave_nothing_in_the_index(publish_page):
    publish_page("Gout", summary="Painful joints.")
    kept = publish_page("Gouty arthritis", summary="Painful joints too.")
    # As a test runner's flush or a cascade does: the rows go, past the workflow.
    SearchDocument.objects.exclude(condition=kept).delete()
    page = search.search("painful")
    assert (page.total, [result.name for result in page.results]) == (1, ["Gouty arthritis"])


# --- results pages ------------------------------------------------------------------------------


def test_result_shows_name_link_other_names_and_highlighted_snippet(client, publish_page):
    condition = publish_page(
        "Carcinoid syndrome",
        also_called=["Carcinoid"],
        summary="Flushing and diarrhoea caused by hormones from a tumour.",
    )
    html = page(client, "flushing")
    assert f'<a href="{condition.get_absolute_url()}">Carcinoid syndrome</a>' in html
    assert "Also called: Carcinoid" in html
    assert "<mark>Flushing</mark> and diarrhoea" in html
    assert "1 result for “flushing”" in html


def test_snippet_comes_from_the_body_when_the_summary_does_not_match(publish_page):
    publish_page(
        "Anaemia",
        summary="Too few red blood cells.",
        sections=[("overview", "Low iron."), ("symptoms", "Tiredness, pale skin and breathlessness.")],
    )
    [result] = search.search("breathless").results
    assert "<mark>breathlessness</mark>" in result.snippet
    assert "Symptoms:" in result.snippet


def test_snippet_marks_plurals_and_accents_in_the_text_as_written(publish_page):
    publish_page("Dry eye disease", summary="Sore eyes, linked to Sjögren's syndrome.")
    [result] = search.search("eye sjogren").results
    assert "Sore <mark>eyes</mark>, linked to <mark>Sjögren</mark>&#x27;s syndrome." in result.snippet


def test_long_text_snippet_is_cut_around_the_match():
    text = " ".join(f"word{n}" for n in range(200)) + " tinnitus " + " ".join(f"tail{n}" for n in range(200))
    snippet = search.snippet(text, ["tinnitus"])
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>tinnitus</mark>" in snippet
    assert len(snippet.split()) <= search.SNIPPET_WORDS + 2


def test_page_text_is_escaped_in_results(client, publish_page):
    publish_page(
        "Scripted syndrome",
        summary="Never run <script>alert(1)</script> in a summary.",
        sections=[("overview", "Code such as `<script>` is shown literally.")],
    )
    html = page(client, "script")
    assert "<script>" not in html
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in html
    body_html = page(client, "literally")
    assert "<script>" not in body_html
    assert "&lt;script&gt; is shown <mark>literally</mark>" in body_html


def test_query_is_escaped_on_the_page(client):
    html = page(client, '<img src=x onerror="alert(1)">')
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_search_pages_are_not_indexed_by_search_engines(client):
    assert '<meta name="robots" content="noindex">' in page(client, "")
    assert '<meta name="robots" content="noindex">' in page(client, "gout")


def test_search_page_has_a_labelled_form(client):
    html = page(client, "gout")
    assert "<h1" in html and ">Search</h1>" in html
    assert '<label for="search-q">Search conditions</label>' in html
    assert 'type="search" id="search-q" name="q" value="gout"' in html


def test_search_is_get_only(client):
    assert client.post(SEARCH_URL, {"q": "gout"}).status_code == 405


@pytest.fixture
def twelve_pages(publish_page):
    return [publish_page(f"Syndrome {n:02d}", summary=f"Page number {n}.") for n in range(1, 13)]


def test_results_are_paginated(client, twelve_pages):
    first = search.search("syndrome")
    assert (first.total, first.num_pages, len(first.results)) == (12, 2, 10)
    second = search.search("syndrome", page=2)
    assert [r.name for r in second.results] == ["Syndrome 11", "Syndrome 12"]
    html = page(client, "syndrome", page=2)
    assert "12 results for “syndrome”, page 2 of 2" in html
    assert '<nav class="pagination" aria-label="Search results pages">' in html
    assert 'href="?q=syndrome&amp;page=1" rel="prev"' in html
    assert 'href="?q=syndrome&amp;page=2" aria-current="page"' in html
    assert 'rel="next"' not in html
    assert '<ol class="search-results" start="11">' in html


@pytest.mark.parametrize(
    ("requested", "shown"), [("99", 2), ("0", 1), ("-3", 1), ("two", 1), ("9" * 5000, 1)]
)
def test_out_of_range_pages_show_the_nearest_page(client, twelve_pages, requested, shown):
    html = page(client, "syndrome", page=requested)
    assert f'page={shown}" aria-current="page"' in html


def test_page_numbers_elide_distant_pages():
    result = search.SearchPage(query="x", terms=["x"], total=200, page=10)
    assert result.page_numbers == [1, None, 8, 9, 10, 11, 12, None, 20]


# --- empty and hostile queries ------------------------------------------------------------------


def test_empty_query_asks_for_words_without_searching(client):
    with CaptureQueriesContext(connection) as queries:
        html = page(client, "   ")
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert "Type the name of a condition" in html
    assert 'href="/conditions/">browse conditions A–Z</a>' in html


def test_no_query_at_all(client):
    response = client.get(SEARCH_URL)
    assert response.status_code == 200
    assert "Type the name of a condition" in response.content.decode()


def test_no_results_suggests_what_to_try(client, publish_page):
    publish_page("Gout")
    html = page(client, "xyzzy")
    assert "No results for “xyzzy”" in html
    assert "check the spelling" in html
    assert "browse conditions A–Z" in html


HOSTILE = [
    '"',
    '"gout',
    "(",
    ")",
    "gout)",
    "AND OR NOT",
    "gout AND",
    "NEAR(gout",
    "NEAR(",
    "*",
    "gout*",
    "^gout",
    "col:",
    "name:gout",
    "name : gout",
    "{name synonyms}: gout",
    "'; DROP TABLE conditions_condition; --",
    "gout' OR '1'='1",
    "gout & | ! <-> :* \\",
    "!!!???...,,,",
    "😀🩺",
    "gout 😀",
    "\x00gout",
    "_",
    "gout_arthritis",
    "x" * 5000,
    "gout " * 1000,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_are_answered_without_error(client, publish_page, query):
    publish_page("Gout", summary="A kind of arthritis.")
    html = page(client, query)
    assert ">Search</h1>" in html
    # Nothing was dropped or broken: the page is still there and still found.
    assert names("gout") == ["Gout"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("gout AND", ["Gout"]),
        ("NOT gout", ["Gout"]),
        ("gout OR xyzzy", []),  # every word must match: OR is not an operator
        ('"gout"', ["Gout"]),
        ("(gout)", ["Gout"]),
        ("gout*", ["Gout"]),
        ("NEAR(gout arthritis)", []),  # "near" is a word to find, not an operator
        ("name:gout", []),  # "name" is a word to find, not a column
        ("gout 😀", ["Gout"]),
    ],
)
def test_operators_in_queries_are_read_as_words(publish_page, query, found):
    publish_page("Gout", summary="A kind of arthritis.")
    assert names(query) == found


def test_punctuation_only_query_says_there_is_nothing_to_search(client):
    html = page(client, "!!! ??? ***")
    assert "has no letters or numbers to search for" in html


def test_queries_are_capped(publish_page):
    publish_page("Gout")
    result = search.search(" ".join(f"word{n}" for n in range(50)) + " " + "y" * 5000)
    assert len(result.terms) == search.MAX_TERMS
    assert len(result.query) <= search.MAX_QUERY_LENGTH


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_no_text_makes_search_fail(publish_page_once, query):
    result = search.search(query)
    assert result.total in (0, 1)


@pytest.fixture
def publish_page_once(publish_page):
    return publish_page("Gout", summary="A kind of arthritis.")


# --- query counts -------------------------------------------------------------------------------


def test_search_query_count_does_not_grow_with_results(client, publish_page):
    publish_page("Syndrome 00")

    def count(query: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEARCH_URL, {"q": query}).status_code == 200
        return len(queries)

    one = count("syndrome")
    for n in range(1, 12):
        publish_page(f"Syndrome {n:02d}", sections=[("overview", f"Part {k}.") for k in range(10)])
    # The pages matching in their names, the count of all matches, (the page of the others, when
    # the page reaches past the first kind), this page's conditions with their publications; on
    # PostgreSQL also the SET LOCAL that keeps to the indexes, in a savepoint of the test's
    # transaction (two more statements).
    assert count("syndrome") == one <= (6 if connection.vendor == "postgresql" else 4)


# --- the search box on every page ---------------------------------------------------------------


def test_search_box_on_every_public_page(client, publish_page):
    condition = publish_page("Gout")
    for url in ["/", reverse("conditions:index"), condition.get_absolute_url(), SEARCH_URL]:
        html = client.get(url).content.decode()
        assert '<form class="site-search" role="search" aria-label="Site search" action="/search/"' in html, (
            url
        )
        assert '<label class="visually-hidden" for="site-search-q">Search conditions</label>' in html
        assert '<input type="search" id="site-search-q" name="q"' in html
        assert '<button type="submit">Search</button>' in html


# --- rebuild_search_index -----------------------------------------------------------------------


def test_rebuild_search_index_restores_a_lost_index(publish_page, editor, superuser):
    publish_page("Gout")
    offline = publish_page("Rosacea")
    workflow.unpublish(offline, by=superuser, reason="Withdrawn")
    make_condition(editor, "Draft syndrome")
    SearchDocument.objects.all().delete()  # as after a restore without the index
    assert names("gout") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 1 live page for search." in out.getvalue()
    assert names("gout") == ["Gout"]
    assert names("rosacea") == [] and names("draft") == []


def test_rebuild_search_index_drops_pages_that_are_not_live(publish_page, superuser):
    condition = publish_page("Gout")
    SearchDocument.objects.create(condition=make_condition(superuser, "Leaked draft"), name="leaked draft")
    call_command("rebuild_search_index", stdout=StringIO())
    assert list(SearchDocument.objects.values_list("condition", flat=True)) == [condition.pk]
    assert names("leaked") == []


def test_rebuild_search_index_dry_run_writes_nothing(publish_page):
    publish_page("Gout")
    SearchDocument.objects.all().delete()
    out = StringIO()
    call_command("rebuild_search_index", "--dry-run", stdout=out)
    assert "Would index 1 live page (dry run)." in out.getvalue()
    assert not SearchDocument.objects.exists()


def test_short_answer_edits_reach_the_index_on_approval(publish_page, editor, reviewer2):
    live = publish_page("Tinnitus", short_answers=[("Is it serious?", "Rarely.", "")])
    write_condition(
        ConditionData(
            name=live.name,
            slug=live.slug,
            short_answers=[ShortAnswerData("Is it serious?", "Usually not; it often fades.")],
        ),
        by=editor,
        comment="Answer rewritten",
    )
    workflow.submit(live, by=editor)
    assert names("fades") == []
    workflow.approve(live, by=reviewer2, kind="editorial")
    assert names("fades") == ["Tinnitus"]
    assert names("rarely") == []
