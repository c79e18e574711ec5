"""The consult app over the API: the same services and selectors as the pages. Photos and
reply attachments go as multipart form data, as from the page.

No `from __future__ import annotations` here: django-ninja's `@paginate` re-reads the view's
annotations in its own module.
"""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gongjian.consult import selectors, services
from gongjian.consult.lists import CONSULTATIONS, STUDIOS, SUGGESTIONS, UNIT_RATES
from gongjian.consult.models import Suggestion
from gongjian.core import context
from gongjian.core.api import PublicOut, call, detail
from gongjian.core.lists import Pagination
from gongjian.core.photos import photo_files

router = Router(tags=["consult"])


# Suggestions ----------------------------------------------------------------------------------


class SuggestionOut(PublicOut):
    title: str
    text: str
    category: str
    status: str
    source: str
    area_id: int | None
    unit_id: int | None
    due_on: dt.date | None
    submitted_at: dt.datetime
    replied_at: dt.datetime | None
    on_time: bool | None
    handbacks: int
    rehandles: int
    rating: str
    merged_into: uuid.UUID | None

    @staticmethod
    def resolve_category(obj: Suggestion) -> str:
        return obj.category.code

    @staticmethod
    def resolve_merged_into(obj: Suggestion) -> uuid.UUID | None:
        return obj.merged_into.public_id if obj.merged_into_id and obj.merged_into else None


class SuggestionIn(Schema):
    title: str = Field(max_length=200)
    text: str = Field(max_length=10000)
    category: str = Field(max_length=40)
    area_id: int | None = None
    share_identity: bool = False
    consultation_id: uuid.UUID | None = None


class PublicSuggestionIn(Schema):
    phone: str = Field(max_length=32)
    code: str = Field(max_length=12)
    name: str = Field("", max_length=100)
    title: str = Field(max_length=200)
    text: str = Field(max_length=10000)
    category: str = Field(max_length=40)
    studio_id: uuid.UUID | None = None
    area_id: int | None = None
    share_identity: bool = False


class PhoneIn(Schema):
    phone: str = Field(max_length=32)


class ConsultReasonIn(Schema):
    reason: str = Field(max_length=400)


class MergeIn(Schema):
    into_id: uuid.UUID


class AssignIn(Schema):
    unit_id: int
    workdays: int | None = Field(None, ge=1, le=1000)
    due_on: dt.date | None = None


class ReplyIn(Schema):
    text: str = Field(max_length=10000)


class RateIn(Schema):
    value: str = Field(max_length=20)
    comment: str = Field("", max_length=400)


class ProposalOut(Schema):
    unit_id: int
    name: str
    score: float
    reasons: list[str]


SUGGESTIONS.endpoint(
    router,
    "/suggestions",
    SuggestionOut,
    name="suggestion_list",
    then=lambda rows: rows.select_related("merged_into"),
)


