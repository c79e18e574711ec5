"""Two-way selection: each side ranks the other side's items once the lists are published."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.cobuild import matching, selectors
from gongjian.cobuild.models import Campaign, Demand, Preference, Resource, Side
from gongjian.cobuild.services.lists import served_path
from gongjian.core.audit import audit_record
from gongjian.core.errors import Conflict
from gongjian.core.validation import clean_int, invalid

MAX_PREFERENCES = 10


def _preferences_open(actor: Any, campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.OPEN:
        raise Conflict(
            _("活动当前为“%(s)s”，不在双向选择阶段") % {"s": campaign.get_status_display()},
            code="campaign_state",
        )
    due = campaign.preferences_due
    if due and timezone.localdate() > due and not selectors.may_manage(actor, campaign):
        raise Conflict(_("双向选择已于%(d)s截止") % {"d": due}, code="preferences_due")


def _ranked_ids(chosen_ids: Sequence[Any]) -> list[int]:
    ids = [int(clean_int("chosen", i, _("所选项")) or 0) for i in chosen_ids]
    if len(ids) > MAX_PREFERENCES:
        raise invalid("chosen", _("最多选择%(n)d项") % {"n": MAX_PREFERENCES})
    if len(set(ids)) != len(ids):
        raise invalid("chosen", _("同一项不能重复选择"))
    return ids


@transaction.atomic
def demand_preferences_set(
    *, actor: Any, demand: Demand | int | str, resource_ids: Sequence[Any]
) -> list[Preference]:
    """The community ranks the resources it wants for one demand (1 is first); replaces its
    list. Only resources that serve the demand's community can be chosen."""
    chooser = selectors.demand_get_for(actor, demand, write=True, lock=True)
    campaign = chooser.campaign
    _preferences_open(actor, campaign)
    ids = _ranked_ids(resource_ids)
    found = Resource.objects.filter(campaign=campaign, pk__in=ids).select_related("area")
    by_id = {r.pk: r for r in found}
    for rid in ids:
        r = by_id.get(rid)
        if r is None:
            raise invalid("chosen", _("资源%(id)s不在本次活动的资源清单中") % {"id": rid})
        if not matching.serves(served_path(r.area, campaign), chooser.community.path.strip("/")):
            raise invalid(
                "chosen",
                _("“%(r)s”不服务%(c)s，不能选择") % {"r": r.title, "c": chooser.community.name},
            )
    return _replace_preferences(
        campaign, Side.DEMAND, [(chooser.pk, rid) for rid in ids], demand=chooser
    )


@transaction.atomic
def resource_preferences_set(
    *, actor: Any, resource: Resource | int | str, demand_ids: Sequence[Any]
) -> list[Preference]:
    """The unit ranks the demands it wants to take on with one resource; replaces its list.
    Only demands inside the resource's service area can be chosen."""
    chooser = selectors.resource_get_for(actor, resource, write=True, lock=True)
    campaign = chooser.campaign
    _preferences_open(actor, campaign)
    ids = _ranked_ids(demand_ids)
    found = Demand.objects.filter(campaign=campaign, pk__in=ids).select_related("community")
    by_id = {d.pk: d for d in found}
    area = served_path(chooser.area, campaign)
    for did in ids:
        d = by_id.get(did)
        if d is None:
            raise invalid("chosen", _("需求%(id)s不在本次活动的需求清单中") % {"id": did})
        if not matching.serves(area, d.community.path.strip("/")):
            raise invalid(
                "chosen",
                _("“%(d)s”（%(c)s）不在本资源的服务区域内") % {"d": d.title, "c": d.community.name},
            )
    return _replace_preferences(
        campaign, Side.RESOURCE, [(did, chooser.pk) for did in ids], resource=chooser
    )


def _replace_preferences(
    campaign: Campaign,
    side: str,
    pairs: list[tuple[int, int]],
    *,
    demand: Demand | None = None,
    resource: Resource | None = None,
) -> list[Preference]:
    existing = Preference.objects.filter(campaign=campaign, side=side)
    existing = existing.filter(demand=demand) if demand is not None else existing
    existing = existing.filter(resource=resource) if resource is not None else existing
    before = list(existing.order_by("rank").values_list("demand_id", "resource_id"))
    existing.delete()
    created = Preference.objects.bulk_create(
        [
            Preference(campaign=campaign, side=side, demand_id=d, resource_id=r, rank=k)
            for k, (d, r) in enumerate(pairs, start=1)
        ]
    )
    chooser = demand if demand is not None else resource
    assert chooser is not None  # noqa: S101 - one of the two is given
    audit_record(
        action="update",
        obj=chooser,
        changes={"preferences": [before, pairs]},
        reason=_("双向选择"),
    )
    return created
