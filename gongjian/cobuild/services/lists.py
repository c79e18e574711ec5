"""The two lists of a campaign: the resources units offer and the demands communities have,
each entered by its own side while the campaign collects them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.cobuild import selectors
from gongjian.cobuild.models import Campaign, Demand, Match, Priority, Resource
from gongjian.cobuild.services.campaigns import LIST_STATES
from gongjian.core.access import pk_of, user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.contacts import contact_unmask, contact_values, split_contact
from gongjian.core.errors import Conflict, NotFound
from gongjian.core.updates import model_update
from gongjian.core.validation import clean_choice, clean_int, clean_text, invalid
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Unit

MAX_CAPACITY = 100


def lists_open(actor: Any, campaign: Campaign) -> None:
    """The lists take entries while the campaign collects them and, past their due date,
    only from the working committee."""
    if campaign.status not in LIST_STATES:
        raise Conflict(
            _("活动当前为“%(s)s”，清单已不能修改") % {"s": campaign.get_status_display()},
            code="campaign_state",
        )
    if (
        campaign.lists_due
        and timezone.localdate() > campaign.lists_due
        and not selectors.may_manage(actor, campaign)
    ):
        raise Conflict(
            _("清单已于%(d)s截止，如需修改请联系区直机关工委") % {"d": campaign.lists_due},
            code="lists_due",
        )


def served_path(area: Area | None, campaign: Campaign) -> str:
    """The area a resource serves, as the matching engine reads it (the whole district when
    the resource names none)."""
    return (area.path if area is not None else campaign.district.path).strip("/")


def _own(choices: QuerySet[Any], given: Any, field: str, message: str, none: str) -> Any:
    """The side the actor enters an item for: the one named, among those they manage, or,
    when none is named, the only one they manage (with several, the field is refused). An
    actor who manages none is refused as not found, like the page that is not theirs."""
    only = list(choices[:2])
    if not only:
        raise NotFound(none)
    if given is None or given == "":
        if len(only) == 1:
            return only[0]
        raise invalid(field, message)
    pk = pk_of(given)
    found = choices.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise invalid(field, message)
    return found


def _area(campaign: Campaign, area: Area | int | str | None) -> Area | None:
    """A resource's service area: a district, street or community of the campaign's district."""
    if area is None or area == "":
        return None
    pk = pk_of(area)
    found = (
        org_selectors.area_directory()
        .filter(path__startswith=campaign.district.path, pk=pk)
        .exclude(kind=Area.Kind.GRID)
        .first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise invalid("area", _("服务区域应为本区内的区、街道或社区"))
    return found


def _resource_fields(
    campaign: Campaign,
    *,
    title: str,
    description: str,
    category: str,
    capacity: Any,
    area: Area | int | str | None,
    contact: str,
    keep_phone: str = "",
) -> dict[str, Any]:
    """The cleaned fields; `keep_phone`: the contact's mobile number so far (an edit sends
    it back masked, which keeps it)."""
    return {
        "title": clean_text("title", title, _("资源名称"), 100),
        "description": clean_text(
            "description", description, _("资源内容"), 2000, required=False, multiline=True
        ),
        "category": clean_text("category", category, _("类别"), 32, required=False),
        "capacity": clean_int(
            "capacity", capacity, _("可服务社区数"), minimum=1, maximum=MAX_CAPACITY
        ),
        "area": _area(campaign, area),
        **contact_values(
            split_contact("contact", contact, _("联系人及电话"), 100, keep=keep_phone)
        ),
    }


@transaction.atomic
def resource_create(
    *,
    actor: Any,
    campaign: Campaign | int | str,
    unit: Unit | int | str | None = None,
    title: str,
    description: str = "",
    category: str = "",
    capacity: Any = 1,
    area: Area | int | str | None = None,
    contact: str = "",
) -> Resource:
    """A unit adds a resource. Without a unit named, it is the actor's only managed unit."""
    found = selectors.campaign_get_for(actor, campaign)
    owner = _own(
        selectors.units_for_resources(actor=actor),
        unit,
        "unit",
        _("请选择本单位（您管理的单位）"),
        _("您没有管理的单位，不能登记资源"),
    )
    lists_open(actor, found)
    fields = _resource_fields(
        found,
        title=title,
        description=description,
        category=category,
        capacity=capacity,
        area=area,
        contact=contact,
    )
    resource = Resource.objects.create(
        campaign=found, unit=owner, created_by=user_of(actor), **fields
    )
    audit_record(action="create", obj=resource, changes=diff({}, snapshot(resource)))
    return resource


