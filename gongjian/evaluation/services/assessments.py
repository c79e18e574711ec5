"""A unit's self-assessment: its scores and statements, its evidence, its submission."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import one, pk_of, user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, NotFound
from gongjian.core.files import check_document
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_decimal, clean_text, invalid, public_key
from gongjian.evaluation import selectors
from gongjian.evaluation.models import Assessment, Brand, Campaign, Case, Evidence, Indicator, Score
from gongjian.evaluation.services.frameworks import plain

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_PER_INDICATOR = 10
TEXT_MAX = 2000
REASON_MAX = 300


def assessment_locked(actor: Any, assessment: Assessment | str | uuid.UUID, q: Q) -> Assessment:
    """The assessment, through `q` (who may act on it), locked; refused once locked for good."""
    message = _("测评不存在或无权操作")
    key: dict[str, Any] = (
        {"pk": assessment.pk}
        if isinstance(assessment, Assessment)
        else {"public_id": public_key(assessment, message=message)}
    )
    qs = Assessment.objects.filter(q).select_related("campaign__framework", "unit")
    a = one(qs, message, lock=True, **key)
    if a.campaign.status == Campaign.Status.LOCKED:
        raise Conflict(_("结果已锁定，不能再修改"), code="locked")
    return a


def manual_indicators(assessment: Assessment) -> dict[int, Indicator]:
    return {
        i.pk: i
        for i in selectors.framework_leaves(assessment.campaign.framework)
        if not i.is_computed
    }


def score_value(raw: Any, ind: Indicator, field: str, label: str) -> Decimal | None:
    """A score of one indicator: a number from 0 to the indicator's maximum, at most two
    decimals; empty is no score."""
    value = clean_decimal(field, raw, label, places=None, required=False)
    if value is None:
        return None
    if value < 0:
        raise invalid(field, _("指标“%(n)s”的得分不能为负数") % {"n": ind.name})
    if value > ind.max_score:
        raise invalid(
            field,
            _("指标“%(n)s”的得分%(s)s超过满分%(m)s")
            % {"n": ind.name, "s": plain(value), "m": plain(ind.max_score)},
        )
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise invalid(field, _("指标“%(n)s”的得分最多两位小数") % {"n": ind.name})
    return value


@transaction.atomic
def assessment_save(
    *,
    actor: Any,
    assessment: Assessment | str | uuid.UUID,
    scores: Mapping[int, tuple[Any, str]],
    summary: str | None = None,
) -> Assessment:
    """The unit's own score and statement for manual indicators, while it is a draft."""
    a = assessment_locked(actor, assessment, selectors.unit_level_q(actor))
    if a.status != Assessment.Status.DRAFT:
        raise Conflict(
            _("测评已提交（%(s)s），不能再修改自评") % {"s": a.get_status_display()},
            code="assessment_state",
        )
    if a.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("创建活动已公布结果，不能再修改自评"), code="campaign_state")
    manual = manual_indicators(a)
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    for ind_id, (raw, statement) in scores.items():
        ind = manual.get(int(ind_id))
        if ind is None:
            raise invalid(f"score_{ind_id}", _("指标不存在或是自动计算的指标"))
        label = _("“%(n)s”的自评分") % {"n": ind.name}
        value = score_value(raw, ind, f"score_{ind_id}", label)
        text = clean_text(
            f"statement_{ind_id}",
            statement,
            _("“%(n)s”的说明") % {"n": ind.name},
            TEXT_MAX,
            required=False,
            multiline=True,
        )
        parsed[ind.pk] = (value, text)
    rows = {s.indicator_id: s for s in a.scores.filter(indicator_id__in=list(parsed))}
    changes: dict[str, Any] = {}
    for ind_id, (value, text) in parsed.items():
        s = rows.get(ind_id) or Score(assessment=a, indicator_id=ind_id)
        if s.self_score != value or s.statement != text:
            changes[manual[ind_id].code] = [
                None if s.self_score is None else plain(s.self_score),
                None if value is None else plain(value),
            ]
            s.self_score, s.statement = value, text
            s.save()
    if summary is not None:
        text = clean_text("summary", summary, _("总结"), 5000, required=False, multiline=True)
        if text != a.summary:
            changes["summary"] = [a.summary[:50], text[:50]]
            a.summary = text
            a.save(update_fields=["summary", "updated_at"])
    if changes:
        audit_record(action="update", obj=a, changes={"self_scores": changes})
    return a


def check_evidence(data: bytes, name: str = "") -> str:
    """The type of an evidence file, told by its bytes: PDF, JPEG, PNG, or a Word or Excel
    document (`core.files.check_document`). Anything else is refused."""
    return check_document(data, name=name, max_bytes=EVIDENCE_MAX_BYTES).kind


def store_evidence(ev: Evidence, data: bytes) -> None:
    ev.size = len(data)
    ev.sha256 = hashlib.sha256(data).hexdigest()
    ev.file.save(f"evidence.{ev.kind}", ContentFile(data), save=False)
    ev.save()


