"""Every write of 直联共建: validated, scoped, atomic, audited.

The rules (docs/adr/0005-cobuild-flow.md): a campaign goes draft → open → matching → signing
→ closed; units and communities enter their own lists while it collects them (until the
lists are due), rank the other side's items once the lists are published (until the
preferences are due); the working committee runs the engine, pins or forbids pairs, re-runs
and confirms — never over a resource's capacity, never two confirmed matches for a demand;
both sides sign each confirmed match; the project then runs and the community rates it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.cobuild import matching, selectors
from gongjian.cobuild.models import (
    Agreement,
    Campaign,
    Demand,
    Match,
    MatchRun,
    Milestone,
    PairRule,
    Preference,
    Priority,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    Rating,
    Resource,
    Side,
)
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import (
    Conflict,
    PermissionDenied,
    ValidationFailed,
)
from gongjian.core.files import check_image
from gongjian.orgs.models import Area, Unit

MAX_PREFERENCES = 10
MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_CAPACITY = 100
LIST_STATES = (Campaign.Status.DRAFT, Campaign.Status.OPEN)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Campaign.Status.DRAFT: (Campaign.Status.OPEN,),
    Campaign.Status.OPEN: (Campaign.Status.MATCHING,),
    Campaign.Status.MATCHING: (Campaign.Status.OPEN, Campaign.Status.SIGNING),
    Campaign.Status.SIGNING: (Campaign.Status.CLOSED,),
    Campaign.Status.CLOSED: (),
}
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Project.Status.PLANNED: (Project.Status.ACTIVE, Project.Status.SUSPENDED),
    Project.Status.ACTIVE: (Project.Status.SUSPENDED, Project.Status.FINISHED),
    Project.Status.SUSPENDED: (Project.Status.ACTIVE,),
    Project.Status.FINISHED: (),
}


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _text(field: str, value: str | None, label: str, limit: int, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, _("请填写%(l)s") % {"l": label})
    if len(value) > limit:
        raise _invalid(field, _("%(l)s不能超过%(n)d个字") % {"l": label, "n": limit})
    return value


def _today() -> dt.date:
    return timezone.localdate()


# Campaigns -----------------------------------------------------------------------------------


def _check_dates(
    lists_due: dt.date | None, preferences_due: dt.date | None, signing_due: dt.date | None
) -> None:
    if lists_due and preferences_due and preferences_due < lists_due:
        raise _invalid("preferences_due", _("双向选择截止日期不能早于清单截止日期"))
    if preferences_due and signing_due and signing_due < preferences_due:
        raise _invalid("signing_due", _("签约截止日期不能早于双向选择截止日期"))


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    district: Area | None,
    name: str,
    year: int | None,
    description: str = "",
    lists_due: dt.date | None = None,
    preferences_due: dt.date | None = None,
    signing_due: dt.date | None = None,
) -> Campaign:
    if district is None or not selectors.districts_managed(actor).filter(pk=district.pk).exists():
        raise PermissionDenied(_("只有区直机关工委（区级管理员）可以发起共建活动"))
    name = _text("name", name, _("活动名称"), 100, required=True)
    if year is None or not 2000 <= year <= 2100:
        raise _invalid("year", _("年度应为2000至2100之间的年份"))
    _check_dates(lists_due, preferences_due, signing_due)
    if Campaign.objects.filter(district=district, name=name).exists():
        raise Conflict(_("本区已有名为“%(n)s”的共建活动") % {"n": name}, code="campaign_exists")
    campaign = Campaign(
        district=district,
        name=name,
        year=year,
        description=_text("description", description, _("说明"), 2000, required=False),
        lists_due=lists_due,
        preferences_due=preferences_due,
        signing_due=signing_due,
        created_by=_user(actor),
    )
    try:
        with transaction.atomic():
            campaign.save()
    except IntegrityError:
        raise Conflict(_("本区已有同名的共建活动"), code="campaign_exists") from None
    audit_record(action="create", obj=campaign, changes=diff({}, snapshot(campaign)))
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    description: str = "",
    lists_due: dt.date | None = None,
    preferences_due: dt.date | None = None,
    signing_due: dt.date | None = None,
) -> Campaign:
    campaign = _campaign_locked(actor, campaign)
    before = snapshot(campaign)
    campaign.name = _text("name", name, _("活动名称"), 100, required=True)
    campaign.description = _text("description", description, _("说明"), 2000, required=False)
    _check_dates(lists_due, preferences_due, signing_due)
    campaign.lists_due = lists_due
    campaign.preferences_due = preferences_due
    campaign.signing_due = signing_due
    if (
        Campaign.objects.filter(district_id=campaign.district_id, name=campaign.name)
        .exclude(pk=campaign.pk)
        .exists()
    ):
        raise Conflict(_("本区已有同名的共建活动"), code="campaign_exists")
    campaign.save()
    audit_record(action="update", obj=campaign, changes=diff(before, snapshot(campaign)))
    return campaign


def _campaign_locked(actor: Any, campaign: Campaign) -> Campaign:
    selectors.campaign_get_for(actor, campaign.pk, manage=True)
    return Campaign.objects.select_for_update().select_related("district").get(pk=campaign.pk)


@transaction.atomic
def campaign_advance(*, actor: Any, campaign: Campaign, to: str) -> Campaign:
    """Move a campaign to its next stage (publishing the lists is draft → open)."""
    campaign = _campaign_locked(actor, campaign)
    if to not in TRANSITIONS.get(campaign.status, ()):
        labels = dict(Campaign.Status.choices)
        raise Conflict(
            _("活动当前为“%(s)s”，不能转为“%(t)s”")
            % {"s": campaign.get_status_display(), "t": labels.get(to, to)},
            code="campaign_state",
        )
    if to == Campaign.Status.OPEN and campaign.status == Campaign.Status.DRAFT:
        if not campaign.resources.exists() or not campaign.demands.exists():
            raise _invalid("status", _("资源清单和需求清单都至少要有一项才能发布"))
        campaign.published_at = timezone.now()
    before = snapshot(campaign)
    campaign.status = to
    campaign.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(action="update", obj=campaign, changes=diff(before, snapshot(campaign)))
    return campaign


# Resources and demands -----------------------------------------------------------------------


def _lists_open(actor: Any, campaign: Campaign) -> None:
    if campaign.status not in LIST_STATES:
        raise Conflict(
            _("活动当前为“%(s)s”，清单已不能修改") % {"s": campaign.get_status_display()},
            code="campaign_state",
        )
    if (
        campaign.lists_due
        and _today() > campaign.lists_due
        and not selectors.may_manage(actor, campaign)
    ):
        raise Conflict(
            _("清单已于%(d)s截止，如需修改请联系区直机关工委") % {"d": campaign.lists_due},
            code="lists_due",
        )


def _check_area(campaign: Campaign, area: Area | None, field: str) -> None:
    if area is None:
        return
    if not area.path.startswith(campaign.district.path) or area.kind == Area.Kind.GRID:
        raise _invalid(field, _("服务区域应为本区内的区、街道或社区"))


def _resource_fields(
    campaign: Campaign,
    *,
    title: str,
    description: str,
    category: str,
    capacity: int | None,
    area: Area | None,
    contact: str,
) -> dict[str, Any]:
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        raise _invalid("capacity", _("可服务社区数应为1至%(n)d之间的整数") % {"n": MAX_CAPACITY})
    _check_area(campaign, area, "area")
    return {
        "title": _text("title", title, _("资源名称"), 100, required=True),
        "description": _text("description", description, _("资源内容"), 2000, required=False),
        "category": _text("category", category, _("类别"), 32, required=False),
        "capacity": capacity,
        "area": area,
        "contact": _text("contact", contact, _("联系人及电话"), 100, required=False),
    }


@transaction.atomic
def resource_create(
    *,
    actor: Any,
    campaign: Campaign,
    unit: Unit | None,
    title: str,
    description: str = "",
    category: str = "",
    capacity: int | None = 1,
    area: Area | None = None,
    contact: str = "",
) -> Resource:
    campaign = selectors.campaign_get_for(actor, campaign.pk)
    if unit is None or not selectors.units_for_resources(actor=actor).filter(pk=unit.pk).exists():
        raise _invalid("unit", _("请选择本单位（您管理的单位）"))
    _lists_open(actor, campaign)
    fields = _resource_fields(
        campaign,
        title=title,
        description=description,
        category=category,
        capacity=capacity,
        area=area,
        contact=contact,
    )
    resource = Resource.objects.create(
        campaign=campaign, unit=unit, created_by=_user(actor), **fields
    )
    audit_record(action="create", obj=resource, changes=diff({}, snapshot(resource)))
    return resource


@transaction.atomic
def resource_update(
    *,
    actor: Any,
    resource: Resource,
    title: str,
    description: str = "",
    category: str = "",
    capacity: int | None = 1,
    area: Area | None = None,
    contact: str = "",
) -> Resource:
    resource = selectors.resource_get_for(actor, resource.pk, write=True)
    resource = (
        Resource.objects.select_for_update()
        .select_related("campaign__district")
        .get(pk=resource.pk)
    )
    _lists_open(actor, resource.campaign)
    fields = _resource_fields(
        resource.campaign,
        title=title,
        description=description,
        category=category,
        capacity=capacity,
        area=area,
        contact=contact,
    )
    before = snapshot(resource)
    for key, value in fields.items():
        setattr(resource, key, value)
    resource.save()
    audit_record(action="update", obj=resource, changes=diff(before, snapshot(resource)))
    return resource


@transaction.atomic
def resource_delete(*, actor: Any, resource: Resource) -> None:
    resource = selectors.resource_get_for(actor, resource.pk, write=True)
    _lists_open(actor, resource.campaign)
    if Match.objects.filter(resource=resource).exists():
        raise Conflict(_("该资源已参与匹配，不能删除"), code="in_use")
    before = snapshot(resource)
    pk = resource.pk
    resource.delete()
    audit_record(
        action="delete",
        object_type="cobuild.resource",
        object_id=str(pk),
        object_repr=str(before.get("title", "")),
        changes=diff(before, {}),
    )


def _demand_fields(
    campaign: Campaign,
    *,
    title: str,
    description: str,
    category: str,
    priority: str,
    needed_by: dt.date | None,
) -> dict[str, Any]:
    if priority not in Priority.values:
        raise _invalid("priority", _("优先级应为高、中或低"))
    return {
        "title": _text("title", title, _("需求名称"), 100, required=True),
        "description": _text("description", description, _("需求内容"), 2000, required=False),
        "category": _text("category", category, _("类别"), 32, required=False),
        "priority": priority,
        "needed_by": needed_by,
    }


@transaction.atomic
def demand_create(
    *,
    actor: Any,
    campaign: Campaign,
    community: Area | None,
    title: str,
    description: str = "",
    category: str = "",
    priority: str = Priority.MEDIUM,
    needed_by: dt.date | None = None,
) -> Demand:
    campaign = selectors.campaign_get_for(actor, campaign.pk)
    if (
        community is None
        or not selectors.communities_for_demands(actor=actor).filter(pk=community.pk).exists()
    ):
        raise _invalid("community", _("请选择本社区（您管理的社区）"))
    if not community.path.startswith(campaign.district.path):
        raise _invalid("community", _("该社区不在本次活动的区内"))
    _lists_open(actor, campaign)
    fields = _demand_fields(
        campaign,
        title=title,
        description=description,
        category=category,
        priority=priority,
        needed_by=needed_by,
    )
    demand = Demand.objects.create(
        campaign=campaign, community=community, created_by=_user(actor), **fields
    )
    audit_record(action="create", obj=demand, changes=diff({}, snapshot(demand)))
    return demand


@transaction.atomic
def demand_update(
    *,
    actor: Any,
    demand: Demand,
    title: str,
    description: str = "",
    category: str = "",
    priority: str = Priority.MEDIUM,
    needed_by: dt.date | None = None,
) -> Demand:
    demand = selectors.demand_get_for(actor, demand.pk, write=True)
    demand = (
        Demand.objects.select_for_update().select_related("campaign__district").get(pk=demand.pk)
    )
    _lists_open(actor, demand.campaign)
    fields = _demand_fields(
        demand.campaign,
        title=title,
        description=description,
        category=category,
        priority=priority,
        needed_by=needed_by,
    )
    before = snapshot(demand)
    for key, value in fields.items():
        setattr(demand, key, value)
    demand.save()
    audit_record(action="update", obj=demand, changes=diff(before, snapshot(demand)))
    return demand


@transaction.atomic
def demand_delete(*, actor: Any, demand: Demand) -> None:
    demand = selectors.demand_get_for(actor, demand.pk, write=True)
    _lists_open(actor, demand.campaign)
    if Match.objects.filter(demand=demand).exists():
        raise Conflict(_("该需求已参与匹配，不能删除"), code="in_use")
    before = snapshot(demand)
    pk = demand.pk
    demand.delete()
    audit_record(
        action="delete",
        object_type="cobuild.demand",
        object_id=str(pk),
        object_repr=str(before.get("title", "")),
        changes=diff(before, {}),
    )


# Preferences ---------------------------------------------------------------------------------


def _preferences_open(actor: Any, campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.OPEN:
        raise Conflict(
            _("活动当前为“%(s)s”，不在双向选择阶段") % {"s": campaign.get_status_display()},
            code="campaign_state",
        )
    due = campaign.preferences_due
    if due and _today() > due and not selectors.may_manage(actor, campaign):
        raise Conflict(_("双向选择已于%(d)s截止") % {"d": due}, code="preferences_due")


def _ranked_ids(chosen_ids: Sequence[int]) -> list[int]:
    ids = [int(i) for i in chosen_ids]
    if len(ids) > MAX_PREFERENCES:
        raise _invalid("chosen", _("最多选择%(n)d项") % {"n": MAX_PREFERENCES})
    if len(set(ids)) != len(ids):
        raise _invalid("chosen", _("同一项不能重复选择"))
    return ids


def _area_path(area: Area | None, campaign: Campaign) -> str:
    return (area.path if area is not None else campaign.district.path).strip("/")


@transaction.atomic
def demand_preferences_set(
    *, actor: Any, demand: Demand, resource_ids: Sequence[int]
) -> list[Preference]:
    """The community ranks the resources it wants for one demand (1 is first); replaces its
    list. Only resources that serve the demand's community can be chosen."""
    demand = selectors.demand_get_for(actor, demand.pk, write=True)
    campaign = demand.campaign
    _preferences_open(actor, campaign)
    ids = _ranked_ids(resource_ids)
    found = Resource.objects.filter(campaign=campaign, pk__in=ids).select_related("area")
    by_id = {r.pk: r for r in found}
    for rid in ids:
        r = by_id.get(rid)
        if r is None:
            raise _invalid("chosen", _("资源%(id)s不在本次活动的资源清单中") % {"id": rid})
        if not matching.serves(_area_path(r.area, campaign), demand.community.path.strip("/")):
            raise _invalid(
                "chosen",
                _("“%(r)s”不服务%(c)s，不能选择") % {"r": r.title, "c": demand.community.name},
            )
    return _replace_preferences(
        actor, campaign, Side.DEMAND, [(demand.pk, rid) for rid in ids], demand=demand
    )


