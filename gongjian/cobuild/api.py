"""直联共建 over the API: the same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from gongjian.cobuild import importers as _importers  # noqa: F401 - registers the importers
from gongjian.cobuild import lists, selectors, services
from gongjian.cobuild.models import Match, Priority
from gongjian.core.errors import NotFound
from gongjian.core.files import read_upload
from gongjian.core.lists import paginated

router = Router(tags=["cobuild"])


class CobuildCampaignOut(Schema):
    id: int
    name: str
    year: int
    district_id: int
    status: str
    description: str
    lists_due: dt.date | None
    preferences_due: dt.date | None
    signing_due: dt.date | None
    published_at: dt.datetime | None


class CobuildCampaignIn(Schema):
    district_id: int
    name: str
    year: int
    description: str = ""
    lists_due: dt.date | None = None
    preferences_due: dt.date | None = None
    signing_due: dt.date | None = None


class CampaignUpdateIn(Schema):
    name: str
    description: str = ""
    lists_due: dt.date | None = None
    preferences_due: dt.date | None = None
    signing_due: dt.date | None = None


class AdvanceIn(Schema):
    to: str


class FiguresOut(Schema):
    resources: int
    units: int
    capacity: int
    demands: int
    communities: int
    preferences: int
    matched: int
    unmatched: int
    agreements: int
    signed: int
    projects: int
    active: int
    finished: int
    rated: int
    average_rating: float | None


class ResourceOut(Schema):
    id: int
    campaign_id: int
    unit_id: int
    unit_name: str
    title: str
    description: str
    category: str
    capacity: int
    area_id: int | None
    contact: str
    confirmed: int = 0

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_contact(obj: Any) -> str:
        return str(obj.contact_masked)  # the mobile number masked, as on the page

    @staticmethod
    def resolve_confirmed(obj: Any) -> int:
        return int(getattr(obj, "confirmed", 0) or 0)


class ResourceIn(Schema):
    unit_id: int | None = None
    title: str
    description: str = ""
    category: str = ""
    capacity: int = 1
    area_id: int | None = None
    contact: str = ""


class ContactUnmaskIn(Schema):
    reason: str = Field("", max_length=500)


class ContactUnmaskOut(Schema):
    contact: str


class DemandOut(Schema):
    id: int
    campaign_id: int
    community_id: int
    community_name: str
    title: str
    description: str
    category: str
    priority: str
    needed_by: dt.date | None
    confirmed: int = 0

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return str(obj.community.name)

    @staticmethod
    def resolve_confirmed(obj: Any) -> int:
        return int(getattr(obj, "confirmed", 0) or 0)


class DemandIn(Schema):
    community_id: int | None = None
    title: str
    description: str = ""
    category: str = ""
    priority: str = Priority.MEDIUM
    needed_by: dt.date | None = None


class RankedIn(Schema):
    ids: list[int] = Field(max_length=50)


class RankedOut(Schema):
    ids: list[int]


class MatchOut(Schema):
    id: int
    run_id: int
    demand_id: int
    demand_title: str
    community_name: str
    resource_id: int
    resource_title: str
    unit_name: str
    score: float
    reasons: list[str]
    status: str
    agreement_id: int | None = None

    @staticmethod
    def resolve_demand_title(obj: Match) -> str:
        return obj.demand.title

    @staticmethod
    def resolve_community_name(obj: Match) -> str:
        return obj.demand.community.name

    @staticmethod
    def resolve_resource_title(obj: Match) -> str:
        return obj.resource.title

    @staticmethod
    def resolve_unit_name(obj: Match) -> str:
        return obj.resource.unit.name

    @staticmethod
    def resolve_agreement_id(obj: Match) -> int | None:
        agreement = getattr(obj, "agreement", None) if obj.status == "confirmed" else None
        return agreement.pk if agreement is not None else None


class CandidateOut(Schema):
    resource_id: int
    resource_title: str
    score: float


class UnmatchedOut(Schema):
    demand_id: int
    demand_title: str
    candidates: list[CandidateOut]


class RunOut(Schema):
    id: int
    created_at: dt.datetime
    method: str
    demand_count: int
    resource_count: int
    proposed_count: int
    duration_ms: int
    matches: list[MatchOut]
    unmatched: list[UnmatchedOut]


class RunIn(Schema):
    top_k: int = 10


class ConfirmIn(Schema):
    match_ids: list[int] | None = None


class ConfirmOut(Schema):
    confirmed: int


class CobuildDecideIn(Schema):
    action: str
    note: str = ""


class PairRuleOut(Schema):
    id: int
    demand_id: int
    resource_id: int
    kind: str
    note: str


class PairRuleIn(Schema):
    demand_id: int
    resource_id: int
    kind: str
    note: str = ""


class SignIn(Schema):
    side: str
    project_name: str = ""


class AgreementOut(Schema):
    id: int
    match_id: int
    project_name: str
    unit_signed_at: dt.datetime | None
    community_signed_at: dt.datetime | None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date | None
    done_at: dt.datetime | None


class MilestoneIn(Schema):
    title: str
    due_on: dt.date | None = None


class UpdateOut(Schema):
    id: int
    text: str
    created_at: dt.datetime
    photo_ids: list[int]

    @staticmethod
    def resolve_photo_ids(obj: Any) -> list[int]:
        return [p.pk for p in obj.photos.all()]


class ProjectOut(Schema):
    id: uuid.UUID
    name: str
    campaign_id: int
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    community_name: str
    unit_name: str
    stars: int | None

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_community_name(obj: Any) -> str:
        return str(obj.agreement.match.demand.community.name)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.agreement.match.resource.unit.name)

    @staticmethod
    def resolve_stars(obj: Any) -> int | None:
        rating = getattr(obj, "rating", None)
        return rating.stars if rating is not None else None


class ProjectDetailOut(ProjectOut):
    milestones: list[MilestoneOut]
    updates: list[UpdateOut]

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_updates(obj: Any) -> list[Any]:
        return list(obj.updates.prefetch_related("photos"))


class ProjectIn(Schema):
    status: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class RatingIn(Schema):
    stars: int
    comment: str = ""


class RatingOut(Schema):
    id: int
    stars: int
    comment: str


# Campaigns ---------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CobuildCampaignOut], summary="共建活动列表")
@paginated
def campaign_list(
    request: HttpRequest,
    filters: Query[lists.CAMPAIGNS.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.CAMPAIGNS.rows_for(request.user, filters.model_dump())


@router.post(
    "/campaigns", response={201: CobuildCampaignOut}, summary="发起共建活动（区直机关工委）"
)
def campaign_create(request: HttpRequest, payload: CobuildCampaignIn) -> Any:
    data = payload.dict()
    district = data.pop("district_id")
    return Status(201, services.campaign_create(actor=request.user, district=district, **data))


@router.get("/campaigns/{campaign_id}", response=CobuildCampaignOut, summary="共建活动详情")
def campaign_detail(request: HttpRequest, campaign_id: int) -> Any:
    return selectors.campaign_get_for(request.user, campaign_id)


@router.put("/campaigns/{campaign_id}", response=CobuildCampaignOut, summary="修改共建活动")
def campaign_update(request: HttpRequest, campaign_id: int, payload: CampaignUpdateIn) -> Any:
    return services.campaign_update(actor=request.user, campaign=campaign_id, **payload.dict())


@router.post(
    "/campaigns/{campaign_id}/advance",
    response=CobuildCampaignOut,
    summary="推进活动阶段（发布清单等）",
)
def campaign_advance(request: HttpRequest, campaign_id: int, payload: AdvanceIn) -> Any:
    return services.campaign_advance(actor=request.user, campaign=campaign_id, to=payload.to)


@router.get("/campaigns/{campaign_id}/figures", response=FiguresOut, summary="活动统计")
def campaign_figures(request: HttpRequest, campaign_id: int) -> Any:
    campaign = selectors.campaign_get_for(request.user, campaign_id)
    return selectors.campaign_figures(campaign=campaign)


# Lists -------------------------------------------------------------------------------------


@router.get("/campaigns/{campaign_id}/resources", response=list[ResourceOut], summary="资源清单")
@paginated
def resource_list(
    request: HttpRequest,
    campaign_id: int,
    filters: Query[lists.RESOURCES.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.RESOURCES.rows_for(request.user, filters.model_dump(), campaign=campaign_id)


@router.post(
    "/campaigns/{campaign_id}/resources", response={201: ResourceOut}, summary="单位新增资源"
)
def resource_create(request: HttpRequest, campaign_id: int, payload: ResourceIn) -> Any:
    """Without `unit_id`, the resource is the caller's only managed unit's (several: 400)."""
    data = payload.dict()
    unit, area = data.pop("unit_id"), data.pop("area_id")
    resource = services.resource_create(
        actor=request.user, campaign=campaign_id, unit=unit, area=area, **data
    )
    return Status(201, resource)


@router.get("/resources/{resource_id}", response=ResourceOut, summary="资源详情")
def resource_detail(request: HttpRequest, resource_id: int) -> Any:
    return selectors.resource_get_for(request.user, resource_id)


@router.put("/resources/{resource_id}", response=ResourceOut, summary="修改资源")
def resource_update(request: HttpRequest, resource_id: int, payload: ResourceIn) -> Any:
    data = payload.dict()
    data.pop("unit_id")
    area = data.pop("area_id")
    return services.resource_update(actor=request.user, resource=resource_id, area=area, **data)


@router.post(
    "/resources/{resource_id}/contact", response=ContactUnmaskOut, summary="查看完整联系电话"
)
def resource_contact(request: HttpRequest, resource_id: int, payload: ContactUnmaskIn) -> Any:
    value = services.resource_contact_unmask(
        actor=request.user, resource=resource_id, reason=payload.reason
    )
    return {"contact": value}


@router.delete("/resources/{resource_id}", response={204: None}, summary="删除资源")
def resource_delete(request: HttpRequest, resource_id: int) -> Any:
    services.resource_delete(actor=request.user, resource=resource_id)
    return Status(204, None)


@router.get(
    "/resources/{resource_id}/preferences", response=RankedOut, summary="单位为资源选择的需求"
)
def resource_preferences(request: HttpRequest, resource_id: int) -> Any:
    resource = selectors.resource_get_for(request.user, resource_id, write=True)
    return {"ids": [d.pk for d in selectors.preferences_of(resource=resource)]}


@router.put(
    "/resources/{resource_id}/preferences", response=RankedOut, summary="单位为资源排序选择需求"
)
def resource_preferences_set(request: HttpRequest, resource_id: int, payload: RankedIn) -> Any:
    created = services.resource_preferences_set(
        actor=request.user, resource=resource_id, demand_ids=payload.ids
    )
    return {"ids": [p.demand_id for p in created]}


@router.get("/campaigns/{campaign_id}/demands", response=list[DemandOut], summary="需求清单")
@paginated
def demand_list(
    request: HttpRequest,
    campaign_id: int,
    filters: Query[lists.DEMANDS.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.DEMANDS.rows_for(request.user, filters.model_dump(), campaign=campaign_id)


@router.post("/campaigns/{campaign_id}/demands", response={201: DemandOut}, summary="社区新增需求")
def demand_create(request: HttpRequest, campaign_id: int, payload: DemandIn) -> Any:
    """Without `community_id`, the demand is the caller's only managed community's (several:
    400)."""
    data = payload.dict()
    community = data.pop("community_id")
    demand = services.demand_create(
        actor=request.user, campaign=campaign_id, community=community, **data
    )
    return Status(201, demand)


@router.get("/demands/{demand_id}", response=DemandOut, summary="需求详情")
def demand_detail(request: HttpRequest, demand_id: int) -> Any:
    return selectors.demand_get_for(request.user, demand_id)


@router.put("/demands/{demand_id}", response=DemandOut, summary="修改需求")
def demand_update(request: HttpRequest, demand_id: int, payload: DemandIn) -> Any:
    data = payload.dict()
    data.pop("community_id")
    return services.demand_update(actor=request.user, demand=demand_id, **data)


@router.delete("/demands/{demand_id}", response={204: None}, summary="删除需求")
def demand_delete(request: HttpRequest, demand_id: int) -> Any:
    services.demand_delete(actor=request.user, demand=demand_id)
    return Status(204, None)


@router.get("/demands/{demand_id}/preferences", response=RankedOut, summary="社区为需求选择的资源")
def demand_preferences(request: HttpRequest, demand_id: int) -> Any:
    demand = selectors.demand_get_for(request.user, demand_id, write=True)
    return {"ids": [r.pk for r in selectors.preferences_of(demand=demand)]}


@router.put(
    "/demands/{demand_id}/preferences", response=RankedOut, summary="社区为需求排序选择资源"
)
def demand_preferences_set(request: HttpRequest, demand_id: int, payload: RankedIn) -> Any:
    created = services.demand_preferences_set(
        actor=request.user, demand=demand_id, resource_ids=payload.ids
    )
    return {"ids": [p.resource_id for p in created]}


# Matching ----------------------------------------------------------------------------------


def _run_out(run: Any) -> dict[str, Any]:
    return {
        "id": run.pk,
        "created_at": run.created_at,
        "method": run.method,
        "demand_count": run.demand_count,
        "resource_count": run.resource_count,
        "proposed_count": run.proposed_count,
        "duration_ms": run.duration_ms,
        "matches": list(selectors.run_matches(run=run)),
        "unmatched": [
            {
                "demand_id": row["demand"].pk,
                "demand_title": row["demand"].title,
                "candidates": [
                    {"resource_id": r.pk, "resource_title": r.title, "score": s}
                    for r, s in row["candidates"]
                ],
            }
            for row in selectors.unmatched_demands(run=run)
        ],
    }


@router.post("/campaigns/{campaign_id}/runs", response={201: RunOut}, summary="运行匹配")
def run_create(request: HttpRequest, campaign_id: int, payload: RunIn) -> Any:
    run = services.match_run(actor=request.user, campaign=campaign_id, top_k=payload.top_k)
    return Status(201, _run_out(run))


@router.get("/campaigns/{campaign_id}/runs/latest", response=RunOut, summary="最新一次匹配结果")
def run_latest(request: HttpRequest, campaign_id: int) -> Any:
    campaign = selectors.campaign_get_for(request.user, campaign_id, manage=True)
    run = selectors.latest_run(campaign=campaign)
    if run is None:
        raise NotFound(_("还没有运行过匹配"))
    return _run_out(run)


@router.post("/campaigns/{campaign_id}/confirm", response=ConfirmOut, summary="确认配对")
def matches_confirm(request: HttpRequest, campaign_id: int, payload: ConfirmIn) -> Any:
    n = services.matches_confirm(
        actor=request.user, campaign=campaign_id, match_ids=payload.match_ids
    )
    return {"confirmed": n}


@router.post(
    "/matches/{match_id}/decide", response=MatchOut, summary="指定、禁止、否决或撤销确认配对"
)
def match_decide(request: HttpRequest, match_id: int, payload: CobuildDecideIn) -> Any:
    return services.match_decide(
        actor=request.user, match=match_id, action=payload.action, note=payload.note
    )


@router.get(
    "/campaigns/{campaign_id}/pair-rules", response=list[PairRuleOut], summary="指定与禁止的配对"
)
def pair_rule_list(request: HttpRequest, campaign_id: int) -> Any:
    campaign = selectors.campaign_get_for(request.user, campaign_id, manage=True)
    return selectors.pair_rules(campaign=campaign)


@router.post(
    "/campaigns/{campaign_id}/pair-rules",
    response={201: PairRuleOut},
    summary="指定或禁止一个配对",
)
def pair_rule_create(request: HttpRequest, campaign_id: int, payload: PairRuleIn) -> Any:
    rule = services.pair_rule_create(
        actor=request.user,
        campaign=campaign_id,
        demand=payload.demand_id,
        resource=payload.resource_id,
        kind=payload.kind,
        note=payload.note,
    )
    return Status(201, rule)


@router.delete("/pair-rules/{rule_id}", response={204: None}, summary="取消指定或禁止")
def pair_rule_delete(request: HttpRequest, rule_id: int) -> Any:
    services.pair_rule_delete(actor=request.user, rule=rule_id)
    return Status(204, None)


# Signing and projects ----------------------------------------------------------------------


@router.get("/matches", response=list[MatchOut], summary="已确认的配对（本单位、本社区）")
@paginated
def match_list(
    request: HttpRequest,
    filters: Query[lists.AGREEMENTS.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.AGREEMENTS.rows_for(request.user, filters.model_dump())


@router.post("/matches/{match_id}/sign", response=AgreementOut, summary="签约（单位方或社区方）")
def agreement_sign(request: HttpRequest, match_id: int, payload: SignIn) -> Any:
    return services.agreement_sign(
        actor=request.user, match=match_id, side=payload.side, project_name=payload.project_name
    )


@router.get("/projects", response=list[ProjectOut], summary="共建项目")
@paginated
def project_list(
    request: HttpRequest,
    filters: Query[lists.PROJECTS.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.PROJECTS.rows_for(request.user, filters.model_dump())


@router.get("/projects/{project_id}", response=ProjectDetailOut, summary="共建项目详情")
def project_detail(request: HttpRequest, project_id: uuid.UUID) -> Any:
    return selectors.project_get_for(request.user, project_id)


@router.patch("/projects/{project_id}", response=ProjectOut, summary="更新项目状态或日期")
def project_update(request: HttpRequest, project_id: uuid.UUID, payload: ProjectIn) -> Any:
    return services.project_update(actor=request.user, project=project_id, **payload.dict())


@router.post(
    "/projects/{project_id}/milestones", response={201: MilestoneOut}, summary="添加项目节点"
)
def milestone_add(request: HttpRequest, project_id: uuid.UUID, payload: MilestoneIn) -> Any:
    return Status(
        201, services.milestone_add(actor=request.user, project=project_id, **payload.dict())
    )


@router.post("/milestones/{milestone_id}/done", response=MilestoneOut, summary="节点完成")
def milestone_done(request: HttpRequest, milestone_id: int) -> Any:
    return services.milestone_done(actor=request.user, milestone=milestone_id)


@router.post(
    "/projects/{project_id}/progress",
    response={201: UpdateOut},
    summary="报送项目进展（可附照片）",
)
def progress_add(
    request: HttpRequest,
    project_id: uuid.UUID,
    text: str = Form(...),  # type: ignore[type-arg]
    photos: list[UploadedFile] = File(default=[]),  # type: ignore[type-arg]  # noqa: B008 - the ninja idiom
) -> Any:
    data = [
        (f.name or "photo", read_upload(f, max_bytes=services.MAX_PHOTO_BYTES))
        for f in (photos or [])[: services.MAX_PHOTOS + 1]
    ]
    return Status(
        201, services.progress_add(actor=request.user, project=project_id, text=text, photos=data)
    )


@router.post("/projects/{project_id}/rating", response={201: RatingOut}, summary="社区评价项目")
def project_rate(request: HttpRequest, project_id: uuid.UUID, payload: RatingIn) -> Any:
    rating = services.project_rate(
        actor=request.user, project=project_id, stars=payload.stars, comment=payload.comment
    )
    return Status(201, rating)
