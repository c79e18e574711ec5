"""The study app's lists, each declared once (ADR 0010): page, Excel export and API."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, cast

from django.utils.translation import gettext_lazy

from gongjian.core.lists import DATE, DATETIME, NUMBER, PERCENT, Column, Filter, ListSpec
from gongjian.study import selectors
from gongjian.study.models import Attendance, Kind, StudySession

# Labels are translated when shown (lazily); typed as the text they become.
_ = cast(Callable[[str], str], gettext_lazy)


def _choices(pairs: Any) -> list[tuple[str, str]]:
    return cast(list[tuple[str, str]], list(pairs))


QUARTERS = [(str(q), f"第{q}季度") for q in range(1, 5)]
MONTHS = [(str(m), f"{m}月") for m in range(1, 13)]

SESSIONS = ListSpec(
    name="study.sessions",
    title=_("学习活动"),
    rows=selectors.session_list,
    filters=(
        Filter("q", _("关键词")),
        Filter("kind", _("类型"), kind="choice", choices=_choices(Kind.choices)),
        Filter("status", _("状态"), kind="choice", choices=_choices(StudySession.Status.choices)),
        Filter("year", _("年度"), kind="year"),
        Filter("start", _("开始日期"), kind="date"),
        Filter("end", _("结束日期"), kind="date"),
        Filter("org", _("组织"), kind="int"),
        Filter("area", _("区域"), kind="int"),
        Filter("unit", _("单位"), kind="int"),
        Filter("mine", _("我参加的"), kind="bool"),
    ),
    columns=(
        Column(_("日期"), "held_on", kind=DATE),
        Column(_("开始时间"), "starts_at", kind=DATETIME),
        Column(_("类型"), "get_kind_display"),
        Column(_("主题"), "topic"),
        Column(_("组织"), "party_org.name"),
        Column(_("主讲人"), "speaker"),
        Column(_("地点"), "place"),
        Column(_("状态"), "get_status_display"),
        Column(_("应到"), "invited_count", kind=NUMBER),
        Column(_("实到"), "present_count", kind=NUMBER),
        Column(_("请假"), "leave_count", kind=NUMBER),
        Column(_("出勤率"), "attendance_rate", kind=PERCENT),
    ),
)

ATTENDANCES = ListSpec(
    name="study.attendances",
    title=_("参加记录"),
    rows=selectors.attendance_list,
    filters=(
        Filter("q", _("姓名或主题")),
        Filter("status", _("出席情况"), kind="choice", choices=_choices(Attendance.Status.choices)),
        Filter(
            "makeup",
            _("补学"),
            kind="choice",
            choices=[c for c in _choices(Attendance.MakeUp.choices) if c[0]],
        ),
        Filter("session", _("学习活动")),
        Filter("start", _("开始日期"), kind="date"),
        Filter("end", _("结束日期"), kind="date"),
        Filter("area", _("区域"), kind="int"),
        Filter("unit", _("单位"), kind="int"),
        Filter("mine", _("我的"), kind="bool"),
    ),
    columns=(
        Column(_("日期"), "session.held_on", kind=DATE),
        Column(_("学习活动"), "session.topic"),
        Column(_("类型"), "session.get_kind_display"),
        Column(_("组织"), "session.party_org.name"),
        Column(_("党员"), "member.name"),
        Column(_("所在党组织"), "member.party_org.name"),
        Column(_("出席情况"), "get_status_display"),
        Column(_("签到时间"), "checked_in_at", kind=DATETIME),
        Column(_("请假事由"), "leave_reason"),
        Column(_("补学"), "get_makeup_display"),
        Column(_("心得"), lambda a: "已提交" if a.note else ""),
    ),
)


MAKEUPS = dataclasses.replace(
    ATTENDANCES,
    name="study.makeups",
    title=_("补学"),
    filters=(
        Filter("q", _("姓名或主题")),
        Filter(
            "makeup",
            _("补学"),
            kind="choice",
            choices=[*[c for c in _choices(Attendance.MakeUp.choices) if c[0]], ("all", _("全部"))],
            default=Attendance.MakeUp.SUBMITTED,
        ),
        Filter("mine", _("我的"), kind="bool"),
    ),
    adapt=lambda f: {**f, "makeup": "" if f["makeup"] == "all" else f["makeup"], "makeups": True},
)


def _compliance_rows(
    *,
    actor: Any,
    year: int | None = None,
    quarter: str = "",
    month: str = "",
    start: Any = None,
    end: Any = None,
    q: str = "",
    area: int | None = None,
    unit: int | None = None,
    behind: bool = False,
) -> list[selectors.ComplianceRow]:
    period = selectors.period_for(year=year, quarter=quarter, month=month, start=start, end=end)
    return selectors.compliance(
        actor=actor, period=period, q=q, area=area, unit=unit, behind=behind
    ).rows


def _kind_cell(kind: str) -> Any:
    def value(row: selectors.ComplianceRow) -> str:
        cell = row.cell(kind)
        if cell is None:
            return "—"
        verdict = "达标" if cell.ok else f"缺{cell.missed}"
        return f"{cell.held}次（{verdict}）" if cell.due else f"{cell.held}次"

    return value


COMPLIANCE_FILTERS = (
    Filter("year", _("年度"), kind="year"),
    Filter("quarter", _("季度"), kind="choice", choices=QUARTERS),
    Filter("month", _("月份"), kind="choice", choices=MONTHS),
    Filter("start", _("开始日期"), kind="date"),
    Filter("end", _("结束日期"), kind="date"),
    Filter("q", _("支部名称")),
    Filter("area", _("区域"), kind="int"),
    Filter("unit", _("单位"), kind="int"),
    Filter("behind", _("只看未达标"), kind="bool"),
)

COMPLIANCE = ListSpec(
    name="study.compliance",
    title=_("组织生活落实情况"),
    rows=_compliance_rows,
    filters=COMPLIANCE_FILTERS,
    columns=(
        Column(_("党支部"), "name"),
        Column(_("所属"), "owner"),
        Column(_("召开次数"), "sessions", kind=NUMBER),
        Column(_("出勤率"), "rate", kind=PERCENT),
        Column(_("是否达标"), lambda r: "未达标" if r.behind else "达标"),
        Column(_("缺项"), "missing"),
    ),
    per_page=50,
)


def compliance_spec(kinds: list[str]) -> ListSpec:
    """The compliance list with one column for each kind of session the rules ask for."""
    extra = tuple(Column(str(Kind(k).label), _kind_cell(k)) for k in kinds)
    columns = COMPLIANCE.columns
    return dataclasses.replace(COMPLIANCE, columns=(*columns[:2], *extra, *columns[2:]))