@transaction.atomic
def resource_preferences_set(
    *, actor: Any, resource: Resource, demand_ids: Sequence[int]
) -> list[Preference]:
    """The unit ranks the demands it wants to take on with one resource; replaces its list.
    Only demands inside the resource's service area can be chosen."""
    resource = selectors.resource_get_for(actor, resource.pk, write=True)
    campaign = resource.campaign
    _preferences_open(actor, campaign)
    ids = _ranked_ids(demand_ids)
    found = Demand.objects.filter(campaign=campaign, pk__in=ids).select_related("community")
    by_id = {d.pk: d for d in found}
    area = _area_path(resource.area, campaign)
    for did in ids:
        d = by_id.get(did)
        if d is None:
            raise _invalid("chosen", _("需求%(id)s不在本次活动的需求清单中") % {"id": did})
        if not matching.serves(area, d.community.path.strip("/")):
            raise _invalid(
                "chosen",
                _("“%(d)s”（%(c)s）不在本资源的服务区域内") % {"d": d.title, "c": d.community.name},
            )
    return _replace_preferences(
        actor, campaign, Side.RESOURCE, [(did, resource.pk) for did in ids], resource=resource
    )


def _replace_preferences(
    actor: Any,
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


# Matching ------------------------------------------------------------------------------------


def _confirmed_per_resource(campaign: Campaign) -> Counter[int]:
    return Counter(
        dict(
            Match.objects.filter(campaign=campaign, status=Match.Status.CONFIRMED)
            .values_list("resource_id")
            .annotate(n=Count("pk"))
            .values_list("resource_id", "n")
        )
    )


@transaction.atomic
def match_run(*, actor: Any, campaign: Campaign, top_k: int = 10) -> MatchRun:
    """Run the engine over the demands not yet confirmed and the room each resource has left,
    with the preferences and the pins and forbids; store its proposals in a new run."""
    campaign = _campaign_locked(actor, campaign)
    if campaign.status not in (Campaign.Status.OPEN, Campaign.Status.MATCHING):
        raise Conflict(
            _("活动当前为“%(s)s”，不能运行匹配") % {"s": campaign.get_status_display()},
            code="campaign_state",
        )
    if not 1 <= top_k <= 50:
        raise _invalid("top_k", _("候选数应为1至50"))
    started = time.perf_counter()
    district = campaign.district.path
    confirmed_demands = set(
        Match.objects.filter(campaign=campaign, status=Match.Status.CONFIRMED).values_list(
            "demand_id", flat=True
        )
    )
    used = _confirmed_per_resource(campaign)
    demands = [
        matching.Demand(str(pk), title, description, category, path)
        for pk, title, description, category, path in Demand.objects.filter(campaign=campaign)
        .exclude(pk__in=confirmed_demands)
        .order_by("pk")
        .values_list("pk", "title", "description", "category", "community__path")
    ]
    resources = []
    for pk, title, description, category, capacity, path in (
        Resource.objects.filter(campaign=campaign)
        .order_by("pk")
        .values_list("pk", "title", "description", "category", "capacity", "area__path")
    ):
        left = capacity - used.get(pk, 0)
        if left > 0:
            resources.append(
                matching.Resource(str(pk), title, description, category, path or district, left)
            )
    d_ids = {d.id for d in demands}
    r_ids = {r.id for r in resources}
    preferences = []
    for side, d, r, rank in Preference.objects.filter(campaign=campaign).values_list(
        "side", "demand_id", "resource_id", "rank"
    ):
        if str(d) in d_ids and str(r) in r_ids:
            if side == Side.DEMAND:
                preferences.append(matching.Preference("demand", str(d), str(r), rank))
            else:
                preferences.append(matching.Preference("resource", str(r), str(d), rank))
    pinned: list[tuple[str, str]] = []
    forbidden: list[tuple[str, str]] = []
    for kind, d, r in PairRule.objects.filter(campaign=campaign).values_list(
        "kind", "demand_id", "resource_id"
    ):
        if str(d) not in d_ids or str(r) not in r_ids:
            continue
        (pinned if kind == PairRule.Kind.PIN else forbidden).append((str(d), str(r)))
    try:
        result = matching.match(
            demands, resources, preferences, pinned, forbidden, top_k=top_k, workers=1
        )
    except matching.MatchInputError as exc:
        raise _invalid("pinned", _("指定或禁止的配对有误：%(e)s") % {"e": str(exc)}) from None
    pins = set(pinned)
    run = MatchRun.objects.create(
        campaign=campaign,
        started_by=_user(actor),
        parameters={"top_k": top_k, "pinned": len(pinned), "forbidden": len(forbidden)},
        method=result.method,
        demand_count=len(demands),
        resource_count=len(resources),
        proposed_count=len(result.proposals),
        unmatched={
            d: [[c.resource_id, round(c.score, 4)] for c in cands]
            for d, cands in result.unmatched.items()
        },
        duration_ms=int((time.perf_counter() - started) * 1000),
    )
    Match.objects.bulk_create(
        [
            Match(
                run=run,
                campaign=campaign,
                demand_id=int(p.demand_id),
                resource_id=int(p.resource_id),
                score=max(0.0, p.score),
                reasons=list(p.reasons) or [_("在资源服务范围内")],
                status=Match.Status.PINNED
                if (p.demand_id, p.resource_id) in pins
                else Match.Status.PROPOSED,
            )
            for p in result.proposals
        ]
    )
    if campaign.status == Campaign.Status.OPEN:
        campaign.status = Campaign.Status.MATCHING
        campaign.save(update_fields=["status", "updated_at"])
    audit_record(
        action="create",
        obj=run,
        changes={
            "method": run.method,
            "demands": run.demand_count,
            "resources": run.resource_count,
            "proposed": run.proposed_count,
            "pinned": len(pinned),
            "forbidden": len(forbidden),
        },
    )
    return run


def _latest_run(campaign: Campaign) -> MatchRun:
    run = selectors.latest_run(campaign=campaign)
    if run is None:
        raise Conflict(_("还没有运行过匹配"), code="no_run")
    return run


@transaction.atomic
def matches_confirm(
    *, actor: Any, campaign: Campaign, match_ids: Sequence[int] | None = None
) -> int:
    """Confirm proposals of the latest run (all of them, or those named). The resources are
    locked in id order and their confirmed matches counted, so no capacity is ever exceeded,
    whatever runs at the same time; a demand confirmed twice is refused by the database."""
    campaign = _campaign_locked(actor, campaign)
    if campaign.status not in (Campaign.Status.MATCHING, Campaign.Status.SIGNING):
        raise Conflict(
            _("活动当前为“%(s)s”，不能确认配对") % {"s": campaign.get_status_display()},
            code="campaign_state",
        )
    run = _latest_run(campaign)
    qs = Match.objects.filter(run=run, status__in=(Match.Status.PROPOSED, Match.Status.PINNED))
    if match_ids is not None:
        wanted = {int(i) for i in match_ids}
        if not wanted:
            raise _invalid("matches", _("请选择要确认的配对"))
        qs = qs.filter(pk__in=wanted)
        if qs.count() != len(wanted):
            raise Conflict(
                _("所选配对不是最新一次匹配的待确认建议，请刷新后重试"), code="stale_match"
            )
    chosen = list(qs.order_by("pk").values_list("pk", "demand_id", "resource_id"))
    if not chosen:
        raise _invalid("matches", _("没有待确认的配对"))
    resource_ids = sorted({r for _pk, _d, r in chosen})
    capacity = dict(
        Resource.objects.select_for_update()
        .filter(pk__in=resource_ids)
        .order_by("pk")
        .values_list("pk", "capacity")
    )
    taken = _confirmed_per_resource(campaign)
    titles = dict(Resource.objects.filter(pk__in=resource_ids).values_list("pk", "title"))
    for _pk, _d, r in chosen:
        taken[r] += 1
        if taken[r] > capacity[r]:
            raise Conflict(
                _("资源“%(t)s”的可服务社区数为%(n)d，不能再确认更多配对")
                % {"t": titles[r], "n": capacity[r]},
                code="capacity",
            )
    now = timezone.now()
    try:
        with transaction.atomic():
            n = Match.objects.filter(pk__in=[pk for pk, _d, _r in chosen]).update(
                status=Match.Status.CONFIRMED,
                confirmed_at=now,
                confirmed_by=_user(actor),
                updated_at=now,
            )
    except IntegrityError:
        raise Conflict(_("有需求已确认了其他配对，请重新运行匹配"), code="demand_taken") from None
    audit_record(
        action="update",
        obj=run,
        changes={"confirmed": [pk for pk, _d, _r in chosen]},
        reason=_("确认配对"),
    )
    return n


def _match_locked(actor: Any, match: Match) -> Match:
    selectors.match_get_for(actor, match.pk, manage=True)
    return Match.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=match.pk)


