"""`figures_for(actor, node, period)`: every figure of the dashboard, the API and the briefing,
computed in one place so the three cannot disagree.

A scope node is the whole platform (superusers), an area (district, street, community, grid)
or a unit, and must lie within the caller's scope. What each figure counts:

- organisation (as of today): for an area, the units located in it, the party organisations
  attached to it or to its units, the members of those organisations; for a unit, its own;
- 双报到 (at the end of the period): the in-service members of the units counted, those whose
  report held then (`gongjian.reporting.selectors.reported_q`), those waiting; the reports the
  area's communities had confirmed; the pairings that held;
- volunteer service (over the period): for an area, the published activities that took place
  in it and their attendances (person-times), the distinct members among them (people), hours
  and households visited; for a unit, the attendances of its members wherever they served,
  the activities they attended, and the households of the activities the unit organised;
- co-building: resources of the units and demands of the communities in the campaigns of the
  period's years; matches confirmed, agreements signed by both sides and projects finished
  within the period, on either side of the scope.

Service figures of whole past months come from the monthly rollups when those are clean
(`models.RollupMonth`); the rest of the period from the raw tables. Distinct people, which
cannot be summed, are the members whose yearly month mask meets those clean months, united
with the members of the raw rest (`_people`, ADR 0009). `rollups=False` reads everything raw
(the benchmark's "naive" figures, and a check in the tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.errors import NotFound
from gongjian.core.figures import Scope
from gongjian.orgs import history, scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, PartyOrg, Unit
from gongjian.reporting import figures as reporting_figures
from gongjian.reporting.selectors import end_of_day
from gongjian.reports.models import (
    MemberPlaceFact,
    MemberYearFact,
    RollupMonth,
    ServiceFact,
    UnitServiceFact,
)
from gongjian.reports.services import local_midnight, month_bit
from gongjian.reports.signals import data_version, write_pending
from gongjian.reports.types import (
    CategoryFigure,
    CommunityRank,
    Figures,
    MonthFigure,
    Period,
    UnitRank,
    month_end,
    next_month,
)
from gongjian.service import figures as service_figures

CACHE_SECONDS = 600  # only to free memory: every write bumps the data version

# Scope nodes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    key: str  # "all", "area:12", "unit:7"
    kind: str  # all, district, street, community, grid, unit
    name: str
    path: str = "/"  # the area's path; for a unit, its area's
    area_id: int | None = None
    unit_id: int | None = None
    depth: int = 0

    @property
    def is_unit(self) -> bool:
        return self.unit_id is not None


ALL = Node("all", "all", "")


def _area_node(area: Area) -> Node:
    return Node(
        f"area:{area.pk}", area.kind, area.name, area.path, area_id=area.pk, depth=area.depth
    )


def _unit_node(unit: Unit) -> Node:
    return Node(f"unit:{unit.pk}", "unit", unit.name, unit.area.path, unit_id=unit.pk)


def node_get_for(actor: Any, key: str) -> Node:
    """The node named by `key` if it lies within the caller's scope; NotFound otherwise."""
    posts = scope.posts_of(actor)
    if not posts.is_staff_like:
        raise NotFound(_("没有可查看的统计范围"))
    kind, _sep, pk = (key or "").partition(":")
    if kind == "all" and posts.superuser:
        return Node("all", "all", _("全部"))
    if kind == "area":
        return _area_node(org_selectors.area_get_for(actor, pk))
    if kind == "unit":
        unit = org_selectors.unit_get_for(actor, pk)
        return _unit_node(unit)
    raise NotFound(_("统计范围不存在或无权查看"))


def default_node(actor: Any) -> Node:
    posts = scope.posts_of(actor)
    if posts.superuser:
        return node_get_for(actor, "all")
    paths = posts.paths()
    if paths:
        area = Area.objects.filter(path=paths[0]).first()
        if area is not None:
            return _area_node(area)
    if posts.unit_ids:
        return node_get_for(actor, f"unit:{posts.unit_ids[0]}")
    raise NotFound(_("没有可查看的统计范围"))


