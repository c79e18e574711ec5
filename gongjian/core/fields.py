"""A model field whose value is encrypted in the database and plain in Python."""

from __future__ import annotations

from typing import Any

from django.db import models

from gongjian.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stored as a Fernet token; a raw SELECT shows no plain value. Not searchable: pair it
    with a blind-index column (see `crypto.blind_index`) for look-ups and uniqueness."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
