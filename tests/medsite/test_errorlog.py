from __future__ import annotations

import logging

import pytest

import medsite.urls

pytestmark = pytest.mark.django_db


def _failing_not_found(request, exception):
    raise ValueError("Missing staticfiles manifest entry for 'css/site.css'")


def test_a_500_from_a_failing_error_page_is_logged_with_its_traceback(client, monkeypatch, caplog):
    monkeypatch.setattr(medsite.urls, "handler404", _failing_not_found)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/no-such-address/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Internal Server Error: /no-such-address/"
    assert record.exc_info is not None and record.exc_info[0] is ValueError
    assert "Missing staticfiles manifest entry" in caplog.text and "Traceback" in caplog.text


def test_a_failing_view_is_logged_once_with_its_own_traceback(client, monkeypatch, caplog):
    from conditions.public import views

    def broken(*args, **kwargs):
        raise KeyError("a bug in the view")

    monkeypatch.setattr(views, "_get_live_condition", broken)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/conditions/anything/")
    assert response.status_code == 500
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None and record.exc_info[0] is KeyError
    assert caplog.text.count("Traceback (most recent call last)") == 1
