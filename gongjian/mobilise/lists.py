"""The mobilise app's lists, each declared once (ADR 0010): page, Excel export and API."""

from __future__ import annotations

from gongjian.core.lists import (
    AREA_UNIT,
    DATETIME,
    MASKED_PHONE,
    NUMBER,
    Column,
    Filter,
    ListSpec,
    choice,
    days,
)
from gongjian.core.lists import lazy as _
from gongjian.mobilise import selectors
from gongjian.mobilise.models import Group, Mobilisation, Place

MOBILISATIONS = ListSpec(
    name="mobilise.mobilisations",
    title=_("下沉动员"),
    rows=selectors.mobilisation_list,
    filters=(
        Filter("q", _("动员令")),
        choice("status", _("状态"), Mobilisation.Status.choices),
        *days(),
        *AREA_UNIT,
    ),
    columns=(
        Column(_("到岗时间"), "starts_at", kind=DATETIME),
        Column(_("动员令"), "title"),
        Column(_("所在区"), "district.name"),
        Column(_("点位"), "place_count", kind=NUMBER),
        Column(_("下沉人员"), "dispatch_count", kind=NUMBER),
        Column(_("状态"), "get_status_display"),
        Column(_("撤收时间"), "stood_down_at", kind=DATETIME),
    ),
)

STATES = [
    ("unconfirmed", _("未确认")),
    ("confirmed", _("已确认")),
    ("not_arrived", _("未到岗")),
    ("arrived", _("已到岗")),
]

DISPATCHES = ListSpec(
    name="mobilise.dispatches",
    title=_("下沉人员"),
    rows=selectors.dispatch_list,
    filters=(
        Filter("q", _("姓名或点位")),
        Filter("unit", _("单位"), kind="int"),
        Filter("state", _("状态"), kind="choice", choices=STATES),
    ),
    columns=(
        Column(_("单位"), "unit.name"),
        Column(_("姓名"), "member.name"),
        Column(_("手机号"), "member.phone", kind=MASKED_PHONE),
        Column(_("支援点位"), "place.name"),
        Column(_("确认时间"), "confirmed_at", kind=DATETIME),
        Column(
            _("到岗时间"),
            lambda d: d.arrival.arrived_at if hasattr(d, "arrival") else None,
            kind=DATETIME,
        ),
    ),
)

PLACES = ListSpec(
    name="mobilise.places",
    title=_("支援点位"),
    rows=selectors.place_list,
    filters=(
        Filter("q", _("点位")),
        choice("kind", _("点位类型"), Place.Kind.choices),
    ),
    columns=(
        Column(_("点位"), "name"),
        Column(_("点位类型"), "get_kind_display"),
        Column(_("所属镇街"), "parent.name"),
        Column(_("所在区域"), "area.name"),
        Column(_("负责人"), "leader.name"),
    ),
)

GROUPS = ListSpec(
    name="mobilise.groups",
    title=_("临时党支部和先锋队"),
    rows=selectors.group_list,
    filters=(
        Filter("q", _("名称")),
        choice("kind", _("类别"), Group.Kind.choices),
    ),
    columns=(
        Column(_("类别"), "get_kind_display"),
        Column(_("名称"), "name"),
        Column(_("支援点位"), "place.name"),
        Column(_("书记/队长"), "leader.name"),
        Column(_("成员"), "member_count", kind=NUMBER),
    ),
)
