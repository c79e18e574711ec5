"""Every write of 模范机关创建: validated, scoped, atomic, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from gongjian.core.files import check_document
from gongjian.evaluation import metrics, scoring, selectors
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
from gongjian.orgs.models import Area, PartyOrg, Unit

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_PER_INDICATOR = 10
TOP_CASES = 10
TEXT_MAX = 2000
REASON_MAX = 300


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _decimal(value: Any, field: str, label: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        out = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _invalid(field, _("%(f)s应为数字") % {"f": label}) from None
    if not out.is_finite():
        raise _invalid(field, _("%(f)s应为数字") % {"f": label})
    return out


def _check_score(value: Decimal | None, ind: Indicator, field: str) -> None:
    if value is None:
        return
    if value < 0:
        raise _invalid(field, _("指标“%(n)s”的得分不能为负数") % {"n": ind.name})
    if value > ind.max_score:
        raise _invalid(
            field,
            _("指标“%(n)s”的得分%(s)s超过满分%(m)s")
            % {"n": ind.name, "s": _fmt(value), "m": _fmt(ind.max_score)},
        )
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _invalid(field, _("指标“%(n)s”的得分最多两位小数") % {"n": ind.name})


def _fmt(d: Decimal) -> str:
    return f"{d.normalize():f}"


# Frameworks -----------------------------------------------------------------------------------


def _framework_for_write(actor: Any, framework: Framework) -> Framework:
    locked = (
        Framework.objects.select_for_update()
        .filter(selectors.framework_q(actor, write=True), pk=framework.pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("考评体系不存在或无权修改"))
    if locked.campaigns.exists():
        raise Conflict(
            _("考评体系“%(n)s”已被创建活动使用，不能再修改；请复制后修改副本") % {"n": locked.name},
            code="framework_in_use",
        )
    return locked


@transaction.atomic
def framework_create(
    *, actor: Any, code: str, name: str, description: str = "", area: Area | None
) -> Framework:
    posts = scope.posts_of(actor)
    code, name = code.strip(), name.strip()
    if not code:
        raise _invalid("code", _("请填写编码"))
    if not name:
        raise _invalid("name", _("请填写名称"))
    if area is None and not posts.superuser:
        raise PermissionDenied(_("只有平台管理员可以新建通用考评体系"))
    if area is not None and not _administers(actor, area):
        raise PermissionDenied(_("只有区直机关工委可以为本区新建考评体系"))
    if Framework.objects.filter(code=code).exists():
        raise _invalid("code", _("编码%(c)s已被使用") % {"c": code})
    fw = Framework(code=code, name=name, description=description.strip(), area=area)
    fw.full_clean()
    fw.save()
    audit_record(action="create", obj=fw, changes=diff({}, snapshot(fw)))
    return fw


def _administers(actor: Any, area: Area) -> bool:
    posts = scope.posts_of(actor)
    if posts.superuser:
        return True
    return any(area.path.startswith(p) for p in posts.area_paths.get("district_admin", ()))


@transaction.atomic
def framework_copy(
    *, actor: Any, framework: Framework, area: Area, code: str, name: str = ""
) -> Framework:
    """A district's own editable copy of a framework (a seeded template or an older one)."""
    if not _administers(actor, area):
        raise PermissionDenied(_("只有区直机关工委可以为本区复制考评体系"))
    code = code.strip()
    if not code:
        raise _invalid("code", _("请填写编码"))
    if Framework.objects.filter(code=code).exists():
        raise _invalid("code", _("编码%(c)s已被使用") % {"c": code})
    copy = Framework.objects.create(
        code=code,
        name=(name or framework.name).strip(),
        description=framework.description,
        area=area,
    )
    new_id: dict[int, Indicator] = {}
    for row in selectors.framework_tree(framework):
        old = row.indicator
        ind = Indicator.objects.create(
            framework=copy,
            parent=new_id[old.parent_id] if old.parent_id else None,
            code=old.code,
            name=old.name,
            order=old.order,
            weight=old.weight,
            max_score=old.max_score,
            rubric=old.rubric,
            evidence_required=old.evidence_required,
            method=old.method,
            metric=old.metric,
            thresholds=old.thresholds,
        )
        new_id[old.pk] = ind
    audit_record(
        action="create",
        obj=copy,
        changes={"copied_from": framework.pk, "indicators": len(new_id)},
    )
    return copy


def parse_thresholds(raw: Any, ind_name: str, max_score: Decimal) -> list[list[str]]:
    """`[[min_value, score], …]` (or the text "60:60, 80:80, 95:100"): numbers, scores
    within the maximum, minimums strictly increasing."""
    if isinstance(raw, str):
        steps: list[Any] = []
        for part in raw.replace("，", ",").replace("：", ":").split(","):
            if part.strip():
                if ":" not in part:
                    raise _invalid(
                        "thresholds",
                        _("指标“%(n)s”的分档应写成“数值:得分”，用逗号分隔") % {"n": ind_name},
                    )
                steps.append(part.split(":", 1))
        raw = steps
    out: list[list[str]] = []
    previous: Decimal | None = None
    for step in raw or []:
        if not isinstance(step, list | tuple) or len(step) != 2:
            raise _invalid("thresholds", _("指标“%(n)s”的分档格式不正确") % {"n": ind_name})
        minimum = _decimal(step[0], "thresholds", _("分档数值"))
        score = _decimal(step[1], "thresholds", _("分档得分"))
        if minimum is None or score is None:
            raise _invalid("thresholds", _("指标“%(n)s”的分档不完整") % {"n": ind_name})
        if score < 0 or score > max_score:
            raise _invalid(
                "thresholds",
                _("指标“%(n)s”的分档得分%(s)s超出0至满分%(m)s")
                % {"n": ind_name, "s": _fmt(score), "m": _fmt(max_score)},
            )
        if previous is not None and minimum <= previous:
            raise _invalid("thresholds", _("指标“%(n)s”的分档数值应从小到大排列") % {"n": ind_name})
        previous = minimum
        out.append([_fmt(minimum), _fmt(score)])
    return out


