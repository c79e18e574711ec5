"""The rankings of the dashboard as lists, declared once (ADR 0010): their Excel exports come
from `figures.figures_for`, for the node and the period the dashboard shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from gongjian.core.lists import CODE, DECIMAL, NUMBER, PERCENT, Column, Filter, ListSpec
from gongjian.reports import figures, selectors

SELECTION = (
    Filter("node", _("统计范围")),
    Filter("period", _("期间")),
    Filter("start", _("开始日期")),
    Filter("end", _("结束日期")),
)


def _ranking(attr: str) -> Callable[..., list[tuple[int, Any]]]:
    """The rows of one ranking of the figures, each with its place (1 for the first)."""

    def rows(*, actor: Any, node: str, period: str, start: str, end: str) -> list[tuple[int, Any]]:
        chosen, span = selectors.selection_for(
            actor, node=node, period=period, start=start, end=end
        )
        return list(enumerate(getattr(figures.figures_for(actor, chosen, span), attr), 1))

    return rows


def _place(row: tuple[int, Any]) -> int:
    return row[0]


def _of(attr: str) -> Callable[[tuple[int, Any]], Any]:
    return lambda row: getattr(row[1], attr)


UNIT_RANKING = ListSpec(
    name="reports.unit_ranking",
    title=_("单位排名"),
    rows=_ranking("unit_ranking"),
    filters=SELECTION,
    columns=(
        Column(_("名次"), _place, kind=NUMBER),
        Column(_("单位编码"), _of("code"), kind=CODE),
        Column(_("单位名称"), _of("name")),
        Column(_("在职党员"), _of("in_service"), kind=NUMBER),
        Column(_("已报到"), _of("reported"), kind=NUMBER),
        Column(_("报到率"), _of("rate"), kind=PERCENT),
        Column(_("参与志愿服务人次"), _of("person_times"), kind=NUMBER),
        Column(_("服务时长（小时）"), _of("hours"), kind=DECIMAL),
    ),
)

COMMUNITY_RANKING = ListSpec(
    name="reports.community_ranking",
    title=_("社区排名"),
    rows=_ranking("community_ranking"),
    filters=SELECTION,
    columns=(
        Column(_("名次"), _place, kind=NUMBER),
        Column(_("社区编码"), _of("code"), kind=CODE),
        Column(_("社区名称"), _of("name")),
        Column(_("所属街道"), _of("street")),
        Column(_("报到党员"), _of("reports"), kind=NUMBER),
        Column(_("志愿服务活动（场）"), _of("activities"), kind=NUMBER),
        Column(_("参与人次"), _of("person_times"), kind=NUMBER),
        Column(_("入户（户）"), _of("households"), kind=NUMBER),
        Column(_("需求（项）"), _of("demands"), kind=NUMBER),
    ),
)
