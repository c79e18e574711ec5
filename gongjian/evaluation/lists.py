"""The lists of 模范机关创建, each declared once: its page, its Excel export and its API list
come from here (ADR 0010)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from gongjian.core.lists import CODE, DATE, DATETIME, DECIMAL, NUMBER, Column, Filter, ListSpec
from gongjian.evaluation import selectors
from gongjian.evaluation.models import Assessment, Brand, Campaign, Case

L = gettext_lazy


def _period(c: Any) -> str:
    return f"{c.period_start:%Y-%m-%d}—{c.period_end:%Y-%m-%d}"


FRAMEWORKS = ListSpec(
    name="evaluation.frameworks",
    title=L("考评体系"),
    rows=selectors.framework_list,
    per_page=30,
    filters=(Filter("q", L("名称或编码")),),
    columns=(
        Column(L("名称"), "name"),
        Column(L("编码"), "code", kind=CODE),
        Column(L("所属区"), "area.name"),
        Column(L("指标数"), "indicator_count", kind=NUMBER),
        Column(L("状态"), "get_status_display"),
    ),
)

CAMPAIGNS = ListSpec(
    name="evaluation.campaigns",
    title=L("创建活动"),
    rows=selectors.campaign_list,
    per_page=30,
    filters=(
        Filter("q", L("活动名称")),
        Filter("status", L("状态"), kind="choice", choices=Campaign.Status.choices),
    ),
    columns=(
        Column(L("名称"), "name"),
        Column(L("考评体系"), "framework.name"),
        Column(L("考评期"), _period),
        Column(L("自评截止"), "submit_by", kind=DATE),
        Column(L("单位数"), "unit_count", kind=NUMBER),
        Column(L("状态"), "get_status_display"),
    ),
)

ASSESSMENTS = ListSpec(
    name="evaluation.assessments",
    title=L("测评进度"),
    rows=selectors.assessment_list,  # the route gives `campaign`
    filters=(
        Filter("q", L("单位名称或编码")),
        Filter("status", L("状态"), kind="choice", choices=Assessment.Status.choices),
    ),
    columns=(
        Column(L("单位编码"), "unit.code", kind=CODE),
        Column(L("单位"), "unit.name"),
        Column(L("状态"), "get_status_display"),
        Column(L("提交时间"), "submitted_at", kind=DATETIME),
        Column(L("退回次数"), "return_count", kind=NUMBER),
        Column(L("总分"), "total", kind=DECIMAL),
        Column(L("等次"), "get_grade_display"),
        Column(L("排名"), "rank", kind=NUMBER),
    ),
)

RESULTS = ListSpec(
    name="evaluation.results",
    title=L("测评结果"),
    rows=selectors.result_list,  # the route gives `campaign`
    per_page=100,
    filters=(Filter("q", L("单位名称")),),
    columns=(
        Column(L("排名"), "rank", kind=NUMBER),
        Column(L("单位"), "unit_name"),
        Column(L("总分"), "total", kind=DECIMAL),
        Column(L("等次"), "grade_label"),
    ),
)

BRANDS = ListSpec(
    name="evaluation.brands",
    title=L("党建品牌"),
    rows=selectors.brand_list,
    per_page=30,
    filters=(
        Filter("q", L("品牌、支部或单位")),
        Filter("status", L("状态"), kind="choice", choices=Brand.Status.choices),
    ),
    columns=(
        Column(L("品牌名称"), "name"),
        Column(L("党支部"), "party_org.name"),
        Column(L("单位"), "party_org.unit.name"),
        Column(L("状态"), "get_status_display"),
        Column(L("党员数"), "member_count", kind=NUMBER),
        Column(L("命名日期"), "recognised_on", kind=DATE),
    ),
)

CASES = ListSpec(
    name="evaluation.cases",
    title=L("案例"),
    rows=selectors.case_list,
    per_page=30,
    filters=(
        Filter("q", L("案例或单位")),
        Filter("status", L("状态"), kind="choice", choices=Case.Status.choices),
        Filter("campaign_id", L("创建活动"), kind="int", to="campaign"),
    ),
    columns=(
        Column(L("创建活动"), "campaign.name"),
        Column(L("案例标题"), "title"),
        Column(L("单位"), "unit.name"),
        Column(L("状态"), "get_status_display"),
        Column(L("得票"), "vote_count", kind=NUMBER),
        Column(L("名次"), "place", kind=NUMBER),
    ),
)

AWARDS = ListSpec(
    name="evaluation.awards",
    title=L("表彰"),
    rows=selectors.award_list,
    filters=(Filter("q", L("单位或称号")),),
    columns=(
        Column(L("证书编号"), "number", kind=CODE),
        Column(L("单位"), "unit.name"),
        Column(L("称号"), "title"),
        Column(L("创建活动"), "campaign.name"),
        Column(L("授予日期"), "awarded_on", kind=DATE),
    ),
)
