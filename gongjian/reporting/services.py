"""Every write of 双报到: validated, scoped, atomic, audited."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core import sms
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, PartyOrg, Unit
from gongjian.reporting import selectors
from gongjian.reporting.models import MemberReport, Notice, OrgReport, OutboxMessage

REASON_MAX = 200
M = TypeVar("M", bound=Model)
logger = logging.getLogger(__name__)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(qs: QuerySet[M]) -> QuerySet[M]:
    """Lock the rows of the model itself, not the areas joined for the scope."""
    return qs.select_for_update(of=("self",))


def check_place(*, community: Area | None, grid: Area | None) -> None:
    if community is None or community.kind != Area.Kind.COMMUNITY:
        raise _invalid("community", _("请选择居住的社区"))
    if grid is not None and (grid.kind != Area.Kind.GRID or grid.parent_id != community.pk):
        raise _invalid("grid", _("所选网格不属于%(c)s") % {"c": community.name})


# A member reports -----------------------------------------------------------------------------


@transaction.atomic
def member_report_submit(
    *, actor: Any, community: Area | None, grid: Area | None = None
) -> MemberReport:
    """The member reports to the community (and grid) where they live. A pending report must
    be withdrawn first; a confirmed one stays until the new one is confirmed."""
    member_id = scope.posts_of(actor).member_id
    if member_id is None:
        raise PermissionDenied(_("您的账号未关联党员档案，不能报到"))
    # Serialise one member's submissions (the constraints hold regardless).
    member = Member.objects.select_for_update().filter(pk=member_id).first()
    if member is None or not member.is_active:
        raise PermissionDenied(_("您的党员档案已不在册，不能报到"))
    if not member.in_service:
        raise _invalid("member", _("只有在职党员需要向居住社区报到"))
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
    report = MemberReport(member=member, community=community, grid=grid)
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
def member_report_withdraw(*, actor: Any, report: MemberReport) -> MemberReport:
    member_id = scope.posts_of(actor).member_id or 0
    locked = _lock(MemberReport.objects.filter(pk=report.pk, member_id=member_id)).first()
    if locked is None:
        raise NotFound(_("报到记录不存在或无权查看"))
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


def _decidable(actor: Any, reports: Sequence[MemberReport]) -> list[MemberReport]:
    """Lock the reports, in a fixed order, refusing any the actor may not decide."""
    ids = sorted({r.pk for r in reports})
    if not ids:
        raise _invalid("reports", _("请选择要处理的报到"))
    locked = list(
        _lock(
            MemberReport.objects.filter(selectors.member_report_decide_q(actor), pk__in=ids)
        ).order_by("pk")
    )
    if len(locked) != len(ids):
        raise NotFound(_("报到记录不存在，或不是报到到您所管理的社区"))
    for r in locked:
        if r.status != MemberReport.Status.SUBMITTED:
            raise Conflict(
                _("%(m)s的报到已处理（%(s)s），不能再次处理")
                % {"m": r.member.name, "s": r.get_status_display()},
                code="report_state",
            )
    return locked


def _notify(member_id: int, *, kind: str, title: str, body: str, link: str = "") -> None:
    Notice.objects.create(member_id=member_id, kind=kind, title=title, body=body, link=link)


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
        kind=Notice.Kind.DECISION,
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
        kind=Notice.Kind.DECISION,
        title=_("您的报到被退回"),
        body=_("%(c)s退回了您的报到，原因：%(r)s") % {"c": report.community.name, "r": reason},
        link=reverse("reporting:my_report"),
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reject_reason", _("退回时请填写原因"))
    if len(reason) > REASON_MAX:
        raise _invalid("reject_reason", _("退回原因不能超过%(n)d个字") % {"n": REASON_MAX})
    return reason


@transaction.atomic
def member_report_confirm(*, actor: Any, report: MemberReport) -> MemberReport:
    (locked,) = _decidable(actor, [report])
    _confirm_one(actor, locked, timezone.now())
    return locked


@transaction.atomic
def member_report_reject(*, actor: Any, report: MemberReport, reason: str) -> MemberReport:
    reason = _reason(reason)
    (locked,) = _decidable(actor, [report])
    _reject_one(actor, locked, reason, timezone.now())
    return locked


@transaction.atomic
def member_reports_decide(
    *, actor: Any, reports: Sequence[MemberReport], action: str, reason: str = ""
) -> int:
    """Confirm or reject several reports at once: all of them, or none."""
    if action not in ("confirm", "reject"):
        raise _invalid("action", _("操作应为确认或退回"))
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
def reminders_send(*, actor: Any, unit: Unit) -> int:
    """Remind the unit's in-service members who have neither a confirmed nor a pending report:
    an in-app notice and an SMS in the outbox, at most once a day each. Returns how many
    members were newly reminded."""
    unit = org_selectors.unit_get_for(actor, unit.pk, write=True)
    today = timezone.localdate().isoformat()
    targets = list(selectors.members_to_remind(unit=unit).values_list("pk", "name"))
    keys = {pk: f"remind:{pk}:{today}" for pk, _n in targets}
    already = set(Notice.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    fresh = [(pk, name) for pk, name in targets if keys[pk] not in already]
    link = reverse("reporting:report_form")
    title = _("请向居住社区报到")
    Notice.objects.bulk_create(
        [
            Notice(
                member_id=pk,
                kind=Notice.Kind.REMINDER,
                title=title,
                body=_("%(n)s同志：请在“我要报到”中向您居住的社区报到。") % {"n": name},
                link=link,
                key=keys[pk],
            )
            for pk, name in fresh
        ],
        ignore_conflicts=True,
    )
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                member_id=pk,
                channel=OutboxMessage.Channel.SMS,
                body=_("%(n)s同志：%(u)s提醒您登录共建平台，向居住社区报到。")
                % {"u": unit.short_name or unit.name, "n": name},
                key=f"sms:{keys[pk]}",
            )
            for pk, name in fresh
        ],
        ignore_conflicts=True,
    )
    audit_record(
        action="create",
        object_type="reporting.reminder",
        object_id=str(unit.pk),
        object_repr=unit.name,
        changes={"reminded": len(fresh), "members": [pk for pk, _n in fresh][:500]},
    )
    return len(fresh)


@transaction.atomic
def notice_mark_read(*, actor: Any, notice: Notice) -> Notice:
    notice = selectors.notice_get_for(actor, notice.pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at", "updated_at"])
    return notice


# Delivering the outbox -------------------------------------------------------------------------

OUTBOX_MAX_ATTEMPTS = 3
# A run stops after this many failures in a row: the gateway is likely down, and going on would
# spend an attempt of every pending message on it.
OUTBOX_STOP_AFTER_FAILURES_IN_A_ROW = 5


@dataclass
class DeliveryResult:
    """One run of `outbox_deliver`. `failed` counts the attempts that failed in this run,
    `given_up` those of them whose message is now `failed` for good; `skipped` the pending
    messages left for later (WeChat, or every message while SMS is off)."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    skipped: int = 0
    sms_off: bool = False
    stopped_early: bool = False