@transaction.atomic
def indicator_save(
    *,
    actor: Any,
    framework: Framework,
    indicator: Indicator | None = None,
    parent: Indicator | None = None,
    code: str,
    name: str,
    weight: Any,
    max_score: Any = 100,
    rubric: str = "",
    evidence_required: bool = False,
    method: str = Indicator.Method.MANUAL,
    metric: str = "",
    thresholds: Any = (),
    order: int = 0,
) -> Indicator:
    """Add or change a node of a framework. The framework goes back to draft: its weights are
    checked again when it is published."""
    fw = _framework_for_write(actor, framework)
    code, name = code.strip(), name.strip()
    if not code:
        raise _invalid("code", _("请填写指标编号"))
    if not name:
        raise _invalid("name", _("请填写指标名称"))
    w = _decimal(weight, "weight", _("权重"))
    if w is None or w <= 0:
        raise _invalid("weight", _("指标“%(n)s”的权重应大于0") % {"n": name})
    m = _decimal(max_score, "max_score", _("满分"))
    if m is None or m <= 0:
        raise _invalid("max_score", _("指标“%(n)s”的满分应大于0") % {"n": name})
    if parent is not None and parent.framework_id != fw.pk:
        raise _invalid("parent", _("上级指标不属于该考评体系"))
    if method not in Indicator.Method.values:
        raise _invalid("method", _("请选择评分方式"))
    steps: list[list[str]] = []
    if method == Indicator.Method.COMPUTED:
        if metric not in metrics.registry():
            raise _invalid("metric", _("指标“%(n)s”请选择可用的数据来源") % {"n": name})
        steps = parse_thresholds(thresholds, name, m)
        if not steps:
            raise _invalid("thresholds", _("指标“%(n)s”请填写分档") % {"n": name})
    else:
        metric = ""
    clash = Indicator.objects.filter(framework=fw, code=code)
    if indicator is not None:
        clash = clash.exclude(pk=indicator.pk)
    if clash.exists():
        raise _invalid("code", _("指标编号%(c)s已存在") % {"c": code})
    before = snapshot(indicator) if indicator is not None else {}
    ind = indicator if indicator is not None else Indicator(framework=fw)
    if indicator is not None and ind.framework_id != fw.pk:
        raise NotFound(_("指标不存在或无权修改"))
    if parent is not None and indicator is not None:
        node: Indicator | None = parent
        while node is not None:
            if node.pk == indicator.pk:
                raise _invalid("parent", _("上级指标不能是它自己或它的下级"))
            node = node.parent
    ind.parent = parent
    ind.code, ind.name, ind.order = code, name, order
    ind.weight, ind.max_score = w, m
    ind.rubric = rubric.strip()
    ind.evidence_required = bool(evidence_required)
    ind.method, ind.metric, ind.thresholds = method, metric, steps
    ind.save()
    _unpublish(fw)
    audit_record(
        action="update" if before else "create", obj=ind, changes=diff(before, snapshot(ind))
    )
    return ind


@transaction.atomic
def indicator_delete(*, actor: Any, indicator: Indicator) -> None:
    fw = _framework_for_write(actor, indicator.framework)
    before = snapshot(indicator)
    indicator.delete()
    _unpublish(fw)
    audit_record(
        action="delete",
        object_type="evaluation.indicator",
        object_id=str(before["id"]),
        object_repr=str(before["name"]),
        changes=diff(before, {}),
    )


def _unpublish(fw: Framework) -> None:
    if fw.status != Framework.Status.DRAFT:
        fw.status = Framework.Status.DRAFT
        fw.published_at = None
        fw.save(update_fields=["status", "published_at", "updated_at"])


def framework_problems(framework: Framework) -> list[str]:
    """What stops a framework being published, each message naming the node."""
    nodes = list(framework.indicators.all())
    if not nodes:
        return [_("考评体系还没有指标")]
    by_id = {n.pk: n for n in nodes}
    plain = [scoring.Node(n.pk, n.parent_id, n.name, n.weight, n.max_score) for n in nodes]
    out = []
    for p in scoring.weight_problems(plain):
        if p.node_id is None:
            out.append(_("一级指标的权重合计为%(a)s，应为100") % {"a": _fmt(p.actual)})
        else:
            out.append(
                _("“%(n)s”的下级指标权重合计为%(a)s，应等于其权重%(e)s")
                % {"n": by_id[p.node_id].name, "a": _fmt(p.actual), "e": _fmt(p.expected)}
            )
    registry = metrics.registry()
    parents = {n.parent_id for n in nodes}
    for n in nodes:
        if n.pk in parents and n.is_computed:
            out.append(_("“%(n)s”有下级指标，不能设为自动计算") % {"n": n.name})
        if n.pk not in parents and n.is_computed and n.metric not in registry:
            out.append(_("“%(n)s”的数据来源%(m)s在本平台不可用") % {"n": n.name, "m": n.metric})
    return out


