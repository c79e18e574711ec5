"""模范机关创建 over the API: the same services and selectors as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from gongjian.core.lists import paginated
from gongjian.evaluation import lists, metrics, selectors, services

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
    thresholds: list[tuple[float, float]]  # [the figure from which, the score], rising


class FrameworkOut(Schema):
    id: int
    code: str
    name: str
    description: str
    area_id: int | None
    status: str


class FrameworkDetailOut(FrameworkOut):
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return [r.indicator for r in selectors.framework_tree(obj)]


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
@paginated
def framework_list(
    request: HttpRequest,
    filters: Query[lists.FRAMEWORKS.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.FRAMEWORKS.rows_for(request.user, filters.model_dump())


@router.get("/frameworks/{framework_id}", response=FrameworkDetailOut)
def framework_detail(request: HttpRequest, framework_id: int) -> Any:
    return selectors.framework_get_for(request.user, framework_id)


@router.get("/campaigns", response=list[CampaignOut])
@paginated
def campaign_list(
    request: HttpRequest,
    filters: Query[lists.CAMPAIGNS.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.CAMPAIGNS.rows_for(request.user, filters.model_dump())


@router.get("/campaigns/{campaign_id}", response=CampaignOut)
def campaign_detail(request: HttpRequest, campaign_id: int) -> Any:
    return selectors.campaign_get_for(request.user, campaign_id)


@router.get("/campaigns/{campaign_id}/results", response=list[ResultOut])
def campaign_results(request: HttpRequest, campaign_id: int) -> Any:
    """The ranking, once published (empty before)."""
    campaign = selectors.campaign_get_for(request.user, campaign_id)
    if not selectors.results_visible(request.user, campaign):
        return []
    return selectors.results(campaign=campaign)


@router.post("/campaigns/{campaign_id}/publish", response=CampaignOut)
def campaign_publish(request: HttpRequest, campaign_id: int, payload: PublishIn) -> Any:
    return services.campaign_publish(
        actor=request.user, campaign=campaign_id, published_on=payload.published_on
    )


@router.get("/assessments/{assessment_id}", response=AssessmentOut)
def assessment_detail(request: HttpRequest, assessment_id: uuid.UUID) -> Any:
    return _assessment_out(selectors.assessment_get_for(request.user, assessment_id))


@router.post("/assessments/{assessment_id}/scores", response=AssessmentOut)
def assessment_save(request: HttpRequest, assessment_id: uuid.UUID, payload: SaveIn) -> Any:
    a = services.assessment_save(
        actor=request.user,
        assessment=assessment_id,
        scores=_scores(payload.scores),
        summary=payload.summary,
    )
    return _assessment_out(a)


@router.post("/assessments/{assessment_id}/submit", response=AssessmentOut)
def assessment_submit(request: HttpRequest, assessment_id: uuid.UUID) -> Any:
    return _assessment_out(services.assessment_submit(actor=request.user, assessment=assessment_id))


@router.post("/assessments/{assessment_id}/review", response=AssessmentOut)
def assessment_review(request: HttpRequest, assessment_id: uuid.UUID, payload: ReviewIn) -> Any:
    a = services.assessment_review(
        actor=request.user,
        assessment=assessment_id,
        action=payload.action,
        scores=_scores(payload.scores),
        reason=payload.reason,
    )
    return _assessment_out(a)


@router.post("/assessments/{assessment_id}/objections", response={201: ObjectionOut})
def objection_submit(request: HttpRequest, assessment_id: uuid.UUID, payload: ObjectionIn) -> Any:
    objection = services.objection_submit(
        actor=request.user, assessment=assessment_id, text=payload.text
    )
    return Status(201, objection)


@router.get("/cases", response=list[CaseOut])
@paginated
def case_list(
    request: HttpRequest,
    filters: Query[lists.CASES.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.CASES.rows_for(request.user, filters.model_dump())


@router.post("/cases/{case_id}/vote", response={201: VoteOut})
def case_vote(request: HttpRequest, case_id: uuid.UUID) -> Any:
    vote = services.case_vote(actor=request.user, case=case_id)
    return Status(201, VoteOut(case_id=case_id, campaign_id=vote.campaign_id))


@router.get("/brands", response=list[BrandOut])
@paginated
def brand_list(
    request: HttpRequest,
    filters: Query[lists.BRANDS.Filters],  # type: ignore[name-defined]
) -> Any:
    return lists.BRANDS.rows_for(request.user, filters.model_dump())
