"""The grid app over the API: the same services and selectors as the pages.

No `from __future__ import annotations` here: django-ninja's `@paginate` re-reads the view's
annotations in its own module.
"""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongjian.core.api import PublicOut, call, detail
from gongjian.core.masking import mask_id_number, mask_phone
from gongjian.grid import selectors, services
from gongjian.grid.lists import ASSIGNMENTS, COVERAGE, HOUSEHOLDS, ISSUES, VISITS
from gongjian.grid.models import Household, Issue, Visit

router = Router(tags=["grid"])


class HouseholdOut(PublicOut):
    grid_id: int
    place: str
    building: str
    entrance: str
    room: str
    address: str
    head_name: str
    head_phone: str
    head_id_number: str
    size: int
    note: str
    elderly_alone: bool
    hardship: bool
    empty_nest: bool
    is_active: bool

    @staticmethod
    def resolve_head_phone(obj: Household) -> str:
        return mask_phone(obj.head_phone)

    @staticmethod
    def resolve_head_id_number(obj: Household) -> str:
        return mask_id_number(obj.head_id_number)


class HouseholdIn(Schema):
    grid_id: int
    head_name: str = Field(max_length=100)
    building: str = Field("", max_length=40)
    entrance: str = Field("", max_length=40)
    room: str = Field("", max_length=40)
    address: str = Field("", max_length=400)
    head_phone: str = Field("", max_length=40)
    head_id_number: str = Field("", max_length=40)
    size: int = Field(1, ge=0, le=1000)
    note: str = Field("", max_length=400)
    elderly_alone: bool = False
    hardship: bool = False
    empty_nest: bool = False


class HouseholdUpdateIn(Schema):
    """The whole household as it should be; the head's phone and ID number are kept when
    left empty, replaced when given, emptied with `clear_*`."""

    grid_id: int | None = None
    head_name: str = Field(max_length=100)
    building: str = Field("", max_length=40)
    entrance: str = Field("", max_length=40)
    room: str = Field("", max_length=40)
    address: str = Field("", max_length=400)
    head_phone: str = Field("", max_length=40)
    head_id_number: str = Field("", max_length=40)
    clear_head_phone: bool = False
    clear_head_id_number: bool = False
    size: int = Field(1, ge=0, le=1000)
    note: str = Field("", max_length=400)
    elderly_alone: bool = False
    hardship: bool = False
    empty_nest: bool = False
    is_active: bool | None = None


class HouseholdUnmaskIn(Schema):
    field: str = Field(max_length=40)
    reason: str = Field("", max_length=1000)


class HouseholdUnmaskOut(Schema):
    value: str


class AssignmentOut(Schema):
    id: int
    grid_id: int
    member_id: int
    role: str
    unit_id: int | None
    starts_on: dt.date
    ends_on: dt.date | None


class AssignmentIn(Schema):
    grid_id: int
    member_id: uuid.UUID
    role: str = Field(max_length=40)
    starts_on: dt.date
    ends_on: dt.date | None = None


class EndIn(Schema):
    ends_on: dt.date | None = None


class IssueIn(Schema):
    kind: str = Field(max_length=40)
    description: str = Field(max_length=4000)


class IssueOut(PublicOut):
    visit_id: uuid.UUID
    kind: str
    description: str
    status: str
    passed_to: str
    passed_ref: str

    @staticmethod
    def resolve_visit_id(obj: Issue) -> uuid.UUID:
        return obj.visit.public_id


class VisitOut(PublicOut):
    household_id: uuid.UUID
    grid_id: int
    visitor_id: int | None
    visited_on: dt.date
    met: str
    notes: str

    @staticmethod
    def resolve_household_id(obj: Visit) -> uuid.UUID:
        return obj.household.public_id


class NewHouseholdIn(Schema):
    head_name: str = Field(max_length=100)
    building: str = Field("", max_length=40)
    entrance: str = Field("", max_length=40)
    room: str = Field("", max_length=40)
    address: str = Field("", max_length=400)
    head_phone: str = Field("", max_length=40)
    size: int = Field(1, ge=0, le=1000)
    elderly_alone: bool = False
    hardship: bool = False
    empty_nest: bool = False


