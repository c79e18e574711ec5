"""The study app's lists, each declared once (ADR 0010): page, Excel export and API."""

from __future__ import annotations

import dataclasses
from typing import Any

from gongjian.core.lists import (
    AREA_UNIT,
    DATE,
    DATETIME,
    NUMBER,
    PERCENT,
    Column,
    Filter,
    ListSpec,
    choice,
    days,
)
from gongjian.core.lists import lazy as _
from gongjian.study import selectors
from gongjian.study.models import Attendance, Kind, StudySession

MAKEUP_KINDS = [c for c in Attendance.MakeUp.choices if c[0]]

QUARTERS = [(str(q), f"第{q}季度") for q in range(1, 5)]
MONTHS = [(str(m), f"{m}月") for m in range(1, 13)]

SESSIONS = ListSpec(
    name="study.sessions",
    title=_("学习活动"),
    rows=selectors.session_list,
    filters=(
        Filter("q", _("关键词")),
        choice("kind", _("类型"), Kind.choices),
        choice("status", _("状态"), StudySession.Status.choices),
        Filter("year", _("年度"), kind="year"),
        *days(),
        Filter("org", _("组织"), kind="int"),
        *AREA_UNIT,
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
        choice("status", _("出席情况"), Attendance.Status.choices),
        choice("makeup", _("补学"), MAKEUP_KINDS),
        Filter("session", _("学习活动")),
        *days(),
        *AREA_UNIT,
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
        choice(
            "makeup",
            _("补学"),
            [*MAKEUP_KINDS, ("all", _("全部"))],
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
    *days(),
    Filter("q", _("支部名称")),
    *AREA_UNIT,
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
