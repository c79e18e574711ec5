"""Units: the government organs whose members and organisations the platform holds."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_text, invalid
from gongjian.orgs import selectors
from gongjian.orgs.models import Unit
from gongjian.orgs.selectors import Ref

# The optional texts of a unit: field → (label, at most so many characters).
_TEXTS = {
    "short_name": (gettext_lazy("简称"), 50),
    "category": (gettext_lazy("单位类别"), 50),
    "address": (gettext_lazy("地址"), 200),
}


def _texts(fields: dict[str, Any]) -> dict[str, str]:
    return {
        name: clean_text(name, fields[name], label, limit, required=False)
        for name, (label, limit) in _TEXTS.items()
        if fields.get(name) is not None
    }


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    area: Ref,
    short_name: str = "",
    category: str = "",
    address: str = "",
) -> Unit:
    place = selectors.area_get_for(actor, area, write=True)
    code = clean_text("code", code, _("单位编码"), 32)
    if Unit.objects.filter(code=code).exists():
        raise invalid("code", _("单位编码%(code)s已存在") % {"code": code})
    unit = Unit(
        code=code,
        name=clean_text("name", name, _("单位名称"), 100),
        area=place,
        **_texts({"short_name": short_name, "category": category, "address": address}),
    )
    unit.save()
    audit_record(actor=actor, action="create", obj=unit, changes=diff({}, snapshot(unit)))
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Ref, **fields: Any) -> Unit:
    """Change a unit's name, short name, category or address (None: leave it)."""
    unit = selectors.unit_get_for(actor, unit, write=True, lock=True)
    data: dict[str, Any] = _texts(fields)
    if fields.get("name") is not None:
        data["name"] = clean_text("name", fields["name"], _("单位名称"), 100)
    model_update(instance=unit, data=data, allowed=("name", *_TEXTS), actor=actor)
    return unit
