"""Members: their record, its changes, transfers between organisations, unmasked views."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjian.accounts.services import second_factor_fresh_required
from gongjian.core import crypto
from gongjian.core.access import user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import PermissionDenied, ValidationFailed
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_date, clean_text, invalid
from gongjian.core.validators import normalize_mobile, parse_id_number
from gongjian.orgs import scope, selectors
from gongjian.orgs.models import Member, MemberTransfer, PartyOrg, Unit
from gongjian.orgs.selectors import Ref

NAME_LABEL = gettext_lazy("姓名")
MEMBER_STATUSES = frozenset(Member.Status.values)
MEMBER_FLAGS = ("in_service", "is_deputy", "is_committee_member")
MEMBER_EDITABLE = ("name", "phone", "status", "joined_on", *MEMBER_FLAGS, "unit")
MemberRef = Member | uuid.UUID | str


def _status(value: Any) -> str:
    if value not in MEMBER_STATUSES:
        raise invalid("status", _("党员类别应为正式党员或预备党员"))
    return str(value)


def _phone(value: Any) -> dict[str, str]:
    """The phone and its blind index; both empty when none is given."""
    text = clean_text("phone", value, _("手机号"), 30, required=False)
    if not text:
        return {"phone": "", "phone_hash": ""}
    mobile = normalize_mobile(text)
    return {"phone": mobile, "phone_hash": crypto.blind_index(mobile)}


def _not_in_future(joined_on: dt.date | None) -> dt.date | None:
    if joined_on is not None and joined_on > timezone.localdate():
        raise invalid("joined_on", _("入党日期不能晚于今天"))
    return joined_on


def effective_date(member: Member, value: Any, field: str, label: Any) -> dt.date:
    """The day a change to the member took effect: today when not given; a real day, not
    after today and not before they joined (the history starts there)."""
    if value in (None, ""):
        return timezone.localdate()
    day = clean_date(field, value, label, not_before=member.joined_on)
    if day > timezone.localdate():
        raise invalid(field, _("%(label)s不能晚于今天") % {"label": label})
    return day


def member_clean(
    *,
    name: str,
    id_number: str,
    phone: str = "",
    status: str = Member.Status.FULL,
    joined_on: dt.date | None = None,
) -> dict[str, Any]:
    """Validate a member's own fields; returns what to store (hashes included). Every field
    is checked, and every refusal is reported at once (an import names them all in one go)."""
    fields: dict[str, list[str]] = {}

    def attempt(check: Any) -> Any:
        try:
            return check()
        except ValidationFailed as exc:
            for key, messages in exc.detail.get("fields", {"name": [exc.message]}).items():
                fields.setdefault(key, []).extend(messages)
            return None

    name = attempt(lambda: clean_text("name", name, NAME_LABEL, 50))
    parsed = attempt(lambda: parse_id_number(id_number))
    phone_data = attempt(lambda: _phone(phone))
    status = attempt(lambda: _status(status))
    joined_on = attempt(lambda: _not_in_future(joined_on))
    if (
        parsed is not None
        and joined_on is not None
        and joined_on < parsed.birth_date + dt.timedelta(days=18 * 365)
    ):
        fields.setdefault("joined_on", []).append(_("入党日期应在年满18岁之后"))
    if fields:
        first = next(iter(fields.values()))[0]
        raise ValidationFailed(first, fields=fields)
    return {
        "name": name,
        "id_number": parsed.value,
        "id_number_hash": crypto.blind_index(parsed.value),
        "birth_date": parsed.birth_date,
        "gender": parsed.gender,
        **phone_data,
        "status": status,
        "joined_on": joined_on,
    }


@transaction.atomic
def member_create(
    *,
    actor: Any,
    name: str,
    id_number: str,
    party_org: Ref,
    phone: str = "",
    status: str = Member.Status.FULL,
    joined_on: dt.date | None = None,
    unit: Ref | None = None,
    in_service: bool = False,
    is_deputy: bool = False,
    is_committee_member: bool = False,
) -> Member:
    """A new member of an organisation the actor may change; their unit is the one named
    (if the actor sees it), else the organisation's."""
    org = selectors.party_org_get_for(actor, party_org, write=True)
    workplace: Unit | None
    if unit is not None:
        workplace = selectors.unit_get_for(actor, unit)
    else:
        workplace = org.unit if org.unit_id else None
    data = member_clean(
        name=name, id_number=id_number, phone=phone, status=status, joined_on=joined_on
    )
    if Member.objects.filter(id_number_hash=data["id_number_hash"]).exists():
        raise invalid("id_number", _("该身份证号的党员已存在"))
    member = Member(
        party_org=org,
        unit=workplace,
        in_service=in_service,
        is_deputy=is_deputy,
        is_committee_member=is_committee_member,
        **data,
    )
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise invalid("id_number", _("该身份证号的党员已存在")) from None
    audit_record(actor=actor, action="create", obj=member, changes=diff({}, snapshot(member)))
    return member


