"""Frameworks: the indicator trees units are assessed against. Shared templates belong to the
platform; a district's own frameworks (new, or copied from a template) to its working
committee, editable until a campaign uses them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import one, pk_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_choice, clean_decimal, clean_int, clean_text, invalid
from gongjian.evaluation import metrics, scoring, selectors
from gongjian.evaluation.models import Framework, Indicator
from gongjian.orgs import scope
from gongjian.orgs.models import Area

MAX_WEIGHT = Decimal(1000)


def plain(d: Decimal) -> str:
    """A decimal as people write it: 90, 92.5 (never 9E+1)."""
    return f"{d.normalize():f}"


def committee_district(actor: Any, area: Area | int | str | None) -> Area | None:
    """A district whose working committee the actor is, by id (or the row itself); None when
    none is named or it is not theirs."""
    if area is None or area == "":
        return None
    if isinstance(area, Area):
        return area if scope.is_committee(actor, area) else None
    pk = pk_of(area)
    return selectors.committee_districts(actor).filter(pk=pk).first() if str(pk).isdigit() else None


def _framework_for_write(actor: Any, framework: Framework | int | str) -> Framework:
    locked = one(
        Framework.objects.filter(selectors.framework_q(actor, write=True)),
        _("考评体系不存在或无权修改"),
        pk=framework,
        lock=True,
    )
    if locked.campaigns.exists():
        raise Conflict(
            _("考评体系“%(n)s”已被创建活动使用，不能再修改；请复制后修改副本") % {"n": locked.name},
            code="framework_in_use",
        )
    return locked


def _code(code: str, label: str) -> str:
    code = clean_text("code", code, label, 40)
    if Framework.objects.filter(code=code).exists():
        raise invalid("code", _("编码%(c)s已被使用") % {"c": code})
    return code


@transaction.atomic
def framework_create(
    *,
    actor: Any,
    code: str,
    name: str,
    description: str = "",
    area: Area | int | str | None,
) -> Framework:
    """A new framework: a district's (its working committee), or, with no district, a shared
    template (the platform administrator)."""
    district = committee_district(actor, area)
    if area in (None, "") and not scope.posts_of(actor).superuser:
        raise PermissionDenied(_("只有平台管理员可以新建通用考评体系"))
    if area not in (None, "") and district is None:
        raise PermissionDenied(_("只有区直机关工委可以为本区新建考评体系"))
    code = _code(code, _("编码"))
    fw = Framework(
        code=code,
        name=clean_text("name", name, _("名称"), 60),
        description=clean_text(
            "description", description, _("说明"), 2000, required=False, multiline=True
        ),
        area=district,
    )
    fw.full_clean()
    fw.save()
    audit_record(action="create", obj=fw, changes=diff({}, snapshot(fw)))
    return fw


@transaction.atomic
def framework_copy(
    *,
    actor: Any,
    framework: Framework | int | str,
    area: Area | int | str | None,
    code: str,
    name: str = "",
) -> Framework:
    """A district's own editable copy of a framework (a seeded template or an older one)."""
    source = selectors.framework_get_for(actor, framework)
    district = committee_district(actor, area)
    if district is None:
        raise NotFound(_("只有区直机关工委可以为本区复制考评体系"))
    copy = Framework.objects.create(
        code=_code(code, _("编码")),
        name=clean_text("name", name or source.name, _("名称"), 60),
        description=source.description,
        area=district,
    )
    new_id: dict[int, Indicator] = {}
    for row in selectors.framework_tree(source):
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
        changes={"copied_from": source.pk, "indicators": len(new_id)},
    )
    return copy


def _number(value: Any, label: str) -> Decimal | None:
    return clean_decimal("thresholds", value, label, places=None, required=False)


def parse_thresholds(raw: Any, ind_name: str, max_score: Decimal) -> list[list[str]]:
    """`[[min_value, score], …]` (or the text "60:60, 80:80, 95:100"): numbers, scores
    within the maximum, minimums strictly increasing."""
    if isinstance(raw, str):
        steps: list[Any] = []
        for part in raw.replace("，", ",").replace("：", ":").split(","):
            if part.strip():
                if ":" not in part:
                    raise invalid(
                        "thresholds",
                        _("指标“%(n)s”的分档应写成“数值:得分”，用逗号分隔") % {"n": ind_name},
                    )
                steps.append(part.split(":", 1))
        raw = steps
    out: list[list[str]] = []
    previous: Decimal | None = None
    for step in raw or []:
        if not isinstance(step, list | tuple) or len(step) != 2:
            raise invalid("thresholds", _("指标“%(n)s”的分档格式不正确") % {"n": ind_name})
        minimum = _number(step[0], _("分档数值"))
        score = _number(step[1], _("分档得分"))
        if minimum is None or score is None:
            raise invalid("thresholds", _("指标“%(n)s”的分档不完整") % {"n": ind_name})
        if score < 0 or score > max_score:
            raise invalid(
                "thresholds",
                _("指标“%(n)s”的分档得分%(s)s超出0至满分%(m)s")
                % {"n": ind_name, "s": plain(score), "m": plain(max_score)},
            )
        if previous is not None and minimum <= previous:
            raise invalid("thresholds", _("指标“%(n)s”的分档数值应从小到大排列") % {"n": ind_name})
        previous = minimum
        out.append([plain(minimum), plain(score)])
    return out