@transaction.atomic
def resource_update(
    *,
    actor: Any,
    resource: Resource | int | str,
    title: str,
    description: str = "",
    category: str = "",
    capacity: Any = 1,
    area: Area | int | str | None = None,
    contact: str = "",
) -> Resource:
    locked = selectors.resource_get_for(actor, resource, write=True, lock=True)
    lists_open(actor, locked.campaign)
    fields = _resource_fields(
        locked.campaign,
        title=title,
        description=description,
        category=category,
        capacity=capacity,
        area=area,
        contact=contact,
        keep_phone=locked.contact_phone,
    )
    model_update(instance=locked, data=fields, allowed=frozenset(fields), clearable={"area"})
    return locked


def _delete(actor: Any, item: Resource | Demand, in_use: str) -> int:
    lists_open(actor, item.campaign)
    if Match.objects.filter(**{item._meta.model_name or "": item}).exists():
        raise Conflict(in_use, code="in_use")
    before = snapshot(item)
    label, pk = item._meta.label_lower, item.pk
    item.delete()
    audit_record(
        action="delete",
        object_type=label,
        object_id=str(pk),
        object_repr=str(before.get("title", "")),
        changes=diff(before, {}),
    )
    return item.campaign_id


@transaction.atomic
def resource_delete(*, actor: Any, resource: Resource | int | str) -> int:
    """Delete a resource not yet matched; returns its campaign's id."""
    locked = selectors.resource_get_for(actor, resource, write=True, lock=True)
    return _delete(actor, locked, _("该资源已参与匹配，不能删除"))


def _demand_fields(
    *, title: str, description: str, category: str, priority: str, needed_by: dt.date | None
) -> dict[str, Any]:
    return {
        "title": clean_text("title", title, _("需求名称"), 100),
        "description": clean_text(
            "description", description, _("需求内容"), 2000, required=False, multiline=True
        ),
        "category": clean_text("category", category, _("类别"), 32, required=False),
        "priority": clean_choice("priority", priority, _("优先级"), Priority.choices),
        "needed_by": needed_by,
    }


@transaction.atomic
def demand_create(
    *,
    actor: Any,
    campaign: Campaign | int | str,
    community: Area | int | str | None = None,
    title: str,
    description: str = "",
    category: str = "",
    priority: str = Priority.MEDIUM,
    needed_by: dt.date | None = None,
) -> Demand:
    """A community adds a demand. Without a community named, it is the actor's only managed
    community."""
    found = selectors.campaign_get_for(actor, campaign)
    place: Area = _own(
        selectors.communities_for_demands(actor=actor),
        community,
        "community",
        _("请选择本社区（您管理的社区）"),
        _("您没有管理的社区，不能登记需求"),
    )
    if not place.path.startswith(found.district.path):
        raise invalid("community", _("该社区不在本次活动的区内"))
    lists_open(actor, found)
    fields = _demand_fields(
        title=title,
        description=description,
        category=category,
        priority=priority,
        needed_by=needed_by,
    )
    demand = Demand.objects.create(
        campaign=found, community=place, created_by=user_of(actor), **fields
    )
    audit_record(action="create", obj=demand, changes=diff({}, snapshot(demand)))
    return demand


@transaction.atomic
def demand_update(
    *,
    actor: Any,
    demand: Demand | int | str,
    title: str,
    description: str = "",
    category: str = "",
    priority: str = Priority.MEDIUM,
    needed_by: dt.date | None = None,
) -> Demand:
    locked = selectors.demand_get_for(actor, demand, write=True, lock=True)
    lists_open(actor, locked.campaign)
    fields = _demand_fields(
        title=title,
        description=description,
        category=category,
        priority=priority,
        needed_by=needed_by,
    )
    model_update(instance=locked, data=fields, allowed=frozenset(fields), clearable={"needed_by"})
    return locked


@transaction.atomic
def demand_delete(*, actor: Any, demand: Demand | int | str) -> int:
    """Delete a demand not yet matched; returns its campaign's id."""
    locked = selectors.demand_get_for(actor, demand, write=True, lock=True)
    return _delete(actor, locked, _("该需求已参与匹配，不能删除"))


def resource_contact_unmask(*, actor: Any, resource: Resource | int | str, reason: str) -> str:
    """The resource's contact with its whole mobile number, for anyone with a post who sees
    the resource (a community calls the unit); audited."""
    found = selectors.resource_get_for(actor, resource)
    allowed = scope.posts_of(actor).is_staff_like
    return contact_unmask(actor=actor, obj=found, allowed=allowed, reason=reason)
