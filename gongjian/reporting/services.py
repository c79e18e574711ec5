"""Every write of 双报到: validated, scoped, atomic, audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import not_own, one
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, NotFound, PermissionDenied
from gongjian.core.validation import clean_choice, clean_text, invalid
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs import services as org_services
from gongjian.orgs.models import Area, Member, PartyOrg, Unit
from gongjian.reporting import selectors
from gongjian.reporting.models import MemberReport, OrgReport

REASON_MAX = 200
NOTE_MAX = 200
M = TypeVar("M", bound=Model)
# The kinds of notice this app sends (orgs.Notice.kind).
REMINDER = "reminder"
DECISION = "decision"
# What a community may do with a pairing (`org_report_decide`).
PAIRING_ACTIONS = ("confirm", "reject", "end")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(qs: QuerySet[M]) -> QuerySet[M]:
    """Lock the rows of the model itself, not the areas joined for the scope."""
    return qs.select_for_update(of=("self",))


def _place(value: Area | int | str | None, kind: str) -> Area | None:
    """A place of the public directory, given as an area or its id; None when absent."""
    if isinstance(value, Area) or value is None:
        return value
    return selectors.place(value, kind)


def check_place(*, community: Area | None, grid: Area | None) -> None:
    if community is None or community.kind != Area.Kind.COMMUNITY:
        raise invalid("community", _("请选择居住的社区"))
    if grid is not None and (grid.kind != Area.Kind.GRID or grid.parent_id != community.pk):
        raise invalid("grid", _("所选网格不属于%(c)s") % {"c": community.name})


def _key(report: MemberReport | uuid.UUID | str) -> Any:
    return report.public_id if isinstance(report, MemberReport) else report


# A member reports -----------------------------------------------------------------------------


@transaction.atomic
def member_report_submit(
    *,
    actor: Any,
    community: Area | int | str | None,
    grid: Area | int | str | None = None,
) -> MemberReport:
    """The member reports to the community (and grid) where they live, given as places of the
    public directory or their ids. A pending report must be withdrawn first; a confirmed one
    stays until the new one is confirmed."""
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        raise PermissionDenied(_("您的账号未关联党员档案，不能报到"))
    community = _place(community, Area.Kind.COMMUNITY)
    grid = _place(grid, Area.Kind.GRID)
    # Serialise one member's submissions (the constraints hold regardless).
    member = Member.objects.select_for_update().filter(pk=member_id).first()
    if member is None or not member.is_active:
        raise PermissionDenied(_("您的党员档案已不在册，不能报到"))
    if not member.in_service:
        raise invalid("member", _("只有在职党员需要向居住社区报到"))
    check_place(community=community, grid=grid)
    assert community is not None  # noqa: S101 - checked just above
    active = {
        r.status: r for r in MemberReport.objects.filter(member=member, status__in=selectors.ACTIVE)
    }
    if MemberReport.Status.SUBMITTED in active:
        raise Conflict(
            _("您已有一条待社区确认的报到，请等待确认或撤回后再提交"), code="report_pending"
        )
    current = active.get(MemberReport.Status.CONFIRMED)
    if (
        current is not None
        and current.community_id == community.pk
        and current.grid_id == (grid.pk if grid else None)
    ):
        raise Conflict(_("您已向%(c)s报到并已确认") % {"c": community.name}, code="report_same")
    report = MemberReport(member=member, community=community, grid=grid, submitted_by=_user(actor))
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(
            _("您已有一条待社区确认的报到，请等待确认或撤回后再提交"), code="report_pending"
        ) from None
    audit_record(action="create", obj=report, changes=diff({}, snapshot(report)))
    return report


@transaction.atomic
def member_report_withdraw(*, actor: Any, report: MemberReport | uuid.UUID | str) -> MemberReport:
    """The member withdraws their own pending report (by its public id)."""
    locked = one(
        _lock(selectors.my_reports(actor=actor).select_related(None)),
        _("报到记录不存在或无权查看"),
        public_id=selectors.report_key(_key(report)),
    )
    if locked.status != MemberReport.Status.SUBMITTED:
        raise Conflict(_("只能撤回待确认的报到"), code="report_state")
    before = snapshot(locked)
    now = timezone.now()
    locked.status = MemberReport.Status.WITHDRAWN
    locked.decided_at = now
    locked.ended_at = now
    locked.save(update_fields=["status", "decided_at", "ended_at", "updated_at"])
    audit_record(action="update", obj=locked, changes=diff(before, snapshot(locked)))
    return locked


# The community decides ------------------------------------------------------------------------


def _decidable(actor: Any, reports: Sequence[MemberReport | uuid.UUID | str]) -> list[MemberReport]:
    """Lock the reports (given by public id), in a fixed order, refusing any the actor may
    not decide."""
    ids = {selectors.report_key(_key(r)) for r in reports}
    if not ids:
        raise invalid("reports", _("请选择要处理的报到"))
    locked = list(
        _lock(
            MemberReport.objects.filter(
                selectors.member_report_decide_q(actor), public_id__in=ids
            ).select_related("member", "community")
        ).order_by("pk")
    )
    if len(locked) != len(ids):
        raise NotFound(_("报到记录不存在，或不是报到到您所管理的社区"))
    for r in locked:
        # Separation of duties: the member (or the account that reported for them) may not
        # decide their own report, whatever community post they also hold.
        not_own(
            actor,
            r.member.user_id,
            r.submitted_by_id,
            message=_("%(m)s的报到由您本人提交，不能由您确认或退回") % {"m": r.member.name},
        )
        if r.status != MemberReport.Status.SUBMITTED:
            raise Conflict(
                _("%(m)s的报到已处理（%(s)s），不能再次处理")
                % {"m": r.member.name, "s": r.get_status_display()},
                code="report_state",
            )
    return locked


def _notify(member_id: int, *, kind: str, title: str, body: str, link: str = "") -> None:
    org_services.notices_send(
        notices=[
            org_services.NoticeDraft(
                member_id=member_id, kind=kind, title=title, body=body, link=link
            )
        ]
    )


def _confirm_one(actor: Any, report: MemberReport, now: Any) -> None:
    previous = _lock(
        MemberReport.objects.filter(
            member_id=report.member_id, status=MemberReport.Status.CONFIRMED
        )
    ).first()
    if previous is not None:
        before = snapshot(previous)
        previous.status = MemberReport.Status.SUPERSEDED
        previous.ended_at = now
        previous.save(update_fields=["status", "ended_at", "updated_at"])
        audit_record(action="update", obj=previous, changes=diff(before, snapshot(previous)))
    before = snapshot(report)
    report.status = MemberReport.Status.CONFIRMED
    report.decided_at = now
    report.confirmed_at = now
    report.decided_by = _user(actor)
    report.save(update_fields=["status", "decided_at", "confirmed_at", "decided_by", "updated_at"])
    audit_record(action="update", obj=report, changes=diff(before, snapshot(report)))
    member = Member.objects.select_for_update().get(pk=report.member_id)
    before = snapshot(member, ["home_community_id", "home_grid_id"])
    member.home_community_id = report.community_id
    member.home_grid_id = report.grid_id
    member.save(update_fields=["home_community", "home_grid", "updated_at"])
    audit_record(
        action="update",
        obj=member,
        changes=diff(before, snapshot(member, ["home_community_id", "home_grid_id"])),
        reason=_("双报到确认"),
    )
    _notify(
        report.member_id,
        kind=DECISION,
        title=_("您的报到已确认"),
        body=_("%(c)s已确认您的报到。") % {"c": report.community.name},
        link=reverse("reporting:my_report"),
    )


def _reject_one(actor: Any, report: MemberReport, reason: str, now: Any) -> None:
    before = snapshot(report)
    report.status = MemberReport.Status.REJECTED
    report.decided_at = now
    report.decided_by = _user(actor)
    report.reject_reason = reason
    report.save(update_fields=["status", "decided_at", "decided_by", "reject_reason", "updated_at"])
    audit_record(action="update", obj=report, changes=diff(before, snapshot(report)), reason=reason)
    _notify(
        report.member_id,
        kind=DECISION,
        title=_("您的报到被退回"),
        body=_("%(c)s退回了您的报到，原因：%(r)s") % {"c": report.community.name, "r": reason},
        link=reverse("reporting:my_report"),
    )


def _reason(reason: str, field: str = "reject_reason") -> str:
    if not (reason or "").strip():
        raise invalid(field, _("退回时请填写原因"))
    return clean_text(field, reason, _("退回原因"), REASON_MAX)


@transaction.atomic
def member_report_confirm(*, actor: Any, report: MemberReport | uuid.UUID | str) -> MemberReport:
    (locked,) = _decidable(actor, [report])
    _confirm_one(actor, locked, timezone.now())
    return locked


@transaction.atomic
def member_report_reject(
    *, actor: Any, report: MemberReport | uuid.UUID | str, reason: str
) -> MemberReport:
    reason = _reason(reason)
    (locked,) = _decidable(actor, [report])
    _reject_one(actor, locked, reason, timezone.now())
    return locked


@transaction.atomic
def member_reports_decide(
    *, actor: Any, reports: Sequence[MemberReport | uuid.UUID | str], action: str, reason: str = ""
) -> int:
    """Confirm or reject several reports (by public id) at once: all of them, or none."""
    if action not in ("confirm", "reject"):
        raise invalid("action", _("操作应为确认或退回"))
    if action == "reject":
        reason = _reason(reason)
    locked = _decidable(actor, reports)
    now = timezone.now()
    for report in locked:
        if action == "confirm":
            _confirm_one(actor, report, now)
        else:
            _reject_one(actor, report, reason, now)
    return len(locked)


# Reminders ------------------------------------------------------------------------------------


@transaction.atomic
def reminders_send(*, actor: Any, unit: Unit | int | str) -> int:
    """Remind the unit's in-service members who have neither a confirmed nor a pending report:
    an in-app notice and an SMS in the outbox, at most once a day each. Returns how many
    members were newly reminded."""
    unit = org_selectors.unit_get_for(
        actor, unit.pk if isinstance(unit, Unit) else unit, write=True
    )
    today = timezone.localdate().isoformat()
    targets = list(selectors.members_to_remind(unit=unit).values_list("pk", "name"))
    keys = {pk: f"remind:{pk}:{today}" for pk, _n in targets}
    link = reverse("reporting:report_form")
    sender = unit.short_name or unit.name
    fresh = org_services.notices_send(
        notices=[
            org_services.NoticeDraft(
                member_id=pk,
                kind=REMINDER,
                title=_("请向居住社区报到"),
                body=_("%(n)s同志：请在“我要报到”中向您居住的社区报到。") % {"n": name},
                link=link,
                key=keys[pk],
                sms=_("%(n)s同志：%(u)s提醒您登录共建平台，向居住社区报到。")
                % {"u": sender, "n": name},
            )
            for pk, name in targets
        ]
    )
    audit_record(
        action="create",
        object_type="reporting.reminder",
        object_id=str(unit.pk),
        object_repr=unit.name,
        changes={"reminded": len(fresh), "members": fresh[:500]},
    )
    return len(fresh)


# Pairings (OrgReport) -------------------------------------------------------------------------


@transaction.atomic
def org_report_create(
    *,
    actor: Any,
    party_org: PartyOrg | int | str,
    community: Area | int | str | None,
    note: str = "",
) -> OrgReport:
    """A unit's party organisation (one the caller sees, else NotFound) asks to pair with a
    community of the public directory."""
    key = party_org.pk if isinstance(party_org, PartyOrg) else party_org
    visible = org_selectors.party_org_get_for(actor, key)
    org = selectors.pairable_orgs(actor=actor).filter(pk=visible.pk).first()
    if org is None:
        raise invalid("party_org", _("请选择本单位的党组织"))
    community = _place(community, Area.Kind.COMMUNITY)
    check_place(community=community, grid=None)
    assert community is not None  # noqa: S101 - checked just above
    if OrgReport.objects.filter(
        party_org=org, community=community, status__in=("submitted", "confirmed")
    ).exists():
        raise Conflict(
            _("%(o)s已与%(c)s结对或正在等待确认") % {"o": org.name, "c": community.name},
            code="pair_exists",
        )
    report = OrgReport(
        party_org=org,
        community=community,
        note=clean_text("note", note, _("结对内容"), NOTE_MAX, required=False),
        submitted_by=_user(actor),
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(_("该党组织已与该社区结对"), code="pair_exists") from None
    audit_record(action="create", obj=report, changes=diff({}, snapshot(report)))
    return report


def _org_report_locked(actor: Any, report: OrgReport | int | str, q: Any, state: str) -> OrgReport:
    """The pairing, read and locked through the rule of what the caller may do with it:
    NotFound when they may not see it or may not do this."""
    key = report.pk if isinstance(report, OrgReport) else report
    locked = one(
        _lock(OrgReport.objects.filter(q)), _("结对记录不存在，或不在您的管理范围"), pk=key
    )
    if locked.status != state:
        raise Conflict(
            _("该结对当前为“%(s)s”，不能这样处理") % {"s": locked.get_status_display()},
            code="pair_state",
        )
    if state == OrgReport.Status.SUBMITTED:  # confirming or rejecting: a review
        not_own(actor, locked.submitted_by_id, message=_("提交结对申请的人不能确认或退回它"))
    return locked


@transaction.atomic
def org_report_confirm(*, actor: Any, org_report: OrgReport | int | str) -> OrgReport:
    locked = _org_report_locked(
        actor, org_report, selectors.org_report_decide_q(actor), OrgReport.Status.SUBMITTED
    )
    before = snapshot(locked)
    locked.status = OrgReport.Status.CONFIRMED
    locked.decided_at = timezone.now()
    locked.decided_by = _user(actor)
    locked.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    audit_record(action="update", obj=locked, changes=diff(before, snapshot(locked)))
    return locked


@transaction.atomic
def org_report_reject(*, actor: Any, org_report: OrgReport | int | str, reason: str) -> OrgReport:
    reason = _reason(reason, "reason")
    locked = _org_report_locked(
        actor, org_report, selectors.org_report_decide_q(actor), OrgReport.Status.SUBMITTED
    )
    before = snapshot(locked)
    locked.status = OrgReport.Status.REJECTED
    locked.reason = reason
    locked.decided_at = timezone.now()
    locked.decided_by = _user(actor)
    locked.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
    audit_record(action="update", obj=locked, changes=diff(before, snapshot(locked)), reason=reason)
    return locked


@transaction.atomic
def org_report_end(*, actor: Any, org_report: OrgReport | int | str, reason: str = "") -> OrgReport:
    locked = _org_report_locked(
        actor, org_report, selectors.org_report_end_q(actor), OrgReport.Status.CONFIRMED
    )
    before = snapshot(locked)
    locked.status = OrgReport.Status.ENDED
    locked.reason = clean_text("reason", reason, _("结束原因"), REASON_MAX, required=False)
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "reason", "ended_at", "updated_at"])
    audit_record(action="update", obj=locked, changes=diff(before, snapshot(locked)), reason=reason)
    return locked


def org_report_decide(
    *, actor: Any, org_report: OrgReport | int | str, action: str, reason: str = ""
) -> OrgReport:
    """The one door of the pairing page and API: confirm, reject (with a reason) or end."""
    action = clean_choice("action", action, _("操作"), PAIRING_ACTIONS)
    if action == "confirm":
        return org_report_confirm(actor=actor, org_report=org_report)
    if action == "reject":
        return org_report_reject(actor=actor, org_report=org_report, reason=reason)
    return org_report_end(actor=actor, org_report=org_report, reason=reason)
