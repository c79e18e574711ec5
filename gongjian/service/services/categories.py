"""Service categories (暖心红, 平安蓝 …): configured by the district working committee."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import PermissionDenied
from gongjian.core.validation import clean_int, clean_text, invalid
from gongjian.orgs.scope import is_committee
from gongjian.service import selectors
from gongjian.service.models import ServiceCategory

SEED_CATEGORIES = [
    ("red", "暖心红", "#c8102e", "党员服务：政策宣讲、帮办代办、结对帮扶"),
    ("blue", "平安蓝", "#1f5fbf", "法律与平安：法律咨询、普法宣传、治安巡逻"),
    ("white", "天使白", "#8c9aa8", "医疗健康：义诊、健康讲座、急救培训"),
    ("green", "生态绿", "#2e8b57", "生态环境：环境整治、垃圾分类、植绿护绿"),
    ("silver", "阳光银", "#a7a9ac", "关爱老人：助老服务、入户探访、陪伴关怀"),
]


def categories_seed() -> list[ServiceCategory]:
    """The five colour-branded categories (also seeded by migration 0002)."""
    return [
        ServiceCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "colour": colour, "description": text, "order": order},
        )[0]
        for order, (code, name, colour, text) in enumerate(SEED_CATEGORIES, start=1)
    ]


def may_configure(actor: Any) -> bool:
    """Categories are the working committee's to configure."""
    return is_committee(actor)


def _colour(value: Any) -> str:
    colour = str(value or "").strip()
    digits = colour[1:]
    if (
        len(colour) != 7
        or not colour.startswith("#")
        or not all(c in "0123456789abcdefABCDEF" for c in digits)
    ):
        raise invalid("colour", _("颜色应为#加六位十六进制数，如 #c8102e"))
    return colour.lower()


@transaction.atomic
def category_save(
    *,
    actor: Any,
    name: str,
    colour: str,
    code: str = "",
    description: str = "",
    order: int | str | None = 0,
    is_active: bool = True,
    category: ServiceCategory | int | str | None = None,
) -> ServiceCategory:
    """Create a category, or (with `category`, an id) change one."""
    if not may_configure(actor):
        raise PermissionDenied(_("只有区级管理员可以配置服务类别"))
    name = clean_text("name", name, _("名称"), 30)
    colour = _colour(colour)
    found = None
    if isinstance(category, ServiceCategory):
        found = selectors.category_get(category.pk, lock=True)
    elif category is not None and category != "":
        found = selectors.category_get(category, lock=True)
    before = snapshot(found) if found is not None else {}
    if found is None:
        code = clean_text("code", code, _("编码"), 32)
        if ServiceCategory.objects.filter(code=code).exists():
            raise invalid("code", _("编码%(code)s已存在") % {"code": code})
        found = ServiceCategory(code=code)
    if ServiceCategory.objects.filter(name=name).exclude(pk=found.pk).exists():
        raise invalid("name", _("名称“%(name)s”已存在") % {"name": name})
    found.name = name
    found.colour = colour
    found.description = clean_text("description", description, _("说明"), 200, required=False)
    found.order = (
        clean_int("order", order, _("排序"), minimum=0, maximum=32767, required=False) or 0
    )
    found.is_active = bool(is_active)
    found.save()
    audit_record(
        action="update" if before else "create", obj=found, changes=diff(before, snapshot(found))
    )
    return found
