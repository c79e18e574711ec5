"""Every read of this app, through the caller's scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.utils.translation import gettext as _

from gongjian.core import crypto
from gongjian.core.access import one
from gongjian.core.errors import NotFound, PermissionDenied, ValidationFailed
from gongjian.core.masking import mask_phone
from gongjian.core.search import search_q, text_matches
from gongjian.core.validation import invalid
from gongjian.core.validators import normalize_mobile, parse_id_number
from gongjian.orgs import scope
from gongjian.orgs.models import (
    Area,
    Member,
    MemberTransfer,
    Notice,
    PartyOrg,
    RoleAssignment,
    Unit,
)

# An object's id as a URL, a form or the API gives it, or the object itself (read again,
# through the caller's scope).
Ref = int | str | Model


def area_list(
    *, actor: Any, kind: str = "", parent: Area | None = None, q: str = "", write: bool = False
) -> QuerySet[Area]:
    qs = Area.objects.filter(scope.area_q(actor, write=write)).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",), exact=("code",)))
    return qs


def area_get_for(actor: Any, pk: Ref, *, write: bool = False, lock: bool = False) -> Area:
    return one(area_list(actor=actor, write=write), _("区域不存在或无权查看"), pk=pk, lock=lock)


def area_rows(
    *,
    actor: Any,
    kind: str = "",
    local_kind: str = "",
    q: str = "",
    parent_id: int | None = None,
) -> QuerySet[Area]:
    """The area list of the page, its export and the API."""
    parent = area_get_for(actor, parent_id) if parent_id is not None else None
    qs = area_list(actor=actor, kind=kind, q=q, parent=parent)
    return qs.filter(local_kind=local_kind) if local_kind else qs


def area_kind_label(area: Area | None) -> str:
    """What an area is called where it is named: 街道 / 镇 / 乡, 社区 / 村, 区, 网格."""
    return area.kind_label if area is not None else ""


def area_children_label(area: Area) -> str:
    """The word for an area's children by the local kinds they carry, for a briefing's
    "各社区": "社区", "村", or "村（社区）" when both occur (a town with villages and a
    community); "镇（街道）" likewise one level up."""
    child = Area.CHILD_KIND.get(Area.Kind(area.kind))
    if child is None:
        return ""
    return local_word(child, under=area.path)


def local_word(kind: str, *, under: str | None = None) -> str:
    """The word for the areas of level `kind` (under the path `under`, or everywhere) by the
    local kinds they carry: "社区", "村", or "村（社区）" when both occur — a briefing's
    "各社区" in a district with villages."""
    allowed = [str(k) for k in Area.LOCAL_KINDS.get(Area.Kind(kind), ())]
    qs = Area.objects.filter(kind=kind)
    if under:
        qs = qs.filter(path__startswith=under)
    present = set(qs.order_by().values_list("local_kind", flat=True).distinct())
    found = [k for k in allowed if k in present or (k == allowed[0] and "" in present)]
    if not found:
        return Area.label_for(kind)
    labels = [Area.label_for(kind, k) for k in found]
    if len(labels) == 1:
        return labels[0]
    return f"{'、'.join(labels[1:])}（{labels[0]}）"


def area_overview(*, actor: Any) -> list[Area]:
    """The areas in scope above the grids, each with its number of children."""
    return list(
        area_list(actor=actor)
        .exclude(kind=Area.Kind.GRID)
        .annotate(children_count=Count("children"))
    )


def area_subtree(area: Area) -> QuerySet[Area]:
    return Area.objects.filter(path__startswith=area.path)


def area_directory(*, parent: Area | None = None, kind: str = "") -> QuerySet[Area]:
    """The public directory of places, for a member choosing where they live. Names and codes
    only: an area is no one's personal record."""
    qs = Area.objects.only("id", "code", "name", "kind", "parent_id", "path")
    if parent is not None:
        qs = qs.filter(parent=parent)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def unit_list(
    *, actor: Any, q: str = "", area: Area | None = None, write: bool = False
) -> QuerySet[Unit]:
    qs = Unit.objects.filter(scope.unit_q(actor, write=write)).select_related("area")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name", "short_name"), exact=("code",)))
    return qs


