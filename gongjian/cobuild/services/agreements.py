"""Signing: each side of a confirmed match signs; with both signatures the project starts."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.cobuild import selectors
from gongjian.cobuild.models import Agreement, Campaign, Match, Project
from gongjian.core.access import user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, PermissionDenied
from gongjian.core.validation import clean_text, invalid


@transaction.atomic
def agreement_sign(
    *, actor: Any, match: Match | int | str, side: str, project_name: str = ""
) -> Agreement:
    """One side signs a confirmed match. The first signature creates the agreement (naming
    the project); when both sides have signed, the project is created."""
    if side not in ("unit", "community"):
        raise invalid("side", _("签约方应为单位或社区"))
    match = selectors.match_get_for(actor, match, lock=True)
    if match.status != Match.Status.CONFIRMED:
        raise Conflict(_("只有已确认的配对才能签约"), code="match_state")
    if match.campaign.status not in (Campaign.Status.MATCHING, Campaign.Status.SIGNING):
        raise Conflict(
            _("活动当前为“%(s)s”，不能签约") % {"s": match.campaign.get_status_display()},
            code="campaign_state",
        )
    if side == "unit" and not selectors.may_sign_unit_side(actor, match.resource):
        raise PermissionDenied(
            _("只有%(u)s的管理员可以代表单位签约") % {"u": match.resource.unit.name}
        )
    if side == "community" and not selectors.may_sign_community_side(actor, match.demand.community):
        raise PermissionDenied(
            _("只有%(c)s的管理员可以代表社区签约") % {"c": match.demand.community.name}
        )
    name = clean_text("project_name", project_name, _("共建项目名称"), 100, required=False)
    now = timezone.now()
    agreement = Agreement.objects.select_for_update().filter(match=match).first()
    before = snapshot(agreement) if agreement else {}
    if agreement is None:
        agreement = Agreement(match=match, project_name=name or _default_name(match))
    elif name and name != agreement.project_name:
        raise invalid("project_name", _("项目名称已由对方签约时确定，不能再修改"))
    if side == "unit":
        if agreement.unit_signed_at is not None:
            raise Conflict(_("单位方已签约"), code="signed")
        agreement.unit_signed_at, agreement.unit_signed_by = now, user_of(actor)
    else:
        if agreement.community_signed_at is not None:
            raise Conflict(_("社区方已签约"), code="signed")
        agreement.community_signed_at, agreement.community_signed_by = now, user_of(actor)
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        raise Conflict(_("该配对已有签约，请刷新"), code="signed") from None
    audit_record(
        action="update" if before else "create",
        obj=agreement,
        changes=diff(before, snapshot(agreement)),
        reason=_("单位签约") if side == "unit" else _("社区签约"),
    )
    if agreement.is_signed:
        project = Project.objects.create(
            agreement=agreement, campaign=match.campaign, name=agreement.project_name
        )
        audit_record(action="create", obj=project, changes=diff({}, snapshot(project)))
    return agreement


def _default_name(match: Match) -> str:
    unit = match.resource.unit
    return f"{unit.short_name or unit.name}·{match.demand.community.name}{match.demand.title}"[:100]