class VisitIn(Schema):
    household_id: uuid.UUID | None = None
    grid_id: int | None = None
    new_household: NewHouseholdIn | None = None
    visited_on: dt.date | None = None
    met: str = Field("", max_length=200)
    notes: str = Field("", max_length=8000)
    issues: list[IssueIn] = Field(default_factory=list, max_length=50)


class PassIn(Schema):
    to: str = Field(max_length=40)
    target_id: str = Field("", max_length=64)


class CoverageOut(Schema):
    grid_id: int
    grid: str
    community: str
    households: int
    visited: int
    visits: int
    issues: int
    rate: float


HOUSEHOLDS.endpoint(router, "/households", HouseholdOut, name="household_list")


@router.post("/households", response={201: HouseholdOut})
def household_create(request: HttpRequest, payload: HouseholdIn) -> Any:
    data = payload.model_dump()
    grid_id = data.pop("grid_id")
    return Status(201, services.household_create(actor=request.user, grid_id=grid_id, **data))


detail(
    router,
    "/households/{household_id}",
    HouseholdOut,
    selectors.household_get_for,
    name="household_detail",
)


@router.put("/households/{household_id}", response=HouseholdOut)
def household_update(request: HttpRequest, household_id: str, payload: HouseholdUpdateIn) -> Any:
    return services.household_update(
        actor=request.user, household_id=household_id, **payload.model_dump()
    )


@router.delete("/households/{household_id}", response={204: None})
def household_delete(request: HttpRequest, household_id: str) -> Any:
    services.household_delete(actor=request.user, household_id=household_id)
    return Status(204, None)


@router.post("/households/{household_id}/unmask", response=HouseholdUnmaskOut)
def household_unmask(request: HttpRequest, household_id: str, payload: HouseholdUnmaskIn) -> Any:
    value = services.household_unmask(
        actor=request.user,
        household_id=household_id,
        field_name=payload.field,
        reason=payload.reason,
    )
    return {"value": value}


ASSIGNMENTS.endpoint(router, "/assignments", AssignmentOut, name="assignment_list")


@router.post("/assignments", response={201: AssignmentOut})
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Any:
    made = call(services.assignment_create, request, payload)
    return Status(201, made)


@router.post("/assignments/{assignment_id}/end", response=AssignmentOut)
def assignment_end(request: HttpRequest, assignment_id: int, payload: EndIn) -> Any:
    return call(services.assignment_end, request, payload, assignment_id=assignment_id)


VISITS.endpoint(router, "/visits", VisitOut, name="visit_list")


@router.post("/visits", response={201: VisitOut})
def visit_log(request: HttpRequest, payload: VisitIn) -> Any:
    visit = services.visit_log(
        actor=request.user,
        household_id=payload.household_id,
        grid_id=payload.grid_id,
        new_household=payload.new_household.model_dump() if payload.new_household else None,
        visited_on=payload.visited_on,
        met=payload.met,
        notes=payload.notes,
        issues=[(i.kind, i.description) for i in payload.issues],
    )
    return Status(201, visit)


detail(router, "/visits/{visit_id}", VisitOut, selectors.visit_get_for, name="visit_detail")


ISSUES.endpoint(router, "/issues", IssueOut, name="issue_list")


@router.post("/issues/{issue_id}/pass", response=IssueOut)
def issue_pass(request: HttpRequest, issue_id: str, payload: PassIn) -> Any:
    return call(services.issue_pass, request, payload, issue_id=issue_id)


@router.post("/issues/{issue_id}/resolve", response=IssueOut)
def issue_resolve(request: HttpRequest, issue_id: str) -> Any:
    return services.issue_resolve(actor=request.user, issue_id=issue_id)


COVERAGE.endpoint(router, "/coverage", CoverageOut, name="coverage")
