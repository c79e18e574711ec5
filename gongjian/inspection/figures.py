"""The inspection app's figures (see `gongjian/core/figures.py`; defined in docs/figures.md).
Each counts rows of one list, filtered to the same scope and period, which its `url` opens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from gongjian.core.figures import Figure, Scope
from gongjian.core.periods import Period
from gongjian.inspection import selectors
from gongjian.inspection.models import Task

GROUP = "督导督查"


def _where(scope: Scope) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if scope.area_id:
        out["area"] = scope.area_id
    if scope.unit_id:
        out["unit"] = scope.unit_id
    return out


def _url(name: str, query: dict[str, Any]) -> str:
    return f"{reverse(name)}?{urlencode({k: v for k, v in query.items() if v not in (None, '')})}"


def figures(*, actor: Any, scope: Scope, period: Period) -> list[Figure]:
    where = _where(scope)
    found = {**where, "start": period.start, "end": period.end}
    closed = {**where, "closed_start": period.start, "closed_end": period.end}
    rows: list[tuple[str, str, str, str, dict[str, Any], Any]] = [
        (
            "inspection.inspections_held",
            _("开展督导"),
            "次",
            "inspection:inspection_list",
            found,
            selectors.inspection_list,
        ),
        (
            "inspection.places_visited",
            _("督导点位"),
            "个",
            "inspection:place_list",
            found,
            selectors.place_list,
        ),
        (
            "inspection.findings_found",
            _("发现问题"),
            "个",
            "inspection:finding_list",
            found,
            selectors.finding_list,
        ),
        (
            "inspection.findings_rectified",
            _("整改销号"),
            "个",
            "inspection:finding_list",
            {**closed, "status": "closed"},
            selectors.finding_list,
        ),
        (
            "inspection.findings_on_time",
            _("按期整改"),
            "个",
            "inspection:finding_list",
            {**closed, "status": "closed", "on_time": True},
            selectors.finding_list,
        ),
        (
            "inspection.findings_returned",
            _("整改被退回"),
            "个",
            "inspection:finding_list",
            {**found, "returned": True},
            selectors.finding_list,
        ),
        (
            "inspection.tasks_completed",
            _("完成督办事项"),
            "项",
            "inspection:task_list",
            {**found, "status": Task.Status.COMPLETED},
            selectors.task_list,
        ),
    ]
    out = []
    for key, label, unit, route, filters, rows_of in rows:
        query = {
            k: (v.isoformat() if hasattr(v, "isoformat") else ("1" if v is True else v))
            for k, v in filters.items()
        }
        out.append(
            Figure(
                key=key,
                label=label,
                value=rows_of(actor=actor, **filters).count(),
                unit=unit,
                url=_url(route, query),
                group=GROUP,
            )
        )
    return out
