"""模范机关创建 over the API: the same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from gongjian.evaluation import metrics, selectors, services

router = Router(tags=["evaluation"])


class MetricOut(Schema):
    name: str
    label: str
    unit_label: str


class IndicatorOut(Schema):
    id: int
    parent_id: int | None
    code: str
    name: str
    weight: Decimal
    max_score: Decimal
    rubric: str
    evidence_required: bool
    method: str
    metric: str
    thresholds: list[list[str]]


class FrameworkOut(Schema):
    id: int
    code: str
    name: str
    description: str
    area_id: int | None
    status: str


class FrameworkDetailOut(FrameworkOut):
    indicators: list[IndicatorOut]


class CampaignOut(Schema):
    id: int
    name: str
    framework_id: int
    area_id: int
    period_start: dt.date
    period_end: dt.date
    submit_by: dt.date
    status: str
    published_on: dt.date | None
    objection_until: dt.date | None


class ResultOut(Schema):
    rank: int | None
    unit_id: int
    unit_name: str
    total: Decimal | None
    grade: str


class ScoreOut(Schema):
    indicator_id: int
    code: str
    name: str
    computed: bool
    self_score: Decimal | None
    statement: str
    committee_score: Decimal | None
    committee_comment: str
    final_score: Decimal | None
    final_comment: str
    value: Decimal | None
    points: Decimal | None
    evidence: list[uuid.UUID]


class AssessmentOut(Schema):
    id: uuid.UUID
    campaign_id: int
    unit_id: int
    unit_name: str
    status: str
    returned_reason: str
    total: Decimal | None
    grade: str
    rank: int | None
    scores: list[ScoreOut]


class ScoreIn(Schema):
    indicator_id: int
    score: Decimal | None = None
    text: str = ""


class SaveIn(Schema):
    scores: list[ScoreIn] = []
    summary: str | None = None


class ReviewIn(Schema):
    action: str
    scores: list[ScoreIn] = []
    reason: str = ""


class PublishIn(Schema):
    published_on: dt.date | None = None


class ObjectionIn(Schema):
    text: str


class ObjectionOut(Schema):
    id: int
    status: str
    text: str


class CaseOut(Schema):
    id: uuid.UUID
    campaign_id: int
    unit_id: int
    title: str
    status: str
    vote_count: int
    place: int | None

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]


class VoteOut(Schema):
    case_id: uuid.UUID
    campaign_id: int


class BrandOut(Schema):
    id: uuid.UUID
    name: str
    party_org_id: int
    party_org_name: str
    status: str
    recognised_on: dt.date | None

    @staticmethod
    def resolve_id(obj: Any) -> uuid.UUID:
        return obj.public_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_party_org_name(obj: Any) -> str:
        return str(obj.party_org.name)


def _assessment_out(a: Any) -> AssessmentOut:
    rows = [r for r in selectors.assessment_sheet(a, live=True) if r.is_leaf]
    return AssessmentOut(
        id=a.public_id,
        campaign_id=a.campaign_id,
        unit_id=a.unit_id,
        unit_name=a.unit.name,
        status=a.status,
        returned_reason=a.returned_reason,
        total=a.total,
        grade=a.grade,
        rank=a.rank,
        scores=[
            ScoreOut(
                indicator_id=r.indicator.pk,
                code=r.indicator.code,
                name=r.indicator.name,
                computed=r.indicator.is_computed,
                self_score=r.score.self_score if r.score else None,
                statement=r.score.statement if r.score else "",
                committee_score=r.score.committee_score if r.score else None,
                committee_comment=r.score.committee_comment if r.score else "",
                final_score=r.score.final_score if r.score else None,
                final_comment=r.score.final_comment if r.score else "",
                value=r.value,
                points=r.points,
                evidence=[e.public_id for e in r.evidence],
            )
            for r in rows
        ],
    )


def _scores(items: list[ScoreIn]) -> dict[int, tuple[Any, str]]:
    return {s.indicator_id: (s.score, s.text) for s in items}


@router.get("/metrics", response=list[MetricOut])
def metric_list(request: HttpRequest) -> list[MetricOut]:
    return [
        MetricOut(name=m.name, label=m.label, unit_label=m.unit_label)
        for m in metrics.registry().values()
    ]


@router.get("/frameworks", response=list[FrameworkOut])
@paginate(PageNumberPagination, page_size=50)
def framework_list(request: HttpRequest, q: str = "") -> Any:
    return selectors.framework_list(actor=request.user, q=q)


@router.get("/frameworks/{framework_id}", response=FrameworkDetailOut)
def framework_detail(request: HttpRequest, framework_id: int) -> Any:
    fw = selectors.framework_get_for(request.user, framework_id)
    fw.indicators_out = [r.indicator for r in selectors.framework_tree(fw)]  # type: ignore[attr-defined]
    return {
        **{k: getattr(fw, k) for k in ("id", "code", "name", "description", "area_id", "status")},
        "indicators": fw.indicators_out,  # type: ignore[attr-defined]
    }


@router.get("/campaigns", response=list[CampaignOut])
@paginate(PageNumberPagination, page_size=50)
def campaign_list(request: HttpRequest, q: str = "", status: str = "") -> Any:
    return selectors.campaign_list(actor=request.user, q=q, status=status)


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def campaign_detail(request: HttpRequest, campaign_id: int) -> Any:
    return selectors.campaign_get_for(request.user, campaign_id)


@router.get("/campaigns/{campaign_id}/results", response=list[ResultOut])
def campaign_results(request: HttpRequest, campaign_id: int) -> Any:
    campaign = selectors.campaign_get_for(request.user, campaign_id)
    if not selectors.results_visible(request.user, campaign):
        return []
    return selectors.results(campaign=campaign)


@router.post("/campaigns/{campaign_id}/publish", response=CampaignOut)
def campaign_publish(request: HttpRequest, campaign_id: int, payload: PublishIn) -> Any:
    campaign = selectors.campaign_get_for(request.user, campaign_id)
    return services.campaign_publish(
        actor=request.user, campaign=campaign, published_on=payload.published_on
    )


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def assessment_detail(request: HttpRequest, assessment_id: uuid.UUID) -> Any:
    return _assessment_out(selectors.assessment_get_for(request.user, assessment_id))


@router.post("/assessments/{assessment_id}/scores", response=AssessmentOut)
def assessment_save(request: HttpRequest, assessment_id: uuid.UUID, payload: SaveIn) -> Any:
    a = selectors.assessment_get_for(request.user, assessment_id)
    a = services.assessment_save(
        actor=request.user, assessment=a, scores=_scores(payload.scores), summary=payload.summary
    )
    return _assessment_out(a)


@router.post("/assessments/{assessment_id}/submit", response=AssessmentOut)
def assessment_submit(request: HttpRequest, assessment_id: uuid.UUID) -> Any:
    a = selectors.assessment_get_for(request.user, assessment_id)
    return _assessment_out(services.assessment_submit(actor=request.user, assessment=a))


@router.post("/assessments/{assessment_id}/review", response=AssessmentOut)
def assessment_review(request: HttpRequest, assessment_id: uuid.UUID, payload: ReviewIn) -> Any:
    a = selectors.assessment_get_for(request.user, assessment_id)
    a = services.assessment_review(
        actor=request.user,
        assessment=a,
        action=payload.action,
        scores=_scores(payload.scores),
        reason=payload.reason,
    )
    return _assessment_out(a)


@router.post("/assessments/{assessment_id}/objections", response={201: ObjectionOut})
def objection_submit(request: HttpRequest, assessment_id: uuid.UUID, payload: ObjectionIn) -> Any:
    a = selectors.assessment_get_for(request.user, assessment_id)
    return Status(
        201, services.objection_submit(actor=request.user, assessment=a, text=payload.text)
    )


@router.get("/cases", response=list[CaseOut])
@paginate(PageNumberPagination, page_size=50)
def case_list(
    request: HttpRequest, campaign_id: int | None = None, q: str = "", status: str = ""
) -> Any:
    campaign = selectors.campaign_get_for(request.user, campaign_id) if campaign_id else None
    return selectors.case_list(actor=request.user, campaign=campaign, q=q, status=status)


@router.post("/cases/{case_id}/vote", response={201: VoteOut})
def case_vote(request: HttpRequest, case_id: uuid.UUID) -> Any:
    case = selectors.case_get_for(request.user, case_id)
    vote = services.case_vote(actor=request.user, case=case)
    return Status(201, VoteOut(case_id=case.public_id, campaign_id=vote.campaign_id))


@router.get("/brands", response=list[BrandOut])
@paginate(PageNumberPagination, page_size=50)
def brand_list(request: HttpRequest, q: str = "", status: str = "") -> Any:
    return selectors.brand_list(actor=request.user, q=q, status=status)