def attach(
    actor: Any, files: Sequence[tuple[str, bytes]], checked: list[str], **owner: Any
) -> list[Evidence]:
    """Store checked files as the evidence of an assessment, a brand or a case."""
    out = []
    for (name, data), kind in zip(files, checked, strict=True):
        ev = Evidence(
            kind=kind,
            original_name=(name or f"evidence.{kind}")[-200:],
            uploaded_by=user_of(actor),
            **owner,
        )
        store_evidence(ev, data)
        out.append(ev)
    return out


@transaction.atomic
def evidence_add(
    *,
    actor: Any,
    assessment: Assessment | str | uuid.UUID,
    indicator: Indicator | int | str | None,
    files: Sequence[tuple[str, bytes]],
) -> list[Evidence]:
    a = assessment_locked(actor, assessment, selectors.unit_level_q(actor))
    if a.status != Assessment.Status.DRAFT or a.campaign.status != Campaign.Status.OPEN:
        raise Conflict(_("测评已提交，不能再上传佐证材料"), code="assessment_state")
    if not files:
        raise invalid("files", _("请选择要上传的文件"))
    ind = None
    if indicator not in (None, ""):
        pk = pk_of(indicator)
        ind = (
            Indicator.objects.filter(framework_id=a.campaign.framework_id, pk=pk).first()
            if str(pk).isdigit()
            else None
        )
        if ind is None:
            raise invalid("indicator", _("指标不属于本次考评体系"))
    checked = [check_evidence(data, name) for name, data in files]
    existing = a.evidence.filter(indicator=ind).count()
    if existing + len(checked) > EVIDENCE_PER_INDICATOR:
        raise invalid("files", _("每项指标最多%(n)d个佐证材料") % {"n": EVIDENCE_PER_INDICATOR})
    out = attach(actor, files, checked, assessment=a, indicator=ind)
    for ev in out:
        audit_record(action="create", obj=ev, changes=diff({}, snapshot(ev)))
    return out


@transaction.atomic
def evidence_delete(*, actor: Any, evidence: Evidence | str | uuid.UUID) -> Evidence:
    """Remove a file while what it belongs to may still change; returns it (deleted)."""
    ev = selectors.evidence_get_for(actor, evidence)
    if ev.assessment_id is not None:
        a = assessment_locked(actor, ev.assessment, selectors.unit_level_q(actor))  # type: ignore[arg-type]
        if a.status != Assessment.Status.DRAFT or a.campaign.status != Campaign.Status.OPEN:
            raise Conflict(_("测评已提交，不能再删除佐证材料"), code="assessment_state")
    elif ev.brand_id is not None:
        brand = ev.brand
        assert brand is not None  # noqa: S101 - the check constraint holds it
        if not selectors.brand_branches(actor=actor).filter(pk=brand.party_org_id).exists():
            raise NotFound(_("文件不存在或无权操作"))
        if brand.status == Brand.Status.RECOGNISED:
            raise Conflict(_("品牌已命名，不能再删除材料"), code="brand_state")
    else:
        case = ev.case
        assert case is not None  # noqa: S101 - the check constraint holds it
        if not Case.objects.filter(selectors.unit_level_q(actor), pk=case.pk).exists():
            raise NotFound(_("文件不存在或无权操作"))
        if case.status != Case.Status.SUBMITTED:
            raise Conflict(_("案例已进入评选，不能再删除材料"), code="case_state")
    before = snapshot(ev)
    name = ev.file.name
    ev.delete()
    audit_record(
        action="delete",
        object_type="evaluation.evidence",
        object_id=str(before["id"]),
        object_repr=str(before["original_name"]),
        changes=diff(before, {}),
    )
    transaction.on_commit(lambda: ev.file.storage.delete(name))
    return ev


@transaction.atomic
def assessment_submit(
    *, actor: Any, assessment: Assessment | str | uuid.UUID, today: dt.date | None = None
) -> Assessment:
    """Submit by the deadline: every manual indicator scored, required evidence attached."""
    a = assessment_locked(actor, assessment, selectors.unit_level_q(actor))
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
    manual = manual_indicators(a)
    scores = {s.indicator_id: s for s in a.scores.all()}
    missing = [
        ind.name
        for pk, ind in manual.items()
        if scores.get(pk) is None or scores[pk].self_score is None
    ]
    if missing:
        raise invalid("scores", _("以下指标还没有自评分：%(n)s") % {"n": "、".join(missing[:10])})
    with_files = set(a.evidence.values_list("indicator_id", flat=True))
    no_files = [
        ind.name for pk, ind in manual.items() if ind.evidence_required and pk not in with_files
    ]
    if no_files:
        raise invalid(
            "evidence",
            _("以下指标须上传佐证材料：%(n)s") % {"n": "、".join(no_files[:10])},
        )
    model_update(
        instance=a,
        data={
            "status": Assessment.Status.SUBMITTED,
            "submitted_at": timezone.now(),
            "submitted_by": user_of(actor),
            "returned_reason": "",
        },
        allowed={"status", "submitted_at", "submitted_by", "returned_reason"},
    )
    return a
