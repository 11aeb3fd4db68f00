"""What browsers and shared caches are told, and compressed bodies (medsite/delivery.py).

Every public page type (tests/browser/pages.py's list, on the demo site moved on through the
workflow) plus the feed, sitemap, API, robots.txt and redirects is fetched and its Cache-Control
checked; compressed bodies are decoded and compared with the same page sent uncompressed.
"""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]  # no type information shipped
import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from medsite.delivery import MIN_COMPRESS_BYTES, QUERY_SHARED_SECONDS, DeliveryMiddleware, accepted_encoding
from tests.browser.conftest import DemoSite, demo_site  # noqa: F401 (the fixture, used by name)
from tests.browser.pages import public_pages

SHARED = 86400
CDN_POLICY = "public, max-age=0, s-maxage=86400, stale-while-revalidate=30"


@pytest.fixture
def cdn(settings):
    """A site with a purging cache in front: shared caches may keep public answers a day."""
    settings.MEDSITE_SHARED_CACHE_SECONDS = SHARED
    settings.MEDSITE_BROWSER_CACHE_SECONDS = 0
    settings.MEDSITE_STALE_WHILE_REVALIDATE = 30


def _directives(response) -> dict[str, str]:
    found = {}
    for item in response["Cache-Control"].split(","):
        name, _, value = item.strip().partition("=")
        found[name.lower()] = value
    return found


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def _every_public_address(site: DemoSite) -> list[tuple[str, str, int]]:
    """(name, path, status) of each public response type."""
    slug = site.current.slug
    pages = [(page.name, page.path, page.status) for page in public_pages(site)]
    return [
        *pages,
        ("feed", reverse("feed-updates"), 200),
        ("sitemap", reverse("sitemap"), 200),
        ("robots.txt", reverse("robots-txt"), 200),
        ("API list", reverse("conditions:api-list"), 200),
        ("API list, one letter", reverse("conditions:api-list") + "?letter=M", 200),
        ("API entry", reverse("conditions:api-detail", args=[slug]), 200),
        ("API entry taken offline", reverse("conditions:api-detail", args=[site.gone.slug]), 410),
        ("API unknown address", "/api/nothing-here/", 404),
        ("API changes", reverse("conditions:api-changes"), 200),
        ("API description", reverse("conditions:api-openapi"), 200),
        ("missing slash", f"/conditions/{slug}", 301),
    ]


def test_every_public_response_type_says_how_long_it_may_be_kept(cdn, demo_site):  # noqa: F811
    client = Client()
    for name, path, status in _every_public_address(demo_site):
        response = client.get(path)
        assert response.status_code == status, (name, path)
        directives = _directives(response)
        assert "public" in directives, (name, response["Cache-Control"])
        assert "private" not in directives and "no-store" not in directives, name
        assert "Cookie" in response.get("Vary", ""), (name, response.get("Vary"))
        # The API's description and its page change only with a release: their views keep them
        # a while (openapi.py), which the middleware leaves as they chose.
        described = path in (reverse("conditions:api-openapi"), reverse("conditions:api-docs"))
        if status == 200 and described:
            assert int(directives["max-age"]) > 0, (name, response["Cache-Control"])
        elif status == 200:
            # Browsers ask before each use; shared caches keep it until a purge, or briefly when
            # no purge can name the address.
            assert directives["max-age"] == "0", (name, response["Cache-Control"])
            expected = QUERY_SHARED_SECONDS if "?" in path else SHARED
            assert directives["s-maxage"] == str(expected), (name, response["Cache-Control"])
            assert directives["stale-while-revalidate"] == "30", name
            assert "no-cache" not in directives, name  # it would stop a CDN keeping it
        elif status in (301, 404, 410, 400):
            assert int(directives["max-age"]) > 0, (name, response["Cache-Control"])
            assert directives["s-maxage"] == str(SHARED), name


def test_a_page_is_the_same_from_the_page_cache(cdn, demo_site):  # noqa: F811
    path = reverse("conditions:detail", args=[demo_site.current.slug])
    first, again = Client().get(path), Client().get(path)
    assert first["Cache-Control"] == again["Cache-Control"] == CDN_POLICY
    assert _vary(first) == _vary(again)


def test_without_a_purging_cache_in_front_shared_caches_ask_each_time(settings, demo_site):  # noqa: F811
    settings.MEDSITE_SHARED_CACHE_SECONDS = 0
    settings.MEDSITE_BROWSER_CACHE_SECONDS = 0
    response = Client().get(reverse("conditions:detail", args=[demo_site.current.slug]))
    assert response["Cache-Control"] == "public, no-cache"
    api = Client().get(reverse("conditions:api-detail", args=[demo_site.current.slug]))
    assert api["Cache-Control"] == "public, no-cache"


def test_a_request_with_a_session_is_kept_by_nobody_and_sent_uncompressed(cdn, demo_site):  # noqa: F811
    client = Client()
    client.force_login(demo_site.users["editor"])
    for name, path, _status in _every_public_address(demo_site):
        response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert _directives(response).keys() >= {"private", "no-store"}, (name, response["Cache-Control"])
        assert "Content-Encoding" not in response, name


