"""Filters the lists of every app share: scope parts joined by OR, a range of days, a public
id from a query string."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Q
from django.utils import timezone


def any_of(*parts: Q) -> Q:
    """Scope filters joined by OR, where an empty `Q()` (the platform: everything) stays
    everything (Django drops an empty Q from an OR)."""
    if any(not p for p in parts):
        return Q()
    out = parts[0]
    for p in parts[1:]:
        out = out | p
    return out


def as_uuid(value: Any) -> uuid.UUID | None:
    """A public id from a filter, or None when it is not one (the list is then empty)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def days_q(path: str, start: dt.date | None, end: dt.date | None) -> Q:
    """Rows whose date at `path` falls from `start` to `end`, both included (either may be
    absent)."""
    q = Q()
    if start:
        q &= Q(**{f"{path}__gte": start})
    if end:
        q &= Q(**{f"{path}__lte": end})
    return q


def moments_q(path: str, start: dt.date | None, end: dt.date | None) -> Q:
    """Rows whose moment at `path` falls on the days from `start` to `end`, both included,
    in local time (either may be absent)."""
    tz = timezone.get_current_timezone()
    q = Q()
    if start:
        q &= Q(**{f"{path}__gte": dt.datetime.combine(start, dt.time(), tzinfo=tz)})
    if end:
        after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        q &= Q(**{f"{path}__lt": after})
    return q
