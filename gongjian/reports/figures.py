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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Greatest, TruncMonth
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _

from gongjian.core.errors import NotFound
from gongjian.orgs import scope
from gongjian.orgs import selectors as org_selectors
from gongjian.orgs.models import Area, Member, PartyOrg, Unit
from gongjian.reporting.models import MemberReport, OrgReport
from gongjian.reporting.selectors import end_of_day, pending_q, reported_q
from gongjian.reports.models import (
    MemberPlaceFact,
    MemberYearFact,
    RollupMonth,
    ServiceFact,
    UnitServiceFact,
)
from gongjian.reports.services import local_midnight, month_bit
from gongjian.reports.signals import data_version
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

EDGE_IDS = 20_000  # up to this many activities at the edges are named, not joined
CACHE_SECONDS = 60  # the longest a cached answer may miss a write that sent no signal

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


def in_service_q(node: Node, prefix: str = "") -> Q:
    """The in-service members counted for 双报到: those of the units counted."""
    if node.is_unit:
        return Q(**{f"{prefix}unit_id": node.unit_id})
    if node.kind == "all":
        return Q(**{f"{prefix}unit__isnull": False})
    return Q(**{f"{prefix}unit__area__path__startswith": node.path})


# Time ----------------------------------------------------------------------------------------


