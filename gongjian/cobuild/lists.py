"""The lists of 直联共建, each declared once: its page, its Excel export and its API list
come from here (ADR 0010)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.cobuild import selectors
from gongjian.cobuild.models import Campaign, Match, Priority, Project
from gongjian.core.lists import DATE, DATETIME, DECIMAL, NUMBER, Column, Filter, ListSpec

L = gettext_lazy


def _served_area(resource: Any) -> str:
    return resource.area.name if resource.area else _("全区")


def _matched(demand: Any) -> str:
    return _("是") if getattr(demand, "confirmed", 0) else _("否")


CAMPAIGNS = ListSpec(
    name="cobuild.campaigns",
    title=L("共建活动"),
    rows=selectors.campaign_list,
    per_page=30,
    filters=(
        Filter("q", L("活动名称")),
        Filter("status", L("状态"), kind="choice", choices=Campaign.Status.choices),
    ),
    columns=(
        Column(L("活动名称"), "name"),
        Column(L("年度"), "year"),
        Column(L("区"), "district.name"),
        Column(L("状态"), "get_status_display"),
        Column(L("清单截止"), "lists_due", kind=DATE),
        Column(L("签约截止"), "signing_due", kind=DATE),
    ),
)

RESOURCES = ListSpec(
    name="cobuild.resources",
    title=L("资源清单"),
    rows=selectors.resource_list,  # the route gives `campaign`
    filters=(
        Filter("q", L("关键词")),
        Filter("category", L("类别")),
        Filter("mine", L("本单位"), kind="bool"),
    ),
    columns=(
        Column(L("单位"), "unit.name"),
        Column(L("资源名称"), "title"),
        Column(L("资源内容"), "description"),
        Column(L("类别"), "category"),
        Column(L("可服务社区数"), "capacity", kind=NUMBER),
        Column(L("已确认"), "confirmed", kind=NUMBER),
        Column(L("服务区域"), _served_area),
        Column(L("联系人及电话"), "contact_masked"),  # the mobile number masked
    ),
)

DEMANDS = ListSpec(
    name="cobuild.demands",
    title=L("需求清单"),
    rows=selectors.demand_list,  # the route gives `campaign`
    filters=(
        Filter("q", L("关键词")),
        Filter("category", L("类别")),
        Filter("priority", L("优先级"), kind="choice", choices=Priority.choices),
        Filter("mine", L("本社区"), kind="bool"),
    ),
    columns=(
        Column(L("街道"), "community.parent.name"),
        Column(L("社区"), "community.name"),
        Column(L("需求名称"), "title"),
        Column(L("需求内容"), "description"),
        Column(L("类别"), "category"),
        Column(L("优先级"), "get_priority_display"),
        Column(L("期望完成时间"), "needed_by", kind=DATE),
        Column(L("已匹配"), _matched),
    ),
)

PROPOSALS = ListSpec(
    name="cobuild.matches",
    title=L("匹配结果"),
    rows=selectors.proposal_list,  # the route gives `campaign`
    filters=(
        Filter("q", L("关键词")),
        Filter("status", L("状态"), kind="choice", choices=Match.Status.choices),
    ),
    columns=(
        Column(L("社区"), "demand.community.name"),
        Column(L("需求"), "demand.title"),
        Column(L("单位"), "resource.unit.name"),
        Column(L("资源"), "resource.title"),
        Column(L("匹配分"), lambda m: round(m.score, 3), kind=DECIMAL),
        Column(L("匹配理由"), lambda m: "；".join(m.reasons)),
        Column(L("状态"), "get_status_display"),
    ),
)

AGREEMENTS = ListSpec(
    name="cobuild.agreements",
    title=L("共建签约"),
    rows=selectors.confirmed_matches,
    filters=(
        Filter("q", L("关键词")),
        Filter("campaign_id", L("活动"), kind="int", to="campaign"),
    ),
    columns=(
        Column(L("活动"), "campaign.name"),
        Column(L("社区"), "demand.community.name"),
        Column(L("需求"), "demand.title"),
        Column(L("单位"), "resource.unit.name"),
        Column(L("资源"), "resource.title"),
        Column(L("项目名称"), "agreement.project_name"),
        Column(L("单位签约"), "agreement.unit_signed_at", kind=DATETIME),
        Column(L("社区签约"), "agreement.community_signed_at", kind=DATETIME),
    ),
)

PROJECTS = ListSpec(
    name="cobuild.projects",
    title=L("共建项目"),
    rows=selectors.project_list,
    filters=(
        Filter("q", L("关键词")),
        Filter("status", L("状态"), kind="choice", choices=Project.Status.choices),
        Filter("campaign_id", L("活动"), kind="int", to="campaign"),
    ),
    columns=(
        Column(L("项目名称"), "name"),
        Column(L("活动"), "campaign.name"),
        Column(L("社区"), "agreement.match.demand.community.name"),
        Column(L("单位"), "agreement.match.resource.unit.name"),
        Column(L("状态"), "get_status_display"),
        Column(L("开始日期"), "starts_on", kind=DATE),
        Column(L("结束日期"), "ends_on", kind=DATE),
        Column(L("评分"), "rating.stars", kind=NUMBER),
    ),
)