@transaction.atomic
def framework_publish(*, actor: Any, framework: Framework) -> Framework:
    fw = (
        Framework.objects.select_for_update()
        .filter(selectors.framework_q(actor, write=True), pk=framework.pk)
        .first()
    )
    if fw is None:
        raise NotFound(_("考评体系不存在或无权修改"))
    problems = framework_problems(fw)
    if problems:
        raise ValidationFailed(problems[0], fields={"weights": problems})
    before = snapshot(fw)
    fw.status = Framework.Status.PUBLISHED
    fw.published_at = timezone.now()
    fw.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(action="update", obj=fw, changes=diff(before, snapshot(fw)))
    return fw


# Campaigns ------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    framework: Framework,
    area: Area,
    name: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    submit_by: dt.date | None,
    units: Sequence[Unit],
    review_by: dt.date | None = None,
    excellent_min: Any = 90,
    good_min: Any = 80,
    passing_min: Any = 60,
    objection_days: int = 7,
    vote_until: dt.date | None = None,
) -> Campaign:
    """Open a campaign: one assessment (with an empty score per indicator) per unit."""
    if not _administers(actor, area) or area.kind != Area.Kind.DISTRICT:
        raise PermissionDenied(_("只有本区的区直机关工委可以发起创建活动"))
    name = name.strip()
    if not name:
        raise _invalid("name", _("请填写活动名称"))
    if framework.status != Framework.Status.PUBLISHED:
        raise _invalid("framework", _("考评体系“%(n)s”尚未发布") % {"n": framework.name})
    if framework.area_id is not None and not area.path.startswith(framework.area.path):  # type: ignore[union-attr]
        raise _invalid("framework", _("该考评体系属于其他区"))
    if period_start is None or period_end is None:
        raise _invalid("period_start", _("请填写考评期"))
    if period_end < period_start:
        raise _invalid("period_end", _("考评期结束日期不能早于开始日期"))
    if submit_by is None:
        raise _invalid("submit_by", _("请填写自评截止日期"))
    scale = scoring.GradeScale(
        _decimal(excellent_min, "excellent_min", _("优秀分数线")) or Decimal(0),
        _decimal(good_min, "good_min", _("良好分数线")) or Decimal(0),
        _decimal(passing_min, "passing_min", _("合格分数线")) or Decimal(0),
    )
    if scale.problems():
        raise _invalid("excellent_min", _("分数线应满足：100 ≥ 优秀 ≥ 良好 ≥ 合格 ≥ 0"))
    unit_ids = sorted({u.pk for u in units})
    if not unit_ids:
        raise _invalid("units", _("请选择参加的单位"))
    outside = Unit.objects.filter(pk__in=unit_ids).exclude(area__path__startswith=area.path)
    if outside.exists():
        raise _invalid(
            "units",
            _("单位%(u)s不在本区") % {"u": "、".join(outside.values_list("name", flat=True)[:5])},
        )
    campaign = Campaign(
        name=name,
        framework=framework,
        area=area,
        period_start=period_start,
        period_end=period_end,
        submit_by=submit_by,
        review_by=review_by,
        excellent_min=scale.excellent,
        good_min=scale.good,
        passing_min=scale.passing,
        objection_days=objection_days,
        vote_until=vote_until,
        created_by=_user(actor),
    )
    campaign.save()
    assessments = Assessment.objects.bulk_create(
        [Assessment(campaign=campaign, unit_id=u) for u in unit_ids], batch_size=1000
    )
    leaves = selectors.framework_leaves(framework)
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


UPDATE_CHUNK = 1000