@transaction.atomic
def member_update(
    *, actor: Any, member: MemberRef, effective_on: Any = None, **fields: Any
) -> Member:
    """Change the fields of `MEMBER_EDITABLE` that are given (the ID number identifies the
    person and never changes; the organisation changes by transfer). An empty phone, a
    `joined_on` or a `unit` of None clear them. A change of unit or of the in-service state
    took effect on `effective_on` (today when not given; may lie in the past): the history
    and every figure of the days since count it."""
    member = selectors.member_get_for(actor, member, write=True, lock=True)
    member.history_on = effective_date(member, effective_on, "effective_on", _("生效日期"))
    unknown = set(fields) - set(MEMBER_EDITABLE)
    if unknown:
        raise invalid(sorted(unknown)[0], _("该字段不能修改"))
    data: dict[str, Any] = {flag: bool(fields[flag]) for flag in MEMBER_FLAGS if flag in fields}
    if "name" in fields:
        data["name"] = clean_text("name", fields["name"], NAME_LABEL, 50)
    if "phone" in fields:
        data.update(_phone(fields["phone"]))
    if "status" in fields:
        data["status"] = _status(fields["status"])
    if "joined_on" in fields:
        data["joined_on"] = _not_in_future(fields["joined_on"])
    if "unit" in fields:
        unit = fields["unit"]
        data["unit"] = selectors.unit_get_for(actor, unit) if unit is not None else None
    model_update(
        instance=member,
        data=data,
        allowed=(*MEMBER_EDITABLE, "phone_hash"),
        clearable=("joined_on", "unit"),
        actor=actor,
    )
    return member


@transaction.atomic
def member_transfer(
    *,
    actor: Any,
    member: MemberRef,
    to_org: Ref | None,
    effective_on: dt.date | str | None = None,
    reason: str = "",
    unit: Ref | None = None,
) -> MemberTransfer:
    """Move a member to another party organisation, from `effective_on` (today when not given;
    a past day is allowed, not a future one, nor one before they joined): the history counts
    them in the new organisation and unit from that day. The actor must manage the member's
    present organisation; the receiving one need only be visible to them."""
    member = selectors.member_get_for(actor, member, write=True, lock=True)
    if to_org is None or to_org == "":
        raise invalid("to_org", _("请选择转入的党组织"))
    receiving = selectors.party_org_get_for(actor, to_org)
    if receiving.pk == member.party_org_id:
        raise invalid("to_org", _("转入组织与当前组织相同"))
    if receiving.kind == PartyOrg.Kind.WORKING_COMMITTEE:
        raise invalid("to_org", _("党员应转入具体的党组织，而不是机关工委"))
    day = effective_date(member, effective_on, "effective_on", _("转接日期"))
    new_unit: Unit | None
    if unit is not None:
        new_unit = selectors.unit_get_for(actor, unit)
    else:
        new_unit = receiving.unit if receiving.unit_id else member.unit
    transfer = MemberTransfer.objects.create(
        member=member,
        from_org_id=member.party_org_id,
        to_org=receiving,
        from_unit_id=member.unit_id,
        to_unit=new_unit,
        effective_on=day,
        reason=clean_text("reason", reason, _("转接原因"), 200, required=False),
        by=user_of(actor),
    )
    member.party_org = receiving
    member.unit = new_unit
    member.history_on = day  # the history (and the figures since) count it from that day
    member.save(update_fields=["party_org", "unit", "updated_at"])
    audit_record(
        actor=actor,
        action="transfer",
        obj=member,
        changes={
            "party_org": [transfer.from_org_id, receiving.pk],
            "unit": [transfer.from_unit_id, new_unit.pk if new_unit else None],
        },
        reason=transfer.reason,
    )
    return transfer


def member_unmask(*, actor: Any, member: MemberRef, field_name: str, reason: str = "") -> str:
    """The whole ID number or phone of a member, for those who need it; always audited."""
    if field_name not in ("id_number", "phone"):
        raise invalid("field", _("只能查看身份证号或手机号"))
    member = selectors.member_get_for(actor, member)
    reason = clean_text("reason", reason, _("查看原因"), 500)
    if not scope.may_unmask(actor, field_name=field_name, member=member):
        audit_record(
            actor=actor,
            action="unmask",
            obj=member,
            success=False,
            reason=reason,
            changes={"field": field_name},
        )
        raise PermissionDenied(_("您的岗位不能查看完整的个人信息"))
    if field_name == "id_number":
        second_factor_fresh_required(actor)  # a code within 15 minutes (ADR 0011)
    audit_record(
        actor=actor,
        action="unmask",
        obj=member,
        reason=reason,
        changes={"field": field_name},
    )
    return str(getattr(member, field_name) or "")