@transaction.atomic
def match_decide(*, actor: Any, match: Match, action: str, note: str = "") -> Match:
    """On one proposal of the latest run: `pin` (keep this pair in every re-run), `forbid`
    (never this pair again), `reject` (not this time); on a confirmed match without an
    agreement: `release`."""
    match = _match_locked(actor, match)
    if action not in ("pin", "forbid", "reject", "release"):
        raise _invalid("action", _("操作应为指定、禁止、否决或撤销确认"))
    before = snapshot(match)
    if action == "release":
        if match.status != Match.Status.CONFIRMED:
            raise Conflict(_("只能撤销已确认的配对"), code="match_state")
        if Agreement.objects.filter(match=match).exists():
            raise Conflict(_("该配对已有签约，不能撤销"), code="match_signed")
        match.status = Match.Status.REJECTED
        match.confirmed_at = None
    else:
        latest = selectors.latest_run(campaign=match.campaign)
        if latest is None or latest.pk != match.run_id:
            raise Conflict(_("这是旧的匹配结果，请在最新一次匹配中操作"), code="stale_match")
        if match.status not in (Match.Status.PROPOSED, Match.Status.PINNED):
            raise Conflict(
                _("该配对当前为“%(s)s”，不能这样处理") % {"s": match.get_status_display()},
                code="match_state",
            )
        if action in ("pin", "forbid"):
            _rule_save(actor, match.campaign, match.demand_id, match.resource_id, action, note)
        match.status = {
            "pin": Match.Status.PINNED,
            "forbid": Match.Status.FORBIDDEN,
            "reject": Match.Status.REJECTED,
        }[action]
    match.save(update_fields=["status", "confirmed_at", "updated_at"])
    audit_record(action="update", obj=match, changes=diff(before, snapshot(match)), reason=note)
    return match


