"""Spreadsheet imports of a campaign's resource list and demand list, all-or-nothing through
core.imports. Each row names its campaign (or leaves it empty for the newest campaign still
collecting lists that the importer may edit), and its unit or community by code."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.cobuild import selectors, services
from gongjian.cobuild.models import Campaign, Demand, Priority, Resource
from gongjian.core.audit import audit_record
from gongjian.core.contacts import Contact, contact_values, split_contact
from gongjian.core.errors import ValidationFailed
from gongjian.core.figures import written
from gongjian.core.imports import Column, Importer, Prepared, RowError, register
from gongjian.orgs.models import Area

PRIORITY_BY_LABEL = {str(label): value for value, label in Priority.choices}
PRIORITY_BY_LABEL.update({v: v for v in Priority.values})

RESOURCE_COLUMNS = [
    Column("campaign", "共建活动", False, "活动名称；不填为最新的征集中活动", "2026年度直联共建"),
    Column("unit", "单位编码", False, "提供资源的单位编码；只管理一个单位时可不填", "U-TAX"),
    Column("title", "资源名称", True, "", "税收政策进社区"),
    Column("description", "资源内容", False, "能提供什么、怎么提供", "税务干部上门讲解个税政策"),
    Column("category", "类别", False, "如困难帮扶、法律政策宣讲、老旧小区改造", "法律政策宣讲"),
    Column("capacity", "可服务社区数", True, "1至100的整数", "2"),
    Column("area", "服务区域编码", False, "区、街道或社区的编码；不填为全区", "SFQ01"),
    Column(
        "contact",
        "联系人及电话",
        False,
        "姓名和电话；手机号加密保存、脱敏显示",
        "王科长 0571-00000000",
        contact=True,
    ),
]
DEMAND_COLUMNS = [
    Column("campaign", "共建活动", False, "活动名称；不填为最新的征集中活动", "2026年度直联共建"),
    Column("community", "社区编码", False, "提出需求的社区编码；只管理一个社区时可不填", "SFQ0101"),
    Column("title", "需求名称", True, "", "困难老人上门探访"),
    Column("description", "需求内容", False, "需要什么帮助、涉及多少居民", "独居老人需要定期探访"),
    Column("category", "类别", False, "如困难帮扶、法律政策宣讲、老旧小区改造", "困难帮扶"),
    Column("priority", "优先级", False, "高、中或低；不填为中", "高"),
    Column("needed_by", "期望完成时间", False, "如2026-06-30", "2026-06-30"),
]
R_LABEL = {c.key: c.label for c in RESOURCE_COLUMNS}
D_LABEL = {c.key: c.label for c in DEMAND_COLUMNS}


def _may_list_resources(actor: Any) -> bool:
    return selectors.units_for_resources(actor=actor).exists()


def _may_list_demands(actor: Any) -> bool:
    return selectors.communities_for_demands(actor=actor).exists()


Campaigns = tuple[dict[str, Campaign], Campaign | None]


def _campaigns(actor: Any) -> Campaigns:
    """The campaigns whose lists the actor may still fill, by name, and the newest."""
    today = timezone.localdate()
    open_ = [
        c
        for c in selectors.campaign_list(actor=actor)
        .filter(status__in=services.LIST_STATES)
        .order_by("-year", "-id")
        if not (c.lists_due and today > c.lists_due) or selectors.may_manage(actor, c)
    ]
    return {c.name: c for c in open_}, (open_[0] if open_ else None)


def _campaign(
    campaigns: Campaigns, v: dict[str, str], line: int, label: str, errors: list[RowError]
) -> Campaign | None:
    by_name, newest = campaigns
    name = v.get("campaign", "").strip()
    campaign = by_name.get(name) if name else newest
    if campaign is None:
        errors.append(
            RowError(
                line,
                label,
                _("共建活动“%(n)s”不存在或清单已截止") % {"n": name}
                if name
                else _("没有正在征集清单的共建活动"),
            )
        )
    return campaign


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def _date(value: str) -> dt.date | None:
    v = value.strip().replace("/", "-").replace(".", "-")
    v = v.replace("年", "-").replace("月", "-").replace("日", "")
    try:
        return dt.date.fromisoformat(v[:10])
    except ValueError:
        return None


def _titles_in_file(rows: list[tuple[int, dict[str, str]]], key: str) -> Counter[tuple[str, str]]:
    return Counter((v.get(key, "").strip(), v.get("title", "").strip()) for _l, v in rows)


def _validate_resources(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> Prepared:
    campaigns = _campaigns(actor)
    p = Prepared()
    units = {u.code: u for u in selectors.units_for_resources(actor=actor)}
    only_unit = next(iter(units.values())) if len(units) == 1 else None
    areas = {a.code: a for a in Area.objects.exclude(kind=Area.Kind.GRID)}
    dupes = _titles_in_file(rows, "unit")
    for line, v in rows:
        before = len(p.errors)

        def err(key: str, message: str, line: int = line) -> None:
            p.errors.append(RowError(line, R_LABEL[key], message))

        campaign = _campaign(campaigns, v, line, R_LABEL["campaign"], p.errors)
        code = v.get("unit", "").strip()
        unit = units.get(code) if code else only_unit
        if unit is None:
            err(
                "unit",
                _("单位编码%(c)s不存在或不是您管理的单位") % {"c": code}
                if code
                else _("请填写单位编码"),
            )
        title = v.get("title", "").strip()
        if not title:
            err("title", _("请填写资源名称"))
        elif len(title) > 100:
            err("title", _("资源名称不能超过100个字"))
        if dupes[(code, title)] > 1:
            err("title", _("同一单位的资源“%(t)s”在文件中重复") % {"t": title})
        capacity = _int(v.get("capacity", ""))
        if capacity is None or not 1 <= capacity <= services.MAX_CAPACITY:
            err("capacity", _("可服务社区数应为1至100之间的整数"))
        area_code = v.get("area", "").strip()
        area = areas.get(area_code) if area_code else None
        if area_code and (
            area is None
            or (campaign is not None and not area.path.startswith(campaign.district.path))
        ):
            err("area", _("服务区域编码%(c)s不存在或不在本区") % {"c": area_code})
        for key, limit in (("description", 2000), ("category", 32)):
            if len(v.get(key, "").strip()) > limit:
                err(key, _("%(l)s不能超过%(n)d个字") % {"l": R_LABEL[key], "n": limit})
        contact = Contact(text="", phone="")
        try:
            contact = split_contact("contact", v.get("contact", ""), R_LABEL["contact"], 100)
        except ValidationFailed as exc:
            err("contact", exc.message)
        if len(p.errors) == before and campaign is not None and unit is not None:
            p.items.append(
                Resource(
                    campaign=campaign,
                    unit=unit,
                    title=title,
                    description=v.get("description", "").strip(),
                    category=v.get("category", "").strip(),
                    capacity=capacity or 1,
                    area=area,
                    **contact_values(contact),
                    created_by=actor,
                )
            )
    return p


def _validate_demands(actor: Any, rows: list[tuple[int, dict[str, str]]]) -> Prepared:
    campaigns = _campaigns(actor)
    p = Prepared()
    communities = {a.code: a for a in selectors.communities_for_demands(actor=actor)}
    only = next(iter(communities.values())) if len(communities) == 1 else None
    dupes = _titles_in_file(rows, "community")
    for line, v in rows:
        before = len(p.errors)

        def err(key: str, message: str, line: int = line) -> None:
            p.errors.append(RowError(line, D_LABEL[key], message))

        campaign = _campaign(campaigns, v, line, D_LABEL["campaign"], p.errors)
        code = v.get("community", "").strip()
        community = communities.get(code) if code else only
        if community is None:
            err(
                "community",
                _("社区编码%(c)s不存在或不是您管理的社区") % {"c": code}
                if code
                else _("请填写社区编码"),
            )
        elif campaign is not None and not community.path.startswith(campaign.district.path):
            err("community", _("该社区不在本次活动的区内"))
        title = v.get("title", "").strip()
        if not title:
            err("title", _("请填写需求名称"))
        elif len(title) > 100:
            err("title", _("需求名称不能超过100个字"))
        if dupes[(code, title)] > 1:
            err("title", _("同一社区的需求“%(t)s”在文件中重复") % {"t": title})
        raw_priority = v.get("priority", "").strip() or "中"
        priority = PRIORITY_BY_LABEL.get(raw_priority)
        if priority is None:
            err("priority", _("优先级应为高、中或低"))
        raw_date = v.get("needed_by", "").strip()
        needed_by = _date(raw_date) if raw_date else None
        if raw_date and needed_by is None:
            err("needed_by", _("日期格式不正确，应如2026-06-30"))
        for key, limit in (("description", 2000), ("category", 32)):
            if len(v.get(key, "").strip()) > limit:
                err(key, _("%(l)s不能超过%(n)d个字") % {"l": D_LABEL[key], "n": limit})
        if len(p.errors) == before and campaign is not None and community is not None:
            p.items.append(
                Demand(
                    campaign=campaign,
                    community=community,
                    title=title,
                    description=v.get("description", "").strip(),
                    category=v.get("category", "").strip(),
                    priority=priority or Priority.MEDIUM,
                    needed_by=needed_by,
                    created_by=actor,
                )
            )
    return p


def _write(actor: Any, p: Prepared) -> int:
    if not p.items:
        return 0
    model = type(p.items[0])
    created = model.objects.bulk_create(p.items, batch_size=1000)
    written.send(sender=model)  # bulk writes send no model signal
    for campaign_id, n in Counter(obj.campaign_id for obj in created).items():
        audit_record(
            actor=actor,
            action="import",
            object_type=model._meta.label_lower,
            object_id=str(campaign_id),
            object_repr=_("共建活动%(id)s") % {"id": campaign_id},
            changes={"rows": n, "ids": [o.pk for o in created if o.campaign_id == campaign_id]},
        )
    return len(created)


register(
    Importer(
        "cobuild_resources",
        gettext_lazy("直联共建资源清单"),
        RESOURCE_COLUMNS,
        _validate_resources,
        _write,
        _may_list_resources,
    )
)
register(
    Importer(
        "cobuild_demands",
        gettext_lazy("直联共建需求清单"),
        DEMAND_COLUMNS,
        _validate_demands,
        _write,
        _may_list_demands,
    )
)
