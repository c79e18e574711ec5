"""Brands (一支部一特色一品牌): a branch applies with evidence, the working committee
recognises or returns it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.access import not_own, one, pk_of, user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, NotFound
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_text, invalid, public_key
from gongjian.evaluation import selectors
from gongjian.evaluation.models import Brand, Campaign
from gongjian.evaluation.services.assessments import REASON_MAX, TEXT_MAX, attach, check_evidence
from gongjian.orgs import scope
from gongjian.orgs.models import PartyOrg

RECOGNISE, RETURN = "recognise", "return"


@transaction.atomic
def brand_apply(
    *,
    actor: Any,
    party_org: PartyOrg | int | str | None,
    name: str,
    description: str,
    files: Sequence[tuple[str, bytes]] = (),
    campaign: Campaign | None = None,
) -> Brand:
    if party_org in (None, ""):
        raise invalid("party_org", _("请选择党支部"))
    pk = pk_of(party_org)
    branch = (
        selectors.brand_branches(actor=actor).filter(pk=pk).first() if str(pk).isdigit() else None
    )
    if branch is None:
        raise NotFound(_("党支部不存在或无权申报"))
    name = clean_text("name", name, _("品牌名称"), 60)
    description = clean_text("description", description, _("品牌简介"), TEXT_MAX, multiline=True)
    if not files:
        raise invalid("files", _("请上传至少一份佐证材料"))
    checked = [check_evidence(d, n) for n, d in files]
    brand = Brand(
        party_org=branch,
        campaign=campaign,
        name=name,
        description=description,
        applied_by=user_of(actor),
    )
    try:
        with transaction.atomic():
            brand.save()
    except IntegrityError:
        raise Conflict(
            _("%(o)s已有申报中或已命名的品牌") % {"o": branch.name}, code="brand_exists"
        ) from None
    attach(actor, files, checked, brand=brand)
    audit_record(
        action="create", obj=brand, changes={**diff({}, snapshot(brand)), "files": len(checked)}
    )
    return brand


@transaction.atomic
def brand_review(
    *,
    actor: Any,
    brand: Brand | str | uuid.UUID,
    action: str,
    reason: str = "",
    on: dt.date | None = None,
) -> Brand:
    message = _("品牌不存在或无权评审")
    key = brand.public_id if isinstance(brand, Brand) else public_key(brand, message=message)
    b = one(
        Brand.objects.filter(scope.committee_q(actor, "party_org__unit__area", "party_org__area")),
        message,
        lock=True,
        public_id=key,
    )
    if b.status != Brand.Status.SUBMITTED:
        raise Conflict(_("该品牌不在待评审状态"), code="brand_state")
    not_own(actor, b.applied_by_id, message=_("申报品牌的人不能评审这个品牌"))
    if action == RECOGNISE:
        data: dict[str, Any] = {
            "status": Brand.Status.RECOGNISED,
            "recognised_on": on or timezone.localdate(),
        }
    elif action == RETURN:
        reason = clean_text("reason", reason, _("退回原因"), 2000, required=False)
        if not reason:
            raise invalid("reason", _("退回时请填写退回原因"))
        data = {"status": Brand.Status.RETURNED, "reason": reason[:REASON_MAX]}
    else:
        raise invalid("action", _("请选择命名或退回"))
    model_update(instance=b, data=data, allowed=frozenset(data))
    return b
