"""Every write of this app: validated, scoped, atomic, audited."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.accounts.services import second_factor_fresh_required
from gongjian.core import crypto, sms
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from gongjian.core.validation import invalid
from gongjian.core.validators import normalize_mobile, parse_id_number
from gongjian.orgs import scope, selectors
from gongjian.orgs.models import (
    AREA_ROLES,
    Area,
    Member,
    MemberTransfer,
    Notice,
    OutboxMessage,
    PartyOrg,
    Role,
    RoleAssignment,
    Unit,
)

logger = logging.getLogger(__name__)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _required(field: str, value: str, label: Any, max_length: int = 100) -> str:
    value = (value or "").strip()
    if not value:
        raise _invalid(field, _("%(label)s不能为空") % {"label": label})
    if len(value) > max_length:
        raise _invalid(field, _("%(label)s不能超过%(n)d个字") % {"label": label, "n": max_length})
    return value


# Areas ------------------------------------------------------------------------------------


def area_path(parent: Area | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


def area_check(*, code: str, name: str, kind: str, parent: Area | None) -> tuple[str, str]:
    code = _required("code", code, _("编码"), 32)
    if "/" in code:
        raise _invalid("code", _("编码不能包含“/”"))
    name = _required("name", name, _("名称"))
    if kind not in Area.Kind.values:
        raise _invalid("kind", _("层级应为：区、街道、社区、网格之一"))
    if parent is None and kind != Area.Kind.DISTRICT:
        raise _invalid("parent", _("只有区可以没有上级"))
    if parent is not None and Area.CHILD_KIND.get(Area.Kind(parent.kind)) != kind:
        raise _invalid(
            "kind",
            _("%(parent)s的下级应为%(kind)s")
            % {
                "parent": parent.get_kind_display(),
                "kind": Area.Kind(Area.CHILD_KIND.get(Area.Kind(parent.kind), kind)).label,
            },
        )
    return code, name


@transaction.atomic
def area_create(*, actor: Any, code: str, name: str, kind: str, parent: Area | None) -> Area:
    if parent is None:
        if not scope.posts_of(actor).superuser:
            raise PermissionDenied(_("只有平台管理员可以新建区"))
    else:
        selectors.area_get_for(actor, parent.pk, write=True)
    code, name = area_check(code=code, name=name, kind=kind, parent=parent)
    if Area.objects.filter(code=code).exists():
        raise _invalid("code", _("编码%(code)s已存在") % {"code": code})
    area = Area(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=area_path(parent, code),
        depth=(parent.depth + 1) if parent else 0,
    )
    area.save()
    audit_record(actor=actor, action="create", obj=area, changes=diff({}, snapshot(area)))
    return area


@transaction.atomic
def area_update(*, actor: Any, area: Area, name: str) -> Area:
    area = selectors.area_get_for(actor, area.pk, write=True)
    before = snapshot(area)
    area.name = _required("name", name, _("名称"))
    area.save(update_fields=["name", "updated_at"])
    audit_record(actor=actor, action="update", obj=area, changes=diff(before, snapshot(area)))
    return area


# Units ------------------------------------------------------------------------------------


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    area: Area,
    short_name: str = "",
    category: str = "",
    address: str = "",
) -> Unit:
    selectors.area_get_for(actor, area.pk, write=True)
    code = _required("code", code, _("单位编码"), 32)
    if Unit.objects.filter(code=code).exists():
        raise _invalid("code", _("单位编码%(code)s已存在") % {"code": code})
    unit = Unit(
        code=code,
        name=_required("name", name, _("单位名称")),
        area=area,
        short_name=short_name.strip()[:50],
        category=category.strip()[:50],
        address=address.strip()[:200],
    )
    unit.save()
    audit_record(actor=actor, action="create", obj=unit, changes=diff({}, snapshot(unit)))
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **fields: Any) -> Unit:
    unit = selectors.unit_get_for(actor, unit.pk, write=True)
    before = snapshot(unit)
    for name in ("name", "short_name", "category", "address"):
        if name in fields and fields[name] is not None:
            value = str(fields[name]).strip()
            if name == "name":
                value = _required("name", value, _("单位名称"))
            setattr(unit, name, value)
    unit.save()
    audit_record(actor=actor, action="update", obj=unit, changes=diff(before, snapshot(unit)))
    return unit


# Party organisations ------------------------------------------------------------------------


def party_org_path(parent: PartyOrg | None, code: str) -> str:
    return f"{parent.path if parent else '/'}{code}/"


@transaction.atomic
def party_org_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: PartyOrg | None = None,
    unit: Unit | None = None,
    area: Area | None = None,
    secretary: str = "",
) -> PartyOrg:
    code = _required("code", code, _("组织编码"), 32)
    if "/" in code:
        raise _invalid("code", _("编码不能包含“/”"))
    name = _required("name", name, _("组织名称"))
    if kind not in PartyOrg.Kind.values:
        raise _invalid("kind", _("组织类别不正确"))
    if (unit is None) == (area is None):
        raise _invalid("unit", _("党组织应隶属于一个单位或一个区域（二选一）"))
    if unit is not None:
        selectors.unit_get_for(actor, unit.pk, write=True)
    if area is not None:
        selectors.area_get_for(actor, area.pk, write=True)
    if parent is not None:
        selectors.party_org_get_for(actor, parent.pk)
        if parent.kind in (
            PartyOrg.Kind.BRANCH,
            PartyOrg.Kind.TEMPORARY_BRANCH,
            PartyOrg.Kind.JOINT_BRANCH,
        ):
            raise _invalid("parent", _("党支部下不能再设下级组织"))
    if PartyOrg.objects.filter(code=code).exists():
        raise _invalid("code", _("组织编码%(code)s已存在") % {"code": code})
    org = PartyOrg(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        unit=unit,
        area=area,
        secretary=secretary.strip()[:50],
        path=party_org_path(parent, code),
        depth=(parent.depth + 1) if parent else 0,
    )
    org.save()
    audit_record(actor=actor, action="create", obj=org, changes=diff({}, snapshot(org)))
    return org


@transaction.atomic
def party_org_update(
    *, actor: Any, org: PartyOrg, name: str | None = None, secretary: str | None = None
) -> PartyOrg:
    org = selectors.party_org_get_for(actor, org.pk, write=True)
    before = snapshot(org)
    if name is not None:
        org.name = _required("name", name, _("组织名称"))
    if secretary is not None:
        org.secretary = secretary.strip()[:50]
    org.save()
    audit_record(actor=actor, action="update", obj=org, changes=diff(before, snapshot(org)))
    return org


# Members ----------------------------------------------------------------------------------


NAME_LABEL = gettext_lazy("姓名")
MEMBER_STATUSES = frozenset(Member.Status.values)


def member_clean(
    *,
    name: str,
    id_number: str,
    phone: str = "",
    status: str = Member.Status.FULL,
    joined_on: dt.date | None = None,
) -> dict[str, Any]:
    """Validate a member's own fields; returns what to store (hashes included)."""
    name = _required("name", name, NAME_LABEL, 50)
    parsed = parse_id_number(id_number)
    out: dict[str, Any] = {
        "name": name,
        "id_number": parsed.value,
        "id_number_hash": crypto.blind_index(parsed.value),
        "birth_date": parsed.birth_date,
        "gender": parsed.gender,
        "phone": "",
        "phone_hash": "",
    }
    if phone and phone.strip():
        mobile = normalize_mobile(phone)
        out["phone"] = mobile
        out["phone_hash"] = crypto.blind_index(mobile)
    if status not in MEMBER_STATUSES:
        raise _invalid("status", _("党员类别应为正式党员或预备党员"))
    out["status"] = status
    if joined_on is not None:
        if joined_on > timezone.localdate():
            raise _invalid("joined_on", _("入党日期不能晚于今天"))
        if joined_on < parsed.birth_date + dt.timedelta(days=18 * 365):
            raise _invalid("joined_on", _("入党日期应在年满18岁之后"))
    out["joined_on"] = joined_on
    return out


