"""双报到 over the API: the same services, selectors and lists as the pages.

No `from __future__ import annotations` here: ninja reads a paginated endpoint's parameters
from the pagination module's namespace, where annotations written as text would not resolve."""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gongjian.core.errors import NotFound
from gongjian.core.lists import Pagination
from gongjian.core.masking import mask_phone
from gongjian.core.validation import invalid
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs import services as org_services
from gongjian.orgs.models import Area
from gongjian.reporting import lists, selectors, services

router = Router(tags=["reporting"])
PairingFilters = lists.PAIRINGS.Filters


class MemberReportOut(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    member_name: str
    community_id: int
    community_name: str
    grid_id: int | None
    status: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    reject_reason: str

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_member_id(obj: Any) -> uuid.UUID:
        return obj.member.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return str(obj.member.name)

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return str(obj.community.name)


class ReportIn(Schema):
    community_id: int
    grid_id: int | None = None


class DecideIn(Schema):
    ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
    action: str
    reason: str = ""


class RejectIn(Schema):
    reason: str = ""


class DecideOut(Schema):
    decided: int


class RateOut(Schema):
    id: int
    code: str
    name: str
    total: int
    done: int
    pending: int
    pairs: int
    rate: float | None


class RatesOut(Schema):
    level: str
    date: dt.date
    rows: list[RateOut]


class UnitMemberOut(Schema):
    id: uuid.UUID
    name: str
    party_org_id: int
    home_community_id: int | None
    state: str

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_state(obj: Any) -> str:
        if obj.has_confirmed:
            return "confirmed"
        return "pending" if obj.has_pending else "none"


class RemindOut(Schema):
    reminded: int


class RosterOut(Schema):
    id: uuid.UUID
    name: str
    unit_id: int | None
    party_org_id: int
    home_community_id: int | None
    has_confirmed: bool
    has_pending: bool

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]


class ResidentOut(Schema):
    id: uuid.UUID
    name: str
    phone: str
    home_community_id: int | None
    home_grid_id: int | None
    unit_id: int | None
    in_service: bool

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_phone(obj: Any) -> str:
        return mask_phone(obj.phone)


class OrgReportOut(Schema):
    id: int
    party_org_id: int
    party_org_name: str
    community_id: int
    community_name: str
    status: str
    note: str
    reason: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    ended_at: dt.datetime | None

    @staticmethod
    def resolve_party_org_name(obj: Any) -> str:
        return str(obj.party_org.name)

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return str(obj.community.name)


class OrgReportIn(Schema):
    party_org_id: int
    community_id: int
    note: str = ""


class OrgDecideIn(Schema):
    action: str
    reason: str = ""


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class PlaceOut(Schema):
    id: int
    code: str
    name: str
    kind: str


def _text(value: Any) -> str:
    """An optional query parameter as the lists parse it (empty when absent)."""
    return "" if value is None else str(value)


# The member


@router.get("/reporting/places", response=list[PlaceOut], summary="报到时选择街道、社区、网格")
def places(request: HttpRequest, parent_id: int | None = None) -> Any:
    if parent_id is None:
        return org_selectors.area_directory(kind=Area.Kind.STREET).order_by("path")
    parent = org_selectors.area_directory().filter(pk=parent_id).first()
    if parent is None:
        raise NotFound(_("区域不存在"))
    return org_selectors.area_directory(parent=parent).order_by("path")


@router.get("/reporting/my-reports", response=list[MemberReportOut], summary="我的报到记录")
def my_reports(request: HttpRequest) -> Any:
    return selectors.my_reports(actor=request.user)


@router.post("/reporting/my-reports", response={201: MemberReportOut}, summary="我要报到")
def report_submit(request: HttpRequest, payload: ReportIn) -> Any:
    report = services.member_report_submit(
        actor=request.user, community=payload.community_id, grid=payload.grid_id
    )
    return Status(201, report)


@router.post(
    "/reporting/my-reports/{report_id}/withdraw", response=MemberReportOut, summary="撤回报到"
)
def report_withdraw(request: HttpRequest, report_id: uuid.UUID) -> Any:
    return services.member_report_withdraw(actor=request.user, report=report_id)


@router.get("/reporting/notices", response=list[NoticeOut], summary="我的通知")
@paginate(Pagination, page_size=50)
def notices(request: HttpRequest) -> Any:
    return selectors.my_notices(actor=request.user)


@router.post("/reporting/notices/{notice_id}/read", response=NoticeOut, summary="标为已读")
def notice_read(request: HttpRequest, notice_id: int) -> Any:
    return org_services.notice_mark_read(actor=request.user, notice_id=notice_id)


# The community


@router.get("/reporting/member-reports", response=list[MemberReportOut], summary="党员报到列表")
@paginate(Pagination, page_size=100)
def member_report_list(
    request: HttpRequest, status: str = "", q: str = "", community_id: int | None = None
) -> Any:
    data = {"status": status or lists.ALL, "q": q, "community": _text(community_id)}
    return lists.REPORTS.rows_for(request.user, data)