def unit_get_for(actor: Any, pk: Ref, *, write: bool = False, lock: bool = False) -> Unit:
    return one(unit_list(actor=actor, write=write), _("单位不存在或无权查看"), pk=pk, lock=lock)


def area_unit_for(
    actor: Any, area: Ref | None, unit: Ref | None
) -> tuple[Area | None, Unit | None]:
    """The area and the unit a list is narrowed to (either may be absent), each resolved
    through the caller's scope: one the caller may not see is `NotFound`."""
    return (
        area_get_for(actor, area) if area else None,
        unit_get_for(actor, unit) if unit else None,
    )


def committee_district(
    actor: Any, district_id: Any = None, *, refused: str, choose: str = ""
) -> Area:
    """The district in which the caller, as a working committee, makes something new: the one
    named (one of its own), else its only one (`choose`, default 请选择所在区, when it has
    several). Not a working committee nor the platform's administrator: `refused`."""
    paths = scope.committee_paths(actor)
    districts = Area.objects.filter(kind=Area.Kind.DISTRICT)
    if paths is not None:
        if not paths:
            raise PermissionDenied(refused)
        districts = districts.filter(path__in=paths)
    if district_id in (None, ""):
        found = list(districts[:2])
        if len(found) != 1:
            raise invalid("district", choose or _("请选择所在区"))
        return found[0]
    return one(districts, _("区不存在或不在您的管辖范围"), pk=district_id)


def unit_rows(*, actor: Any, q: str = "") -> QuerySet[Unit]:
    """The unit list of the page, its export and the API: with each unit's member count."""
    # An aggregate drops Meta.ordering: order explicitly, or the pages are unstable.
    return (
        unit_list(actor=actor, q=q)
        .annotate(member_count=Count("members", distinct=True))
        .order_by("code")
    )


def party_org_list(
    *, actor: Any, q: str = "", unit: Unit | None = None, kind: str = "", write: bool = False
) -> QuerySet[PartyOrg]:
    qs = PartyOrg.objects.filter(scope.party_org_q(actor, write=write)).select_related(
        "unit", "area", "parent"
    )
    if unit is not None:
        qs = qs.filter(unit=unit)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",), exact=("code",)))
    return qs


def party_org_get_for(actor: Any, pk: Ref, *, write: bool = False, lock: bool = False) -> PartyOrg:
    return one(
        party_org_list(actor=actor, write=write), _("党组织不存在或无权查看"), pk=pk, lock=lock
    )


def party_org_rows(*, actor: Any, q: str = "", kind: str = "") -> QuerySet[PartyOrg]:
    """The party organisation list of the export and the API, with member counts."""
    return (
        party_org_list(actor=actor, q=q, kind=kind)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("path")
    )


def party_org_options(
    *, actor: Any, write: bool = False, committees: bool = False
) -> QuerySet[PartyOrg]:
    """The organisations in scope for a picker (ids, names and depths only), without the
    working committees unless `committees` (a member belongs to a real organisation)."""
    qs = party_org_list(actor=actor, write=write)
    if not committees:
        qs = qs.exclude(kind=PartyOrg.Kind.WORKING_COMMITTEE)
    return qs.select_related(None).only("id", "name", "depth")


def unit_party_orgs(*, actor: Any, unit: Unit) -> QuerySet[PartyOrg]:
    """A unit's organisations in scope, each with its member count."""
    return party_org_list(actor=actor, unit=unit).annotate(member_count=Count("members"))


def party_org_tree(*, actor: Any) -> list[dict[str, Any]]:
    """The organisations in scope as nested dicts, with member counts, in one query."""
    orgs = list(party_org_rows(actor=actor))
    nodes: dict[int, dict[str, Any]] = {o.pk: {"org": o, "children": []} for o in orgs}
    roots: list[dict[str, Any]] = []
    for o in orgs:
        node = nodes[o.pk]
        parent = nodes.get(o.parent_id) if o.parent_id else None
        (parent["children"] if parent else roots).append(node)
    return roots