@transaction.atomic
def member_create(
    *,
    actor: Any,
    name: str,
    id_number: str,
    party_org: PartyOrg,
    phone: str = "",
    status: str = Member.Status.FULL,
    joined_on: dt.date | None = None,
    unit: Unit | None = None,
    in_service: bool = False,
    is_deputy: bool = False,
    is_committee_member: bool = False,
) -> Member:
    party_org = selectors.party_org_get_for(actor, party_org.pk, write=True)
    if unit is not None:
        selectors.unit_get_for(actor, unit.pk)
    elif party_org.unit_id:
        unit = party_org.unit
    data = member_clean(
        name=name, id_number=id_number, phone=phone, status=status, joined_on=joined_on
    )
    if Member.objects.filter(id_number_hash=data["id_number_hash"]).exists():
        raise _invalid("id_number", _("该身份证号的党员已存在"))
    member = Member(
        party_org=party_org,
        unit=unit,
        in_service=in_service,
        is_deputy=is_deputy,
        is_committee_member=is_committee_member,
        **data,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise _invalid("id_number", _("该身份证号的党员已存在")) from None
    audit_record(actor=actor, action="create", obj=member, changes=diff({}, snapshot(member)))
    return member


MEMBER_EDITABLE = (
    "name",
    "phone",
    "status",
    "joined_on",
    "in_service",
    "is_deputy",
    "is_committee_member",
    "unit",
)


@transaction.atomic
def member_update(*, actor: Any, member: Member, **fields: Any) -> Member:
    member = selectors.member_get_for(actor, member.public_id, write=True)
    before = snapshot(member)
    unknown = set(fields) - set(MEMBER_EDITABLE)
    if unknown:
        raise _invalid(sorted(unknown)[0], _("该字段不能修改"))
    if "name" in fields:
        member.name = _required("name", fields["name"], _("姓名"), 50)
    if "phone" in fields:
        phone = (fields["phone"] or "").strip()
        if phone:
            member.phone = normalize_mobile(phone)
            member.phone_hash = crypto.blind_index(member.phone)
        else:
            member.phone, member.phone_hash = "", ""
    if "status" in fields:
        if fields["status"] not in Member.Status.values:
            raise _invalid("status", _("党员类别应为正式党员或预备党员"))
        member.status = fields["status"]
    if "joined_on" in fields:
        joined = fields["joined_on"]
        if joined is not None and joined > timezone.localdate():
            raise _invalid("joined_on", _("入党日期不能晚于今天"))
        member.joined_on = joined
    for flag in ("in_service", "is_deputy", "is_committee_member"):
        if flag in fields:
            setattr(member, flag, bool(fields[flag]))
    if "unit" in fields:
        unit = fields["unit"]
        if unit is not None:
            selectors.unit_get_for(actor, unit.pk)
        member.unit = unit
    member.save()
    audit_record(actor=actor, action="update", obj=member, changes=diff(before, snapshot(member)))
    return member


@transaction.atomic
def member_transfer(
    *,
    actor: Any,
    member: Member,
    to_org: PartyOrg,
    effective_on: dt.date | None = None,
    reason: str = "",
    unit: Unit | None = None,
) -> MemberTransfer:
    """Move a member to another party organisation; the history is kept. The actor must manage
    the member's present organisation; the receiving one need only be visible to them."""
    member = selectors.member_get_for(actor, member.public_id, write=True)
    to_org = selectors.party_org_get_for(actor, to_org.pk)
    if to_org.pk == member.party_org_id:
        raise _invalid("to_org", _("转入组织与当前组织相同"))
    if to_org.kind == PartyOrg.Kind.WORKING_COMMITTEE:
        raise _invalid("to_org", _("党员应转入具体的党组织，而不是机关工委"))
    new_unit = unit if unit is not None else (to_org.unit if to_org.unit_id else member.unit)
    transfer = MemberTransfer.objects.create(
        member=member,
        from_org_id=member.party_org_id,
        to_org=to_org,
        from_unit_id=member.unit_id,
        to_unit=new_unit,
        effective_on=effective_on or timezone.localdate(),
        reason=reason.strip()[:200],
        by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    member.party_org = to_org
    member.unit = new_unit
    member.save(update_fields=["party_org", "unit", "updated_at"])
    audit_record(
        actor=actor,
        action="transfer",
        obj=member,
        changes={
            "party_org": [transfer.from_org_id, to_org.pk],
            "unit": [transfer.from_unit_id, new_unit.pk if new_unit else None],
        },
        reason=transfer.reason,
    )
    return transfer


def member_unmask(*, actor: Any, member: Member, field_name: str, reason: str = "") -> str:
    """The whole ID number or phone of a member, for those who need it; always audited."""
    if field_name not in ("id_number", "phone"):
        raise _invalid("field", _("只能查看身份证号或手机号"))
    member = selectors.member_get_for(actor, member.public_id)
    if not scope.may_unmask(actor, field_name=field_name, member=member):
        audit_record(
            actor=actor,
            action="unmask",
            obj=member,
            success=False,
            reason=reason or "refused",
            changes={"field": field_name},
        )
        raise PermissionDenied(_("您的岗位不能查看完整的个人信息"))
    if field_name == "id_number":
        second_factor_fresh_required(actor)  # a code within 15 minutes (ADR 0011)
    audit_record(
        actor=actor,
        action="unmask",
        obj=member,
        reason=reason.strip()[:500] or _("未填写"),
        changes={"field": field_name},
    )
    return str(getattr(member, field_name) or "")


# Role assignments -------------------------------------------------------------------------


@transaction.atomic
def role_assign(
    *, actor: Any, user: Any, role: str, area: Area | None = None, unit: Unit | None = None
) -> RoleAssignment:
    if role not in Role.values:
        raise _invalid("role", _("角色不正确"))
    if role == Role.UNIT_ADMIN:
        if unit is None or area is not None:
            raise _invalid("unit", _("单位管理员须指定单位"))
        selectors.unit_get_for(actor, unit.pk, write=True)
    else:
        if area is None or unit is not None:
            raise _invalid("area", _("该角色须指定区域"))
        selectors.area_get_for(actor, area.pk, write=True)
        wanted = AREA_ROLES[Role(role)]
        if area.kind != wanted:
            raise _invalid(
                "area",
                _("%(role)s应设在%(kind)s一级")
                % {"role": Role(role).label, "kind": Area.Kind(wanted).label},
            )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, area=area, unit=unit
    )
    if not created:
        raise ApplicationError(_("该用户已有此岗位"), code="duplicate")
    scope.forget_posts(user)
    audit_record(
        actor=actor,
        action="role_change",
        obj=assignment,
        changes={
            "role": [None, role],
            "user": [None, user.pk],
            "area": [None, area.pk if area else None],
            "unit": [None, unit.pk if unit else None],
        },
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    assignment = selectors.role_assignment_get_for(actor, assignment.pk, write=True)
    audit_record(
        actor=actor,
        action="role_change",
        obj=assignment,
        changes={"role": [assignment.role, None], "user": [assignment.user_id, None]},
    )
    scope.forget_posts(assignment.user)
    assignment.delete()


def role_assign_by_login(
    *, actor: Any, login: str, role: str, area_code: str = "", unit_code: str = ""
) -> RoleAssignment:
    """Give an existing account (found by username or phone) a post at an area or a unit:
    what the page and the API both call."""
    from gongjian.accounts.selectors import user_find_by_login

    if not scope.posts_of(actor).superuser and not scope.posts_of(actor).paths(write=True):
        raise PermissionDenied(_("您的岗位不能分配岗位"))
    user = user_find_by_login(login=login) if login.strip() else None
    if user is None:
        raise _invalid("login", _("找不到该用户名或手机号对应的账号"))
    area = unit = None
    try:
        if role == Role.UNIT_ADMIN:
            unit = selectors.unit_get_by_code_for(actor, unit_code, write=True)
        else:
            area = selectors.area_get_by_code_for(actor, area_code, write=True)
    except ApplicationError as exc:
        raise _invalid(
            "unit_code" if role == Role.UNIT_ADMIN else "area_code", exc.message
        ) from None
    return role_assign(actor=actor, user=user, role=role, area=area, unit=unit)


# Notices and the outbox ----------------------------------------------------------------------
# Every app tells a member something the same way: an in-app notice (the one inbox), and, when
# asked, a text through the outbox that `gongjian outbox_send` delivers.


@dataclass(frozen=True)
class NoticeDraft:
    """One notice for one member. `key` makes it idempotent (a notice with the same key is not
    sent twice: "one reminder a day" is a key with the date in it); `sms`, when given, is the
    text of a message queued in the outbox beside the notice (under `sms:<key>`)."""

    member_id: int
    kind: str
    title: str
    body: str = ""
    link: str = ""
    key: str | None = None
    sms: str = ""


@transaction.atomic
def notices_send(*, notices: Sequence[NoticeDraft]) -> list[int]:
    """Send the notices (and their texts) whose key is new; returns the members newly told.
    Callers have already decided who may be told; this writes no audit entry of its own (the
    caller's action is the audited one)."""
    keys = [n.key for n in notices if n.key]
    already = set(Notice.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [n for n in notices if not n.key or n.key not in already]
    seen: set[str] = set()
    unique = []
    for n in fresh:
        if n.key and n.key in seen:
            continue
        if n.key:
            seen.add(n.key)
        unique.append(n)
    Notice.objects.bulk_create(
        [
            Notice(
                member_id=n.member_id,
                kind=n.kind[:32],
                title=n.title[:100],
                body=n.body,
                link=n.link[:200],
                key=n.key,
            )
            for n in unique
        ],
        ignore_conflicts=True,
    )
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                member_id=n.member_id,
                channel=OutboxMessage.Channel.SMS,
                body=n.sms,
                key=f"sms:{n.key}" if n.key else None,
            )
            for n in unique
            if n.sms
        ],
        ignore_conflicts=True,
    )
    return [n.member_id for n in unique]


