"""A campaign: opened by the working committee of a district for its units, scored (the
computed indicators from the platform's records), ranked and published, then locked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import pk_of, user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.bulk import update_rows
from gongjian.core.errors import Conflict, PermissionDenied
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_date, clean_decimal, clean_int, clean_text, invalid
from gongjian.evaluation import metrics, scoring, selectors
from gongjian.evaluation.models import Assessment, Campaign, Framework, Objection, Score
from gongjian.evaluation.services.frameworks import committee_district
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Unit


def _district(actor: Any, area: Area | int | str | None) -> Area:
    """The district of a new campaign: the one named, whose working committee the actor is,
    or, when none is named, the only one they are the committee of."""
    if area in (None, ""):
        districts = list(selectors.committee_districts(actor)[:2])
        if len(districts) == 1:
            return districts[0]
        if not districts:
            raise PermissionDenied(_("只有本区的区直机关工委可以发起创建活动"))
        raise invalid("area", _("请选择区"))
    district = committee_district(actor, area)
    if district is None or district.kind != Area.Kind.DISTRICT:
        raise PermissionDenied(_("只有本区的区直机关工委可以发起创建活动"))
    return district


def _line(field: str, value: Any, label: str) -> Decimal:
    return clean_decimal(field, value, label, places=None, required=False) or Decimal(0)


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    framework: Framework | int | str | None,
    area: Area | int | str | None = None,
    name: str,
    period_start: dt.date | str | None,
    period_end: dt.date | str | None,
    submit_by: dt.date | str | None,
    units: Sequence[Unit | int | str] = (),
    all_units: bool = False,
    review_by: dt.date | str | None = None,
    excellent_min: Any = 90,
    good_min: Any = 80,
    passing_min: Any = 60,
    objection_days: Any = 7,
    vote_until: dt.date | str | None = None,
) -> Campaign:
    """Open a campaign: one assessment (with an empty score per indicator) per unit, the
    units named or, with `all_units`, every unit of the district."""
    district = _district(actor, area)
    name = clean_text("name", name, _("活动名称"), 100)
    fw = (
        selectors.framework_list(actor=actor).filter(pk=pk_of(framework)).first()
        if framework not in (None, "") and str(pk_of(framework)).isdigit()
        else None
    )
    if fw is None:
        raise invalid("framework", _("请选择考评体系"))
    if fw.status != Framework.Status.PUBLISHED:
        raise invalid("framework", _("考评体系“%(n)s”尚未发布") % {"n": fw.name})
    if fw.area_id is not None and not district.path.startswith(fw.area.path):  # type: ignore[union-attr]
        raise invalid("framework", _("该考评体系属于其他区"))
    start = clean_date("period_start", period_start, _("考评期开始日期"))
    end = clean_date("period_end", period_end, _("考评期结束日期"))
    if end < start:
        raise invalid("period_end", _("考评期结束日期不能早于开始日期"))
    scale = scoring.GradeScale(
        _line("excellent_min", excellent_min, _("优秀分数线")),
        _line("good_min", good_min, _("良好分数线")),
        _line("passing_min", passing_min, _("合格分数线")),
    )
    if scale.problems():
        raise invalid("excellent_min", _("分数线应满足：100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0"))
    if all_units:
        unit_ids = sorted(
            org_selectors.unit_list(actor=actor, area=district).values_list("pk", flat=True)
        )
    else:
        unit_ids = sorted({int(clean_int("units", pk_of(u), _("参加单位"))) for u in units})
    if not unit_ids:
        raise invalid("units", _("请选择参加的单位"))
    outside = Unit.objects.filter(pk__in=unit_ids).exclude(area__path__startswith=district.path)
    if outside.exists() or Unit.objects.filter(pk__in=unit_ids).count() != len(unit_ids):
        raise invalid(
            "units",
            _("单位%(u)s不在本区") % {"u": "、".join(outside.values_list("name", flat=True)[:5])},
        )
    campaign = Campaign(
        name=name,
        framework=fw,
        area=district,
        period_start=start,
        period_end=end,
        submit_by=clean_date("submit_by", submit_by, _("自评截止日期")),
        review_by=clean_date("review_by", review_by, _("评审截止日期"), required=False),
        excellent_min=scale.excellent,
        good_min=scale.good,
        passing_min=scale.passing,
        objection_days=clean_int(
            "objection_days", objection_days or 7, _("异议期天数"), minimum=0, maximum=365
        ),
        vote_until=clean_date("vote_until", vote_until, _("投票截止日期"), required=False),
        created_by=user_of(actor),
    )
    campaign.save()
    assessments = Assessment.objects.bulk_create(
        [Assessment(campaign=campaign, unit_id=u) for u in unit_ids], batch_size=1000
    )
    leaves = selectors.framework_leaves(fw)
    Score.objects.bulk_create(
        [Score(assessment=a, indicator=ind) for a in assessments for ind in leaves],
        batch_size=2000,
    )
    audit_record(
        action="create",
        obj=campaign,
        changes={**diff({}, snapshot(campaign)), "units": len(unit_ids)},
    )
    return campaign


def campaign_compute(*, campaign: Campaign) -> int:
    """Fill every computed indicator of every assessment from the platform's records: one
    metric call (a few aggregate queries) per indicator for all units, then one bulk update.
    Returns the number of scores written."""
    leaves = [i for i in selectors.framework_leaves(campaign.framework) if i.is_computed]
    if not leaves:
        return 0
    registry = metrics.registry()
    unit_of = dict(campaign.assessments.values_list("pk", "unit_id"))
    unit_ids = sorted(set(unit_of.values()))
    now = timezone.now()
    values: dict[int, dict[int, Decimal]] = {}
    for ind in leaves:
        metric = registry.get(ind.metric)
        values[ind.pk] = (
            metric(unit_ids, campaign.period_start, campaign.period_end) if metric else {}
        )
    steps_of = {ind.pk: [(Decimal(a), Decimal(b)) for a, b in ind.thresholds] for ind in leaves}
    rows = list(
        Score.objects.filter(assessment__campaign=campaign, indicator__in=leaves).only(
            "pk", "assessment_id", "indicator_id"
        )
    )
    for s in rows:
        value = values[s.indicator_id].get(unit_of[s.assessment_id])
        s.computed_value = value
        s.computed_score = scoring.threshold_score(value, steps_of[s.indicator_id])
        s.computed_at = now
    update_rows(
        Score,
        ["computed_value", "computed_score", "computed_at"],
        [(s.pk, s.computed_value, s.computed_score, now) for s in rows],
    )
    return len(rows)


@dataclass
class Ranked:
    assessment_id: int
    total: Decimal
    grade: str
    rank: int


def campaign_rank(*, campaign: Campaign) -> list[Ranked]:
    """Totals, grades and ranks of the approved assessments, from the stored scores: one
    read of the scores, the arithmetic in scoring.py, one bulk update."""
    leaves = selectors.framework_leaves(campaign.framework)
    nodes = [scoring.Node(i.pk, i.parent_id, i.name, i.weight, i.max_score) for i in leaves]
    computed = {i.pk for i in leaves if i.is_computed}
    approved = dict(
        campaign.assessments.filter(status=Assessment.Status.APPROVED).values_list(
            "pk", "unit__code"
        )
    )
    per: dict[int, dict[int, Decimal | None]] = {a: {} for a in approved}
    for a_id, ind_id, s, c, f, v in Score.objects.filter(
        assessment_id__in=list(approved)
    ).values_list(
        "assessment_id",
        "indicator_id",
        "self_score",
        "committee_score",
        "final_score",
        "computed_score",
    ):
        if ind_id in computed:
            per[a_id][ind_id] = v
        else:
            per[a_id][ind_id] = f if f is not None else c if c is not None else s
    totals = {a: scoring.weighted_total(nodes, per[a]) for a in approved}
    ranks = scoring.rank(totals, tie_break=approved)
    scale = scoring.GradeScale(campaign.excellent_min, campaign.good_min, campaign.passing_min)
    out = [Ranked(a, totals[a], scoring.grade(totals[a], scale), ranks[a]) for a in approved]
    objs = [Assessment(pk=r.assessment_id, total=r.total, grade=r.grade, rank=r.rank) for r in out]
    campaign.assessments.exclude(status=Assessment.Status.APPROVED).update(
        total=None, grade="", rank=None
    )
    update_rows(
        Assessment, ["total", "grade", "rank"], [(o.pk, o.total, o.grade, o.rank) for o in objs]
    )
    return out


def campaign_for_manage(actor: Any, campaign: Campaign | int | str) -> Campaign:
    """The campaign, for its working committee, locked; refused once its results are locked."""
    locked = selectors.campaign_get_for(actor, campaign, manage=True, lock=True)
    if locked.status == Campaign.Status.LOCKED:
        raise Conflict(_("“%(n)s”的结果已锁定，不能再修改") % {"n": locked.name}, code="locked")
    return locked


@transaction.atomic
def campaign_publish(
    *,
    actor: Any,
    campaign: Campaign | int | str,
    published_on: dt.date | str | None = None,
) -> Campaign:
    """Compute the computed indicators, total, grade and rank the approved assessments, and
    publish on a date; the objection window runs `objection_days` from that date. Publishing
    again (after an upheld objection) recomputes and keeps the window."""
    c = campaign_for_manage(actor, campaign)
    on = (
        clean_date("published_on", published_on, _("公布日期"), required=False)
        or timezone.localdate()
    )
    if not c.assessments.filter(status=Assessment.Status.APPROVED).exists():
        raise Conflict(_("还没有审定的测评，不能公布结果"), code="nothing_approved")
    if c.assessments.filter(
        status__in=(Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED)
    ).exists():
        raise Conflict(_("还有测评在评审中，请审定或退回后再公布"), code="reviews_pending")
    before = snapshot(c)
    campaign_compute(campaign=c)
    ranked = campaign_rank(campaign=c)
    if c.status == Campaign.Status.OPEN:
        c.published_on = on
        c.objection_until = on + dt.timedelta(days=c.objection_days)
    c.status = Campaign.Status.PUBLISHED
    c.save(update_fields=["status", "published_on", "objection_until", "updated_at"])
    audit_record(
        action="update",
        obj=c,
        changes={**diff(before, snapshot(c)), "ranked": len(ranked)},
    )
    return c


@transaction.atomic
def campaign_lock(
    *, actor: Any, campaign: Campaign | int | str, today: dt.date | None = None
) -> Campaign:
    """Fix the results for good: after the objection window, with no objection unanswered."""
    c = campaign_for_manage(actor, campaign)
    today = today or timezone.localdate()
    if c.status != Campaign.Status.PUBLISHED:
        raise Conflict(_("结果公布后才能锁定"), code="not_published")
    if c.objection_until and today <= c.objection_until:
        raise Conflict(
            _("异议期至%(d)s，期满后才能锁定") % {"d": c.objection_until.isoformat()},
            code="objection_window",
        )
    if Objection.objects.filter(assessment__campaign=c, status=Objection.Status.OPEN).exists():
        raise Conflict(_("还有异议未答复，答复后才能锁定"), code="objections_open")
    if c.assessments.exclude(
        status__in=(Assessment.Status.APPROVED, Assessment.Status.DRAFT)
    ).exists():
        raise Conflict(_("还有测评在重新审定中，审定并重新公布后才能锁定"), code="reviews_pending")
    model_update(
        instance=c,
        data={"status": Campaign.Status.LOCKED, "locked_at": timezone.now()},
        allowed={"status", "locked_at"},
    )
    return c
