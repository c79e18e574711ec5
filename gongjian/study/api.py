"""The study app over the API: the same services and selectors as the pages.

No `from __future__ import annotations` here: django-ninja's `@paginate` re-reads the view's
annotations in its own module, where a string such as "Query[SESSIONS.Filters]" means nothing.
"""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from gongjian.core.api import PublicOut, call, detail
from gongjian.core.lists import Pagination
from gongjian.core.validation import clean_int
from gongjian.study import selectors, services
from gongjian.study.lists import ATTENDANCES, COMPLIANCE, SESSIONS
from gongjian.study.models import Attendance, Audience, StudyRule, StudySession

router = Router(tags=["study"])


class StudySessionOut(PublicOut):
    kind: str
    topic: str
    speaker: str
    party_org_id: int
    party_org: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    held_on: dt.date
    status: str
    invited_count: int
    present_count: int
    leave_count: int

    @staticmethod
    def resolve_party_org(obj: StudySession) -> str:
        return obj.party_org.name


class SessionIn(Schema):
    party_org_id: int
    kind: str
    topic: str = Field(max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    speaker: str = Field("", max_length=200)
    description: str = Field("", max_length=10000)
    place: str = Field("", max_length=200)
    audience: str = Audience.BRANCH
    member_ids: list[uuid.UUID] = Field(default_factory=list, max_length=2000)
    repeat: str = ""
    occurrences: int = Field(1, ge=1, le=53)
    links: list[tuple[str, str]] = Field(default_factory=list, max_length=20)


class ScheduleOut(Schema):
    sessions: list[StudySessionOut]
    moved: list[tuple[dt.date, dt.date]]


class ReasonIn(Schema):
    reason: str = Field(max_length=1000)


class SummaryIn(Schema):
    summary: str = Field(max_length=10000)


class NoteIn(Schema):
    note: str = Field(max_length=5000)


class LinkIn(Schema):
    title: str = Field(max_length=200)
    url: str = Field("", max_length=500)


class StudyMarkIn(Schema):
    member_id: uuid.UUID
    status: str


class StudyTokenIn(Schema):
    token: str = Field(max_length=200)


class StudyAttendanceOut(PublicOut):
    session_id: uuid.UUID
    topic: str
    member_id: uuid.UUID
    member_name: str
    status: str
    checked_in_at: dt.datetime | None
    leave_reason: str
    makeup: str
    has_note: bool

    @staticmethod
    def resolve_session_id(obj: Attendance) -> uuid.UUID:
        return obj.session.public_id

    @staticmethod
    def resolve_topic(obj: Attendance) -> str:
        return obj.session.topic

    @staticmethod
    def resolve_member_id(obj: Attendance) -> uuid.UUID:
        return obj.member.public_id

    @staticmethod
    def resolve_member_name(obj: Attendance) -> str:
        return obj.member.name

    @staticmethod
    def resolve_has_note(obj: Attendance) -> bool:
        return bool(obj.note)


class StudyScanOut(Schema):
    changed: bool
    message: str
    status: str


class RecordOut(Schema):
    year: int
    invited: int
    present: int
    leave: int
    absent: int
    makeups_due: int
    makeups_done: int
    notes: int


class CellOut(Schema):
    kind: str
    period: str
    minimum: int
    held: int
    due: int
    met: int
    ok: bool


class ComplianceOut(Schema):
    org_id: int
    name: str
    owner: str
    sessions: int
    invited: int
    present: int
    rate: float | None
    behind: bool
    cells: list[CellOut]

    @staticmethod
    def resolve_cells(obj: selectors.ComplianceRow) -> list[dict[str, Any]]:
        return [
            {
                "kind": c.rule.kind,
                "period": c.rule.period,
                "minimum": c.rule.minimum,
                "held": c.held,
                "due": c.due,
                "met": c.met,
                "ok": c.ok,
            }
            for c in obj.cells
        ]


class RuleOut(Schema):
    id: int
    kind: str
    period: str
    minimum: int
    district_id: int | None
    is_active: bool
    note: str


class RuleIn(Schema):
    kind: str
    period: str
    minimum: int = Field(ge=1, le=31)
    is_active: bool = True
    district_id: int | None = None
    note: str = Field("", max_length=500)


SESSIONS.endpoint(router, "/sessions", StudySessionOut, name="session_list")


@router.post("/sessions", response={201: ScheduleOut})
def session_schedule(request: HttpRequest, payload: SessionIn) -> Any:
    made = call(services.session_schedule, request, payload)
    return Status(201, {"sessions": made.sessions, "moved": made.moved})


detail(
    router,
    "/sessions/{session_id}",
    StudySessionOut,
    selectors.session_get_for,
    name="session_detail",
)


@router.post("/sessions/{session_id}/cancel", response=StudySessionOut)
def session_cancel(request: HttpRequest, session_id: str, payload: ReasonIn) -> Any:
    return call(services.session_cancel, request, payload, session_id=session_id)


@router.post("/sessions/{session_id}/record", response=StudySessionOut)
def session_record(request: HttpRequest, session_id: str, payload: SummaryIn) -> Any:
    return call(services.session_record, request, payload, session_id=session_id)


@router.post("/sessions/{session_id}/materials", response={201: dict[str, Any]})
def material_add(
    request: HttpRequest,
    session_id: str,
    payload: Form[LinkIn],
    file: File[UploadedFile] = None,  # type: ignore[assignment]
) -> Any:
    """A link (`url`), or a file (multipart `file`: PDF, Word, PowerPoint, Excel, image)."""
    material = services.material_add(
        actor=request.user,
        session_id=session_id,
        title=payload.title,
        url=payload.url,
        upload=file,
    )
    return Status(
        201,
        {
            "id": material.pk,
            "title": material.title,
            "url": material.url,
            "file": bool(material.file),
        },
    )


@router.get("/sessions/{session_id}/attendances", response=list[StudyAttendanceOut])
@paginate(Pagination)
def session_attendances(request: HttpRequest, session_id: str) -> Any:
    session = selectors.session_get_for(request.user, session_id, write=True)
    return selectors.session_attendances(actor=request.user, session=session).select_related(
        "session", "member"
    )


@router.post("/sessions/{session_id}/attendances", response=StudyAttendanceOut)
def attendance_mark(request: HttpRequest, session_id: str, payload: StudyMarkIn) -> Any:
    return call(services.attendance_mark, request, payload, session_id=session_id)


@router.post("/sessions/{session_id}/leave", response=StudyAttendanceOut)
def leave(request: HttpRequest, session_id: str, payload: ReasonIn) -> Any:
    return call(services.leave_request, request, payload, session_id=session_id)


@router.post("/sessions/{session_id}/note", response=StudyAttendanceOut)
def note(request: HttpRequest, session_id: str, payload: NoteIn) -> Any:
    return services.note_submit(actor=request.user, session_id=session_id, text=payload.note)


@router.post("/checkin", response=StudyScanOut)
def checkin(request: HttpRequest, payload: StudyTokenIn) -> Any:
    scan = services.scan_for(payload.token)
    attendance, message, changed = services.attendance_scan(actor=request.user, scan=scan)
    return {"changed": changed, "message": message, "status": attendance.status}


ATTENDANCES.endpoint(router, "/attendances", StudyAttendanceOut, name="attendance_list")


@router.post("/makeups/{attendance_id}/confirm", response=StudyAttendanceOut)
def makeup_confirm(request: HttpRequest, attendance_id: str) -> Any:
    return services.makeup_confirm(actor=request.user, attendance_id=attendance_id)


@router.post("/makeups/{attendance_id}/return", response=StudyAttendanceOut)
def makeup_return(request: HttpRequest, attendance_id: str, payload: ReasonIn) -> Any:
    return call(services.makeup_return, request, payload, attendance_id=attendance_id)


@router.get("/me/record", response=RecordOut)
def my_record(request: HttpRequest, year: int | None = None) -> Any:
    year = clean_int("year", year, _("年度"), minimum=2000, maximum=2100, required=False)
    return selectors.my_record(actor=request.user, year=year)


COMPLIANCE.endpoint(router, "/compliance", ComplianceOut, name="compliance")


@router.get("/rules", response=list[RuleOut])
def rule_list(request: HttpRequest) -> Any:
    seen: dict[int, StudyRule] = {}
    for _district, rules, own in selectors.rule_list(actor=request.user):
        for r in [*rules, *own]:
            seen[r.pk] = r
    return list(seen.values())


@router.put("/rules", response=RuleOut)
def rule_save(request: HttpRequest, payload: RuleIn) -> Any:
    return call(services.rule_save, request, payload)
