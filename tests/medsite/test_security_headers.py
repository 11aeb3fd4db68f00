"""Security headers on public and admin pages (Content-Security-Policy above all), the production
values of the rest, and the admin's configurable address."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches, path, reverse

import medsite.urls
from conditions.public.caching import cached_page
from tests.factories import make_condition, publish
from tests.medsite.test_settings import PRODUCTION, load_settings, run_with_settings

pytestmark = pytest.mark.django_db

PAGE = "/conditions/carcinoid-syndrome/"


@pytest.fixture
def live(editor, reviewer):
    condition = make_condition(editor, name="Carcinoid syndrome")
    publish(condition, editor=editor, reviewer=reviewer)
    return condition


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict_policy(response) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    # Only a nonce may widen script-src: never inline scripts in general, nor eval.
    assert all(source.startswith("'nonce-") for source in directives["script-src"][1:])
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


# --- Content-Security-Policy ------------------------------------------------------------------


def test_public_page_has_a_strict_policy_and_no_nonce(client, live):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert_strict_policy(response)
    # The JSON-LD is a data block, not run, so it needs no nonce: the page is the same for everyone.
    assert b'<script type="application/ld+json">' in response.content
    assert "nonce" not in response["Content-Security-Policy"]
    assert b"nonce" not in response.content


def test_cached_public_page_gets_the_policy_too(client, live):
    first = client.get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(PAGE)
    # Served from the page cache: the one query asks whether the page was retired since it was
    # cached (medsite.frontcache); nothing is rendered.
    assert [q["sql"] for q in queries.captured_queries if "frontcache" not in q["sql"]] == []
    assert len(queries) == 1
    assert second.content == first.content
    assert_strict_policy(second)
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


@pytest.mark.parametrize("name", ["home", "conditions:index", "admin:login", "robots-txt"])
def test_other_pages_have_the_policy(client, name):
    assert_strict_policy(client.get(reverse(name)))


def test_admin_change_form_has_the_policy(client, editor, live):
    client.force_login(editor)
    response = client.get(reverse("admin:conditions_condition_change", args=[live.pk]))
    assert response.status_code == 200
    assert_strict_policy(response)
    # The editor's scripts are files; none is inline.
    scripts = re.findall(rb"<script\b[^>]*>", response.content)
    assert scripts and all(b" src=" in tag for tag in scripts)


def test_review_dashboard_has_the_policy(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("review-dashboard"))
    assert response.status_code == 200
    assert_strict_policy(response)


def _nonce_page(request):
    html = engines["django"].from_string('<script nonce="{{ CSP_NONCE }}">let a = 1;</script>')
    return HttpResponse(html.render({}, request))


urlpatterns = [path("nonce/", cached_page(_nonce_page))]


def test_a_page_with_a_nonce_is_never_served_from_the_cache(client, settings):
    """A nonce is good for one response only: its header and its page must come together."""
    settings.ROOT_URLCONF = __name__
    nonces = []
    for _ in range(2):
        response = client.get("/nonce/")
        header = re.search(r"'nonce-([^']+)'", policy(response)["script-src"][1]).group(1)
        body = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert header == body
        nonces.append(body)
    assert nonces[0] != nonces[1]


# --- the other headers ------------------------------------------------------------------------


def test_every_page_forbids_sniffing_framing_and_full_referrers(client, live):
    for response in (client.get(PAGE), client.get(PAGE), client.get(reverse("admin:login"))):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _production_request(**env: str) -> dict:
    """Headers of robots.txt (no database needed) fetched through the whole middleware stack in a
    fresh interpreter with production settings, and the cookie settings that came with them."""
    code = (
        "import json, django; django.setup(); "
        "from django.conf import settings; from django.test import Client; "
        "c = Client(headers={'host': 'medsite.example'}); "
        "https = c.get('/robots.txt', secure=True); plain = c.get('/robots.txt'); "
        "print(json.dumps({'https': dict(https.headers), 'https_status': https.status_code, "
        "'plain_status': plain.status_code, 'plain_location': plain.get('Location'), "
        "'session_cookie_secure': settings.SESSION_COOKIE_SECURE, "
        "'csrf_cookie_secure': settings.CSRF_COOKIE_SECURE, "
        "'session_cookie_httponly': settings.SESSION_COOKIE_HTTPONLY}))"
    )
    result = run_with_settings(code, unset={"DATABASE_URL"}, timeout=120, **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_secure_cookies_and_redirects_to_https():
    seen = _production_request()
    headers = seen["https"]
    assert seen["https_status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert seen["plain_status"] == 301 and seen["plain_location"] == "https://medsite.example/robots.txt"
    assert seen["session_cookie_secure"] and seen["csrf_cookie_secure"] and seen["session_cookie_httponly"]


# --- the admin's address ----------------------------------------------------------------------


@pytest.fixture
def move_admin(settings):
    """Serve the admin at another address for one test (the URLconf reads the setting)."""
    original = settings.MEDSITE_ADMIN_URL

    def move(url: str) -> None:
        settings.MEDSITE_ADMIN_URL = url
        importlib.reload(medsite.urls)
        clear_url_caches()

    yield move
    move(original)


def test_admin_follows_its_configured_address(client, reviewer, move_admin):
    move_admin("staff-area/cms/")
    assert reverse("admin:index") == "/staff-area/cms/"
    assert reverse("review-dashboard") == "/staff-area/cms/review-dashboard/"
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    response = client.get("/staff-area/cms/")
    assert response.status_code == 302
    assert response["Location"] == "/staff-area/cms/login/?next=/staff-area/cms/"
    client.force_login(reviewer)
    assert client.get("/staff-area/cms/review-dashboard/").status_code == 200
    assert client.get("/staff-area/cms/conditions/condition/").status_code == 200


def test_robots_txt_does_not_give_away_a_moved_admin(client, move_admin):
    assert "Disallow: /admin/" in client.get("/robots.txt").content.decode().splitlines()
    move_admin("staff-area/")
    robots = client.get("/robots.txt").content.decode()
    assert "admin" not in robots and "staff-area" not in robots
    assert "Disallow: /editor/" in robots.splitlines()


@pytest.mark.parametrize("value", ["/admin/", "admin", "/", "staff//", "../admin/", "a b/", "admin/?x=1/"])
def test_bad_admin_address_fails_loudly(value):
    result = load_settings(MEDSITE_ADMIN_URL=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "MEDSITE_ADMIN_URL must be a path" in result.stderr
