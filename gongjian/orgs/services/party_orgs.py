"""Party organisations: a tree, each node attached to a unit or to an area."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_text, invalid
from gongjian.orgs import selectors
from gongjian.orgs.models import PartyOrg
from gongjian.orgs.selectors import Ref

_BRANCHES = (PartyOrg.Kind.BRANCH, PartyOrg.Kind.TEMPORARY_BRANCH, PartyOrg.Kind.JOINT_BRANCH)


def party_org_path(parent: PartyOrg | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def party_org_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Ref | None = None,
    unit: Ref | None = None,
    area: Ref | None = None,
    secretary: str = "",
) -> PartyOrg:
    """A new organisation of a unit or an area the actor may change, under a parent they
    see (not a branch: a branch has no sub-organisations)."""
    code = clean_text("code", code, _("组织编码"), 32)
    if "/" in code:
        raise invalid("code", _("编码不能包含“/”"))
    name = clean_text("name", name, _("组织名称"), 100)
    if kind not in PartyOrg.Kind.values:
        raise invalid("kind", _("组织类别不正确"))
    if (unit is None) == (area is None):
        raise invalid("unit", _("党组织应隶属于一个单位或一个区域（二选一）"))
    owner_unit = selectors.unit_get_for(actor, unit, write=True) if unit is not None else None
    owner_area = selectors.area_get_for(actor, area, write=True) if area is not None else None
    above = selectors.party_org_get_for(actor, parent) if parent is not None else None
    if above is not None and above.kind in _BRANCHES:
        raise invalid("parent", _("党支部下不能再设下级组织"))
    if PartyOrg.objects.filter(code=code).exists():
        raise invalid("code", _("组织编码%(code)s已存在") % {"code": code})
    org = PartyOrg(
        code=code,
        name=name,
        kind=kind,
        parent=above,
        unit=owner_unit,
        area=owner_area,
        secretary=clean_text("secretary", secretary, _("书记"), 50, required=False),
        path=party_org_path(above, code),
        depth=(above.depth + 1) if above else 0,
    )
    org.save()
    audit_record(actor=actor, action="create", obj=org, changes=diff({}, snapshot(org)))
    return org


@transaction.atomic
def party_org_update(
    *, actor: Any, org: Ref, name: str | None = None, secretary: str | None = None
) -> PartyOrg:
    org = selectors.party_org_get_for(actor, org, write=True, lock=True)
    data = {}
    if name is not None:
        data["name"] = clean_text("name", name, _("组织名称"), 100)
    if secretary is not None:
        data["secretary"] = clean_text("secretary", secretary, _("书记"), 50, required=False)
    model_update(instance=org, data=data, allowed=("name", "secretary"), actor=actor)
    return org
