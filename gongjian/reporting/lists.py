"""The lists of 双报到, declared once (ADR 0010): each gives its page, its Excel export
(`SPEC.export_view()` in urls.py) and its API list, parsing the same filters."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from gongjian.core.lists import (
    CODE,
    DATETIME,
    MASKED_PHONE,
    NUMBER,
    PERCENT,
    Column,
    Filter,
    ListSpec,
)
from gongjian.orgs.models import Member
from gongjian.reporting import selectors
from gongjian.reporting.models import MemberReport, OrgReport

ALL = "all"


def _choices(choices: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in choices)


def _reports(*, actor: Any, status: str, **filters: Any) -> Any:
    return selectors.member_report_list(
        actor=actor, status="" if status == ALL else status, **filters
    )


def _display(field: str) -> Any:
    return lambda row: str(getattr(row, f"get_{field}_display")())


REPORTS = ListSpec(
    name="reporting.member_reports",
    title=_("党员报到"),
    rows=_reports,
    filters=(
        Filter("q", _("姓名、单位或社区")),
        Filter(
            "status",
            _("状态"),
            kind="choice",
            choices=((ALL, _("全部状态")), *_choices(MemberReport.Status.choices)),
            default=MemberReport.Status.SUBMITTED,
        ),
        Filter("community", _("社区"), kind="int"),
    ),
    columns=(
        Column(_("姓名"), "member.name"),
        Column(_("工作单位"), "member.unit.name"),
        Column(_("街道"), "community.parent.name"),
        Column(_("社区"), "community.name"),
        Column(_("网格"), "grid.name"),
        Column(_("状态"), _display("status")),
        Column(_("提交时间"), "submitted_at", kind=DATETIME),
        Column(_("确认时间"), "confirmed_at", kind=DATETIME),
        Column(_("退回原因"), "reject_reason"),
    ),
)


def _in_service(member: Member) -> str:
    return _("是") if member.in_service else _("否")


RESIDENTS = ListSpec(
    name="reporting.residents",
    title=_("居住党员"),
    rows=selectors.residents,
    filters=(
        Filter("q", _("姓名或手机号")),
        Filter("community", _("社区"), kind="int"),
        Filter("grid", _("网格"), kind="int"),
    ),
    columns=(
        Column(_("社区"), "home_community.name"),
        Column(_("网格"), "home_grid.name"),
        Column(_("姓名"), "name"),
        Column(_("手机号"), "phone", kind=MASKED_PHONE),
        Column(_("工作单位"), "unit.name"),
        Column(_("在职党员"), _in_service),
    ),
)

STATES = (
    (selectors.STATE_NONE, _("未报到")),
    (selectors.STATE_PENDING, _("待确认")),
    (selectors.STATE_CONFIRMED, _("已确认")),
)


def state_label(member: Any) -> str:
    if member.has_confirmed:
        return _("已确认")
    return _("待确认") if member.has_pending else _("未报到")


UNIT_MEMBERS = ListSpec(
    name="reporting.unit_members",
    title=_("单位报到情况"),
    rows=selectors.unit_members_status,
    filters=(
        Filter("unit", _("单位"), kind="int"),
        Filter("state", _("报到状态"), kind="choice", choices=STATES),
        Filter("q", _("姓名")),
    ),
    columns=(
        Column(_("姓名"), "name"),
        Column(_("所在党组织"), "party_org.name"),
        Column(_("居住社区"), "home_community.name"),
        Column(_("报到状态"), state_label),
    ),
)

ROSTER_STATES = (
    ("confirmed", _("已报到")),
    ("pending", _("待确认")),
    ("none", _("未报到")),
    ("received", _("社区收到报到")),
    ("awaiting", _("待社区确认报到")),
)

# The members behind the 双报到 figures of a scope on a day (在职党员 / 已报到 / 待确认).
ROSTER = ListSpec(
    name="reporting.roster",
    title=_("在职党员报到名册"),
    rows=selectors.roster_list,
    per_page=50,
    filters=(
        Filter("area", _("区域"), kind="int"),
        Filter("unit", _("单位"), kind="int"),
        Filter("date", _("统计日期"), kind="date", to="on"),
        Filter("state", _("报到状态"), kind="choice", choices=ROSTER_STATES),
        Filter("q", _("姓名")),
    ),
    columns=(
        Column(_("姓名"), "name"),
        Column(_("工作单位"), "unit.name"),
        Column(_("所在党组织"), "party_org.name"),
        Column(_("居住社区"), "home_community.name"),
        Column(_("报到状态"), state_label),
    ),
)

PAIRINGS = ListSpec(
    name="reporting.pairings",
    title=_("组织结对"),
    rows=selectors.org_report_list,
    filters=(
        Filter("q", _("党组织、单位或社区")),
        Filter("status", _("状态"), kind="choice", choices=_choices(OrgReport.Status.choices)),
        Filter("area", _("区域"), kind="int"),
        Filter("unit", _("单位"), kind="int"),
        Filter("date", _("结对有效日期"), kind="date", to="on"),
    ),
    columns=(
        Column(_("党组织"), "party_org.name"),
        Column(_("单位"), "party_org.unit.name"),
        Column(_("社区"), "community.name"),
        Column(_("状态"), _display("status")),
        Column(_("结对内容"), "note"),
        Column(_("原因"), "reason"),
    ),
)

# Rates: one list per level, since a unit's columns count members and a community's reports.
LEVEL_LABELS = {
    "unit": _("单位"),
    "org": _("党组织"),
    "community": _("社区"),
    "street": _("街道"),
}
LEVEL = Filter(
    "level", _("统计层级"), kind="choice", choices=tuple(LEVEL_LABELS.items()), default="unit"
)
RATE_FILTERS = (
    LEVEL,
    Filter("date", _("统计日期"), kind="date", to="on"),
    Filter("q", _("名称或编码")),
)
MEMBER_COLUMNS = (
    Column(_("编码"), "code", kind=CODE),
    Column(_("名称"), "name"),
    Column(_("在职党员"), "total", kind=NUMBER),
    Column(_("已报到"), "done", kind=NUMBER),
    Column(_("待确认"), "pending", kind=NUMBER),
    Column(_("未报到"), "missing", kind=NUMBER),
    Column(_("报到率"), "rate", kind=PERCENT),
)
PLACE_COLUMNS = (
    Column(_("编码"), "code", kind=CODE),
    Column(_("名称"), "name"),
    Column(_("收到报到"), "total", kind=NUMBER),
    Column(_("已确认"), "done", kind=NUMBER),
    Column(_("待确认"), "pending", kind=NUMBER),
    Column(_("结对组织"), "pairs", kind=NUMBER),
    Column(_("确认率"), "rate", kind=PERCENT),
)
RATES = {
    level: ListSpec(
        name="reporting.rates",
        title=_("报到率-%(l)s") % {"l": label},
        rows=selectors.rate_rows,
        filters=RATE_FILTERS,
        columns=MEMBER_COLUMNS if level in ("unit", "org") else PLACE_COLUMNS,
        per_page=100,
    )
    for level, label in LEVEL_LABELS.items()
}


def rates_for(data: Any) -> ListSpec:
    """The rates list of the level asked for (units when none is)."""
    return RATES[LEVEL.parse(str(data.get("level", "")))]


@login_required
def rates_export(request: HttpRequest) -> HttpResponse:
    """The export of the rates page: its list's own export, for the level asked."""
    return rates_for(request.GET).export(request)
