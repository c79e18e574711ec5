"""The grid app's figures (see `gongjian/core/figures.py`; defined in docs/figures.md). Each
counts rows of one list, filtered to the same area and period, which its `url` opens. Grids
are areas: a unit has no grid figures of its own."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, Scope
from gongjian.core.periods import Period
from gongjian.grid import selectors

GROUP = "网格工作"


def _url(name: str, query: dict[str, Any]) -> str:
    clean = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in query.items()}
    return f"{reverse(name)}?{urlencode({k: v for k, v in clean.items() if v not in (None, '')})}"


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    if scope.unit_id:
        return []
    where: dict[str, Any] = {"area": scope.area_id} if scope.area_id else {}
    dates = {**where, "start": period.start, "end": period.end}
    visits = selectors.visit_list(actor=actor, **dates)
    values = [
        (
            "grid.households",
            _("网格住户"),
            "户",
            "grid:household_list",
            where,
            selectors.household_list(actor=actor, **where).count(),
        ),
        (
            "grid.visits",
            _("入户走访"),
            "次",
            "grid:visit_list",
            dates,
            visits.count(),
        ),
        (
            "grid.households_visited",
            _("走访住户"),
            "户",
            "grid:visit_list",
            dates,
            visits.order_by().values("household_id").distinct().count(),
        ),
        (
            "grid.issues",
            _("走访发现问题"),
            "个",
            "grid:issue_list",
            dates,
            selectors.issue_list(actor=actor, **dates).count(),
        ),
        (
            "grid.issues_passed",
            _("问题转办"),
            "个",
            "grid:issue_list",
            {**dates, "status": "passed"},
            selectors.issue_list(actor=actor, status="passed", **dates).count(),
        ),
        (
            "grid.cadres",
            _("网格力量（在岗）"),
            "人",
            "grid:assignment_list",
            {**where, "current": "1"},
            selectors.assignment_list(actor=actor, current=True, **where)
            .order_by()
            .values("member_id")
            .distinct()
            .count(),
        ),
    ]
    return [
        Figure(key=k, label=label, value=v, unit=unit, url=_url(route, q), group=GROUP)
        for k, label, unit, route, q, v in values
    ]