def _rule_save(
    actor: Any, campaign: Campaign, demand_id: int, resource_id: int, kind: str, note: str
) -> PairRule:
    if kind == PairRule.Kind.PIN:
        other = (
            PairRule.objects.filter(demand_id=demand_id, kind=PairRule.Kind.PIN)
            .exclude(resource_id=resource_id)
            .first()
        )
        if other is not None:
            raise Conflict(
                _("该需求已指定了资源“%(r)s”，请先取消") % {"r": other.resource.title},
                code="pin_exists",
            )
    rule, _created = PairRule.objects.update_or_create(
        demand_id=demand_id,
        resource_id=resource_id,
        defaults={
            "campaign": campaign,
            "kind": kind,
            "note": note.strip()[:200],
            "created_by": _user(actor),
        },
    )
    return rule


@transaction.atomic
def pair_rule_create(
    *,
    actor: Any,
    campaign: Campaign,
    demand: Demand | None,
    resource: Resource | None,
    kind: str,
    note: str = "",
) -> PairRule:
    """Pin or forbid any pair of the campaign. A pin must obey the area rule."""
    campaign = _campaign_locked(actor, campaign)
    if kind not in PairRule.Kind.values:
        raise _invalid("kind", _("类型应为指定或禁止"))
    if demand is None or demand.campaign_id != campaign.pk:
        raise _invalid("demand", _("请选择本次活动的需求"))
    if resource is None or resource.campaign_id != campaign.pk:
        raise _invalid("resource", _("请选择本次活动的资源"))
    if kind == PairRule.Kind.PIN and not matching.serves(
        _area_path(resource.area, campaign), demand.community.path.strip("/")
    ):
        raise _invalid(
            "resource",
            _("“%(r)s”不服务%(c)s，不能指定") % {"r": resource.title, "c": demand.community.name},
        )
    if (
        kind == PairRule.Kind.FORBID
        and Match.objects.filter(
            demand=demand, resource=resource, status=Match.Status.CONFIRMED
        ).exists()
    ):
        raise Conflict(_("该配对已确认，请先撤销确认"), code="match_state")
    rule = _rule_save(actor, campaign, demand.pk, resource.pk, kind, note)
    audit_record(action="create", obj=rule, changes=diff({}, snapshot(rule)))
    return rule