def update_rows(model: type[Model], fields: list[str], rows: Sequence[tuple[Any, ...]]) -> int:
    """Write different values to many rows in one statement per thousand rows: `UPDATE … FROM`
    a `VALUES` list (PostgreSQL, and SQLite ≥ 3.33). `bulk_update` builds a `CASE WHEN` per
    field with a branch per row, which takes seconds for a few thousand rows. Each row is
    `(pk, value, …)` in the order of `fields`."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [cast("Field[Any, Any]", model._meta.get_field(f)) for f in fields]
    names = ["id"] + [f"v{i}" for i in range(len(fields))]
    if connection.vendor == "postgresql":
        sets = ", ".join(
            f"{connection.ops.quote_name(c.column)} = CAST(v.v{i} AS {c.db_type(connection)})"
            for i, c in enumerate(columns)
        )
    else:
        sets = ", ".join(
            f"{connection.ops.quote_name(c.column)} = v.v{i}" for i, c in enumerate(columns)
        )
    pk = connection.ops.quote_name(model._meta.pk.column)
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPDATE_CHUNK):
            chunk = rows[start : start + UPDATE_CHUNK]
            placeholders = ", ".join("(" + ", ".join(["%s"] * len(names)) + ")" for _row in chunk)
            params: list[Any] = []
            for row in chunk:
                params.append(row[0])
                params.extend(
                    c.get_db_prep_save(v, connection) for c, v in zip(columns, row[1:], strict=True)
                )
            sql = (
                f"WITH v({', '.join(names)}) AS (VALUES {placeholders}) "  # noqa: S608 - names are ours
                f"UPDATE {table} SET {sets} FROM v WHERE {table}.{pk} = v.id"
            )
            cursor.execute(sql, params)
            written += cursor.rowcount
    return written


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


def _campaign_for_manage(actor: Any, campaign: Campaign) -> Campaign:
    locked = (
        Campaign.objects.select_for_update(of=("self",))
        .filter(selectors.working_committee_q(actor, "area"), pk=campaign.pk)
        .first()
    )
    if locked is None:
        raise NotFound(_("创建活动不存在或无权管理"))
    if locked.status == Campaign.Status.LOCKED:
        raise Conflict(_("“%(n)s”的结果已锁定，不能再修改") % {"n": locked.name}, code="locked")
    return locked


@transaction.atomic
def campaign_publish(
    *, actor: Any, campaign: Campaign, published_on: dt.date | None = None
) -> Campaign:
    """Compute the computed indicators, total, grade and rank the approved assessments, and
    publish on a date; the objection window runs `objection_days` from that date. Publishing
    again (after an upheld objection) recomputes and keeps the window."""
    c = _campaign_for_manage(actor, campaign)
    on = published_on or timezone.localdate()
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
def campaign_lock(*, actor: Any, campaign: Campaign, today: dt.date | None = None) -> Campaign:
    """Fix the results for good: after the objection window, with no objection unanswered."""
    c = _campaign_for_manage(actor, campaign)
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
    before = snapshot(c)
    c.status = Campaign.Status.LOCKED
    c.locked_at = timezone.now()
    c.save(update_fields=["status", "locked_at", "updated_at"])
    audit_record(action="update", obj=c, changes=diff(before, snapshot(c)))
    return c


# Self-assessment ------------------------------------------------------------------------------


def _assessment_locked(actor: Any, assessment: Assessment, q: Any) -> Assessment:
    a = (
        Assessment.objects.select_for_update(of=("self",))
        .filter(q, pk=assessment.pk)
        .select_related("campaign__framework", "unit")
        .first()
    )
    if a is None:
        raise NotFound(_("测评不存在或无权操作"))
    if a.campaign.status == Campaign.Status.LOCKED:
        raise Conflict(_("结果已锁定，不能再修改"), code="locked")
    return a


def _manual(assessment: Assessment) -> dict[int, Indicator]:
    return {
        i.pk: i
        for i in selectors.framework_leaves(assessment.campaign.framework)
        if not i.is_computed
    }


@transaction.atomic
def assessment_save(
    *,
    actor: Any,
    assessment: Assessment,
    scores: Mapping[int, tuple[Any, str]],
    summary: str | None = None,
) -> Assessment:
    """The unit's own score and statement for manual indicators, while it is a draft."""
    a = _assessment_locked(actor, assessment, selectors.unit_level_q(actor))
    if a.status != Assessment.Status.DRAFT:
        raise Conflict(
            _("测评已提交（%(s)s），不能再修改自评") % {"s": a.get_status_display()},
            code="assessment_state",
        )
    if a.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("创建活动已公布结果，不能再修改自评"), code="campaign_state")
    manual = _manual(a)
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    for ind_id, (raw, statement) in scores.items():
        ind = manual.get(int(ind_id))
        if ind is None:
            raise _invalid(f"score_{ind_id}", _("指标不存在或是自动计算的指标"))
        value = _decimal(raw, f"score_{ind_id}", _("“%(n)s”的自评分") % {"n": ind.name})
        _check_score(value, ind, f"score_{ind_id}")
        statement = (statement or "").strip()
        if len(statement) > TEXT_MAX:
            raise _invalid(
                f"statement_{ind_id}",
                _("“%(n)s”的说明不能超过%(m)d字") % {"n": ind.name, "m": TEXT_MAX},
            )
        parsed[ind.pk] = (value, statement)
    rows = {s.indicator_id: s for s in a.scores.filter(indicator_id__in=list(parsed))}
    changes: dict[str, Any] = {}
    for ind_id, (value, statement) in parsed.items():
        s = rows.get(ind_id) or Score(assessment=a, indicator_id=ind_id)
        if s.self_score != value or s.statement != statement:
            changes[manual[ind_id].code] = [
                None if s.self_score is None else _fmt(s.self_score),
                None if value is None else _fmt(value),
            ]
            s.self_score, s.statement = value, statement
            s.save()
    if summary is not None and summary.strip() != a.summary:
        changes["summary"] = [a.summary[:50], summary.strip()[:50]]
        a.summary = summary.strip()
        a.save(update_fields=["summary", "updated_at"])
    if changes:
        audit_record(action="update", obj=a, changes={"self_scores": changes})
    return a


def _store(ev: Evidence, data: bytes) -> None:
    ev.size = len(data)
    ev.sha256 = hashlib.sha256(data).hexdigest()
    ev.file.save(f"evidence.{ev.kind}", ContentFile(data), save=False)
    ev.save()


