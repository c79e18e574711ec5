"""Matching: the engine proposes pairs, the working committee pins, forbids, re-runs and
confirms them, never over a resource's capacity."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

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
    PairRule,
    Preference,
    Resource,
    Side,
)
from gongjian.cobuild.services.lists import served_path
from gongjian.core.access import pk_of, user_of
from gongjian.core.audit import audit_record, diff, snapshot
from gongjian.core.errors import Conflict
from gongjian.core.figures import written
from gongjian.core.validation import clean_int, clean_text, invalid
from gongjian.orgs import selectors as org_selectors


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
def match_run(*, actor: Any, campaign: Campaign | int | str, top_k: int = 10) -> MatchRun:
    """Run the engine over the demands not yet confirmed and the room each resource has left,
    with the preferences and the pins and forbids; store its proposals in a new run."""
    campaign = selectors.campaign_get_for(actor, campaign, manage=True, lock=True)
    if campaign.status not in (Campaign.Status.OPEN, Campaign.Status.MATCHING):
        raise Conflict(
            _("活动当前为“%(s)s”，不能运行匹配") % {"s": campaign.get_status_display()},
            code="campaign_state",
        )
    top_k = clean_int("top_k", top_k, _("候选数"), minimum=1, maximum=50) or 10
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
            demands,
            resources,
            preferences,
            pinned,
            forbidden,
            top_k=top_k,
            workers=1,
            # reasons name areas by their names, not their codes
            names=org_selectors.area_names_under(district),
        )
    except matching.MatchInputError as exc:
        raise invalid("pinned", _("指定或禁止的配对有误：%(e)s") % {"e": str(exc)}) from None
    pins = set(pinned)
    run = MatchRun.objects.create(
        campaign=campaign,
        started_by=user_of(actor),
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
    *, actor: Any, campaign: Campaign | int | str, match_ids: Sequence[Any] | None = None
) -> int:
    """Confirm proposals of the latest run (all of them, or those named). The resources are
    locked in id order and their confirmed matches counted, so no capacity is ever exceeded,
    whatever runs at the same time; a demand confirmed twice is refused by the database."""
    campaign = selectors.campaign_get_for(actor, campaign, manage=True, lock=True)
    if campaign.status not in (Campaign.Status.MATCHING, Campaign.Status.SIGNING):
        raise Conflict(
            _("活动当前为“%(s)s”，不能确认配对") % {"s": campaign.get_status_display()},
            code="campaign_state",
        )
    run = _latest_run(campaign)
    qs = Match.objects.filter(run=run, status__in=(Match.Status.PROPOSED, Match.Status.PINNED))
    if match_ids is not None:
        wanted = {clean_int("matches", i, _("配对")) for i in match_ids}
        if not wanted:
            raise invalid("matches", _("请选择要确认的配对"))
        qs = qs.filter(pk__in=wanted)
        if qs.count() != len(wanted):
            raise Conflict(
                _("所选配对不是最新一次匹配的待确认建议，请刷新后重试"), code="stale_match"
            )
    chosen = list(qs.order_by("pk").values_list("pk", "demand_id", "resource_id"))
    if not chosen:
        raise invalid("matches", _("没有待确认的配对"))
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
                confirmed_by=user_of(actor),
                updated_at=now,
            )
            written.send(sender=Match)  # an update() sends no model signal
    except IntegrityError:
        raise Conflict(_("有需求已确认了其他配对，请重新运行匹配"), code="demand_taken") from None
    audit_record(
        action="update",
        obj=run,
        changes={"confirmed": [pk for pk, _d, _r in chosen]},
        reason=_("确认配对"),
    )
    return n


@transaction.atomic
def match_decide(*, actor: Any, match: Match | int | str, action: str, note: str = "") -> Match:
    """On one proposal of the latest run: `pin` (keep this pair in every re-run), `forbid`
    (never this pair again), `reject` (not this time); on a confirmed match without an
    agreement: `release`."""
    match = selectors.match_get_for(actor, match, manage=True, lock=True)
    if action not in ("pin", "forbid", "reject", "release"):
        raise invalid("action", _("操作应为指定、禁止、否决或撤销确认"))
    note = clean_text("note", note, _("说明"), 200, required=False)
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
            "note": note[:200],
            "created_by": user_of(actor),
        },
    )
    return rule


@transaction.atomic
def pair_rule_create(
    *,
    actor: Any,
    campaign: Campaign | int | str,
    demand: Demand | int | str | None,
    resource: Resource | int | str | None,
    kind: str,
    note: str = "",
) -> PairRule:
    """Pin or forbid any pair of the campaign. A pin must obey the area rule."""
    campaign = selectors.campaign_get_for(actor, campaign, manage=True, lock=True)
    if kind not in PairRule.Kind.values:
        raise invalid("kind", _("类型应为指定或禁止"))
    note = clean_text("note", note, _("说明"), 200, required=False)
    pair_demand: Demand = _of_campaign(
        campaign.demands.select_related("community"), demand, "demand", _("请选择本次活动的需求")
    )
    pair_resource: Resource = _of_campaign(
        campaign.resources.select_related("area"), resource, "resource", _("请选择本次活动的资源")
    )
    if kind == PairRule.Kind.PIN and not matching.serves(
        served_path(pair_resource.area, campaign), pair_demand.community.path.strip("/")
    ):
        raise invalid(
            "resource",
            _("“%(r)s”不服务%(c)s，不能指定")
            % {"r": pair_resource.title, "c": pair_demand.community.name},
        )
    if (
        kind == PairRule.Kind.FORBID
        and Match.objects.filter(
            demand=pair_demand, resource=pair_resource, status=Match.Status.CONFIRMED
        ).exists()
    ):
        raise Conflict(_("该配对已确认，请先撤销确认"), code="match_state")
    rule = _rule_save(actor, campaign, pair_demand.pk, pair_resource.pk, kind, note)
    audit_record(action="create", obj=rule, changes=diff({}, snapshot(rule)))
    return rule


@transaction.atomic
def pair_rule_delete(*, actor: Any, rule: PairRule | int | str) -> int:
    """Lift a pin or a forbid; returns its campaign's id."""
    rule = selectors.pair_rule_get_for(actor, rule, lock=True)
    before = snapshot(rule)
    pk = rule.pk
    rule.delete()
    audit_record(
        action="delete",
        object_type="cobuild.pairrule",
        object_id=str(pk),
        changes=diff(before, {}),
    )
    return rule.campaign_id


def _of_campaign(items: Any, given: Any, field: str, message: str) -> Any:
    """A demand or resource of the campaign, by id (or the row itself), else the field is
    refused."""
    pk = pk_of(given)
    found = items.filter(pk=pk).first() if pk is not None and str(pk).isdigit() else None
    if found is None:
        raise invalid(field, message)
    return found
