"""A campaign: started by the working committee of its district, edited, moved through its
stages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.cobuild import selectors
from gongjian.cobuild.models import Campaign
from gongjian.core.access import pk_of, user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict, PermissionDenied
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_int, clean_text, invalid
from gongjian.orgs.models import Area

LIST_STATES = (Campaign.Status.DRAFT, Campaign.Status.OPEN)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Campaign.Status.DRAFT: (Campaign.Status.OPEN,),
    Campaign.Status.OPEN: (Campaign.Status.MATCHING,),
    Campaign.Status.MATCHING: (Campaign.Status.OPEN, Campaign.Status.SIGNING),
    Campaign.Status.SIGNING: (Campaign.Status.CLOSED,),
    Campaign.Status.CLOSED: (),
}


def _check_dates(
    lists_due: dt.date | None, preferences_due: dt.date | None, signing_due: dt.date | None
) -> None:
    if lists_due and preferences_due and preferences_due < lists_due:
        raise invalid("preferences_due", _("双向选择截止日期不能早于清单截止日期"))
    if preferences_due and signing_due and signing_due < preferences_due:
        raise invalid("signing_due", _("签约截止日期不能早于双向选择截止日期"))


def _name_taken(name: str) -> Conflict:
    return Conflict(_("本区已有名为“%(n)s”的共建活动") % {"n": name}, code="campaign_exists")


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    district: Area | int | str | None,
    name: str,
    year: int | None,
    description: str = "",
    lists_due: dt.date | None = None,
    preferences_due: dt.date | None = None,
    signing_due: dt.date | None = None,
) -> Campaign:
    found = (
        selectors.committee_districts(actor).filter(pk=pk_of(district)).first()
        if district is not None and str(pk_of(district)).isdigit()
        else None
    )
    if found is None:
        raise PermissionDenied(_("只有区直机关工委（区级管理员）可以发起共建活动"))
    name = clean_text("name", name, _("活动名称"), 100)
    year = clean_int("year", year, _("年度"), minimum=2000, maximum=2100)
    _check_dates(lists_due, preferences_due, signing_due)
    if Campaign.objects.filter(district=found, name=name).exists():
        raise _name_taken(name)
    campaign = Campaign(
        district=found,
        name=name,
        year=year,
        description=clean_text(
            "description", description, _("说明"), 2000, required=False, multiline=True
        ),
        lists_due=lists_due,
        preferences_due=preferences_due,
        signing_due=signing_due,
        created_by=user_of(actor),
    )
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise _name_taken(name) from None
    audit_record(action="create", obj=campaign, changes=diff({}, snapshot(campaign)))
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: Campaign | int | str,
    name: str,
    description: str = "",
    lists_due: dt.date | None = None,
    preferences_due: dt.date | None = None,
    signing_due: dt.date | None = None,
) -> Campaign:
    locked = selectors.campaign_get_for(actor, campaign, manage=True, lock=True)
    name = clean_text("name", name, _("活动名称"), 100)
    _check_dates(lists_due, preferences_due, signing_due)
    if (
        Campaign.objects.filter(district_id=locked.district_id, name=name)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise _name_taken(name)
    data = {
        "name": name,
        "description": clean_text(
            "description", description, _("说明"), 2000, required=False, multiline=True
        ),
        "lists_due": lists_due,
        "preferences_due": preferences_due,
        "signing_due": signing_due,
    }
    model_update(instance=locked, data=data, allowed=frozenset(data), clearable=_DATES)
    return locked


_DATES = frozenset({"lists_due", "preferences_due", "signing_due"})


@transaction.atomic
def campaign_advance(*, actor: Any, campaign: Campaign | int | str, to: str) -> Campaign:
    """Move a campaign to its next stage (publishing the lists is draft → open)."""
    locked = selectors.campaign_get_for(actor, campaign, manage=True, lock=True)
    if to not in TRANSITIONS.get(locked.status, ()):
        labels = dict(Campaign.Status.choices)
        raise Conflict(
            _("活动当前为“%(s)s”，不能转为“%(t)s”")
            % {"s": locked.get_status_display(), "t": labels.get(to, to)},
            code="campaign_state",
        )
    data: dict[str, Any] = {"status": to}
    if to == Campaign.Status.OPEN and locked.status == Campaign.Status.DRAFT:
        if not locked.resources.exists() or not locked.demands.exists():
            raise invalid("status", _("资源清单和需求清单都至少要有一项才能发布"))
        data["published_at"] = timezone.now()
    model_update(instance=locked, data=data, allowed=frozenset(data))
    return locked