@transaction.atomic
def evidence_add(
    *,
    actor: Any,
    assessment: Assessment,
    indicator: Indicator | None,
    files: Sequence[tuple[str, bytes]],
) -> list[Evidence]:
    a = _assessment_locked(actor, assessment, selectors.unit_level_q(actor))
    if a.status != Assessment.Status.DRAFT or a.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("测评已提交，不能再上传佐证材料"), code="assessment_state")
    if not files:
        raise _invalid("files", _("请选择要上传的文件"))
    if indicator is not None and indicator.framework_id != a.campaign.framework_id:
        raise _invalid("indicator", _("指标不属于本次考评体系"))
    checked = [
        (name, data, check_document(data, name=name, max_bytes=EVIDENCE_MAX_BYTES).kind)
        for name, data in files
    ]
    existing = a.evidence.filter(indicator=indicator).count()
    if existing + len(checked) > EVIDENCE_PER_INDICATOR:
        raise _invalid("files", _("每项指标最多%(n)d个佐证材料") % {"n": EVIDENCE_PER_INDICATOR})
    out = []
    for name, data, kind in checked:
        ev = Evidence(
            assessment=a,
            indicator=indicator,
            kind=kind,
            original_name=(name or f"evidence.{kind}")[-200:],
            uploaded_by=_user(actor),
        )
        _store(ev, data)
        audit_record(action="create", obj=ev, changes=diff({}, snapshot(ev)))
        out.append(ev)
    return out


@transaction.atomic
def evidence_delete(*, actor: Any, evidence: Evidence) -> None:
    if evidence.assessment_id is not None:
        a = _assessment_locked(actor, evidence.assessment, selectors.unit_level_q(actor))  # type: ignore[arg-type]
        if a.status != Assessment.Status.DRAFT or a.campaign.status != Campaign.Status.OPEN:
            raise Conflict(_("测评已提交，不能再删除佐证材料"), code="assessment_state")
    elif evidence.brand_id is not None:
        brand = evidence.brand
        assert brand is not None  # noqa: S101 - the check constraint holds it
        if not selectors.brand_branches(actor=actor).filter(pk=brand.party_org_id).exists():
            raise NotFound(_("文件不存在或无权操作"))
        if brand.status == Brand.Status.RECOGNISED:
            raise Conflict(_("品牌已命名，不能再删除材料"), code="brand_state")
    else:
        case = evidence.case
        assert case is not None  # noqa: S101 - the check constraint holds it
        if not Case.objects.filter(selectors.unit_level_q(actor), pk=case.pk).exists():
            raise NotFound(_("文件不存在或无权操作"))
        if case.status != Case.Status.SUBMITTED:
            raise Conflict(_("案例已进入评选，不能再删除材料"), code="case_state")
    before = snapshot(evidence)
    name = evidence.file.name
    evidence.delete()
    audit_record(
        action="delete",
        object_type="evaluation.evidence",
        object_id=str(before["id"]),
        object_repr=str(before["original_name"]),
        changes=diff(before, {}),
    )
    transaction.on_commit(lambda: evidence.file.storage.delete(name))


@transaction.atomic
def assessment_submit(
    *, actor: Any, assessment: Assessment, today: dt.date | None = None
) -> Assessment:
    """Submit by the deadline: every manual indicator scored, required evidence attached."""
    a = _assessment_locked(actor, assessment, selectors.unit_level_q(actor))
    if a.status != Assessment.Status.DRAFT:
        raise Conflict(_("测评已提交，不能重复提交"), code="assessment_state")
    if a.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("创建活动已公布结果，不能再提交"), code="campaign_state")
    today = today or timezone.localdate()
    if today > a.campaign.submit_by:
        raise Conflict(
            _("自评已于%(d)s截止，不能再提交") % {"d": a.campaign.submit_by.isoformat()},
            code="deadline",
        )
    manual = _manual(a)
    scores = {s.indicator_id: s for s in a.scores.all()}
    missing = [
        ind.name
        for pk, ind in manual.items()
        if scores.get(pk) is None or scores[pk].self_score is None
    ]
    if missing:
        raise _invalid("scores", _("以下指标还没有自评分：%(n)s") % {"n": "、".join(missing[:10])})
    with_files = set(a.evidence.values_list("indicator_id", flat=True))
    no_files = [
        ind.name for pk, ind in manual.items() if ind.evidence_required and pk not in with_files
    ]
    if no_files:
        raise _invalid(
            "evidence",
            _("以下指标须上传佐证材料：%(n)s") % {"n": "、".join(no_files[:10])},
        )
    before = snapshot(a)
    a.status = Assessment.Status.SUBMITTED
    a.submitted_at = timezone.now()
    a.returned_reason = ""
    a.save(update_fields=["status", "submitted_at", "returned_reason", "updated_at"])
    audit_record(action="update", obj=a, changes=diff(before, snapshot(a)))
    return a


# Review ---------------------------------------------------------------------------------------

APPROVE, RETURN = "approve", "return"


