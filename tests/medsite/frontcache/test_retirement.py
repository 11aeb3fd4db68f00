"""Retirements: each raises the generation, and marks only its own keys."""

from __future__ import annotations

import pytest
from django.db import transaction

from medsite.frontcache import retirement

pytestmark = pytest.mark.django_db


def test_a_key_retired_after_a_generation_is_seen_as_retired():
    before = retirement.current_generation()
    assert not retirement.retired_since(["page:1", "home"], before)
    after = retirement.retire(["page:1", "home"])
    assert after == retirement.current_generation() > before
    assert retirement.retired_since(["site", "page:1"], before)
    assert not retirement.retired_since(["site", "page:2"], before)
    assert not retirement.retired_since(["page:1"], after)


def test_retiring_again_moves_the_key_on():
    first = retirement.retire(["page:1"])
    second = retirement.retire(["page:1", "az"])
    assert second > first
    assert retirement.retired_since(["page:1"], first)


def test_a_rolled_back_retirement_leaves_no_trace():
    before = retirement.current_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        retirement.retire(["page:1"])
        raise RuntimeError("rolled back")
    assert retirement.current_generation() == before
    assert not retirement.retired_since(["page:1"], before)
