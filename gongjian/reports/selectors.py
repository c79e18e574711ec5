"""Reads of this app for its front doors: the caller's choice of scope node and period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongjian.reports import figures
from gongjian.reports.types import Period, period_of

PERIOD_KINDS = ("this_year", "this_month", "last_month", "last_year", "custom")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def selection_for(
    actor: Any, *, node: str = "", period: str = "", start: str = "", end: str = ""
) -> tuple[figures.Node, Period]:
    """The node (within the caller's scope, else NotFound) and the period asked for; the
    caller's own top node and this year by default."""
    chosen = figures.node_get_for(actor, node) if node else figures.default_node(actor)
    kind = period if period in PERIOD_KINDS else "this_year"
    return chosen, period_of(kind, today=timezone.localdate(), start=_date(start), end=_date(end))
