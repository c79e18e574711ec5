"""The forms app's lists, each declared once (ADR 0010): page, Excel export and API. The sheet
of a round has a column per field of the round's version, so it is declared per round."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from gongjian.core.lists import (
    AREA_UNIT,
    DATE,
    DATETIME,
    DECIMAL,
    NUMBER,
    PERCENT,
    TEXT,
    Column,
    Filter,
    ListSpec,
    choice,
    days,
)
from gongjian.core.lists import lazy as _
from gongjian.forms import selectors
from gongjian.forms.models import Field, Form, Return, Round


def _pct(value: Any) -> Any:
    return None if value is None else Decimal(value) / 100


FORMS = ListSpec(
    name="forms.forms",
    title=_("报表"),
    rows=selectors.form_list,
    filters=(
        Filter("q", _("报表名称")),
        choice("status", _("状态"), Form.Status.choices),
        choice("frequency", _("报送周期"), Form.Frequency.choices),
    ),
    columns=(
        Column(_("报表名称"), "title"),
        Column(_("制表区域"), "owner.name"),
        Column(_("报送周期"), "get_frequency_display"),
        Column(_("填报对象"), "get_fillers_display"),
        Column(_("版本"), "version", kind=NUMBER),
        Column(_("状态"), "get_status_display"),
        Column(_("报告期数"), "round_count", kind=NUMBER),
    ),
)

RETURNS = ListSpec(
    name="forms.returns",
    title=_("填报"),
    rows=selectors.return_list,
    filters=(
        Filter("q", _("填报单位或报表")),
        choice("status", _("状态"), Return.Status.choices),
        Filter("form", _("报表")),
        Filter("round", _("报告期"), kind="int"),
        Filter("mine", _("我要填报"), kind="bool"),
        Filter("approving", _("待我审核"), kind="bool"),
        Filter("late", _("未按时报送"), kind="bool"),
        *AREA_UNIT,
        *days(_("报告期截止不早于"), _("报告期截止不晚于")),
    ),
    columns=(
        Column(_("报表"), "round.form.title"),
        Column(_("报告期"), "round.label"),
        Column(_("填报单位"), "filler_name"),
        Column(_("截止日期"), "round.due_on", kind=DATE),
        Column(_("状态"), "get_status_display"),
        Column(_("报送时间"), "submitted_at", kind=DATETIME),
        Column(_("按时"), lambda r: {True: "是", False: "否"}.get(r.on_time, "")),
        Column(_("退回原因"), "reason"),
    ),
)

CHASE = ListSpec(
    name="forms.chase",
    title=_("催报清单"),
    rows=selectors.chase_list,
    filters=(),
    columns=(
        Column(_("填报单位"), "filler_name"),
        Column(_("状态"), "get_status_display"),
        Column(_("截止日期"), "round.due_on", kind=DATE),
        Column(_("退回原因"), "reason"),
        Column(_("最近催报"), "reminded_at", kind=DATETIME),
    ),
)

_KINDS = {
    Field.Kind.INTEGER: NUMBER,
    Field.Kind.DECIMAL: DECIMAL,
    Field.Kind.PERCENTAGE: PERCENT,
    Field.Kind.YESNO: TEXT,
    Field.Kind.DATE: DATE,
}


def _value(f: Field) -> Callable[[dict[str, Any]], Any]:
    def value(row: dict[str, Any]) -> Any:
        v = row["values"].get(f.pk)
        if f.kind == Field.Kind.PERCENTAGE:
            return _pct(v)
        if f.kind == Field.Kind.YESNO and v is not None and not row.get("total"):
            return "是" if v else "否"
        return v

    return value


def round_sheet(rnd: Round) -> ListSpec:
    """A round's returns as one sheet: a row per filler and a column per field, then the
    approved totals of each street."""
    fields = selectors.fields_of(rnd.form, rnd.version)
    columns = [
        Column(_("填报单位"), "name"),
        Column(_("所属街道"), "street"),
        Column(_("状态"), "status"),
        Column(_("报送时间"), "submitted_at", kind=DATETIME),
        Column(_("按时"), "on_time"),
    ] + [
        Column(
            f"{f.label}（{f.measure}）" if f.measure else f.label,
            _value(f),
            kind=_KINDS.get(Field.Kind(f.kind), TEXT),
        )
        for f in fields
    ]
    return ListSpec(
        name="forms.round_sheet",
        title=f"{rnd.form.title}{rnd.label}",
        rows=selectors.round_sheet_rows,
        columns=tuple(columns),
    )