def _positive(field: str, value: Any, label: str, name: str) -> Decimal:
    number = clean_decimal(field, value, label, places=None, required=False)
    if number is None or number <= 0:
        raise invalid(field, _("指标“%(n)s”的%(l)s应大于0") % {"n": name, "l": label})
    if number > MAX_WEIGHT or number.as_tuple().exponent < -2:  # type: ignore[operator]
        raise invalid(
            field, _("指标“%(n)s”的%(l)s应不超过1000，最多两位小数") % {"n": name, "l": label}
        )
    return number


@transaction.atomic
def indicator_save(
    *,
    actor: Any,
    framework: Framework | int | str,
    indicator: Indicator | int | str | None = None,
    parent: Indicator | int | str | None = None,
    code: str,
    name: str,
    weight: Any,
    max_score: Any = 100,
    rubric: str = "",
    evidence_required: bool = False,
    method: str = Indicator.Method.MANUAL,
    metric: str = "",
    thresholds: Any = (),
    order: Any = 0,
) -> Indicator:
    """Add or change a node of a framework. The framework goes back to draft: its weights are
    checked again when it is published."""
    fw = _framework_for_write(actor, framework)
    nodes = Indicator.objects.filter(framework=fw)
    ind = (
        Indicator(framework=fw)
        if indicator in (None, "")
        else one(nodes, _("指标不存在或无权修改"), pk=indicator, lock=True)
    )
    code = clean_text("code", code, _("指标编号"), 20)
    name = clean_text("name", name, _("指标名称"), 100)
    w = _positive("weight", weight, _("权重"), name)
    m = _positive("max_score", max_score if max_score not in (None, "") else 100, _("满分"), name)
    up = None
    if parent not in (None, ""):
        up = nodes.filter(pk=pk_of(parent)).first() if str(pk_of(parent)).isdigit() else None
        if up is None:
            raise invalid("parent", _("上级指标不属于该考评体系"))
    method = clean_choice("method", method, _("评分方式"), Indicator.Method.choices)
    steps: list[list[str]] = []
    if method == Indicator.Method.COMPUTED:
        if metric not in metrics.registry():
            raise invalid("metric", _("指标“%(n)s”请选择可用的数据来源") % {"n": name})
        steps = parse_thresholds(thresholds, name, m)
        if not steps:
            raise invalid("thresholds", _("指标“%(n)s”请填写分档") % {"n": name})
    else:
        metric = ""
    if nodes.filter(code=code).exclude(pk=ind.pk).exists():
        raise invalid("code", _("指标编号%(c)s已存在") % {"c": code})
    if up is not None and ind.pk is not None:
        node: Indicator | None = up
        while node is not None:
            if node.pk == ind.pk:
                raise invalid("parent", _("上级指标不能是它自己或它的下级"))
            node = node.parent
    before = snapshot(ind) if ind.pk is not None else {}
    ind.parent = up
    ind.code, ind.name = code, name
    ind.order = clean_int("order", order or 0, _("排序"), minimum=0, maximum=9999)
    ind.weight, ind.max_score = w, m
    ind.rubric = clean_text("rubric", rubric, _("评分标准"), 5000, required=False, multiline=True)
    ind.evidence_required = bool(evidence_required)
    ind.method, ind.metric, ind.thresholds = method, metric, steps
    ind.save()
    _unpublish(fw)
    audit_record(
        action="update" if before else "create", obj=ind, changes=diff(before, snapshot(ind))
    )
    return ind


@transaction.atomic
def indicator_delete(
    *,
    actor: Any,
    indicator: Indicator | int | str,
    framework: Framework | int | str | None = None,
) -> Framework:
    """Remove a node (and what hangs below it) from a framework, named by the route when
    given; returns the framework."""
    ind = selectors.indicator_get_for(actor, indicator, write=True)
    if framework is not None and str(ind.framework_id) != str(pk_of(framework)):
        raise NotFound(_("指标不存在或无权修改"))
    fw = _framework_for_write(actor, ind.framework_id)
    before = snapshot(ind)
    ind.delete()
    _unpublish(fw)
    audit_record(
        action="delete",
        object_type="evaluation.indicator",
        object_id=str(before["id"]),
        object_repr=str(before["name"]),
        changes=diff(before, {}),
    )
    return fw


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
    flat = [scoring.Node(n.pk, n.parent_id, n.name, n.weight, n.max_score) for n in nodes]
    out = []
    for p in scoring.weight_problems(flat):
        if p.node_id is None:
            out.append(_("一级指标的权重合计为%(a)s，应为100") % {"a": plain(p.actual)})
        else:
            out.append(
                _("“%(n)s”的下级指标权重合计为%(a)s，应等于其权重%(e)s")
                % {"n": by_id[p.node_id].name, "a": plain(p.actual), "e": plain(p.expected)}
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
def framework_publish(*, actor: Any, framework: Framework | int | str) -> Framework:
    fw = selectors.framework_get_for(actor, framework, write=True, lock=True)
    problems = framework_problems(fw)
    if problems:
        raise ValidationFailed(problems[0], fields={"weights": problems})
    model_update(
        instance=fw,
        data={"status": Framework.Status.PUBLISHED, "published_at": timezone.now()},
        allowed={"status", "published_at"},
    )
    return fw
