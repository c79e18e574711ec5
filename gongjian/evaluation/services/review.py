"""Review: the unit's committee, then the working committee, approve or return a submitted
assessment; objections to published results are answered by the working committee."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import not_own, one, user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict
from gongjian.core.validation import clean_text, invalid
from gongjian.evaluation import selectors
from gongjian.evaluation.models import Assessment, Campaign, Objection, Score
from gongjian.evaluation.services.assessments import (
    REASON_MAX,
    TEXT_MAX,
    assessment_locked,
    manual_indicators,
    score_value,
)
from gongjian.evaluation.services.frameworks import plain
from gongjian.orgs import scope

APPROVE, RETURN = "approve", "return"


@transaction.atomic
def assessment_review(
    *,
    actor: Any,
    assessment: Assessment | str | uuid.UUID,
    action: str,
    scores: Mapping[int, tuple[Any, str]] | None = None,
    reason: str = "",
) -> Assessment:
    """One review step. A submitted assessment is reviewed by the unit's committee (the
    unit's administrator or the working committee); one reviewed by the committee, by the
    working committee. Each level's scores and comments are stored in its own columns;
    `return` sends it back to the unit as a draft with the reason."""
    if action not in (APPROVE, RETURN):
        raise invalid("action", _("请选择审定或退回"))
    seen = selectors.assessment_get_for(actor, assessment)
    if seen.status == Assessment.Status.SUBMITTED:
        level, q = "committee", selectors.unit_level_q(actor)
    elif seen.status == Assessment.Status.REVIEWED:
        level, q = "final", scope.committee_q(actor, "campaign__area")
    else:
        raise Conflict(
            _("该测评当前不在评审环节（%(s)s）") % {"s": seen.get_status_display()},
            code="assessment_state",
        )
    current = seen.status
    a = assessment_locked(actor, seen, q)
    if a.status != current:
        raise Conflict(_("该测评刚被他人处理，请刷新后重试"), code="assessment_state")
    not_own(actor, a.submitted_by_id, message=_("提交测评的人不能审核或审定这份测评"))
    before = snapshot(a)
    manual = manual_indicators(a)
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
            raise invalid(f"score_{ind_id}", _("指标不存在或是自动计算的指标"))
        value = score_value(raw, ind, f"score_{ind_id}", _("“%(n)s”的评分") % {"n": ind.name})
        comment = clean_text(f"comment_{ind_id}", comment, _("意见"), 2000, required=False)
        comment = comment[:REASON_MAX]
        s = rows.get(ind.pk) or Score(assessment=a, indicator=ind)
        old = getattr(s, score_field)
        if old != value or getattr(s, comment_field) != comment:
            changes[ind.code] = [
                None if old is None else plain(old),
                None if value is None else plain(value),
            ]
            setattr(s, score_field, value)
            setattr(s, comment_field, comment)
            s.save()
    now = timezone.now()
    if action == RETURN:
        reason = clean_text("reason", reason, _("退回原因"), REASON_MAX, required=False)
        if not reason:
            raise invalid("reason", _("退回时请填写退回原因"))
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
    *,
    actor: Any,
    assessment: Assessment | str | uuid.UUID,
    text: str,
    today: dt.date | None = None,
) -> Objection:
    a = assessment_locked(actor, assessment, selectors.unit_level_q(actor))
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
    text = clean_text("text", text, _("异议内容"), TEXT_MAX, multiline=True)
    obj = Objection(assessment=a, text=text, submitted_by=user_of(actor))
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise Conflict(_("已有一条异议待答复"), code="objection_open") from None
    audit_record(action="create", obj=obj, changes=diff({}, snapshot(obj)))
    return obj


@transaction.atomic
def objection_answer(
    *, actor: Any, objection: Objection | int | str, uphold: bool, reply: str
) -> Objection:
    """The working committee answers. Upheld: the assessment goes back to the working
    committee's review, and the campaign is published again once it is re-approved."""
    obj = one(
        Objection.objects.filter(
            scope.committee_q(actor, "assessment__campaign__area")
        ).select_related("assessment__campaign"),
        _("异议不存在或无权答复"),
        pk=objection,
        lock=True,
    )
    if obj.status != Objection.Status.OPEN:
        raise Conflict(_("该异议已答复"), code="objection_state")
    not_own(actor, obj.submitted_by_id, message=_("不能答复自己提出的异议"))
    if obj.assessment.campaign.status == Campaign.Status.LOCKED:
        raise Conflict(_("结果已锁定"), code="locked")
    reply = clean_text("reply", reply, _("答复意见"), TEXT_MAX, multiline=True)
    before = snapshot(obj)
    obj.status = Objection.Status.UPHELD if uphold else Objection.Status.DISMISSED
    obj.reply = reply
    obj.answered_by = user_of(actor)
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
