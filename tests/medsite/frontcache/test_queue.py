"""The purge queue: written with the change, sent after, tried again until the cache confirms."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from medsite.frontcache import queue
from medsite.frontcache.models import PurgeRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def varnish(settings, fake_cache):
    settings.MEDSITE_PURGE_BACKEND = "varnish"
    settings.MEDSITE_PURGE_VARNISH_URLS = [fake_cache.url]
    return fake_cache


def test_a_purge_is_sent_once_the_change_commits(varnish, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue(["page:3", "home"], ["http://testserver/conditions/gout/"])
        assert varnish.seen == []  # not before the commit
    assert [seen.method for seen in varnish.seen] == ["BAN", "PURGE"]
    assert not PurgeRequest.objects.exists()


def test_a_change_sends_its_own_purge_not_the_backlog(varnish, django_capture_on_commit_callbacks):
    PurgeRequest.objects.create(keys=["az"], next_attempt_at=timezone.now(), attempts=3)
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue(["page:3"])
    (ban,) = varnish.seen
    assert "page:3" in ban.headers["X-Ban-Keys"]
    assert PurgeRequest.objects.get().keys == ["az"]  # left for drain_purges


def test_a_rolled_back_change_purges_nothing(varnish):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue.enqueue(["page:3"])
        raise RuntimeError("the change failed")
    assert not PurgeRequest.objects.exists()
    assert varnish.seen == []


def test_a_failing_cache_is_tried_again_until_it_confirms(varnish, django_capture_on_commit_callbacks):
    varnish.statuses = [503, 503, 200]
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue(["page:3"])
    (waiting,) = PurgeRequest.objects.all()
    assert waiting.attempts == 1 and "503" in waiting.last_error
    first_wait = waiting.next_attempt_at - timezone.now()
    assert queue.drain().purged == 0  # not due yet: nothing sent
    assert len(varnish.seen) == 1

    drained = queue.drain(now=waiting.next_attempt_at)
    assert (drained.purged, drained.failed) == (0, 1)
    waiting.refresh_from_db()
    assert waiting.attempts == 2
    assert waiting.next_attempt_at - timezone.now() > first_wait  # waits longer each time

    drained = queue.drain(now=waiting.next_attempt_at)
    assert (drained.purged, drained.failed) == (1, 0)
    assert not PurgeRequest.objects.exists()
    assert [seen.method for seen in varnish.seen] == ["BAN", "BAN", "BAN"]


def test_waits_grow_to_a_limit():
    assert queue.wait_after(1) == timedelta(seconds=5)
    assert queue.wait_after(2) == timedelta(seconds=10)
    assert queue.wait_after(30) == timedelta(minutes=10)


def test_nothing_is_queued_without_a_backend(settings, django_capture_on_commit_callbacks):
    settings.MEDSITE_PURGE_BACKEND = "none"
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue(["page:3"])
    assert not PurgeRequest.objects.exists()


def test_drain_purges_command(varnish):
    PurgeRequest.objects.create(keys=["home"], next_attempt_at=timezone.now())
    out = StringIO()
    call_command("drain_purges", stdout=out)
    assert out.getvalue().strip() == "1 purged, 0 to try again later."
    assert not PurgeRequest.objects.exists()


def test_drain_purges_command_fails_while_the_cache_refuses(varnish):
    varnish.statuses = [500]
    PurgeRequest.objects.create(keys=["home"], next_attempt_at=timezone.now())
    with pytest.raises(CommandError, match="1 purges failed"):
        call_command("drain_purges", stdout=StringIO())
    assert PurgeRequest.objects.get().attempts == 1
