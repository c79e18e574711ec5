"""Resolving one object through a scoped queryset: the caller's scope and the row lock in the
same query a service then writes with, so access is checked once per write."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from gongjian.core.errors import NotFound
from gongjian.core.validation import object_id

M = TypeVar("M", bound=models.Model)


def one(
    qs: models.QuerySet[M],
    message: str,
    *,
    lock: bool = False,
    pk: Any = None,
    **lookup: Any,
) -> M:
    """The one row of `qs` (already filtered by the caller's scope) with `pk` or `lookup`, or
    `NotFound` with `message`. `pk` may be an id as a URL or a form gives it, or an object
    the caller already holds (it is read again, through the scope). `lock=True` takes its row
    lock (`SELECT … FOR UPDATE OF` the row itself, on PostgreSQL) inside the caller's
    transaction."""
    if isinstance(pk, models.Model):
        pk = pk.pk
    if pk is not None:
        lookup["pk"] = pk if isinstance(pk, int) else object_id(pk, message=message)
    if lock:
        qs = qs.select_for_update(of=("self",))
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound(message)
    return obj


def user_of(actor: Any) -> Any:
    """The user to store as the author of a row: the actor when logged in, else None (a
    command, a test, an anonymous request)."""
    return actor if getattr(actor, "is_authenticated", False) else None
