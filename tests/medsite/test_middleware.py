"""Request checks that belong to no one view: here, a database that is down answers 503."""

from __future__ import annotations

import logging

import pytest
from django.db import InterfaceError, OperationalError, connections

from medsite import middleware
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db

PAGE = "/conditions/hypothetical-fever/"


@pytest.fixture
def live(editor, reviewer):
    condition = make_condition(
        editor, name="Hypothetical fever", sections=[("overview", "Made up for a test.")]
    )
    publish(condition, editor=editor, reviewer=reviewer)
    return condition


@pytest.fixture
def database_down(monkeypatch):
    """Every new query fails as it does when PostgreSQL refuses connections."""
    middleware._last_warning = 0.0

    def refused(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 9 failed: Connection refused')

    def down():
        monkeypatch.setattr(connections["default"], "cursor", refused)

    return down


def test_uncached_page_answers_503_with_retry_after(client, live, database_down):
    database_down()
    response = client.get(PAGE)
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.DATABASE_RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "Back in a moment" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_api_answers_json_503_with_retry_after(client, live, database_down):
    database_down()
    response = client.get("/api/conditions/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "database is unavailable" in response.json()["error"]
    assert response["Retry-After"] == str(middleware.DATABASE_RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"


def test_cached_page_keeps_serving(client, live, database_down):
    first = client.get(PAGE)
    assert first.status_code == 200
    database_down()
    again = client.get(PAGE)
    assert again.status_code == 200
    assert again.content == first.content


def test_one_warning_without_traceback_for_many_requests(client, live, database_down, caplog):
    database_down()
    with caplog.at_level(logging.WARNING):
        for _ in range(5):
            assert client.get(PAGE).status_code == 503
    ours = [r for r in caplog.records if r.name == "medsite.middleware"]
    assert len(ours) == 1 and ours[0].exc_info is None
    assert "Connection refused" in ours[0].getMessage()
    # Django still notes each 503 in a line of its own, but no request logs a traceback.
    assert not [r for r in caplog.records if r.exc_info]


def test_interface_error_counts_as_down(client, live, monkeypatch):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(connections["default"], "cursor", closed)
    assert client.get(PAGE).status_code == 503
    # With a query string the page cache is not asked: the view meets the error first.
    assert client.get(f"{PAGE}?from=newsletter").status_code == 503


def test_other_database_errors_stay_500(client, live, monkeypatch):
    from django.db import ProgrammingError

    def broken(*args, **kwargs):
        raise ProgrammingError("relation does not exist")

    monkeypatch.setattr(connections["default"], "cursor", broken)
    client.raise_request_exception = False
    response = client.get(PAGE)
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
