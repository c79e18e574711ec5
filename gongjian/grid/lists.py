"""The grid app's lists, each declared once (ADR 0010): page, Excel export and API."""

from __future__ import annotations

from gongjian.core.lists import (
    DATE,
    MASKED_ID,
    MASKED_PHONE,
    NUMBER,
    PERCENT,
    Column,
    Filter,
    ListSpec,
    choice,
    days,
)
from gongjian.core.lists import lazy as _
from gongjian.grid import selectors
from gongjian.grid.models import Assignment, Issue

FLAG_CHOICES = [
    ("elderly_alone", _("独居老人")),
    ("hardship", _("困难家庭")),
    ("empty_nest", _("空巢")),
]

HOUSEHOLDS = ListSpec(
    name="grid.households",
    title=_("网格住户"),
    rows=selectors.household_list,
    filters=(
        Filter("q", _("户主姓名或地址")),
        Filter("area", _("区域"), kind="int"),
        Filter("flag", _("重点人群"), kind="choice", choices=FLAG_CHOICES),
        Filter("unvisited_since", _("此日后未走访"), kind="date"),
    ),
    columns=(
        Column(_("社区"), "grid.parent.name"),
        Column(_("网格"), "grid.name"),
        Column(_("住址"), "place"),
        Column(_("户主"), "head_name"),
        Column(_("户主电话"), "head_phone", kind=MASKED_PHONE),
        Column(_("户主身份证号"), "head_id_number", kind=MASKED_ID),
        Column(_("人口数"), "size", kind=NUMBER),
        Column(_("重点人群"), lambda h: "、".join(h.flags)),
    ),
)

ASSIGNMENTS = ListSpec(
    name="grid.assignments",
    title=_("网格力量"),
    rows=selectors.assignment_list,
    filters=(
        Filter("q", _("姓名或网格")),
        choice("role", _("职责"), Assignment.Role.choices),
        Filter("area", _("区域"), kind="int"),
        Filter("unit", _("派出单位"), kind="int"),
        Filter("current", _("在岗"), kind="bool"),
    ),
    columns=(
        Column(_("网格"), "grid.name"),
        Column(_("社区"), "grid.parent.name"),
        Column(_("姓名"), "member.name"),
        Column(_("职责"), "get_role_display"),
        Column(_("派出单位"), "unit.name"),
        Column(_("开始日期"), "starts_on", kind=DATE),
        Column(_("结束日期"), "ends_on", kind=DATE),
    ),
)

VISITS = ListSpec(
    name="grid.visits",
    title=_("入户走访"),
    rows=selectors.visit_list,
    filters=(
        Filter("q", _("户主、走访人或情况")),
        Filter("area", _("区域"), kind="int"),
        *days(),
        Filter("mine", _("我的走访"), kind="bool"),
    ),
    columns=(
        Column(_("走访日期"), "visited_on", kind=DATE),
        Column(_("网格"), "grid.name"),
        Column(_("住址"), "household.place"),
        Column(_("户主"), "household.head_name"),
        Column(_("走访人"), "visitor.name"),
        Column(_("见到"), "met"),
        Column(_("走访情况"), "notes"),
        Column(_("发现问题"), "issue_count", kind=NUMBER),
    ),
)

ISSUES = ListSpec(
    name="grid.issues",
    title=_("走访问题"),
    rows=selectors.issue_list,
    filters=(
        Filter("q", _("问题描述")),
        choice("kind", _("问题类型"), Issue.Kind.choices),
        choice("status", _("状态"), Issue.Status.choices),
        Filter("area", _("区域"), kind="int"),
        *days(),
    ),
    columns=(
        Column(_("走访日期"), "visit.visited_on", kind=DATE),
        Column(_("网格"), "visit.grid.name"),
        Column(_("住址"), "visit.household.place"),
        Column(_("问题类型"), "get_kind_display"),
        Column(_("问题描述"), "description"),
        Column(_("状态"), "get_status_display"),
        Column(_("转办去向"), "get_passed_to_display"),
    ),
)

COVERAGE = ListSpec(
    name="grid.coverage",
    title=_("走访覆盖"),
    rows=selectors.coverage_rows,
    filters=(
        *days(),
        Filter("flag", _("重点人群"), kind="choice", choices=FLAG_CHOICES),
        Filter("area", _("区域"), kind="int"),
        Filter("behind", _("只看落后网格"), kind="bool"),
    ),
    columns=(
        Column(_("社区"), "community"),
        Column(_("网格"), "grid"),
        Column(_("住户"), "households", kind=NUMBER),
        Column(_("已走访住户"), "visited", kind=NUMBER),
        Column(_("覆盖率"), "rate", kind=PERCENT),
        Column(_("未走访"), "behind", kind=NUMBER),
        Column(_("走访次数"), "visits", kind=NUMBER),
        Column(_("发现问题"), "issues", kind=NUMBER),
    ),
)
