"""Member accounts: inviting members who have no account yet to activate one with their
phone, and ending the access of a member who leaves the record (ADR 0011)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.accounts.services import user_access_end
from gongjian.core.access import one
from gongjian.core.audit import audit_record
from gongjian.core.errors import NotFound
from gongjian.core.validation import clean_text, invalid, object_id
from gongjian.orgs import selectors
from gongjian.orgs.models import Member
from gongjian.orgs.services.members import effective_date
from gongjian.orgs.services.notices import NoticeDraft, notices_send

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
def member_leave(*, actor: Any, member_id: Any, reason: str, left_on: Any = None) -> Member:
    """Mark a member as no longer on record (left the unit, moved away, died) from `left_on`
    (today when not given; a past day is allowed): off every list and count from that day,
    and their account's access ends at once (sessions and tokens)."""
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
    member.history_on = effective_date(member, left_on, "left_on", _("离开日期"))
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
