"""The consult app's lists, each declared once (ADR 0010): page, Excel export and API."""

from __future__ import annotations

from gongjian.consult import selectors
from gongjian.consult.models import Consultation, Rating, Studio, Suggestion
from gongjian.core.lists import (
    AREA_UNIT,
    DATE,
    DATETIME,
    DECIMAL,
    NUMBER,
    PERCENT,
    Column,
    Filter,
    ListSpec,
    choice,
    days,
)
from gongjian.core.lists import lazy as _

SUGGESTIONS = ListSpec(
    name="consult.suggestions",
    title=_("意见建议"),
    rows=selectors.suggestion_list,
    filters=(
        Filter("q", _("标题")),
        choice("status", _("状态"), Suggestion.Status.choices),
        Filter("category", _("类别")),
        choice("source", _("来源"), Suggestion.Source.choices),
        Filter("overdue", _("已逾期"), kind="bool"),
        Filter("mine", _("我提出的"), kind="bool"),
        Filter("handling", _("本单位承办"), kind="bool"),
        *days(_("提出开始日期"), _("提出结束日期")),
        Filter("replied_start", _("答复开始日期"), kind="date"),
        Filter("replied_end", _("答复结束日期"), kind="date"),
        Filter("on_time", _("按期答复"), kind="bool"),
        choice("rating", _("评价"), Rating.Value.choices),
        Filter("accepted", _("已受理"), kind="bool"),
        Filter("consultation", _("协商活动")),
        *AREA_UNIT,
    ),
    columns=(
        Column(_("提出时间"), "submitted_at", kind=DATETIME),
        Column(_("标题"), "title"),
        Column(_("类别"), "category.name"),
        Column(_("来源"), "get_source_display"),
        Column(_("涉及区域"), "area.name"),
        Column(_("状态"), "get_status_display"),
        Column(_("承办单位"), "unit.name"),
        Column(_("办理期限"), "due_on", kind=DATE),
        Column(_("答复时间"), "replied_at", kind=DATETIME),
        Column(_("按期答复"), lambda s: "" if s.on_time is None else ("是" if s.on_time else "否")),
        Column(_("评价"), lambda s: dict(Rating.Value.choices).get(s.rating, "")),
        Column(_("退回次数"), "handbacks", kind=NUMBER),
        Column(_("重办次数"), "rehandles", kind=NUMBER),
    ),
)

CONSULTATIONS = ListSpec(
    name="consult.consultations",
    title=_("协商议政活动"),
    rows=selectors.consultation_list,
    filters=(
        Filter("q", _("议题")),
        choice("level", _("层级"), Consultation.Level.choices),
        choice("form", _("形式"), Consultation.Form.choices),
        choice("status", _("状态"), Consultation.Status.choices),
        *days(),
        *AREA_UNIT,
    ),
    columns=(
        Column(_("开始时间"), "starts_at", kind=DATETIME),
        Column(_("层级"), "get_level_display"),
        Column(_("形式"), "get_form_display"),
        Column(_("议题"), "topic"),
        Column(_("地点"), "place"),
        Column(_("组织单位"), lambda c: c.unit.name if c.unit else c.district.name),
        Column(_("状态"), "get_status_display"),
        Column(_("邀请"), "invited_count", kind=NUMBER),
        Column(_("参加"), "attended_count", kind=NUMBER),
    ),
)

ATTENDANCES = ListSpec(
    name="consult.attendances",
    title=_("参加协商人次"),
    rows=selectors.attendance_list,
    filters=(
        Filter("q", _("姓名")),
        *days(),
        *AREA_UNIT,
    ),
    columns=(
        Column(_("协商时间"), "consultation.starts_at", kind=DATETIME),
        Column(_("议题"), "consultation.topic"),
        Column(_("姓名"), "member.name"),
        Column(_("签到时间"), "checked_in_at", kind=DATETIME),
        Column(_("方式"), "get_method_display"),
    ),
)

STUDIOS = ListSpec(
    name="consult.studios",
    title=_("委员工作室与先锋岗"),
    rows=selectors.studio_list,
    filters=(
        Filter("q", _("名称")),
        choice("kind", _("类型"), Studio.Kind.choices),
        *days(_("值守开始日期"), _("值守结束日期")),
    ),
    columns=(
        Column(_("类型"), "get_kind_display"),
        Column(_("名称"), "name"),
        Column(_("所在社区"), "area.name"),
        Column(_("依托单位"), "unit.name"),
        Column(_("地址"), "address"),
        Column(_("开放时间"), "hours"),
        Column(_("成员"), "member_count", kind=NUMBER),
        Column(_("值守次数"), "shift_count", kind=NUMBER),
    ),
)

UNIT_RATES = ListSpec(
    name="consult.unit_rates",
    title=_("承办单位办理情况"),
    rows=selectors.unit_rates,
    filters=(*days(_("提出开始日期"), _("提出结束日期")),),
    columns=(
        Column(_("承办单位"), lambda r: r["unit__name"]),
        Column(_("交办"), lambda r: r["assigned"], kind=NUMBER),
        Column(_("已答复"), lambda r: r["replied"], kind=NUMBER),
        Column(_("按期答复"), lambda r: r["on_time"], kind=NUMBER),
        Column(_("逾期未答复"), lambda r: r["overdue"], kind=NUMBER),
        Column(_("已评价"), lambda r: r["rated"], kind=NUMBER),
        Column(_("办理率"), lambda r: r["handling_rate"], kind=PERCENT),
        Column(_("按期率"), lambda r: r["on_time_rate"], kind=PERCENT),
        Column(_("满意率"), lambda r: r["satisfaction_rate"], kind=PERCENT),
    ),
)


def _record_col(item: str, label: str) -> tuple[Column, Column]:
    return (
        Column(label, lambda r: r["lines"][item].count, kind=DECIMAL),
        Column(f"{label}得分", lambda r: r["lines"][item].points, kind=DECIMAL),
    )


DUTY_RECORDS = ListSpec(
    name="consult.duty_records",
    title=_("履职档案"),
    rows=selectors.duty_records_of_unit,
    filters=(Filter("year", _("年度"), kind="year"), Filter("unit", _("单位"), kind="int")),
    columns=(
        Column(_("姓名"), lambda r: r["member"].name),
        Column(_("单位"), lambda r: r["member"].unit.name if r["member"].unit else ""),
        *_record_col("attended", "参加协商"),
        *_record_col("contributed", "发言与意见"),
        *_record_col("suggested", "提出建议"),
        *_record_col("adopted", "建议受理"),
        *_record_col("shift", "值守"),
        *_record_col("service_hour", "服务时长"),
        *_record_col("study", "参加学习"),
        *_record_col("reported", "双报到"),
        Column(_("总分"), lambda r: r["score"], kind=DECIMAL),
    ),
    per_page=30,
)
