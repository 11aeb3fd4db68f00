from __future__ import annotations

import pytest

from tests.medsite.frontcache.fakecache import FakeCache, serve


@pytest.fixture
def fake_cache():
    fake = FakeCache()
    server = serve(fake)
    yield fake
    server.shutdown()
    server.server_close()
