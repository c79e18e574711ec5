"""The cast every permission test tells its story with, and shared fixtures."""

from __future__ import annotations

import pytest

from gongjian.testing.cast import Cast, build_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: object) -> None:
    """Tests hash dozens of passwords; production's hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
