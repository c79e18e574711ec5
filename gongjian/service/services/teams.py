"""Service teams (志愿服务队 / 先锋队): founded by an area or unit administrator, captained by a
member, joined by members the founder's posts may see."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, NotFound
from gongjian.core.validation import clean_choice, clean_text, invalid
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, Unit
from gongjian.service import selectors
from gongjian.service.models import ServiceCategory, Team, TeamMembership


def _member_key(member: Member | uuid.UUID | str) -> uuid.UUID | str:
    return member.public_id if isinstance(member, Member) else member


def _pk(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


@transaction.atomic
def team_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    captain: Member | uuid.UUID | str,
    area: Area | int | None = None,
    unit: Unit | int | None = None,
    category: ServiceCategory | int | None = None,
    description: str = "",
) -> Team:
    """A team of an area or a unit the caller administers, with a captain they may see."""
    name = clean_text("name", name, _("队名"), 60)
    kind = clean_choice("kind", kind, _("类型"), Team.Kind.choices)
    if area is None and unit is None:
        raise invalid("area", _("请选择服务队所属的区域或单位"))
    try:
        place = org_selectors.area_get_for(actor, _pk(area), write=True) if area else None
    except NotFound:
        raise invalid("area", _("所属区域不在您的管理范围内")) from None
    try:
        owner = org_selectors.unit_get_for(actor, _pk(unit), write=True) if unit else None
    except NotFound:
        raise invalid("unit", _("您不是该单位的管理员")) from None
    try:
        leader = org_selectors.member_get_for(actor, _member_key(captain))
    except NotFound:
        raise invalid("captain", _("队长不在您的管理范围内")) from None
    team = Team(
        name=name,
        kind=kind,
        captain=leader,
        area=place,
        unit=owner,
        category=selectors.category_get(_pk(category)) if category else None,
        description=clean_text("description", description, _("简介"), 300, required=False),
    )
    team.save()
    TeamMembership.objects.create(team=team, member=leader)
    audit_record(action="create", obj=team, changes=diff({}, snapshot(team)))
    return team


def _team_and_member(
    actor: Any, team: Team | uuid.UUID | str, member: Member | uuid.UUID | str
) -> tuple[Team, Member]:
    """The team the caller manages and a member the caller may see: NotFound
    otherwise (a captain may not look people up in the register)."""
    key = team.public_id if isinstance(team, Team) else team
    found = selectors.team_get_for(actor, key, write=True)
    return found, org_selectors.member_get_for(actor, _member_key(member))


@transaction.atomic
def team_member_add(
    *, actor: Any, team: Team | uuid.UUID | str, member: Member | uuid.UUID | str
) -> TeamMembership:
    found, person = _team_and_member(actor, team, member)
    try:
        with transaction.atomic():
            membership = TeamMembership.objects.create(team=found, member=person)
    except IntegrityError:
        raise Conflict(
            _("%(name)s已是本队队员") % {"name": person.name}, code="already_member"
        ) from None
    audit_record(action="create", obj=membership, changes={"team": found.pk, "member": person.pk})
    return membership


@transaction.atomic
def team_member_remove(
    *, actor: Any, team: Team | uuid.UUID | str, member: Member | uuid.UUID | str
) -> Member:
    found, person = _team_and_member(actor, team, member)
    if person.pk == found.captain_id:
        raise invalid("member", _("不能移除队长"))
    deleted, _rows = TeamMembership.objects.filter(team=found, member=person).delete()
    if deleted:
        audit_record(
            action="delete",
            object_type="service.teammembership",
            object_id=f"{found.pk}:{person.pk}",
            object_repr=f"{found} · {person}",
        )
    return person
