"""Resolving one object through a scoped queryset: the caller's scope and the row lock in the
same query a service then writes with, so access is checked once per write."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from gongjian.core.errors import NotFound, PermissionDenied
from gongjian.core.validation import object_id, public_key

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
    `public_id` may be a UUID or its text (from a URL or a form); text that is not one is
    `NotFound` with `message`, like a row the caller may not see.
    `lock=True` takes its row lock (`SELECT … FOR UPDATE OF` the row itself, on PostgreSQL)
    inside the caller's transaction."""
    pk = pk_of(pk)
    if pk is not None:
        lookup["pk"] = pk if isinstance(pk, int) else object_id(pk, message=message)
    if "public_id" in lookup:
        lookup["public_id"] = public_key(lookup["public_id"], message=message)
    if lock:
        qs = qs.select_for_update(of=("self",))
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound(message)
    return obj


def public_ids(values: Iterable[Any]) -> set[uuid.UUID]:
    """The public ids named in a form or a payload, blanks left out. One that is not a UUID
    stays in as a key no row has, so `len(found) != len(keys)` tells the caller one is wrong."""
    keys = set()
    for value in values:
        if not str(value).strip():
            continue
        try:
            keys.add(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            keys.add(uuid.UUID(int=0))
    return keys


def not_own(actor: Any, *submitters: Any, message: str | None = None) -> None:
    """Separation of duties: whoever submitted (or applied for) an item may not review it at
    any level, whatever posts they hold. `submitters` are users or user ids (None ignored)."""
    me = user_of(actor)
    mine = getattr(me, "pk", None)
    ids = {getattr(s, "pk", s) for s in submitters if s is not None}
    if mine is not None and mine in ids:
        raise PermissionDenied(message or _("不能评审自己提交的材料"))
