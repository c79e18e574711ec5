"""Resolving one object through a scoped queryset: the caller's scope and the row lock in the
same query a service then writes with, so access is checked once per write."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from gongjian.core.errors import NotFound
from gongjian.core.validation import object_id

M = TypeVar("M", bound=models.Model)


def pk_of(value: Any) -> Any:
    """The id of a row given either as a row already read or as its id."""
    return value.pk if isinstance(value, models.Model) else value


def user_of(actor: Any) -> Any:
    """The user behind an actor, for a `created_by` column: None for an anonymous caller."""
    return actor if getattr(actor, "is_authenticated", False) else None


def one(
    qs: models.QuerySet[M],
    message: str,
    *,
    lock: bool = False,
    pk: Any = None,
    **lookup: Any,
) -> M:
    """The one row of `qs` (already filtered by the caller's scope) with `pk` or `lookup`, or
    `NotFound` with `message`. `pk` may be an id (from a URL or a form) or a row the caller
    has already read (its id is used: the row is read again, through the scope, locked).
    `lock=True` takes its row lock (`SELECT … FOR UPDATE OF` the row itself, on PostgreSQL)
    inside the caller's transaction."""
    pk = pk_of(pk)
    if pk is not None:
        lookup["pk"] = pk if isinstance(pk, int) else object_id(pk, message=message)
    if lock:
        qs = qs.select_for_update(of=("self",))
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound(message)
    return obj