@transaction.atomic
def assessment_review(
    *,
    actor: Any,
    assessment: Assessment,
    action: str,
    scores: Mapping[int, tuple[Any, str]] | None = None,
    reason: str = "",
) -> Assessment:
    """One review step. A submitted assessment is reviewed by the unit's committee (the
    unit's administrator or the working committee); one reviewed by the committee, by the
    working committee. Each level's scores and comments are stored in its own columns;
    `return` sends it back to the unit as a draft with the reason."""
    if action not in (APPROVE, RETURN):
        raise _invalid("action", _("请选择审定或退回"))
    current = Assessment.objects.filter(pk=assessment.pk).values_list("status", flat=True).first()
    if current == Assessment.Status.SUBMITTED:
        level, q = "committee", selectors.unit_level_q(actor)
    elif current == Assessment.Status.REVIEWED:
        level, q = "final", selectors.working_committee_q(actor, "campaign__area")
    else:
        # Seen but not reviewable now: say why, or not-found for those who may not see it.
        selectors.assessment_get_for(actor, assessment.public_id)
        raise Conflict(
            _("该测评当前不在评审环节（%(s)s）") % {"s": assessment.get_status_display()},
            code="assessment_state",
        )
    a = _assessment_locked(actor, assessment, q)
    if a.status != current:
        raise Conflict(_("该测评刚被他人处理，请刷新后重试"), code="assessment_state")
    before = snapshot(a)
    manual = _manual(a)
    rows = {s.indicator_id: s for s in a.scores.all()}
    score_field, comment_field = (
        ("committee_score", "committee_comment")
        if level == "committee"
        else ("final_score", "final_comment")
    )
    changes: dict[str, Any] = {}
    for ind_id, (raw, comment) in (scores or {}).items():
        ind = manual.get(int(ind_id))
        if ind is None:
            raise _invalid(f"score_{ind_id}", _("指标不存在或是自动计算的指标"))
        value = _decimal(raw, f"score_{ind_id}", _("“%(n)s”的评分") % {"n": ind.name})
        _check_score(value, ind, f"score_{ind_id}")
        comment = (comment or "").strip()[:REASON_MAX]
        s = rows.get(ind.pk) or Score(assessment=a, indicator=ind)
        old = getattr(s, score_field)
        if old != value or getattr(s, comment_field) != comment:
            changes[ind.code] = [
                None if old is None else _fmt(old),
                None if value is None else _fmt(value),
            ]
            setattr(s, score_field, value)
            setattr(s, comment_field, comment)
            s.save()
    now = timezone.now()
    if action == RETURN:
        reason = reason.strip()
        if not reason:
            raise _invalid("reason", _("退回时请填写退回原因"))
        if len(reason) > REASON_MAX:
            raise _invalid("reason", _("退回原因不能超过%(m)d字") % {"m": REASON_MAX})
        a.status = Assessment.Status.DRAFT
        a.returned_reason = reason
        a.returned_at = now
        a.return_count += 1
        a.total, a.grade, a.rank = None, "", None
    elif level == "committee":
        a.status = Assessment.Status.REVIEWED
        a.committee_at = now
    else:
        a.status = Assessment.Status.APPROVED
        a.approved_at = now
    a.save()
    audit_record(
        action="update",
        obj=a,
        changes={**diff(before, snapshot(a)), "level": level, f"{level}_scores": changes},
        reason=reason if action == RETURN else "",
    )
    return a


# Objections -----------------------------------------------------------------------------------


@transaction.atomic
def objection_submit(
    *, actor: Any, assessment: Assessment, text: str, today: dt.date | None = None
) -> Objection:
    a = _assessment_locked(actor, assessment, selectors.unit_level_q(actor))
    c = a.campaign
    today = today or timezone.localdate()
    if c.status != Campaign.Status.PUBLISHED or c.published_on is None:
        raise Conflict(_("结果公布后、锁定前才能提出异议"), code="campaign_state")
    if today < c.published_on or (c.objection_until and today > c.objection_until):
        raise Conflict(
            _("异议期为%(a)s至%(b)s")
            % {
                "a": c.published_on.isoformat(),
                "b": (c.objection_until or c.published_on).isoformat(),
            },
            code="objection_window",
        )
    text = text.strip()
    if not text:
        raise _invalid("text", _("请填写异议内容"))
    if len(text) > TEXT_MAX:
        raise _invalid("text", _("异议内容不能超过%(m)d字") % {"m": TEXT_MAX})
    obj = Objection(assessment=a, text=text, submitted_by=_user(actor))
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise Conflict(_("已有一条异议待答复"), code="objection_open") from None
    audit_record(action="create", obj=obj, changes=diff({}, snapshot(obj)))
    return obj


