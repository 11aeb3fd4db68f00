from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "medsite.example"}
# Set for the browser tests only (tests/conftest.py); a deployment never has it.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_with_settings(
    code: str, *, unset: set[str] = frozenset(), timeout: int = 60, **env: str
) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with the project's settings read from this environment:
    the suite's, less ``unset`` and the test-only variables, plus ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in unset | TEST_ONLY}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "medsite.settings", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def load_settings(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly this environment."""
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.SECURE_SSL_REDIRECT, "
        "settings.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode'))"
    )
    return run_with_settings(
        code, unset={"DATABASE_URL", "DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}, **env
    )


def test_local_default_is_sqlite_with_immediate_transactions():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3", "False", "IMMEDIATE"]


def test_production_needs_secret_key():
    result = load_settings(DJANGO_DEBUG="0", ALLOWED_HOSTS="medsite.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_needs_allowed_hosts():
    result = load_settings(DJANGO_DEBUG="0", SECRET_KEY="x" * 60)
    assert "ALLOWED_HOSTS must list" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_bad_boolean_fails_loudly(value):
    result = load_settings(DJANGO_DEBUG=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_DEBUG must be 0 or 1" in result.stderr


def test_unsupported_database_fails_loudly():
    result = load_settings(DATABASE_URL="mysql://u:p@localhost/db")
    assert "DATABASE_URL must point at SQLite or PostgreSQL" in result.stderr


def test_garbage_database_url_fails_loudly():
    result = load_settings(DATABASE_URL="not a url")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_postgres_url_is_understood():
    result = load_settings(DATABASE_URL="postgres://medsite@/medsite?host=/run/postgresql")
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout


def test_production_redirects_to_https_unless_switched_off():
    assert load_settings(**PRODUCTION).stdout.split()[2] == "True"
    assert load_settings(**PRODUCTION, DJANGO_SECURE_SSL_REDIRECT="0").stdout.split()[2] == "False"


def test_production_settings_pass_deploy_checks():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in TEST_ONLY},
            **PRODUCTION,
            "SECRET_KEY": "k3y-" + "abcdefghij" * 6,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- CACHE_URL ---------------------------------------------------------------------------------


def _cache_setting(**env: str) -> subprocess.CompletedProcess:
    """settings.CACHES["default"] as a fresh interpreter reads it from this environment."""
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.CACHES['default']))"
    )
    return run_with_settings(code, unset={"CACHE_URL", "DJANGO_DEBUG"}, **env)


def test_cache_defaults_to_local_memory():
    result = _cache_setting()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_selects_djangos_redis_cache_behind_the_circuit_breaker():
    result = _cache_setting(CACHE_URL="redis://cache.internal:6379/1")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["BACKEND"] == "medsite.cachesafe.SafeRedisCache"
    assert config["LOCATION"] == "redis://cache.internal:6379/1"
    assert config["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
    assert config["RETRY_SECONDS"] == 10


@pytest.mark.parametrize("value", ["garbage", "memcached://cache:11211", "redis://", "redis://cache:port"])
def test_bad_cache_url_fails_loudly(value):
    result = _cache_setting(CACHE_URL=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "CACHE_URL must be" in result.stderr
