"""Reads of this app for its front doors: the caller's choice of scope node and period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongjian.core import figures as core_figures
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


# The dashboard composes reporting, service and co-building itself (reports.figures); every
# other app's figures (core.figures) are shown as they define them, each linked to its list.
COMPOSED_HERE = frozenset({"reporting", "service", "cobuild"})


def app_figures(
    actor: Any, node: figures.Node, period: Period
) -> list[tuple[str, list[core_figures.Figure]]]:
    """The figures of the apps the board does not compose, for the node and period chosen,
    grouped as each app names its section, in INSTALLED_APPS order."""
    if node.is_unit:
        scope = core_figures.Scope(unit_id=node.unit_id)
    elif node.area_id is not None:
        scope = core_figures.Scope(area_id=node.area_id, area_path=node.path, area_kind=node.kind)
    else:
        scope = core_figures.Scope()
    groups: dict[str, list[core_figures.Figure]] = {}
    for label, fn in core_figures.providers():
        if label in COMPOSED_HERE:
            continue
        for figure in fn(actor=actor, scope=scope, period=period):
            groups.setdefault(figure.group or label, []).append(figure)
    return list(groups.items())