@transaction.atomic
def notice_mark_read(*, actor: Any, notice_id: int | str) -> Notice:
    notice = selectors.notice_get_for(actor, notice_id)
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
        raise invalid("limit", _("每次至少发送1条"))
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
    error_max = OutboxMessage._meta.get_field("error").max_length or 200
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


# Member accounts ---------------------------------------------------------------------------------
# Inviting members who have no account yet to activate one with their phone, and ending the
# access of a member who leaves the record (issue 12, ADR 0011).

ACCOUNT_INVITE = "account.invite"


@dataclass(frozen=True)
class InviteResult:
    invited: int  # told now (a notice, and a text in the outbox)
    already: int  # told today already
    no_phone: int  # no phone on record: they cannot activate until one is added


@transaction.atomic
def member_accounts_invite(
    *,
    actor: Any,
    unit_id: int | str | None = None,
    member_ids: Sequence[Any] = (),
) -> InviteResult:
    """Invite the members without an account, of one unit (a whole imported roster in one
    action) or the chosen ones, to activate theirs: an in-app notice and a text through the
    outbox, at most once a day each. Only members whose record the actor may change."""
    from gongjian.core.validation import object_id

    qs = selectors.member_list(actor=actor, write=True).exclude(
        user__isnull=False, user__is_active=True
    )
    if unit_id not in (None, ""):
        qs = qs.filter(unit=selectors.unit_get_for(actor, object_id(unit_id), write=True))
    if member_ids:
        keys = []
        for raw in member_ids:
            try:
                keys.append(uuid.UUID(str(raw)))
            except ValueError:
                raise invalid("member_ids", _("党员编号不正确")) from None
        qs = qs.filter(public_id__in=keys)
    elif unit_id in (None, ""):
        raise invalid("unit", _("请选择单位，或勾选要邀请的党员"))
    rows = list(
        qs.order_by("pk").values_list("pk", "name", "phone_hash", "unit__short_name", "unit__name")
    )
    with_phone = [r for r in rows if r[2]]
    today = timezone.localdate().isoformat()
    link = reverse("accounts:code_start") + "?purpose=activate"
    fresh = notices_send(
        notices=[
            NoticeDraft(
                member_id=pk,
                kind=ACCOUNT_INVITE,
                title=_("请激活共建平台账号"),
                body=_("请用登记的手机号在登录页选择“首次使用/激活”。"),
                link=link,
                key=f"account-invite:{pk}:{today}",
                sms=_(
                    "%(n)s同志：%(u)s邀请您使用共建平台。请打开平台登录页，选择“首次使用/激活”，"
                    "输入本手机号获取验证码即可登录。"
                )
                % {"n": name, "u": short or unit_name or _("党组织")},
            )
            for pk, name, _h, short, unit_name in with_phone
        ]
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="orgs.account_invite",
        object_id=str(unit_id or ""),
        object_repr=_("邀请党员激活账号"),
        changes={"invited": len(fresh), "members": fresh[:500]},
    )
    return InviteResult(
        invited=len(fresh),
        already=len(with_phone) - len(fresh),
        no_phone=len(rows) - len(with_phone),
    )


@transaction.atomic
def member_leave(*, actor: Any, member_id: Any, reason: str) -> Member:
    """Mark a member as no longer on record (left the unit, moved away, died): off every list
    and count, and their account's access ends at once (sessions and tokens)."""
    from gongjian.accounts.services import user_access_end
    from gongjian.core.access import one
    from gongjian.core.validation import clean_text

    reason = clean_text("reason", reason, _("原因"), 200)
    try:
        key = uuid.UUID(str(member_id))
    except ValueError:
        raise NotFound(_("党员不存在或无权查看")) from None
    member = one(
        selectors.member_list(actor=actor, write=True, include_inactive=True),
        _("党员不存在或无权查看"),
        lock=True,
        public_id=key,
    )
    if not member.is_active:
        raise invalid("member", _("该党员已不在册"))
    member.is_active = False
    member.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=member,
        changes={"is_active": [True, False]},
        reason=reason,
    )
    if member.user_id:
        user_access_end(user=member.user, reason=reason, actor=actor)  # type: ignore[arg-type]
    return member
