"""Retired cache keys and the queue of purges for the caches in front, both in the database.

A public change writes its retirements in its own transaction, so no cache a write to Redis or
to a CDN failed to reach can keep serving what it retired (see medsite/frontcache/retirement.py).
"""

from __future__ import annotations

from django.db import models


class Generation(models.Model):
    """One row (pk 1, made by the migration): a counter each retirement raises.

    Its row lock orders retirements, so a later commit always carries a higher number.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"generation {self.value}"


class RetiredKey(models.Model):
    """A surrogate key (``page:12``, ``home``) and the generation that last retired it."""

    key = models.CharField(max_length=200, primary_key=True)
    generation = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key} (retired at {self.generation})"


class PurgeRequest(models.Model):
    """Keys and addresses to purge from the caches in front, until the backend says done."""

    keys = models.JSONField(default=list)
    urls = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"purge of {', '.join(self.keys + self.urls)}"
