"""The mobilise app over the API: the same services and selectors as the pages.

No `from __future__ import annotations` here: django-ninja's `@paginate` re-reads the view's
annotations in its own module.
"""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from gongjian.core.api import PublicOut, call, detail
from gongjian.core.lists import Pagination
from gongjian.mobilise import selectors, services
from gongjian.mobilise.lists import DISPATCHES, MOBILISATIONS
from gongjian.mobilise.models import Arrival, Dispatch, Group, Mobilisation

router = Router(tags=["mobilise"])


class MobilisationOut(PublicOut):
    title: str
    district_id: int
    starts_at: dt.datetime
    status: str
    stood_down_at: dt.datetime | None
    contact: str  # the mobile number masked

    @staticmethod
    def resolve_contact(obj: Mobilisation) -> str:
        return obj.contact_masked


class MobilisePlaceIn(Schema):
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    area_id: int | None = None
    town: str = Field("", max_length=200)


class QuotaIn(Schema):
    unit_id: int
    place: str = Field(max_length=200)
    count: int = Field(ge=0, le=100000)
    from_at: dt.datetime | None = None


class MobilisationIn(Schema):
    title: str = Field(max_length=200)
    starts_at: dt.datetime
    reason: str = Field("", max_length=8000)
    contact: str = Field("", max_length=200)
    district_id: int | None = None
    places: list[MobilisePlaceIn] = Field(max_length=2000)
    quotas: list[QuotaIn] = Field(max_length=20000)


class DispatchOut(PublicOut):
    member_id: int
    unit_id: int
    place_id: int
    confirmed_at: dt.datetime | None
    arrived_at: dt.datetime | None

    @staticmethod
    def resolve_arrived_at(obj: Dispatch) -> dt.datetime | None:
        arrival = getattr(obj, "arrival", None)
        return arrival.arrived_at if arrival else None


class NameIn(Schema):
    quota_id: int
    member_ids: list[uuid.UUID] = Field(max_length=1000)


class ArrivalOut(Schema):
    dispatch_id: uuid.UUID
    place_id: int
    arrived_at: dt.datetime
    method: str
    new: bool = False

    @staticmethod
    def resolve_dispatch_id(obj: Arrival) -> uuid.UUID:
        return obj.dispatch.public_id


class MobiliseCheckinIn(Schema):
    place_id: uuid.UUID


class BoardRowOut(Schema):
    key: int
    name: str
    asked: int
    named: int
    confirmed: int
    arrived: int


class BoardOut(Schema):
    asked: int
    named: int
    confirmed: int
    arrived: int
    units: list[BoardRowOut]
    places: list[BoardRowOut]


class GroupIn(Schema):
    kind: str = Field(max_length=40)
    name: str = Field(max_length=200)
    place_id: uuid.UUID | None = None
    leader_id: uuid.UUID | None = None
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=2000)


class GroupOut(Schema):
    id: int
    kind: str
    name: str
    party_org_id: int | None


def _arrival(pair: tuple[Arrival, bool]) -> Any:
    arrival, fresh = pair
    arrival.new = fresh  # type: ignore[attr-defined]
    return arrival


MOBILISATIONS.endpoint(router, "/mobilisations", MobilisationOut, name="mobilisation_list")


@router.post("/mobilisations", response={201: MobilisationOut})
def mobilisation_issue(request: HttpRequest, payload: MobilisationIn) -> Any:
    made = services.mobilisation_issue(
        actor=request.user,
        title=payload.title,
        starts_at=payload.starts_at,
        reason=payload.reason,
        contact=payload.contact,
        district_id=payload.district_id,
        places=[(p.name, p.kind, p.area_id, p.town) for p in payload.places],
        quotas=[(q.unit_id, q.place, q.count, q.from_at) for q in payload.quotas],
    )
    return Status(201, made)


detail(
    router,
    "/mobilisations/{mobilisation_id}",
    MobilisationOut,
    selectors.mobilisation_get_for,
    name="mobilisation_detail",
)


class MobiliseContactIn(Schema):
    reason: str = Field("", max_length=500)


class MobiliseContactOut(Schema):
    contact: str


@router.post("/mobilisations/{mobilisation_id}/contact", response=MobiliseContactOut)
def mobilisation_contact(
    request: HttpRequest, mobilisation_id: str, payload: MobiliseContactIn
) -> Any:
    """The contact with its whole mobile number; audited."""
    value = services.mobilisation_contact_unmask(
        actor=request.user, mobilisation_id=mobilisation_id, reason=payload.reason
    )
    return {"contact": value}


@router.get("/mobilisations/{mobilisation_id}/board", response=BoardOut)
def board(request: HttpRequest, mobilisation_id: str) -> Any:
    found = selectors.mobilisation_get_for(request.user, mobilisation_id)
    return selectors.board_cached(mobilisation=found)


@router.get("/mobilisations/{mobilisation_id}/dispatches", response=list[DispatchOut])
@paginate(Pagination)
def dispatch_list(
    request: HttpRequest,
    mobilisation_id: str,
    filters: Query[DISPATCHES.Filters],  # type: ignore[name-defined]
) -> Any:
    return DISPATCHES.rows_for(request.user, filters.model_dump(), mobilisation=mobilisation_id)


@router.post("/dispatches", response={201: list[DispatchOut]})
def cadres_name(request: HttpRequest, payload: NameIn) -> Any:
    made = call(services.cadres_name, request, payload)
    return Status(201, made)


@router.post("/dispatches/{dispatch_id}/confirm", response=DispatchOut)
def dispatch_confirm(request: HttpRequest, dispatch_id: str) -> Any:
    return services.dispatch_confirm(dispatch_id=dispatch_id)


@router.post("/dispatches/{dispatch_id}/mark", response=ArrivalOut)
def arrival_mark(request: HttpRequest, dispatch_id: str) -> Any:
    return _arrival(services.arrival_mark(actor=request.user, dispatch_id=dispatch_id))


@router.post("/arrivals", response=ArrivalOut)
def arrival_checkin(request: HttpRequest, payload: MobiliseCheckinIn) -> Any:
    return _arrival(call(services.arrival_checkin, request, payload))


class LeaderIn(Schema):
    member_id: uuid.UUID


class MobilisePlaceOut(PublicOut):
    name: str
    kind: str
    leader_id: int | None


@router.post("/places/{place_id}/leader", response=MobilisePlaceOut)
def place_leader(request: HttpRequest, place_id: str, payload: LeaderIn) -> Any:
    return call(services.place_leader_set, request, payload, place_id=place_id)


@router.post("/mobilisations/{mobilisation_id}/groups", response={201: GroupOut})
def group_form(request: HttpRequest, mobilisation_id: str, payload: GroupIn) -> Any:
    made: Group = call(services.group_form, request, payload, mobilisation_id=mobilisation_id)
    return Status(201, made)


@router.post("/mobilisations/{mobilisation_id}/stand-down", response=MobilisationOut)
def stand_down(request: HttpRequest, mobilisation_id: str) -> Any:
    return services.mobilisation_stand_down(actor=request.user, mobilisation_id=mobilisation_id)
