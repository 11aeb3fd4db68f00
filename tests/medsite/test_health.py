from __future__ import annotations

import pytest
from django.db import connections

pytestmark = pytest.mark.django_db

URL = "/healthz"


def _broken(*args, **kwargs):
    raise ConnectionError("the server went away")


def test_healthy_site_answers_200(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_head_is_allowed_and_post_is_not(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_failing_database_answers_503(client, monkeypatch):
    monkeypatch.setattr(connections["default"], "cursor", _broken)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"database": "failing", "cache": "ok"}


def test_cache_that_forgets_answers_503(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failing"}


def test_unreachable_redis_answers_503(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["cache"] == "failing"


def test_health_check_is_never_cached_even_for_anonymous_readers(client):
    client.get(URL)
    response = client.get(URL)
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"] and not response.has_header("ETag")


def test_load_balancer_may_probe_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(URL).status_code == 200
    assert client.get("/conditions/").status_code == 301  # everything else goes to HTTPS
