"""Volunteer service over the API: the same services and selectors as the pages.

No `from __future__ import annotations` here: ninja reads a paginated endpoint's parameters
from the pagination module's namespace, where `Query[ActivityFilters]` written as text would
not resolve."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gongjian.core.lists import Pagination
from gongjian.core.validation import clean_int
from gongjian.service import lists, selectors, services
from gongjian.service.models import QUOTA_MAX, QUOTA_MIN, Activity, Audience, Signup

router = Router(tags=["service"])
ActivityFilters = lists.ACTIVITIES.Filters
RecordFilters = lists.RECORDS.Filters


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    colour: str
    description: str


class ActivityOut(Schema):
    id: uuid.UUID
    title: str
    category: str
    area_id: int
    address: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    quota: int
    confirmed_count: int
    signup_opens_at: dt.datetime
    signup_closes_at: dt.datetime
    audience: str
    unit_id: int | None
    team_id: uuid.UUID | None
    status: str

    @staticmethod
    def resolve_id(obj: Activity) -> uuid.UUID:
        return obj.public_id

    @staticmethod
    def resolve_category(obj: Activity) -> str:
        return obj.category.name

    @staticmethod
    def resolve_team_id(obj: Activity) -> uuid.UUID | None:
        return obj.team.public_id if obj.team else None


class ActivityIn(Schema):
    title: str = Field(max_length=100)
    category_id: int
    area_id: int
    address: str = Field(max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    quota: int = Field(ge=QUOTA_MIN, le=QUOTA_MAX)
    signup_opens_at: dt.datetime | None = None
    signup_closes_at: dt.datetime | None = None
    audience: str = Audience.OPEN
    unit_id: int | None = None
    team_id: uuid.UUID | None = None
    description: str = ""
    repeat: str = ""
    occurrences: int = Field(default=1, ge=1, le=services.MAX_OCCURRENCES)


class CancelIn(Schema):
    reason: str = Field(max_length=200)


class SignupOut(Schema):
    status: str
    position: int

    @staticmethod
    def resolve_position(obj: Signup) -> int:
        return selectors.position_at_signup(obj)


class ScanIn(Schema):
    token: str = Field(max_length=200)


class ScanOut(Schema):
    changed: bool
    message: str
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    hours: Decimal


class MarkIn(Schema):
    member_id: uuid.UUID
    present: bool = True
    checked_in_at: dt.datetime | None = None
    checked_out_at: dt.datetime | None = None
    hours: Decimal | None = None


class _OfMember(Schema):
    """An attendance's member, by public id and name."""

    member_id: uuid.UUID
    member_name: str

    @staticmethod
    def resolve_member_id(obj: Any) -> uuid.UUID:
        return obj.member.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return obj.member.name  # type: ignore[no-any-return]


class AttendanceOut(_OfMember):
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    method: str
    hours: Decimal
    points: Decimal
    hours_confirmed: bool


class OutcomeIn(Schema):
    households_visited: int = Field(default=0, ge=0)
    people_served: int = Field(default=0, ge=0)
    leaflets: int = Field(default=0, ge=0)
    summary: str = ""


class OutcomeOut(Schema):
    households_visited: int
    people_served: int
    leaflets: int
    summary: str


class SummaryOut(Schema):
    activities: int
    hours: Decimal
    points: Decimal


class StatRow(Schema):
    key: str
    activities: int
    person_times: int
    hours: Decimal
    url: str = ""


class ServiceRecordOut(_OfMember):
    """One attendance behind person-times, people and hours (参与记录)."""

    unit: str | None
    activity_id: uuid.UUID
    activity: str
    starts_at: dt.datetime
    hours: Decimal
    hours_confirmed: bool

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return obj.member.unit.name if obj.member.unit_id else None

    @staticmethod
    def resolve_activity_id(obj: Any) -> uuid.UUID:
        return obj.activity.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_activity(obj: Any) -> str:
        return obj.activity.title  # type: ignore[no-any-return]

    @staticmethod
    def resolve_starts_at(obj: Any) -> dt.datetime:
        return obj.activity.starts_at  # type: ignore[no-any-return]


class PingOut(Schema):
    ok: bool
    user: str


@router.get("/ping", response=PingOut)
def ping(request: HttpRequest) -> Any:
    """The cheapest authenticated call: for monitoring, and the floor of the sign-up
    benchmark (bench/signup_rush)."""
    return {"ok": True, "user": request.user.get_username()}


