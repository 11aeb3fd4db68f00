"""Admin login throttling (django-axes): a client that keeps failing is locked out for a while, by
its real address, which it cannot forge unless a proxy of ours is configured to vouch for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from medsite.security import client_ip
from tests.medsite.test_settings import load_settings

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery"  # the password tests/conftest.py gives its users
WRONG = "incorrect horse battery"
CLIENT = "198.51.100.7"
OTHER = "203.0.113.9"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Many logins per test: a fast hash (the one being tested is the lockout, not the hash)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, password: str, *, address: str = CLIENT, forwarded_for: str | None = None):
    meta = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        reverse("admin:login"),
        {"username": "edna", "password": password, "next": reverse("admin:index")},
        **meta,
    )


def _fail(client, times: int, **where) -> None:
    for _ in range(times):
        _login(client, WRONG, **where)


def _is_lockout_page(response) -> bool:
    return response.status_code == 429 and b"Too many failed logins" in response.content


def _logged_in(response) -> bool:
    # An editor lands on the review dashboard (conditions.admin.dashboard.login).
    return response.status_code == 302 and response["Location"] == reverse("review-dashboard")


def test_a_wrong_password_shows_the_login_form_again(client, editor):
    response = _login(client, WRONG)
    assert response.status_code == 200
    assert b"Please enter the correct username and password" in response.content


def test_five_failures_lock_out_even_the_right_password(client, editor, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    _fail(client, 5)
    response = _login(client, RIGHT)
    assert _is_lockout_page(response)
    assert b"Try again in 15 minutes" in response.content
    assert b"<title>Too many failed logins | MedSite admin</title>" in response.content
    assert response.has_header("Content-Security-Policy")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302  # still sent to the login form


def test_a_successful_login_clears_earlier_failures(client, editor):
    _fail(client, 4)
    assert _logged_in(_login(client, RIGHT))
    client.logout()
    _fail(client, 4)
    assert _logged_in(_login(client, RIGHT))


def test_the_lockout_is_for_the_failing_address_only(client, editor):
    _fail(client, 5)
    assert _is_lockout_page(_login(client, RIGHT))
    assert _logged_in(_login(client, RIGHT, address=OTHER))


def test_access_returns_after_the_cool_off(client, editor):
    _fail(client, 5)
    _wait(14)
    assert _is_lockout_page(_login(client, RIGHT))
    _wait(16)
    assert _logged_in(_login(client, RIGHT))


def _wait(minutes: int) -> None:
    """As if the client's last attempt were ``minutes`` older."""
    attempt = AccessAttempt.objects.get(ip_address=CLIENT)
    attempt.attempt_time -= timedelta(minutes=minutes)
    attempt.save()


def test_a_failure_during_the_lockout_starts_the_wait_again(client, editor):
    _fail(client, 5)
    _wait(14)
    _fail(client, 1)
    _wait(2)  # 16 minutes after the fifth failure, 2 after the last
    assert _is_lockout_page(_login(client, RIGHT))


def test_forwarded_for_is_ignored_without_a_configured_proxy(client, editor):
    for n in range(5):
        _login(client, WRONG, forwarded_for=f"192.0.2.{n}")
    assert _is_lockout_page(_login(client, RIGHT, forwarded_for="192.0.2.200"))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT}


def test_behind_one_proxy_the_lockout_follows_the_forwarded_client(client, editor, settings):
    settings.MEDSITE_PROXY_COUNT = 1
    _fail(client, 5, address=PROXY, forwarded_for=CLIENT)
    assert _is_lockout_page(_login(client, RIGHT, address=PROXY, forwarded_for=CLIENT))
    # The proxy appends the address it saw: whatever the client wrote before it changes nothing.
    assert _is_lockout_page(_login(client, RIGHT, address=PROXY, forwarded_for=f"{OTHER}, {CLIENT}"))
    # Another reader behind the same proxy is not locked out with it.
    assert _logged_in(_login(client, RIGHT, address=PROXY, forwarded_for=OTHER))


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "192.0.2.1", PROXY),  # no proxy configured: the header is the client's own
        (1, None, PROXY),  # not through the proxy at all
        (1, CLIENT, CLIENT),
        (1, f"192.0.2.1, {CLIENT}", CLIENT),
        (1, f" 192.0.2.1 ,{CLIENT} ", CLIENT),
        (2, f"192.0.2.1, {CLIENT}, 10.0.0.2", CLIENT),
        (2, CLIENT, CLIENT),  # entered the chain at the inner proxy
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "not-an-address", PROXY),
    ],
)
def test_client_ip(settings, count, forwarded_for, expected):
    settings.MEDSITE_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_ip(RequestFactory().get("/", **meta)) == expected


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("MEDSITE_LOGIN_FAILURE_LIMIT", "0", "MEDSITE_LOGIN_FAILURE_LIMIT must be at least 1"),
        ("MEDSITE_LOGIN_COOLOFF_MINUTES", "soon", "MEDSITE_LOGIN_COOLOFF_MINUTES must be a whole number"),
        ("MEDSITE_PROXY_COUNT", "-1", "MEDSITE_PROXY_COUNT must be at least 0"),
    ],
)
def test_bad_throttling_settings_fail_loudly(variable, value, message):
    result = load_settings(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