@router.post("/suggestions", response={201: SuggestionOut})
def suggestion_submit(
    request: HttpRequest,
    payload: Form[SuggestionIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    s = services.suggestion_submit(
        actor=request.user,
        title=payload.title,
        text=payload.text,
        category_id=payload.category,
        area_id=payload.area_id,
        share_identity=payload.share_identity,
        consultation_id=payload.consultation_id,
        photo_files=photo_files(photos),
    )
    return Status(201, s)


@router.post("/public/code", auth=None, response={202: dict})
def public_code(request: HttpRequest, payload: PhoneIn) -> Any:
    services.public_code_send(phone=payload.phone, ip=context.client_ip(request))
    return Status(202, {"sent": True})


@router.post("/public/suggestions", auth=None, response={201: dict})
def public_submit(
    request: HttpRequest,
    payload: Form[PublicSuggestionIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    s = services.suggestion_submit_public(
        phone=payload.phone,
        code=payload.code,
        name=payload.name,
        title=payload.title,
        text=payload.text,
        category_id=payload.category,
        studio_id=payload.studio_id,
        area_id=payload.area_id,
        share_identity=payload.share_identity,
        photo_files=photo_files(photos),
    )
    return Status(201, {"id": str(s.public_id), "status": s.status})


detail(
    router,
    "/suggestions/{suggestion_id}",
    SuggestionOut,
    selectors.suggestion_get_for,
    name="suggestion_detail",
)


@router.get("/suggestions/{suggestion_id}/proposals", response=list[ProposalOut])
def suggestion_proposals(request: HttpRequest, suggestion_id: str) -> Any:
    return services.suggestion_propose(actor=request.user, suggestion_id=suggestion_id)


@router.post("/suggestions/{suggestion_id}/accept", response=SuggestionOut)
def suggestion_accept(request: HttpRequest, suggestion_id: str) -> Any:
    return services.suggestion_accept(actor=request.user, suggestion_id=suggestion_id)


@router.post("/suggestions/{suggestion_id}/decline", response=SuggestionOut)
def suggestion_decline(request: HttpRequest, suggestion_id: str, payload: ConsultReasonIn) -> Any:
    return call(services.suggestion_decline, request, payload, suggestion_id=suggestion_id)


@router.post("/suggestions/{suggestion_id}/merge", response=SuggestionOut)
def suggestion_merge(request: HttpRequest, suggestion_id: str, payload: MergeIn) -> Any:
    return call(services.suggestion_merge, request, payload, suggestion_id=suggestion_id)


@router.post("/suggestions/{suggestion_id}/assign", response=SuggestionOut)
def suggestion_assign(request: HttpRequest, suggestion_id: str, payload: AssignIn) -> Any:
    return call(services.suggestion_assign, request, payload, suggestion_id=suggestion_id)


@router.post("/suggestions/{suggestion_id}/hand-back", response=SuggestionOut)
def suggestion_hand_back(request: HttpRequest, suggestion_id: str, payload: ConsultReasonIn) -> Any:
    return call(services.suggestion_hand_back, request, payload, suggestion_id=suggestion_id)


@router.post("/suggestions/{suggestion_id}/reply", response=SuggestionOut)
def suggestion_reply(
    request: HttpRequest,
    suggestion_id: str,
    payload: Form[ReplyIn],
    attachment: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Any:
    upload = (attachment.name or "", attachment.read(10 * 1024 * 1024 + 1)) if attachment else None
    reply = call(
        services.suggestion_reply, request, payload, suggestion_id=suggestion_id, attachment=upload
    )
    return reply.suggestion


@router.post("/suggestions/{suggestion_id}/rate", response=SuggestionOut)
def suggestion_rate(request: HttpRequest, suggestion_id: str, payload: RateIn) -> Any:
    rating = call(services.suggestion_rate, request, payload, suggestion_id=suggestion_id)
    return rating.suggestion


class RateRowOut(Schema):
    unit_id: int
    unit_name: str = Field(alias="unit__name")
    assigned: int
    replied: int
    on_time: int
    overdue: int
    rated: int
    handling_rate: float
    on_time_rate: float
    satisfaction_rate: float


@router.get("/unit-rates", response=list[RateRowOut])
def unit_rates(request: HttpRequest, filters: Query[UNIT_RATES.Filters]) -> Any:  # type: ignore[name-defined]
    return UNIT_RATES.rows_for(request.user, filters.model_dump())


# Consultations --------------------------------------------------------------------------------


class ConsultationOut(PublicOut):
    level: str
    form: str
    topic: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_until: dt.datetime | None
    status: str
    unit_id: int | None


class ConsultationIn(Schema):
    level: str = Field(max_length=20)
    form: str = Field(max_length=20)
    topic: str = Field(max_length=400)
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = Field("", max_length=400)
    online_until: dt.datetime | None = None
    description: str = Field("", max_length=10000)
    unit_id: int | None = None


class InvitationsIn(Schema):
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=2000)
    unit_ids: list[int] = Field(default_factory=list, max_length=500)
    who: str = Field("all", max_length=20)


class AnswerIn(Schema):
    accept: bool


class ConsultCheckinIn(Schema):
    token: str = Field(max_length=200)


class ContributionIn(Schema):
    text: str = Field(max_length=10000)
    kind: str = Field("opinion", max_length=20)
    member_id: uuid.UUID | None = None


class ContributionOut(PublicOut):
    kind: str
    text: str
    featured: bool


class RecordIn(Schema):
    minutes: str = Field("", max_length=40000)
    outcome: str = Field("", max_length=10000)
    summary: str = Field("", max_length=10000)
    status: str = Field("held", max_length=20)


CONSULTATIONS.endpoint(router, "/consultations", ConsultationOut, name="consultation_list")


@router.post("/consultations", response={201: ConsultationOut})
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Any:
    c = call(services.consultation_create, request, payload)
    return Status(201, c)


detail(
    router,
    "/consultations/{consultation_id}",
    ConsultationOut,
    selectors.consultation_get_for,
    name="consultation_detail",
)


@router.post("/consultations/{consultation_id}/invitations", response={201: dict})
def invitations_add(request: HttpRequest, consultation_id: str, payload: InvitationsIn) -> Any:
    n = call(services.invitations_add, request, payload, consultation_id=consultation_id)
    return Status(201, {"invited": n})


@router.post("/consultations/{consultation_id}/answer", response=dict)
def invitation_answer(request: HttpRequest, consultation_id: str, payload: AnswerIn) -> Any:
    inv = call(services.invitation_answer, request, payload, consultation_id=consultation_id)
    return {"status": inv.status}


@router.post("/checkin", response=dict)
def checkin(request: HttpRequest, payload: ConsultCheckinIn) -> Any:
    attendance, new = call(services.attendance_scan, request, payload)
    return {"consultation_id": str(attendance.consultation.public_id), "new": new}


@router.post("/consultations/{consultation_id}/contributions", response={201: ContributionOut})
def contribution_add(
    request: HttpRequest,
    consultation_id: str,
    payload: Form[ContributionIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    contribution = call(
        services.contribution_add,
        request,
        payload,
        consultation_id=consultation_id,
        photo_files=photo_files(photos),
    )
    return Status(201, contribution)


@router.post("/consultations/{consultation_id}/record", response=ConsultationOut)
def consultation_record(request: HttpRequest, consultation_id: str, payload: RecordIn) -> Any:
    return call(services.consultation_record, request, payload, consultation_id=consultation_id)


# Studios and posts ----------------------------------------------------------------------------


class StudioOut(PublicOut):
    kind: str
    name: str
    address: str
    hours: str


class StudioIn(Schema):
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    area_id: int | None = None
    unit_id: int | None = None
    address: str = Field("", max_length=400)
    hours: str = Field("", max_length=400)
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)


class ShiftIn(Schema):
    member_id: uuid.UUID
    on: dt.date
    hours: Decimal = Field(ge=0, le=1000)
    note: str = Field("", max_length=400)


STUDIOS.endpoint(router, "/studios", StudioOut, name="studio_list")


@router.post("/studios", response={201: StudioOut})
def studio_create(request: HttpRequest, payload: StudioIn) -> Any:
    studio = call(services.studio_create, request, payload)
    return Status(201, studio)


@router.post("/studios/{studio_id}/shifts", response={201: dict})
def shift_record(request: HttpRequest, studio_id: str, payload: ShiftIn) -> Any:
    shift = call(services.shift_record, request, payload, studio_id=studio_id)
    return Status(201, {"id": shift.pk})


# Duty records ---------------------------------------------------------------------------------


class LineOut(Schema):
    item: str
    label: str
    count: Decimal
    unit: str
    points: Decimal
    entries: list[dict[str, Any]]

    @staticmethod
    def resolve_entries(obj: Any) -> list[dict[str, Any]]:
        return [
            {"on": e.on.isoformat() if e.on else None, "text": e.text, "link": e.link}
            for e in obj.entries
        ]


class DutyRecordOut(Schema):
    member_id: uuid.UUID
    name: str
    year: int
    score: Decimal
    lines: list[LineOut]

    @staticmethod
    def resolve_member_id(obj: Any) -> uuid.UUID:
        return obj.member.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.member.name  # type: ignore[no-any-return]


@router.get("/duty-records/me", response=DutyRecordOut)
def my_duty_record(request: HttpRequest, year: int | None = None) -> Any:
    return selectors.duty_record_for(request.user, year=year)


@router.get("/duty-records/{member_id}", response=DutyRecordOut)
def duty_record(request: HttpRequest, member_id: str, year: int | None = None) -> Any:
    return selectors.duty_record_for(request.user, member_id, year=year)


# Units' stated duties -------------------------------------------------------------------------


class UnitDutyOut(Schema):
    unit_id: int
    name: str
    duties: str
    takes_suggestions: bool

    @staticmethod
    def resolve_unit_id(obj: Any) -> int:
        return obj.pk  # type: ignore[no-any-return]

    @staticmethod
    def resolve_duties(obj: Any) -> str:
        duty = getattr(obj, "consult_duty", None)
        return duty.duties if duty else ""

    @staticmethod
    def resolve_takes_suggestions(obj: Any) -> bool:
        duty = getattr(obj, "consult_duty", None)
        return bool(duty.takes_suggestions) if duty else False


class UnitDutyIn(Schema):
    duties: str = Field(max_length=8000)
    takes_suggestions: bool = True


@router.get("/unit-duties", response=list[UnitDutyOut])
@paginate(Pagination)
def unit_duties(request: HttpRequest, q: str = Query("", max_length=100)) -> Any:  # type: ignore[type-arg]
    return selectors.unit_duty_list(actor=request.user, q=q)


@router.put("/unit-duties/{unit_id}", response=UnitDutyOut)
def unit_duty_set(request: HttpRequest, unit_id: int, payload: UnitDutyIn) -> Any:
    row = call(services.unit_duty_set, request, payload, unit_id=unit_id)
    return selectors.unit_duty_list(actor=request.user).get(pk=row.unit_id)
