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
    `public_id` (or a `…__public_id` lookup) may be a UUID or its text (from a URL or a
    form); text that is not one is `NotFound` with `message`, like a row the caller may not
    see.
    `lock=True` takes its row lock (`SELECT … FOR UPDATE OF` the row itself, on PostgreSQL)
    inside the caller's transaction."""
    pk = pk_of(pk)
    if pk is not None:
        lookup["pk"] = pk if isinstance(pk, int) else object_id(pk, message=message)
    for key, value in lookup.items():
        if key == "public_id" or key.endswith("__public_id"):
            lookup[key] = public_key(value, message=message)
    if lock:
        qs = qs.select_for_update(of=("self",))
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFound(message)
    return obj


def key_of(value: Any) -> uuid.UUID:
    """A public id from a form or a payload as a UUID; text that is not one becomes a key no
    row has, so a lookup with it finds nothing."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.UUID(int=0)


def public_ids(values: Iterable[Any]) -> set[uuid.UUID]:
    """The public ids named in a form or a payload, blanks left out, each by `key_of`: one
    that is not a UUID matches no row, so `len(found) != len(keys)` tells the caller."""
    return {key_of(v) for v in values if str(v).strip()}


def not_own(actor: Any, *submitters: Any, message: str | None = None) -> None:
    """Separation of duties: whoever submitted (or applied for) an item may not review it at
    any level, whatever posts they hold. `submitters` are users or user ids (None ignored)."""
    me = user_of(actor)
    mine = getattr(me, "pk", None)
    ids = {getattr(s, "pk", s) for s in submitters if s is not None}
    if mine is not None and mine in ids:
        raise PermissionDenied(message or _("不能评审自己提交的材料"))
