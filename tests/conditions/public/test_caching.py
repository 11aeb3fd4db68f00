"""The public page cache: served without the database, and never stale after a public change.

tests/conftest.py switches the cache on for every test, empty. Workflow changes retire cached
pages in their own transaction (no on-commit callback needed: a test's transaction never commits);
the tests that change something still wrap it in ``django_capture_on_commit_callbacks(execute=True)``:
the commit a real request makes, and the purge it queues.
"""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
import reversion
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from conditions import workflow
from conditions.content import ConditionData, SectionData, write_condition
from conditions.models import Condition, Publication
from conditions.public import caching
from medsite.frontcache.models import PurgeRequest
from tests.factories import CHECKED, make_condition, publish

pytestmark = pytest.mark.django_db

PAGE = "/conditions/carcinoid-syndrome/"
# A page served from the cache costs one query: were any of its keys retired since it was stored?
HIT_QUERIES = 1


@pytest.fixture
def live(editor, reviewer):
    condition = make_condition(
        editor,
        name="Carcinoid syndrome",
        sections=[("overview", "First edition text.")],
        short_answers=[("What causes it?", "Hormones from a tumour.", "")],
    )
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def _get(client, path: str = PAGE, **headers):
    """The response, and how many SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return response, len(queries)


def _new_edition(condition: Condition, text: str, *, editor) -> None:
    write_condition(
        ConditionData(name=condition.name, slug=condition.slug, sections=[SectionData("overview", text)]),
        by=editor,
        comment="New edition",
    )


# --- served from the cache ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        PAGE,
        PAGE + "questions/what-causes-it/",
        PAGE + "history/",
        PAGE + "history/1/",
        "/",
        "/conditions/",
        "/sitemap.xml",
        "/feeds/updates/",
        "/api/conditions/",
    ],
)
def test_second_anonymous_request_is_served_from_the_cache(client, live, path):
    first, first_queries = _get(client, path)
    second, second_queries = _get(client, path)
    assert first.status_code == second.status_code == 200
    assert first_queries > HIT_QUERIES
    assert second_queries == HIT_QUERIES
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize(
    "path",
    [PAGE, PAGE + "questions/what-causes-it/", "/api/conditions/carcinoid-syndrome/"],
)
def test_a_page_rendered_for_the_cache_takes_two_queries(client, live, path):
    """The generation it is stored under, and the page with its live version: the keys it is
    tagged with come from the page the view read, not from a second look-up."""
    response, queries = _get(client, path)
    assert response.status_code == 200 and queries == 2
    assert f"page:{live.pk}" in response["Surrogate-Key"].split()


def test_head_is_answered_from_the_cache_too(client, live):
    client.get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        response = client.head(PAGE)
    assert response.status_code == 200 and len(queries) == HIT_QUERIES


def test_public_page_headers(client, live):
    response = client.get(PAGE)
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"].startswith('"')
    publication = live.live_publication
    assert response["Last-Modified"] == http_date(max(publication.went_live_at, live.updated_at).timestamp())
    cached = client.get(PAGE)
    assert (cached["ETag"], cached["Last-Modified"]) == (response["ETag"], response["Last-Modified"])
    for path in (PAGE + "questions/what-causes-it/", PAGE + "history/", PAGE + "history/1/"):
        page = client.get(path)
        assert page.has_header("ETag") and page.has_header("Last-Modified"), path


def test_if_none_match_gives_304_without_a_body(client, live):
    etag = client.get(PAGE)["ETag"]
    response, queries = _get(client, PAGE, if_none_match=etag)
    assert response.status_code == 304 and response.content == b""
    assert queries == HIT_QUERIES
    assert client.get(PAGE, headers={"if-none-match": '"something-else"'}).status_code == 200


def test_if_modified_since_gives_304_without_a_body(client, live):
    last_modified = client.get(PAGE)["Last-Modified"]
    response = client.get(PAGE, headers={"if-modified-since": last_modified})
    assert response.status_code == 304 and response.content == b""
    earlier = http_date((live.live_publication.went_live_at - timedelta(days=1)).timestamp())
    assert client.get(PAGE, headers={"if-modified-since": earlier}).status_code == 200


def test_cite_box_does_not_date_the_cached_page(client, live):
    # A cached copy may be served on later days: the page cannot say what today is.
    page = client.get(PAGE).content.decode()
    assert re.search(r"Accessed ([^.]*)\.", page).group(1) == "[date you read it]"


# --- never stale: each public change shows on the very next request ----------------------------


def test_approval_is_visible_at_once(client, live, editor, reviewer2, django_capture_on_commit_callbacks):
    client.get(PAGE)
    client.get("/feeds/updates/")
    _new_edition(live, "Second edition text.", editor=editor)
    workflow.submit(live, by=editor)
    assert "Second edition text." not in client.get(PAGE).content.decode()  # still in review
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(live, by=reviewer2, attestation=CHECKED)
    assert "Second edition text." in client.get(PAGE).content.decode()
    assert "Carcinoid syndrome (updated)" in client.get("/feeds/updates/").content.decode()


def test_a_new_page_is_listed_at_once(client, live, editor, reviewer, django_capture_on_commit_callbacks):
    assert "Gout" not in client.get("/conditions/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        publish(make_condition(editor, name="Gout"), editor=editor, reviewer=reviewer)
    assert "Gout" in client.get("/conditions/").content.decode()
    assert "Gout" in client.get("/").content.decode()


def test_scheduled_go_live_is_visible_at_once(
    client, live, editor, reviewer2, django_capture_on_commit_callbacks
):
    _new_edition(live, "Scheduled edition text.", editor=editor)
    workflow.submit(live, by=editor)
    go_live_at = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(live, by=reviewer2, attestation=CHECKED, go_live_at=go_live_at)
    assert "Scheduled edition text." not in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.publish_scheduled(by=reviewer2, now=go_live_at + timedelta(minutes=1))
    assert "Scheduled edition text." in client.get(PAGE).content.decode()


def test_unpublish_answers_410_at_once(client, live, reviewer, django_capture_on_commit_callbacks):
    assert client.get(PAGE).status_code == 200
    assert "Carcinoid syndrome" in client.get("/conditions/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(live, by=reviewer, reason="Being revised")
    assert client.get(PAGE).status_code == 410
    assert client.get(PAGE + "history/").status_code == 410
    assert "Carcinoid syndrome" not in client.get("/conditions/").content.decode()


def test_approved_rename_redirects_at_once(
    client, live, editor, reviewer, django_capture_on_commit_callbacks
):
    assert client.get(PAGE).status_code == 200
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic(), reversion.create_revision():
        reversion.set_user(editor)
        live.slug = "carcinoid-tumour-syndrome"
        workflow.save_draft(live, by=editor, comment="Renamed")
    # A rename is a proposal until it is approved: the cached page stays right.
    assert client.get(PAGE).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        publish(live, editor=editor, reviewer=reviewer)
    response = client.get(PAGE)
    assert (response.status_code, response["Location"]) == (301, "/conditions/carcinoid-tumour-syndrome/")
    assert client.get("/conditions/carcinoid-tumour-syndrome/").status_code == 200
    assert "/conditions/carcinoid-tumour-syndrome/" in client.get("/conditions/").content.decode()


def test_site_changed_retires_pages_in_a_shared_cache(client, live, settings, tmp_path):
    # A restore retires every page; a file-based cache stands in for Redis here.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "shared-cache"),
        }
    }
    client.get(PAGE)
    client.get("/conditions/")
    assert _get(client)[1] == HIT_QUERIES
    caching.site_changed()
    assert _get(client)[1] > HIT_QUERIES
    assert _get(client, "/conditions/")[1] > HIT_QUERIES
    assert _get(client)[1] == HIT_QUERIES


# --- retired by key, durably ------------------------------------------------------------------


@pytest.fixture
def other(editor, reviewer):
    condition = make_condition(editor, name="Gout", sections=[("overview", "Gout text.")])
    publish(condition, editor=editor, reviewer=reviewer)
    condition.refresh_from_db()
    return condition


def test_responses_carry_the_keys_they_depend_on(client, live):
    page = client.get(PAGE)
    assert page["Surrogate-Key"] == f"site page:{live.pk}"
    assert page["Cache-Tag"] == f"site,page:{live.pk}"
    for path in (PAGE + "history/", PAGE + "questions/what-causes-it/", f"/api/conditions/{live.slug}/"):
        assert client.get(path)["Surrogate-Key"] == f"site page:{live.pk}", path
    assert client.get("/")["Surrogate-Key"] == "site home"
    assert client.get("/conditions/")["Surrogate-Key"] == "site az"
    assert client.get("/feeds/updates/")["Surrogate-Key"] == "site feed"
    assert client.get("/sitemap.xml")["Surrogate-Key"] == "site sitemap"
    search = client.get("/search/?q=carcinoid")
    assert caching.surrogate_keys(search.wsgi_request) == ["site", "search"]  # for the headers' module


def test_publishing_one_page_keeps_the_others_cached(
    client, live, other, editor, reviewer2, django_capture_on_commit_callbacks
):
    for path in (PAGE, "/conditions/gout/", "/conditions/gout/history/", "/conditions/"):
        client.get(path)
        assert _get(client, path)[1] == HIT_QUERIES, path
    _new_edition(live, "Second edition text.", editor=editor)
    workflow.submit(live, by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(live, by=reviewer2, attestation=CHECKED)
    assert _get(client, "/conditions/gout/")[1] == HIT_QUERIES
    assert _get(client, "/conditions/gout/history/")[1] == HIT_QUERIES
    fresh, queries = _get(client, PAGE)
    assert queries > HIT_QUERIES and "Second edition text." in fresh.content.decode()
    assert _get(client, "/conditions/")[1] > HIT_QUERIES  # a listing


def test_the_retirement_needs_no_commit_callback(client, live, reviewer):
    # The test's transaction never commits, so no on-commit callback runs: the retirement was
    # written with the change itself.
    client.get(PAGE)
    workflow.unpublish(live, by=reviewer, reason="Being revised")
    assert client.get(PAGE).status_code == 410


def test_a_failing_cache_during_publication_delays_nothing(
    client, live, editor, reviewer2, django_capture_on_commit_callbacks
):
    client.get(PAGE)
    _new_edition(live, "Second edition text.", editor=editor)
    workflow.submit(live, by=editor)
    broken = RuntimeError("cache unreachable")
    with (
        mock.patch.object(caches["default"], "set", side_effect=broken),
        mock.patch.object(caches["default"], "delete", side_effect=broken),
        mock.patch.object(caches["default"], "delete_many", side_effect=broken),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workflow.approve(live, by=reviewer2, attestation=CHECKED)
    assert "Second edition text." in client.get(PAGE).content.decode()


def test_a_cache_restored_from_old_data_cannot_bring_a_page_back(
    client, live, reviewer, django_capture_on_commit_callbacks
):
    client.get(PAGE)
    snapshot = dict(caches["default"]._cache)  # what a Redis snapshot would hold
    with django_capture_on_commit_callbacks(execute=True):
        workflow.unpublish(live, by=reviewer, reason="Being revised")
    caches["default"]._cache.update(snapshot)
    assert client.get(PAGE).status_code == 410


def test_a_change_rolled_back_retires_nothing(client, live, reviewer):
    client.get(PAGE)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.unpublish(live, by=reviewer, reason="Being revised")
        raise RuntimeError("the request failed after the step")
    assert _get(client)[1] == HIT_QUERIES


def test_a_rename_purges_both_addresses(
    client, live, editor, reviewer, settings, django_capture_on_commit_callbacks
):
    settings.MEDSITE_PURGE_BACKEND = "varnish"
    settings.MEDSITE_PURGE_VARNISH_URLS = ["http://127.0.0.1:9/"]  # nothing listens: stays queued
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(editor)
        live.slug = "carcinoid-tumour-syndrome"
        workflow.save_draft(live, by=editor, comment="Renamed")
    with django_capture_on_commit_callbacks(execute=True):
        publish(live, editor=editor, reviewer=reviewer)
    (queued,) = PurgeRequest.objects.all()
    assert f"page:{live.pk}" in queued.keys and "az" in queued.keys
    assert "http://testserver/conditions/carcinoid-syndrome/" in queued.urls
    assert "http://testserver/conditions/carcinoid-tumour-syndrome/" in queued.urls
    assert queued.attempts == 1 and "127.0.0.1:9" in queued.last_error


def test_an_unreachable_cache_does_not_take_the_site_down(client, live, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200


# --- what is never cached ------------------------------------------------------------------------


def test_logged_in_editor_gets_fresh_output_never_stored(client, live, editor):
    client.get(PAGE)  # cached for anonymous readers
    Publication.objects.filter(pk=live.live_publication_id).update(title="Renamed behind the cache")
    client.force_login(editor)
    response, queries = _get(client)
    assert queries > 0
    assert response["Cache-Control"] == "private, no-store"
    assert not response.has_header("ETag")
    assert "Renamed behind the cache" in response.content.decode()
    client.logout()
    assert "Renamed behind" not in client.get(PAGE).content.decode()  # the anonymous copy


def test_request_with_a_session_cookie_is_neither_served_nor_stored(client, live):
    client.cookies["sessionid"] = "not-even-a-valid-session"
    response, queries = _get(client)
    assert response.status_code == 200 and queries > 0
    assert _get(client)[1] > 0
    assert response["Cache-Control"] == "private, no-store"
    del client.cookies["sessionid"]
    assert _get(client)[1] > 0  # the session-cookie requests stored nothing


def test_search_is_never_cached(client, live):
    assert _get(client, "/search/?q=carcinoid")[1] > 0
    assert _get(client, "/search/?q=carcinoid")[1] > 0


def test_query_strings_are_not_cached(client, live):
    assert _get(client, PAGE + "?utm_source=newsletter")[1] > 0
    assert _get(client, PAGE + "?utm_source=newsletter")[1] > 0


@pytest.mark.parametrize("path", ["/conditions/no-such-page/", PAGE + "history/9/"])
def test_not_found_is_not_cached(client, live, path):
    assert client.get(path).status_code == 404
    assert _get(client, path)[1] > 0


def test_gone_is_not_cached(client, live, reviewer):
    workflow.unpublish(live, by=reviewer, reason="Being revised")
    assert client.get(PAGE).status_code == 410
    assert _get(client)[1] > 0


def test_page_cache_can_be_switched_off(client, live, settings):
    settings.MEDSITE_PAGE_CACHE_SECONDS = 0
    client.get(PAGE)
    response, queries = _get(client)
    assert queries > 0
    assert response["Cache-Control"] == "public, no-cache"
