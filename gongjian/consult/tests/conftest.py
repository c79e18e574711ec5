from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_unit_profiles() -> Iterator[None]:
    """The proposal keeps each district's unit profiles in the cache; a test starts without."""
    cache.clear()
    yield
    cache.clear()