def member_list(
    *,
    actor: Any,
    q: str = "",
    party_org: PartyOrg | None = None,
    unit: Unit | None = None,
    status: str = "",
    in_service: bool | None = None,
    community: Area | None = None,
    include_inactive: bool = False,
    write: bool = False,
) -> QuerySet[Member]:
    qs = Member.objects.filter(scope.member_q(actor, write=write)).select_related(
        "party_org", "unit", "home_community", "home_grid"
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if party_org is not None:
        qs = qs.filter(party_org__path__startswith=party_org.path)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if status:
        qs = qs.filter(status=status)
    if in_service is not None:
        qs = qs.filter(in_service=in_service)
    if community is not None:
        qs = qs.filter(home_community__path__startswith=community.path)
    if q:
        qs = qs.filter(_member_search(q))
    return qs


def _member_search(q: str) -> Q:
    q = q.strip()
    digits = q.replace(" ", "")
    if len(digits) >= 11 and digits[:17].isdigit():
        try:
            return Q(id_number_hash=crypto.blind_index(parse_id_number(digits).value))
        except ValidationFailed:
            pass
        try:
            return Q(phone_hash=crypto.blind_index(normalize_mobile(digits)))
        except ValidationFailed:
            pass
    return search_q(q, "name_folded", raw=("name",))


def member_rows(
    *,
    actor: Any,
    q: str = "",
    party_org_id: int | None = None,
    unit_id: int | None = None,
    status: str = "",
    in_service: bool | None = None,
) -> QuerySet[Member]:
    """The member list of the page, its export and the API: the organisation and the unit
    named by id, each resolved through the caller's scope."""
    return member_list(
        actor=actor,
        q=q,
        status=status,
        in_service=in_service,
        party_org=party_org_get_for(actor, party_org_id) if party_org_id is not None else None,
        unit=unit_get_for(actor, unit_id) if unit_id is not None else None,
    )


def member_get_for(
    actor: Any, public_id: str | uuid.UUID | Member, *, write: bool = False, lock: bool = False
) -> Member:
    message = _("党员不存在或无权查看")
    if isinstance(public_id, Member):
        public_id = public_id.public_id
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(message) from None
    qs = member_list(actor=actor, write=write, include_inactive=True)
    return one(qs, message, lock=lock, public_id=key)


def member_may_write(*, actor: Any, member: Member) -> bool:
    """Whether the actor may change this member's record (their unit or organisation)."""
    return member_list(actor=actor, write=True, include_inactive=True).filter(pk=member.pk).exists()


def member_transfers(*, member: Member) -> QuerySet[MemberTransfer]:
    return member.transfers.select_related("from_org", "to_org", "by")


def role_assignment_list(
    *, actor: Any, role: str = "", write: bool = False
) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.filter(scope.role_assignment_q(actor, write=write)).select_related(
        "user", "area", "unit"
    )
    return qs.filter(role=role) if role else qs


def role_assignment_get_for(
    actor: Any, pk: Ref, *, write: bool = False, lock: bool = False
) -> RoleAssignment:
    return one(
        role_assignment_list(actor=actor, write=write), _("岗位不存在或无权查看"), pk=pk, lock=lock
    )


def grid_leaders(*, grid: Area) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(role="grid_leader", area=grid).select_related("user")


def _code(code: str) -> str:
    """A code as typed; one that no code can be (a NUL, too long) matches nothing."""
    text = str(code or "").strip()
    return "" if "\x00" in text or len(text) > 32 else text


def area_get_by_code_for(actor: Any, code: str, *, write: bool = False) -> Area:
    message = _("区域编码%(c)s不存在或不在您的管辖范围") % {"c": _code(code)}
    return one(area_list(actor=actor, write=write), message, code=_code(code))


def unit_get_by_code_for(actor: Any, code: str, *, write: bool = False) -> Unit:
    message = _("单位编码%(c)s不存在或不在您的管辖范围") % {"c": _code(code)}
    return one(unit_list(actor=actor, write=write), message, code=_code(code))


# The home page's figures ---------------------------------------------------------------------


def home_figures(*, actor: Any) -> dict[str, Any]:
    """What the home page counts for a post: areas by level, units, organisations, members and
    in-service members in scope, and the actor's own posts."""
    members = member_list(actor=actor)
    order = list(Area.Kind.values)
    locals_ = list(Area.LocalKind.values)
    by_kind = list(
        area_list(actor=actor).order_by().values("kind", "local_kind").annotate(n=Count("id"))
    )
    for row in by_kind:
        row["label"] = Area.label_for(row["kind"], row["local_kind"])
    by_kind.sort(
        key=lambda row: (
            order.index(row["kind"]),
            locals_.index(row["local_kind"]) if row["local_kind"] in locals_ else -1,
        )
    )
    return {
        "areas": by_kind,
        "units": unit_list(actor=actor).count(),
        "party_orgs": party_org_list(actor=actor).count(),
        "members": members.count(),
        "in_service": members.filter(in_service=True).count(),
    }


def my_posts(*, actor: Any) -> QuerySet[RoleAssignment]:
    return role_assignment_list(actor=actor).filter(user=actor)


# The caller's own member record --------------------------------------------------------------

_MEMBER_ATTR = "_gongjian_member"


def member_of(actor: Any) -> Member | None:
    """The member record of the caller, if they have one: read once per request, in one query
    (with their unit, its area, and where they live), for every app."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    if hasattr(actor, _MEMBER_ATTR):
        return getattr(actor, _MEMBER_ATTR)  # type: ignore[no-any-return]
    member = (
        Member.objects.select_related("unit__area", "home_community", "home_grid", "party_org")
        .filter(user_id=actor.pk)
        .first()
    )
    setattr(actor, _MEMBER_ATTR, member)
    return member


def member_required(actor: Any) -> Member:
    """The caller's member record, or `PermissionDenied` saying the account has none."""
    member = member_of(actor)
    if member is None:
        raise PermissionDenied(_("您的账号未关联党员档案"), code="no_member")
    return member


# The caller's notices (the one inbox) ---------------------------------------------------------


def my_notices(*, actor: Any) -> QuerySet[Notice]:
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return Notice.objects.none()
    return Notice.objects.filter(member_id=member_id)


def unread_notice_count(*, actor: Any) -> int:
    return my_notices(actor=actor).filter(read_at__isnull=True).count()


def notice_get_for(actor: Any, pk: Ref, *, lock: bool = False) -> Notice:
    return one(my_notices(actor=actor), _("通知不存在"), pk=pk, lock=lock)


def area_names_under(path: str) -> dict[str, str]:
    """The name of every area under `path`, by code (for texts that would otherwise show codes)."""
    return dict(Area.objects.filter(path__startswith=path).values_list("code", "name"))


# Member accounts ---------------------------------------------------------------------------------
# Who among the members in the caller's scope can log in (has activated an account), by unit,
# and the chase list of those who cannot yet (issue 12).

ACCOUNT_YES = "yes"
ACCOUNT_NO = "no"


def _has_account() -> Q:
    return Q(user__isnull=False, user__is_active=True)


def member_account_rows(
    *, actor: Any, unit: int | None = None, account: str = "", q: str = "", write: bool = False
) -> QuerySet[Member]:
    """The members on record in scope with `has_account`, those without an account first.
    `unit` is an id resolved through the caller's scope (else `NotFound`)."""
    from django.db.models import BooleanField, ExpressionWrapper

    qs = member_list(
        actor=actor, q=q, write=write, unit=unit_get_for(actor, unit) if unit else None
    ).select_related("user")
    qs = qs.annotate(has_account=ExpressionWrapper(_has_account(), output_field=BooleanField()))
    if account == ACCOUNT_YES:
        qs = qs.filter(_has_account())
    elif account == ACCOUNT_NO:
        qs = qs.exclude(_has_account())
    return qs.order_by("has_account", "party_org__path", "name", "id")


@dataclass(frozen=True)
class AccountRate:
    """One unit's line: members on record, those with an account, the rate."""

    unit_id: int | None
    name: str
    total: int
    done: int

    @property
    def rate(self) -> float | None:
        return self.done / self.total if self.total else None

    @property
    def missing(self) -> int:
        return self.total - self.done


def account_rates(*, actor: Any, q: str = "") -> list[AccountRate]:
    """For each unit in scope (and one line for members of no unit), how many of its members
    on record have an account; lowest rate first, in two queries."""
    rows = (
        member_list(actor=actor)
        .order_by()
        .values("unit_id")
        .annotate(total=Count("id"), done=Count("id", filter=_has_account()))
    )
    counts = {r["unit_id"]: (r["total"], r["done"]) for r in rows}
    names = dict(Unit.objects.filter(pk__in=[k for k in counts if k]).values_list("pk", "name"))
    out = [
        AccountRate(pk, names.get(pk, "") if pk else _("不属于单位的党员"), total, done)
        for pk, (total, done) in counts.items()
    ]
    if q:
        out = [r for r in out if text_matches(q, r.name)]
    return sorted(out, key=lambda r: (r.rate if r.rate is not None else 1.0, r.name))


def account_rate_overall(rows: list[AccountRate]) -> AccountRate:
    return AccountRate(None, _("合计"), sum(r.total for r in rows), sum(r.done for r in rows))


def _account_lists() -> tuple[Any, Any]:
    from gongjian.core.lists import MASKED_PHONE, NUMBER, PERCENT, Column, Filter, ListSpec

    members = ListSpec(
        name="orgs.member_accounts",
        title=_("党员账号开通情况"),
        rows=member_account_rows,
        filters=(
            Filter("unit", _("单位"), kind="int"),
            Filter(
                "account",
                _("账号"),
                kind="choice",
                choices=((ACCOUNT_NO, _("未开通")), (ACCOUNT_YES, _("已开通"))),
            ),
            Filter("q", _("姓名")),
        ),
        columns=(
            Column(_("姓名"), "name"),
            Column(_("所在党组织"), "party_org.name"),
            Column(_("工作单位"), lambda m: m.unit.name if m.unit else ""),
            Column(_("手机号"), "phone", kind=MASKED_PHONE),
            Column(_("账号"), lambda m: _("已开通") if m.has_account else _("未开通")),
            Column(_("最近登录"), lambda m: m.user.last_login if m.user else None, kind="datetime"),
        ),
    )
    rates = ListSpec(
        name="orgs.account_rates",
        title=_("各单位党员账号开通率"),
        rows=account_rates,
        filters=(Filter("q", _("单位名称")),),
        columns=(
            Column(_("单位"), "name"),
            Column(_("党员"), "total", kind=NUMBER),
            Column(_("已开通"), "done", kind=NUMBER),
            Column(_("未开通"), "missing", kind=NUMBER),
            Column(_("开通率"), "rate", kind=PERCENT),
        ),
        per_page=100,
    )
    return members, rates


MEMBER_ACCOUNTS, ACCOUNT_RATES = _account_lists()


def issuing_office() -> str:
    """The office that issues the platform's documents (certificates, briefings): the setting
    DOCUMENT_ISSUER (GONGJIAN_DOCUMENT_ISSUER) when set, else the district's working
    committee named after the first district: 中共示范区委直属机关工作委员会."""
    from django.conf import settings

    configured = str(getattr(settings, "DOCUMENT_ISSUER", "") or "").strip()
    if configured:
        return configured
    district = Area.objects.filter(kind=Area.Kind.DISTRICT).order_by("id").first()
    if district is None:
        return _("共建平台")
    return _("中共%(d)s委直属机关工作委员会") % {"d": district.name}


# Pickers: a member, a unit or an area chosen by name ------------------------------------------

PICK_LIMIT = 12


@dataclass(frozen=True)
class Pick:
    """One choice of a picker: the value the form sends, and what the person reads."""

    value: str
    label: str
    detail: str = ""


def member_picks(*, actor: Any, q: str, write: bool = False) -> list[Pick]:
    """Members the caller sees (the same people a service accepts by id), by name, phone or ID
    number, with their unit and masked phone, so two of the same name can be told apart."""
    q = (q or "").strip()
    if not q:
        return []
    rows = member_list(actor=actor, q=q, write=write).order_by("name", "id")[:PICK_LIMIT]
    return [
        Pick(
            value=str(m.public_id),
            label=m.name,
            detail=" · ".join(
                p for p in ((m.unit.name if m.unit else m.party_org.name), mask_phone(m.phone)) if p
            ),
        )
        for m in rows
    ]


def unit_picks(*, actor: Any, q: str, write: bool = False) -> list[Pick]:
    q = (q or "").strip()
    if not q:
        return []
    rows = unit_list(actor=actor, q=q, write=write).order_by("name", "id")[:PICK_LIMIT]
    return [Pick(value=u.code, label=u.name, detail=f"{u.code} · {u.area.name}") for u in rows]


def area_picks(*, actor: Any, q: str, kind: str = "", write: bool = False) -> list[Pick]:
    q = (q or "").strip()
    if not q:
        return []
    qs = area_list(actor=actor, q=q, kind=kind, write=write).order_by("path")[:PICK_LIMIT]
    return [
        Pick(
            value=a.code,
            label=a.name,
            detail=f"{a.code} · {a.kind_label}" + (f" · {a.parent.name}" if a.parent else ""),
        )
        for a in qs
    ]


def descendants_count(node: Area | PartyOrg) -> int:
    """How many areas (or party organisations) lie below `node` in its tree."""
    return type(node).objects.filter(path__startswith=node.path).exclude(pk=node.pk).count()


def account_picks(*, actor: Any, q: str) -> list[Pick]:
    """Accounts a post may be given to, by name or username (or the exact phone), for those
    who assign posts: the accounts of members they see and of posts they manage (everyone's
    for the platform administrator); the value is the log-in `role_assign_by_login` takes."""
    from gongjian.accounts.models import User
    from gongjian.accounts.selectors import user_find_by_login

    q = (q or "").strip()
    if not q or "\x00" in q or not scope.may_assign_posts(actor):
        return []
    users = User.objects.filter(is_active=True)
    if not scope.posts_of(actor).superuser:
        members = member_list(actor=actor).filter(user__isnull=False).values("user_id")
        posts = RoleAssignment.objects.filter(scope.role_assignment_q(actor)).values("user_id")
        users = users.filter(Q(pk__in=members) | Q(pk__in=posts))
    found = list(
        users.filter(Q(display_name__icontains=q) | Q(username__icontains=q))
        .select_related("member__unit", "member__party_org")
        .order_by("display_name", "username")[:PICK_LIMIT]
    )
    exact = user_find_by_login(login=q)
    if exact is not None and exact.is_active and exact not in found:
        found.insert(0, exact)  # a whole log-in or phone finds the account, as typing it did
    picks = []
    for user in found[:PICK_LIMIT]:
        member = getattr(user, "member", None)
        where = (member.unit.name if member.unit else member.party_org.name) if member else ""
        detail = " · ".join(p for p in (user.username, where, mask_phone(user.phone)) if p)
        picks.append(
            Pick(value=user.username, label=user.display_name or user.username, detail=detail)
        )
    return picks


def area_names_by_code(*, actor: Any, codes: list[str]) -> dict[str, str]:
    """The names of the areas the caller sees among `codes` (what a picker sent), by code."""
    if not codes:
        return {}
    rows = area_list(actor=actor).filter(code__in=codes[:2000]).values_list("code", "name")
    return dict(rows)


def unit_names_by_code(*, actor: Any, codes: list[str]) -> dict[str, str]:
    """The names of the units the caller sees among `codes` (what a picker sent), by code."""
    if not codes:
        return {}
    rows = unit_list(actor=actor).filter(code__in=codes[:2000]).values_list("code", "name")
    return dict(rows)


def area_choices(*, actor: Any, blank: str = "", grids: bool = False) -> list[tuple[Any, str]]:
    """The areas the caller may change, for a form's select, indented by level."""
    qs = (
        area_list(actor=actor, write=True)
        .select_related(None)
        .order_by("path")
        .only("id", "name", "depth", "kind")
    )
    if not grids:
        qs = qs.exclude(kind=Area.Kind.GRID)
    out: list[tuple[Any, str]] = [("", blank)] if blank else []
    return out + [(a.pk, "　" * a.depth + a.name) for a in qs]


def unit_choices(*, actor: Any, blank: str = "") -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = [("", blank)] if blank else []
    rows = unit_list(actor=actor, write=True).select_related(None).order_by("name")
    return out + [(u.pk, f"{u.name}（{u.code}）") for u in rows]


def party_org_choices(*, actor: Any, blank: str = "") -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = [("", blank)] if blank else []
    rows = party_org_options(actor=actor, committees=True).order_by("path")
    return out + [(o.pk, "　" * o.depth + o.name) for o in rows]
