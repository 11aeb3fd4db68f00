from __future__ import annotations

import socket

import pytest
from django.db import OperationalError, connections

from medsite import cachesafe, drain

pytestmark = pytest.mark.django_db

URL = "/healthz"
READY = "/readyz"


def _broken(*args, **kwargs):
    raise OperationalError("the server went away")


@pytest.fixture(autouse=True)
def serving():
    drain.reset()
    cachesafe._breakers.clear()
    yield
    drain.reset()
    cachesafe._breakers.clear()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_site_answers_200(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_ready_site_answers_200(client):
    response = client.get(READY)
    assert response.status_code == 200
    assert response.json() == {"ready": True, "down": {}}
    assert "no-store" in response["Cache-Control"]


def test_head_is_allowed_and_post_is_not(client):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405
    assert client.head(READY).status_code == 200
    assert client.post(READY).status_code == 405


def test_failing_database_answers_503(client, monkeypatch):
    monkeypatch.setattr(connections["default"], "cursor", _broken)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "database": "failing", "cache": "ok"}
    ready = client.get(READY)
    assert ready.status_code == 503
    assert ready.json()["down"] == {"database": "OperationalError: the server went away"}


def test_cache_that_forgets_is_degraded_but_healthy(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
    ready = client.get(READY)
    assert ready.status_code == 503
    assert ready.json()["down"] == {"cache": "the cache did not return the value just stored in it"}


def test_unreachable_redis_is_degraded_and_readiness_says_why(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "medsite.cachesafe.SafeRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            "RETRY_SECONDS": 60,
        }
    }
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
    ready = client.get(READY)
    assert ready.status_code == 503
    assert list(ready.json()["down"]) == ["cache"]
    assert "ConnectionError" in ready.json()["down"]["cache"]
    assert not any(record.exc_info for record in caplog.records)


def test_draining_server_fails_the_health_check_first(client):
    drain.begin()
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "draining", "database": "ok", "cache": "ok"}
    ready = client.get(READY)
    assert ready.status_code == 503
    assert list(ready.json()["down"]) == ["server"]
    # It still serves readers meanwhile.
    assert client.get("/conditions/").status_code == 200


def test_health_check_is_never_cached_even_for_anonymous_readers(client):
    client.get(URL)
    response = client.get(URL)
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"] and not response.has_header("ETag")


def test_load_balancer_may_probe_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(URL).status_code == 200
    assert client.get(READY).status_code == 200
    assert client.get("/conditions/").status_code == 301  # everything else goes to HTTPS
