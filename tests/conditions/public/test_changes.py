from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import reversion
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conditions import workflow
from conditions.models import Publication, ReviewEvent
from conditions.public import api
from tests.factories import make_condition, publish

pytestmark = pytest.mark.django_db

FEED = "/api/changes/"


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def _went_live(publication: Publication, day: str) -> None:
    Publication.objects.filter(pk=publication.pk).update(went_live_at=_at(day), approved_at=_at(day))


def _rename(condition, slug: str, *, by) -> None:
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        condition.slug = slug
        workflow.save_draft(condition, by=by, comment="Renamed")


@pytest.fixture
def history(editor, reviewer):
    """Alpha goes live, Beta goes live and moves to beta-new, Alpha is taken offline, then Beta's
    first version is withdrawn from the archive: one change a month in 2025."""
    alpha = make_condition(editor, name="Alpha")
    _went_live(publish(alpha, editor=editor, reviewer=reviewer), "2025-01-01")
    beta = make_condition(editor, name="Beta")
    _went_live(publish(beta, editor=editor, reviewer=reviewer), "2025-02-01")
    _rename(beta, "beta-new", by=editor)
    _went_live(publish(beta, editor=editor, reviewer=reviewer), "2025-03-01")
    workflow.unpublish(alpha, by=reviewer, reason="Merged into another page")
    ReviewEvent.objects.filter(action=ReviewEvent.Action.UNPUBLISH).update(created_at=_at("2025-04-01"))
    workflow.retract(beta, by=reviewer, numbers=[1], reason="A dosing table was wrong")
    Publication.objects.filter(condition=beta, number=1).update(retracted_at=_at("2025-05-01"))


def _summary(body: dict) -> list[tuple]:
    return [(c["status"], c["slug"], c["version"], c["date"][:10]) for c in body["results"]]


EVERYTHING = [
    ("published", "alpha", 1, "2025-01-01"),
    ("published", "beta", 1, "2025-02-01"),
    ("renamed", "beta", None, "2025-03-01"),
    ("published", "beta-new", 2, "2025-03-01"),
    ("withdrawn", "alpha", None, "2025-04-01"),
    ("retracted", "beta-new", 1, "2025-05-01"),
]


def test_the_feed_replays_every_public_change_oldest_first(client, history):
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "public, no-cache"
    assert response["Last-Modified"] == "Thu, 01 May 2025 00:00:00 GMT"
    body = response.json()
    assert body["since"] is None and body["count"] == 6
    assert _summary(body) == EVERYTHING
    as_of = datetime.fromisoformat(body["as_of"])
    assert as_of > _at("2025-05-01")
    assert datetime.fromisoformat(body["next_since"]) == as_of - timedelta(minutes=1)


def test_each_change_says_where_to_find_the_page(client, history):
    published, _, renamed, _, withdrawn, retracted = client.get(FEED).json()["results"]
    assert published == {
        "status": "published",
        "date": "2025-01-01T00:00:00+00:00",
        "slug": "alpha",
        "name": "Alpha",
        "version": 1,
        "url": "http://testserver/conditions/alpha/",
        "api_url": "http://testserver/api/conditions/alpha/",
        "moved_to": None,
    }
    assert renamed["moved_to"] == {
        "slug": "beta-new",
        "url": "http://testserver/conditions/beta-new/",
        "api_url": "http://testserver/api/conditions/beta-new/",
    }
    assert withdrawn["name"] == "Alpha" and withdrawn["url"] == "http://testserver/conditions/alpha/"
    assert retracted["url"] == "http://testserver/conditions/beta-new/history/1/"
    assert client.get(retracted["url"]).status_code == 410
    assert client.get(withdrawn["api_url"]).status_code == 410
    assert client.get(renamed["api_url"]).status_code == 301


def test_since_keeps_the_changes_at_or_after_it(client, history):
    def since(value: str) -> list[tuple]:
        response = client.get(FEED, {"since": value})
        assert response.status_code == 200, response.json()
        return _summary(response.json())

    assert since("2025-03-01") == EVERYTHING[2:]
    assert since("2025-03-01T00:00:01Z") == EVERYTHING[4:]
    assert since("2025-04-01T02:00:00+02:00") == EVERYTHING[4:]
    assert since("2025-06-01") == []
    assert client.get(FEED, {"since": "2025-03-01"}).json()["since"] == "2025-03-01T00:00:00+00:00"


def test_the_feed_is_paged_with_absolute_links(client, history, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 4)
    first = client.get(FEED, {"since": "2025-01-01"}).json()
    assert _summary(first) == EVERYTHING[:4] and first["previous"] is None
    assert first["next"] == "http://testserver/api/changes/?since=2025-01-01&page=2"
    second = client.get(first["next"]).json()
    assert _summary(second) == EVERYTHING[4:] and second["next"] is None
    beyond = client.get(FEED, {"page": 3})
    assert beyond.status_code == 404 and beyond.json()["error"] == "There is no page 3: the last page is 2."


def test_a_scheduled_version_is_not_a_change_until_it_goes_live(client, editor, reviewer):
    condition = make_condition(editor, name="Later")
    publish(condition, editor=editor, reviewer=reviewer, go_live_at=datetime.now(UTC) + timedelta(days=2))
    assert client.get(FEED).json()["results"] == []


def test_a_page_renamed_and_then_withdrawn(client, editor, reviewer):
    page = make_condition(editor, name="Gamma")
    _went_live(publish(page, editor=editor, reviewer=reviewer), "2025-01-01")
    _rename(page, "gamma-2", by=editor)
    _went_live(publish(page, editor=editor, reviewer=reviewer), "2025-02-01")
    workflow.unpublish(page, by=reviewer, reason="Out of date")
    statuses = [(c["status"], c["slug"]) for c in client.get(FEED, {"since": "2025-01-15"}).json()["results"]]
    assert statuses == [("renamed", "gamma"), ("published", "gamma-2"), ("withdrawn", "gamma-2")]
    removed = client.get("/api/conditions/", {"updated_since": "2025-01-15"}).json()["removed"]
    assert [(r["slug"], r["status"], r["moved_to"]) for r in removed] == [
        ("gamma", "withdrawn", None),
        ("gamma-2", "withdrawn", None),
    ]


@pytest.mark.parametrize(
    ("params", "parameter"), [({"since": "last week"}, "since"), ({"page": "0"}, "page")]
)
def test_parameters_it_cannot_read_are_400(client, params, parameter):
    response = client.get(FEED, params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_the_feed_needs_four_queries_whatever_its_length(client, history, editor, reviewer):
    for n in range(5):
        publish(make_condition(editor, name=f"Page {n}"), editor=editor, reviewer=reviewer)
    # 1: the public versions of the pages that changed; 2: their unpublish events; 3: the latest
    # go-live and retraction; 4: the latest unpublish (Last-Modified).
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FEED, {"since": "2000-01-01"})
    assert response.status_code == 200 and response.json()["count"] == 11
    assert len(queries) <= 4, [q["sql"] for q in queries]