def _span(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(period.start), local_midnight(period.end + dt.timedelta(days=1))


def split_period(period: Period, *, today: dt.date, rollups: bool) -> tuple[list[dt.date], Q]:
    """The whole past months of the period whose rollups are clean, and a filter on
    `starts_at` for the rest (the edges, the current month, dirty months)."""
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
    raw = Q(pk__in=[])
    for lo, hi in ranges:
        raw |= Q(starts_at__gte=local_midnight(lo), starts_at__lt=local_midnight(hi))
    return clean, raw


def _prefixed(q: Q, prefix: str) -> Q:
    """`q` (on an Activity) moved onto a relation (`activity__`)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    children: list[Any] = list(q.children)
    for child in children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            key, value = child
            out.children.append((prefix + key, value))
    return out


def _month_key(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, str):
        return value[:7]
    return f"{value:%Y-%m}"


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
    a computed answer is cached under those and the data version (`signals.data_version`),
    for at most `CACHE_SECONDS` (writes that send no signal). `rollups=False` and
    `cached=False` always compute."""
    node = node_get_for(actor, node.key)  # never trust a node built elsewhere
    today = today or timezone.localdate()
    if not (rollups and cached):
        return _compute(node, period, today=today, rollups=rollups)
    key = (
        f"reports:figures:{data_version()}:{node.key}:{period.kind}:"
        f"{period.start:%Y%m%d}:{period.end:%Y%m%d}:{today:%Y%m%d}"
    )
    hit = cache.get(key)
    if isinstance(hit, Figures):
        return hit
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
    _organisation(f, node)
    units = _reporting(f, node, moment=end_of_day(f.as_of))
    communities = _communities(node)
    if apps.is_installed("gongjian.service"):
        f.has_service = True
        _service(
            f, node, period, today=today, rollups=rollups, units=units, communities=communities
        )
    if apps.is_installed("gongjian.cobuild"):
        f.has_cobuild = True
        _cobuild(f, node, period, communities=communities)
    _community_reports(f, node, communities, moment=end_of_day(f.as_of))
    f.unit_ranking = sorted(
        units.values(),
        key=lambda r: (r.rate is None, -(r.rate or 0), -r.person_times, r.code),
    )
    f.community_ranking = sorted(
        communities.values(),
        key=lambda r: (-r.person_times, -r.activities, -r.reports, r.code),
    )
    return f


def _organisation(f: Figures, node: Node) -> None:
    f.units = Unit.objects.filter(units_q(node)).count()
    f.party_orgs = PartyOrg.objects.filter(party_orgs_q(node)).count()
    f.members = Member.objects.filter(members_q(node), is_active=True).count()


def _reporting(f: Figures, node: Node, *, moment: dt.datetime) -> dict[int, UnitRank]:
    units = {
        pk: UnitRank(pk, code, name)
        for pk, code, name in Unit.objects.filter(units_q(node))
        .order_by()
        .values_list("pk", "code", "name")
    }
    # Three grouped counts with the EXISTS in the WHERE clause, where the planner turns it into
    # one hash (anti-)semi-join over the reports, instead of a correlated EXISTS per member in
    # an aggregate's FILTER (one index probe per in-service member: seconds at city scale).
    reported = Exists(MemberReport.objects.filter(Q(member=OuterRef("pk")) & reported_q(moment)))
    pending = Exists(MemberReport.objects.filter(Q(member=OuterRef("pk")) & pending_q(moment)))
    members = Member.objects.filter(in_service_q(node), in_service=True, is_active=True)

    def per_unit(qs: QuerySet[Member]) -> dict[int, int]:
        return dict(
            qs.order_by().values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n")
        )

    totals = per_unit(members)
    done = per_unit(members.filter(reported))
    waiting = per_unit(members.filter(pending).exclude(reported))
    for unit_id, total in totals.items():
        f.in_service += total
        f.reported += done.get(unit_id, 0)
        f.pending += waiting.get(unit_id, 0)
        row = units.get(unit_id)
        if row is not None:
            row.in_service, row.reported = total, done.get(unit_id, 0)
    if node.is_unit:
        f.pairings = _pairings(moment).filter(party_org__unit_id=node.unit_id or 0).count()
    else:
        f.pairings = _pairings(moment).filter(_prefix(node, "community")).count()
    return units


def _pairings(moment: dt.datetime) -> QuerySet[OrgReport]:
    return OrgReport.objects.filter(submitted_at__lt=moment).filter(
        Q(status=OrgReport.Status.CONFIRMED, decided_at__lt=moment)
        | Q(status=OrgReport.Status.ENDED, decided_at__lt=moment, ended_at__gte=moment)
    )


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


def _community_reports(
    f: Figures, node: Node, communities: dict[int, CommunityRank], *, moment: dt.datetime
) -> None:
    if node.is_unit:
        return
    reports = MemberReport.objects.filter(reported_q(moment)).filter(_prefix(node, "community"))
    f.reports_received = reports.count()
    if communities:
        for pk, n in (
            reports.order_by()
            .values("community_id")
            .annotate(n=Count("pk"))
            .values_list("community_id", "n")
        ):
            if pk in communities:
                communities[pk].reports = n


# Volunteer service ---------------------------------------------------------------------------


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
    from gongjian.service.models import Activity, Attendance, Outcome, ServiceCategory

    cats: dict[int, CategoryFigure] = {
        pk: CategoryFigure(code, name, colour)
        for pk, code, name, colour in ServiceCategory.objects.values_list(
            "pk", "code", "name", "colour"
        )
    }
    months: dict[str, MonthFigure] = {
        f"{m:%Y-%m}": MonthFigure(f"{m:%Y-%m}") for m in period.months()
    }
    published = Q(status=Activity.Status.PUBLISHED)
    tz = timezone.get_current_timezone()
    lo, hi = _span(period)
    whole = Q(starts_at__gte=lo, starts_at__lt=hi)

    if node.is_unit:
        att = Attendance.objects.filter(
            _prefixed(published & whole, "activity__"), member__unit_id=node.unit_id or 0
        )
        f.activities = att.values("activity_id").distinct().count()
        f.people = att.values("member_id").distinct().count()
        for cat_id, n, h, a in (
            att.order_by()
            .values("activity__category_id")
            .annotate(n=Count("pk"), h=Sum("hours"), a=Count("activity_id", distinct=True))
            .values_list("activity__category_id", "n", "h", "a")
        ):
            c = cats[cat_id]
            c.person_times, c.hours, c.activities = n, _hours(h), a
        for m, n, h, a in (
            att.annotate(m=TruncMonth("activity__starts_at", output_field=DateField(), tzinfo=tz))
            .order_by()
            .values("m")
            .annotate(n=Count("pk"), h=Sum("hours"), a=Count("activity_id", distinct=True))
            .values_list("m", "n", "h", "a")
        ):
            row = months.get(_month_key(m))
            if row is not None:
                row.person_times, row.hours, row.activities = n, _hours(h), a
        for cat_id, hh in (
            Outcome.objects.filter(
                _prefixed(published & whole, "activity__"), activity__unit_id=node.unit_id or 0
            )
            .order_by()
            .values("activity__category_id")
            .annotate(hh=Sum("households_visited"))
            .values_list("activity__category_id", "hh")
        ):
            cats[cat_id].households = hh or 0
        own = units.get(node.unit_id or 0)
        f.person_times = sum(c.person_times for c in cats.values())
        if own is not None:
            own.person_times = f.person_times
            own.hours = sum(c.hours for c in cats.values())
    else:
        exact_place = node.kind == "grid"  # rollups go down to communities, not grids
        clean, raw = split_period(period, today=today, rollups=rollups and not exact_place)
        where = _prefix(node, "area")
        acts = Activity.objects.filter(published & raw & where)
        att = Attendance.objects.filter(_prefixed(published & raw & where, "activity__"))
        edge: dict[int, tuple[int, Any, int | None]] | None = None
        if rollups:
            # The edges are small: name their activities, so the attendances are read through
            # their (activity, member) index rather than by a scan of the whole table, and
            # grouped by activity alone, placed by category × month × place from these rows.
            rows = list(
                acts.annotate(m=TruncMonth("starts_at", output_field=DateField(), tzinfo=tz))
                .order_by()
                .values_list("pk", "category_id", "m", "community_id")[: EDGE_IDS + 1]
            )
            if len(rows) <= EDGE_IDS:
                edge = {pk: (cat_id, m, place) for pk, cat_id, m, place in rows}
                acts = Activity.objects.filter(pk__in=list(edge))
                att = Attendance.objects.filter(activity_id__in=list(edge))
        # Raw part: activities and households, then attendances, by category × month × place.
        for cat_id, m, place, n, hh in (
            acts.annotate(m=TruncMonth("starts_at", output_field=DateField(), tzinfo=tz))
            .order_by()
            .values("category_id", "m", "community_id")
            .annotate(n=Count("pk"), hh=Sum("outcome__households_visited"))
            .values_list("category_id", "m", "community_id", "n", "hh")
        ):
            _add(
                cats[cat_id],
                months.get(_month_key(m)),
                communities.get(place),
                activities=n,
                households=hh or 0,
            )
        grouped: Iterable[tuple[int, Any, int | None, int, Any]]
        if edge is not None:
            grouped = (
                (*edge[pk], n, h)
                for pk, n, h in att.order_by()
                .values("activity_id")
                .annotate(n=Count("pk"), h=Sum("hours"))
                .values_list("activity_id", "n", "h")
            )
        else:
            grouped = (
                att.annotate(
                    m=TruncMonth("activity__starts_at", output_field=DateField(), tzinfo=tz)
                )
                .order_by()
                .values("activity__category_id", "m", "activity__community_id")
                .annotate(n=Count("pk"), h=Sum("hours"))
                .values_list("activity__category_id", "m", "activity__community_id", "n", "h")
            )
        for cat_id, m, community_id, n, h in grouped:
            _add(
                cats[cat_id],
                months.get(_month_key(m)),
                communities.get(community_id or 0),
                person_times=n,
                hours=_hours(h),
            )
        # Rolled-up part: whole clean months.
        if clean:
            facts = ServiceFact.objects.filter(month__in=clean)
            if node.kind != "all":
                facts = facts.filter(path__startswith=node.path)
            for cat_id, m, a, n, h, hh in (
                facts.order_by()
                .values("category_id", "month")
                .annotate(
                    a=Sum("activities"),
                    n=Sum("person_times"),
                    h=Sum("hours"),
                    hh=Sum("households"),
                )
                .values_list("category_id", "month", "a", "n", "h", "hh")
            ):
                _add(
                    cats[cat_id],
                    months.get(_month_key(m)),
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
        f.people = _people(node, clean=clean, raw_att=None if edge == {} else att)
        f.person_times = sum(c.person_times for c in cats.values())
        _unit_service(units, node, period, clean=clean, raw=raw, att=att if rollups else None)
    f.activities = f.activities if node.is_unit else sum(c.activities for c in cats.values())
    f.hours = round(sum(c.hours for c in cats.values()), 1)
    f.households = sum(c.households for c in cats.values())
    f.categories = list(cats.values())
    f.months = list(months.values())


def _people(node: Node, *, clean: list[dt.date], raw_att: QuerySet[Any] | None) -> int:
    """Distinct members who served in the period, exactly: those whose yearly mask meets the
    bits of the period's whole clean months (`MemberYearFact` for everything, the places under
    the node's path otherwise), united with the members of the raw part's attendances
    (`None`: known to be empty). Sums of people cannot be added; a `UNION` of members can."""
    if not clean:
        if raw_att is None:
            return 0
        return raw_att.order_by().values("member_id").distinct().count()
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
    if raw_att is None:
        return members.distinct().count()
    # The UNION removes the duplicates of both parts at once; no DISTINCT inside each.
    return members.union(raw_att.order_by().values("member_id")).count()


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
    period: Period,
    *,
    clean: list[dt.date],
    raw: Q,
    att: QuerySet[Any] | None = None,
) -> None:
    """Person-times and hours of the members of each unit, wherever they served."""
    from gongjian.service.models import Activity, Attendance

    if not units:
        return
    published = Q(status=Activity.Status.PUBLISHED)
    if node.kind == "all" and att is not None:
        raw_att = att  # every place: the edges' attendances already read
    else:
        raw_att = Attendance.objects.filter(_prefixed(published & raw, "activity__"))
        if att is not None:  # the fast path: name the edges' activities
            ids = list(
                Activity.objects.filter(published & raw).values_list("pk", flat=True)[
                    : EDGE_IDS + 1
                ]
            )
            if len(ids) <= EDGE_IDS:
                raw_att = Attendance.objects.filter(activity_id__in=ids)
    att = raw_att.filter(
        in_service_q(node, "member__") if node.kind != "all" else Q(member__unit__isnull=False)
    )
    rows: Iterable[tuple[int, int, Any]] = (
        att.order_by()
        .values("member__unit_id")
        .annotate(n=Count("pk"), h=Sum("hours"))
        .values_list("member__unit_id", "n", "h")
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
# gongjian.cobuild has no selectors yet: these are the reads this app needs, kept here until
# it does (then they move there, unchanged).


def _cobuild(
    f: Figures, node: Node, period: Period, *, communities: dict[int, CommunityRank]
) -> None:
    from gongjian.cobuild.models import Agreement, Demand, Match, Project, Resource

    years = list(range(period.start.year, period.end.year + 1))
    lo, hi = _span(period)
    if node.is_unit:
        resources = Resource.objects.filter(campaign__year__in=years, unit_id=node.unit_id or 0)
        demands = Demand.objects.none()
        match_q = Q(resource__unit_id=node.unit_id or 0)
    else:
        resources = Resource.objects.filter(_prefix(node, "unit__area"), campaign__year__in=years)
        demands = Demand.objects.filter(_prefix(node, "community"), campaign__year__in=years)
        match_q = _prefix(node, "demand__community", "resource__unit__area")
    f.resources = resources.count()
    f.resource_units = resources.values("unit_id").distinct().count()
    f.demands = demands.count()
    f.demand_communities = demands.values("community_id").distinct().count()
    f.matched = Match.objects.filter(
        match_q, status=Match.Status.CONFIRMED, confirmed_at__gte=lo, confirmed_at__lt=hi
    ).count()
    f.signed = (
        Agreement.objects.filter(_prefixed(match_q, "match__"))
        .filter(unit_signed_at__isnull=False, community_signed_at__isnull=False)
        .annotate(signed=Greatest("unit_signed_at", "community_signed_at"))
        .filter(signed__gte=lo, signed__lt=hi)
        .count()
    )
    projects = Project.objects.filter(_prefixed(match_q, "agreement__match__"))
    f.projects_finished = projects.filter(
        status=Project.Status.FINISHED, finished_at__gte=lo, finished_at__lt=hi
    ).count()
    f.projects_active = projects.filter(status=Project.Status.ACTIVE).count()
    if communities:
        for pk, n in (
            demands.order_by()
            .values("community_id")
            .annotate(n=Count("pk"))
            .values_list("community_id", "n")
        ):
            if pk in communities:
                communities[pk].demands = n
