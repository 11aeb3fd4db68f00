"""Cache retirements and purges as a Django app (label ``frontcache``)."""

from __future__ import annotations

from django.apps import AppConfig


class FrontCacheConfig(AppConfig):
    name = "medsite.frontcache"
    label = "frontcache"
    verbose_name = "Cache retirements and purges"
