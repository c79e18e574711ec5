"""Every read of this app, through the caller's scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from gongjian.core import crypto
from gongjian.core.errors import NotFound, PermissionDenied, ValidationFailed
from gongjian.core.search import fold
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


def area_list(
    *, actor: Any, kind: str = "", parent: Area | None = None, q: str = "", write: bool = False
) -> QuerySet[Area]:
    qs = Area.objects.filter(scope.area_q(actor, write=write)).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if q:
        qs = qs.filter(Q(name__icontains=fold(q)) | Q(name__icontains=q) | Q(code=q))
    return qs


def area_get_for(actor: Any, pk: int | str, *, write: bool = False) -> Area:
    area = area_list(actor=actor, write=write).filter(pk=_int(pk)).first()
    if area is None:
        raise NotFound(_("区域不存在或无权查看"))
    return area


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
        qs = qs.filter(
            Q(name__icontains=fold(q))
            | Q(name__icontains=q)
            | Q(short_name__icontains=q)
            | Q(code=q)
        )
    return qs


def unit_get_for(actor: Any, pk: int | str, *, write: bool = False) -> Unit:
    unit = unit_list(actor=actor, write=write).filter(pk=_int(pk)).first()
    if unit is None:
        raise NotFound(_("单位不存在或无权查看"))
    return unit


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
        qs = qs.filter(Q(name__icontains=fold(q)) | Q(name__icontains=q) | Q(code=q))
    return qs


def party_org_get_for(actor: Any, pk: int | str, *, write: bool = False) -> PartyOrg:
    org = party_org_list(actor=actor, write=write).filter(pk=_int(pk)).first()
    if org is None:
        raise NotFound(_("党组织不存在或无权查看"))
    return org


def party_org_tree(*, actor: Any) -> list[dict[str, Any]]:
    """The organisations in scope as nested dicts, with member counts, in one query."""
    orgs = list(
        party_org_list(actor=actor)
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("path")
    )
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
    return Q(name__icontains=fold(q)) | Q(name__icontains=q)


def member_get_for(actor: Any, public_id: str | uuid.UUID, *, write: bool = False) -> Member:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound(_("党员不存在或无权查看")) from None
    member = (
        member_list(actor=actor, write=write, include_inactive=True).filter(public_id=key).first()
    )
    if member is None:
        raise NotFound(_("党员不存在或无权查看"))
    return member


def member_transfers(*, member: Member) -> QuerySet[MemberTransfer]:
    return member.transfers.select_related("from_org", "to_org", "by")


def role_assignment_list(*, actor: Any, write: bool = False) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(
        scope.role_assignment_q(actor, write=write)
    ).select_related("user", "area", "unit")


def role_assignment_get_for(actor: Any, pk: int | str, *, write: bool = False) -> RoleAssignment:
    ra = role_assignment_list(actor=actor, write=write).filter(pk=_int(pk)).first()
    if ra is None:
        raise NotFound(_("岗位不存在或无权查看"))
    return ra


def grid_leaders(*, grid: Area) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(role="grid_leader", area=grid).select_related("user")


def _int(pk: int | str) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("对象不存在")) from None


def area_get_by_code_for(actor: Any, code: str, *, write: bool = False) -> Area:
    area = area_list(actor=actor, write=write).filter(code=code.strip()).first()
    if area is None:
        raise NotFound(_("区域编码%(c)s不存在或不在您的管辖范围") % {"c": code})
    return area


def unit_get_by_code_for(actor: Any, code: str, *, write: bool = False) -> Unit:
    unit = unit_list(actor=actor, write=write).filter(code=code.strip()).first()
    if unit is None:
        raise NotFound(_("单位编码%(c)s不存在或不在您的管辖范围") % {"c": code})
    return unit


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


def notice_get_for(actor: Any, pk: int | str) -> Notice:
    notice = my_notices(actor=actor).filter(pk=_int(pk)).first()
    if notice is None:
        raise NotFound(_("通知不存在"))
    return notice


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
        out = [r for r in out if q in r.name]
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
