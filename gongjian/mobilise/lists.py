"""The mobilise app's lists, each declared once (ADR 0010): page, Excel export and API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.utils.translation import gettext_lazy

from gongjian.core.lists import DATETIME, MASKED_PHONE, NUMBER, Column, Filter, ListSpec
from gongjian.mobilise import selectors
from gongjian.mobilise.models import Group, Mobilisation, Place

_ = cast(Callable[[str], str], gettext_lazy)


def _choices(pairs: Any) -> list[tuple[str, str]]:
    return cast(list[tuple[str, str]], list(pairs))


MOBILISATIONS = ListSpec(
    name="mobilise.mobilisations",
    title=_("下沉动员"),
    rows=selectors.mobilisation_list,
    filters=(
        Filter("q", _("动员令")),
        Filter("status", _("状态"), kind="choice", choices=_choices(Mobilisation.Status.choices)),
        Filter("start", _("开始日期"), kind="date"),
        Filter("end", _("结束日期"), kind="date"),
        Filter("area", _("区域"), kind="int"),
        Filter("unit", _("单位"), kind="int"),
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
        Filter("kind", _("点位类型"), kind="choice", choices=_choices(Place.Kind.choices)),
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
        Filter("kind", _("类别"), kind="choice", choices=_choices(Group.Kind.choices)),
    ),
    columns=(
        Column(_("类别"), "get_kind_display"),
        Column(_("名称"), "name"),
        Column(_("支援点位"), "place.name"),
        Column(_("书记/队长"), "leader.name"),
        Column(_("成员"), "member_count", kind=NUMBER),
    ),
)