@transaction.atomic
def pair_rule_delete(*, actor: Any, rule: PairRule) -> None:
    rule = selectors.pair_rule_get_for(actor, rule.pk)
    before = snapshot(rule)
    pk = rule.pk
    rule.delete()
    audit_record(
        action="delete",
        object_type="cobuild.pairrule",
        object_id=str(pk),
        changes=diff(before, {}),
    )


# Signing -------------------------------------------------------------------------------------


@transaction.atomic
def agreement_sign(*, actor: Any, match: Match, side: str, project_name: str = "") -> Agreement:
    """One side signs a confirmed match. The first signature creates the agreement (naming
    the project); when both sides have signed, the project is created."""
    if side not in ("unit", "community"):
        raise _invalid("side", _("签约方应为单位或社区"))
    visible = selectors.match_get_for(actor, match.pk)
    match = (
        Match.objects.select_for_update(of=("self",))
        .select_related("demand__community", "resource__unit", "campaign")
        .get(pk=visible.pk)
    )
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
    now = timezone.now()
    agreement = Agreement.objects.select_for_update().filter(match=match).first()
    before = snapshot(agreement) if agreement else {}
    if agreement is None:
        name = _text("project_name", project_name, _("共建项目名称"), 100, required=False)
        agreement = Agreement(match=match, project_name=name or _default_name(match))
    elif project_name.strip() and project_name.strip() != agreement.project_name:
        raise _invalid("project_name", _("项目名称已由对方签约时确定，不能再修改"))
    if side == "unit":
        if agreement.unit_signed_at is not None:
            raise Conflict(_("单位方已签约"), code="signed")
        agreement.unit_signed_at, agreement.unit_signed_by = now, _user(actor)
    else:
        if agreement.community_signed_at is not None:
            raise Conflict(_("社区方已签约"), code="signed")
        agreement.community_signed_at, agreement.community_signed_by = now, _user(actor)
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


