"""The lists of volunteer service, declared once (ADR 0010): each gives its page, its Excel
export (`SPEC.export_view()` in urls.py) and its API list, parsing the same filters."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from gongjian.core.lists import DATETIME, DECIMAL, NUMBER, Column, Filter, ListSpec
from gongjian.service import selectors
from gongjian.service.models import Activity, Attendance

WHEN = (
    ("upcoming", _("未结束的")),
    ("past", _("已结束的")),
    ("all", _("全部")),
    ("held", _("已开展（统计口径）")),
    ("planned", _("计划开展（统计口径）")),
    ("organised", _("本单位组织（统计口径）")),
)


def _activities(*, actor: Any, when: str, mine: bool, **filters: Any) -> Any:
    return selectors.activity_list(
        actor=actor, when="" if when == "all" else when, manage=mine, **filters
    )


def _state(activity: Activity) -> str:
    return activity.state_label


ACTIVITIES = ListSpec(
    name="service.activities",
    title=_("志愿服务活动"),
    rows=_activities,
    per_page=20,
    filters=(
        Filter("q", _("活动名称或地址")),
        Filter("category", _("服务类别"), kind="int"),
        Filter("when", _("时间"), kind="choice", choices=WHEN, default="upcoming"),
        Filter("near", _("我报到的街道附近"), kind="bool"),
        Filter("mine", _("我组织的"), kind="bool"),
        Filter("area", _("区域"), kind="int"),
        Filter("unit", _("单位"), kind="int"),
        Filter("start", _("开始日期"), kind="date"),
        Filter("end", _("结束日期"), kind="date"),
    ),
    columns=(
        Column(_("标题"), "title"),
        Column(_("服务类别"), "category.name"),
        Column(_("地点"), "area.name"),
        Column(_("详细地址"), "address"),
        Column(_("开始时间"), "starts_at", kind=DATETIME),
        Column(_("结束时间"), "ends_at", kind=DATETIME),
        Column(_("名额"), "quota", kind=NUMBER),
        Column(_("已报名"), "confirmed_count", kind=NUMBER),
        Column(_("组织单位"), "unit.name"),
        Column(_("服务队"), "team.name"),
        Column(_("状态"), _state),
    ),
)


def _attendances(*, actor: Any, public_id: Any) -> Any:
    activity = selectors.activity_get_for(actor, public_id, write=True)
    return selectors.attendance_list(activity=activity)


def _method(attendance: Attendance) -> str:
    return str(attendance.get_method_display())


ATTENDANCE = ListSpec(
    name="service.attendance",
    title=_("签到记录"),
    rows=_attendances,
    per_page=100,
    columns=(
        Column(_("姓名"), "member.name"),
        Column(_("工作单位"), "member.unit.name"),
        Column(_("签到时间"), "checked_in_at", kind=DATETIME),
        Column(_("签退时间"), "checked_out_at", kind=DATETIME),
        Column(_("方式"), _method),
        Column(_("服务时长"), "hours", kind=DECIMAL),
        Column(_("积分"), "points", kind=DECIMAL),
    ),
)


def _confirmed(attendance: Attendance) -> str:
    return str(_("已确认") if attendance.hours_confirmed else _("未确认"))


def _records(*, actor: Any, **filters: Any) -> Any:
    return (
        selectors.attendance_records_list(actor=actor, **filters)
        .select_related("member__unit", "activity__category", "activity__area")
        .order_by("-activity__starts_at", "activity_id", "member__name", "id")
    )


# 参与记录: the attendances behind person-times, people and hours (the dashboard's and the
# statistics page's), filtered to the same scope and period.
RECORDS = ListSpec(
    name="service.records",
    title=_("志愿服务参与记录"),
    rows=_records,
    per_page=50,
    filters=(
        Filter("area", _("区域"), kind="int"),
        Filter("unit", _("单位"), kind="int"),
        Filter("start", _("开始日期"), kind="date"),
        Filter("end", _("结束日期"), kind="date"),
        Filter("category", _("服务类别"), kind="int"),
        Filter("community", _("活动所在社区"), kind="int"),
        Filter("team", _("服务队"), kind="int"),
        Filter("member_unit", _("党员所在单位"), kind="int"),
    ),
    columns=(
        Column(_("姓名"), "member.name"),
        Column(_("工作单位"), "member.unit.name"),
        Column(_("活动"), "activity.title"),
        Column(_("服务类别"), "activity.category.name"),
        Column(_("地点"), "activity.area.name"),
        Column(_("活动开始时间"), "activity.starts_at", kind=DATETIME),
        Column(_("服务时长"), "hours", kind=DECIMAL),
        Column(_("时长确认"), _confirmed),
    ),
)


BY = Filter(
    "by",
    _("统计维度"),
    kind="choice",
    choices=tuple((k, label) for k, (_field, label) in selectors.STAT_DIMENSIONS.items()),
    default="category",
)
YEAR = Filter("year", _("年度"), kind="year")

# One statistics list per dimension: the first column is named by what it groups.
STATS = {
    key: ListSpec(
        name="service.stats",
        title=_("志愿服务统计"),
        rows=selectors.service_stats,
        filters=(BY, YEAR),
        columns=(
            Column(label, "key"),
            Column(_("活动数"), "activities", kind=NUMBER),
            Column(_("人次"), "person_times", kind=NUMBER),
            Column(_("服务时长（小时）"), "hours", kind=DECIMAL),
        ),
    )
    for key, (_field, label) in selectors.STAT_DIMENSIONS.items()
}


def stats_for(data: Any) -> ListSpec:
    """The statistics list of the dimension asked for (by category when none is)."""
    return STATS[BY.parse(str(data.get("by", "")))]


@login_required
def stats_export(request: HttpRequest) -> HttpResponse:
    """The export of the statistics page: its list's own export, for the dimension asked."""
    return stats_for(request.GET).export(request)