@router.get("/categories", response=list[CategoryOut])
def category_list(request: HttpRequest) -> Any:
    return selectors.category_list()


@router.get("/activities", response=list[ActivityOut])
@paginate(Pagination)
def activity_list(
    request: HttpRequest,
    filters: Query[ActivityFilters],  # type: ignore[valid-type]
) -> Any:
    return lists.ACTIVITIES.rows_for(request.user, filters.model_dump())  # type: ignore[attr-defined]


@router.post("/activities", response={201: list[ActivityOut]})
def activity_publish(request: HttpRequest, payload: ActivityIn) -> Any:
    data = payload.dict()
    activities = services.activity_publish(
        actor=request.user,
        category=data.pop("category_id"),
        area=data.pop("area_id"),
        unit=data.pop("unit_id"),
        team=data.pop("team_id"),
        **data,
    )
    return Status(201, activities)


@router.get("/activities/{activity_id}", response=ActivityOut)
def activity_detail(request: HttpRequest, activity_id: str) -> Any:
    return selectors.activity_get_for(request.user, activity_id)


@router.post("/activities/{activity_id}/cancel", response=ActivityOut)
def activity_cancel(request: HttpRequest, activity_id: str, payload: CancelIn) -> Any:
    return services.activity_cancel(actor=request.user, activity=activity_id, reason=payload.reason)


@router.post("/activities/{activity_id}/signup", response={201: SignupOut})
def signup_create(request: HttpRequest, activity_id: str) -> Any:
    return Status(201, services.signup_create(actor=request.user, activity=activity_id))


@router.delete("/activities/{activity_id}/signup", response=SignupOut)
def signup_cancel(request: HttpRequest, activity_id: str) -> Any:
    return services.signup_cancel(actor=request.user, activity=activity_id)


@router.post("/checkin", response=ScanOut)
def checkin(request: HttpRequest, payload: ScanIn) -> Any:
    scan = services.read_scan(payload.token)
    attendance, message, changed = services.attendance_scan(actor=request.user, scan=scan)
    return {
        "changed": changed,
        "message": message,
        "checked_in_at": attendance.checked_in_at,
        "checked_out_at": attendance.checked_out_at,
        "hours": attendance.hours,
    }


@router.get("/activities/{activity_id}/attendance", response=list[AttendanceOut])
@paginate(Pagination)
def attendance_list(request: HttpRequest, activity_id: str) -> Any:
    return lists.ATTENDANCE.rows_for(request.user, {}, public_id=activity_id)


@router.post("/activities/{activity_id}/attendance", response={200: AttendanceOut, 204: None})
def attendance_mark(request: HttpRequest, activity_id: str, payload: MarkIn) -> Any:
    attendance = services.attendance_mark(
        actor=request.user,
        activity=activity_id,
        member=payload.member_id,
        present=payload.present,
        checked_in_at=payload.checked_in_at,
        checked_out_at=payload.checked_out_at,
        hours=payload.hours,
    )
    return Status(200, attendance) if attendance else Status(204, None)


@router.put("/activities/{activity_id}/outcome", response=OutcomeOut)
def outcome_record(request: HttpRequest, activity_id: str, payload: OutcomeIn) -> Any:
    return services.outcome_record(actor=request.user, activity=activity_id, **payload.dict())


@router.get("/me/summary", response=SummaryOut)
def my_summary(request: HttpRequest, year: int | None = None) -> Any:
    year = clean_int("year", year, _("年度"), minimum=2000, maximum=2100, required=False)
    member = selectors.member_of(request.user)
    if member is None:
        return {"activities": 0, "hours": Decimal("0"), "points": Decimal("0")}
    return selectors.member_summary(member=member, year=year)


@router.get("/stats", response=list[StatRow])
def stats(request: HttpRequest, by: str = "category", year: int | None = None) -> Any:
    data = {"by": by, "year": "" if year is None else str(year)}
    rows = lists.stats_for(data).rows_for(request.user, data)
    return [{**r, "key": str(r["key"])} for r in rows]


@router.get("/records", response=list[ServiceRecordOut])
@paginate(Pagination)
def records(
    request: HttpRequest,
    filters: Query[RecordFilters],  # type: ignore[valid-type]
) -> Any:
    """参与记录: the attendances behind person-times, people and hours, as the page lists."""
    return lists.RECORDS.rows_for(request.user, filters.model_dump())  # type: ignore[attr-defined]
