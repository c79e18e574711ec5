"""Cases: units submit them, the working committee shortlists, members vote once per
campaign, and the top ten are named."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import not_own, one, pk_of, user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, NotFound, PermissionDenied
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_text, invalid, public_key
from gongjian.evaluation import scoring, selectors
from gongjian.evaluation.models import Assessment, Campaign, Case, CaseVote
from gongjian.evaluation.services.assessments import TEXT_MAX, attach, check_evidence
from gongjian.evaluation.services.campaigns import campaign_for_manage
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Unit

TOP_CASES = 10


def _taking_part(
    actor: Any,
    assessment: Assessment | int | str | None,
    campaign: Campaign | int | str | None,
    unit: Unit | int | str | None,
) -> Assessment:
    """The campaign and unit a case is submitted for — named by the assessment that joins
    them, or by both — among the units the actor acts for."""
    qs = Assessment.objects.filter(selectors.unit_level_q(actor)).select_related("campaign", "unit")
    if assessment not in (None, ""):
        pk = pk_of(assessment)
        found = qs.filter(pk=pk).first() if str(pk).isdigit() else None
        if found is None:
            raise invalid("assessment", _("请选择创建活动和单位"))
        return found
    if campaign is None or unit is None:
        raise invalid("assessment", _("请选择创建活动和单位"))
    found = qs.filter(campaign_id=pk_of(campaign), unit_id=pk_of(unit)).first()
    if found is None:
        raise NotFound(_("单位未参加该创建活动，或无权申报"))
    return found


@transaction.atomic
def case_submit(
    *,
    actor: Any,
    campaign: Campaign | int | str | None = None,
    unit: Unit | int | str | None = None,
    assessment: Assessment | int | str | None = None,
    title: str,
    summary: str,
    files: Sequence[tuple[str, bytes]] = (),
) -> Case:
    """A unit's case for a campaign it takes part in (named by the campaign and the unit, or
    by the assessment that joins them)."""
    joined = _taking_part(actor, assessment, campaign, unit)
    if joined.campaign.status == Campaign.Status.LOCKED:
        raise Conflict(_("创建活动已锁定"), code="locked")
    title = clean_text("title", title, _("案例标题"), 100)
    summary = clean_text("summary", summary, _("案例简介"), TEXT_MAX, multiline=True)
    checked = [check_evidence(d, n) for n, d in files]
    case = Case.objects.create(
        campaign=joined.campaign,
        unit=joined.unit,
        title=title,
        summary=summary,
        submitted_by=user_of(actor),
    )
    attach(actor, files, checked, case=case)
    audit_record(action="create", obj=case, changes=diff({}, snapshot(case)))
    return case


def _key(case: Case | str | uuid.UUID, message: str) -> uuid.UUID:
    return case.public_id if isinstance(case, Case) else public_key(case, message=message)


@transaction.atomic
def case_shortlist(*, actor: Any, case: Case | str | uuid.UUID, shortlisted: bool) -> Case:
    message = _("案例不存在或无权评选")
    c = one(
        Case.objects.filter(scope.committee_q(actor, "campaign__area")).select_related("campaign"),
        message,
        lock=True,
        public_id=_key(case, message),
    )
    if c.campaign.status == Campaign.Status.LOCKED or c.status == Case.Status.NAMED:
        raise Conflict(_("十佳案例已产生，不能再调整入围"), code="case_state")
    not_own(actor, c.submitted_by_id, message=_("提交案例的人不能评选这个案例"))
    if not shortlisted and c.vote_count:
        raise Conflict(_("该案例已有投票，不能取消入围"), code="case_votes")
    status = Case.Status.SHORTLISTED if shortlisted else Case.Status.SUBMITTED
    model_update(instance=c, data={"status": status}, allowed={"status"})
    return c


@transaction.atomic
def case_vote(
    *, actor: Any, case: Case | str | uuid.UUID, today: dt.date | None = None
) -> CaseVote:
    """A member's one vote in the campaign. The unique constraint on (campaign, member) holds
    it under any number of simultaneous votes; the count is a conditional UPDATE."""
    c = selectors.case_get_for(actor, case)
    member = org_selectors.member_of(actor)
    if member is None:
        raise PermissionDenied(_("只有党员可以投票"))
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
    vote = CaseVote(campaign=campaign, case=c, member=member)
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError:
        raise Conflict(_("您已在本次活动中投过票，每人限投一票"), code="voted") from None
    Case.objects.filter(pk=c.pk).update(vote_count=F("vote_count") + 1)
    audit_record(action="create", obj=vote, changes={"case": c.pk, "campaign": campaign.pk})
    return vote


@transaction.atomic
def cases_name_top(*, actor: Any, campaign: Campaign | int | str, n: int = TOP_CASES) -> list[Case]:
    """Name the top ten shortlisted cases by votes; the rest of the shortlist is not
    selected. Votes end."""
    c = campaign_for_manage(actor, campaign)
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
