"""The editor admin reads a page in a fixed number of queries, however much data there is.

Each test measures a screen with a small data set and with a larger one: the counts must match,
and equal the number the comment accounts for query by query. Tests run inside a transaction, so
the transaction an admin view opens (reversion's revision block, the change form's atomic block)
shows as a SAVEPOINT and its RELEASE. The review dashboard's test is in
tests/conditions/admin/test_dashboard.py, the review screen's in tests/conditions/admin/test_review.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Version

from conditions import workflow
from conditions.models import Condition
from tests.factories import make_condition, make_reference, publish

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:conditions_condition_changelist")
REFERENCES = reverse("admin:references_reference_changelist")


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in queries.captured_queries]


def _counts(client, urls: list[str]) -> dict[str, int]:
    client.get(urls[0])  # warm the content-type cache, shared by every later request
    return {url: len(_queries(client, url)) for url in urls}


# --- the condition list ------------------------------------------------------------------------


def _add_pages(editor, reviewer, first: int, count: int) -> None:
    """Pages of each kind the list's filters tell apart: drafts never reviewed, live pages (half
    overdue for review, half due soon), pages in review, and pages scheduled to go live."""
    tomorrow = timezone.now() + timedelta(days=1)
    for n in range(first, first + count):
        condition = make_condition(editor, f"Syndrome {n:02}", sections=[("overview", f"Page {n}.")])
        if n % 4 == 1:
            publish(condition, editor=editor, reviewer=reviewer)
            due = timezone.localdate() + timedelta(days=-10 if n % 8 == 1 else 10)
            Condition.objects.filter(pk=condition.pk).update(next_review_due=due)
        elif n % 4 == 2:
            publish(condition, editor=editor, reviewer=reviewer, go_live_at=tomorrow)
        elif n % 4 == 3:
            workflow.submit(condition, by=editor)


CHANGELIST_QUERIES = [
    "",
    "?status__exact=draft",
    "?status__exact=published",
    "?live=yes",
    "?live=no",
    "?live=scheduled",
    "?review_due=overdue",
    "?review_due=soon",
    "?review_due=never",
    "?q=syndrome",
    "?q=syndrome&status__exact=published&live=yes",
]


def test_condition_list_queries_do_not_grow_with_the_pages(client, editor, reviewer):
    client.force_login(editor)
    urls = [CHANGELIST + query for query in CHANGELIST_QUERIES]
    _add_pages(editor, reviewer, 0, 3)
    few = _counts(client, urls)
    _add_pages(editor, reviewer, 3, 22)
    many = _counts(client, urls)
    assert "Syndrome 24" in client.get(CHANGELIST).content.decode()
    # Session, user, SAVEPOINT, the user's and their groups' permissions, the count of the
    # matching rows (no second count of the whole table: show_full_result_count is off), the
    # page of rows with their publications joined in, RELEASE.
    assert few == many == dict.fromkeys(urls, 8)


# --- one condition: edit page, history, comparison ---------------------------------------------


def _page(editor, size: int, *, versions: int = 1, name: str = "") -> Condition:
    """A draft of ``size`` sections, short answers and listed references, saved ``versions`` times."""
    keys = [make_reference().key for _ in range(size)]
    sections = [("overview", f"Overview [@{keys[0]}].")]
    sections += [("other", f"Section {n} cites [@{key}].") for n, key in enumerate(keys[1:], start=1)]
    answers = [(f"Question {n}?", f"Answer {n}.", "Details.") for n in range(size)]
    name = name or f"Page of {size}"
    condition = None
    for version in range(versions):
        condition = make_condition(
            editor,
            name,
            slug=slugify(name),
            summary=f"Summary, version {version}.",
            sections=sections,
            short_answers=answers,
            reference_keys=keys,
        )
    return condition


def _change_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_change", args=[condition.pk])


def test_edit_page_queries_do_not_grow_with_the_page(client, editor):
    """An editor opening a draft: every part editable, the publish gate checked."""
    small, large = _page(editor, 2), _page(editor, 15)
    client.force_login(editor)
    counts = _counts(client, [_change_url(small), _change_url(large)])
    # Session, user, SAVEPOINT, the condition with its publications and last editor,
    # permissions and group permissions, the three inlines' rows: sections, short answers, listed
    # references with their references (which label the pickers). The workflow panel: the short
    # answers (for the stale-answer list and its predicate), whether any earlier public version
    # could be withdrawn (asked whoever reads: a step open to somebody is shown to everyone, with
    # the reason if they may not take it), the sections, cited references and listed references
    # for the publish gate; RELEASE; the recent review log.
    assert list(counts.values()) == [16, 16]


def test_page_in_review_queries_do_not_grow_with_the_page(client, editor, reviewer):
    """A reviewer opening a page in review: read-only parts, the approval predicates."""
    small, large = _page(editor, 2), _page(editor, 15)
    for condition in (small, large):
        workflow.submit(condition, by=editor)
    client.force_login(reviewer)
    counts = _counts(client, [_change_url(small), _change_url(large)])
    # As above without the publish gate (three queries), plus the submission in review (shared
    # by the predicates and the decision forms) and its recorded contributors, whether an
    # earlier clinical review allows an editorial approval, whether any earlier public version
    # could be withdrawn from the archive, and whether any reference's work was retracted (the
    # approval checklist then asks about it).
    assert list(counts.values()) == [17, 17]


def test_history_queries_do_not_grow_with_the_versions(client, editor):
    few, many = _page(editor, 2, versions=3, name="Few"), _page(editor, 2, versions=30, name="Many")
    client.force_login(editor)
    urls = [reverse("admin:conditions_condition_history", args=[c.pk]) for c in (few, many)]
    counts = _counts(client, urls)
    # Session, user, permissions and group permissions, the count of versions and the page of
    # them (with their revisions and users), the condition, and the admin log's count (Django's
    # own history list, which the list of versions replaces on the page).
    assert list(counts.values()) == [8, 8]


def test_compare_queries_do_not_grow_with_the_versions(client, editor):
    few, many = _page(editor, 2, versions=3), _page(editor, 15, versions=30)
    client.force_login(editor)
    urls = []
    for condition in (few, many):
        versions = Version.objects.get_for_object(condition).order_by("pk").values_list("pk", flat=True)
        compare = reverse("admin:conditions_condition_compare", args=[condition.pk])
        urls.append(f"{compare}?from={versions.first()}&to={versions.last()}")
    counts = _counts(client, urls)
    # Session, user, the condition, permissions and group permissions, the two versions with
    # their revisions and users, every version in those two revisions, the references of both.
    assert list(counts.values()) == [8, 8]


# --- references ---------------------------------------------------------------------------------


def test_reference_list_and_search_queries_do_not_grow(client, editor):
    client.force_login(editor)
    urls = [REFERENCES, REFERENCES + "?q=study", REFERENCES + "?q=study&kind__exact=journal-article"]
    for _ in range(2):
        make_reference()
    few = _counts(client, urls)
    for _ in range(18):
        make_reference()
    many = _counts(client, urls)
    # Session, user, SAVEPOINT, permissions and group permissions, the count of the matching
    # rows, the page of them, RELEASE, and the years the year filter offers.
    assert few == many == dict.fromkeys(urls, 9)


def _use_reference(key: str, editor, reviewer, pages: int, first: int) -> None:
    """``pages`` pages that cite and list the reference; every other one published."""
    for n in range(first, first + pages):
        condition = make_condition(
            editor, f"User {n:02}", sections=[("overview", f"Claim [@{key}].")], reference_keys=[key]
        )
        if n % 2:
            publish(condition, editor=editor, reviewer=reviewer)


def test_reference_edit_page_queries_do_not_grow_with_its_use(client, editor, reviewer):
    reference = make_reference("shared")
    url = reverse("admin:references_reference_change", args=[reference.pk])
    client.force_login(editor)
    _use_reference("shared", editor, reviewer, 2, 0)
    few = _counts(client, [url])[url]
    _use_reference("shared", editor, reviewer, 10, 2)
    many = _queries(client, url)
    page = client.get(url).content.decode()
    assert "User 11, version 1" in page and ">User 10</a>" in page
    # Session, user, SAVEPOINT, the reference, permissions and group permissions, whether a
    # publication cites it (it may not be deleted then), RELEASE; where it is used, each list
    # cut short with a count of all: the pages listing it and their count, the sections and
    # short answers citing it and the first of those pages, and the published versions citing it
    # and their count.
    assert few == len(many) == 15, "\n".join(many)
