"""Every read of 模范机关创建, through the caller's scope (gongjian.orgs.scope).

Who does what (docs/adr/0006):
- the working committee — the district administrator's post over the campaign's district —
  defines frameworks, opens and publishes campaigns, gives the final review, shortlists cases,
  recognises brands and names model units;
- a unit — its unit administrator, the voice of the unit's party committee — fills the
  self-assessment and gives the first review;
- everyone whose posts or membership lie in the campaign's district sees the campaign, its
  published ranking, the recognised brands and the shortlisted cases, and a member votes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import one
from gongjian.core.errors import NotFound
from gongjian.core.search import search_q
from gongjian.core.validation import public_key
from gongjian.evaluation import metrics, scoring
from gongjian.evaluation.models import (
    Assessment,
    Award,
    Brand,
    Campaign,
    Case,
    CaseVote,
    Evidence,
    Framework,
    Indicator,
    Objection,
    Score,
)
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, PartyOrg

NOTHING = scope.NOTHING


# Scopes ---------------------------------------------------------------------------------------


def _or(parts: list[Q]) -> Q:
    out = NOTHING
    for q in parts:
        out = q if out is NOTHING else out | q
    return out


def unit_level_q(actor: Any, lookup: str = "unit") -> Q:
    """Objects of a unit the actor acts for: its unit administrator, or the working
    committee over the unit's district."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    parts = [scope.committee_q(actor, f"{lookup}__area")]
    if posts.unit_ids:
        parts.append(Q(**{f"{lookup}__in": list(posts.unit_ids)}))
    return _or([p for p in parts if p is not NOTHING])


def _prefixes(path: str) -> list[str]:
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes)) if codes[0]]


def _places_of(actor: Any) -> list[str]:
    """Every area path that holds one of the actor's posts or their membership, with all the
    areas above it (a campaign of the district is seen from a grid inside it)."""
    posts = scope.posts_of(actor)
    paths: set[str] = set()
    for role_paths in posts.area_paths.values():
        for p in role_paths:
            paths.update(_prefixes(p))
    from gongjian.orgs.models import Unit

    for p in Unit.objects.filter(pk__in=list(posts.unit_ids)).values_list("area__path", flat=True):
        paths.update(_prefixes(p))
    if posts.member_id is not None:
        row = (
            Member.objects.filter(pk=posts.member_id)
            .values_list("unit__area__path", "home_community__path", "party_org__area__path")
            .first()
        )
        for p in row or ():
            if p:
                paths.update(_prefixes(p))
    return sorted(paths)