# Projects ------------------------------------------------------------------------------------


def _project_locked(actor: Any, project: Project) -> Project:
    selectors.project_get_for(actor, project.public_id, write=True)
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("agreement__match__demand__community", "agreement__match__resource__unit")
        .get(pk=project.pk)
    )


@transaction.atomic
def project_update(
    *,
    actor: Any,
    project: Project,
    status: str | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Project:
    project = _project_locked(actor, project)
    before = snapshot(project)
    if status and status != project.status:
        if status not in PROJECT_TRANSITIONS.get(project.status, ()):
            labels = dict(Project.Status.choices)
            raise Conflict(
                _("项目当前为“%(s)s”，不能转为“%(t)s”")
                % {"s": project.get_status_display(), "t": labels.get(status, status)},
                code="project_state",
            )
        project.status = status
        if status == Project.Status.FINISHED:
            project.finished_at = timezone.now()
        if status == Project.Status.ACTIVE and project.starts_on is None and starts_on is None:
            project.starts_on = _today()
    if starts_on is not None:
        project.starts_on = starts_on
    if ends_on is not None:
        project.ends_on = ends_on
    if project.starts_on and project.ends_on and project.ends_on < project.starts_on:
        raise _invalid("ends_on", _("结束日期不能早于开始日期"))
    project.save()
    audit_record(action="update", obj=project, changes=diff(before, snapshot(project)))
    return project


@transaction.atomic
def milestone_add(
    *, actor: Any, project: Project, title: str, due_on: dt.date | None = None
) -> Milestone:
    project = _project_locked(actor, project)
    if project.status == Project.Status.FINISHED:
        raise Conflict(_("项目已完成，不能再添加节点"), code="project_state")
    milestone = Milestone.objects.create(
        project=project, title=_text("title", title, _("节点"), 100, required=True), due_on=due_on
    )
    audit_record(action="create", obj=milestone, changes=diff({}, snapshot(milestone)))
    return milestone


@transaction.atomic
def milestone_done(*, actor: Any, milestone: Milestone) -> Milestone:
    _project_locked(actor, milestone.project)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_at is not None:
        raise Conflict(_("该节点已完成"), code="milestone_done")
    before = snapshot(milestone)
    milestone.done_at = timezone.now()
    milestone.save(update_fields=["done_at", "updated_at"])
    audit_record(action="update", obj=milestone, changes=diff(before, snapshot(milestone)))
    return milestone


@transaction.atomic
def progress_add(
    *, actor: Any, project: Project, text: str, photos: Sequence[tuple[str, bytes]] = ()
) -> ProgressUpdate:
    project = _project_locked(actor, project)
    text = _text("text", text, _("进展情况"), 5000, required=True)
    if len(photos) > MAX_PHOTOS:
        raise _invalid("photos", _("每条进展最多%(n)d张照片") % {"n": MAX_PHOTOS})
    checked = [(d, check_image(d, name=n, max_bytes=MAX_PHOTO_BYTES)) for n, d in photos]
    update = ProgressUpdate.objects.create(project=project, text=text, author=_user(actor))
    for data, found in checked:
        photo = ProgressPhoto(update=update, content_type=found.content_type)
        photo.image.save(f"photo.{found.kind}", ContentFile(data), save=True)
    changes = diff({}, snapshot(update))
    changes["photos"] = len(checked)
    audit_record(action="create", obj=update, changes=changes)
    return update


@transaction.atomic
def project_rate(*, actor: Any, project: Project, stars: int | None, comment: str = "") -> Rating:
    """The community rates a finished project, once."""
    project = _project_locked(actor, project)
    community = project.agreement.match.demand.community
    if not selectors.may_sign_community_side(actor, community):
        raise PermissionDenied(_("只有%(c)s可以评价该项目") % {"c": community.name})
    if project.status != Project.Status.FINISHED:
        raise Conflict(_("项目完成后才能评价"), code="project_state")
    if stars is None or not 1 <= stars <= 5:
        raise _invalid("stars", _("评分应为1至5星"))
    rating = Rating(
        project=project,
        stars=stars,
        comment=_text("comment", comment, _("评价"), 500, required=False),
        rated_by=_user(actor),
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise Conflict(_("该项目已评价过"), code="rated") from None
    audit_record(action="create", obj=rating, changes=diff({}, snapshot(rating)))
    return rating
