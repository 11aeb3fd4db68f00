"""Absolute addresses come from MEDSITE_BASE_URL, never from the request's Host header."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, override_settings

from medsite.siteurl import absolute, site_domain
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db

SITE = "https://health.example.org"


@override_settings(MEDSITE_BASE_URL=SITE)
def test_a_path_becomes_an_address_on_the_configured_site():
    assert absolute("/conditions/gout/") == f"{SITE}/conditions/gout/"
    assert absolute("https://other.example/x") == "https://other.example/x"
    assert site_domain() == "health.example.org"


@override_settings(MEDSITE_BASE_URL=SITE, ALLOWED_HOSTS=["*"])
def test_a_forged_host_header_changes_no_address_the_site_gives(editor, reviewer):
    condition = make_condition(editor, name="Gout", sections=[("overview", "Gout is a kind of arthritis.")])
    publish(condition, editor=editor, reviewer=reviewer)
    client = Client(HTTP_HOST="attacker.example")
    page = client.get("/conditions/gout/").content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', page)[1]
    assert canonical == f"{SITE}/conditions/gout/"
    ld = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)[1])
    assert "attacker.example" not in json.dumps(ld) and SITE in json.dumps(ld)
    listing = client.get("/api/conditions/").json()
    assert {item["url"] for item in listing["results"]} == {f"{SITE}/conditions/gout/"}
    assert "attacker.example" not in client.get("/robots.txt").content.decode()
