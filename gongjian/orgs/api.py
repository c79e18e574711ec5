"""Areas, units, party organisations and members over the API: the same services and
selectors as the pages, so the two allow exactly the same things."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gongjian.core.lists import paginated
from gongjian.core.masking import mask_id_number, mask_phone
from gongjian.orgs import lists, selectors, services
from gongjian.orgs.services import structure

router = Router(tags=["orgs"])


class AreaOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    local_kind: str
    kind_label: str
    parent_id: int | None
    path: str


class AreaIn(Schema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    kind: str
    local_kind: str = Field("", max_length=16, description="街道/镇/乡 或 社区/村；不填按层级")
    parent_id: int | None = None


class AreaPatch(Schema):
    name: str = Field(max_length=100)
    local_kind: str | None = Field(None, max_length=16)


class MoveUnderIn(Schema):
    """Where an area or a party organisation moves: its new parent."""

    parent_id: int


class MoveToAreaIn(Schema):
    """Where a unit moves: the area it will lie in."""

    area_id: int


class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    category: str
    area_id: int
    address: str


class UnitIn(Schema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    area_id: int
    short_name: str = ""
    category: str = ""
    address: str = ""


class UnitPatch(Schema):
    name: str | None = None
    short_name: str | None = None
    category: str | None = None
    address: str | None = None


class PartyOrgOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    unit_id: int | None
    area_id: int | None
    secretary: str


class PartyOrgIn(Schema):
    code: str = Field(max_length=32)
    name: str = Field(max_length=100)
    kind: str
    parent_id: int | None = None
    unit_id: int | None = None
    area_id: int | None = None
    secretary: str = ""


class PartyOrgPatch(Schema):
    name: str | None = None
    secretary: str | None = None


class MemberOut(Schema):
    id: uuid.UUID
    name: str
    gender: str
    birth_date: dt.date
    id_number: str
    phone: str
    status: str
    joined_on: dt.date | None
    party_org_id: int
    unit_id: int | None
    in_service: bool
    is_deputy: bool
    is_committee_member: bool
    home_community_id: int | None
    home_grid_id: int | None

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_id_number(obj: Any) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return mask_phone(obj.phone)


class MemberIn(Schema):
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=40)
    party_org_id: int
    phone: str = ""
    status: str = "full"
    joined_on: dt.date | None = None
    unit_id: int | None = None
    in_service: bool = False
    is_deputy: bool = False
    is_committee_member: bool = False


class MemberPatch(Schema):
    name: str | None = None
    phone: str | None = None
    status: str | None = None
    joined_on: dt.date | None = None
    unit_id: int | None = None
    in_service: bool | None = None
    is_deputy: bool | None = None
    is_committee_member: bool | None = None
    effective_on: dt.date | None = None  # a change of unit or in-service state took effect then


class TransferIn(Schema):
    to_org_id: int
    effective_on: dt.date | None = None
    reason: str = ""


class UnmaskIn(Schema):
    field: str
    reason: str = ""


class UnmaskOut(Schema):
    field: str
    value: str


# Areas


@router.get("/areas", response=list[AreaOut], summary="区域列表")
@paginated(page_size=100)
def area_list(request: HttpRequest, filters: Query[lists.AREAS.Filters]) -> Any:  # type: ignore[name-defined]
    return lists.AREAS.rows_for(request.user, filters.model_dump())


@router.get("/areas/{area_id}", response=AreaOut, summary="区域详情")
def area_detail(request: HttpRequest, area_id: int) -> Any:
    return selectors.area_get_for(request.user, area_id)


@router.post("/areas", response={201: AreaOut}, summary="新建区域")
def area_create(request: HttpRequest, payload: AreaIn) -> Any:
    area = services.area_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        local_kind=payload.local_kind,
        parent=payload.parent_id,
    )
    return Status(201, area)


@router.patch("/areas/{area_id}", response=AreaOut, summary="修改区域")
def area_update(request: HttpRequest, area_id: int, payload: AreaPatch) -> Any:
    return services.area_update(
        actor=request.user, area=area_id, name=payload.name, local_kind=payload.local_kind
    )


@router.post("/areas/{area_id}/move", response=AreaOut, summary="移动区域（换上级）")
def area_move(request: HttpRequest, area_id: int, payload: MoveUnderIn) -> Any:
    return structure.area_move(actor=request.user, area=area_id, parent=payload.parent_id)


@router.delete("/areas/{area_id}", response={204: None}, summary="删除区域（无任何依赖记录时）")
def area_delete(request: HttpRequest, area_id: int) -> Any:
    structure.area_delete(actor=request.user, area=area_id)
    return Status(204, None)


# Units


@router.get("/units", response=list[UnitOut], summary="单位列表")
@paginated(page_size=100)
def unit_list(request: HttpRequest, filters: Query[lists.UNITS.Filters]) -> Any:  # type: ignore[name-defined]
    return lists.UNITS.rows_for(request.user, filters.model_dump())


@router.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def unit_detail(request: HttpRequest, unit_id: int) -> Any:
    return selectors.unit_get_for(request.user, unit_id)


@router.post("/units", response={201: UnitOut}, summary="新建单位")
def unit_create(request: HttpRequest, payload: UnitIn) -> Any:
    data = payload.dict(exclude={"area_id"})
    return Status(201, services.unit_create(actor=request.user, area=payload.area_id, **data))


@router.patch("/units/{unit_id}", response=UnitOut, summary="修改单位")
def unit_update(request: HttpRequest, unit_id: int, payload: UnitPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    return services.unit_update(actor=request.user, unit=unit_id, **fields)


@router.post("/units/{unit_id}/move", response=UnitOut, summary="移动单位（换所在区域）")
def unit_move(request: HttpRequest, unit_id: int, payload: MoveToAreaIn) -> Any:
    return structure.unit_move(actor=request.user, unit=unit_id, area=payload.area_id)


@router.delete("/units/{unit_id}", response={204: None}, summary="删除单位（无任何依赖记录时）")
def unit_delete(request: HttpRequest, unit_id: int) -> Any:
    structure.unit_delete(actor=request.user, unit=unit_id)
    return Status(204, None)


# Party organisations


@router.get("/party-orgs", response=list[PartyOrgOut], summary="党组织列表")
@paginated(page_size=100)
def party_org_list(request: HttpRequest, filters: Query[lists.PARTY_ORGS.Filters]) -> Any:  # type: ignore[name-defined]
    return lists.PARTY_ORGS.rows_for(request.user, filters.model_dump())


@router.get("/party-orgs/{org_id}", response=PartyOrgOut, summary="党组织详情")
def party_org_detail(request: HttpRequest, org_id: int) -> Any:
    return selectors.party_org_get_for(request.user, org_id)


@router.post("/party-orgs", response={201: PartyOrgOut}, summary="新建党组织")
def party_org_create(request: HttpRequest, payload: PartyOrgIn) -> Any:
    org = services.party_org_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=payload.parent_id,
        unit=payload.unit_id,
        area=payload.area_id,
        secretary=payload.secretary,
    )
    return Status(201, org)


@router.patch("/party-orgs/{org_id}", response=PartyOrgOut, summary="修改党组织")
def party_org_update(request: HttpRequest, org_id: int, payload: PartyOrgPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    return services.party_org_update(actor=request.user, org=org_id, **fields)


@router.post("/party-orgs/{org_id}/move", response=PartyOrgOut, summary="移动党组织（换上级）")
def party_org_move(request: HttpRequest, org_id: int, payload: MoveUnderIn) -> Any:
    return structure.party_org_move(actor=request.user, org=org_id, parent=payload.parent_id)


@router.delete(
    "/party-orgs/{org_id}", response={204: None}, summary="删除党组织（无任何依赖记录时）"
)
def party_org_delete(request: HttpRequest, org_id: int) -> Any:
    structure.party_org_delete(actor=request.user, org=org_id)
    return Status(204, None)


# Members


@router.get("/members", response=list[MemberOut], summary="党员列表（个人信息已脱敏）")
@paginated(page_size=50)
def member_list(request: HttpRequest, filters: Query[lists.MEMBERS.Filters]) -> Any:  # type: ignore[name-defined]
    return lists.MEMBERS.rows_for(request.user, filters.model_dump())


@router.get("/members/{member_id}", response=MemberOut, summary="党员详情（个人信息已脱敏）")
def member_detail(request: HttpRequest, member_id: str) -> Any:
    return selectors.member_get_for(request.user, member_id)


@router.post("/members", response={201: MemberOut}, summary="新增党员")
def member_create(request: HttpRequest, payload: MemberIn) -> Any:
    data = payload.dict(exclude={"party_org_id", "unit_id"})
    member = services.member_create(
        actor=request.user, party_org=payload.party_org_id, unit=payload.unit_id, **data
    )
    return Status(201, member)


@router.patch("/members/{member_id}", response=MemberOut, summary="修改党员信息")
def member_update(request: HttpRequest, member_id: str, payload: MemberPatch) -> Any:
    fields = payload.dict(exclude_unset=True)
    if "unit_id" in fields:
        fields["unit"] = fields.pop("unit_id")
    return services.member_update(actor=request.user, member=member_id, **fields)


@router.post("/members/{member_id}/transfer", response=MemberOut, summary="组织关系转接")
def member_transfer(request: HttpRequest, member_id: str, payload: TransferIn) -> Any:
    transfer = services.member_transfer(
        actor=request.user,
        member=member_id,
        to_org=payload.to_org_id,
        effective_on=payload.effective_on,
        reason=payload.reason,
    )
    return transfer.member


@router.post(
    "/members/{member_id}/unmask",
    response=UnmaskOut,
    summary="查看完整身份证号或手机号（记入审计日志）",
)
def member_unmask(request: HttpRequest, member_id: str, payload: UnmaskIn) -> Any:
    value = services.member_unmask(
        actor=request.user, member=member_id, field_name=payload.field, reason=payload.reason
    )
    return {"field": payload.field, "value": value}


# Posts (role assignments)


class RoleAssignmentOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    area_id: int | None
    unit_id: int | None

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_display_name(obj: Any) -> str:
        return str(obj.user.display_name)


class RoleAssignmentIn(Schema):
    login: str = Field(max_length=150, description="用户名或手机号")
    role: str
    area_code: str = ""
    unit_code: str = ""


@router.get("/posts", response=list[RoleAssignmentOut], summary="岗位列表")
@paginated(page_size=100)
def role_assignment_list(request: HttpRequest, filters: Query[lists.POSTS.Filters]) -> Any:  # type: ignore[name-defined]
    return lists.POSTS.rows_for(request.user, filters.model_dump())


@router.post("/posts", response={201: RoleAssignmentOut}, summary="分配岗位")
def role_assignment_create(request: HttpRequest, payload: RoleAssignmentIn) -> Any:
    return Status(201, services.role_assign_by_login(actor=request.user, **payload.dict()))


@router.delete("/posts/{post_id}", response={204: None}, summary="撤销岗位")
def role_assignment_delete(request: HttpRequest, post_id: int) -> Any:
    services.role_revoke(actor=request.user, assignment=post_id)
    return Status(204, None)


# Member accounts ---------------------------------------------------------------------------------
# The same lists, invitations and leaving as the pages (issue 12).


class MemberAccountOut(Schema):
    id: uuid.UUID
    name: str
    party_org: str
    unit: str
    phone: str
    has_account: bool
    last_login: dt.datetime | None

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_party_org(obj: Any) -> str:
        return str(obj.party_org.name)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.name) if obj.unit else ""

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_last_login(obj: Any) -> dt.datetime | None:
        return obj.user.last_login if obj.user else None


class AccountRateOut(Schema):
    unit_id: int | None
    name: str
    total: int
    done: int
    missing: int
    rate: float | None


class InviteIn(Schema):
    unit_id: int | None = None
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5000)


class InviteOut(Schema):
    invited: int
    already: int
    no_phone: int


class LeaveIn(Schema):
    reason: str = Field(max_length=200)
    left_on: dt.date | None = None


@router.get(
    "/member-accounts", response=list[MemberAccountOut], summary="党员账号开通情况（催办名单）"
)
@paginated(page_size=100)
def member_account_list(
    request: HttpRequest,
    unit: str = "",
    account: str = "",
    q: str = "",
) -> Any:
    """`unit` (an id), `account` (`yes`/`no`), `q` (a name): parsed by the page's own list
    declaration (`MEMBER_ACCOUNTS`), so both refuse the same things."""
    data = {"unit": unit, "account": account, "q": q}
    return selectors.MEMBER_ACCOUNTS.rows_for(request.user, data)


@router.get("/member-accounts/rates", response=list[AccountRateOut], summary="各单位账号开通率")
def account_rate_list(request: HttpRequest, q: str = "") -> Any:
    return selectors.account_rates(actor=request.user, q=q[:100])


@router.post("/member-accounts/invitations", response=InviteOut, summary="邀请未开通账号的党员激活")
def member_accounts_invite(request: HttpRequest, payload: InviteIn) -> Any:
    return services.member_accounts_invite(
        actor=request.user, unit_id=payload.unit_id, member_ids=payload.member_ids
    )


@router.post(
    "/members/{member_id}/leave", response=MemberOut, summary="标记党员不在册（账号随即停用）"
)
def member_leave(request: HttpRequest, member_id: str, payload: LeaveIn) -> Any:
    return services.member_leave(
        actor=request.user, member_id=member_id, reason=payload.reason, left_on=payload.left_on
    )
