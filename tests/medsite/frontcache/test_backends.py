"""Purges as the caches in front receive them, from a local server playing each."""

from __future__ import annotations

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from medsite.frontcache import backends


def test_varnish_bans_by_key_and_purges_each_address(fake_cache):
    backend = backends.VarnishBackend([fake_cache.url])
    backend.purge(["page:7", "az"], ["http://medsite.example/conditions/gout/"])
    ban, purge = fake_cache.seen
    assert ban.method == "BAN"
    assert ban.headers["X-Ban-Keys"] == "(^|[[:space:]])(page:7|az)([[:space:]]|$)"
    pattern = re.compile(ban.headers["X-Ban-Keys"].replace("[[:space:]]", r"\s"))  # POSIX class
    assert pattern.search("site page:7") and pattern.search("site az")
    assert not pattern.search("site page:70") and not pattern.search("site page:17")
    assert (purge.method, purge.path, purge.headers["Host"]) == (
        "PURGE",
        "/conditions/gout/",
        "medsite.example",
    )


def test_varnish_refusal_is_a_failure(fake_cache):
    fake_cache.statuses = [405]
    with pytest.raises(backends.PurgeFailed, match="BAN"):
        backends.VarnishBackend([fake_cache.url]).purge(["page:7"], [])


def test_cloudflare_purges_tags_then_files(fake_cache):
    backend = backends.CloudflareBackend(fake_cache.url, "zone-1", "token-1")
    backend.purge(["page:7", "home"], ["http://medsite.example/"])
    tags, files = fake_cache.seen
    assert tags.path == files.path == "/zones/zone-1/purge_cache"
    assert tags.headers["Authorization"] == "Bearer token-1"
    assert json.loads(tags.body) == {"tags": ["page:7", "home"]}
    assert json.loads(files.body) == {"files": ["http://medsite.example/"]}


def test_cloudflare_without_success_is_a_failure(fake_cache):
    fake_cache.answer = {"success": False, "errors": [{"message": "Invalid zone"}]}
    with pytest.raises(backends.PurgeFailed, match="Invalid zone"):
        backends.CloudflareBackend(fake_cache.url, "zone-1", "token-1").purge(["home"], [])


def test_the_backend_comes_from_settings(settings):
    settings.MEDSITE_PURGE_BACKEND = "none"
    assert isinstance(backends.configured(), backends.NoBackend)
    settings.MEDSITE_PURGE_BACKEND = "varnish"
    settings.MEDSITE_PURGE_VARNISH_URLS = ["http://127.0.0.1:6081/"]
    assert backends.configured().servers == ["http://127.0.0.1:6081/"]
    settings.MEDSITE_PURGE_BACKEND = "akamai"
    with pytest.raises(ImproperlyConfigured, match="none, varnish or cloudflare"):
        backends.configured()


def test_only_http_addresses_are_sent_to(settings):
    with pytest.raises(ImproperlyConfigured, match="http or https"):
        backends.VarnishBackend(["file:///etc/passwd"]).purge(["home"], [])
