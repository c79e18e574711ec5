"""Figures over the API: the same `figures_for` as the dashboard and the briefing."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gongjian.core.replica import reads_from_replica
from gongjian.reports import figures, selectors

router = Router(tags=["reports"])


class NodeOut(Schema):
    key: str
    kind: str
    name: str


@router.get("/nodes", response=list[NodeOut], summary="可选的统计范围")
def nodes(request: HttpRequest) -> list[Any]:
    return figures.node_options(request.user)


@router.get("/figures", response=dict[str, Any], summary="统计数据（驾驶舱与简报共用）")
@reads_from_replica
def figures_get(
    request: HttpRequest, node: str = "", period: str = "", start: str = "", end: str = ""
) -> dict[str, Any]:
    chosen, span = selectors.selection_for(
        request.user, node=node, period=period, start=start, end=end
    )
    f = figures.figures_for(request.user, chosen, span)
    out = dataclasses.asdict(f)
    out["period"] = {
        "kind": span.kind,
        "start": span.start.isoformat(),
        "end": span.end.isoformat(),
        "label": span.label,
    }
    out["as_of"] = f.as_of.isoformat()
    out["computed_at"] = f.computed_at.isoformat() if f.computed_at else None
    out["reporting_rate"] = f.reporting_rate
    return out
