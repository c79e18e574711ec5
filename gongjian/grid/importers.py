"""Households from a community's spreadsheet (住户台账), all-or-nothing through core.imports:
each row a household of one grid, by the grid's code; the head's phone and ID number are
personal (masked in previews and error reports, stored encrypted)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.context import current
from gongjian.core.errors import ValidationFailed
from gongjian.core.imports import Column, Importer, Prepared, RowError, register
from gongjian.core.models import AuditLog
from gongjian.grid import selectors, services
from gongjian.grid.models import Household
from gongjian.orgs import scope

COLUMNS = [
    Column("grid", "网格编码", True, "住户所在网格的编码", "SF010101"),
    Column("building", "楼栋", False, "小区住户填写", "3"),
    Column("entrance", "单元", False, "", "2"),
    Column("room", "房号", False, "小区住户填写房号；村民填写地址", "501"),
    Column("address", "地址", False, "村组地址，如 东湖村三组12号", ""),
    Column("head_name", "户主姓名", True, "", "张三"),
    Column("head_phone", "户主电话", False, "11位手机号", "", personal=True),
    Column("head_id_number", "户主身份证号", False, "18位身份证号", "", personal=True),
    Column("size", "人口数", False, "默认为1", "3"),
    Column("elderly_alone", "独居老人", False, "是 / 否", "否"),
    Column("hardship", "困难家庭", False, "是 / 否", "否"),
    Column("empty_nest", "空巢", False, "是 / 否", "否"),
    Column("note", "备注", False, "", ""),
]
LABEL = {c.key: c.label for c in COLUMNS}
FIELD_COLUMN = {"head_phone": "head_phone", "head_id_number": "head_id_number"}


def _may_use(actor: Any) -> bool:
    posts = scope.posts_of(actor)
    return posts.superuser or bool(posts.paths(write=True))


def _validate(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> Prepared:
    p = Prepared()
    codes = {v.get("grid", "").strip() for _line, v in rows} - {""}
    grids = {g.code: g for g in selectors.grids(actor=actor, write=True).filter(code__in=codes)}
    existing = set(
        Household.objects.filter(grid__in=grids.values()).values_list(
            "grid_id", "building", "entrance", "room", "address"
        )
    )
    seen: dict[tuple[Any, ...], int] = {}
    for line, v in rows:
        before = len(p.errors)
        code = v.get("grid", "").strip()
        grid = grids.get(code)
        if grid is None:
            p.errors.append(
                RowError(
                    line, LABEL["grid"], _("网格编码%(c)s不存在或不在您的管理范围") % {"c": code}
                )
            )
        fields: dict[str, Any] = {}
        try:
            fields = services.household_fields(**{k: v.get(k, "") for k in LABEL if k != "grid"})
        except ValidationFailed as exc:
            for key, messages in (exc.detail.get("fields") or {"head_name": [exc.message]}).items():
                p.errors.append(RowError(line, LABEL.get(key, LABEL["head_name"]), messages[0]))
        if grid is not None and fields:
            place = (
                grid.pk,
                fields["building"],
                fields["entrance"],
                fields["room"],
                fields["address"],
            )
            if place in existing:
                p.errors.append(RowError(line, LABEL["room"], _("该网格已有同一地址的住户")))
            first = seen.setdefault(place, line)
            if first != line:
                p.errors.append(
                    RowError(line, LABEL["room"], _("与第%(n)d行是同一地址") % {"n": first})
                )
        if len(p.errors) == before and grid is not None:
            p.items.append(Household(grid=grid, **fields))
    return p


def _write(actor: Any, p: Prepared) -> int:
    created = Household.objects.bulk_create(p.items, batch_size=1000)
    ip = current().ip
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=actor,
                actor_label=actor.get_username() if actor else "",
                action="import",
                object_type="grid.household",
                object_id=str(h.pk),
                object_repr=h.head_name,
                changes={"import": True, "grid": h.grid_id},
                ip=ip,
            )
            for h in created
        ],
        batch_size=1000,
    )
    return len(created)


register(
    Importer(
        "households",
        gettext_lazy("网格住户"),
        COLUMNS,
        _validate,
        _write,
        _may_use,
        list_view="grid:household_list",
    )
)