def node_options(actor: Any) -> list[Node]:
    """The nodes the scope picker offers: only those within the caller's scope."""
    posts = scope.posts_of(actor)
    if not posts.is_staff_like:
        return []
    out: list[Node] = []
    if posts.superuser:
        out.append(Node("all", "all", _("全部")))
    areas = org_selectors.area_list(actor=actor).select_related(None).order_by("path")
    if not posts.area_paths.get("grid_leader"):
        areas = areas.exclude(kind=Area.Kind.GRID)
    out.extend(
        Node(f"area:{pk}", kind, name, path, area_id=pk, depth=depth)
        for pk, kind, name, path, depth in areas.values_list("pk", "kind", "name", "path", "depth")
    )
    units = org_selectors.unit_list(actor=actor).select_related(None).order_by("code")
    out.extend(
        Node(f"unit:{pk}", "unit", name, unit_id=pk) for pk, name in units.values_list("pk", "name")
    )
    return out


# Filters of a node over each model -----------------------------------------------------------


def _prefix(node: Node, *lookups: str) -> Q:
    """Any of the area lookups lies in the node's subtree (everything for `all`)."""
    if node.kind == "all":
        return Q()
    q = Q(pk__in=[])
    for lookup in lookups:
        q |= Q(**{f"{lookup}__path__startswith": node.path})
    return q


def units_q(node: Node) -> Q:
    return Q(pk=node.unit_id or 0) if node.is_unit else _prefix(node, "area")


def party_orgs_q(node: Node) -> Q:
    return Q(unit_id=node.unit_id or 0) if node.is_unit else _prefix(node, "area", "unit__area")


def members_q(node: Node) -> Q:
    if node.is_unit:
        return Q(party_org__unit_id=node.unit_id or 0) | Q(unit_id=node.unit_id or 0)
    return _prefix(node, "party_org__area", "party_org__unit__area")


def scope_of(node: Node) -> Scope:
    """The node as the domain apps' figures take it (`core.figures.Scope`)."""
    if node.is_unit:
        return Scope(unit_id=node.unit_id)
    if node.kind == "all":
        return Scope()
    return Scope(area_id=node.area_id, area_path=node.path, area_kind=node.kind)


# Time ----------------------------------------------------------------------------------------


