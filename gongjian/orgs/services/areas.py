"""Areas: the district → street → community → grid tree."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import PermissionDenied
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_text, invalid
from gongjian.orgs import scope, selectors
from gongjian.orgs.models import Area
from gongjian.orgs.selectors import Ref


def area_path(parent: Area | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


def area_check(*, code: str, name: str, kind: str, parent: Area | None) -> tuple[str, str]:
    code = clean_text("code", code, _("编码"), 32)
    if "/" in code:
        raise invalid("code", _("编码不能包含“/”"))
    name = clean_text("name", name, _("名称"), 100)
    if kind not in Area.Kind.values:
        raise invalid("kind", _("层级应为：区、街道、社区、网格之一"))
    if parent is None and kind != Area.Kind.DISTRICT:
        raise invalid("parent", _("只有区可以没有上级"))
    if parent is not None and Area.CHILD_KIND.get(Area.Kind(parent.kind)) != kind:
        raise invalid(
            "kind",
            _("%(parent)s的下级应为%(kind)s")
            % {
                "parent": parent.get_kind_display(),
                "kind": Area.Kind(Area.CHILD_KIND.get(Area.Kind(parent.kind), kind)).label,
            },
        )
    return code, name


@transaction.atomic
def area_create(*, actor: Any, code: str, name: str, kind: str, parent: Ref | None) -> Area:
    """A new area under `parent` (an area the actor may change); a district, without a
    parent, only by the platform administrator."""
    if parent is None:
        if not scope.posts_of(actor).superuser:
            raise PermissionDenied(_("只有平台管理员可以新建区"))
        above = None
    else:
        above = selectors.area_get_for(actor, parent, write=True)
    code, name = area_check(code=code, name=name, kind=kind, parent=above)
    if Area.objects.filter(code=code).exists():
        raise invalid("code", _("编码%(code)s已存在") % {"code": code})
    area = Area(
        code=code,
        name=name,
        kind=kind,
        parent=above,
        path=area_path(above, code),
        depth=(above.depth + 1) if above else 0,
    )
    area.save()
    audit_record(actor=actor, action="create", obj=area, changes=diff({}, snapshot(area)))
    return area


@transaction.atomic
def area_update(*, actor: Any, area: Ref, name: str) -> Area:
    area = selectors.area_get_for(actor, area, write=True, lock=True)
    name = clean_text("name", name, _("名称"), 100)
    model_update(instance=area, data={"name": name}, allowed=("name",), actor=actor)
    return area
