"""Retired cache keys and purges of the caches in front, in the database every server shares."""

from __future__ import annotations