def _span(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(period.start), local_midnight(period.end + dt.timedelta(days=1))


def split_period(
    period: Period, *, today: dt.date, rollups: bool
) -> tuple[list[dt.date], list[tuple[dt.datetime, dt.datetime]]]:
    """The whole past months of the period whose rollups are clean, and the ranges of
    `starts_at` of the rest (the edges, the current month, dirty months), [from, to)."""
    clean: list[dt.date] = []
    if rollups:
        whole = [
            m
            for m in period.months()
            if m >= period.start and month_end(m) <= period.end and month_end(m) < today
        ]
        if whole:
            clean = sorted(
                RollupMonth.objects.filter(month__in=whole, dirty=False).values_list(
                    "month", flat=True
                )
            )
    ranges: list[tuple[dt.date, dt.date]] = []  # [from, to) in days
    cursor = period.start
    stop = period.end + dt.timedelta(days=1)
    for m in clean:
        if cursor < m:
            ranges.append((cursor, m))
        cursor = next_month(m)
    if cursor < stop:
        ranges.append((cursor, stop))
    return clean, [(local_midnight(lo), local_midnight(hi)) for lo, hi in ranges]


def _hours(value: Any) -> float:
    return float(value or Decimal("0"))


# The figures ---------------------------------------------------------------------------------


def figures_for(
    actor: Any,
    node: Node,
    period: Period,
    *,
    rollups: bool = True,
    today: dt.date | None = None,
    cached: bool = True,
) -> Figures:
    """The figures of `node` over `period`. The caller's access to the node is checked on
    every call; the figures themselves depend only on the node, the period and the day, so
    a computed answer is cached under those and the data version (`signals.data_version`,
    which every write bumps on commit, in every process). A transaction that has written and
    not committed yet computes its own (`signals.write_pending`). `rollups=False` and
    `cached=False` always compute."""
    node = node_get_for(actor, node.key)  # never trust a node built elsewhere
    today = today or timezone.localdate()
    if not (rollups and cached) or write_pending():
        return _compute(node, period, today=today, rollups=rollups)
    key = (
        f"reports:figures:{data_version()}:{node.key}:{period.kind}:"
        f"{period.start:%Y%m%d}:{period.end:%Y%m%d}:{today:%Y%m%d}"
    )
    hit = cache.get(key)
    if isinstance(hit, Figures) and (hit.valid_until is None or timezone.now() < hit.valid_until):
        return hit  # counted since the last write, and no planned activity has started since
    f = _compute(node, period, today=today, rollups=rollups)
    cache.set(key, f, CACHE_SECONDS)
    return f


def _compute(node: Node, period: Period, *, today: dt.date, rollups: bool) -> Figures:
    f = Figures(
        scope_key=node.key,
        scope_name=node.name,
        scope_kind=node.kind,
        period=period,
        as_of=min(period.end, today),
        computed_at=timezone.now(),
    )
    if node.kind in ("all", "district", "street"):
        f.community_word = org_selectors.local_word(
            Area.Kind.COMMUNITY, under=None if node.kind == "all" else node.path
        )
    where = scope_of(node)
    moment = end_of_day(f.as_of)
    _organisation(f, node, as_of=f.as_of)
    units = _reporting(f, node, where, moment=moment)
    communities = _communities(node)
    if apps.is_installed("gongjian.service"):
        f.has_service = True
        _service(
            f, node, period, today=today, rollups=rollups, units=units, communities=communities
        )
    if apps.is_installed("gongjian.cobuild"):
        f.has_cobuild = True
        _cobuild(f, where, period, communities=communities)
    if not node.is_unit:
        f.reports_received, per = reporting_figures.community_reports(scope=where, moment=moment)
        f.reports_waiting = reporting_figures.community_waiting(scope=where, moment=moment)
        for pk, n in per.items():
            if pk in communities:
                communities[pk].reports = n
    f.unit_ranking = sorted(
        units.values(),
        key=lambda r: (r.rate is None, -(r.rate or 0), -r.person_times, r.code),
    )
    f.community_ranking = sorted(
        communities.values(),
        key=lambda r: (-r.person_times, -r.activities, -r.reports, r.code),
    )
    return f


def _organisation(f: Figures, node: Node, *, as_of: dt.date) -> None:
    """Units and party organisations as they stand; the members on the roll on `as_of`, in
    the organisation or unit they belonged to then (their spells, ADR 0030)."""
    f.units = Unit.objects.filter(units_q(node)).count()
    f.party_orgs = PartyOrg.objects.filter(party_orgs_q(node)).count()
    f.members = history.spells_on(as_of).filter(members_q(node), is_active=True).count()


def _reporting(f: Figures, node: Node, where: Scope, *, moment: dt.datetime) -> dict[int, UnitRank]:
    units = {
        pk: UnitRank(pk, code, name)
        for pk, code, name in Unit.objects.filter(units_q(node))
        .order_by()
        .values_list("pk", "code", "name")
    }
    for unit_id, (total, done, waiting) in reporting_figures.unit_counts(
        scope=where, moment=moment
    ).items():
        f.in_service += total
        f.reported += done
        f.pending += waiting
        row = units.get(unit_id)
        if row is not None:
            row.in_service, row.reported = total, done
    if reporting_figures.by_residence(where):  # a street, community or grid: its residents
        f.in_service, f.reported, f.pending = reporting_figures.resident_counts(
            scope=where, moment=moment
        )
    f.pairings = reporting_figures.pairings_count(scope=where, moment=moment)
    return units


def _communities(node: Node) -> dict[int, CommunityRank]:
    if node.is_unit or node.kind == "grid":
        return {}
    qs = Area.objects.filter(kind=Area.Kind.COMMUNITY)
    if node.kind != "all":
        qs = qs.filter(path__startswith=node.path)
    return {
        pk: CommunityRank(pk, code, name, street or "")
        for pk, code, name, street in qs.order_by().values_list(
            "pk", "code", "name", "parent__name"
        )
    }


# Volunteer service ---------------------------------------------------------------------------
# The raw parts come from `service.figures`; the whole clean months from this app's rollups.


def _service(
    f: Figures,
    node: Node,
    period: Period,
    *,
    today: dt.date,
    rollups: bool,
    units: dict[int, UnitRank],
    communities: dict[int, CommunityRank],
) -> None:
    cats: dict[int, CategoryFigure] = {
        c.id: CategoryFigure(c.code, c.name, c.colour) for c in service_figures.categories()
    }
    months: dict[str, MonthFigure] = {
        f"{m:%Y-%m}": MonthFigure(f"{m:%Y-%m}") for m in period.months()
    }
    if node.is_unit:
        lo, hi = _span(period)
        own_service = service_figures.unit_service(unit_id=node.unit_id or 0, lo=lo, hi=hi)
        f.activities, f.people = own_service.activities, own_service.people
        f.hours_confirmed = _hours(own_service.hours_confirmed)
        for cat_id, n, h, a in own_service.by_category:
            c = cats[cat_id]
            c.person_times, c.hours, c.activities = n, _hours(h), a
        for m, n, h, a in own_service.by_month:
            row = months.get(m)
            if row is not None:
                row.person_times, row.hours, row.activities = n, _hours(h), a
        for cat_id, hh in own_service.households:
            cats[cat_id].households = hh
        own = units.get(node.unit_id or 0)
        f.person_times = sum(c.person_times for c in cats.values())
        if own is not None:
            own.person_times = f.person_times
            own.hours = sum(c.hours for c in cats.values())
    else:
        exact_place = node.kind == "grid"  # rollups go down to communities, not grids
        clean, ranges = split_period(period, today=today, rollups=rollups and not exact_place)
        ranges = service_figures.held_ranges(ranges)  # held: begun by now (rollups: the past)
        where = scope_of(node)
        raw = service_figures.area_service(scope=where, ranges=ranges, name_edges=rollups)
        for cat_id, m, place, n, hh in raw.activities:
            _add(cats[cat_id], months.get(m), communities.get(place), activities=n, households=hh)
        for cat_id, m, place, n, h in raw.attendances:
            _add(
                cats[cat_id],
                months.get(m),
                communities.get(place or 0),
                person_times=n,
                hours=_hours(h),
            )
        f.hours_confirmed = _hours(raw.hours_confirmed)
        if clean:
            f.hours_confirmed += _rolled_up(node, clean, cats, months, communities)
        f.people = _people(node, clean=clean, raw_members=raw.members)
        f.person_times = sum(c.person_times for c in cats.values())
        _unit_service(units, node, clean=clean, ranges=ranges, raw=raw if rollups else None)
    f.activities = f.activities if node.is_unit else sum(c.activities for c in cats.values())
    lo, hi = _span(period)
    where = scope_of(node)
    f.activities_planned, f.valid_until = service_figures.planned(scope=where, lo=lo, hi=hi)
    if node.is_unit:
        f.activities_organised = service_figures.organised(unit_id=node.unit_id or 0, lo=lo, hi=hi)
    f.hours = round(sum(c.hours for c in cats.values()), 1)
    f.hours_confirmed = round(f.hours_confirmed, 1)
    f.households = sum(c.households for c in cats.values())
    f.categories = list(cats.values())
    f.months = list(months.values())


def _rolled_up(
    node: Node,
    clean: list[dt.date],
    cats: dict[int, CategoryFigure],
    months: dict[str, MonthFigure],
    communities: dict[int, CommunityRank],
) -> float:
    """The whole clean months, from the rollups; returns their confirmed hours."""
    facts = ServiceFact.objects.filter(month__in=clean)
    if node.kind != "all":
        facts = facts.filter(path__startswith=node.path)
    confirmed = _hours(facts.aggregate(h=Sum("hours_confirmed"))["h"])
    for cat_id, m, a, n, h, hh in (
        facts.order_by()
        .values("category_id", "month")
        .annotate(a=Sum("activities"), n=Sum("person_times"), h=Sum("hours"), hh=Sum("households"))
        .values_list("category_id", "month", "a", "n", "h", "hh")
    ):
        _add(
            cats[cat_id],
            months.get(service_figures.month_key(m)),
            None,
            activities=a,
            person_times=n,
            hours=_hours(h),
            households=hh,
        )
    if communities:
        for place, a, n, hh in (
            facts.exclude(community_id=None)
            .order_by()
            .values("community_id")
            .annotate(a=Sum("activities"), n=Sum("person_times"), hh=Sum("households"))
            .values_list("community_id", "a", "n", "hh")
        ):
            rank = communities.get(place)
            if rank is not None:
                rank.activities += a
                rank.person_times += n
                rank.households += hh
    return confirmed


def _people(node: Node, *, clean: list[dt.date], raw_members: QuerySet[Any] | None) -> int:
    """Distinct members who served in the period, exactly: those whose yearly mask meets the
    bits of the period's whole clean months (`MemberYearFact` for everything, the places under
    the node's path otherwise), united with the members of the raw part's attendances
    (`None`: known to be empty). Sums of people cannot be added; a `UNION` of members can."""
    if not clean:
        return service_figures.distinct_members(raw_members)
    masks: dict[int, int] = {}
    for m in clean:
        masks[m.year] = masks.get(m.year, 0) | month_bit(m)
    served = Q(pk__in=[])
    for year, mask in masks.items():
        served |= Q(year=year) & Q(GreaterThan(F("months").bitand(mask), 0))
    facts: QuerySet[Any]
    if node.kind == "all":
        facts = MemberYearFact.objects.filter(served)
    else:
        facts = MemberPlaceFact.objects.filter(served, area__path__startswith=node.path)
    members = facts.order_by().values("member_id")
    if raw_members is None:
        return members.distinct().count()
    # The UNION removes the duplicates of both parts at once; no DISTINCT inside each.
    return members.union(raw_members).count()


def _add(
    cat: CategoryFigure,
    month: MonthFigure | None,
    place: CommunityRank | None,
    *,
    activities: int = 0,
    person_times: int = 0,
    hours: float = 0.0,
    households: int = 0,
) -> None:
    cat.activities += activities
    cat.person_times += person_times
    cat.hours += hours
    cat.households += households
    if month is not None:
        month.activities += activities
        month.person_times += person_times
        month.hours = round(month.hours + hours, 1)
    if place is not None:
        place.activities += activities
        place.person_times += person_times
        place.households += households


def _unit_service(
    units: dict[int, UnitRank],
    node: Node,
    *,
    clean: list[dt.date],
    ranges: list[tuple[dt.datetime, dt.datetime]],
    raw: service_figures.AreaService | None,
) -> None:
    """Person-times and hours of the members of each unit, wherever they served: the raw part
    from `service.figures` (reusing the edges already read, `raw`), the clean months from the
    rollups."""
    if not units:
        return
    rows = service_figures.unit_service_raw(
        scope=scope_of(node), ranges=ranges, reuse=raw, name_edges=raw is not None
    )
    for unit_id, n, h in rows:
        u = units.get(unit_id)
        if u is not None:
            u.person_times += n
            u.hours += _hours(h)
    if clean:
        facts = UnitServiceFact.objects.filter(month__in=clean)
        if node.kind != "all":
            facts = facts.filter(unit__area__path__startswith=node.path)
        for unit_id, n, h in (
            facts.order_by()
            .values("unit_id")
            .annotate(n=Sum("person_times"), h=Sum("hours"))
            .values_list("unit_id", "n", "h")
        ):
            u = units.get(unit_id)
            if u is not None:
                u.person_times += n
                u.hours += _hours(h)
    for u in units.values():
        u.hours = round(u.hours, 1)


# Co-building ---------------------------------------------------------------------------------


def _cobuild(
    f: Figures, where: Scope, period: Period, *, communities: dict[int, CommunityRank]
) -> None:
    from gongjian.cobuild import figures as cobuild_figures

    c = cobuild_figures.counts(scope=where, period=period)
    f.resources, f.resource_units = c.resources, c.resource_units
    f.demands, f.demand_communities = c.demands, c.demand_communities
    f.matched, f.signed = c.matched, c.signed
    f.projects_finished, f.projects_active = c.projects_finished, c.projects_active
    if communities:
        for pk, n in cobuild_figures.demands_by_community(scope=where, period=period).items():
            if pk in communities:
                communities[pk].demands = n