def outbox_deliver(*, limit: int = 500, now: dt.datetime | None = None) -> DeliveryResult:
    """Send up to `limit` pending SMS messages, oldest first, through `core.sms`.

    Each message is claimed, sent and marked in a transaction of its own: on PostgreSQL its
    row stays locked (`SKIP LOCKED` for the others) while it is sent, so two runs never send
    one message twice, and what was marked sent stays sent if the run dies later. (SQLite's
    writers take turns anyway.) A failure increments `attempts` and records the error; the
    third one marks the message `failed`. A member without a phone, or no longer on record
    (`is_active` false), fails at once. WeChat
    messages stay pending: no channel sends them yet. `now` stamps `sent_at`."""
    if limit < 1:
        raise _invalid("limit", _("每次至少发送1条"))
    result = DeliveryResult()
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    result.skipped = pending.filter(channel=OutboxMessage.Channel.WECHAT).count()
    sms_pending = pending.filter(channel=OutboxMessage.Channel.SMS).order_by("created_at", "id")
    if not sms.sms_enabled():
        result.sms_off = True
        result.skipped += sms_pending.count()
        logger.warning("outbox: SMS is off (GONGJIAN_SMS_BACKEND=off), %d left", result.skipped)
        return result
    if connection.features.has_select_for_update_skip_locked:
        sms_pending = sms_pending.select_for_update(skip_locked=True)
    tried: list[int] = []
    in_a_row = 0
    while len(tried) < limit:
        with transaction.atomic():
            message = sms_pending.exclude(pk__in=tried).first()
            if message is None:
                break
            tried.append(message.pk)
            outcome = _outbox_send_one(message, now=now)
            message.save(update_fields=["status", "attempts", "sent_at", "error", "updated_at"])
        if outcome == "sent":
            result.sent += 1
            in_a_row = 0
            continue
        result.failed += 1
        result.given_up += message.status == OutboxMessage.Status.FAILED
        logger.warning("outbox: message %s not sent: %s", message.pk, message.error)
        if outcome == "gateway":
            in_a_row += 1
        if in_a_row >= OUTBOX_STOP_AFTER_FAILURES_IN_A_ROW:
            result.stopped_early = True
            break
    log = logger.warning if result.failed else logger.info
    log(
        "outbox: %d sent, %d failed (%d given up), %d skipped%s",
        result.sent,
        result.failed,
        result.given_up,
        result.skipped,
        ", stopped after failures in a row" if result.stopped_early else "",
    )
    return result


