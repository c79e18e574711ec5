"""The scope mechanism: one place that turns an actor's posts into a queryset filter.

Every selector of every app builds its filter here, naming the relations that lead from its
model to an area, a unit or a member:

    scope_q(actor, area=("area",), unit=("unit",), member=("member",))

- a platform administrator (superuser) sees everything;
- an area post (district, street, community administrator; grid leader) sees objects whose
  area lies in its subtree, and objects of units whose area lies there;
- a unit administrator sees objects of the unit;
- a member sees objects that are theirs.

`write=True` leaves out the read-only posts (grid leader, member).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from gongjian.orgs.models import AREA_ROLES, Area, Member, PartyOrg, Role, RoleAssignment, Unit

NOTHING = Q(pk__in=[])
READ_ONLY_ROLES = frozenset({Role.GRID_LEADER})


@dataclass(frozen=True)
class Posts:
    """What an actor holds, read once per request."""

    superuser: bool = False
    area_paths: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role → paths
    unit_ids: tuple[int, ...] = ()
    member_id: int | None = None
    user_id: int | None = None

    @property
    def roles(self) -> set[str]:
        roles = {r for r, paths in self.area_paths.items() if paths}
        if self.unit_ids:
            roles.add(Role.UNIT_ADMIN)
        return roles

    def paths(self, *, write: bool = False) -> tuple[str, ...]:
        out: list[str] = []
        for role, paths in self.area_paths.items():
            if write and role in READ_ONLY_ROLES:
                continue
            out.extend(paths)
        # A path inside another adds nothing.
        out.sort()
        kept: list[str] = []
        for p in out:
            if not kept or not p.startswith(kept[-1]):
                kept.append(p)
        return tuple(kept)

    @property
    def is_staff_like(self) -> bool:
        return self.superuser or bool(self.area_paths) or bool(self.unit_ids)


_CACHE_ATTR = "_gongjian_posts"


def posts_of(actor: Any) -> Posts:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return Posts()
    cached = getattr(actor, _CACHE_ATTR, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if actor.is_superuser:
        posts = Posts(superuser=True, user_id=actor.pk)
    else:
        area_paths: dict[str, list[str]] = {}
        unit_ids: list[int] = []
        for role, path, unit_id in RoleAssignment.objects.filter(user=actor).values_list(
            "role", "area__path", "unit_id"
        ):
            if role == Role.UNIT_ADMIN and unit_id:
                unit_ids.append(unit_id)
            elif role in AREA_ROLES and path:
                area_paths.setdefault(role, []).append(path)
        member_id = Member.objects.filter(user=actor).values_list("pk", flat=True).first()
        posts = Posts(
            area_paths={k: tuple(sorted(v)) for k, v in area_paths.items()},
            unit_ids=tuple(sorted(unit_ids)),
            member_id=member_id,
            user_id=actor.pk,
        )
    setattr(actor, _CACHE_ATTR, posts)
    return posts


def forget_posts(actor: Any) -> None:
    if hasattr(actor, _CACHE_ATTR):
        delattr(actor, _CACHE_ATTR)


def _any(qs: list[Q]) -> Q:
    out = NOTHING
    for q in qs:
        out = q if out is NOTHING else out | q
    return out


def scope_q(
    actor: Any,
    *,
    area: Sequence[str] = (),
    unit: Sequence[str] = (),
    member: Sequence[str] = (),
    write: bool = False,
) -> Q:
    """The filter of what `actor` may see (or, with write=True, change).

    `area`: lookups to an Area (`"area"`, `"home_community"`, `"self"` for the Area model);
    `unit`: lookups to a Unit (`"unit"`, `"self"` for the Unit model);
    `member`: lookups to a Member (`"member"`, `"self"` for the Member model).
    """
    posts = posts_of(actor)
    if posts.superuser:
        return Q()
    parts: list[Q] = []
    for path in posts.paths(write=write):
        for lookup in area:
            key = "path__startswith" if lookup == "self" else f"{lookup}__path__startswith"
            parts.append(Q(**{key: path}))
        for lookup in unit:
            key = (
                "area__path__startswith"
                if lookup == "self"
                else f"{lookup}__area__path__startswith"
            )
            parts.append(Q(**{key: path}))
    if posts.unit_ids:
        for lookup in unit:
            key = "pk__in" if lookup == "self" else f"{lookup}__in"
            parts.append(Q(**{key: list(posts.unit_ids)}))
    if posts.member_id is not None and not write:
        for lookup in member:
            key = "pk" if lookup == "self" else lookup
            parts.append(Q(**{key: posts.member_id}))
    return _any(parts)


# The scope of the models of this app, used by its selectors and by other apps' selectors.


def area_q(actor: Any, *, write: bool = False) -> Q:
    return scope_q(actor, area=("self",), write=write)


def unit_q(actor: Any, *, write: bool = False) -> Q:
    return scope_q(actor, unit=("self",), write=write)


def party_org_q(actor: Any, *, write: bool = False) -> Q:
    return scope_q(actor, area=("area",), unit=("unit",), write=write)


def member_q(actor: Any, *, write: bool = False) -> Q:
    """Where a member lives lets that community and grid see them (dual reporting), but only
    their own party organisation and unit may change their record."""
    return scope_q(
        actor,
        area=("party_org__area",) if write else ("party_org__area", "home_community", "home_grid"),
        unit=("unit", "party_org__unit"),
        member=("self",),
        write=write,
    )


def role_assignment_q(actor: Any, *, write: bool = False) -> Q:
    return scope_q(actor, area=("area",), unit=("unit",), write=write)


SCOPES = {
    Area: area_q,
    Unit: unit_q,
    PartyOrg: party_org_q,
    Member: member_q,
    RoleAssignment: role_assignment_q,
}


def may_assign_posts(actor: Any) -> bool:
    """Whether the actor may give posts at all: the platform administrator and the area
    posts that may write (a grid leader may not); which areas and units is the scope's."""
    posts = posts_of(actor)
    return posts.superuser or bool(posts.paths(write=True))