def campaign_q(actor: Any) -> Q:
    """Who sees a campaign: anyone whose posts or membership lie in its district, and the
    units taking part."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    parts = []
    places = _places_of(actor)
    if places:
        parts.append(Q(area__path__in=places))
    if posts.unit_ids:
        parts.append(
            Q(
                pk__in=Assessment.objects.filter(unit_id__in=list(posts.unit_ids)).values(
                    "campaign_id"
                )
            )
        )
    return _or(parts)


def assessment_q(actor: Any) -> Q:
    """Who sees an assessment in detail: the working committee and the posts over the unit
    (a unit sees its own, never another's)."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    return scope.scope_q(actor, unit=("unit",)) if posts.is_staff_like else NOTHING


def framework_q(actor: Any, *, write: bool = False) -> Q:
    """Shared templates are read by every post and edited by the platform administrator; a
    district's own frameworks belong to its working committee."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    own = scope.committee_q(actor, "area")
    if write:
        return own
    if not posts.is_staff_like:
        return NOTHING
    return Q(area__isnull=True) | own if own is not NOTHING else Q(area__isnull=True)


def brand_q(actor: Any) -> Q:
    """A brand is seen by the posts over its branch; once recognised, by everyone who may
    see brands at all (every post and member)."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    own = scope.scope_q(actor, area=("party_org__area",), unit=("party_org__unit",))
    if posts.is_staff_like or posts.member_id is not None:
        return (
            own | Q(status=Brand.Status.RECOGNISED)
            if own is not NOTHING
            else Q(status=Brand.Status.RECOGNISED)
        )
    return NOTHING


# Frameworks -----------------------------------------------------------------------------------


def framework_list(*, actor: Any, q: str = "", write: bool = False) -> QuerySet[Framework]:
    qs = Framework.objects.filter(framework_q(actor, write=write)).select_related("area")
    qs = qs.annotate(indicator_count=Count("indicators")).order_by("code")
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",), exact=("code",)))
    return qs


def framework_get_for(
    actor: Any, pk: int | str | Framework, *, write: bool = False, lock: bool = False
) -> Framework:
    qs = Framework.objects.filter(framework_q(actor, write=write))
    return one(qs, _("考评体系不存在或无权查看"), pk=pk, lock=lock)


def indicator_get_for(actor: Any, pk: int | str | Indicator, *, write: bool = False) -> Indicator:
    qs = Indicator.objects.filter(
        framework__in=Framework.objects.filter(framework_q(actor, write=write))
    ).select_related("framework")
    return one(qs, _("指标不存在或无权查看"), pk=pk)


@dataclass
class TreeRow:
    indicator: Indicator
    depth: int
    is_leaf: bool
    rule: str = ""  # a computed indicator's source and thresholds, in words


def computed_rule(indicator: Indicator) -> str:
    """\"在职党员报到率：达到60%得60分，达到95%得100分\", not \"reporting_rate：≥60→60分\"."""
    if not indicator.is_computed:
        return ""
    metric = metrics.registry().get(indicator.metric)
    label = metric.label if metric is not None else indicator.metric
    unit = metric.unit_label if metric is not None else ""
    steps = []
    for threshold, points in indicator.thresholds or []:
        steps.append(_("达到%(t)s得%(p)s分") % {"t": f"{threshold}{unit}", "p": points})
    return f"{label}：{'，'.join(steps)}" if steps else str(label)


def framework_tree(framework: Framework) -> list[TreeRow]:
    """The indicators in tree order (depth-first by code), in one query."""
    nodes = list(framework.indicators.all().order_by("order", "code"))
    children: dict[int | None, list[Indicator]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    out: list[TreeRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for n in children.get(parent, []):
            out.append(TreeRow(n, depth, n.pk not in children, computed_rule(n)))
            walk(n.pk, depth + 1)

    walk(None, 0)
    return out


def framework_leaves(framework: Framework) -> list[Indicator]:
    return [r.indicator for r in framework_tree(framework) if r.is_leaf]


# Campaigns ------------------------------------------------------------------------------------


def campaign_list(*, actor: Any, q: str = "", status: str = "") -> QuerySet[Campaign]:
    qs = (
        Campaign.objects.filter(campaign_q(actor))
        .select_related("framework", "area")
        .annotate(unit_count=Count("assessments"))
        .order_by("-period_end", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(search_q(q, "", raw=("name",)))
    return qs


def campaign_get_for(
    actor: Any, pk: int | str | Campaign, *, manage: bool = False, lock: bool = False
) -> Campaign:
    """A campaign the actor sees (with `manage`, one whose working committee they are)."""
    q = scope.committee_q(actor, "area") if manage else campaign_q(actor)
    qs = Campaign.objects.filter(q).select_related("framework", "area")
    return one(qs, _("创建活动不存在或无权查看"), pk=pk, lock=lock)


def _campaign(actor: Any, campaign: Campaign | int | str) -> Campaign:
    """The campaign a list belongs to: the one the page already read, or its id from the
    route or the query (an export, the API), read through the caller's scope."""
    return campaign if isinstance(campaign, Campaign) else campaign_get_for(actor, campaign)


def committee_districts(actor: Any) -> QuerySet[Area]:
    """The districts whose working committee the actor is."""
    qs = org_selectors.area_list(actor=actor, kind=Area.Kind.DISTRICT, write=True)
    paths = scope.committee_paths(actor)
    return qs if paths is None else qs.filter(path__in=paths)


def campaign_may_manage(actor: Any, campaign: Campaign) -> bool:
    return Campaign.objects.filter(scope.committee_q(actor, "area"), pk=campaign.pk).exists()


def results_visible(actor: Any, campaign: Campaign) -> bool:
    """The ranking is public from the publication date; the working committee sees it as
    soon as it is computed."""
    if campaign.status == Campaign.Status.OPEN:
        return False
    if campaign.published_on and campaign.published_on <= timezone.localdate():
        return True
    return campaign_may_manage(actor, campaign)


# Assessments ----------------------------------------------------------------------------------


def assessment_list(
    *, actor: Any, campaign: Campaign | int | None = None, q: str = "", status: str = ""
) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(assessment_q(actor)).select_related("unit", "campaign")
    if campaign is not None:
        qs = qs.filter(campaign=_campaign(actor, campaign))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(search_q(q, "unit", raw=("unit__name",), exact=("unit__code",)))
    return qs.order_by("unit__code")


def assessment_get_for(actor: Any, public_id: str | uuid.UUID | Assessment) -> Assessment:
    qs = Assessment.objects.filter(assessment_q(actor)).select_related(
        "unit", "campaign__framework", "campaign__area"
    )
    return one(qs, _("测评不存在或无权查看"), public_id=_key(public_id, _("测评不存在或无权查看")))


def _key(value: Any, message: str) -> uuid.UUID:
    """The public id of a row already read, or the one given in a URL or a form."""
    return value.public_id if hasattr(value, "public_id") else public_key(value, message=message)


def my_assessments(*, actor: Any) -> QuerySet[Assessment]:
    """The assessments of the units the actor administers, newest campaign first."""
    posts = scope.posts_of(actor)
    return (
        Assessment.objects.filter(unit_id__in=list(posts.unit_ids))
        .select_related("unit", "campaign")
        .order_by("-campaign__period_end", "unit__code")
    )


def may_fill(actor: Any, assessment: Assessment) -> bool:
    return Assessment.objects.filter(unit_level_q(actor), pk=assessment.pk).exists()


def may_review_final(actor: Any, assessment: Assessment) -> bool:
    return Assessment.objects.filter(
        scope.committee_q(actor, "campaign__area"), pk=assessment.pk
    ).exists()


@dataclass
class ScoreRow:
    indicator: Indicator
    depth: int
    is_leaf: bool
    score: Score | None
    evidence: list[Evidence]
    metric: metrics.Metric | None
    link: str
    value: Decimal | None = None  # a computed indicator's figure
    points: Decimal | None = None  # and the score it maps to


def assessment_sheet(assessment: Assessment, *, live: bool = False) -> list[ScoreRow]:
    """The tree of the framework with the assessment's score and evidence on each leaf: three
    queries. A computed indicator shows its stored figure; with `live`, while the campaign is
    open, its figure as of now (one metric call for this unit)."""
    tree = framework_tree(assessment.campaign.framework)
    scores = {s.indicator_id: s for s in assessment.scores.all()}
    evidence: dict[int | None, list[Evidence]] = {}
    for e in assessment.evidence.all():
        evidence.setdefault(e.indicator_id, []).append(e)
    registry = metrics.registry()
    rows = []
    for r in tree:
        ind = r.indicator
        metric = registry.get(ind.metric) if ind.is_computed else None
        rows.append(
            ScoreRow(
                ind,
                r.depth,
                r.is_leaf,
                scores.get(ind.pk),
                evidence.get(ind.pk, []),
                metric,
                metric.link(assessment.unit_id) if metric else "",
            )
        )
    for row in rows:
        if row.metric is None:
            continue
        stored = row.score
        if live and assessment.campaign.status == Campaign.Status.OPEN:
            c = assessment.campaign
            row.value = row.metric([assessment.unit_id], c.period_start, c.period_end).get(
                assessment.unit_id
            )
            steps = [(Decimal(a), Decimal(b)) for a, b in row.indicator.thresholds]
            row.points = scoring.threshold_score(row.value, steps)
        elif stored is not None:
            row.value, row.points = stored.computed_value, stored.computed_score
    return rows


@dataclass
class ResultRow:
    rank: int | None
    unit_id: int
    unit_name: str
    unit_code: str
    total: Decimal | None
    grade: str
    grade_label: str
    status: str
    status_label: str


def results(*, campaign: Campaign, q: str = "") -> list[ResultRow]:
    """Everyone's rank in a published campaign: unit, total, grade, rank. No detail."""
    qs = campaign.assessments.select_related("unit").order_by("rank", "unit__code")
    if q:
        qs = qs.filter(search_q(q, "unit", raw=("unit__name",)))
    grades = dict(Assessment.Grade.choices)
    statuses = dict(Assessment.Status.choices)
    rows = [
        ResultRow(
            a.rank,
            a.unit_id,
            a.unit.name,
            a.unit.code,
            a.total,
            a.grade,
            str(grades.get(a.grade, "")),
            a.status,
            str(statuses.get(a.status, "")),
        )
        for a in qs
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit_code))
    return rows


def campaign_progress(campaign: Campaign) -> dict[str, int]:
    counts = dict(
        campaign.assessments.order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s, _label in Assessment.Status.choices}


# Evidence -------------------------------------------------------------------------------------


def evidence_get_for(actor: Any, public_id: str | uuid.UUID | Evidence) -> Evidence:
    """A file, for whoever may see what it belongs to."""
    key = _key(public_id, _("文件不存在或无权查看"))
    ev = (
        Evidence.objects.filter(public_id=key).select_related("assessment", "brand", "case").first()
    )
    if ev is None:
        raise NotFound(_("文件不存在或无权查看"))
    if ev.assessment_id is not None:
        visible = Assessment.objects.filter(assessment_q(actor), pk=ev.assessment_id).exists()
    elif ev.brand_id is not None:
        visible = Brand.objects.filter(brand_q(actor), pk=ev.brand_id).exists()
    elif ev.case_id is not None:
        visible = Case.objects.filter(case_q(actor), pk=ev.case_id).exists()
    else:
        visible = False
    if not visible:
        raise NotFound(_("文件不存在或无权查看"))
    return ev


# Objections -----------------------------------------------------------------------------------


def objection_list(*, actor: Any, campaign: Campaign) -> QuerySet[Objection]:
    return Objection.objects.filter(
        Q(assessment__in=Assessment.objects.filter(assessment_q(actor))),
        assessment__campaign=campaign,
    ).select_related("assessment__unit")


def objection_get_for(actor: Any, pk: int | str) -> Objection:
    qs = Objection.objects.filter(
        assessment__in=Assessment.objects.filter(assessment_q(actor))
    ).select_related("assessment__campaign", "assessment__unit")
    return one(qs, _("异议不存在或无权查看"), pk=pk)


# Brands ---------------------------------------------------------------------------------------


def brand_list(*, actor: Any, q: str = "", status: str = "") -> QuerySet[Brand]:
    qs = Brand.objects.filter(brand_q(actor)).select_related("party_org__unit", "party_org__area")
    qs = qs.annotate(
        member_count=Count(
            "party_org__members", filter=Q(party_org__members__is_active=True), distinct=True
        ),
        evidence_count=Count("evidence", distinct=True),
    ).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            search_q(
                q,
                "",
                "party_org",
                "party_org__unit",
                raw=("name", "party_org__name", "party_org__unit__name"),
            )
        )
    return qs


def brand_get_for(actor: Any, public_id: str | uuid.UUID | Brand) -> Brand:
    message = _("品牌不存在或无权查看")
    qs = Brand.objects.filter(brand_q(actor)).select_related("party_org__unit")
    return one(qs, message, public_id=_key(public_id, message))


def brand_branches(*, actor: Any) -> QuerySet[PartyOrg]:
    """The branches the actor may apply for: those of the units they act for."""
    posts = scope.posts_of(actor)
    qs = PartyOrg.objects.filter(
        kind__in=(PartyOrg.Kind.BRANCH, PartyOrg.Kind.GENERAL_BRANCH, PartyOrg.Kind.JOINT_BRANCH)
    )
    if posts.superuser:
        return qs.select_related("unit")
    q = _or(
        [
            p
            for p in (
                scope.committee_q(actor, "unit__area", "area"),
                Q(unit_id__in=list(posts.unit_ids)) if posts.unit_ids else NOTHING,
            )
            if p is not NOTHING
        ]
    )
    return qs.filter(q).select_related("unit")


def brand_may_review(actor: Any, brand: Brand) -> bool:
    return Brand.objects.filter(
        scope.committee_q(actor, "party_org__unit__area", "party_org__area"), pk=brand.pk
    ).exists()


def brand_figures(brand: Brand, *, year: int) -> dict[str, Any]:
    """The branch's figures for a year: members, and their volunteer service."""
    import datetime as dt

    out: dict[str, Any] = {
        "members": Member.objects.filter(party_org=brand.party_org, is_active=True).count()
    }
    if brand.party_org.unit_id and "person_times_per_member" in metrics.registry():
        from gongjian.service import figures

        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        out["person_times"] = figures.person_times_of_party_org(
            party_org_id=brand.party_org_id, lo=metrics.start_of(start), hi=metrics.end_of(end)
        )
    return out


# Cases ----------------------------------------------------------------------------------------


def case_q(actor: Any) -> Q:
    """Cases are seen by everyone who sees the campaign (they are voted on)."""
    posts = scope.posts_of(actor)
    if posts.superuser:
        return Q()
    return Q(campaign__in=Campaign.objects.filter(campaign_q(actor)))


def case_list(
    *, actor: Any, campaign: Campaign | int | None = None, q: str = "", status: str = ""
) -> QuerySet[Case]:
    qs = Case.objects.filter(case_q(actor)).select_related("unit", "campaign")
    if campaign is not None:
        qs = qs.filter(campaign=_campaign(actor, campaign))
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(search_q(q, "", "unit", raw=("title", "unit__name")))
    return qs


def case_get_for(actor: Any, public_id: str | uuid.UUID | Case) -> Case:
    message = _("案例不存在或无权查看")
    qs = Case.objects.filter(case_q(actor)).select_related("campaign", "unit")
    return one(qs, message, public_id=_key(public_id, message))


def my_vote(*, actor: Any, campaign: Campaign) -> CaseVote | None:
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        return None
    return CaseVote.objects.filter(campaign=campaign, member_id=member_id).first()


# Awards ---------------------------------------------------------------------------------------


def award_list(
    *, actor: Any, campaign: Campaign | int | None = None, q: str = ""
) -> QuerySet[Award]:
    qs = Award.objects.filter(
        campaign__in=Campaign.objects.filter(campaign_q(actor))
    ).select_related("unit", "campaign")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if q:
        qs = qs.filter(search_q(q, "", "unit", raw=("title", "unit__name")))
    return qs


def award_get_for(actor: Any, public_id: str | uuid.UUID) -> Award:
    message = _("表彰不存在或无权查看")
    return one(award_list(actor=actor), message, public_id=_key(public_id, message))


# What the pages show beside their lists ------------------------------------------------------


def result_list(*, actor: Any, campaign: Campaign | int | str, q: str = "") -> list[ResultRow]:
    """The ranking of a campaign, once the actor may see it (not found before)."""
    campaign = _campaign(actor, campaign)
    if not results_visible(actor, campaign):
        raise NotFound(_("结果尚未公布"))
    return results(campaign=campaign, q=q)


def own_units(*, actor: Any, campaign: Campaign) -> set[int]:
    """The units of a campaign whose detail the actor sees (their own rows in the ranking)."""
    return set(assessment_list(actor=actor, campaign=campaign).values_list("unit_id", flat=True))


def case_choices(*, actor: Any) -> QuerySet[Assessment]:
    """The campaigns and units the actor may submit a case for: a unit they act for, in a
    campaign still open or published."""
    return (
        Assessment.objects.filter(
            unit_level_q(actor),
            campaign__status__in=(Campaign.Status.OPEN, Campaign.Status.PUBLISHED),
        )
        .select_related("campaign", "unit")
        .order_by("-campaign__period_end", "unit__code")
    )


def framework_writable(actor: Any, framework: Framework) -> bool:
    return framework_list(actor=actor, write=True).filter(pk=framework.pk).exists()


def campaign_units(*, actor: Any, area: Area) -> QuerySet[Any]:
    """The units of a district the actor sees, to choose a campaign's participants."""
    return org_selectors.unit_list(actor=actor, area=area).select_related(None).only("id", "name")
