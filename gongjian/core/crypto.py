"""Encryption at rest for personal fields, and keyed lookup hashes to find them.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under `settings.FIELD_KEY`;
each one also gets an HMAC-SHA256 "blind index" under a key derived from it, so that
uniqueness and exact look-ups work without storing the plain value. After a key change the
previous keys in `settings.FIELD_KEYS_OLD` still decrypt (never encrypt or index) until
`gongjian field_key_rotate` has re-encrypted and re-indexed every value.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@functools.cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


@functools.cache
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in keys])


@functools.cache
def _index_key(key: str) -> bytes:
    return hashlib.sha256(b"gongjian-blind-index:" + key.encode()).digest()


def _keys() -> tuple[str, ...]:
    old: Sequence[str] = getattr(settings, "FIELD_KEYS_OLD", ())
    return (settings.FIELD_KEY, *old)


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain value of a token made under the current key or one of the old keys."""
    try:
        return _multi_fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError(
            "cannot decrypt a personal field: wrong GONGJIAN_FIELD_KEY, "
            "or its previous key missing from GONGJIAN_FIELD_KEYS_OLD?"
        ) from exc


def encrypt_bytes(data: bytes) -> bytes:
    """A file's content encrypted like a personal field (uploads kept for a preview)."""
    return _fernet(settings.FIELD_KEY).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _multi_fernet(_keys()).decrypt(token)
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a kept upload: wrong GONGJIAN_FIELD_KEY?") from exc


def decrypt_current(token: str) -> str | None:
    """The plain value if `token` was made under the current key, else None."""
    try:
        return _fernet(settings.FIELD_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def blind_index(value: str) -> str:
    """A keyed hash of a normalised value, for unique constraints and exact look-ups."""
    return hmac.new(_index_key(settings.FIELD_KEY), value.encode(), hashlib.sha256).hexdigest()