@transaction.atomic
def objection_answer(*, actor: Any, objection: Objection, uphold: bool, reply: str) -> Objection:
    """The working committee answers. Upheld: the assessment goes back to the working
    committee's review, and the campaign is published again once it is re-approved."""
    obj = (
        Objection.objects.select_for_update(of=("self",))
        .filter(selectors.working_committee_q(actor, "assessment__campaign__area"), pk=objection.pk)
        .select_related("assessment__campaign")
        .first()
    )
    if obj is None:
        raise NotFound(_("异议不存在或无权答复"))
    if obj.status != Objection.Status.OPEN:
        raise Conflict(_("该异议已答复"), code="objection_state")
    if obj.assessment.campaign.status == Campaign.Status.LOCKED:
        raise Conflict(_("结果已锁定"), code="locked")
    reply = reply.strip()
    if not reply:
        raise _invalid("reply", _("请填写答复意见"))
    before = snapshot(obj)
    obj.status = Objection.Status.UPHELD if uphold else Objection.Status.DISMISSED
    obj.reply = reply[:TEXT_MAX]
    obj.answered_by = _user(actor)
    obj.answered_at = timezone.now()
    obj.save()
    audit_record(action="update", obj=obj, changes=diff(before, snapshot(obj)))
    if uphold:
        a = Assessment.objects.select_for_update().get(pk=obj.assessment_id)
        a_before = snapshot(a)
        a.status = Assessment.Status.REVIEWED
        a.total, a.grade, a.rank = None, "", None
        a.save()
        audit_record(
            action="update", obj=a, changes=diff(a_before, snapshot(a)), reason=_("异议已采纳")
        )
    return obj


# Brands ---------------------------------------------------------------------------------------


@transaction.atomic
def brand_apply(
    *,
    actor: Any,
    party_org: PartyOrg,
    name: str,
    description: str,
    files: Sequence[tuple[str, bytes]] = (),
    campaign: Campaign | None = None,
) -> Brand:
    if not selectors.brand_branches(actor=actor).filter(pk=party_org.pk).exists():
        raise NotFound(_("党支部不存在或无权申报"))
    name, description = name.strip(), description.strip()
    if not name:
        raise _invalid("name", _("请填写品牌名称"))
    if len(name) > 60:
        raise _invalid("name", _("品牌名称不能超过60字"))
    if not description:
        raise _invalid("description", _("请填写品牌简介"))
    if not files:
        raise _invalid("files", _("请上传至少一份佐证材料"))
    checked = [
        (n, d, check_document(d, name=n, max_bytes=EVIDENCE_MAX_BYTES).kind) for n, d in files
    ]
    brand = Brand(
        party_org=party_org,
        campaign=campaign,
        name=name,
        description=description[:TEXT_MAX],
        applied_by=_user(actor),
    )
    try:
        with transaction.atomic():
            brand.save()
    except IntegrityError:
        raise Conflict(
            _("%(o)s已有申报中或已命名的品牌") % {"o": party_org.name}, code="brand_exists"
        ) from None
    for n, d, kind in checked:
        _store(
            Evidence(
                brand=brand,
                kind=kind,
                original_name=n[-200:] or f"evidence.{kind}",
                uploaded_by=_user(actor),
            ),
            d,
        )
    audit_record(
        action="create", obj=brand, changes={**diff({}, snapshot(brand)), "files": len(checked)}
    )
    return brand


@transaction.atomic
def brand_review(
    *, actor: Any, brand: Brand, action: str, reason: str = "", on: dt.date | None = None
) -> Brand:
    b = (
        Brand.objects.select_for_update(of=("self",))
        .filter(
            selectors.working_committee_q(actor, "party_org__unit__area", "party_org__area"),
            pk=brand.pk,
        )
        .first()
    )
    if b is None:
        raise NotFound(_("品牌不存在或无权评审"))
    if b.status != Brand.Status.SUBMITTED:
        raise Conflict(_("该品牌不在待评审状态"), code="brand_state")
    before = snapshot(b)
    if action == "recognise":
        b.status = Brand.Status.RECOGNISED
        b.recognised_on = on or timezone.localdate()
    elif action == RETURN:
        reason = reason.strip()
        if not reason:
            raise _invalid("reason", _("退回时请填写退回原因"))
        b.status = Brand.Status.RETURNED
        b.reason = reason[:REASON_MAX]
    else:
        raise _invalid("action", _("请选择命名或退回"))
    b.save()
    audit_record(action="update", obj=b, changes=diff(before, snapshot(b)))
    return b


# Cases ----------------------------------------------------------------------------------------


@transaction.atomic
def case_submit(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    title: str,
    summary: str,
    files: Sequence[tuple[str, bytes]] = (),
) -> Case:
    if not Assessment.objects.filter(
        selectors.unit_level_q(actor), campaign=campaign, unit=unit
    ).exists():
        raise NotFound(_("单位未参加该创建活动，或无权申报"))
    if campaign.status == Campaign.Status.LOCKED:
        raise Conflict(_("创建活动已锁定"), code="locked")
    title, summary = title.strip(), summary.strip()
    if not title:
        raise _invalid("title", _("请填写案例标题"))
    if len(title) > 100:
        raise _invalid("title", _("案例标题不能超过100字"))
    if not summary:
        raise _invalid("summary", _("请填写案例简介"))
    checked = [
        (n, d, check_document(d, name=n, max_bytes=EVIDENCE_MAX_BYTES).kind) for n, d in files
    ]
    case = Case.objects.create(
        campaign=campaign,
        unit=unit,
        title=title,
        summary=summary[:TEXT_MAX],
        submitted_by=_user(actor),
    )
    for n, d, kind in checked:
        _store(
            Evidence(
                case=case,
                kind=kind,
                original_name=n[-200:] or f"evidence.{kind}",
                uploaded_by=_user(actor),
            ),
            d,
        )
    audit_record(action="create", obj=case, changes=diff({}, snapshot(case)))
    return case


