"""The inspection app's lists, each declared once (ADR 0010): page, Excel export and API."""

from __future__ import annotations

from gongjian.core.lists import (
    AREA_UNIT,
    DATE,
    DATETIME,
    NUMBER,
    Column,
    Filter,
    ListSpec,
    choice,
    days,
)
from gongjian.core.lists import lazy as _
from gongjian.inspection import selectors
from gongjian.inspection.models import Finding, Inspection, Place, Task

INSPECTIONS = ListSpec(
    name="inspection.inspections",
    title=_("督导"),
    rows=selectors.inspection_list,
    filters=(
        Filter("q", _("主题")),
        choice("kind", _("类型"), Inspection.Kind.choices),
        *days(),
        *AREA_UNIT,
    ),
    columns=(
        Column(_("开始日期"), "starts_on", kind=DATE),
        Column(_("结束日期"), "ends_on", kind=DATE),
        Column(_("类型"), "get_kind_display"),
        Column(_("主题"), "subject"),
        Column(_("组织方"), "get_led_by_display"),
        Column(_("牵头单位"), "unit.name"),
        Column(_("点位"), "place_count", kind=NUMBER),
        Column(_("发现问题"), "finding_count", kind=NUMBER),
    ),
)

PLACES = ListSpec(
    name="inspection.places",
    title=_("督导点位"),
    rows=selectors.place_list,
    filters=(
        Filter("q", _("点位或地址")),
        choice("kind", _("点位类型"), Place.Kind.choices),
        Filter("inspection", _("督导")),
        *days(_("到访开始日期"), _("到访结束日期")),
        Filter("visited", _("已到访"), kind="bool"),
        *AREA_UNIT,
    ),
    columns=(
        Column(_("点位"), "name"),
        Column(_("点位类型"), "get_kind_display"),
        Column(_("所在区域"), "area.name"),
        Column(_("地址"), "address"),
        Column(_("督导"), "inspection.subject"),
        Column(_("到访日期"), "visited_on", kind=DATE),
    ),
)

FINDINGS = ListSpec(
    name="inspection.findings",
    title=_("督导发现问题"),
    rows=selectors.finding_list,
    filters=(
        Filter("q", _("问题或责任方")),
        choice("status", _("状态"), Finding.Status.choices),
        choice("category", _("问题类别"), Finding.Category.choices),
        Filter("inspection", _("督导")),
        Filter("overdue", _("已逾期"), kind="bool"),
        *days(_("发现开始日期"), _("发现结束日期")),
        Filter("closed_start", _("销号开始日期"), kind="date"),
        Filter("closed_end", _("销号结束日期"), kind="date"),
        Filter("on_time", _("按期整改"), kind="bool"),
        Filter("returned", _("曾退回"), kind="bool"),
        *AREA_UNIT,
    ),
    columns=(
        Column(_("发现时间"), "found_at", kind=DATETIME),
        Column(_("督导"), "inspection.subject"),
        Column(_("点位"), "place.name"),
        Column(_("问题描述"), "description"),
        Column(_("问题类别"), "get_category_display"),
        Column(_("严重程度"), "get_severity_display"),
        Column(_("责任方"), lambda f: str(f.responsible or "")),
        Column(_("整改期限"), "due_on", kind=DATE),
        Column(_("状态"), "get_status_display"),
        Column(_("退回次数"), "returns", kind=NUMBER),
        Column(_("销号时间"), "closed_at", kind=DATETIME),
    ),
)

TASKS = ListSpec(
    name="inspection.tasks",
    title=_("督办事项"),
    rows=selectors.task_list,
    filters=(
        Filter("q", _("任务或承办方")),
        Filter("campaign", _("督办工作")),
        choice("status", _("状态"), Task.Status.choices),
        Filter("overdue", _("已逾期"), kind="bool"),
        *days(_("完成开始日期"), _("完成结束日期")),
        *AREA_UNIT,
    ),
    columns=(
        Column(_("督办工作"), "campaign.title"),
        Column(_("任务"), "title"),
        Column(_("承办方"), lambda t: str(t.assignee or "")),
        Column(_("目标"), "target"),
        Column(_("期限"), "due_on", kind=DATE),
        Column(_("进度（%）"), "progress", kind=NUMBER),
        Column(_("状态"), "get_status_display"),
        Column(_("完成时间"), "completed_at", kind=DATETIME),
    ),
)

CAMPAIGNS = ListSpec(
    name="inspection.campaigns",
    title=_("督办工作"),
    rows=selectors.campaign_list,
    filters=(Filter("q", _("名称")),),
    columns=(
        Column(_("名称"), "title"),
        Column(_("牵头单位"), lambda c: c.unit.name if c.unit else c.district.name),
        Column(_("完成期限"), "due_on", kind=DATE),
        Column(_("事项"), "task_count", kind=NUMBER),
        Column(_("已完成"), "done_count", kind=NUMBER),
    ),
)