def test_admin_and_editor_pages_are_private_and_never_compressed(cdn, demo_site):  # noqa: F811
    client = Client()
    client.force_login(demo_site.users["editor"])
    for path in (
        reverse("admin:index"),
        reverse("admin:conditions_condition_change", args=[demo_site.editable.pk]),
    ):
        response = client.get(path, headers={"Accept-Encoding": "gzip, br"})
        assert response.status_code == 200
        assert _directives(response).keys() >= {"private", "no-store"}, path
        assert "Content-Encoding" not in response, path
    login = Client().get(reverse("admin:login"), headers={"Accept-Encoding": "gzip, br"})
    assert b"csrfmiddlewaretoken" in login.content
    assert "Content-Encoding" not in login
    assert _directives(login).keys() >= {"private", "no-store"}


def test_server_errors_are_not_kept(cdn, client, monkeypatch):
    from conditions.public import views

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views.site_search, "search", broken)
    client.raise_request_exception = False
    response = client.get(reverse("conditions:search") + "?q=migraine")
    assert response.status_code == 500
    assert response["Cache-Control"] == "no-store"


# --- compression ---------------------------------------------------------------------------------


def _decoded(response) -> bytes:
    coding = response.get("Content-Encoding")
    if coding == "br":
        return brotli.decompress(response.content)
    if coding == "gzip":
        return gzip.decompress(response.content)
    assert coding is None, coding
    return response.content


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0.5, gzip", "gzip"),
        ("br;q=0, gzip;q=0.1", "gzip"),
        ("*", "br"),
        ("*;q=0.2, gzip;q=0.3", "gzip"),
        ("identity", None),
        ("br;q=0, gzip;q=0", None),
        ("", None),
    ],
)
def test_the_encoding_the_request_rates_highest_is_chosen(accept, coding):
    assert accepted_encoding(accept) == coding


def test_public_text_responses_decode_to_the_uncompressed_body(cdn, demo_site):  # noqa: F811
    slug = demo_site.current.slug
    kinds = {
        "text/html": reverse("conditions:detail", args=[slug]),
        "application/json": reverse("conditions:api-detail", args=[slug]),
        "application/xml": reverse("sitemap"),
        "application/atom+xml": reverse("feed-updates"),
    }
    for content_type, path in kinds.items():
        plain = Client().get(path, headers={"Accept-Encoding": "identity"})
        assert plain["Content-Type"].startswith(content_type), (path, plain["Content-Type"])
        assert "Content-Encoding" not in plain
        assert len(plain.content) >= MIN_COMPRESS_BYTES, path
        assert "accept-encoding" in _vary(plain)
        for accept, coding in (("gzip, br", "br"), ("gzip", "gzip")):
            packed = Client().get(path, headers={"Accept-Encoding": accept})
            assert packed["Content-Encoding"] == coding, (path, accept)
            assert _decoded(packed) == plain.content, (path, coding)
            assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
            assert {"accept-encoding", "cookie"} <= _vary(packed)
            if plain.has_header("ETag"):
                assert packed["ETag"] == "W/" + plain["ETag"].removeprefix("W/"), path


def test_a_compressed_page_is_answered_304_for_its_etag(cdn, demo_site):  # noqa: F811
    path = reverse("conditions:detail", args=[demo_site.current.slug])
    packed = Client().get(path, headers={"Accept-Encoding": "br"})
    assert packed["ETag"].startswith('W/"')
    again = Client().get(path, headers={"Accept-Encoding": "br", "If-None-Match": packed["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == packed["ETag"]
    assert "accept-encoding" in _vary(again)
    assert again["Cache-Control"] == CDN_POLICY


def test_a_short_answer_is_sent_as_it_is(cdn, client, db):
    response = client.get(reverse("conditions:api-detail", args=["no-such-page"]), HTTP_ACCEPT_ENCODING="br")
    assert response.status_code == 404
    assert len(response.content) < MIN_COMPRESS_BYTES
    assert "Content-Encoding" not in response


def _through_middleware(response: HttpResponse, path: str = "/conditions/some-page/") -> HttpResponse:
    request = RequestFactory().get(path, HTTP_ACCEPT_ENCODING="br, gzip")
    return DeliveryMiddleware(lambda request: response)(request)


def _page(text: str) -> HttpResponse:
    return HttpResponse(f"<!doctype html><title>Page</title><p>{text}</p>" * 40, content_type="text/html")


def test_a_public_page_with_no_secret_is_compressed(cdn):
    sent = _through_middleware(_page("Plain words for readers."))
    assert sent["Content-Encoding"] == "br"


def test_a_response_that_sets_a_cookie_is_not_compressed(cdn):
    response = _page("Plain words for readers.")
    response.set_cookie("csrftoken", "a-secret-value")
    sent = _through_middleware(response)
    assert "Content-Encoding" not in sent
    assert sent["Cache-Control"] == "private, no-store"


def test_a_page_with_a_csrf_token_in_it_is_not_compressed(cdn):
    sent = _through_middleware(_page('<input type="hidden" name="csrfmiddlewaretoken" value="s3cr3t">'))
    assert "Content-Encoding" not in sent


def test_an_editor_path_is_never_compressed(cdn):
    sent = _through_middleware(_page("Draft text."), path="/editor/page-preview/")
    assert "Content-Encoding" not in sent
    assert _directives(sent).keys() >= {"private", "no-store"}