# Before the routes of one report: "decide" is not a report id.
@router.post("/reporting/member-reports/decide", response=DecideOut, summary="批量确认或退回")
def member_reports_decide(request: HttpRequest, payload: DecideIn) -> Any:
    n = services.member_reports_decide(
        actor=request.user, reports=payload.ids, action=payload.action, reason=payload.reason
    )
    return {"decided": n}


@router.get(
    "/reporting/member-reports/{report_id}", response=MemberReportOut, summary="党员报到详情"
)
def member_report_detail(request: HttpRequest, report_id: uuid.UUID) -> Any:
    return selectors.member_report_get_for(request.user, report_id)


@router.post(
    "/reporting/member-reports/{report_id}/confirm",
    response=MemberReportOut,
    summary="社区确认报到",
)
def member_report_confirm(request: HttpRequest, report_id: uuid.UUID) -> Any:
    return services.member_report_confirm(actor=request.user, report=report_id)


@router.post(
    "/reporting/member-reports/{report_id}/reject",
    response=MemberReportOut,
    summary="社区退回报到（须填原因）",
)
def member_report_reject(request: HttpRequest, report_id: uuid.UUID, payload: RejectIn) -> Any:
    return services.member_report_reject(
        actor=request.user, report=report_id, reason=payload.reason
    )


@router.get("/reporting/residents", response=list[ResidentOut], summary="居住在社区的党员")
@paginate(Pagination, page_size=100)
def residents(
    request: HttpRequest, community_id: int | None = None, grid_id: int | None = None, q: str = ""
) -> Any:
    data = {"community": _text(community_id), "grid": _text(grid_id), "q": q}
    return lists.RESIDENTS.rows_for(request.user, data)


@router.get("/reporting/roster", response=list[RosterOut], summary="在职党员报到名册（统计口径）")
@paginate(Pagination, page_size=100)
def roster(
    request: HttpRequest,
    area_id: int | None = None,
    unit_id: int | None = None,
    date: str = "",
    state: str = "",
    q: str = "",
) -> Any:
    data = {"area": _text(area_id), "unit": _text(unit_id), "date": date, "state": state, "q": q}
    return lists.ROSTER.rows_for(request.user, data)


# The unit


@router.get(
    "/reporting/units/{unit_id}/members",
    response=list[UnitMemberOut],
    summary="单位在职党员报到情况",
)
@paginate(Pagination, page_size=100)
def unit_members(request: HttpRequest, unit_id: int, state: str = "", q: str = "") -> Any:
    data = {"unit": str(unit_id), "state": state, "q": q}
    return lists.UNIT_MEMBERS.rows_for(request.user, data)


@router.post("/reporting/units/{unit_id}/remind", response=RemindOut, summary="提醒未报到的党员")
def remind(request: HttpRequest, unit_id: int) -> Any:
    return {"reminded": services.reminders_send(actor=request.user, unit=unit_id)}


@router.get("/reporting/rates", response=RatesOut, summary="报到率（后进在前）")
def rates(request: HttpRequest, level: str = "unit", date: dt.date | None = None) -> Any:
    data = {"level": level, "date": _text(date)}
    if level not in lists.LEVEL_LABELS:
        raise invalid("level", _("统计层级应为unit、org、community或street之一"))
    spec = lists.rates_for(data)
    filters = spec.parse(data)
    rows = spec.rows(actor=request.user, **filters)
    return {
        "level": level,
        "date": filters["on"] or timezone.localdate(),
        "rows": [
            {
                "id": r.id,
                "code": r.code,
                "name": r.name,
                "total": r.total,
                "done": r.done,
                "pending": r.pending,
                "pairs": r.pairs,
                "rate": r.rate,
            }
            for r in rows
        ],
    }


# Pairings


@router.get("/reporting/org-reports", response=list[OrgReportOut], summary="组织结对列表")
@paginate(Pagination, page_size=100)
def org_report_list(
    request: HttpRequest,
    filters: Query[PairingFilters],  # type: ignore[valid-type]
) -> Any:
    return lists.PAIRINGS.rows_for(request.user, filters.model_dump())  # type: ignore[attr-defined]


@router.post("/reporting/org-reports", response={201: OrgReportOut}, summary="单位党组织申请结对")
def org_report_create(request: HttpRequest, payload: OrgReportIn) -> Any:
    pairing = services.org_report_create(
        actor=request.user,
        party_org=payload.party_org_id,
        community=payload.community_id,
        note=payload.note,
    )
    return Status(201, pairing)


@router.post(
    "/reporting/org-reports/{org_report_id}/decide",
    response=OrgReportOut,
    summary="确认、退回或结束结对",
)
def org_report_decide(request: HttpRequest, org_report_id: int, payload: OrgDecideIn) -> Any:
    return services.org_report_decide(
        actor=request.user, org_report=org_report_id, action=payload.action, reason=payload.reason
    )
