"""The inspection app over the API: the same services and selectors as the pages. Photos go
as multipart form data, as from the page.

No `from __future__ import annotations` here: django-ninja's `@paginate` re-reads the view's
annotations in its own module, where a string such as "Query[FINDINGS.Filters]" means nothing.
"""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gongjian.core.api import PublicOut, call, detail
from gongjian.core.photos import photo_files
from gongjian.inspection import selectors, services
from gongjian.inspection.lists import CAMPAIGNS, FINDINGS, INSPECTIONS, TASKS
from gongjian.inspection.models import Finding, Task

router = Router(tags=["inspection"])


class InspectionOut(PublicOut):
    kind: str
    subject: str
    led_by: str
    unit_id: int | None
    starts_on: dt.date
    ends_on: dt.date


class PlaceIn(Schema):
    name: str = Field(max_length=200)
    kind: str
    area_id: int | None = None
    address: str = Field("", max_length=400)


class InspectionIn(Schema):
    kind: str
    subject: str = Field(max_length=200)
    led_by: str
    starts_on: dt.date
    ends_on: dt.date
    unit_id: int | None = None
    district_id: int | None = None
    inspector_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    description: str = Field("", max_length=10000)
    places: list[PlaceIn] = Field(default_factory=list, max_length=200)


class FindingOut(PublicOut):
    inspection_id: uuid.UUID
    description: str
    category: str
    severity: str
    responsible_unit_id: int | None
    responsible_area_id: int | None
    status: str
    workdays: int
    due_on: dt.date
    returns: int
    found_at: dt.datetime
    closed_at: dt.datetime | None
    on_time: bool | None
    photos: int

    @staticmethod
    def resolve_inspection_id(obj: Finding) -> uuid.UUID:
        return obj.inspection.public_id

    @staticmethod
    def resolve_photos(obj: Finding) -> int:
        return obj.photos.count()


class FindingIn(Schema):
    description: str = Field(max_length=4000)
    category: str
    severity: str
    workdays: int = Field(ge=1, le=1000)
    responsible_unit_id: int | None = None
    responsible_area_id: int | None = None
    place_id: int | None = None


class RectifyIn(Schema):
    text: str = Field(max_length=4000)


class InspectionReviewIn(Schema):
    passed: bool
    reason: str = Field("", max_length=400)
    workdays: int | None = Field(None, ge=1, le=1000)


class InspectionCampaignOut(PublicOut):
    title: str
    unit_id: int | None
    due_on: dt.date


class InspectionCampaignIn(Schema):
    title: str = Field(max_length=200)
    due_on: dt.date
    description: str = Field("", max_length=10000)
    unit_id: int | None = None


class TasksIn(Schema):
    title: str = Field(max_length=200)
    target: str = Field(max_length=400)
    due_on: dt.date
    party_org_ids: list[int] = Field(default_factory=list, max_length=2000)
    unit_ids: list[int] = Field(default_factory=list, max_length=2000)


class TaskOut(PublicOut):
    campaign_id: uuid.UUID
    title: str
    target: str
    party_org_id: int | None
    unit_id: int | None
    due_on: dt.date
    progress: int
    status: str

    @staticmethod
    def resolve_campaign_id(obj: Task) -> uuid.UUID:
        return obj.campaign.public_id


class InspectionReportIn(Schema):
    percent: int = Field(ge=0, le=100)
    text: str = Field(max_length=4000)


INSPECTIONS.endpoint(router, "/inspections", InspectionOut, name="inspection_list")


@router.post("/inspections", response={201: InspectionOut})
def inspection_create(request: HttpRequest, payload: InspectionIn) -> Any:
    inspection = services.inspection_create(
        actor=request.user,
        kind=payload.kind,
        subject=payload.subject,
        led_by=payload.led_by,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        unit_id=payload.unit_id,
        district_id=payload.district_id,
        inspector_ids=payload.inspector_ids,
        description=payload.description,
        places=[(p.name, p.kind, p.area_id, p.address) for p in payload.places],
    )
    return Status(201, inspection)


detail(
    router,
    "/inspections/{inspection_id}",
    InspectionOut,
    selectors.inspection_get_for,
    name="inspection_detail",
)


class InspectorsIn(Schema):
    member_ids: list[uuid.UUID] = Field(max_length=200)


@router.post("/inspections/{inspection_id}/inspectors", response=InspectionOut)
def inspectors_add(request: HttpRequest, inspection_id: str, payload: InspectorsIn) -> Any:
    return call(services.inspectors_add, request, payload, inspection_id=inspection_id)


@router.post("/inspections/{inspection_id}/findings", response={201: FindingOut})
def finding_record(
    request: HttpRequest,
    inspection_id: str,
    payload: Form[FindingIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    finding = call(
        services.finding_record,
        request,
        payload,
        inspection_id=inspection_id,
        photo_files=photo_files(photos),
    )
    return Status(201, finding)


FINDINGS.endpoint(
    router,
    "/findings",
    FindingOut,
    name="finding_list",
    then=lambda rows: rows.prefetch_related("photos"),
)


detail(
    router, "/findings/{finding_id}", FindingOut, selectors.finding_get_for, name="finding_detail"
)


@router.post("/findings/{finding_id}/rectify", response=FindingOut)
def rectify(
    request: HttpRequest,
    finding_id: str,
    payload: Form[RectifyIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    rect = call(
        services.rectification_submit,
        request,
        payload,
        finding_id=finding_id,
        photo_files=photo_files(photos),
    )
    return rect.finding


@router.post("/findings/{finding_id}/review", response=FindingOut)
def review(request: HttpRequest, finding_id: str, payload: InspectionReviewIn) -> Any:
    return call(services.rectification_review, request, payload, finding_id=finding_id)


CAMPAIGNS.endpoint(router, "/campaigns", InspectionCampaignOut, name="campaign_list")


@router.post("/campaigns", response={201: InspectionCampaignOut})
def campaign_create(request: HttpRequest, payload: InspectionCampaignIn) -> Any:
    campaign = call(services.campaign_create, request, payload)
    return Status(201, campaign)


@router.post("/campaigns/{campaign_id}/tasks", response={201: list[TaskOut]})
def tasks_assign(request: HttpRequest, campaign_id: str, payload: TasksIn) -> Any:
    tasks = call(services.tasks_assign, request, payload, campaign_id=campaign_id)
    return Status(201, tasks)


TASKS.endpoint(router, "/tasks", TaskOut, name="task_list")


@router.post("/tasks/{task_id}/reports", response={201: TaskOut})
def task_report(
    request: HttpRequest,
    task_id: str,
    payload: Form[InspectionReportIn],
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
) -> Any:
    report = call(
        services.task_report, request, payload, task_id=task_id, photo_files=photo_files(photos)
    )
    return Status(201, report.task)