@transaction.atomic
def case_shortlist(*, actor: Any, case: Case, shortlisted: bool) -> Case:
    c = (
        Case.objects.select_for_update(of=("self",))
        .filter(selectors.working_committee_q(actor, "campaign__area"), pk=case.pk)
        .select_related("campaign")
        .first()
    )
    if c is None:
        raise NotFound(_("案例不存在或无权评选"))
    if c.campaign.status == Campaign.Status.LOCKED or c.status == Case.Status.NAMED:
        raise Conflict(_("十佳案例已产生，不能再调整入围"), code="case_state")
    if not shortlisted and c.vote_count:
        raise Conflict(_("该案例已有投票，不能取消入围"), code="case_votes")
    before = snapshot(c)
    c.status = Case.Status.SHORTLISTED if shortlisted else Case.Status.SUBMITTED
    c.save(update_fields=["status", "updated_at"])
    audit_record(action="update", obj=c, changes=diff(before, snapshot(c)))
    return c


@transaction.atomic
def case_vote(*, actor: Any, case: Case, today: dt.date | None = None) -> CaseVote:
    """A member's one vote in the campaign. The unique constraint on (campaign, member) holds
    it under any number of simultaneous votes; the count is a conditional UPDATE."""
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        raise PermissionDenied(_("只有党员可以投票"))
    c = selectors.case_get_for(actor, case.public_id)
    campaign = c.campaign
    today = today or timezone.localdate()
    if c.status != Case.Status.SHORTLISTED:
        raise Conflict(_("只能为入围案例投票"), code="case_state")
    if campaign.status == Campaign.Status.LOCKED or (
        campaign.vote_until is not None and today > campaign.vote_until
    ):
        raise Conflict(_("投票已截止"), code="vote_closed")
    if Case.objects.filter(campaign=campaign, status=Case.Status.NAMED).exists():
        raise Conflict(_("十佳案例已产生，投票已结束"), code="vote_closed")
    vote = CaseVote(campaign=campaign, case=c, member_id=member_id)
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError:
        raise Conflict(_("您已在本次活动中投过票，每人限投一票"), code="voted") from None
    Case.objects.filter(pk=c.pk).update(vote_count=F("vote_count") + 1)
    audit_record(action="create", obj=vote, changes={"case": c.pk, "campaign": campaign.pk})
    return vote


@transaction.atomic
def cases_name_top(*, actor: Any, campaign: Campaign, n: int = TOP_CASES) -> list[Case]:
    """Name the top ten shortlisted cases by votes; the rest of the shortlist is not
    selected. Votes end."""
    c = _campaign_for_manage(actor, campaign)
    shortlist = list(
        Case.objects.select_for_update().filter(campaign=c, status=Case.Status.SHORTLISTED)
    )
    if not shortlist:
        raise Conflict(_("还没有入围案例"), code="no_shortlist")
    counts = {k.pk: k.vote_count for k in shortlist}
    order = scoring.top(
        counts, n, tie_break={k.pk: f"{k.created_at.isoformat()}" for k in shortlist}
    )
    place = {pk: i for i, pk in enumerate(order, start=1)}
    for k in shortlist:
        if k.pk in place:
            k.status, k.place = Case.Status.NAMED, place[k.pk]
        else:
            k.status, k.place = Case.Status.NOT_SELECTED, None
    Case.objects.bulk_update(shortlist, ["status", "place"])
    audit_record(
        action="update",
        obj=c,
        changes={"top_cases": [[place[pk], pk, counts[pk]] for pk in order]},
    )
    return sorted((k for k in shortlist if k.pk in place), key=lambda k: k.place or 0)


# Awards ---------------------------------------------------------------------------------------


@transaction.atomic
def award_create(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit,
    title: str = "",
    on: dt.date | None = None,
) -> Award:
    """Name a model unit (标兵单位) of a published campaign, with a certificate number."""
    c = (
        Campaign.objects.select_for_update(of=("self",))
        .filter(selectors.working_committee_q(actor, "area"), pk=campaign.pk)
        .first()
    )
    if c is None:
        raise NotFound(_("创建活动不存在或无权管理"))
    if c.status == Campaign.Status.OPEN:
        raise Conflict(_("结果公布后才能表彰"), code="campaign_state")
    a = Assessment.objects.filter(campaign=c, unit=unit).first()
    if a is None or a.status != Assessment.Status.APPROVED or a.rank is None:
        raise _invalid("unit", _("%(u)s没有审定的测评结果，不能表彰") % {"u": unit.name})
    title = (title or _("模范机关标兵单位")).strip()[:60]
    if Award.objects.filter(campaign=c, unit=unit, title=title).exists():
        raise Conflict(_("%(u)s已获得“%(t)s”") % {"u": unit.name, "t": title}, code="award_exists")
    on = on or timezone.localdate()
    seq = Award.objects.filter(campaign=c).count() + 1
    award = Award.objects.create(
        campaign=c,
        unit=unit,
        title=title,
        number=f"MF{on:%Y}-{c.pk:04d}-{seq:03d}",
        awarded_on=on,
        awarded_by=_user(actor),
    )
    audit_record(action="create", obj=award, changes=diff({}, snapshot(award)))
    return award
