"""Purges as the caches in front receive them, from a local server playing each."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from xml.etree import ElementTree

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
    with pytest.raises(ImproperlyConfigured, match="none, varnish, cloudflare or cloudfront"):
        backends.configured()


def test_only_http_addresses_are_sent_to(settings):
    with pytest.raises(ImproperlyConfigured, match="http or https"):
        backends.VarnishBackend(["file:///etc/passwd"]).purge(["home"], [])


def test_cloudfront_invalidates_addresses_with_a_signed_request(fake_cache):
    fake_cache.statuses = [201]
    backend = backends.CloudFrontBackend(fake_cache.url, "EDFDVBD6EXAMPLE", "AKIDEXAMPLE", "secret")
    backend.purge(["page:7", "az"], ["http://medsite.example/conditions/gout/", "http://medsite.example/"])
    (seen,) = fake_cache.seen
    assert (seen.method, seen.path) == ("POST", "/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation")
    batch = ElementTree.fromstring(seen.body)  # noqa: S314 (the request this test's code wrote)
    ns = {"cf": "http://cloudfront.amazonaws.com/doc/2020-05-31/"}
    assert [p.text for p in batch.findall("cf:Paths/cf:Items/cf:Path", ns)] == ["/", "/conditions/gout/*"]
    assert batch.find("cf:Paths/cf:Quantity", ns).text == "2"
    assert seen.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert (
        "/us-east-1/cloudfront/aws4_request, SignedHeaders=content-type;host;x-amz-date,"
        in (seen.headers["Authorization"])
    )


def test_cloudfront_invalidates_everything_after_a_restore():
    assert backends.CloudFrontBackend.paths(["site"], []) == ["/*"]


def test_signature_matches_the_aws_documentation_example():
    # The worked example of AWS's Signature Version 4 guide (IAM ListUsers).
    headers = backends.sigv4_headers(
        "GET",
        "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
        {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        b"",
        access_key="AKIDEXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region="us-east-1",
        service="iam",
        now=datetime(2015, 8, 30, 12, 36, tzinfo=UTC),
    )
    assert headers == {
        "X-Amz-Date": "20150830T123600Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    }
