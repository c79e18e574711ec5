"""Encryption at rest for personal fields, and keyed lookup hashes to find them.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under `settings.FIELD_KEY`;
each one also gets an HMAC-SHA256 "blind index" under a key derived from it, so that
uniqueness and exact look-ups work without storing the plain value.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@functools.cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@functools.cache
def _index_key(key: str) -> bytes:
    return hashlib.sha256(b"gongjian-blind-index:" + key.encode()).digest()


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # pragma: no cover - a wrong key is an operator's error
        raise ValueError("cannot decrypt a personal field: wrong GONGJIAN_FIELD_KEY?") from exc


def blind_index(value: str) -> str:
    """A keyed hash of a normalised value, for unique constraints and exact look-ups."""
    return hmac.new(_index_key(settings.FIELD_KEY), value.encode(), hashlib.sha256).hexdigest()
