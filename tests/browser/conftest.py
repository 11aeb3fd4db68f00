from __future__ import annotations

import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def roles(transactional_db):
    """Browser tests run against a live server, so their database is flushed after each test,
    taking the roles the data migration made with it: make them again the same way."""
    importlib.import_module("conditions.migrations.0002_roles").create_roles(apps, None)
