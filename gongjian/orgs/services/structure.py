"""Deleting and moving areas, units and party organisations.

Deleting is refused, with what depends on the record named and counted in Chinese, whenever
anything at all would go with it or lose its link (Django's deletion collector finds every
record of every app that points at it: protected, cascaded or set to null); only a record
nothing depends on is deleted. A record with dependents is moved, or its dependents are moved
first.

Moving an area (under another parent of the same level) or a party organisation (under another
organisation) rewrites the materialised paths of its whole subtree, and every copy of an area's
path other apps keep (the report forms' returns and answers, the dashboard's service facts);
the dashboard's monthly rollups are marked to be rebuilt and the data version moves on, so no
figure is read from before the move. Moving a unit changes the area it lies in. Every write is
scoped (the record and its new place must both be the actor's to change) and audited.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import router, transaction
from django.db.models import F, Model, QuerySet, Value
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, snapshot
from gongjian.core.errors import ApplicationError, Conflict, PermissionDenied
from gongjian.core.figures import written
from gongjian.core.validation import invalid
from gongjian.orgs import selectors
from gongjian.orgs.models import Area, PartyOrg, Unit
from gongjian.orgs.selectors import Ref

BRANCHES = (PartyOrg.Kind.BRANCH, PartyOrg.Kind.TEMPORARY_BRANCH, PartyOrg.Kind.JOINT_BRANCH)


@dataclass(frozen=True)
class Dependent:
    label: str  # the records' Chinese name (verbose_name_plural)
    count: int


def dependents(obj: Model) -> list[Dependent]:
    """Everything that would be deleted with `obj`, or refuses its deletion, or would lose
    its link to it: counted by kind of record, the largest first."""
    counts: Counter[str] = Counter()
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as exc:
        blocking = (
            exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        )
        for other in blocking:
            counts[str(type(other)._meta.verbose_name_plural)] += 1
        return _sorted(counts)
    for model, instances in collector.data.items():
        mine = [i for i in instances if not (type(i) is type(obj) and i.pk == obj.pk)]
        if mine:
            counts[str(model._meta.verbose_name_plural)] += len(mine)
    for qs in collector.fast_deletes:
        n = qs.count()
        if n:
            counts[str(qs.model._meta.verbose_name_plural)] += n
    for (field, _value), batches in collector.field_updates.items():
        # Querysets to update (Django 4.2+), or instances.
        n = sum(b.count() if isinstance(b, QuerySet) else 1 for b in batches)
        if n:
            counts[str(field.model._meta.verbose_name_plural)] += n
    return _sorted(counts)


def _sorted(counts: Counter[str]) -> list[Dependent]:
    return [Dependent(label, n) for label, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]


def refusal(what: str, found: list[Dependent]) -> str:
    listed = "、".join(f"{d.label}{d.count}条" for d in found)
    return _("%(what)s还有%(list)s，不能删除；请先移走或删除这些记录") % {
        "what": what,
        "list": listed,
    }


def _delete(actor: Any, obj: Model, what: str) -> None:
    found = dependents(obj)
    if found:
        raise Conflict(refusal(what, found), code="has_dependents")
    before = snapshot(obj)
    audit_record(
        actor=actor,
        action="delete",
        obj=obj,
        changes={k: [v, None] for k, v in before.items()},
        object_repr=str(obj),
    )
    obj.delete()
    written.send(sender=type(obj))


@transaction.atomic
def area_delete(*, actor: Any, area: Ref) -> Area:
    found = selectors.area_get_for(actor, area, write=True, lock=True)
    if found.parent_id is None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("只有平台管理员可以删除区"))
    _delete(actor, found, found.name)
    return found


@transaction.atomic
def unit_delete(*, actor: Any, unit: Ref) -> Unit:
    found = selectors.unit_get_for(actor, unit, write=True, lock=True)
    _delete(actor, found, found.name)
    return found


@transaction.atomic
def party_org_delete(*, actor: Any, org: Ref) -> PartyOrg:
    found = selectors.party_org_get_for(actor, org, write=True, lock=True)
    _delete(actor, found, found.name)
    return found


# Every copy of an area's path other apps keep: (app label, model name, field).
AREA_PATH_COPIES = (
    ("forms", "Return", "path"),
    ("forms", "Answer", "path"),
    ("reports", "ServiceFact", "path"),
)


def _reprefix(model: type[Model], field: str, old: str, new: str) -> int:
    return int(
        model._default_manager.filter(**{f"{field}__startswith": old}).update(
            **{field: Concat(Value(new), Substr(field, len(old) + 1))}
        )
    )


def _figures_stale() -> None:
    from django.apps import apps

    # As the reports app does when an area's path changes through a save (reports/signals.py):
    # every month is recounted, and a rebuild already under way does not clear the mark.
    rollup = apps.get_model("reports", "RollupMonth")
    rollup.objects.update(dirty=True, version=F("version") + 1)
    written.send(sender=Area)


@transaction.atomic
def area_move(*, actor: Any, area: Ref, parent: Ref) -> Area:
    """Put an area under another parent of its parent's level (a community under another
    street, a grid under another community)."""
    found = selectors.area_get_for(actor, area, write=True, lock=True)
    if found.parent_id is None:
        raise invalid("parent", _("区是最上级，不能移动"))
    try:
        above = selectors.area_get_for(actor, parent, write=True)
    except ApplicationError:
        raise invalid("parent", _("新的上级区域不存在或不在您的管辖范围")) from None
    if above.pk == found.parent_id:
        raise invalid("parent", _("新的上级与原上级相同"))
    if above.path.startswith(found.path):
        raise invalid("parent", _("不能移到自己或自己的下级之下"))
    if Area.CHILD_KIND.get(Area.Kind(above.kind)) != found.kind:
        raise invalid(
            "parent",
            _("%(kind)s的上级应为%(parent)s")
            % {
                "kind": found.get_kind_display(),
                "parent": found.parent.get_kind_display() if found.parent else "",
            },
        )
    old, new = found.path, f"{above.path}{found.code}/"
    before = found.parent
    moved = _reprefix(Area, "path", old, new)
    from django.apps import apps

    copies = {
        f"{app}.{name}": _reprefix(apps.get_model(app, name), field, old, new)
        for app, name, field in AREA_PATH_COPIES
    }
    Area.objects.filter(pk=found.pk).update(parent=above)
    _figures_stale()
    found.refresh_from_db()
    audit_record(
        actor=actor,
        action="update",
        obj=found,
        changes={
            "parent": [str(before), str(above)],
            "path": [old, new],
            "areas_moved": moved,
            "copies": copies,
        },
    )
    return found


@transaction.atomic
def unit_move(*, actor: Any, unit: Ref, area: Ref) -> Unit:
    """Put a unit in another area the actor may change."""
    found = selectors.unit_get_for(actor, unit, write=True, lock=True)
    try:
        place = selectors.area_get_for(actor, area, write=True)
    except ApplicationError:
        raise invalid("area", _("新的所在区域不存在或不在您的管辖范围")) from None
    if place.pk == found.area_id:
        raise invalid("area", _("新的所在区域与原区域相同"))
    before = found.area
    found.area = place
    found.save(update_fields=["area", "updated_at"])
    _figures_stale()
    audit_record(
        actor=actor, action="update", obj=found, changes={"area": [str(before), str(place)]}
    )
    return found


@transaction.atomic
def party_org_move(*, actor: Any, org: Ref, parent: Ref) -> PartyOrg:
    """Put a party organisation (and its sub-organisations) under another organisation the
    actor sees and may change; not under a branch, nor under itself."""
    found = selectors.party_org_get_for(actor, org, write=True, lock=True)
    try:
        above = selectors.party_org_get_for(actor, parent, write=True)
    except ApplicationError:
        raise invalid("parent", _("新的上级组织不存在或不在您的管辖范围")) from None
    if above.pk == found.parent_id:
        raise invalid("parent", _("新的上级组织与原上级相同"))
    if above.path.startswith(found.path):
        raise invalid("parent", _("不能移到自己或自己的下级组织之下"))
    if above.kind in BRANCHES:
        raise invalid("parent", _("党支部下不能再设下级组织"))
    old, new = found.path, f"{above.path}{found.code}/"
    delta = above.depth + 1 - found.depth
    before = found.parent
    qs = PartyOrg.objects.filter(path__startswith=old)
    moved = qs.count()
    qs.update(path=Concat(Value(new), Substr("path", len(old) + 1)), depth=F("depth") + delta)
    PartyOrg.objects.filter(pk=found.pk).update(parent=above)
    written.send(sender=PartyOrg)
    found.refresh_from_db()
    audit_record(
        actor=actor,
        action="update",
        obj=found,
        changes={
            "parent": [str(before) if before else "", str(above)],
            "path": [old, new],
            "orgs_moved": moved,
        },
    )
    return found