def member_area_paths(member: Member) -> tuple[str, ...]:
    """The areas a member belongs to: their party organisation's and unit's areas (the unit
    of the member or of the organisation), and where they live (community, grid)."""
    org = member.party_org if member.party_org_id else None
    units = [member.unit if member.unit_id else None]
    if org is not None and org.unit_id:
        units.append(org.unit)
    areas = [org.area if org is not None and org.area_id else None]
    areas += [u.area for u in units if u is not None and u.area_id]
    areas.append(member.home_community if member.home_community_id else None)
    areas.append(member.home_grid if member.home_grid_id else None)
    return tuple(a.path for a in areas if a is not None)


def member_unit_ids(member: Member) -> set[int]:
    """The units a member belongs to: their own and their party organisation's."""
    ids = {member.unit_id} if member.unit_id else set()
    if member.party_org_id and member.party_org.unit_id:
        ids.add(member.party_org.unit_id)
    return ids


UNMASK_ROLES = {
    "id_number": (Role.DISTRICT_ADMIN,),
    "phone": (Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN, Role.GRID_LEADER),
}


def may_unmask(actor: Any, *, field_name: str, member: Member | None = None) -> bool:
    """Who may see a whole ID number or phone (always audited), checked against *that*
    member: the platform administrator; the administrator of the member's district; for
    phones also the street and community administrators and grid leaders whose area holds
    the member (they contact members); the administrator of the member's own unit; a member
    their own. Without a member, whether the actor holds a post that could unmask some
    member's field (to offer the button; the unmasking itself names the member)."""
    posts = posts_of(actor)
    if posts.superuser:
        return True
    if member is not None and posts.member_id == member.pk:
        return True
    roles = UNMASK_ROLES.get(field_name, ())
    if member is None:
        return bool(posts.unit_ids) or any(posts.area_paths.get(r) for r in roles)
    if posts.unit_ids and member_unit_ids(member) & set(posts.unit_ids):
        return True
    held = [path for role in roles for path in posts.area_paths.get(role, ())]
    if not held:
        return False
    return any(p.startswith(h) for p in member_area_paths(member) for h in held)


# The working committee and the districts of an actor ---------------------------------------
# Asked by every app ("may this actor run a campaign, accept a suggestion, issue a
# mobilisation?"); answered here, once.


def district_path(path: str) -> str:
    """The path of the district an area path lies in (`/110199/0101/` → `/110199/`)."""
    first = path.strip("/").split("/", 1)[0]
    return f"/{first}/"


def committee_paths(actor: Any) -> tuple[str, ...] | None:
    """The districts whose working committee the actor administers (district administrator
    posts); None for the platform administrator, who acts for every district."""
    posts = posts_of(actor)
    if posts.superuser:
        return None
    return tuple(sorted(posts.area_paths.get(Role.DISTRICT_ADMIN, ())))


def is_committee(actor: Any, area: Area | None = None) -> bool:
    """Whether the actor acts for the working committee (of the district `area` lies in, when
    given)."""
    paths = committee_paths(actor)
    if paths is None:
        return True
    if area is None:
        return bool(paths)
    return any(area.path.startswith(p) for p in paths)


def committee_q(actor: Any, *lookups: str) -> Q:
    """Objects under a district the actor administers, through each lookup to an Area
    (`"district"`, `"unit__area"`)."""
    paths = committee_paths(actor)
    if paths is None:
        return Q()
    return _any([Q(**{f"{lk}__path__startswith": p}) for p in paths for lk in lookups])


def districts_of(actor: Any) -> tuple[str, ...] | None:
    """The paths of the districts the actor takes part in through any post (an area post's
    district, a unit's district); None for the platform administrator."""
    posts = posts_of(actor)
    if posts.superuser:
        return None
    paths = {district_path(p) for p in posts.paths()}
    if posts.unit_ids:
        for path in Unit.objects.filter(pk__in=posts.unit_ids).values_list("area__path", flat=True):
            paths.add(district_path(path))
    return tuple(sorted(paths))
