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


LOCAL_KIND_BY_LABEL = {str(label): value for value, label in Area.LocalKind.choices}


def area_local_kind_check(kind: str, local_kind: str) -> str:
    """The local kind an area of level `kind` is stored with: the one given (a value or its
    Chinese label) when it fits the level, the level's default when none is given."""
    local_kind = (local_kind or "").strip()
    local_kind = LOCAL_KIND_BY_LABEL.get(local_kind, local_kind)
    allowed = Area.LOCAL_KINDS.get(Area.Kind(kind)) if kind in Area.Kind.values else None
    if not allowed:
        if local_kind:
            raise invalid(
                "local_kind",
                _("%(kind)s没有类型，类型只用于街道（镇、乡）和社区（村）")
                % {"kind": Area.label_for(kind)},
            )
        return ""
    if not local_kind:
        return str(allowed[0])
    if local_kind not in allowed:
        raise invalid(
            "local_kind",
            _("%(kind)s一级的类型应为：%(allowed)s")
            % {
                "kind": Area.label_for(kind),
                "allowed": "、".join(str(a.label) for a in allowed),
            },
        )
    return local_kind


@transaction.atomic
def area_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Ref | None,
    local_kind: str = "",
) -> Area:
    """A new area under `parent` (an area the actor may change); a district, without a
    parent, only by the platform administrator."""
    if parent is None:
        if not scope.posts_of(actor).superuser:
            raise PermissionDenied(_("只有平台管理员可以新建区"))
        above = None
    else:
        above = selectors.area_get_for(actor, parent, write=True)
    code, name = area_check(code=code, name=name, kind=kind, parent=above)
    local_kind = area_local_kind_check(kind, local_kind)
    if Area.objects.filter(code=code).exists():
        raise invalid("code", _("编码%(code)s已存在") % {"code": code})
    area = Area(
        code=code,
        name=name,
        kind=kind,
        local_kind=local_kind,
        parent=above,
        path=area_path(above, code),
        depth=(above.depth + 1) if above else 0,
    )
    area.save()
    audit_record(actor=actor, action="create", obj=area, changes=diff({}, snapshot(area)))
    return area


@transaction.atomic
def area_update(*, actor: Any, area: Ref, name: str, local_kind: str | None = None) -> Area:
    """Rename an area and, for a street or community level, change what it is called locally
    (a street that is a town); `local_kind=None` keeps it."""
    area = selectors.area_get_for(actor, area, write=True, lock=True)
    name = clean_text("name", name, _("名称"), 100)
    data: dict[str, Any] = {"name": name}
    if local_kind is not None:
        data["local_kind"] = area_local_kind_check(area.kind, local_kind)
    model_update(instance=area, data=data, allowed=("name", "local_kind"), actor=actor)
    return area