def _outbox_send_one(message: OutboxMessage, *, now: dt.datetime | None) -> str:
    """Send one SMS and mark the message (unsaved): "sent"; "no_phone" when the member has
    none or is no longer on record; "gateway" when sending failed. The phone is read and
    decrypted here, for this message only, and kept nowhere."""
    error_max = OutboxMessage._meta.get_field("error").max_length or REASON_MAX
    phone, active = (
        Member.objects.filter(pk=message.member_id).values_list("phone", "is_active").first()
    ) or ("", False)
    if not active:
        message.status = OutboxMessage.Status.FAILED
        message.error = _("该党员已不在册，不再发送")[:error_max]
        return "no_phone"
    if not phone:
        message.status = OutboxMessage.Status.FAILED
        message.error = _("该党员未登记手机号，无法发送短信")[:error_max]
        return "no_phone"
    message.attempts += 1
    try:
        sms.send_sms(phone=phone, text=message.body)
    except sms.SmsError as exc:
        message.error = str(exc)[:error_max]
        if message.attempts >= OUTBOX_MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.FAILED
        return "gateway"
    message.status = OutboxMessage.Status.SENT
    message.sent_at = now or timezone.now()
    message.error = ""
    return "sent"


# Pairings (OrgReport) -------------------------------------------------------------------------


@transaction.atomic
def org_report_create(
    *, actor: Any, party_org: PartyOrg, community: Area | None, note: str = ""
) -> OrgReport:
    org = selectors.pairable_orgs(actor=actor).filter(pk=party_org.pk).first()
    if org is None:
        raise _invalid("party_org", _("请选择本单位的党组织"))
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
        party_org=org, community=community, note=note.strip()[:200], submitted_by=_user(actor)
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(_("该党组织已与该社区结对"), code="pair_exists") from None
    audit_record(action="create", obj=report, changes=diff({}, snapshot(report)))
    return report


def _org_report_locked(actor: Any, report: OrgReport, q: Any, state: str) -> OrgReport:
    locked = _lock(OrgReport.objects.filter(q, pk=report.pk)).first()
    if locked is None:
        raise NotFound(_("结对记录不存在，或不在您的管理范围"))
    if locked.status != state:
        raise Conflict(
            _("该结对当前为“%(s)s”，不能这样处理") % {"s": locked.get_status_display()},
            code="pair_state",
        )
    return locked


@transaction.atomic
def org_report_confirm(*, actor: Any, org_report: OrgReport) -> OrgReport:
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
def org_report_reject(*, actor: Any, org_report: OrgReport, reason: str) -> OrgReport:
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("退回时请填写原因"))
    locked = _org_report_locked(
        actor, org_report, selectors.org_report_decide_q(actor), OrgReport.Status.SUBMITTED
    )
    before = snapshot(locked)
    locked.status = OrgReport.Status.REJECTED
    locked.reason = reason[:REASON_MAX]
    locked.decided_at = timezone.now()
    locked.decided_by = _user(actor)
    locked.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
    audit_record(action="update", obj=locked, changes=diff(before, snapshot(locked)), reason=reason)
    return locked


@transaction.atomic
def org_report_end(*, actor: Any, org_report: OrgReport, reason: str = "") -> OrgReport:
    locked = _org_report_locked(
        actor, org_report, selectors.org_report_end_q(actor), OrgReport.Status.CONFIRMED
    )
    before = snapshot(locked)
    locked.status = OrgReport.Status.ENDED
    locked.reason = (reason or "").strip()[:REASON_MAX]
    locked.ended_at = timezone.now()
    locked.save(update_fields=["status", "reason", "ended_at", "updated_at"])
    audit_record(action="update", obj=locked, changes=diff(before, snapshot(locked)), reason=reason)
    return locked
